"""Candidate competence statements read from an edition's text, for a reviewer.

Every sentence is read for the Dutch ways a competence is written: *X is verantwoordelijk
voor*, *draagt het gezag over*, *beslist over*, *is bevoegd*, *stelt … op*, *voert … uit*,
*ligt bij X*, *onder gezag van X*, *door de X*, *namens de minister*, and the verbs of
every action of the graph (the action vocabulary the answers use, through
:class:`~kennis.answer.actions.ActionMatcher`). Actors, objects and domains are found with
the answers' entity linker; actors the text introduces (*Dienst X (DX)*) and the graph
lacks are proposed as new actors. Each proposal carries the verbatim sentence, its ref
and a confidence; none of it enters the graph until a reviewer accepts it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from kennis.answer.actions import ActionCue, make_cue, verb_key
from kennis.answer.linking import EntityLinker, LexEntry, Mention
from kennis.corpus.corpus import norm_ref
from kennis.curate.align import sentences
from kennis.graph.abox import Curation
from kennis.text import fold, is_glossary, parenthetical_abbreviations
from kennis.models import ParsedVersion, ProposedActor, ProposedStatement, SourceRef

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Cue:
    """A way of writing a competence: where the actor stands and which action it states."""

    name: str
    pattern: re.Pattern[str]
    action: str | None  # action id, or None: the verb of the sentence decides
    actor_after: bool  # the actor is the first one named after the cue ("door de X")
    confidence: float


def _cue(name: str, regex: str, action: str | None, actor_after: bool = False, confidence: float = 0.8) -> Cue:
    return Cue(name, re.compile(regex, re.IGNORECASE), action, actor_after, confidence)


#: Explicit ways of writing a competence, strongest first.
CUES: tuple[Cue, ...] = (
    _cue("onder gezag van X", r"\bonder (?:het )?gezag van\b", "hold-gezag", actor_after=True),
    _cue("onder verantwoordelijkheid van X", r"\bonder (?:de )?(?:verantwoordelijkheid|regie|leiding) van\b",
         "responsible", actor_after=True),
    _cue("ligt bij X", r"\b(?:ligt|liggen|berust|berusten)\b[^.;]{0,40}?\bbij\b", "responsible", actor_after=True),
    _cue("draagt het gezag over", r"\b(?:draagt|dragen|heeft|hebben)\b[^.;]{0,30}?\bgezag\b", "hold-gezag"),
    _cue("is verantwoordelijk voor", r"\b(?:is|zijn|blijft|blijven|wordt|worden)\b[^.;]{0,40}?\bverantwoordelijk",
         "responsible"),
    _cue("draagt de verantwoordelijkheid", r"\b(?:draagt|dragen|heeft|hebben)\b[^.;]{0,30}?\bverantwoordelijkheid\b",
         "responsible"),
    _cue("is belast met", r"\b(?:is|zijn|wordt|worden)\s+(?:\w+\s+)?belast met\b", "responsible"),
    _cue("beslist over", r"\b(?:beslist|beslissen|besluit|besluiten|neemt (?:een |het )?besluit)", "decide"),
    _cue("is bevoegd", r"\b(?:is|zijn)\s+(?:\w+\s+)?bevoegd\b", None),
    _cue("geeft opdracht", r"\b(?:geeft|geven|verstrekt|verstrekken|verleent|verlenen)\b[^.;]{0,30}?\bopdracht\b"
         r"|\bopdracht\b[^.;]{0,30}?\b(?:geeft|geven|gegeven|verstrekt|verstrekken|verleend)\b", "order"),
    _cue("geeft advies", r"\b(?:geeft|geven|brengt|brengen)\b[^.;]{0,40}?\badvies\b|\badviseert\b|\badviseren\b",
         "advise"),
    _cue("stelt … op", r"\b(?:stelt|stellen)\b(?:(?!\bvast\b)[^.;]){0,80}?\bop\b", "draw-up"),
    _cue("voert … uit", r"\b(?:voert|voeren)\b[^.;]{0,80}?\buit\b", "execute"),
    _cue("onder voorzitterschap van X", r"\bonder (?:het )?voorzitterschap van\b", "chair", actor_after=True),
    _cue("wordt voorgezeten door X", r"\b(?:wordt|worden) voorgezeten door\b", "chair", actor_after=True),
    _cue("bestaat uit X", r"\bbestaa?t uit\b(?: (?:de |het )?vertegenwoordigers van)?", "participate",
         actor_after=True, confidence=0.7),
    _cue("namens de minister", r"\bnamens (?:de|het)\b", None, confidence=0.7),
    _cue("door de X", r"\bdoor\b", None, actor_after=True, confidence=0.65),
)

_AGENT_AFTER = frozenset(c.name for c in CUES if c.actor_after)
#: A sentence stating a competence through an action verb alone is less certain.
VERB_CONFIDENCE = 0.5
#: Words of a name (*Dienst Koninklijke Beveiliging*) that make an unknown abbreviation an actor.
_ACTOR_WORDS = ("dienst", "directie", "eenheid", "overleg", "team", "college", "raad", "afdeling", "commissie",
                "coordinator", "officier", "bureau", "centrum", "brigade", "staf", "organisatie", "inspectie",
                "politie", "marechaussee", "ministerie", "minister", "korps", "platform", "groep")
_CONDITION = re.compile(r"\b(?:als|indien|wanneer|zodra|in geval van|in het geval dat|ingeval)\b[^,;.]*", re.I)
_MODAL = {"kan": "kan", "kunnen": "kan", "mag": "kan", "mogen": "kan", "moet": "moet", "moeten": "moet",
          "dient": "moet", "dienen": "moet"}


def _lexicon(curation: Curation) -> list[LexEntry]:
    """Actors and concepts (the action scheme aside) with every name they go by."""
    from kennis.graph.assemble import lexicon_from_curation

    forms: dict[str, list[str]] = defaultdict(list)
    meta: dict[str, tuple[str, str]] = {}
    for e in lexicon_from_curation(curation, for_linking=True):
        forms[e.iri].append(e.term)
        meta[e.iri] = (e.label, e.kind)
    return [LexEntry(iri, meta[iri][0], meta[iri][1], tuple(dict.fromkeys([meta[iri][0], *terms])))
            for iri, terms in forms.items()]


def _lowercase_words(version: ParsedVersion) -> frozenset[str]:
    # short words the text writes in lower case are words, not abbreviations ("om", "di")
    found: set[str] = set()
    for p in version.passages:
        found.update(re.findall(r"\b[a-zà-ÿ]{2,3}\b", p.text))
    return frozenset(fold(w) for w in found)


class Proposer:
    """Reads the sentences of an edition for competence statements (see the module doc)."""

    def __init__(self, curation: Curation) -> None:
        from kennis.graph.vocab import actor_iri, concept_iri

        self.curation = curation
        self._id_of = {str(actor_iri(a.id)): a.id for a in curation.actors}
        self._id_of.update({str(concept_iri(c.id)): c.id for c in curation.concepts})
        self._scheme = {c.id: c.scheme for c in curation.concepts}
        self._entries = _lexicon(curation)
        actions = [c for c in curation.concepts if c.scheme == "action"]
        self._action_words = {c.id: c.nl.split() for c in actions}
        self._action_cues: dict[str, list[ActionCue]] = {
            c.id: [make_cue(f) for f in dict.fromkeys([c.nl, *c.alt])] for c in actions
        }

    def _linker(self, version: ParsedVersion, extra: Iterable[LexEntry]) -> EntityLinker:
        return EntityLinker([*self._entries, *extra], common_words=_lowercase_words(version))

    # --- new actors ----------------------------------------------------------------------------

    def new_actors(self, version: ParsedVersion) -> list[ProposedActor]:
        """Actors the text introduces as *Name (ABBR)* that the graph does not know."""
        linker = self._linker(version, ())
        known = {a.id for a in self.curation.actors} | {c.id for c in self.curation.concepts}
        out: dict[str, ProposedActor] = {}
        for p in version.passages:
            if is_glossary(p.text):
                continue
            for s in sentences(p.text):
                for abbr, meaning in parenthetical_abbreviations(s).items():
                    words = [fold(w) for w in _WORD.findall(meaning)]
                    if not any(w.startswith(_ACTOR_WORDS) or w.endswith(_ACTOR_WORDS) for w in words):
                        continue
                    if linker.link(abbr) or any(m.end - m.start >= 0.6 * len(meaning) for m in linker.link(meaning)):
                        continue
                    new_id = _slug(abbr)
                    if new_id in known or new_id in out:
                        continue
                    out[new_id] = ProposedActor(new_id, f"{meaning} ({abbr})", _actor_type(words),
                                                SourceRef(version.doc, version.version, p.ref, s, p.id))
        return list(out.values())

    # --- statements ----------------------------------------------------------------------------

    def propose(self, version: ParsedVersion) -> list[ProposedStatement]:
        """Every candidate statement of ``version``, in reading order."""
        from kennis.graph.vocab import actor_iri

        new = self.new_actors(version)
        new_by_iri = {str(actor_iri(a.id)): a for a in new}
        extra = []
        for a in new:
            iri = str(actor_iri(a.id))
            self._id_of[iri] = a.id
            name, _, abbr = a.label.rpartition(" (")
            extra.append(LexEntry(iri, a.label, "actor", (name, abbr.rstrip(")"))))
        linker = self._linker(version, extra)
        out: list[ProposedStatement] = []
        used: set[str] = set()
        for p in version.passages:
            if is_glossary(p.text):
                continue
            context = linker.link(" ".join((*p.path, p.text)))
            for text in [p.text, *(fn.text for fn in p.footnotes)]:
                for s in sentences(text):
                    src = SourceRef(version.doc, version.version, p.ref, s, p.id)
                    for prop in self._read(s, src, linker, context):
                        base = f"voorstel-{prop.actor}-{prop.action}-{_slug(p.ref) or 'tekst'}"
                        pid, n = base, 1
                        while pid in used:  # "…-5-2" twice must not become the id of ref 5.2.2
                            n += 1
                            pid = f"{base}-v{n}"
                        used.add(pid)
                        na = new_by_iri.get(str(actor_iri(prop.actor)))
                        out.append(ProposedStatement(
                            pid, prop.actor, prop.action, prop.object, src, prop.confidence, prop.cue,
                            prop.domain, prop.condition, prop.modality, _label(s), na))
        return out

    def _read(self, sentence: str, src: SourceRef, linker: EntityLinker,
              context: list[Mention]) -> list[ProposedStatement]:
        mentions = linker.link(sentence)
        actors = [m for m in mentions if m.kind == "actor"]
        if not actors:
            return []
        words = list(_WORD.finditer(sentence))
        folded = [fold(w.group(0)) for w in words]
        keys = [verb_key(w) for w in folded]
        found: list[tuple[Mention, str, str, float, int]] = []  # actor, action, cue, confidence, verb pos
        seen_actors: set[str] = set()
        for cue in CUES:
            for m in cue.pattern.finditer(sentence):
                # "door de X" names the agent of a passive verb only ("wordt opgesteld door de X"),
                # not of a noun ("bewaking door de politie")
                if cue.name == "door de X" and not _PASSIVE.search(sentence, 0, m.start()):
                    continue
                if _DETERMINER.search(sentence, 0, m.start()):
                    continue  # a noun ("het besluit", "de verantwoordelijkheid"), not the verb
                action = cue.action or self._verb_action(folded, keys, words, m.start())
                if action is None:
                    continue
                picked = self._actors_for(sentence, actors, m.start(), m.end(), cue.actor_after)
                for a in picked:
                    if a.iri not in seen_actors:
                        seen_actors.add(a.iri)
                        found.append((a, action, cue.name, cue.confidence, m.start()))
        if not found:
            for action, pos in self._verb_actions(folded, keys, words):
                for a in self._actors_for(sentence, actors, pos, pos, False):
                    if a.iri not in seen_actors:
                        seen_actors.add(a.iri)
                        found.append((a, action, "werkwoord", VERB_CONFIDENCE, pos))
        out = []
        for actor, action, cue_name, confidence, pos in found:
            obj = self._object(mentions, actor, pos) or self._object(context, actor, -1)
            if obj is None:
                continue
            domain = self._domain(mentions) or self._domain(context)
            cond = _CONDITION.search(sentence)
            modality = next((_MODAL[f] for f in folded if f in _MODAL), "")
            subject_bonus = 0.1 if actor.start < pos or cue_name in _AGENT_AFTER else 0.0
            out.append(ProposedStatement(
                "", self._id_of[actor.iri], action, obj, src, round(min(0.95, confidence + subject_bonus), 2), cue_name,
                domain, cond.group(0).strip() if cond else "", modality))
        return out

    def _verb_actions(self, folded: list[str], keys: list[str], words: list[Any]) -> list[tuple[str, int]]:
        """Actions of the vocabulary whose verb the sentence uses, with the verb's offset."""
        out = []
        for action, cues in self._action_cues.items():
            for cue in cues:
                if not cue.matches(folded, keys):
                    continue
                pos = _verb_position(cue, folded, keys)
                if pos is not None:
                    out.append((action, words[pos].start()))
                    break
        # at one verb the longest action wins: "worden geïnformeerd" is be-informed, not inform
        out.sort(key=lambda x: (x[1], -len(self._action_words[x[0]])))
        return out

    def _verb_action(self, folded: list[str], keys: list[str], words: list[Any], near: int) -> str | None:
        acts = self._verb_actions(folded, keys, words)
        if not acts:
            return None
        return min(acts, key=lambda x: abs(x[1] - near))[0]

    @staticmethod
    def _actors_for(sentence: str, actors: list[Mention], start: int, end: int, after: bool) -> list[Mention]:
        """The actor(s) a cue at ``start..end`` names: those right after it ("door de X en de Y"),
        or the subject before it with what is coordinated with it ("De AIVD, MIVD en de politie")."""
        if after:
            nxt = [a for a in actors if a.start >= end and _ARTICLE_GAP.match(sentence[end:a.start])]
            return _coordinated(sentence, [a for a in actors if a.start >= end], nxt[:1])
        # the main clause: after a leading subordinate clause ("Indien …, kan DLIO …")
        main = 0
        if _SUBORDINATE.match(sentence):
            main = sentence.rfind(",", 0, start) + 1
        that = max((m.end() for m in _THAT.finditer(sentence, 0, start)), default=-1)
        if that > main and any(that <= a.start < start for a in actors):
            main = that  # "Het voorgaande laat onverlet dat de minister … opdracht geeft"
        before = [a for a in actors if a.start >= main and a.end <= start]
        if before and len(_WORD.findall(sentence[main:before[0].start])) <= _SUBJECT_LEAD:
            return _coordinated(sentence, before, before[:1])
        # inversion: "In het decentrale domein neemt het lokaal bevoegd gezag zelf besluiten"
        nxt = [a for a in actors if a.start >= end and a.start - end <= 30]
        if nxt:
            return _coordinated(sentence, [a for a in actors if a.start >= end], nxt[:1])
        return _coordinated(sentence, before, before[:1])

    def _object(self, mentions: list[Mention], actor: Mention, pos: int) -> str | None:
        """The concept (or other actor) the statement is about, after the verb where possible."""
        cands = [m for m in mentions if m.iri != actor.iri and self._id_of.get(m.iri)
                 and self._scheme.get(self._id_of[m.iri]) not in ("domain", "action")]
        if not cands:
            return None
        after = [m for m in cands if m.start >= pos]
        concepts = [m for m in (after or cands) if m.kind != "actor"]
        pick = (concepts or after or cands)[0]
        return self._id_of[pick.iri]

    def _domain(self, mentions: list[Mention]) -> str:
        for m in mentions:
            cid = self._id_of.get(m.iri)
            if cid and self._scheme.get(cid) == "domain":
                return cid
        return ""


#: What may stand between a cue and its actor, or between coordinated actors.
_ARTICLE_GAP = re.compile(r"^\s*(?:de |het |een )?(?:directeur |voorzitter )?$", re.I)
_COORDINATION_GAP = re.compile(r"^\s*(?:,|,?\s*(?:en|of|en/of))\s*(?:de |het )?$", re.I)


def _coordinated(sentence: str, candidates: list[Mention], group: list[Mention]) -> list[Mention]:
    if not group:
        return group
    for a in candidates:
        if a.start > group[-1].start and _COORDINATION_GAP.match(sentence[group[-1].end:a.start]):
            group.append(a)
    return group


_DETERMINER = re.compile(r"\b(?:de|het|een|dit|deze|zijn|haar|hun|geen|elk|ieder)\s+$", re.I)
#: A subject stands within this many words of the start of its clause ("De nieuwe X").
_SUBJECT_LEAD = 3
_SUBORDINATE = re.compile(r"^\W*(?:als|indien|wanneer|zodra|nadat|voordat|omdat|hoewel|tenzij|mits|"
                          r"in (?:het )?geval|ingeval|voor zover)\b", re.I)
_THAT = re.compile(r"\b(?:dat|waarbij|zodat)\s", re.I)
#: "door de X" names an agent in a passive sentence ("wordt … gedaan door de X"), not after a
#: noun ("bewaking door de politie is noodzakelijk").
_PASSIVE = re.compile(r"\b(?:wordt|worden|werd|werden|laten|laat|liet|geschiedt|geschieden|gebeurt)\b", re.I)


def _verb_position(cue: ActionCue, folded: list[str], keys: list[str]) -> int | None:
    if not cue.verb:
        for i, w in enumerate(folded):
            if cue.content and w.startswith(cue.content[0][:6]):
                return i
        return None
    for i, k in enumerate(keys):
        if k.startswith(cue.verb) or (len(cue.verb) >= 4 and cue.verb in k):
            if cue.particle is None or _particle_of(cue.particle, folded, i):
                return i
    return None


#: How many words a separated particle may stand after its verb ("stelt … de analyse … op").
_PARTICLE_REACH = 12


def _particle_of(particle: str, folded: list[str], i: int) -> bool:
    """The verb at ``i`` carries ``particle``: fused ("opstellen", "opgesteld") or after it.

    A particle before a separate verb belongs to something else ("op de hoogte te stellen").
    """
    if folded[i].startswith(particle) or particle in folded[i + 1: i + 1 + _PARTICLE_REACH]:
        return True
    return i >= 2 and folded[i - 1] == "te" and folded[i - 2] == particle  # "op te stellen"


def _actor_type(words: list[str]) -> str:
    if any(w.startswith(("overleg", "college", "raad", "commissie", "platform")) for w in words):
        return "Body"
    if any(w.startswith(("coordinator", "officier", "minister", "directeur")) for w in words):
        return "Functionary"
    if any(w.startswith(("ministerie", "politie", "marechaussee", "organisatie")) for w in words):
        return "Organisation"
    return "Unit"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _label(sentence: str, limit: int = 160) -> str:
    text = " ".join(sentence.split()).rstrip(".;:")
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def propose(corpus: Any, curation: Curation, doc: str) -> list[ProposedStatement]:
    """Candidate statements of ``doc`` (``DOC`` or ``DOC/VERSION``; default its latest version)."""
    d, _, v = doc.partition("/")
    return Proposer(curation).propose(corpus.version_for(d, v or None))


def matches_curated(p: ProposedStatement, curated: set[tuple[str, str]]) -> bool:
    """A proposal matches a curated statement when actor and ref are the same."""
    return (p.actor, norm_ref(p.source.ref)) in curated
