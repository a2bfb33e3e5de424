"""OWL reasoning with owlready2 and HermiT (Java): consistency and materialised inferences.

Only the TBox and the ABox are reasoned over (a few thousand triples); the corpus graph
with its thousands of passage triples adds nothing the axioms use, and its ``xsd:date``
literals are outside HermiT's datatype map.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from typing import Iterable

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from kennis.graph.vocab import KB

from kennis.errors import ValidationError


#: Bookkeeping of sources: no axiom uses it, and it would put every cited passage and
#: evidence record into the reasoner (HermiT time grows quickly with individuals).
_SKIP = (KB.hasEvidence, KB.statedIn, KB.passage, KB.quote, KB.doc, KB.version, KB.ref, KB.edition,
         KB.mandateEvidence, KB.legalBasis, DCTERMS.source, KB.condition, KB.modality)


def reasoning_view(abox: Graph) -> Iterable[tuple]:
    """The ABox triples the axioms reason about (actors, statements, mandates, concepts)."""
    evidence = set(abox.subjects(RDF.type, KB.Evidence))
    for s, p, o in abox:
        if p in _SKIP or s in evidence:
            continue
        yield s, p, o


def reason(tbox: Graph, abox: Graph) -> Graph:
    """Check consistency with HermiT and return the inferred triples (not in the input).

    Raises :class:`ValidationError` when the ontology is inconsistent or the reasoner
    cannot run (no Java).
    """
    import owlready2
    from owlready2 import World, sync_reasoner_hermit

    data = Graph()
    for t in tbox:
        data.add(t)
    for t in reasoning_view(abox):
        data.add(t)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kb.nt"
        data.serialize(path, format="nt", encoding="utf-8")
        world = World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise ValidationError(
                "the knowledge graph is inconsistent under HermiT",
                hint="a statement or actor violates an axiom (disjoint classes, functional property...)",
            ) from exc
        except (FileNotFoundError, OSError, getattr(owlready2, "OwlReadyJavaError", OSError)) as exc:
            raise ValidationError(f"could not run HermiT: {exc}", hint="Java 17 must be on PATH") from exc
        out = world.as_rdflib_graph()
        inferred = Graph()
        for s, p, o in out.triples((None, None, None)):
            if isinstance(s, BNode) or isinstance(o, BNode):
                continue
            if (s, p, o) not in data and isinstance(s, URIRef):
                # Literal objects come back re-typed by owlready2: not inferences.
                if isinstance(o, URIRef):
                    inferred.add((s, p, o))
    return inferred
