"""The Streamlit app, driven headless with Streamlit's AppTest on the fixture corpus.

A knowledge base is built once for the module (stand-in embedder) in a temporary data
folder; the app reads its settings from ``KENNIS_*`` variables like in production.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterator

import pytest

from kennis.config import REPO_ROOT, Settings
from kennis.progress import Progress

pytest.importorskip("streamlit")
from streamlit import config as st_config  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

# as in .streamlit/config.toml: no magic, so no ast.parse racing the model-loading thread
# (Python 3.11.7, cpython#106905)
st_config.set_option("runner.magicEnabled", False)

APP = REPO_ROOT / "app.py"
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
TIMEOUT = 60


def _env(mp: pytest.MonkeyPatch, data_dir: Path) -> None:
    mp.setenv("KENNIS_CORPUS_DIR", str(FIXTURE_CORPUS))
    mp.setenv("KENNIS_DATA_DIR", str(data_dir))
    mp.setenv("KENNIS_EMBEDDER", "stand-in")
    mp.setenv("KENNIS_ABOX_DIR", str(Path(__file__).parent / "fixtures" / "abox"))
    for name in ("KENNIS_SPARQL_ENDPOINT", "KENNIS_LLM_ENDPOINT", "KENNIS_MODEL"):
        mp.delenv(name, raising=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A knowledge base built from the fixture corpus, and the environment pointing at it."""
    from kennis.service import Kennis

    data_dir = tmp_path_factory.mktemp("app") / "data"
    with pytest.MonkeyPatch.context() as mp:
        _env(mp, data_dir)
        settings = Settings.from_env()
        Kennis(settings).build(Progress(quiet=True))
        yield settings


def _app(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if page:
        at.query_params["page"] = page
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    parts += [x.value for x in at.success] + [x.value for x in at.warning] + [x.value for x in at.info]
    return "\n".join(parts)


def _buttons(at: AppTest, prefix: str) -> list:
    return [b for b in at.button if b.label.startswith(prefix)]


# --- not built ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["zoeken", "vraag", "actoren", "sparql"])
def test_unbuilt_pages_explain_how_to_build(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, tmp_path / "empty")
    at = _ok(_app(page))
    warning = " ".join(w.value for w in at.warning)
    assert "nog niet gebouwd" in warning
    assert "kennis build" in warning and "./setup.sh" in warning


def test_unbuilt_documents_still_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, tmp_path / "empty")
    at = _ok(_app("documenten", doc="BWBR9000001", ref="1.1", version="2010-01-01"))
    assert "wethouder" in _texts(at)


# --- navigation ------------------------------------------------------------------------------------


PAGES = {"zoeken": "Zoeken", "vraag": "Vraag het", "actoren": "Actoren", "documenten": "Documenten",
         "sparql": "SPARQL"}


@pytest.mark.parametrize("slug", list(PAGES))
def test_every_page_renders(built: Settings, slug: str) -> None:
    at = _ok(_app(slug))
    assert at.header[0].value == PAGES[slug]


def test_start_page_is_search(built: Settings) -> None:
    at = _ok(_app())
    assert at.header[0].value == "Zoeken"


def test_start_page_is_fast(built: Settings) -> None:
    import time

    _app()  # warm: imports and the cached core
    t = time.perf_counter()
    _ok(_app())
    assert time.perf_counter() - t < 5


# --- Zoeken ------------------------------------------------------------------------------------------


def test_search_shows_cards_with_citation_and_highlights(built: Settings) -> None:
    at = _app()
    at.text_input(key="search_q").input("gezag stallingen").run()
    _ok(at)
    text = _texts(at)
    assert '<mark class="k-hit">gezag</mark>' in text
    assert "§ 1.1" in text
    assert at.query_params["q"] == "gezag stallingen"
    # notice: the 2020 edition is newer but its text is not in the corpus
    assert any("2020" in i.value for i in at.info)
    # "read in context" opens the Documenten page on that section
    _buttons(at, "Lees § 1.1")[0].click().run()
    _ok(at)
    assert at.header[0].value == "Documenten"
    assert at.selectbox(key="ref").value == "1.1"
    assert at.query_params["doc"] == at.selectbox(key="doc").value and at.query_params["ref"] == "1.1"


def test_search_filters_by_date_and_document(built: Settings) -> None:
    at = _app()
    at.date_input(key="search_date").set_value(date(2011, 1, 1))
    at.selectbox(key="search_doc").set_value("BWBR9000001")
    at.text_input(key="search_q").input("wethouder toezicht").run()
    _ok(at)
    cards = [m.value for m in at.markdown if m.value.startswith("**1.")]
    assert cards and "versie 2010-01-01" in cards[0]


def test_search_deep_link(built: Settings) -> None:
    at = _ok(_app("zoeken", q="stallingscoördinator"))
    assert at.text_input(key="search_q").value == "stallingscoördinator"
    assert "k-hit" in _texts(at)


# --- Vraag het ---------------------------------------------------------------------------------------


def test_ask_example_question_is_answered(built: Settings) -> None:
    from kennis.service import Kennis

    at = _app("vraag")
    examples = [b for b in at.button if b.key and b.key.startswith("example-")]
    assert len(examples) >= 3
    examples[0].click().run()
    _ok(at)
    question = at.text_input(key="question").value
    assert question == examples[0].label
    expected = Kennis(built).ask(question)
    shown = at.success if expected.answered else at.warning
    assert [x.value for x in shown] == [expected.answer]  # the core's answer, in the right colour
    assert at.query_params["q"] == question


def test_ask_shows_answer_sources_and_explanation(built: Settings) -> None:
    from kennis.service import Kennis

    question = "Wie draagt het gezag over de stallingen?"
    expected = Kennis(built).ask(question)
    assert expected.answered and expected.actors and expected.sources  # the fixture ABox says who
    at = _ok(_app("vraag", q=question))
    assert [x.value for x in at.success] == [expected.answer]
    subheaders = [s.value for s in at.subheader]
    assert "Bronnen" in subheaders and "Onderbouwing" in subheaders
    text = _texts(at)
    for src in expected.sources:  # every source is cited with its unit and version
        assert f"versie {src.version}" in text
    at.button(key="ans-actor-0").click().run()
    _ok(at)
    assert at.header[0].value == "Actoren"
    assert at.radio(key="actor").value == expected.actors[0].iri
    assert expected.actors[0].label in at.subheader[0].value


# --- Actoren -------------------------------------------------------------------------------------------


def test_actor_page_lists_and_shows_card(built: Settings) -> None:
    at = _ok(_app("actoren"))
    radio = at.radio(key="actor")
    assert len(radio.options) >= 4, "the fixture ABox has four actors"
    assert at.subheader, "no actor card shown"
    # choosing another actor shows its card and is reflected in the URL
    first = at.subheader[0].value
    radio.set_value(radio.options[1]).run()
    _ok(at)
    assert at.query_params["actor"] == at.radio(key="actor").value
    assert at.subheader[0].value == radio.options[1] != first
    # searching filters the list
    at.text_input(key="actor_q").input("stalling").run()
    _ok(at)
    # one match; the actor being shown stays selectable above it
    assert at.radio(key="actor").label == "1 actoren"
    assert at.radio(key="actor").options[-1] == "stallingscoördinator (SC)"
    at.text_input(key="actor_q").input("zzz-geen-actor").run()
    _ok(at)
    assert at.radio(key="actor").label == "0 actoren"


def test_actor_deep_link_by_name_or_abbreviation(built: Settings) -> None:
    from kennis.service import Kennis

    actors = Kennis(built).actors()
    assert actors, "the fixture graph has no actors"
    actor = next((a for a in actors if a.alt_labels), actors[0])
    name = actor.alt_labels[0] if actor.alt_labels else actor.label
    at = _ok(_app("actoren", actor=name))
    assert at.radio(key="actor").value == actor.iri
    assert actor.label in at.subheader[0].value


# --- Documenten ------------------------------------------------------------------------------------------


def test_documents_read_section(built: Settings) -> None:
    at = _ok(_app("documenten", doc="BWBR9000001", ref="1.1", version="2010-01-01"))
    assert at.subheader[0].value.startswith("§ 1.1")
    text = _texts(at)
    assert "wethouder draagt het gezag" in text
    assert "Testwet 2009, artikel 3 lid 2" in [b.label for b in at.button]  # a resolved reference
    at.selectbox(key="version").set_value("2012-06-01").run()
    _ok(at)
    assert "Sinds 2012" in _texts(at)


def test_documents_compare_marks_differences(built: Settings) -> None:
    at = _ok(_app("documenten", doc="BWBR9000001", ref="1.1"))
    at.radio(key="doc_view").set_value("Vergelijken").run()
    _ok(at)
    at.selectbox(key="cmp_left").set_value("BWBR9000001/2010-01-01")
    at.selectbox(key="cmp_right").set_value("BWBR9000001/2012-06-01")
    at.selectbox(key="cmp_ref").set_value("1.1").run()
    _ok(at)
    text = _texts(at)
    assert '<del class="k-del">' in text and '<ins class="k-ins">' in text
    at.radio(key="cmp_scope").set_value("Hele tekst").run()
    _ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Gewijzigd"] == "1" and int(metrics["Gelijk"]) >= 2
    # across editions: the 2015 edition is aligned with the 2010 one
    at.selectbox(key="cmp_right").set_value("BWBR9000002/2015-01-01").run()
    _ok(at)
    assert any("→" in e.label for e in at.expander)


def test_documents_cited_from(built: Settings) -> None:
    at = _ok(_app("documenten", doc="BWBR9000003"))
    at.radio(key="doc_view").set_value("Geciteerd door").run()
    _ok(at)
    text = _texts(at)
    assert "Testcirculaire 2010, **§ 1.1**" in text


# --- SPARQL ----------------------------------------------------------------------------------------------


def test_sparql_example_runs_and_downloads(built: Settings) -> None:
    at = _ok(_app("sparql"))
    at.selectbox(key="sparql_example").set_value("Klassen en aantallen").run()
    assert "COUNT" in at.text_area(key="sparql_query").value
    _buttons(at, "Uitvoeren")[0].click().run()
    _ok(at)
    assert at.dataframe, "no result table"
    assert len(at.dataframe[0].value) > 0
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Download CSV", "Download JSON"]


def test_sparql_error_is_readable(built: Settings) -> None:
    at = _ok(_app("sparql"))
    at.text_area(key="sparql_query").input("SELECT * WHERE { ?s ?p }").run()
    _buttons(at, "Uitvoeren")[0].click().run()
    assert not at.exception
    assert at.error  # a KennisError (QueryError) shown as a message, not a traceback


def test_sparql_timeout_is_a_message(built: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("KENNIS_QUERY_TIMEOUT_S", "1")
    at = _ok(_app("sparql"))
    at.text_area(key="sparql_query").input(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }").run()
    t = time.perf_counter()
    _buttons(at, "Uitvoeren")[0].click().run()
    assert time.perf_counter() - t < 15
    assert not at.exception
    assert [e.value for e in at.error] and "1 s" in at.error[0].value and "KENNIS_QUERY_TIMEOUT_S" in at.error[0].value
    assert not at.dataframe
