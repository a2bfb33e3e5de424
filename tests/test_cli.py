"""The command line on the fixture knowledge base: ``kennis sparql`` (the endpoint's W3C result
formats, the same killable executor), settings honoured, ``kennis actor --list``."""

from __future__ import annotations

import json
import time

import pytest

from kennis.cli import main
from kennis.errors import QueryTimeoutError
from kennis.service import Kennis

QUERY = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s LIMIT 2"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _run(k: Kennis, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("KENNIS_EMBEDDER", "stand-in")
    monkeypatch.setenv("KENNIS_ABOX_DIR", str(k.settings.abox_dir))
    code = main(["--corpus-dir", str(k.settings.corpus_dir), "--data-dir", str(k.settings.data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_formats_are_the_endpoints(fmt: str, built_kennis: Kennis, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(built_kennis, monkeypatch, capsys, "sparql", QUERY, "--format", fmt)
    assert code == 0
    assert out.encode() == built_kennis.sparql_result(QUERY, fmt).body
    first = {"json": '{"head":{"vars":["s"]}', "xml": "<?xml", "csv": "s\r\n", "tsv": "?s\n"}[fmt]
    assert out.startswith(first)


def test_json_is_w3c_results_json(built_kennis: Kennis, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(built_kennis, monkeypatch, capsys, "sparql", QUERY, "--format", "json")
    doc = json.loads(out)
    assert doc["head"] == {"vars": ["s"]}
    assert [b["s"]["type"] for b in doc["results"]["bindings"]] == ["uri", "uri"]
    _, out, _ = _run(built_kennis, monkeypatch, capsys, "sparql", "ASK { ?s ?p ?o }", "--format", "json")
    assert json.loads(out) == {"head": {}, "boolean": True}


def test_runaway_query_is_stopped_at_the_timeout(built_kennis: Kennis, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KENNIS_QUERY_TIMEOUT_S", "1")
    t = time.perf_counter()
    code, out, err = _run(built_kennis, monkeypatch, capsys, "sparql", CROSS_PRODUCT)
    assert time.perf_counter() - t < 10
    assert code == QueryTimeoutError.exit_code and out == ""
    assert err.startswith("kennis: the query was stopped after 1 s (time limit)")


def test_row_cap_while_streaming(built_kennis: Kennis, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KENNIS_MAX_RESULT_ROWS", "3")
    code, out, err = _run(built_kennis, monkeypatch, capsys, "sparql", "SELECT * WHERE { ?s ?p ?o }")
    assert code != 0 and out == "" and "more than 3 rows" in err


def test_search_k_defaults_to_the_setting(built_kennis: Kennis, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KENNIS_K", "1")
    code, out, _ = _run(built_kennis, monkeypatch, capsys, "search", "toezicht stallingen", "--json")
    assert code == 0 and len(json.loads(out)["results"]) == 1
    code, out, _ = _run(built_kennis, monkeypatch, capsys, "search", "toezicht stallingen", "--json", "--k", "3")
    assert len(json.loads(out)["results"]) == 3


def test_actor_list_as_the_hint_says(built_kennis: Kennis, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(built_kennis, monkeypatch, capsys, "actor", "xyzzy")
    assert code != 0 and "kennis actor --list" in err
    code, out, _ = _run(built_kennis, monkeypatch, capsys, "actor", "--list")
    assert code == 0
    assert out.splitlines() == [*(a.label + (f" ({', '.join(a.alt_labels)})" if a.alt_labels else "")
                                  for a in built_kennis.actors()), f"({len(built_kennis.actors())} actoren)"]
    code, out, _ = _run(built_kennis, monkeypatch, capsys, "actor", "--list", "SC", "--json")
    assert [a["label"] for a in json.loads(out)] == ["stallingscoördinator"]
