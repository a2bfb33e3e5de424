"""``kennis corpus updates``: the SRU search service and the BWB repository played by a local
HTTP server on 127.0.0.1, serving responses and files made from the fixtures (and, for the
``integration`` test, from the real samples). Nothing here reaches outside the machine."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import threading
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from kennis.cli import main
from kennis.config import Settings
from kennis.corpus import Manifest
from kennis.corpus.manifest_edit import ManifestEdit
from kennis.corpus.updates import check_updates
from kennis.errors import ChecksumError, ServiceError
from tests.conftest import REAL_CORPUS

OFFICIAL = Path(__file__).parent / "fixtures" / "official"
SAMPLES = REAL_CORPUS.parent / "samples" / "official"


class Repository:
    """What the fake services serve: SRU answers per BWB id, and files by path."""

    def __init__(self) -> None:
        self.records: dict[str, bytes] = {}  # BWB id → SRU response (``{base}`` = server address)
        self.files: dict[str, bytes] = {}
        self.queries: list[str] = []
        self.base = ""

    def handle(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if path == "/sru":
            q = query.get("query", [""])[0]
            self.queries.append(q)
            for bwb_id, body in self.records.items():
                if f"dcterms.identifier=={bwb_id}" in q:
                    return 200, body.replace(b"{base}", self.base.encode())
            return 200, (OFFICIAL / "sru" / "empty.xml").read_bytes()
        if path in self.files:
            return 200, self.files[path]
        return 404, b"not found"


@contextmanager
def serve(repo: Repository) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server interface
            url = urlparse(self.path)
            status, body = repo.handle(url.path, parse_qs(url.query))
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    repo.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield repo.base
    finally:
        server.shutdown()
        server.server_close()


def _metadata_only(settings: Settings, fields: dict[str, str]) -> None:
    edit = ManifestEdit(settings.manifest_path.read_text(encoding="utf-8"))
    edit.add_document(fields, [])
    settings.manifest_path.write_text(edit.render()[0], encoding="utf-8")


@pytest.fixture
def circulaire_2026(settings: Settings) -> Iterator[tuple[Settings, Repository]]:
    """The fixture corpus knowing the 2026 edition by metadata only, and a repository that has it."""
    _metadata_only(settings, {"id": "BWBR9000004", "work": "testcirculaire", "kind": "circulaire",
                              "title": "Testcirculaire 2026", "valid_from": "2026-01-01",
                              "supersedes": "testcirculaire-2020"})
    repo = Repository()
    repo.records["BWBR9000004"] = (OFFICIAL / "sru" / "BWBR9000004.xml").read_bytes()
    repo.files["/bwb/BWBR9000004/manifest.xml"] = (OFFICIAL / "circulaire" / "manifest.xml").read_bytes()
    repo.files["/bwb/BWBR9000004/2026-01-01_0/xml/BWBR9000004_2026-01-01_0.xml"] = (
        OFFICIAL / "circulaire" / "BWBR9000004_2026-01-01_0.xml").read_bytes()
    with serve(repo) as base:
        yield settings.with_(sru_url=base + "/sru", download_timeout_s=5.0), repo


def test_updates_lists_the_newer_toestand_and_changes_nothing(circulaire_2026: tuple[Settings, Repository]) -> None:
    settings, repo = circulaire_2026
    before = settings.manifest_path.read_bytes()
    result = check_updates(settings)
    assert result.checked == ("BWBR9000001", "BWBR9000002", "BWBR9000003", "BWBR9000004")
    assert repo.queries == [f"dcterms.identifier=={d}" for d in result.checked]
    (u,) = result.updates
    assert (u.doc, u.valid_from, u.valid_to, u.held, u.status) == ("BWBR9000004", date(2026, 1, 1), None, "", "available")
    assert u.toestand_url == repo.base + "/bwb/BWBR9000004/2026-01-01_0/xml/BWBR9000004_2026-01-01_0.xml"
    assert settings.manifest_path.read_bytes() == before
    repo.queries.clear()
    check_updates(settings, since=date(2026, 1, 1))
    assert all(q.endswith(" and dcterms.modified>=2026-01-01") for q in repo.queries)


def test_cli_updates_reports_and_fetches(circulaire_2026: tuple[Settings, Repository],
                                        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    settings, repo = circulaire_2026
    monkeypatch.setenv("KENNIS_SRU_URL", settings.sru_url)
    args = ["--corpus-dir", str(settings.corpus_dir), "--data-dir", str(settings.data_dir), "--quiet"]
    assert main(["corpus", "updates", "--since", "2026-01-01", *args]) == 0
    out = capsys.readouterr().out
    assert "4 BWB-documenten nagevraagd" in out and "BWBR9000004" in out and "--fetch" in out
    assert main(["corpus", "updates", "--fetch", "--json", *args]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [u["status"] for u in payload["updates"]] == ["added"] and payload["added"]["changed"]
    assert main(["corpus", "updates", *args]) == 0
    assert "Geen nieuwere toestanden gevonden." in capsys.readouterr().out


def test_a_toestand_not_newer_than_the_one_held_is_no_update(circulaire_2026: tuple[Settings, Repository]) -> None:
    settings, repo = circulaire_2026
    # the repository's record of the 2015 edition names a toestand of 2015-01-01: held already
    repo.records["BWBR9000002"] = repo.records["BWBR9000004"].replace(b"BWBR9000004", b"BWBR9000002").replace(
        b"2026-01-01", b"2015-01-01")
    assert [u.doc for u in check_updates(settings).updates] == ["BWBR9000004"]


def test_fetch_verifies_the_hash_code_and_adds_the_edition(circulaire_2026: tuple[Settings, Repository],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    settings, repo = circulaire_2026
    result = check_updates(settings, fetch=True)
    assert [u.status for u in result.updates] == ["added"]
    assert result.added is not None and result.added.changed
    doc = Manifest.load(settings.manifest_path).document("BWBR9000004")
    (v,) = doc.versions
    served = repo.files["/bwb/BWBR9000004/2026-01-01_0/xml/BWBR9000004_2026-01-01_0.xml"]
    assert (v.version, v.format, v.sha256) == ("2026-01-01", "bwb-toestand", hashlib.sha256(served).hexdigest())
    assert (settings.corpus_dir / v.path).read_bytes() == served
    assert doc.title == "Testcirculaire 2026"
    # asked again: nothing newer than what is now held
    assert check_updates(settings).updates == ()


def test_fetch_refuses_a_file_whose_hash_differs(circulaire_2026: tuple[Settings, Repository]) -> None:
    settings, repo = circulaire_2026
    key = "/bwb/BWBR9000004/2026-01-01_0/xml/BWBR9000004_2026-01-01_0.xml"
    repo.files[key] = repo.files[key].replace(b"Inleiding", b"Inleidinq")
    before = {p: p.read_bytes() for p in settings.corpus_dir.rglob("*") if p.is_file()}
    with pytest.raises(ChecksumError, match="SHA-512"):
        check_updates(settings, fetch=True)
    assert {p: p.read_bytes() for p in settings.corpus_dir.rglob("*") if p.is_file()} == before


def test_unreachable_service_is_a_one_line_error(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    env_args = ["--corpus-dir", str(settings.corpus_dir), "--data-dir", str(settings.data_dir)]
    os.environ["KENNIS_SRU_URL"] = f"http://127.0.0.1:{port}/sru"
    try:
        with pytest.raises(ServiceError):
            check_updates(settings.with_(sru_url=f"http://127.0.0.1:{port}/sru", download_timeout_s=2.0))
        assert main(["corpus", "updates", "--quiet", *env_args]) == 7
    finally:
        del os.environ["KENNIS_SRU_URL"]
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("kennis: could not reach http://127.0.0.1:")


@pytest.mark.integration
@pytest.mark.skipif(not (SAMPLES / "bwb").is_dir(), reason="../shared/samples/official is not available")
def test_fetch_of_the_real_woo_sample_verified_by_its_repository_manifest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    for p in [corpus, *corpus.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data", embedder="stand-in")
    _metadata_only(settings, {"id": "BWBR0045754", "kind": "wet", "title": "Wet open overheid"})
    folder = SAMPLES / "bwb" / "BWBR0045754"
    repo = Repository()
    record: Callable[[bytes], bytes] = lambda b: b.replace(b"BWBR9000004", b"BWBR0045754").replace(  # noqa: E731
        b"2026-01-01", b"2022-05-01").replace(b"</overheidbwb:locatie_manifest>",
                                              b"</overheidbwb:locatie_manifest><overheidbwb:locatie_wti>{base}/bwb/BWBR0045754/BWBR0045754.WTI</overheidbwb:locatie_wti>")
    repo.records["BWBR0045754"] = record((OFFICIAL / "sru" / "BWBR9000004.xml").read_bytes())
    repo.files["/bwb/BWBR0045754/manifest.xml"] = (folder / "manifest.xml").read_bytes()
    repo.files["/bwb/BWBR0045754/2022-05-01_0/xml/BWBR0045754_2022-05-01_0.xml"] = (
        folder / "BWBR0045754_2022-05-01_0.xml").read_bytes()
    repo.files["/bwb/BWBR0045754/BWBR0045754.WTI"] = (folder / "BWBR0045754.WTI").read_bytes()
    with serve(repo) as base:
        result = check_updates(settings.with_(sru_url=base + "/sru", download_timeout_s=10.0), fetch=True)
    assert [(u.doc, u.status) for u in result.updates] == [("BWBR0045754", "added")]
    doc = Manifest.load(settings.manifest_path).document("BWBR0045754")  # verifies the sha256 of each file
    assert [v.version for v in doc.versions] == ["2022-05-01"] and doc.wti and doc.abbreviations == ("Woo",)
    # the shipped BWB documents were all asked about, the 2026 circulaire among them
    assert "BWBR0052355" in result.checked and "BWBR0036811" in result.checked
