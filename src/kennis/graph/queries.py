"""Read-only questions to the graph, through the :class:`~kennis.graph.store.TripleStore` protocol.

Everything returns frozen records of :mod:`kennis.models` (or plain dicts for statistics)
so that the CLI, the API and the QA layer only format. Vocabulary IRIs come from
:mod:`kennis.graph.vocab`; queries are built with the ``PREFIXES`` below.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from rdflib.namespace import DCTERMS, ORG, OWL, RDF, RDFS, SKOS

from kennis import ids
from kennis.errors import NotFoundError
from kennis.format import local_name
from kennis.graph.assemble import LexiconEntry
from kennis.graph.store import TripleStore
from kennis.graph.vocab import ELI, KB
from kennis.text import fold, is_abbreviation
from kennis.models import ActorCard, ActorRef, Competence, Selection, SourceRef

PREFIXES = (
    f"PREFIX kb: <{KB._NS}>\nPREFIX eli: <{ELI._NS}>\nPREFIX org: <{ORG}>\n"
    f"PREFIX skos: <{SKOS}>\nPREFIX rdfs: <{RDFS}>\nPREFIX rdf: <{RDF}>\nPREFIX owl: <{OWL}>\n"
    f"PREFIX dcterms: <{DCTERMS}>\n"
)


def _q(store: TripleStore, body: str) -> list[dict[str, str | None]]:
    return store.select(PREFIXES + body)


def _fold(text: str) -> str:
    """Case- and accent-insensitive key for names (typographic apostrophes as plain ones)."""
    return " ".join(fold(text).replace("\u2019", "'").split())


# --- actors ----------------------------------------------------------------------------------------


def list_actors(store: TripleStore) -> list[ActorRef]:
    """Every actor with its Dutch label and alternative labels, sorted by label."""
    rows = _q(store, """
        SELECT ?a ?label (GROUP_CONCAT(DISTINCT ?alt; SEPARATOR="\\u001f") AS ?alts) WHERE {
          ?a a kb:Actor ; skos:prefLabel ?label . FILTER(lang(?label) = "nl")
          OPTIONAL { ?a skos:altLabel ?alt }
        } GROUP BY ?a ?label""")
    out = [ActorRef(r["a"] or "", r["label"] or "", tuple(sorted(filter(None, (r["alts"] or "").split("\x1f")))))
           for r in rows]
    return sorted(out, key=lambda a: _fold(a.label))


def resolve_actor(store: TripleStore, name: str) -> ActorRef:
    """The actor named ``name`` (label, English label, abbreviation or IRI), case-insensitively."""
    key = _fold(name)
    actors = list_actors(store)
    rows = _q(store, 'SELECT ?a ?l WHERE { ?a a kb:Actor ; skos:prefLabel ?l . FILTER(lang(?l) = "en") }')
    english = defaultdict(list)
    for r in rows:
        english[r["a"]].append(_fold(r["l"] or ""))
    for a in actors:
        if name == a.iri or key == _fold(local_name(a.iri)):
            return a
    for a in actors:
        if key == _fold(a.label) or key in english.get(a.iri, []) or any(key == _fold(x) for x in a.alt_labels):
            return a
    near = [a.label for a in actors if key and (key in _fold(a.label) or any(key in _fold(x) for x in a.alt_labels))]
    raise NotFoundError(
        f"unknown actor {name!r}",
        hint=("did you mean: " + ", ".join(near[:6])) if near else "list them with `kennis actor --list`",
    )


# --- editions in force ----------------------------------------------------------------------------


# --- competences ----------------------------------------------------------------------------------


def _competence_rows(store: TripleStore, where: str = "") -> list[dict[str, str | None]]:
    return _q(store, f"""
        SELECT ?s ?label ?actor ?actorLabel ?actionLabel ?object ?objectLabel ?domain ?domainLabel
               ?condition ?modality ?behalfLabel ?addresseeLabel WHERE {{
          ?s a kb:Competence ; kb:actor ?actor ; kb:action ?action ; kb:object ?object .
          ?actor skos:prefLabel ?actorLabel . FILTER(lang(?actorLabel) = "nl")
          ?action skos:prefLabel ?actionLabel . FILTER(lang(?actionLabel) = "nl")
          ?object skos:prefLabel ?objectLabel . FILTER(lang(?objectLabel) = "nl")
          OPTIONAL {{ ?s rdfs:label ?label }}
          OPTIONAL {{ ?s kb:inDomain ?domain . ?domain skos:prefLabel ?domainLabel . FILTER(lang(?domainLabel) = "nl") }}
          OPTIONAL {{ ?s kb:condition ?condition }}
          OPTIONAL {{ ?s kb:modality ?modality }}
          OPTIONAL {{ ?s kb:onBehalfOf/skos:prefLabel ?behalfLabel . FILTER(lang(?behalfLabel) = "nl") }}
          OPTIONAL {{ ?s kb:addressee/skos:prefLabel ?addresseeLabel . FILTER(lang(?addresseeLabel) = "nl") }}
          {where}
        }}""")


def _evidence(store: TripleStore) -> dict[str, list[SourceRef]]:
    """Each statement's sources in the curated order (evidence ``<owner>/<n>``): the store
    returns them in an order that changes from build to build, and the first one is read
    as the statement's own words (its vector, the quote an answer shows first)."""
    rows = _q(store, """
        SELECT ?s ?e ?doc ?version ?ref ?quote ?p WHERE {
          ?s kb:hasEvidence ?e . ?e kb:doc ?doc ; kb:version ?version ; kb:ref ?ref ; kb:quote ?quote ; kb:passage ?p .
        }""")
    numbered: dict[str, list[tuple[int, str, SourceRef]]] = defaultdict(list)
    for r in rows:
        e = r["e"] or ""
        tail = e.rsplit("/", 1)[-1]
        numbered[r["s"] or ""].append((int(tail) if tail.isdigit() else 1 << 30, e, SourceRef(
            doc=r["doc"] or "", version=r["version"] or "", ref=r["ref"] or "", quote=r["quote"] or "",
            passage=ids.pid_from_iri(r["p"] or "") or "",
        )))
    return {s: [x for _, _, x in sorted(refs, key=lambda t: t[:2])] for s, refs in numbered.items()}


def _legal_bases(store: TripleStore) -> dict[str, list[str]]:
    rows = _q(store, """
        SELECT ?s ?lb ?docLabel ?ref WHERE {
          ?s kb:legalBasis ?lb .
          OPTIONAL { ?lb kb:ref ?ref }
          OPTIONAL { ?lb kb:doc ?id . ?d a kb:Document ; kb:doc ?id ; rdfs:label ?docLabel }
          OPTIONAL { ?lb a kb:Document ; rdfs:label ?docLabel }
        }""")
    out: dict[str, list[str]] = defaultdict(list)
    doc_labels: dict[str, str] | None = None
    section_prefix = ids.ID_BASE + "section/"
    for r in rows:
        doc_label, ref = r["docLabel"], r["ref"]
        lb = r["lb"] or ""
        if not doc_label and lb.startswith(section_prefix):
            # an article member ("artikel 16 lid 3") is cited below the sections the graph holds
            if doc_labels is None:
                doc_labels = {
                    d["id"] or "": d["label"] or ""
                    for d in _q(store, "SELECT ?id ?label WHERE { ?d a kb:Document ; kb:doc ?id ; rdfs:label ?label }")
                }
            doc, _version, slug = (lb[len(section_prefix):].split("/") + ["", ""])[:3]
            doc_label, ref = doc_labels.get(doc, doc), slug.replace("-", " ")
        text = " ".join(x for x in (doc_label, ref) if x) or lb
        if text not in out[r["s"] or ""]:
            out[r["s"] or ""].append(text)
    return out


def find_competences(
    store: TripleStore,
    *,
    actor: str | None = None,
    action: str | None = None,
    object: str | None = None,  # noqa: A002 - the field's name in the model
    domain: str | None = None,
    selection: Selection | None = None,
) -> list[Competence]:
    """Competence statements filtered by actor (name), action, object and domain.

    ``action``/``object``/``domain`` match a concept's local id, its Dutch label or an
    alternative label, case-insensitively. With a ``selection`` (``corpus.select(day)``)
    only statements stated in its versions are returned, with the sources from those
    versions; without one, every edition counts.
    """
    where = ""
    if actor:
        where += f" FILTER(?actor = <{resolve_actor(store, actor).iri}>)"
    rows = _competence_rows(store, where)
    evidence = _evidence(store)
    bases = _legal_bases(store)
    # point in time comes from the corpus's one selection: a 2010 question reads the 2008
    # text of a document, not its 2013 text; without a selection every edition counts
    versions = selection.version_ids if selection is not None else None
    alts = _alt_labels(store) if (action or object or domain) else {}

    def matches(value: str | None, iri: str | None, label: str | None) -> bool:
        if not value:
            return True
        key = _fold(value)
        names = [_fold(label or ""), _fold(local_name(iri or ""))] + [_fold(a) for a in alts.get(iri or "", [])]
        return key in names

    grouped: dict[str, Competence] = {}
    action_iris = _action_iris(store) if action else {}
    for r in rows:
        s = r["s"] or ""
        if s in grouped:
            continue
        if action and not matches(action, action_iris.get(s), r["actionLabel"]):
            continue
        if object and not matches(object, r["object"], r["objectLabel"]):
            continue
        if domain and not matches(domain, r["domain"], r["domainLabel"]):
            continue
        sources = evidence.get(s, [])
        if versions is not None:
            sources = [x for x in sources if f"{x.doc}/{x.version}" in versions]
            if not sources:
                continue
        actor_ref = ActorRef(r["actor"] or "", r["actorLabel"] or "")
        grouped[s] = Competence(
            iri=s, actor=actor_ref, action=r["actionLabel"] or "", object=r["objectLabel"] or "",
            domain=r["domainLabel"] or "", condition=r["condition"] or "", modality=r["modality"] or "",
            legal_basis=tuple(bases.get(s, [])), on_behalf_of=r["behalfLabel"] or "",
            editions=tuple(sorted({x.doc for x in sources})), sources=tuple(_sort_sources(sources, dedupe=versions is not None)),
            label=r["label"] or "",
        )
    return sorted(grouped.values(), key=lambda c: (c.domain, c.action, c.object, c.iri))


def _sort_sources(sources: Iterable[SourceRef], *, dedupe: bool = True) -> list[SourceRef]:
    # Most recent edition first: the answer cites the text in force before history. The
    # same words in two versions of one document (the Aanwijzing 2008/2013) count once,
    # unless every edition is asked for (point-in-time readers need each version).
    best: dict[tuple[str, ...], SourceRef] = {}
    for x in sources:
        key = (x.doc, x.ref, x.quote) if dedupe else (x.doc, x.version, x.ref, x.quote)
        if key not in best or x.version > best[key].version:
            best[key] = x
    return sorted(best.values(), key=lambda x: (x.version, x.doc), reverse=True)


def _alt_labels(store: TripleStore) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in _q(store, "SELECT ?c ?l WHERE { ?c skos:altLabel|skos:prefLabel ?l }"):
        out[r["c"] or ""].append(r["l"] or "")
    return out


def _action_iris(store: TripleStore) -> dict[str, str]:
    return {r["s"] or "": r["a"] or "" for r in _q(store, "SELECT ?s ?a WHERE { ?s a kb:Competence ; kb:action ?a }")}


# --- actor card -------------------------------------------------------------------------------------


def _refs(store: TripleStore, body: str) -> list[ActorRef]:
    rows = _q(store, f"""
        SELECT DISTINCT ?x ?label WHERE {{ {body} ?x a kb:Actor ; skos:prefLabel ?label . FILTER(lang(?label) = "nl") }}""")
    return sorted((ActorRef(r["x"] or "", r["label"] or "") for r in rows), key=lambda a: _fold(a.label))


def actor_card(store: TripleStore, name: str, selection: Selection | None = None) -> ActorCard:
    """Everything the graph says about one actor.

    Labels, definition, parents (sub-organisation of / post in) and children, the actors
    it acts on behalf of (asserted mandates and those the reasoner inferred through the
    mandate chain) and its competence statements grouped by domain, each with sources
    and quotes. With a ``selection`` (``corpus.select(day)``) only the statements and
    mandates of the versions it selects are shown — for an actor that does not occur in
    the most recent texts, all of its statements with a notice; without one, every
    edition's.
    """
    ref = resolve_actor(store, name)
    a = f"<{ref.iri}>"
    info = _q(store, f"""
        SELECT ?en ?def (GROUP_CONCAT(DISTINCT STR(?t); SEPARATOR=" ") AS ?types) WHERE {{
          {a} a ?t .
          OPTIONAL {{ {a} skos:prefLabel ?en . FILTER(lang(?en) = "en") }}
          OPTIONAL {{ {a} skos:definition ?def }}
        }} GROUP BY ?en ?def""")
    row = info[0] if info else {}
    kb_ns = str(KB._NS)
    types = tuple(sorted({t[len(kb_ns):] for t in (row.get("types") or "").split() if t.startswith(kb_ns)} - {"Actor"}))
    parents = _refs(store, f"{a} org:subOrganizationOf|org:postIn ?x .")
    children = _refs(store, f"?x org:subOrganizationOf|org:postIn {a} .")
    notices: list[str] = []
    day = selection.date if selection is not None else None
    if selection is None:
        behalf = _refs(store, f"{a} kb:actsOnBehalfOf|kb:mandatedBy ?x .")
    else:
        behalf = _dated_behalf(store, ref.iri, {v.doc for v in selection.versions})
    competences = find_competences(store, actor=ref.iri, selection=selection)
    if not competences and selection is not None and day is None:
        competences = find_competences(store, actor=ref.iri)
        if competences:
            notices.append(
                f"{ref.label} komt in de meest recente teksten niet meer voor; "
                "getoond worden de bevoegdheden uit eerdere edities."
            )
    successors = _refs(store, f"{a} kb:succeededBy ?x .")
    for s in successors:
        notices.append(f"{ref.label} is opgevolgd door {s.label}.")
    return ActorCard(
        iri=ref.iri, label=ref.label, alt_labels=ref.alt_labels, label_en=row.get("en") or "",
        definition=row.get("def") or "", types=types, parents=tuple(parents), children=tuple(children),
        acts_on_behalf_of=tuple(behalf), competences=tuple(competences), date=day, notices=tuple(notices),
    )


def _dated_behalf(store: TripleStore, actor: str, docs: set[str]) -> list[ActorRef]:
    """Mandate chain as it stood: mandates stated in the applicable documents, plus function holders."""
    rows = _q(store, """
        SELECT ?from ?to ?doc WHERE { ?m a kb:Mandate ; kb:mandatary ?from ; kb:mandator ?to ; kb:mandateEvidence/kb:doc ?doc }""")
    edges: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["doc"] in docs:
            edges[r["from"] or ""].add(r["to"] or "")
    for r in _q(store, "SELECT ?f ?h WHERE { ?f kb:functionHeldBy ?h }"):
        edges[r["f"] or ""].add(r["h"] or "")
    held = {r["f"] for r in _q(store, "SELECT ?f WHERE { ?f kb:functionHeldBy ?h }")}
    seen: set[str] = set()
    todo = [actor]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    # A function holder (directeur DB3 for the CBB) is the same office, not a principal.
    holders = {r["h"] for r in _q(store, "SELECT ?h WHERE { ?f kb:functionHeldBy ?h }")}
    seen -= holders | held | {actor}
    labels = {a.iri: a for a in list_actors(store)}
    return sorted((ActorRef(i, labels[i].label) for i in seen if i in labels), key=lambda x: _fold(x.label))


# --- entity lexicon and statistics ----------------------------------------------------------------


def entity_lexicon(store: TripleStore) -> list[LexiconEntry]:
    """Every label and alternative label of actors and concepts → IRI and kind, for entity linking."""
    rows = _q(store, """
        SELECT ?x ?term ?label ?isActor WHERE {
          { ?x a kb:Actor } UNION { ?x a skos:Concept }
          ?x skos:prefLabel|skos:altLabel ?term .
          ?x skos:prefLabel ?label . FILTER(lang(?label) = "nl")
          BIND(EXISTS { ?x a kb:Actor } AS ?isActor)
        }""")
    out = []
    seen = set()
    for r in rows:
        key = (r["term"], r["x"])
        if key in seen:
            continue
        seen.add(key)
        term = r["term"] or ""
        out.append(LexiconEntry(term, r["x"] or "", "actor" if r["isActor"] == "true" else "concept",
                                r["label"] or "", is_abbreviation(term)))
    return sorted(out, key=lambda e: (-len(e.term), e.term))


def graph_stats(store: TripleStore) -> dict[str, Any]:
    """Counts: triples, classes, properties, actors, statements, sourced statements, passages..."""

    def count(body: str) -> int:
        rows = _q(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {body} }}")
        return int(rows[0]["n"] or 0) if rows else 0

    kb_ns = str(KB._NS)
    return {
        "triples": len(store),
        "classes": count(f'?x a owl:Class . FILTER(STRSTARTS(STR(?x), "{kb_ns}"))'),
        "properties": count(f'{{ ?x a owl:ObjectProperty }} UNION {{ ?x a owl:DatatypeProperty }} FILTER(STRSTARTS(STR(?x), "{kb_ns}"))'),
        "actors": count("?x a kb:Actor"),
        "concepts": count("?x a skos:Concept"),
        "statements": count("?x a kb:Competence"),
        "sourced_statements": count("?x a kb:Competence ; kb:hasEvidence/kb:passage ?p . ?p a kb:Passage"),
        "evidence": count("?x a kb:Evidence"),
        "mandates": count("?x a kb:Mandate"),
        "documents": count("?x a kb:Document"),
        "versions": count("?x a kb:Version"),
        "sections": count("?x a kb:Section"),
        "passages": count("?x a kb:Passage"),
        "passages_with_mentions": count("?x a kb:Passage ; kb:mentions ?m"),
        "citations": count("?x eli:cites ?y"),
        "inferred_acts_on_behalf_of": count("?x kb:actsOnBehalfOf ?y"),
    }


def actor_kind_terms(store: TripleStore) -> dict[str, frozenset[str]]:
    """Actor IRI → the Dutch labels and alternative labels of the actor classes it belongs to
    (``overleg``, ``functionaris``, ``directie``…): the words a question uses to ask for one."""
    rows = _q(store, """
        SELECT DISTINCT ?a ?term WHERE {
          ?a a kb:Actor ; a ?cls . ?cls rdfs:subClassOf* kb:Actor .
          ?cls skos:prefLabel|skos:altLabel ?term . FILTER(lang(?term) = "nl")
        }""")
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["a"] and r["term"]:
            out[r["a"]].add(_fold(r["term"]))
    return {a: frozenset(t) for a, t in out.items()}


def labels_of_class(store: TripleStore, cls: Any) -> frozenset[str]:
    """Dutch preferred labels of the instances of ``cls`` (e.g. ``KB.Measure``)."""
    rows = _q(store, f"""
        SELECT DISTINCT ?label WHERE {{
          ?x a <{cls}> ; skos:prefLabel ?label . FILTER(lang(?label) = "nl")
        }}""")
    return frozenset(r["label"] for r in rows if r["label"])


def action_forms(store: TripleStore) -> dict[str, tuple[str, ...]]:
    """Each action's Dutch label → its Dutch alternative labels (other ways to say it)."""
    rows = _q(store, """
        SELECT ?label ?alt WHERE {
          ?x a kb:Action ; skos:prefLabel ?label . FILTER(lang(?label) = "nl")
          OPTIONAL { ?x skos:altLabel ?alt . FILTER(lang(?alt) = "nl") }
        }""")
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r["label"]:
            out[r["label"]].extend([r["alt"]] if r["alt"] else [])
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def actor_members(store: TripleStore) -> dict[str, tuple[str, ...]]:
    """Each actor that consists of others (``org:hasMember``) → its members' IRIs."""
    rows = _q(store, "SELECT ?a ?m WHERE { ?a a kb:Actor ; org:hasMember ?m . ?m a kb:Actor }")
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r["a"] and r["m"]:
            out[r["a"]].append(r["m"])
    return {a: tuple(sorted(ms)) for a, ms in out.items()}
