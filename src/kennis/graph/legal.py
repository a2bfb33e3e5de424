"""The WTI legal-basis relations as graph facts, aligned with ELI.

Each :class:`~kennis.models.LegalBasis` gives the undated ELI core, ``<based regulation>
eli:based_on <provision>`` and its inverse ``eli:basis_for``, and a dated
``kb:LegalBasisRelation`` (``kb:basisProvision``, ``kb:basedResource``, ``kb:basisKind``,
``kb:validFrom``, ``kb:validTo``) so that SPARQL can ask what rested on an article on a
date. A provision held in the corpus is its section of the latest version; one that is
not, and a regulation outside the corpus, is its wetten.overheid.nl address.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kennis import ids
from kennis.corpus import norm_ref
from kennis.corpus.links import jci, wetten_url
from kennis.graph.vocab import ELI, KB, doc_iri


def _resource(doc: str, ref: str, manifest: Any, sections: dict[str, dict[str, URIRef]]) -> URIRef | None:
    if doc in manifest.documents:
        if not ref:
            return doc_iri(doc)
        return sections.get(doc, {}).get(norm_ref(ref)) or URIRef(wetten_url(doc, ref) or doc_iri(doc))
    url = wetten_url(doc, ref)
    return URIRef(url) if url else None


def legal_basis_graph(corpus: Any, sections: dict[str, dict[str, URIRef]]) -> Graph:
    """Triples of every legal-basis relation of ``corpus`` (``sections``: ref → IRI per document)."""
    g = Graph()
    manifest = corpus.manifest
    for lb in corpus.legal_bases:
        provision = _resource(lb.doc, lb.ref, manifest, sections)
        target = _resource(lb.target, "", manifest, sections)
        if provision is None or target is None:
            continue
        g.add((target, ELI.based_on, provision))
        g.add((provision, ELI.basis_for, target))
        if lb.target_title and lb.target not in manifest.documents:
            g.add((target, ELI.title, Literal(lb.target_title, lang="nl")))
        local = "/".join([lb.doc, ids.slug(lb.ref) or "regeling", lb.relation, lb.target,
                          lb.valid_from.isoformat() if lb.valid_from else "open"])
        node = URIRef(ids.iri("legal-basis", local))
        g.add((node, RDF.type, KB.LegalBasisRelation))
        g.add((node, KB.basisProvision, provision))
        g.add((node, KB.basedResource, target))
        g.add((node, KB.basisKind, Literal(lb.relation)))
        if (ident := jci(lb.doc, lb.ref)) is not None:
            g.add((node, KB.jci, Literal(ident)))
        g.add((node, RDFS.label, Literal(f"{lb.doc} {lb.ref or ''} {lb.relation} {lb.target}".replace("  ", " "), lang="nl")))
        if lb.valid_from:
            g.add((node, KB.validFrom, Literal(lb.valid_from, datatype=XSD.date)))
        if lb.valid_to:
            g.add((node, KB.validTo, Literal(lb.valid_to, datatype=XSD.date)))
    return g
