"""Closed rdflib namespaces: the only place where vocabulary IRIs are spelled out.

Everything else in kennis refers to terms as ``KB.actor``, ``ELI.cites``... so a typo is an
``AttributeError`` at import, not a silently wrong triple. Instance IRIs come from
:mod:`kennis.ids` (``ids.iri(kind, local)``) and the helpers below.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, VANN, XSD, DefinedNamespace, Namespace

from kennis import ids

__all__ = [
    "KB", "ELI", "FOAF", "ORG", "PROV", "SKOS", "DCTERMS", "VANN", "OWL", "RDF", "RDFS", "XSD", "SH",
    "ONTOLOGY_IRI", "GRAPH", "actor_iri", "concept_iri", "competence_iri", "mandate_iri", "evidence_iri",
    "doc_iri", "version_iri", "section_iri", "passage_iri", "scheme_iri",
]


class KB(DefinedNamespace):
    """The kennis ontology (``https://w3id.org/kennis/def#``)."""

    _NS = Namespace(ids.ONTOLOGY_NS)
    _fail = True

    # classes
    Actor: URIRef
    Organisation: URIRef
    Unit: URIRef
    Functionary: URIRef
    ConsultativeBody: URIRef
    Collective: URIRef
    Party: URIRef
    Competence: URIRef
    RijksdomeinCompetence: URIRef
    DecentraalDomeinCompetence: URIRef
    Evidence: URIRef
    Mandate: URIRef
    Domain: URIRef
    Action: URIRef
    Measure: URIRef
    InformationProduct: URIRef
    ListConcept: URIRef
    ThreatConcept: URIRef
    Task: URIRef
    Document: URIRef
    Version: URIRef
    Section: URIRef
    Passage: URIRef
    LegalBasisRelation: URIRef
    # object properties
    actor: URIRef
    action: URIRef
    object: URIRef
    inDomain: URIRef
    addressee: URIRef
    onBehalfOf: URIRef
    legalBasis: URIRef
    hasEvidence: URIRef
    statedIn: URIRef
    edition: URIRef
    passage: URIRef
    mandator: URIRef
    mandatary: URIRef
    mandateEvidence: URIRef
    mandatedBy: URIRef
    mandates: URIRef
    actsOnBehalfOf: URIRef
    functionHeldBy: URIRef
    holdsFunction: URIRef
    succeededBy: URIRef
    succeeds: URIRef
    mentions: URIRef
    mentionedIn: URIRef
    basisProvision: URIRef
    basedResource: URIRef
    # datatype properties
    condition: URIRef
    modality: URIRef
    quote: URIRef
    doc: URIRef
    version: URIRef
    ref: URIRef
    jci: URIRef
    wettenUrl: URIRef
    passageText: URIRef
    basisKind: URIRef
    validFrom: URIRef
    validTo: URIRef


class ELI(DefinedNamespace):
    """European Legislation Identifier ontology (the terms kennis uses)."""

    _NS = Namespace("http://data.europa.eu/eli/ontology#")
    _fail = True

    LegalResource: URIRef
    LegalExpression: URIRef
    LegalResourceSubdivision: URIRef
    is_part_of: URIRef
    has_part: URIRef
    cites: URIRef
    realizes: URIRef
    is_realized_by: URIRef
    title: URIRef
    title_short: URIRef
    id_local: URIRef
    number: URIRef
    version_date: URIRef
    first_date_entry_in_force: URIRef
    date_no_longer_in_force: URIRef
    passed_by: URIRef
    is_about: URIRef
    repeals: URIRef
    based_on: URIRef
    basis_for: URIRef
    title_alternative: URIRef


class SD(DefinedNamespace):
    """SPARQL 1.1 Service Description (the terms the endpoint describes itself with)."""

    _NS = Namespace("http://www.w3.org/ns/sparql-service-description#")
    _fail = True

    Service: URIRef
    endpoint: URIRef
    supportedLanguage: URIRef
    SPARQL11Query: URIRef
    resultFormat: URIRef
    feature: URIRef
    UnionDefaultGraph: URIRef
    BasicFederatedQuery: URIRef
    defaultDataset: URIRef
    Dataset: URIRef
    defaultGraph: URIRef
    Graph: URIRef


class FOAF(DefinedNamespace):
    """FOAF (only ``Agent``, the range of ``org:hasMember``)."""

    _NS = Namespace("http://xmlns.com/foaf/0.1/")
    _fail = True

    Agent: URIRef


#: The ontology's own IRI (without the ``#``).
ONTOLOGY_IRI = URIRef(ids.ONTOLOGY_NS.rstrip("#"))


class _Graphs:
    """Named graphs of ``graph.nq``: the store queries their union."""

    tbox = URIRef(ids.iri("graph", "tbox"))
    abox = URIRef(ids.iri("graph", "abox"))
    corpus = URIRef(ids.iri("graph", "corpus"))
    inferred = URIRef(ids.iri("graph", "inferred"))


GRAPH = _Graphs()


def actor_iri(local: str) -> URIRef:
    return URIRef(ids.iri("actor", local))


def concept_iri(local: str) -> URIRef:
    return URIRef(ids.iri("concept", local))


def scheme_iri(local: str) -> URIRef:
    return URIRef(ids.iri("scheme", local))


def competence_iri(local: str) -> URIRef:
    return URIRef(ids.iri("competence", local))


def mandate_iri(local: str) -> URIRef:
    return URIRef(ids.iri("mandate", local))


def evidence_iri(owner_local: str, n: int) -> URIRef:
    return URIRef(ids.iri("evidence", f"{owner_local}/{n}"))


def doc_iri(doc: str) -> URIRef:
    return URIRef(ids.iri("doc", doc))


def version_iri(doc: str, version: str) -> URIRef:
    return URIRef(ids.iri("version", ids.version_id(doc, version)))


def section_iri(doc: str, version: str, ref: str) -> URIRef:
    return URIRef(ids.iri("section", ids.section_id(doc, version, ref)))


def passage_iri(pid: str) -> URIRef:
    return URIRef(ids.passage_iri(pid))
