"""Display-independent views for the front-ends: small networks and example input.

The Streamlit app (and any other interface) draws these; nothing here imports a UI
library, so the logic is tested without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Literal, Sequence

from kennis import ids
from kennis.format import cite_ref, local_name
from kennis.models import ActorCard, ActorRef, Answer, _Record

NodeKind = Literal["actor", "domain", "object", "statement", "passage", "other"]

#: Example questions a new colleague might ask (written for the app, not taken from the texts).
EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Wie draagt het gezag over persoonsbeveiliging in het decentraal domein?",
    "Wie voert in het rijksdomein de persoonsbeveiliging uit?",
    "Wat is een dreigingsinschatting?",
    "Wie beslist over maatregelen als een burgemeester wordt bedreigd?",
)

# --- small networks ------------------------------------------------------------------------


@dataclass(frozen=True)
class Node(_Record):
    id: str
    label: str
    kind: NodeKind
    #: For actor nodes: the IRI to open when the node is chosen.
    target: str = ""


@dataclass(frozen=True)
class Edge(_Record):
    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Network(_Record):
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def to_dot(self, link: Any = None) -> str:
        """Graphviz DOT text; ``link(node) -> url | None`` makes nodes clickable."""
        shapes = {"actor": "box", "domain": "ellipse", "object": "note", "statement": "diamond", "passage": "tab"}
        colours = {"actor": "#dbe9f6", "domain": "#e8f3de", "object": "#fdf0d5", "statement": "#f3e5f5", "passage": "#eeeeee"}
        lines = ["digraph G {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10, style="filled,rounded"];',
                 '  edge [fontname="Helvetica", fontsize=8, color="#777777"];']
        for n in self.nodes:
            attrs = [f'label="{_dot(n.label)}"', f'shape={shapes.get(n.kind, "box")}',
                     f'fillcolor="{colours.get(n.kind, "#ffffff")}"']
            url = link(n) if link else None
            if url:
                attrs += [f'URL="{_dot(url)}"', 'target="_top"', f'tooltip="{_dot(n.label)}"']
            lines.append(f'  "{_dot(n.id)}" [{", ".join(attrs)}];')
        for e in self.edges:
            lines.append(f'  "{_dot(e.source)}" -> "{_dot(e.target)}" [label="{_dot(e.label)}"];')
        lines.append("}")
        return "\n".join(lines)


def _dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []

    def node(self, node_id: str, label: str, kind: NodeKind, target: str = "") -> str:
        if node_id not in self.nodes:
            self.nodes[node_id] = Node(node_id, _short(label), kind, target)
        return node_id

    def actor(self, a: ActorRef) -> str:
        return self.node(a.iri, a.label, "actor", a.iri)

    def edge(self, source: str, target: str, label: str = "") -> None:
        e = Edge(source, target, label)
        if e not in self.edges and source != target:
            self.edges.append(e)

    def build(self) -> Network:
        return Network(tuple(self.nodes.values()), tuple(self.edges))


def _short(label: str, limit: int = 48) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def actor_neighbourhood(card: ActorCard, max_competences: int = 24) -> Network:
    """The actor with its organisations, mandates, domains, objects of competence and other actors."""
    b = _Builder()
    me = b.node(card.iri, card.label, "actor", card.iri)
    for p in card.parents:
        b.edge(me, b.actor(p), "valt onder")
    for c in card.children:
        b.edge(b.actor(c), me, "valt onder")
    for a in card.acts_on_behalf_of:
        b.edge(me, b.actor(a), "handelt namens")
    for comp in card.competences[:max_competences]:
        target = me
        if comp.domain:
            target = b.node("domain:" + comp.domain, comp.domain, "domain")
            b.edge(me, target, "bevoegd in")
        if comp.object:
            obj = b.node("object:" + comp.object.lower(), comp.object, "object")
            b.edge(target, obj, comp.action or "")
        if comp.on_behalf_of:
            other = comp.on_behalf_of
            if other.startswith("http"):
                b.edge(me, b.node(other, _label_from_iri(other), "actor", other), "namens")
            else:
                b.edge(me, b.node("actor-label:" + other.lower(), other, "other"), "namens")
        if comp.actor.iri and comp.actor.iri != card.iri:
            b.edge(b.actor(comp.actor), me, "")
    return b.build()


def explanation_network(answer: Answer) -> Network:
    """The path that justifies an answer (actor → statement → passage) as a network."""
    b = _Builder()
    actors = {a.iri for a in answer.actors}
    for step in answer.explanation:
        s = b.node(step.subject, step.subject_label or _label_from_iri(step.subject), _kind(step.subject, actors), _target(step.subject, actors))
        o = b.node(step.object, step.object_label or _label_from_iri(step.object), _kind(step.object, actors), _target(step.object, actors))
        b.edge(s, o, _label_from_iri(step.predicate))
    return b.build()


def _kind(value: str, actors: Iterable[str]) -> NodeKind:
    if value in actors:
        return "actor"
    if ids.pid_from_iri(value) is not None:
        return "passage"
    return "statement"


def _target(value: str, actors: Sequence[str] | set[str]) -> str:
    return value if value in actors else ""


def _label_from_iri(value: str) -> str:
    """A readable label for an IRI without one: its passage id or its last segment."""
    pid = ids.pid_from_iri(value)
    if pid is not None:
        doc, version, ref, n = (pid.split("/") + ["", "", "", ""])[:4]
        return f"{doc} {cite_ref(ref)} ({version})"
    return local_name(value)


# --- SPARQL examples ---------------------------------------------------------------------


def sparql_examples() -> dict[str, str]:
    """Example queries for the SPARQL page, keyed by their Dutch title.

    Prefixes come from rdflib's namespaces and :mod:`kennis.ids`; the kennis ontology's own
    terms are used through the standard vocabularies it reuses (PROV-O, W3C ORG, SKOS), so
    the examples stay valid while that ontology evolves.
    """
    from rdflib.namespace import ORG, PROV, RDFS, SKOS

    prefixes = (
        f"PREFIX rdfs: <{RDFS}>\nPREFIX skos: <{SKOS}>\nPREFIX prov: <{PROV}>\n"
        f"PREFIX org: <{ORG}>\nPREFIX kennis: <{ids.ONTOLOGY_NS}>\n"
    )
    passage_base = ids.iri("passage", "")
    return {
        "Wie heeft gezag waarover?": prefixes + """
SELECT ?uitspraak ?omschrijving ?bron WHERE {
  ?uitspraak ?label ?omschrijving .
  VALUES ?label { rdfs:label skos:prefLabel }
  FILTER(CONTAINS(LCASE(STR(?omschrijving)), "gezag"))
  OPTIONAL { ?uitspraak ?heeftBron ?bron . FILTER(STRSTARTS(STR(?bron), "%s")) }
}
ORDER BY ?omschrijving
LIMIT 100""" % passage_base,
        "Alle uitspraken met als bron § 4.2 (circulaire 2015)": prefixes + """
SELECT ?uitspraak ?eigenschap ?passage WHERE {
  ?uitspraak ?eigenschap ?passage .
  FILTER(STRSTARTS(STR(?passage), "%sBWBR0036811/2015-07-09/4.2/"))
}
ORDER BY ?passage
LIMIT 200""" % passage_base,
        "De mandaatketen (handelt namens)": prefixes + """
SELECT ?actor ?naam ?principaal ?namens WHERE {
  ?actor prov:actedOnBehalfOf+ ?principaal .
  OPTIONAL { ?actor skos:prefLabel|rdfs:label ?naam }
  OPTIONAL { ?principaal skos:prefLabel|rdfs:label ?namens }
}
ORDER BY ?naam
LIMIT 200""",
        "Organisatiehiërarchie": prefixes + """
SELECT ?eenheid ?naam ?valtOnder ?onder WHERE {
  ?eenheid org:subOrganizationOf ?valtOnder .
  OPTIONAL { ?eenheid skos:prefLabel|rdfs:label ?naam }
  OPTIONAL { ?valtOnder skos:prefLabel|rdfs:label ?onder }
}
ORDER BY ?naam
LIMIT 200""",
        "Klassen en aantallen": prefixes + """
SELECT ?klasse (COUNT(?s) AS ?aantal) WHERE {
  ?s a ?klasse .
}
GROUP BY ?klasse
ORDER BY DESC(?aantal)
LIMIT 50""",
    }
