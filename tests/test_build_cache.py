"""Rebuilds reuse the steps whose inputs did not change, and redo those whose inputs did."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from kennis.buildcache import BUILD_FILE, file_digest, step_key
from kennis.config import Settings
from kennis.progress import Progress
from kennis.service import Kennis

FIXTURE_ABOX = Path(__file__).parent / "fixtures" / "abox"

ALL_STEPS = ["graph", "ontology docs", "index", "statement vectors"]


def _build(settings: Settings) -> list[str]:
    """Build; the steps taken from the previous build."""
    k = Kennis(settings)
    try:
        summary = k.build(Progress(quiet=True))
    finally:
        k.close()
    return [s for s in summary["reused"].split("+") if s]


def _files(kb: Path) -> dict[str, str]:
    return {p.relative_to(kb).as_posix(): file_digest(p) for p in sorted(kb.rglob("*"))
            if p.is_file() and p.name != BUILD_FILE}


@pytest.fixture
def own_abox(settings: Settings, tmp_path: Path) -> Settings:
    abox = tmp_path / "abox"
    shutil.copytree(FIXTURE_ABOX, abox)
    return settings.with_(abox_dir=abox)


def test_nothing_changed_reuses_every_step_and_gives_the_same_build(settings: Settings) -> None:
    assert _build(settings) == []
    before = _files(settings.kb_dir)
    assert _build(settings) == ALL_STEPS
    assert _files(settings.kb_dir) == before
    k = Kennis(settings)
    try:
        assert k.search("toezicht fietsenstalling").hits
    finally:
        k.close()


def test_a_changed_abox_rebuilds_the_graph_and_what_reads_it(own_abox: Settings) -> None:
    _build(own_abox)
    toml = own_abox.abox_dir / "fixture.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'alt = ["wethouders"]' in text
    toml.write_text(text.replace('alt = ["wethouders"]', 'alt = ["wethouders", "stallingswethouder"]'), encoding="utf-8")
    assert _build(own_abox) == ["ontology docs"]
    assert "stallingswethouder" in (own_abox.kb_dir / "graph.nq").read_text(encoding="utf-8")


def test_a_changed_corpus_text_rebuilds_graph_and_index(settings: Settings) -> None:
    _build(settings)
    text_file = settings.corpus_dir / "bwb" / "BWBR9000002" / "2015-01-01.md"
    manifest = settings.manifest_path
    old_sha = hashlib.sha256(text_file.read_bytes()).hexdigest()
    text_file.write_text(text_file.read_text(encoding="utf-8") + "\nDe zadelpenningmeester int de bijdragen.\n",
                         encoding="utf-8")
    new_sha = hashlib.sha256(text_file.read_bytes()).hexdigest()
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old_sha, new_sha), encoding="utf-8")
    assert _build(settings) == ["ontology docs"]
    k = Kennis(settings)
    try:
        assert "zadelpenningmeester" in k.search("zadelpenningmeester").hits[0].text
    finally:
        k.close()


def test_changed_code_reruns_the_step_that_loaded_it(settings: Settings) -> None:
    _build(settings)
    record_file = settings.kb_dir / BUILD_FILE
    record = json.loads(record_file.read_text(encoding="utf-8"))
    assert "graph/build.py" in record["steps"]["graph"]["code"]
    record["steps"]["graph"]["code"]["graph/build.py"] = "0" * 64  # as if the module had been edited since
    record_file.write_text(json.dumps(record), encoding="utf-8")
    # the graph's inputs are the same, so what depends only on them is still reused
    assert _build(settings) == ["ontology docs", "index", "statement vectors"]


def test_a_damaged_record_or_a_missing_output_is_rebuilt(settings: Settings) -> None:
    _build(settings)
    (settings.kb_dir / "ontology.html").unlink()
    assert _build(settings) == ["graph", "index", "statement vectors"]
    assert (settings.kb_dir / "ontology.html").is_file()
    (settings.kb_dir / BUILD_FILE).write_text("{not json", encoding="utf-8")
    assert _build(settings) == []


def test_a_changed_setting_of_the_model_rebuilds_index_and_statement_vectors(settings: Settings) -> None:
    _build(settings)
    other = settings.with_(model="some-other/model")
    assert _build(other) == ["graph", "ontology docs"]


def test_step_key_reads_content_and_values(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("een", encoding="utf-8")
    key = step_key([f], x=1)
    assert step_key([f], x=1) == key
    assert step_key([f], x=2) != key
    f.write_text("twee", encoding="utf-8")
    assert step_key([f], x=1) != key
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "b.toml").write_text("x = 1", encoding="utf-8")
    before = step_key([folder])
    (folder / "c.toml").write_text("y = 2", encoding="utf-8")
    assert step_key([folder]) != before



def test_evidence_is_read_in_the_curated_order_whatever_order_the_store_holds(tmp_path: Path) -> None:
    import random

    from kennis.graph.queries import _evidence
    from kennis.graph.store import OxigraphStore
    from kennis.graph.vocab import KB, evidence_iri, passage_iri

    from kennis import ids

    s = ids.iri("competence", "x")
    numbers = [1, 2, 3, 10, 11]
    lines = []
    for n in numbers:
        e = evidence_iri("x", n)
        lines += [f"<{s}> <{KB.hasEvidence}> <{e}> .",
                  *(f'<{e}> <{p}> "{v}" .' for p, v in ((KB.doc, "D"), (KB.version, "2015-01-01"), (KB.ref, "1"),
                                                        (KB.quote, f"woorden {n}"))),
                  f"<{e}> <{KB.passage}> <{passage_iri('D/2015-01-01/1/1')}> ."]
    for seed in range(3):
        random.Random(seed).shuffle(lines)
        path = tmp_path / f"g{seed}.nt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        got = _evidence(OxigraphStore.from_file(path))[s]
        assert [x.quote for x in got] == [f"woorden {n}" for n in numbers]
