"""The full graph build on the real corpus and the key facts it must contain."""

from __future__ import annotations

from datetime import date

import pytest

from kennis.corpus import ingest
from kennis.graph.build import build_graph
from kennis.graph.store import OxigraphStore
from kennis.graph.vocab import GRAPH, KB, actor_iri

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real_graph(tmp_path_factory):
    import os
    from pathlib import Path

    from kennis.config import REPO_ROOT, Settings

    corpus_dir = Path(os.environ.get("KENNIS_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))
    if not (corpus_dir / "MANIFEST.toml").is_file():
        pytest.skip("the real corpus is not available")
    out = tmp_path_factory.mktemp("kb")
    settings = Settings(corpus_dir=corpus_dir, data_dir=out, embedder="stand-in")
    corpus = ingest(settings)
    stats = build_graph(corpus, settings, out)
    return stats, OxigraphStore.from_file(out / "graph.nq"), corpus


def test_targets(real_graph):
    stats, _, _ = real_graph
    assert stats["actors"] >= 40
    assert stats["statements"] >= 120
    assert stats["sourced_statements"] == stats["statements"]
    assert stats["coverage_2015_ch2_6"]["share"] >= 0.8
    assert stats["passages"] > 1000 and stats["classes"] > 10 and stats["properties"] > 10


def _has(card, action, obj, doc, ref, domain=None):
    for c in card.competences:
        if c.action == action and obj in c.object and (domain is None or c.domain == domain):
            if any(s.doc == doc and s.ref == ref and s.quote for s in c.sources):
                return c
    return None


def test_hovj_holds_gezag_over_persoonsbeveiliging(real_graph):
    from kennis.graph.queries import actor_card

    _, store, corpus = real_graph
    card = actor_card(store, "HOvJ", corpus.select(None))
    assert card.label == "hoofdofficier van justitie"
    c = _has(card, "draagt het gezag over", "persoonsbeveiliging", "BWBR0036811", "4.2", "decentraal domein")
    assert c is not None
    assert any("De HOvJ draagt hierover het gezag." in s.quote for s in c.sources)
    assert _has(card, "geeft opdracht tot", "maatregeladvies", "BWBR0036811", "4.3")
    assert _has(card, "besluit over", "maatregelen", "BWBR0036811", "4.4")


def test_cbb_decides_on_behalf_of_minister_and_inferred_chain(real_graph):
    from kennis.graph.queries import actor_card

    _, store, corpus = real_graph
    card = actor_card(store, "cbb", corpus.select(None))
    c = _has(card, "besluit over", "maatregelen", "BWBR0036811", "5.2", "rijksdomein")
    assert c is not None and c.on_behalf_of == "minister van Justitie en Veiligheid"
    assert _has(card, "geeft af", "bewapeningsvoorschrift", "BWBR0036811", "5.3.2")
    assert _has(card, "beoordeelt", "maatregelen", "BWBR0036811", "4.4")
    assert "minister van Justitie en Veiligheid" in {a.label for a in card.acts_on_behalf_of}
    # inferred by HermiT through the chain CBB → directeur DB3 → NCTV → minister
    assert store.ask(
        f"ASK {{ GRAPH <{GRAPH.inferred}> {{ <{actor_iri('cbb')}> <{KB.actsOnBehalfOf}> <{actor_iri('minister-jenv')}> }} }}"
    )


def test_cbb_in_2010_answers_from_2008_edition(real_graph):
    from kennis.graph.queries import actor_card

    _, store, corpus = real_graph
    day = date(2010, 1, 1)
    card = actor_card(store, "CBB", corpus.select(day))
    docs = {s.doc for c in card.competences for s in c.sources}
    assert "BWBR0025421" in docs and "BWBR0036811" not in docs
    assert any(c.action == "geeft leiding aan" and "Eenheid Bewaking en Beveiliging" in c.object for c in card.competences)


def test_key_facts(real_graph):
    from kennis.graph.queries import find_competences

    _, store, corpus = real_graph
    sel = corpus.select(None)

    def actors(**kw):
        return {c.actor.label for c in find_competences(store, selection=sel, **kw)}

    assert "Algemene Inlichtingen- en Veiligheidsdienst" in actors(action="draw-up", object="ra")
    assert {"Dienst Bewaken en Beveiligen", "Brigade Speciale Beveiligingsopdrachten"} <= actors(
        action="execute", object="persoonsbeveiliging", domain="rijksdomein")
    assert "Directie Bewaking, Beveiliging en Burgerluchtvaart" in actors(action="chair", object="abb")
    assert {"Algemene Inlichtingen- en Veiligheidsdienst", "Militaire Inlichtingen- en Veiligheidsdienst",
            "Dienst Landelijke Informatieorganisatie"} <= actors(action="draw-up", object="da", domain="rijksdomein")
    assert "College van procureurs-generaal" in actors(action="be-informed")
    assert "burgemeester" in actors(action="responsible", object="objectbeveiliging")
    old = find_competences(store, actor="NCTb", action="decide", object="tijdelijke-toevoeging",
                           selection=corpus.select(date(2010, 1, 1)))
    assert old and any(s.doc == "BWBR0025421" and s.ref == "6.2" for s in old[0].sources)
