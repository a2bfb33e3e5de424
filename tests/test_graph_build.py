"""The graph build on the fixture corpus: assembly, validation failures, reasoning, queries."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from kennis.corpus import ingest
from kennis.errors import NotFoundError, ValidationError
from kennis.graph.abox import load_curation, resolve_sources
from kennis.graph.assemble import MentionLinker, jci, lexicon_from_curation, wetten_url
from kennis.graph.build import build_graph
from kennis.graph.store import OxigraphStore

FIXTURE_ABOX = Path(__file__).parent / "fixtures" / "abox"


@pytest.fixture
def corpus(settings):
    return ingest(settings)


@pytest.fixture
def built(corpus, settings, tmp_path):
    out = tmp_path / "kb"
    stats = build_graph(corpus, settings, out, abox_dir=FIXTURE_ABOX, reasoning=False)
    return stats, OxigraphStore.from_file(out / "graph.nq")


def _broken_abox(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "abox"
    shutil.copytree(FIXTURE_ABOX, folder)
    path = folder / "fixture.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_build_writes_graph_and_stats(built, tmp_path):
    stats, store = built
    for key in ("triples", "classes", "properties", "actors", "statements", "sourced_statements", "passages"):
        assert stats[key] > 0, key
    assert stats["statements"] == stats["sourced_statements"]
    assert json.loads((tmp_path / "kb" / "graph_stats.json").read_text())["actors"] == stats["actors"]
    assert len(store) == stats["triples"]


def test_quote_not_in_passage_fails_naming_statement(corpus, settings, tmp_path):
    abox = _broken_abox(tmp_path, "De wethouder draagt het gezag over de stallingen.",
                        "De wethouder draagt nooit het gezag over de stallingen.")
    with pytest.raises(ValidationError) as err:
        build_graph(corpus, settings, tmp_path / "kb", abox_dir=abox, reasoning=False)
    assert "wethouder-gezag-stallingen" in str(err.value)
    assert "quote does not occur" in str(err.value)


def test_missing_source_passage_fails_naming_statement(corpus, settings, tmp_path):
    abox = _broken_abox(tmp_path, '["T15", "1.1", "De SC draagt', '["T15", "9.9", "De SC draagt')
    with pytest.raises(ValidationError) as err:
        build_graph(corpus, settings, tmp_path / "kb", abox_dir=abox, reasoning=False)
    assert "sc-gezag-rijksdeel" in str(err.value)
    assert "does not exist" in str(err.value)


def test_shape_violation_fails_naming_statement(corpus, settings, tmp_path):
    abox = _broken_abox(tmp_path, 'actor = "minister-test"', 'actor = "nobody"')
    with pytest.raises(ValidationError) as err:
        build_graph(corpus, settings, tmp_path / "kb", abox_dir=abox, reasoning=False)
    assert "SHACL" in str(err.value)
    assert "minister-wijst-stallingen-aan" in str(err.value)


def test_sources_resolve_to_passages(corpus):
    cur = load_curation(FIXTURE_ABOX)
    res = resolve_sources(cur, corpus)
    assert not res.problems
    src = res.sources["wethouder-beslist-extra-toezicht"]
    assert src and all(corpus.has_passage(s.passage) for s in src)
    assert {s.version for s in src} == {"2010-01-01"}  # the version named in the source


def test_actor_card_and_resolution(built, corpus):
    from kennis.graph.queries import actor_card, list_actors, resolve_actor

    _, store = built
    assert resolve_actor(store, "sc").label == "stallingscoördinator"
    assert resolve_actor(store, "STALLINGSCOÖRDINATOR").label == "stallingscoördinator"
    with pytest.raises(NotFoundError):
        resolve_actor(store, "nobody at all")
    card = actor_card(store, "wethouder", corpus.select(date(2011, 1, 1)))
    assert card.label == "wethouder"
    assert [p.label for p in card.parents] == ["gemeente"]
    actions = {(c.action, c.object) for c in card.competences}
    assert actions
    for c in card.competences:
        assert c.sources and all(s.quote and s.passage for s in c.sources)
    assert {a.label for a in list_actors(store)} >= {"wethouder", "gemeente", "stallingscoördinator"}
    sc = actor_card(store, "SC")
    assert "minister van Testzaken" in {a.label for a in sc.acts_on_behalf_of}
    assert actor_card(store, "SC", corpus.select(None)).competences


def test_dated_card_uses_edition_in_force(built, corpus):
    from kennis.graph.queries import find_competences

    _, store = built
    old = find_competences(store, actor="sc", selection=corpus.select(date(2011, 1, 1)))
    new = find_competences(store, actor="sc", selection=corpus.select(date(2016, 1, 1)))
    assert not old and new
    assert all(s.doc == "BWBR9000002" for c in new for s in c.sources)


def test_find_competences_filters_and_lexicon(built):
    from kennis.graph.queries import entity_lexicon, find_competences

    _, store = built
    every = find_competences(store)
    assert len(every) >= 4
    gezag = find_competences(store, action="hold-gezag")
    assert gezag and all(c.action == gezag[0].action for c in gezag)
    lex = entity_lexicon(store)
    sc = [e for e in lex if e.term == "SC"]
    assert sc and sc[0].kind == "actor" and sc[0].case_sensitive


def test_graph_stats_counts(built):
    from kennis.graph.queries import graph_stats

    stats, store = built
    again = graph_stats(store)
    assert again["statements"] == stats["statements"]
    assert again["passages"] > 0


def test_mention_linker_is_careful_with_abbreviations():
    from kennis.graph.abox import ActorSpec, ConceptSpec, Curation

    cur = Curation(
        actors=(ActorSpec(id="om", type="Organisation", nl="Openbaar Ministerie", alt=("OM",)),
                ActorSpec(id="bm", type="Functionary", nl="burgemeester")),
        concepts=(ConceptSpec(id="di", scheme="product", nl="dreigingsinschatting", alt=("DI",)),),
    )
    link = MentionLinker(lexicon_from_curation(cur, for_linking=True))
    found = link("De burgemeesters vragen een DI aan bij het OM; om di te doen.")
    assert {f.rsplit("/", 1)[-1] for f in found} == {"om", "bm", "di"}
    assert link("om di te doen, rond de dijk") == set()


def test_juriconnect_identifiers():
    assert jci("BWBR0031788", "artikel 16 lid 1") == "jci1.3:c:BWBR0031788&artikel=16&lid=1"
    assert jci("BWBR0036811", "4.2", "2015-07-09") == "jci1.3:c:BWBR0036811&paragraaf=4.2&z=2015-07-09&g=2015-07-09"
    assert jci("BWBR0036811", "bijlage 2") == "jci1.3:c:BWBR0036811&bijlage=2"
    assert jci("kamerbrief-2026", "") is None
    assert wetten_url("BWBR0005416", "artikel 172").startswith("https://wetten.overheid.nl/jci1.3:c:BWBR0005416")


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_reasoner_infers_mandate_chain(corpus, settings, tmp_path):
    from kennis.graph.queries import actor_card

    out = tmp_path / "kb"
    stats = build_graph(corpus, settings, out, abox_dir=FIXTURE_ABOX, reasoning=True)
    assert stats["inferred_triples"] > 0
    store = OxigraphStore.from_file(out / "graph.nq")
    assert store.ask(
        "ASK { <https://w3id.org/kennis/id/actor/sc> <https://w3id.org/kennis/def#actsOnBehalfOf> "
        "<https://w3id.org/kennis/id/actor/minister-test> }"
    )
    assert actor_card(store, "SC").acts_on_behalf_of
    # kb:actsOnBehalfOf ⊑ prov:actedOnBehalfOf, materialised: a PROV-aware client finds every delegation
    prov = "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX kb: <https://w3id.org/kennis/def#> "
    assert store.ask(prov + "ASK { <https://w3id.org/kennis/id/actor/sc> prov:actedOnBehalfOf "
                     "<https://w3id.org/kennis/id/actor/minister-test> }")
    assert not store.ask(prov + "ASK { ?a kb:actsOnBehalfOf ?b FILTER NOT EXISTS { ?a prov:actedOnBehalfOf ?b } }")


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_inconsistent_graph_fails_naming_the_individual(corpus, settings, tmp_path):
    # kb:functionHeldBy has domain kb:Functionary: giving it to the gemeente (an
    # Organisation) puts it in two disjoint classes. SHACL has nothing to say about it;
    # only HermiT sees the contradiction.
    abox = _broken_abox(tmp_path, 'type = "Organisation"\n', 'type = "Organisation"\nheld_by = "sc"\n')
    with pytest.raises(ValidationError) as err:
        build_graph(corpus, settings, tmp_path / "kb", abox_dir=abox, reasoning=True)
    msg = str(err.value)
    assert "inconsistent under HermiT" in msg
    assert "actor/gemeente is both" in msg and "disjoint" in msg
    assert not (tmp_path / "kb" / "graph.nq").exists()


def test_diagnose_names_statement_in_two_disjoint_domains():
    from rdflib import Graph

    from kennis.graph.assemble import load_tbox
    from kennis.graph.reason import diagnose
    from kennis.graph.vocab import KB, RDF, competence_iri, concept_iri

    data = Graph()
    for t in load_tbox():
        data.add(t)
    s = competence_iri("both-domains")
    data.add((s, RDF.type, KB.Competence))
    data.add((s, RDF.type, KB.RijksdomeinCompetence))
    data.add((s, RDF.type, KB.DecentraalDomeinCompetence))
    data.add((s, KB.inDomain, concept_iri("rijksdomein")))
    data.add((s, KB.inDomain, concept_iri("decentraal-domein")))
    found = diagnose(data)
    assert any(line.startswith("competence/both-domains is both") for line in found)
    assert any("competence/both-domains has more than one inDomain" in line for line in found)


def test_ontology_documentation_lists_classes_and_definitions():
    from kennis.graph.docs import ontology_html

    html = ontology_html()
    assert "<html" in html.lower()
    assert "Competence" in html and "Actor" in html
