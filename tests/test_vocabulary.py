"""Explanations and examples speak the ontology's own vocabulary (``ontology/kennis.ttl``)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kennis.config import REPO_ROOT
from kennis.service import Kennis


def _properties() -> tuple[Graph, set[URIRef]]:
    g = Graph().parse(REPO_ROOT / "ontology" / "kennis.ttl", format="turtle")
    props = {s for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
             for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    return g, props


def test_explanation_predicates_are_declared_properties(built_kennis: Kennis) -> None:
    g, props = _properties()
    answer = built_kennis.ask("Wie draagt het gezag over de stallingen?")
    assert answer.explanation, "the fixture answer has an explanation path"
    for step in answer.explanation:
        prefix, _, local = step.predicate.partition(":")
        namespace = dict(g.namespaces()).get(prefix)
        assert namespace is not None, step.predicate
        assert URIRef(str(namespace) + local) in props, f"{step.predicate} is not a property of kennis.ttl"
