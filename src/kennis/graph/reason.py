"""OWL reasoning with owlready2 and HermiT (Java): consistency and materialised inferences.

Only the TBox and the ABox are reasoned over (a few thousand triples); the corpus graph
with its thousands of passage triples adds nothing the axioms use, and its ``xsd:date``
literals are outside HermiT's datatype map.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Identifier, Node
from rdflib.collection import Collection

from kennis.errors import ValidationError
from kennis.format import short_name
from kennis.graph.vocab import DCTERMS, KB, OWL, RDF, RDFS

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
            culprits = diagnose(data)
            detail = "".join(f"\n  - {c}" for c in culprits)
            raise ValidationError(
                "the knowledge graph is inconsistent under HermiT" + (detail or " (no simple cause found)"),
                hint="a statement or actor violates an axiom (disjoint classes, functional property...); "
                "fix it in ontology/abox/*.toml",
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


def super_property_entailments(tbox: Graph, *graphs: Graph, supers_in: Iterable[URIRef]) -> Graph:
    """``(s q o)`` for every ``(s p o)`` of ``graphs`` with ``p ⊑ q`` in ``tbox`` (RDFS rule rdfs7)
    and ``q`` in ``supers_in``, where not already stated.

    A client that knows only a reused vocabulary must find what our sub-properties say, e.g.
    every ``kb:actsOnBehalfOf`` as a ``prov:actedOnBehalfOf``; HermiT does not return these.
    """
    wanted = set(supers_in)
    direct: dict[URIRef, set[URIRef]] = {}
    for p, sup in tbox.subject_objects(RDFS.subPropertyOf):
        if isinstance(p, URIRef) and isinstance(sup, URIRef) and p != sup:
            direct.setdefault(p, set()).add(sup)

    def supers(prop: URIRef) -> set[URIRef]:
        seen: set[URIRef] = set()
        todo = [prop]
        while todo:
            for sup in direct.get(todo.pop(), ()):
                if sup not in seen and sup != prop:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    closure = {p: supers(p) & wanted for p in direct}
    out = Graph()
    for g in graphs:
        for s, p, o in g:
            for q in closure.get(p, ()):  # type: ignore[call-overload]
                if not any((s, q, o) in other for other in graphs):
                    out.add((s, q, o))
    return out


def diagnose(data: Graph) -> list[str]:
    """Name the individuals that explain an inconsistency, as far as a cheap check can.

    HermiT only says *that* the graph is inconsistent. The usual cause in a curated ABox
    is an individual that ends up in two disjoint classes, through its asserted types or
    the domain and range of the properties used on it (an organisation given a
    ``held_by``, a statement in two domains): those are found here with RDFS-level
    typing, and a statement with two values of a functional property that are declared
    different. Returns readable lines; empty when the cause is subtler.
    """
    subclass: dict[URIRef, set[URIRef]] = {}
    for c, sup in data.subject_objects(RDFS.subClassOf):
        if isinstance(c, URIRef) and isinstance(sup, URIRef):
            subclass.setdefault(c, set()).add(sup)

    def supers(cls: URIRef) -> set[URIRef]:
        seen, todo = {cls}, [cls]
        while todo:
            for sup in subclass.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    subprop: dict[Node, set[Node]] = {}
    for p, sup in data.subject_objects(RDFS.subPropertyOf):
        subprop.setdefault(p, set()).add(sup)

    def prop_supers(prop: Node) -> set[Node]:
        seen: set[Node] = {prop}
        todo: list[Node] = [prop]
        while todo:
            for sup in subprop.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    # why[individual][class] = the reason it is in that class (first one found)
    why: dict[URIRef, dict[Node, str]] = {}

    def put(ind: object, cls: object, reason: str) -> None:
        if isinstance(ind, URIRef) and isinstance(cls, URIRef):
            for c in supers(cls):
                why.setdefault(ind, {}).setdefault(c, reason)

    for s, cls in data.subject_objects(RDF.type):
        put(s, cls, f"typed {short_name(cls)}")
    for s, p, o in data:
        if p == RDF.type or not isinstance(p, URIRef):
            continue
        for q in prop_supers(p):
            for d in data.objects(q, RDFS.domain):
                put(s, d, f"subject of {short_name(p)}")
            if isinstance(o, URIRef):
                for r in data.objects(q, RDFS.range):
                    put(o, r, f"value of {short_name(p)} of {short_name(s)}")

    disjoint: set[frozenset[Node]] = set()
    for a, b in data.subject_objects(OWL.disjointWith):
        disjoint.add(frozenset((a, b)))
    for node in data.subjects(RDF.type, OWL.AllDisjointClasses):
        if (head := data.value(node, OWL.members)) is None:
            continue
        members = list(Collection(data, head))
        disjoint |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]}
    different: set[frozenset[Node]] = set()
    for node in data.subjects(RDF.type, OWL.AllDifferent):
        if (head := data.value(node, OWL.distinctMembers)) is None:
            continue
        members = list(Collection(data, head))
        different |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]}

    out: list[str] = []
    for ind, classes in sorted(why.items()):
        for pair in sorted(disjoint, key=lambda p: sorted(map(str, p))):
            a, b = sorted(pair, key=str)
            if a in classes and b in classes:
                out.append(
                    f"{short_name(ind)} is both {short_name(a)} ({classes[a]}) and {short_name(b)} ({classes[b]}), "
                    "which are disjoint"
                )
    # Every node of a graph is an Identifier, which rdflib orders as SPARQL's ORDER BY does.
    for prop in sorted(p for p in data.subjects(RDF.type, OWL.FunctionalProperty) if isinstance(p, Identifier)):
        for s in sorted({n for n in data.subjects(prop, None) if isinstance(n, Identifier)}):
            values = sorted(set(data.objects(s, prop)), key=str)
            if any(frozenset((x, y)) in different for i, x in enumerate(values) for y in values[i + 1:]):
                out.append(f"{short_name(s)} has more than one {short_name(prop)}: {', '.join(map(short_name, values))}")
    return out
