"""What does a question expect as its answer? An actor (of which kind), or one named actor's tasks.

A question asks for an actor when its answer is one, however it is phrased: *wie …*, but
also *welke dienst / directie / officier / overleg …*, *door welke …*, *bij welke
instantie …*, *onder wiens gezag …*. The nouns that name kinds of actor are not a list
written here: they are the Dutch labels of the ontology's actor classes (``kb:Functionary``
is a *functionaris*, *officier*, *ambtenaar* …) and the head nouns of the names of every
actor in the graph (*hoofdofficier*, *directie*, *agentschap*, *coördinator* …).

A question about a named actor (*wat doet X*, *welke taak heeft X*, *wanneer is X
verantwoordelijk*) expects that actor's competences, with X first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from kennis.answer.linking import LexEntry, Mention
from kennis.text import fold, is_abbreviation_form, stopwords

_WORD = re.compile(r"\w+")
#: Words that end the pre-modified part of a Dutch noun phrase ("officier *van* justitie").
_PHRASE_END = frozenset({"van", "voor", "der", "bij", "in", "op", "en", "of", "te", "tot", "met", "namens", "de", "het"})
_WH = re.compile(r"(?:\b(met|aan|door|bij|van|onder|voor|tot|namens|naar|in)\s+)?\b(?:welke|welk)\s+(\w+)(?:\s+(\w+))?(?:\s+(\w+))?")
#: "Wat doet X", "welke taak heeft X", "wanneer is X verantwoordelijk": X is what is asked about.
_ABOUT_ACTOR = re.compile(
    r"(?:^|[.?!]\s*|\b(?:en|maar)\s+)wat\s+(?:doet|doen|deed|deden|moet|moeten|kan|kunnen|mag|mogen)\s+"
    r"|\bwelke\s+(?:taak|taken|rol|rollen|functie|functies|bevoegdheid|bevoegdheden|verantwoordelijkheid"
    r"|verantwoordelijkheden|opdracht|positie)\s+(?:heeft|hebben|had|hadden|speelt|spelen|speelde|vervult|vervullen"
    r"|krijgt|krijgen|draagt|dragen)\s+"
    r"|\bwat\s+(?:is|zijn|was|waren)\s+(?:de|het)\s+(?:taak|taken|rol|functie|bevoegdheid|opdracht|positie)\s+van\s+"
    r"|\bwanneer\s+(?:is|zijn|was|waren|wordt|worden)\s+|\bwaarvoor\s+(?:is|zijn|was|waren)\s+"
    r"|\bwaarover\s+(?:beslist|besluit|adviseert|gaat)\s+"
)
#: A yes-no question whose subject is a named actor (*neemt DB3 dat ook mee?*, *kan de CBB …?*):
#: it is about that actor, though it asks for no actor.
_YES_NO_ABOUT = re.compile(
    r"(?:^|[.?!]\s*)(?:kan|kunnen|mag|mogen|moet|moeten|neemt|nemen|heeft|hebben|doet|doen|beslist|besluit"
    r"|bepaalt|geeft|krijgt|zal|gaat|valt|is|zijn)\s+(?=[^?]*\?)")
#: "Met wie …", "aan wie …", "bij wie …": the answer is the actor in that role in the answering sentence.
_PREP_WHO = re.compile(r"(?:^|[.?!:,]\s*)(met|aan|bij|naar|namens|tot)\s+wie\b")
_PART_OF = re.compile(r"(?:\b(met|aan|door|bij|van|onder|voor|tot|naar|in)\s+)?\bwelke?\s+(?:deel|onderdeel|onderdelen"
                      r"|delen|afdeling|afdelingen)\s+van\b")
#: "Hoe heette de dienst die …?": the name of an actor of that kind is asked.
_NAME_ASKED = re.compile(r"\bhoe\s+(?:heet|heette|heten|heetten|noemt men|noemde men)\s+(?:\w+\s+){0,3}?(?:de|het|een)\s+(\w+)")
_IN_WHOSE_NAME = re.compile(r"\bin wiens naam\b|\bnamens wie\b")
_ON_WHOM = re.compile(r"\bop (advies|verzoek|voorstel|aangeven) van wie\b|\bop wiens (advies|verzoek|voorstel|aangeven)\b")
_SOMEONE = re.compile(r"\b(?:is|zijn|moet|moeten|kan|kunnen|mag|zal)\s+(?:er\s+)?(?:\w+\s+){0,2}iemand\b")
#: The principal a question names by its kind (*namens **de minister***, *in opdracht van de
#: minister*): who acts for it is asked, not it. (Other prepositions were tried: *bij de officier*
#: may offer the answer as a choice, *van de minister-president* is no counterpart.)
_COUNTERPART_NOUN = re.compile(r"\b(?:namens|in opdracht van|onder verantwoordelijkheid van)\s+(?:de|het)\s+(\w+)\b(?!-)")
_ABOUT_TAIL = re.compile(r"^\s*(?:de|het|een)?\s*$")
#: "Wie moet de HOvJ informeren?": after *wie* and a modal verb the actor named is the subject.
_WHO_MODAL = re.compile(r"(?:^|[.?!:]\s*)wie\s+(?:moet|moeten|kan|kunnen|mag|mogen|zal|zullen|dient|dienen)\s+"
                        r"(?:de|het|een|zijn|haar|hun)?\s*$")


@dataclass(frozen=True)
class Expectation:
    """What the answer should be."""

    actor: bool = False  # the answer is an actor
    noun: str = ""  # the kind of actor asked for (folded), e.g. "overleg"
    noun_span: tuple[int, int] | None = None  # where the noun stands in the question
    about: str = ""  # IRI of the actor the question is about ("wat doet X")
    prep: str = ""  # the preposition of the asking phrase ("*met* welke directie"): the answer's role
    subject: str = ""  # IRI of the actor that acts in "wie moet X informeren": the answer is whom X informs
    #: a keyword query: the actor competent for the task it names answers it, read from the
    #: sentences ranked as for any other question (they find the passage; the actor follows it)
    keyword: bool = False
    #: the word before the kind noun in a compound (*recherche*dienst): names that hold it fit better
    modifier: str = ""
    #: "op *advies* van wie …?": the answer is the one on whose advice (request, proposal) it is done
    on: str = ""
    #: kinds of actor the question names as its principal without naming which one (*namens de
    #: minister*, *in opdracht van de minister*): an actor of that kind is not what is asked for
    counterparts: frozenset[str] = frozenset()


def head_nouns(form: str) -> set[str]:
    """The head nouns of an actor's name (folded): the word before its first preposition
    (*landelijk **officier** van justitie*) or before a name in apposition (***portefeuillehouder**
    CCB*), the first word of a capitalised name (***Directie** Veiligheid …*), and the last part
    of a compound (*afstemmings**overleg***)."""
    words = _WORD.findall(form)
    if not words:
        return set()
    out: set[str] = set()
    if len(words) > 1 and words[0][:1].isupper() and words[1][:1].isupper():
        return {fold(words[0])} - stopwords()  # a proper name: its kind comes first
    head: list[str] = []
    for w in words:
        if fold(w) in _PHRASE_END and head:
            break
        if len(head) == 1 and w[:1].isupper() and head[0][:1].islower():
            # a name in apposition (*portefeuillehouder* CCB, *portefeuillehouder* Conflict- en …)
            out.add(fold(head[-1]))
            break
        head.append(w)
    if head and not is_abbreviation_form(head[-1]):  # abbreviations are names, not kinds
        out.add(fold(head[-1]))
    return {w for w in out if len(w) >= 4 and w not in stopwords()}


def fold_in_place(text: str) -> str:
    """:func:`fold` that keeps every character's position (so spans match the original)."""
    return "".join(fold(ch)[:1] or " " for ch in text)


class Expecter:
    """Knows the nouns that name kinds of actor, and reads what a question expects."""

    def __init__(self, entries: Iterable[LexEntry], kind_terms: dict[str, frozenset[str]]) -> None:
        self.kinds_of: dict[str, set[str]] = {}  # actor IRI → nouns that can ask for it
        self.named_as: dict[str, set[str]] = {}  # actor IRI → the head nouns of its own names
        for e in entries:
            if e.kind != "actor":
                continue
            heads: set[str] = set()
            for f in e.forms:
                heads |= head_nouns(f)
            self.named_as[e.iri] = heads
            self.kinds_of[e.iri] = heads | set(kind_terms.get(e.iri, ()))
        self.nouns = frozenset(n for ns in self.kinds_of.values() for n in ns)
        self._name_heads = frozenset(n for ns in self.named_as.values() for n in ns)

    def is_kind_noun(self, word: str) -> str:
        """The kind noun that ``word`` (folded) is, or ends in as a compound; "" if none."""
        if word in self.nouns:
            return word
        if word.endswith("en") and word[:-2] in self.nouns:  # plural: directies, officieren
            return word[:-2]
        if word.endswith("s") and word[:-1] in self.nouns:
            return word[:-1]
        if word.endswith("lieden") and word[:-6] + "persoon" in self.nouns:  # bewindslieden
            return word[:-6] + "persoon"
        for n in self.nouns:
            if len(n) >= 5 and len(word) > len(n) + 2 and word.endswith(n):
                return n
        return ""

    def matches_kind(self, iri: str, noun: str) -> bool:
        """Is the actor ``iri`` of the kind ``noun`` (or a compound of it)?"""
        return self.kind_match(iri, noun) > 0

    def kind_match(self, iri: str, noun: str) -> float:
        """Is the actor ``iri`` of the kind ``noun`` (1) or not (0)? A noun that heads names
        (*directie*, *officier*, *overleg*) asks for an actor whose own name it heads (*Directie
        VCI*, *hoofdofficier*); a word no name uses (*instantie*, *functionaris*) for any actor
        of the classes it labels. So *welke directie* is not answered by a brigade, although
        both are organisational units."""

        def has(nouns: Iterable[str]) -> bool:
            return any(n == noun or (len(noun) >= 5 and n.endswith(noun)) for n in nouns)

        if has(self.named_as.get(iri, ())):
            return 1.0
        if noun in self._name_heads:  # the head of a name itself, not only the end of a compound
            return 0.0
        return 1.0 if has(self.kinds_of.get(iri, ())) else 0.0

    def expect(self, question: str, mentions: Sequence[Mention], who: bool) -> Expectation:
        """What ``question`` expects; ``who`` when its form already asks who (*wie …*)."""
        found = self._expect(question, mentions, who)
        if not found.actor:
            return found
        text = fold_in_place(question)
        spans = [(m.start, m.end) for m in mentions if m.kind == "actor"]
        kinds = frozenset(
            noun for m in _COUNTERPART_NOUN.finditer(text)
            if (noun := self.is_kind_noun(m.group(1))) and m.span(1) != found.noun_span
            and not any(a <= m.start(1) < b for a, b in spans))
        return replace(found, counterparts=kinds) if kinds else found

    def _expect(self, question: str, mentions: Sequence[Mention], who: bool) -> Expectation:
        text = fold_in_place(question)
        # "is er dan iemand verantwoordelijk …?", "moet er iemand van weten?": asks who, in yes-no form
        who = who or bool(_SOMEONE.search(text))
        for pattern, asks in ((_ABOUT_ACTOR, True), (_YES_NO_ABOUT, who)):
            for m in pattern.finditer(text):
                actor = next((x for x in mentions if x.kind == "actor" and x.start >= m.end()
                              and _ABOUT_TAIL.match(text[m.end():x.start])), None)
                if actor is not None:
                    return Expectation(actor=asks, about=actor.iri)
        named = _NAME_ASKED.search(text)
        if named is not None and self.is_kind_noun(named.group(1)):
            return Expectation(actor=True, noun=self.is_kind_noun(named.group(1)), noun_span=named.span(1))
        for m in _WH.finditer(text):
            for g in (2, 3, 4):
                word = m.group(g)
                if not word:
                    break
                noun = self.is_kind_noun(word)
                if noun:
                    modifier = word[:-len(noun)] if word.endswith(noun) and len(word) - len(noun) >= 4 else ""
                    return Expectation(actor=True, noun=noun, noun_span=m.span(g), prep=m.group(1) or "",
                                       modifier=modifier)
                if not word.endswith("e"):  # past the adjectives ("welke landelijke officier")
                    break
        on = _ON_WHOM.search(text)
        if on is not None:
            return Expectation(actor=True, on=on.group(1) or on.group(2))
        part = _PART_OF.search(text)
        if part is not None:
            # "met welk deel van het OM …?": a part of an organisation is an actor too
            return Expectation(actor=True, prep=part.group(1) or "")
        subject = next((x.iri for x in mentions if x.kind == "actor" and _WHO_MODAL.search(text[:x.start])), "")
        prep = _PREP_WHO.search(text) if who else None
        # "in wiens naam besluit de CBB?": the one the sentence says it acts for (*namens de minister*)
        on_behalf = who and bool(_IN_WHOSE_NAME.search(text))
        return Expectation(actor=who, subject=subject if who else "",
                           prep="namens" if on_behalf else prep.group(1) if prep else "")
