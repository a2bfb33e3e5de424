"""Which action does a question ask about? Dutch verbs matched against the action labels.

Action labels in the graph are third-person phrases ("stelt op", "voert uit", "besluit
over", "wordt geïnformeerd over"). A question uses other forms of the same verb, often
split around the sentence ("Wie *stelt* de analyse *op*?", "Wie *voert* ... *uit*?",
"door wie wordt het *opgesteld*?"). Verbs are compared on a rough stem that survives
Dutch spelling changes (``geeft``/``geven``, ``draagt``/``dragen``, ``stelt``/``stellen``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from kennis.text import fold, stopwords

PARTICLES = frozenset({"uit", "op", "aan", "voor", "over", "tot", "vast", "af", "in", "mee", "door", "bij"})
#: Particles that are prepositions of the object (*besluit over*, *levert informatie over*), not
#: part of a separable verb (*voert uit*, *stelt vast*): a sentence may leave them out
#: (*… beslist het College*).
PREPOSITIONS = frozenset({"over", "voor", "met", "tot", "door", "bij"})
#: Auxiliaries carry no action of their own ("is verantwoordelijk", "wordt geïnformeerd").
AUXILIARIES = frozenset({"is", "wordt", "zijn", "worden", "heeft", "hebben", "kan", "mag", "moet"})
_WORD = re.compile(r"\w+")
#: "daarover", "waarvoor", "hierop": a particle joined to a pronominal adverb.
_PRONOMINAL = ("daar", "waar", "hier", "er")
#: Where a question's complement clause begins (*wie zorgt ervoor dat …*, *wie bepaalt of er …*,
#: *wie let erop dat …*): what that clause says is done is the object of the question's own verb,
#: not the action it asks about; nor does a clause of time or condition (*wanneer*, *voordat*:
#: *… wanneer een analyse wordt opgesteld*) or an embedded question (*het onderzoek naar wie
#: erachter zit*). *of* joins two nouns as often as it opens a clause, so only
#: *of er* and *of* after a finite verb (*bepaalt of*, *beslist of*) count.
_SENTENCE = re.compile(r"(?<=[.?!])\s+")
_COMPLEMENT = re.compile(r"\b(?:dat|of(?= er\b)|wanneer|indien|voordat|nadat|zodra|omdat|terwijl)\b"
                         r"|(?<=t) of\b(?= (?:de|het|een|hij|zij|ze|die|deze)\b)"
                         r"|\b(?:naar|over) (?:wie|wat|waar)\b", re.I)


def verb_key(word: str) -> str:
    """A rough stem: folded, doubled letters single, final f/s voiced, inflection stripped."""
    w = fold(word)
    if w.startswith("ge") and len(w) > 5 and w.endswith(("d", "t")):
        w = w[2:-1]  # participle: geïnformeerd → informeer
    elif w.endswith(("en", "de", "te")) and len(w) > 5:
        w = w[:-2]
    elif w.endswith("t") and len(w) > 4:
        w = w[:-1]
    w = re.sub(r"(.)\1+", r"\1", w)
    if w.endswith("f"):
        w = w[:-1] + "v"
    elif w.endswith("s") and len(w) > 3:
        w = w[:-1] + "z"
    return w


@dataclass(frozen=True)
class ActionCue:
    label: str
    verb: str  # verb key, "" for a copula phrase
    particle: str | None
    content: tuple[str, ...]  # other words that must occur (folded)

    def matches(self, words: list[str], keys: list[str], by_noun: bool = False) -> bool:
        if self.content and not all(any(w.startswith(c[:6]) for w in words) for c in self.content):
            return False
        if not self.verb or by_noun:
            return bool(self.content)
        for w, k in zip(words, keys):
            if k.startswith(self.verb) or (len(self.verb) >= 4 and self.verb in k):
                if self.particle is None or self.particle in PREPOSITIONS or w.startswith(self.particle) or any(
                    x == self.particle or (x.startswith(_PRONOMINAL) and x.endswith(self.particle)) for x in words
                ):
                    return True
        return False


def make_cue(label: str) -> ActionCue:
    words = [fold(w) for w in _WORD.findall(label)]
    while words and words[0] in AUXILIARIES:
        words = words[1:]
    if not words:
        return ActionCue(label, "", None, ())
    particle = words[-1] if len(words) >= 2 and words[-1] in PARTICLES else None
    body = words[:-1] if particle else words
    verb, rest = body[0], body[1:]
    content = tuple(w for w in rest if w not in stopwords() and w not in PARTICLES)
    if verb in ("verantwoordelijk",):  # an adjective phrase after the auxiliary
        return ActionCue(label, "", particle, (verb, *content))
    return ActionCue(label, verb_key(verb), particle, content)


class ActionMatcher:
    """Action labels (with their alternative forms) → the ones a question asks about."""

    def __init__(self, forms: dict[str, Iterable[str]]) -> None:
        self.cues = {label: [make_cue(f) for f in dict.fromkeys([label, *alts])] for label, alts in forms.items()}

    def asked(self, question: str, keywords: bool = False) -> set[str]:
        """The actions ``question`` asks about; of a keyword query (``keywords``), which has no
        verb, also those it names by their noun alone (*kosten* for *draagt de kosten van*)."""
        words = [fold(w) for w in _WORD.findall(question)]
        keys = [verb_key(w) for w in words]
        return {label for label, cues in self.cues.items()
                if any(c.matches(words, keys) or (keywords and c.matches(words, keys, by_noun=True)) for c in cues)}

    def asked_by_question(self, question: str, keywords: bool = False) -> set[str]:
        """The actions a question asks about, read from its main clause when it has a complement
        clause; when its own verb is no known action (*wie let erop dat …*), none, since the
        clause's verbs say what is seen to, not who does it."""
        if keywords:
            return self.asked(question, keywords=True)
        out: set[str] = set()
        for sentence in _SENTENCE.split(question):  # each sentence of a case has its own clauses
            m = _COMPLEMENT.search(sentence)
            if m is not None and len(_WORD.findall(sentence[:m.start()])) < 2:
                # the clause comes first (*Wanneer …, wie beslist dan?*): the main clause follows its comma
                comma = sentence.find(",", m.end())
                sentence = sentence[comma + 1:] if comma > 0 else sentence
                m = _COMPLEMENT.search(sentence)
                if m is not None and len(_WORD.findall(sentence[:m.start()])) < 2:
                    m = None
            out |= self.asked(sentence if m is None else sentence[:m.start()])
        return out

    def said_by(self, noun: str, labels: Iterable[str]) -> bool:
        """Does ``noun`` (*verzoek*, *advies*) name one of the actions ``labels`` (*vraagt aan*,
        whose forms include *verzoekt om*; *adviseert over*)? Compared on the verb's rough stem."""
        key = verb_key(noun)
        return any(c.verb and len(c.verb) >= 4 and (key.startswith(c.verb[:4]) and c.verb.startswith(key[:4]))
                   for label in labels for c in self.cues.get(label, ()))

    def words_of(self, question: str, labels: Iterable[str]) -> set[str]:
        """The words of ``question`` that say the actions ``labels`` (their verb, particle and
        content words); what is left of the question are its conditions and its context."""
        words = [fold(w) for w in _WORD.findall(question)]
        keys = [verb_key(w) for w in words]
        out: set[str] = set()
        for label in labels:
            for c in self.cues.get(label, ()):
                for w, k in zip(words, keys):
                    if (c.verb and (k.startswith(c.verb) or (len(c.verb) >= 4 and c.verb in k))) \
                            or any(w.startswith(x[:6]) for x in c.content) or (c.particle and w == c.particle):
                        out.add(w)
        return out
