"""kennis.curate on two tiny editions written for the tests (tests/fixtures/editions).

Between the 2010 and the 2016 edition one statement stays (1.1), one moves to the new
chapter 3.2 (where its section 1.2 keeps a decoy sentence about the same actor), one is
reworded in place (2), one is dropped, and a new actor (DSB) appears.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kennis.cli import main
from kennis.config import Settings
from kennis.corpus import ingest
from kennis.curate.align import EditionAligner, sentences
from kennis.curate.carry import carry, curated_owners, edition_pair
from kennis.curate.changes import actor_changes
from kennis.curate.propose import propose
from kennis.errors import InvalidInputError, ValidationError
from kennis.graph.abox import load_curation, norm_text
from kennis.graph.build import build_graph
from kennis.graph.queries import find_competences, resolve_actor
from kennis.graph.store import OxigraphStore

EDITIONS = Path(__file__).parent / "fixtures" / "editions"
OLD, NEW = "BWBR9100001", "BWBR9100002"


@pytest.fixture
def esettings(tmp_path: Path) -> Settings:
    return Settings(corpus_dir=EDITIONS / "corpus", data_dir=tmp_path / "data", embedder="stand-in",
                    abox_dir=EDITIONS / "abox")


@pytest.fixture
def corpus(esettings):
    return ingest(esettings)


@pytest.fixture
def carried(corpus, esettings):
    source, target = edition_pair(corpus, OLD, NEW)
    out = carry(curated_owners(load_curation(esettings.abox_dir), corpus), source, target)
    return {c.statement: c for c in out}, target


def test_sentences_are_verbatim_and_drop_bullets():
    text = "Eerste zin hier. Tweede zin, met komma; derde deel.\n* Een punt van de lijst;\n* Nog een punt."
    found = sentences(text)
    # a semicolon before a lower-case word does not end the sentence
    assert found == ["Eerste zin hier.", "Tweede zin, met komma; derde deel.", "Een punt van de lijst;",
                     "Nog een punt."]
    assert all(s in text for s in found)


def test_one_word_of_difference_is_a_rewording():
    from kennis.curate.align import same_words

    old = "Aan dit overleg nemen vertegenwoordigers van de diensten deel onder voorzitterschap van de SC."
    assert not same_words(old, old.replace("van de SC", "van het FTB"))
    assert same_words("vertegenwoordigers van de diensten deel", old)


def test_sections_align_by_heading_and_wording(corpus):
    source, target = edition_pair(corpus, OLD, NEW)
    aligner = EditionAligner(source, target)
    assert aligner.section_map == {"1": "1", "1.1": "1.1", "1.2": "1.2", "2": "2"}


def test_carry_finds_same_moved_reworded_and_gone(carried):
    by_id, target = carried
    expect = {
        "sluiswachter-sluisdeuren": ("same", "1.1"),
        # the decoy "De havenmeester houdt toezicht bij de sluis." sits in the aligned 1.2
        "havenmeester-extra-bewaking": ("moved", "3.2"),
        "minister-wijst-rijkssluizen-aan": ("reworded", "2"),
        "sluiswachter-logboek": ("gone", None),
    }
    for sid, (status, ref) in expect.items():
        c = by_id[sid]
        assert c.status == status, sid
        assert (c.target.ref if c.target else None) == ref, sid
        assert c.source.doc == OLD  # the statement's own 2016 source is not what is carried
    moved = by_id["havenmeester-extra-bewaking"].target
    assert moved.quote == "Bij verhoogde dreiging beslist de havenmeester over de inzet van extra bewaking bij de sluis."
    reworded = by_id["minister-wijst-rijkssluizen-aan"]
    assert 0.4 < reworded.similarity < 1.0
    assert by_id["sluiswachter-sluisdeuren"].similarity == 1.0
    passages = {p.id: p for p in target.passages}
    for c in by_id.values():
        if c.target is not None:
            assert norm_text(c.target.quote) in norm_text(passages[c.target.passage].text)
            assert c.target.quote in sentences(passages[c.target.passage].text)


def test_carry_json_line_shape(carried):
    c = carried[0]["havenmeester-extra-bewaking"].to_dict()
    assert set(c) >= {"statement", "from", "to", "status", "similarity"}
    assert set(c["from"]) >= {"doc", "ref", "quote"} and set(c["to"]) >= {"doc", "version", "ref", "quote"}
    assert carried[0]["sluiswachter-logboek"].to_dict()["to"] is None


def test_same_version_on_both_sides_is_refused(corpus):
    with pytest.raises(InvalidInputError):
        edition_pair(corpus, NEW, NEW)


def test_propose_reads_cues_and_new_actor(corpus, esettings):
    proposals = propose(corpus, load_curation(esettings.abox_dir), NEW)
    got = {(p.actor, p.action, p.object, p.source.ref) for p in proposals}
    assert ("sluiswachter", "draw-up", "bewakingsplan", "1.1") in got  # "stelt … op"
    assert ("havenmeester", "decide", "extra-bewaking", "3.2") in got  # "beslist over"
    assert ("sluiswachter", "responsible", "sluisdeuren", "1.1") in got  # "is verantwoordelijk voor"
    # the decoy "houdt toezicht" states no action of the vocabulary
    assert not any(p.actor == "havenmeester" and p.source.ref == "1.2" for p in proposals)
    dsb = [p for p in proposals if p.new_actor is not None]
    assert [(p.actor, p.action, p.source.ref) for p in dsb] == [("dsb", "execute", "3.1")]
    assert dsb[0].new_actor.label == "Dienst Sluisbewaking (DSB)"
    assert dsb[0].to_dict()["actor_iri"].endswith("/actor/dsb")
    assert len({p.id for p in proposals}) == len(proposals)
    passages = {p.id: p for p in corpus.version_for(NEW).passages}
    for p in proposals:
        assert p.source.quote in passages[p.source.passage].text
        assert 0 < p.confidence <= 1


def _review(tmp_path: Path, esettings: Settings, accept: bool) -> Path:
    """The ABox folder plus a review file for the new edition, every entry accepted or none."""
    from kennis.service import Kennis

    folder = tmp_path / ("abox-all" if accept else "abox-none")
    shutil.copytree(EDITIONS / "abox", folder)
    summary = Kennis(esettings).review(NEW, folder / "review.toml")
    assert summary["from"] == f"{OLD}/2010-01-01"
    assert summary["carried"] >= 2 and summary["actors"] == 1 and summary["proposed"] >= 2
    if accept:
        path = folder / "review.toml"
        path.write_text(path.read_text(encoding="utf-8").replace('status = "proposed"', 'status = "accepted"'),
                        encoding="utf-8")
    return folder


def _triples(path: Path) -> tuple[int, set[str]]:
    """Number of quads and those without blank nodes (whose labels differ per build)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return len(lines), {line for line in lines if "_:" not in line}


def test_review_none_accepted_leaves_graph_unchanged(tmp_path, esettings, corpus):
    build_graph(corpus, esettings, tmp_path / "base", abox_dir=EDITIONS / "abox", reasoning=False)
    folder = _review(tmp_path, esettings, accept=False)
    assert load_curation(folder) == load_curation(EDITIONS / "abox")
    build_graph(corpus, esettings, tmp_path / "none", abox_dir=folder, reasoning=False)
    assert _triples(tmp_path / "none" / "graph.nq") == _triples(tmp_path / "base" / "graph.nq")


def test_review_all_accepted_builds_and_validates(tmp_path, esettings, corpus):
    folder = _review(tmp_path, esettings, accept=True)
    cur = load_curation(folder)
    assert "dsb" in cur.actor_ids
    moved = next(c for c in cur.competences if c.id == "havenmeester-extra-bewaking")
    assert [(s.doc, s.ref) for s in moved.sources] == [(OLD, "1.2"), (NEW, "3.2")]
    # the 1.1 statement already has its 2016 source: nothing to carry for it
    kept = next(c for c in cur.competences if c.id == "sluiswachter-sluisdeuren")
    assert len(kept.sources) == 2
    build_graph(corpus, esettings, tmp_path / "all", abox_dir=folder, reasoning=True)
    store = OxigraphStore.from_file(tmp_path / "all" / "graph.nq")
    comps = find_competences(store, actor="havenmeester")
    refs = {(s.doc, s.ref) for c in comps for s in c.sources}
    assert (NEW, "3.2") in refs
    assert any(c.actor.label == "Dienst Sluisbewaking" for c in find_competences(store, actor="DSB"))


def test_review_status_and_unknown_statement_are_errors(tmp_path):
    folder = tmp_path / "abox"
    shutil.copytree(EDITIONS / "abox", folder)
    (folder / "review.toml").write_text('[[source]]\nstatement = "nobody"\nsrc = [["BWBR9100002", "1.1", "x"]]\n',
                                        encoding="utf-8")
    with pytest.raises(ValidationError, match="unknown statement"):
        load_curation(folder)
    (folder / "review.toml").write_text('[[actor]]\nid = "x"\nstatus = "maybe"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="status must be one of"):
        load_curation(folder)


@pytest.fixture
def built(esettings, corpus):
    kb = esettings.kb_dir
    kb.mkdir(parents=True)
    corpus.save(kb / "corpus.json")
    build_graph(corpus, esettings, kb, abox_dir=esettings.abox_dir, reasoning=False)
    return esettings


def test_actor_changes_between_editions(built, corpus):
    store = OxigraphStore.from_file(built.kb_dir / "graph.nq")
    wachter = resolve_actor(store, "sluiswachter")
    ch = actor_changes(wachter, find_competences(store, actor=wachter.iri), corpus, OLD, NEW)
    by_label = {c.label: c for c in ch.changes}
    kept = by_label["De sluiswachter is verantwoordelijk voor het openen van de sluisdeuren"]
    assert kept.status == "gelijk" and not kept.aligned
    gone = by_label["De sluiswachter houdt een logboek bij"]
    assert gone.status == "vervallen" and gone.after is None and gone.aligned
    meester = resolve_actor(store, "havenmeester")
    ch = actor_changes(meester, find_competences(store, actor=meester.iri), corpus, OLD, NEW)
    (moved,) = ch.changes
    assert moved.status == "gewijzigd" and moved.aligned
    assert (moved.before.ref, moved.after.ref) == ("1.2", "3.2")
    assert ch.counts() == {"gelijk": 0, "gewijzigd": 1, "nieuw": 0, "vervallen": 0}
    # the other way round, the dropped statement is new
    back = actor_changes(wachter, find_competences(store, actor=wachter.iri), corpus, NEW, OLD)
    assert {c.label: c.status for c in back.changes}["De sluiswachter houdt een logboek bij"] == "nieuw"


def _run(capsys, settings: Settings, monkeypatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setenv("KENNIS_ABOX_DIR", str(settings.abox_dir))
    code = main(["--corpus-dir", str(settings.corpus_dir), "--data-dir", str(settings.data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_carry_propose_review_changes(capsys, monkeypatch, built, tmp_path):
    code, out, _ = _run(capsys, built, monkeypatch, "graph", "carry", "--from", OLD, "--to", NEW, "--json")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert {r["statement"]: r["status"] for r in lines}["havenmeester-extra-bewaking"] == "moved"
    code, out, _ = _run(capsys, built, monkeypatch, "graph", "propose", "--doc", NEW, "--json")
    assert code == 0 and any(json.loads(line)["actor"] == "dsb" for line in out.splitlines())
    code, out, _ = _run(capsys, built, monkeypatch, "graph", "review", "--to", NEW, "--out", str(tmp_path / "r.toml"))
    assert code == 0 and (tmp_path / "r.toml").is_file() and "nieuwe actoren" in out
    (tmp_path / "r.toml").write_text("# reviewed\n", encoding="utf-8")
    code, _, err = _run(capsys, built, monkeypatch, "graph", "review", "--to", NEW, "--out", str(tmp_path / "r.toml"))
    assert code != 0 and "exists" in err and (tmp_path / "r.toml").read_text(encoding="utf-8") == "# reviewed\n"
    code, _, _ = _run(capsys, built, monkeypatch, "graph", "review", "--to", NEW, "--out", str(tmp_path / "r.toml"),
                      "--force")
    assert code == 0 and "[[source]]" in (tmp_path / "r.toml").read_text(encoding="utf-8")
    code, out, _ = _run(capsys, built, monkeypatch, "actor", "havenmeester", "--changes", OLD, NEW)
    assert code == 0 and "3.2" in out and "voorheen" in out
    code, _, err = _run(capsys, built, monkeypatch, "graph", "carry", "--from", OLD, "--to", "BWBR0000000")
    assert code != 0 and "kennis:" in err and "Traceback" not in err


def test_api_actor_changes(built):
    from fastapi.testclient import TestClient

    from kennis.api.app import create_app
    from kennis.service import Kennis

    core = Kennis(built)
    with TestClient(create_app(built, core=core, store=core.store)) as client:
        r = client.get("/api/actors/havenmeester/changes", params={"from": OLD, "to": NEW})
        assert r.status_code == 200
        body = r.json()
        assert body["before"] == f"{OLD}/2010-01-01" and body["after"] == f"{NEW}/2016-01-01"
        assert [(c["status"], c["before"]["ref"], c["after"]["ref"]) for c in body["changes"]] == [
            ("gewijzigd", "1.2", "3.2")]
        assert client.get("/api/actors/havenmeester/changes", params={"from": OLD, "to": "XX"}).status_code == 404
        assert client.get("/api/actors/niemand/changes", params={"from": OLD, "to": NEW}).status_code == 404
        assert client.get("/api/actors/havenmeester", params={}).status_code == 200  # the card route still answers


def test_curate_sits_below_the_interfaces_and_loads_no_model():
    import subprocess
    import sys

    code = ("import sys, kennis.curate.align, kennis.curate.carry, kennis.curate.propose, kennis.curate.review, "
            "kennis.curate.changes\n"
            "bad = [m for m in ('torch', 'faiss', 'kennis.service', 'kennis.cli', 'kennis.api', 'kennis.ui', "
            "'kennis.answer.compose') if m in sys.modules]\n"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
