"""Answers for new staff: the competent actor first, from the graph, always with a source.

*Who* and *legal-basis* questions are matched against the competence statements of the
graph (action, object, domain, condition and the statement's own words), supported by
where search ranks the statements' source passages; the actor of the best statement
answers. Other questions are answered with the sentences of the best passages that
match the question. When nothing supports an answer, the answer says so.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable, Collection, Iterable, Mapping, Protocol, Sequence

from kennis.answer.actions import ActionMatcher
from kennis.answer.agents import ANSWER_ROLE, agents
from kennis.answer.expect import Expectation, Expecter, fold_in_place
from kennis.answer.kinds import (
    QuestionKind,
    asks_for_number,
    classify,
    is_situation,
    states_number,
    without_asking_words,
)
from kennis.answer.linking import EntityLinker, LexEntry, Mention
from kennis.index.search import is_keyword_query
from kennis.corpus import Corpus, norm_ref, ref_within
from kennis.corpus.references import LAW_KINDS, cited_units, unit_ref
from kennis.format import cite_ref, competence_sentence
from kennis.text import Analyzer, fold, stopwords
from kennis import ids
from kennis.models import (
    ActorRef,
    Answer,
    Competence,
    ExplanationStep,
    Hit,
    PathStep,
    SearchResult,
    Selection,
    Source,
)

NO_SOURCE = "Dat kan ik niet met een bron onderbouwen."
#: Longest question that is analysed; longer input is answered from its head.
MAX_QUESTION_CHARS = 2_000
#: Share of the question's words (by rarity) below which a sentence that answers a question
#: not asking for an actor does not put its actors forward.
_NAMES_ACTOR_OVERLAP = 0.3
#: A case's path step yields to a sentence naming another agent that scores this much better
#: (its best sentence below this share of the best); set on the development sets.
_PATH_OUTWEIGHED = 0.7
#: A keyword query's best sentence that does not say the task the query names yields its actor
#: to a sentence that says it and scores at least this share of it; set on the development sets.
_TASK_HELPER = 0.75
#: Longest quote that is widened to the sentence naming its actor.
_MAX_QUOTE_CHARS = 600
#: A described case is in the domain when this many of its words occur in the texts and the
#: others carry at most this share of its weight (everyday words: *vrouw*, *belt*, *gedoe*).
_CASE_KNOWN_WORDS = 4
_CASE_UNKNOWN_SHARE = 0.7
#: The shortest part of a compound that counts as a word the texts know.
_PART_CHARS = 5
#: Law articles searched for the one a legal-basis question asks for.
_LAW_DEPTH = 5
#: A sentence ends at ``;`` (list items), or at ``.``, ``!`` or ``?`` before a space and a word that
#: does not go on in lower case, unless the dot closes an abbreviation (*o.a.*, *bijv.*, *art.*).
_SENTENCE_END = re.compile(r";+\s*|[.!?]+(?=\s+[^a-zà-ÿ\s]|\s*$)\s*")
_ABBREVIATION_END = re.compile(r"(?:\b\w\.\w\.(?:\w\.)*|\b(?:bijv|bv|nr|nrs|art|jo|resp|ca|dhr|mr|mw|drs|ir|prof|zgn|enz|etc|blz|vgl|zie)\.)$",
                               re.IGNORECASE)


#: The domains of the stelsel, the default (where responsibility lies *in beginsel*) first.
_DOMAINS = ("decentraal-domein", "rijksdomein")
#: The steps of a situation after its domain, each by the actions (concept ids) that state it.
_PATH_STEPS = (
    ("gezag", ("hold-gezag", "responsible")),
    ("besluit over maatregelen", ("decide", "determine")),
    ("uitvoering", ("execute",)),
)

#: Questions for the members of an actor.
_COMPOSITION = re.compile(
    r"\b(?:wie|welke \w+) (?:vormen|vormt|vormden|vormde)\b|\buit wie (?:bestaat|bestaan|bestond)\b"
    r"|\bwie (?:zitten|zit|zaten) in\b|\bwie (?:zijn|waren) (?:de )?leden van\b|\bwie (?:maken|maakten) deel uit van\b")

#: Words that make a clause doubt, deny or only propose what it says.
_HEDGE = re.compile(r"\b(?:niet|geen|nog geen|voorgesteld|voorstel|aangevraagd|verzocht|gevraagd|klopt dat|gerucht"
                    r"|verhaal|zou|zouden|misschien|wellicht|of)\b", re.IGNORECASE)

#: The words before a domain that place a case outside it.
_NOT_IN = re.compile(r"\b(?:niet|geen|buiten)\s+(?:\w+\s+){0,2}$")

#: "… wordt op advies van X besloten": X advises, requests or proposes what another decides.
_ON_ADVICE_OF = re.compile(r"\bop (advies|verzoek|voorstel|aangeven) van (?:de |het )?$")
#: "Wie was in 2018 …", "wie is op dit moment …": who holds a post at a time (a person).
_WHEN_WORDS = r"in \d{4}|op dit moment|momenteel|nu|thans|tegenwoordig|destijds|toen|op dat moment"
_WHEN = re.compile(r"\d{4}|in|op|dit|dat|moment|momenteel|nu|thans|tegenwoordig|destijds|toen")
_PERSON_ASKED = re.compile(r"^\s*wie\s+(?:is|was|zijn|waren)\s+(?:er\s+)?(?=(?:.*\b(?:" + _WHEN_WORDS + r")\b))")
#: *Onze Minister* as laws write it, not followed by the ministry (*Onze Minister van Defensie*).
_OUR_MINISTER = re.compile(r"\bOnze Minister\b(?! van\b| voor\b|-)")
#: A law's definition of it: *Onze Minister: Onze Minister van Veiligheid en Justitie;*
_OUR_MINISTER_DEFINED = re.compile(r"\*?Onze Minister:\*?\s*(Onze Minister (?:van|voor) [^;.\n]+)[;.]")
_ATTRIBUTION = re.compile(r"\bvolgens (?:de|het) ([\w-]+)(?: (?:van )?(?:19|20)\d{2})?", re.IGNORECASE)
_POST_FILLERS = frozenset({"de", "het", "een", "van", "der", "huidige", "toenmalige", "in", "bij"})
#: Where a post is held (*de hoofdofficier van het arrondissement Rotterdam*): the post still
#: names one person the texts do not name.
_POST_PLACES = frozenset({"arrondissement", "gemeente", "regio", "provincie", "parket", "stad", "eenheid"})

_EXCEPTION = re.compile(
    r"\b(?:afgezien van|behalve|met uitzondering van|uitgezonderd|anders dan|los van|exclusief|naast)\b([^.?!;]*)",
    re.IGNORECASE)
_ALSO = re.compile(r"\s(?:ook|eveneens|tevens)\b|,", re.IGNORECASE)
#: An item of a list ("c. de uitvoering …", "2° het …", "b) …").
_LIST_ITEM = re.compile(r"^\s*\(?(?:[a-z]|\d{1,2})(?:\.|\)|°)\s")
#: A sentence that opens by pointing back (*Deze voorlopige maatregelen worden afgestemd met …*)
#: is about what the sentence before it names, so it is matched with that sentence's words too.
#: A sentence whose subject is a personal pronoun, before its verb (*Zij toetsen …*, *Hij kan …*).
_PRONOUN_SUBJECT = re.compile(r"^\W*(?:hij|zij|ze)\s+\w+", re.IGNORECASE)
#: The noun a *welke* question asks for, past a number word (*welke twee …*, *welk type …*).
_WHICH = re.compile(r"\bwelke?\s+(?:(?:twee|drie|vier|soort|type)\s+)?(\w+)")
_POINTS_BACK = re.compile(r"^\W*(?:deze|dit|die|dezelfde|hiervoor|hierbij|hiertoe|daarvoor|daarbij|daartoe)\b",
                          re.IGNORECASE)


def split_exception(text: str) -> tuple[str, str]:
    """``text`` without its exception clauses, and those clauses (*afgezien van …*, *behalve …*).

    In *behalve / naast X ook Y* only X is excepted: the clause ends where *ook* (or a comma)
    goes on with what is asked. *Naast* excepts only so: without it, it may just mean *beside*.
    """
    spans = []
    for m in _EXCEPTION.finditer(text):
        also = _ALSO.search(m.group(1))
        if also is not None:
            spans.append((m.start(), m.start(1) + also.start()))
        elif not m.group(0).lower().startswith("naast"):
            spans.append((m.start(), m.end()))
    excluded = " ".join(text[e.start(1) if (e := _EXCEPTION.match(text, a)) else a:b] for a, b in spans)
    for a, b in reversed(spans):
        text = text[:a] + " " + text[b:]
    return text, excluded


def _span(text: str, a: str, b: str, limit: int) -> str | None:
    """``text`` from the first of ``a`` and ``b`` to the end of the other (the sentence naming the
    actor may come before the one that answers), verbatim, when both are there and the span is
    at most ``limit`` characters; ``None`` otherwise."""
    i, j = text.find(a), text.find(b)
    if i < 0 or j < 0:
        return None
    start, end = min(i, j), max(i + len(a), j + len(b))
    return text[start:end] if end - start <= limit else None


def _with_notes(p: Any) -> str:
    """A passage's text with its footnotes, which belong to it and often hold the answer."""
    return "\n".join([p.text, *(f.text for f in p.footnotes)]) if p.footnotes else p.text


class GraphFacts(Protocol):
    """What answering needs of the graph."""

    def lexicon(self) -> list[LexEntry]: ...

    def competences(self) -> list[Competence]: ...

    def actor_kinds(self) -> dict[str, frozenset[str]]: ...

    def measures(self) -> frozenset[str]: ...

    def action_forms(self) -> dict[str, tuple[str, ...]]: ...

    def members(self) -> dict[str, tuple[str, ...]]: ...


#: ``search(text, k, day, doc=None, kind=None)``: the hybrid search of the index (``kind``: only
#: documents of that kind, or of those kinds).
SearchFn = Callable[..., SearchResult]


@dataclass(frozen=True)
class Candidate:
    """A sentence that may answer the question, where it stands, and who it says acts."""

    quote: str
    passage: str
    doc: str
    version: str
    ref: str
    title: str
    score: float
    actors: tuple[ActorRef, ...] = ()
    statement: Competence | None = None
    features: tuple[float, ...] = ()


#: Weights of a candidate sentence's features (see :meth:`Answerer.candidates`, in that order).
#: Set by hand first, then checked by ``bench/fit_answers.py`` (cross-validated on the
#: development sets; the held-out sets are never used to set them).
CANDIDATE_FEATURES: tuple[str, ...] = (
    "overlap", "context", "heading", "search", "relative", "exception", "no_action", "stated", "agent", "no_agent",
    "about", "first", "other_domain", "search_first", "matched", "own_domain", "conditions", "counterparts", "attributed")
CANDIDATE_WEIGHTS: tuple[float, ...] = (0.45, 0.15, 0.0, 0.2, 0.0, -0.3, -0.2, 0.2, 0.3, -0.1, 0.25, 0.0, -0.2, 0.2,
                                         0.15, 0.1, 0.25, 0.1, 1.0)


@dataclass(frozen=True)
class Analysis:
    """What :meth:`Answerer.analyse` found for one question."""

    expectation: Expectation
    ranked: tuple["ScoredStatement", ...]
    candidates: tuple[Candidate, ...]
    domain: str = ""


@dataclass(frozen=True)
class ScoredStatement:
    competence: Competence
    score: float
    lexical: float
    support: float
    entity: float


def _lowercase_words(corpus: Corpus) -> frozenset[str]:
    """Short words (≤ 3 letters) that the texts write in lower case: ordinary words, not abbreviations."""
    found: set[str] = set()
    for version in corpus.versions.values():
        for p in version.passages:
            found.update(w for w in re.findall(r"\b[a-zà-ÿ]{2,3}\b", p.text))
    return frozenset(fold(w) for w in found)


def with_antecedents(sents: Sequence[tuple[str, set[str]]]) -> list[tuple[str, set[str]]]:
    """Each sentence with its terms, and a sentence that points back with those of the one before."""
    return [(sent, terms | sents[i - 1][1] if i and _POINTS_BACK.match(sent) else terms)
            for i, (sent, terms) in enumerate(sents)]


def sentences(text: str) -> list[str]:
    """Sentences of ``text`` as exact substrings (so that quotes occur in the passage)."""
    out = []
    for line in text.split("\n"):
        start = 0
        for m in _SENTENCE_END.finditer(line):
            if _ABBREVIATION_END.search(line[start:m.start() + 1]) and m.group(0).startswith("."):
                continue
            s = line[start:m.end()].strip()
            if len(s) > 2:
                out.append(s)
            start = m.end()
        s = line[start:].strip()
        if len(s) > 2:
            out.append(s)
    return out


class Answerer:
    """Composes :class:`~kennis.models.Answer`s from the graph, search and the corpus."""

    def __init__(self, corpus: Corpus, graph: GraphFacts, search: SearchFn, analyzer: Analyzer,
                 vocabulary: Callable[[str], bool], *,
                 embed_query: Callable[[str], Any] | None = None,
                 vectors: Callable[[Sequence[Competence]], Any] | None = None, k: int = 10,
                 term_df: tuple[int, Mapping[str, int]] | None = None) -> None:
        """``embed_query`` and ``vectors`` (statement vectors) add meaning-based matching of
        statements; without them statements are matched by words, entities and search.
        ``k``: passages searched per question (``KENNIS_K``). ``term_df``: the number of
        passages and each term's document frequency over them, as the index build counted
        them with the same analyzer (else counted here on the first question)."""
        self.k = k
        self._term_df = term_df
        self.corpus = corpus
        self.embed_query = embed_query
        self.search = search
        self.analyzer = analyzer
        self.in_vocabulary = vocabulary
        lexicon = graph.lexicon()
        self.linker = EntityLinker(lexicon, common_words=_lowercase_words(corpus))
        self.expecter = Expecter(lexicon, graph.actor_kinds())
        self._labels = {e.iri: e.label for e in lexicon}
        self._passage_terms: dict[tuple[str, int], list[tuple[str, set[str]]]] = {}
        self._corpus_idf: dict[str, float] | None = None
        self._agents_cache: dict[tuple[str, str], list[tuple[str, str, float, str]]] = {}
        self._our_ministers: dict[str, ActorRef | None] = {}
        self._actions_cache: dict[str, set[str]] = {}
        self._concepts_cache: dict[str, set[str]] = {}
        self._mentions_cache: dict[str, list[Mention]] = {}
        self._advises_cache: dict[tuple[str, str], str] = {}
        self._cited_cache: dict[frozenset[str], frozenset[tuple[str, str]]] = {}
        self._corpus_idf_default = 1.0
        self.statements = graph.competences()
        # which domain the graph places a concept in: the one domain of the statements about it
        seen_in: dict[str, set[str]] = {}
        for c in self.statements:
            if c.domain:
                seen_in.setdefault(c.object, set()).add(c.domain)
                seen_in.setdefault(c.domain, set()).add(c.domain)
        self._domain_of = {obj: next(iter(ds)) for obj, ds in seen_in.items() if len(ds) == 1}
        self._domain_labels = frozenset(self._domain_label(d) for d in _DOMAINS)
        self._statement_by_iri = {c.iri: c for c in self.statements}
        self._vectors = vectors(self.statements) if (vectors and embed_query and self.statements) else None
        # what a statement says in its own fields weighs more than the wider words of its quotes
        self._st_terms = [set(self.analyzer.terms(self._statement_text(c))) for c in self.statements]
        self._st_quote_terms = [set(self.analyzer.terms(" ".join(s.quote for s in c.sources))) for c in self.statements]
        self._alt_labels = {e.iri: tuple(f for f in e.forms if f != e.label) for e in self.linker.entries.values()}
        self._st_entities = [
            {m.iri for m in self.linker.link(" ".join((c.object, c.domain, c.condition, c.label)))}
            for c in self.statements
        ]
        # the words that open the corpus's titles (*circulaire*, *aanwijzing*, *politiewet*): a
        # question that says whose word it asks for (*volgens de circulaire …*) names no condition
        self._docs_by_head: dict[str, set[str]] = {}
        for d in corpus.manifest.documents.values():
            for t in (d.title, d.short_title):
                if t and t.split():
                    self._docs_by_head.setdefault(fold(t.split()[0]), set()).add(d.id)
        forms = graph.action_forms()
        self.actions = ActionMatcher({c.action: forms.get(c.action, ()) for c in self.statements if c.action})
        self._measures = graph.measures()
        self._members = graph.members()
        df: Counter[str] = Counter()
        for terms in self._st_terms:
            df.update(terms)
        n = max(1, len(self.statements))
        self._idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self._idf_default = math.log(1 + n)

    @staticmethod
    def _statement_text(c: Competence) -> str:
        return " ".join((c.label, c.action, c.object, c.domain, c.condition))

    def _actor(self, ref: ActorRef) -> ActorRef:
        """The actor with its alternative labels (abbreviations) from the lexicon."""
        alts = tuple(dict.fromkeys((*ref.alt_labels, *self._alt_labels.get(ref.iri, ()))))
        return ActorRef(ref.iri, ref.label, alts)

    # --- entry point ---------------------------------------------------------------------------

    def ask(self, question: str, day: date | None = None) -> Answer:
        question = question if isinstance(question, str) else ""
        text = " ".join(question.split())[:MAX_QUESTION_CHARS]
        selection = self.corpus.select(day)
        notices = tuple(selection.notices())
        if not text:
            return self._no_answer(question, QuestionKind.OTHER, day, notices, "Stel een vraag.")
        kind = classify(text)
        mentions = self.linker.link(text)
        # numbers (years, articles) say nothing about whether a question is about the domain
        terms = [t for t in self.analyzer.terms(text) if not t.replace(".", "").isdigit()]
        known = [t for t in terms if self._in_texts(t)]
        # in the domain: something it knows is named, or at least half of the content
        # words (and two or more) occur in the texts
        idf = self._term_idf()
        topic = [t for t in self.analyzer.terms(without_asking_words(text)) if not t.replace(".", "").isdigit()]
        unknown = sum(idf.get(t, self._corpus_idf_default) for t in topic if not self._in_texts(t))
        total = sum(idf.get(t, self._corpus_idf_default) for t in topic) or 1.0
        # … and the words the texts do not know do not carry what it is about ("paspoort"); a case
        # told in everyday words (*een vrouw belt dat haar ex …*) needs only enough words the texts know
        if not mentions and (
                (len(known) < _CASE_KNOWN_WORDS or unknown > _CASE_UNKNOWN_SHARE * total) if is_situation(text)
                else (len(known) < 2 or len(known) < 0.5 * len(terms) or unknown > 0.4 * total)):
            return self._no_answer(question, kind, day, notices)
        unknown_kind = self._asks_for_unknown_kind(text, mentions)
        if unknown_kind:
            return self._no_answer(question, kind, day, notices, f"De teksten noemen geen {unknown_kind}.")
        if self._asks_for_person(text, mentions):
            # "wie was in 2018 de NCTV?": the one holding a post then or now, a name no text gives
            return self._no_answer(question, kind, day, notices, "De teksten noemen geen personen bij naam.")
        missing = self._edition_not_held(text)
        if missing is not None:
            # answering from another edition would put words in the mouth of the one asked about
            return self._no_answer(question, kind, day, notices,
                                   f"De tekst van {missing.label} zit niet in het corpus.")
        if day is None and kind not in (QuestionKind.CHANGE, QuestionKind.DIFFERENCE):
            # "volgens de circulaire van 2008": the older edition a question names is read as it stood
            day = self._older_edition_named(text)
            if day is not None:
                selection = self.corpus.select(day)
                notices = tuple(selection.notices())
        result = self.search(text, self.k, day)
        attributed = self._attributed_docs(text)
        if len(attributed) == 1:
            # "volgens de OM-aanwijzing …": that document's best units are read too
            own = self.search(text, 3, day, doc=next(iter(attributed)))
            top = result.hits[:5]
            seen = {h.id for h in top}
            added = [h for h in own.hits if h.id not in seen]
            seen |= {h.id for h in added}
            result = replace(result, hits=(*top, *added, *(h for h in result.hits[5:] if h.id not in seen)))
        if not result.hits:
            return self._no_answer(question, kind, day, notices)
        if kind is QuestionKind.CHANGE:
            change = self._from_change(question, mentions, result, selection, notices)
            if change is not None:
                return change
        found = self.analyse(text, kind, mentions, result, selection)
        if asks_for_number(text) and not any(states_number(c.quote) for c in found.candidates[:5]):
            # an amount is asked and the best sentences state none: the texts do not say it
            return self._no_answer(question, kind, day, notices, "De teksten noemen hierover geen aantal of bedrag.")
        if not found.candidates:
            return self._from_passages(question, kind, mentions, result, selection, notices)
        whole = self._asked_composition(text, mentions)
        if whole:
            return self._from_members(question, kind, whole, found.candidates, mentions, result, selection, notices)
        return self._from_candidates(question, kind, found.expectation, found.candidates, found.ranked, mentions,
                                     result, selection, notices, found.domain)

    def analyse(self, text: str, kind: QuestionKind, mentions: Sequence[Mention], result: SearchResult,
                selection: Selection) -> "Analysis":
        """What is expected, the statements that match, the domain of a described case, and the
        candidate answering sentences, best first (``bench/fit_answers.py`` reads this too)."""
        expectation = self.expecter.expect(text, mentions, who=kind is QuestionKind.WHO)
        ranked = self.rank_statements(text, kind, mentions, result, selection, expectation)
        domain = self.situation_domain(text, mentions) if is_situation(text) else ""
        # a question that names one domain is about that domain, or about the other one when it
        # says the case is not in it ("dus niet in het rijksdomein", "buiten het rijksdomein")
        labels = [self._domain_label(d) for d in _DOMAINS]
        outside = self._outside_domains(text, mentions)
        # … or says the case is not on what the graph places in one domain (*die niet op de
        # limitatieve lijst staat*: the decentraal domein; naming the list itself places nothing,
        # as its procedures start in the decentraal domein)
        named = {labels[1 - labels.index(self._placed_in(m))] if m in outside else m.label
                 for m in mentions if m in outside or m.label in labels}
        in_domain = domain or (next(iter(named)) if len(named) == 1 else "")
        # a definition is stated by the text itself, not by who does what
        candidates = self.candidates(text, mentions, expectation, result, selection,
                                     ranked if kind is not QuestionKind.DEFINITION else [], in_domain)
        if not expectation.actor and kind is QuestionKind.OTHER and is_keyword_query(text):
            # a keyword query that names a task asks who is competent for it
            expectation = replace(expectation, actor=True, keyword=True)
        return Analysis(expectation, tuple(ranked), tuple(candidates), domain)

    def _without_attribution(self, text: str) -> str:
        """``text`` without the phrase saying whose word is asked for (*volgens de OM-aanwijzing*,
        *volgens de brief*): the document it names, not a condition of the answer."""
        def drop(m: re.Match[str]) -> str:
            return " " if self._attributed_docs(m.group(0)) else m.group(0)
        return _ATTRIBUTION.sub(drop, text)

    def _attributed_docs(self, text: str) -> set[str]:
        """The documents whose word ``text`` asks for (*volgens de OM-aanwijzing*: the Aanwijzing;
        *volgens de brief*: the letter), by the first word of their titles (or its end)."""
        out: set[str] = set()
        for m in _ATTRIBUTION.finditer(text):
            head = fold(m.group(1).split("-")[-1])
            out |= {d for h, docs in self._docs_by_head.items() if h.endswith(head) for d in docs}
        return out

    def _outside_domains(self, text: str, mentions: Sequence[Mention]) -> list[Mention]:
        """The mentions of a domain that the question places its case outside of (*niet in het
        rijksdomein*, *buiten het rijksdomein*)."""
        return [m for m in mentions if self._placed_in(m) and _NOT_IN.search(fold(text[:m.start]))]

    def _placed_in(self, m: Mention) -> str:
        """The domain of the stelsel (its label) a mention names, or in which the graph places
        what it names; "" for anything else."""
        if m.label in self._domain_labels:
            return m.label
        placed = self._domain_of.get(m.label, "")
        return placed if placed in self._domain_labels else ""

    # --- answering sentences -------------------------------------------------------------------

    def _term_idf(self) -> dict[str, float]:
        """Inverse document frequency of every term over the passages (computed once)."""
        if self._corpus_idf is None:
            if self._term_df is None:  # an index built without them: counted here, once
                from kennis.index.build import passage_term_df

                self._term_df = passage_term_df(
                    [p for v in self.corpus.versions.values() for p in v.passages], self.analyzer)
            n_passages, df = self._term_df
            n = max(1, n_passages)
            self._corpus_idf = {t: math.log(1 + n / c) for t, c in df.items()}
            self._corpus_idf_default = math.log(1 + n)
        return self._corpus_idf

    def _sentence_terms(self, pid: str, text: str) -> list[tuple[str, set[str]]]:
        # a passage is read with its footnotes as a candidate and without them elsewhere: the
        # two readings must not share a cache entry, or answers would depend on what was asked before
        key = (pid, len(text))
        cached = self._passage_terms.get(key)
        if cached is None:
            cached = [(sent, set(self.analyzer.terms(sent))) for sent in sentences(text)]
            self._passage_terms[key] = cached
        return cached

    def _overlap(self, q_terms: set[str], terms: set[str], q_weight: float) -> float:
        idf = self._term_idf()
        return sum(idf.get(t, self._corpus_idf_default) for t in q_terms & terms) / q_weight

    def _agents_in(self, sentence: str, doc: str = "") -> list[tuple[str, str, float, str]]:
        """(IRI, label, role, preposition) of the actors a sentence names, likeliest agent first;
        the roles do not depend on the question, so each sentence is read once. In a law that
        defines *Onze Minister* (``doc``), those words name the minister it defines."""
        key = (sentence, doc)
        found = self._agents_cache.get(key)
        if found is None:
            mentions = self._mentions(sentence)
            minister = self._our_minister(doc) if doc and "Onze Minister" in sentence else None
            if minister is not None:
                spans = [(m.start, m.end) for m in mentions]
                mentions = sorted([*mentions, *(
                    Mention(minister.iri, "actor", minister.label, m.group(0), m.start(), m.end())
                    for m in _OUR_MINISTER.finditer(sentence)
                    if not any(a <= m.start() < b for a, b in spans))], key=lambda m: m.start)
            found = [(a.mention.iri, a.mention.label, a.role, a.prep) for a in agents(sentence, mentions)]
            self._agents_cache[key] = found
        return found

    def _span(self, pid: str, a: str, b: str) -> str | None:
        """The text of passage ``pid`` from quote ``a`` to quote ``b`` (as a quote widened to its
        actor may be long); ``None`` when either is not found or it is too long."""
        if not self.corpus.has_passage(pid):
            return None
        return _span(_with_notes(self.corpus.passage(pid)), a, b, 2 * _MAX_QUOTE_CHARS)

    def _minister_defined_in(self, best: Source, actor: ActorRef | None, selection: Selection) -> list[Source]:
        """The definition of *Onze Minister* in ``best``'s law, as a source, when ``best`` names
        ``actor`` only by those words; none otherwise."""
        minister = self._our_minister(best.doc) if actor is not None and _OUR_MINISTER.search(best.quote) else None
        if minister is None or actor is None or minister.iri != actor.iri or self._names(best.quote, actor):
            return []
        for p in self.corpus.passages(selection):
            m = _OUR_MINISTER_DEFINED.search(p.text) if p.doc == best.doc else None
            if m is not None:
                return [Source(p.doc, p.version, p.ref, m.group(1), p.id, p.title)]
        return []

    def _our_minister(self, doc: str) -> ActorRef | None:
        """The minister a law means by *Onze Minister*, from its own definition (*Onze Minister:
        Onze Minister van Veiligheid en Justitie;*); ``None`` when it defines none or several."""
        if doc not in self._our_ministers:
            found: set[str] = set()
            for version in self.corpus.versions.values():
                if version.doc != doc:
                    continue
                for p in version.passages:
                    for m in _OUR_MINISTER_DEFINED.finditer(p.text):
                        found |= {x.iri for x in self.linker.link(m.group(1)) if x.kind == "actor"}
            self._our_ministers[doc] = (ActorRef(next(iter(found)), self._labels.get(next(iter(found)), ""))
                                        if len(found) == 1 else None)
        return self._our_ministers[doc]

    def _sentence_actors(self, sentence: str, asked: set[str], expectation: Expectation,
                         curated: ActorRef | None = None, doc: str = "",
                         asked_actions: Collection[str] = ()) -> list[tuple[ActorRef, float]]:
        """Actors the sentence names, likeliest agent first, with a weight (0..1) as the answer."""
        found = self._agents_in(sentence, doc)
        if curated is not None:  # a curated statement says who acts in its sentence
            prep = next((f[3] for f in found if f[0] == curated.iri), "")  # its role in the sentence stays
            found = [(curated.iri, curated.label, 1.0, prep)] + [f for f in found if f[0] != curated.iri]
        out: list[tuple[ActorRef, float]] = []
        # "wie moet de hoofdofficier op de hoogte brengen?": the actor after the modal is the one who
        # acts, so in a sentence that names it the one it relates that actor to is the answer
        relates = bool(expectation.subject) and any(f[0] == expectation.subject for f in found)
        # "met wie …": when the sentence names an actor in the role asked for, the others (the
        # curated actor too) are who acts with it, not the answer
        in_role = bool(expectation.prep) and any(f[3] == expectation.prep for f in found)
        for iri, label, weight, prep in found:
            if in_role and prep != expectation.prep:
                weight *= 0.8
            if relates and iri != expectation.subject and weight < 0.8:
                weight = min(0.8, weight + 0.2)
            if expectation.prep and prep == expectation.prep:
                weight = max(weight, 0.95)  # "met welke directie …" is answered by "… met de directie X"
            kind = self.expecter.kind_match(iri, expectation.noun) if expectation.noun else 0.0
            if kind:
                weight = min(1.0, weight + 0.3 * kind + (0.3 if expectation.modifier and any(
                    expectation.modifier in fold(f) for f in (label, *self._alt_labels.get(iri, ()))) else 0.0))
            elif expectation.noun:
                weight *= 0.6  # not the kind of actor asked for
            if expectation.actor and iri != expectation.about and (iri in asked or any(
                    self.expecter.kind_match(iri, n) for n in expectation.counterparts)):
                weight *= 0.25  # the actor a question names is rarely its answer
            on = self._on_word(sentence, iri) if prep == "van" else ""
            if on and (on == expectation.on or self.actions.said_by(on, asked_actions)):
                # "op advies van wie …?", or who requests when the sentence says "op verzoek van X"
                weight = max(weight, 0.95)
            out.append((self._actor(ActorRef(iri, self._labels.get(iri, label))), weight))
        out.sort(key=lambda x: -x[1])
        return out

    def _lead_in_agent(self, sents: Sequence[tuple[str, set[str]]], i: int, doc: str = "") -> ActorRef | None:
        """The agent a sentence takes from the one it continues: the lead-in (*Aan de KMar … zijn
        opgedragen:*) of a list item (*c. de uitvoering van …*), which names who does what the
        item names; or, for a sentence whose subject is a pronoun (*Zij toetsen de informatie …*),
        the agent of the sentence before it (*De functionarissen van DB3 zijn belast met …*)."""
        if _LIST_ITEM.match(sents[i][0]):
            lead = next((sent for sent, _ in reversed(sents[:i]) if sent.rstrip().endswith(":")), None)
            found = self._agents_in(lead) if lead is not None else []
        elif i and _PRONOUN_SUBJECT.match(sents[i][0]) and not self.linker.link(sents[i][0][:40]):
            found = [f for f in self._agents_in(sents[i - 1][0], doc) if f[2] >= 0.8]
        else:
            return None
        if not found:
            return None
        return ActorRef(found[0][0], found[0][1])

    def _on_word(self, sentence: str, iri: str) -> str:
        """The noun of *op advies / verzoek / voorstel van* when ``sentence`` names ``iri`` only
        after it (*advies*, *verzoek*: *… wordt op advies van RCCB besloten*), else ""."""
        key = (sentence, iri)
        if key not in self._advises_cache:
            folded = fold_in_place(sentence)
            found = [m for m in self._mentions(sentence) if m.iri == iri]
            words = {(x.group(1) if x else "") for x in (
                _ON_ADVICE_OF.search(folded[max(0, m.start - 40): m.start]) for m in found)}
            self._advises_cache[key] = next(iter(words)) if len(words) == 1 else ""
        return self._advises_cache[key]

    def _mentions(self, sentence: str) -> list[Mention]:
        """What the linker finds in a sentence (each sentence is linked once)."""
        found = self._mentions_cache.get(sentence)
        if found is None:
            found = self._mentions_cache[sentence] = self.linker.link(sentence)
        return found

    def _sentence_concepts(self, sentence: str) -> set[str]:
        found = self._concepts_cache.get(sentence)
        if found is None:
            found = self._concepts_cache[sentence] = {m.iri for m in self._mentions(sentence) if m.kind != "actor"}
        return found

    def _without_names(self, sentence: str) -> str:
        """``sentence`` with the actors it names blanked out."""
        for m in sorted(self._mentions(sentence), key=lambda m: -m.start):
            if m.kind == "actor":
                sentence = sentence[:m.start] + " " * (m.end - m.start) + sentence[m.end:]
        return sentence

    def _sentence_actions(self, sentence: str) -> set[str]:
        found = self._actions_cache.get(sentence)
        if found is None:
            # the words of a name say no action (*het lokaal bevoegd **gezag** kan … voor te dragen*)
            found = self._actions_cache[sentence] = self.actions.asked(self._without_names(sentence))
        return found

    def candidates(self, text: str, mentions: Sequence[Mention], expectation: Expectation,
                   result: SearchResult, selection: Selection,
                   ranked: Sequence[ScoredStatement], domain: str = "") -> list[Candidate]:
        """Sentences that may answer ``text``: from the best search hits and the best statements.

        A sentence scores by the question's words it holds (weighted by rarity), those of its
        passage and heading, the rank search gives its unit, and, when the answer is an actor,
        by naming a likely agent of the kind asked for; a sentence that a curated statement
        quotes carries that statement's actor and its match.
        """
        attributed = self._attributed_docs(text)
        main, excluded = split_exception(self._without_attribution(text))
        # a domain the case is said not to be in points away from the answer, as an exception does
        outside = set(self.analyzer.terms(" ".join(m.surface for m in self._outside_domains(text, mentions))))
        # of a question about a named actor, what it asks about the actor decides the sentence
        about = set(self.analyzer.terms(" ".join(m.surface for m in mentions if m.iri == expectation.about)))
        q_terms = (set(self.analyzer.terms(main)) - outside - about) or (set(self.analyzer.terms(main)) - outside)
        if not q_terms:
            return []
        # words of an exception ("afgezien van …", "behalve …") point away from the answer
        negative = (set(self.analyzer.terms(excluded)) | outside) - q_terms
        asked_actions = self.actions.asked_by_question(main, keywords=is_keyword_query(text))
        idf = self._term_idf()
        q_weight = sum(idf.get(t, self._corpus_idf_default) for t in q_terms) or 1.0
        # the question's words beside the action it asks about: its conditions and context (the
        # domain, the person's category, the situation), which the answering sentence shares and
        # another that only names the action does not
        said = set(self.analyzer.terms(" ".join(self.actions.words_of(main, asked_actions))))
        conditions = q_terms - said if asked_actions and q_terms - said else set()
        c_weight = sum(idf.get(t, self._corpus_idf_default) for t in conditions) or 1.0
        # in a described case, what the other domain's statements say does not apply
        other_domains = {self._domain_label(d) for d in _DOMAINS} - {domain} if domain else set()
        other_iris = {ids.iri("concept", d) for d in _DOMAINS if self._domain_label(d) in other_domains}
        own_iris = {ids.iri("concept", d) for d in _DOMAINS if self._domain_label(d) == domain}
        noun_span = expectation.noun_span
        asked_actors = {m.iri for m in mentions if m.kind == "actor"
                        and not (noun_span and m.start <= noun_span[0] < m.end)}
        # the actors an exception names, and those they consist of, are not what is asked for
        excepted = {m.iri for m in self.linker.link(excluded) if m.kind == "actor"} if excluded.strip() else set()
        asked_actors |= excepted | {x for iri in excepted for x in self._members.get(iri, ())}
        # the actors the question names besides the one it asks about or for (its counterparts)
        named = {m.iri for m in mentions if m.kind == "actor" and m.iri != expectation.about
                 and not (noun_span and m.start <= noun_span[0] < m.end)} - excepted
        unit_rank: dict[tuple[str, str, str], int] = {}
        for rank, h in enumerate(result.hits):
            unit_rank.setdefault((h.doc, h.version, norm_ref(h.ref)), rank)

        def rank_of(doc: str, version: str, ref: str) -> int | None:
            best = None
            for (d, v, r), rank in unit_rank.items():
                if d == doc and v == version and (ref_within(ref, r) or ref_within(r, ref)):
                    best = rank if best is None else min(best, rank)
            return best

        quoted: dict[str, list[ScoredStatement]] = {}
        top = ranked[0].score if ranked else 0.0
        for st in ranked[:8]:
            if st.score <= 0 or st.score < 0.5 * top:
                break
            for src in st.competence.sources:
                if f"{src.doc}/{src.version}" in selection.version_ids and src.passage:
                    quoted.setdefault(" ".join(src.quote.split()), []).append(st)

        out: list[Candidate] = []
        seen: set[tuple[str, str]] = set()

        def consider(pid: str, ptext: str, doc: str, version: str, ref: str, title: str, rank: int | None,
                     rel: float = 0.0, only: str | None = None) -> None:
            sents = self._sentence_terms(pid, ptext)
            title_terms = set(self.analyzer.terms(title))
            context = self._overlap(q_terms, title_terms | set().union(*(t for _, t in sents)), q_weight) if sents else 0.0
            heading = self._overlap(q_terms, title_terms, q_weight)
            search = 1.0 / (1 + rank) if rank is not None else 0.0
            for i, (sent, terms) in enumerate(with_antecedents(sents)):
                flat = " ".join(sent.split())
                if only is not None and not (only in flat or flat in only):
                    continue
                if (pid, sent) in seen:
                    continue
                seen.add((pid, sent))
                statements = [st for q, sts in quoted.items() if q in flat or flat in q for st in sts]
                statement = None
                stated = matched = 0.0
                if statements:
                    best = max(statements, key=lambda st: st.score)
                    statement = best.competence
                    stated = best.score / (top or 1.0) * (0.6 if best.lexical < 0.2 else 1.0)
                    matched = best.lexical
                # the curated actor acts in this sentence, but only in the statement's own action
                speaks = statement is not None and (
                    statement.action in asked_actions if asked_actions
                    # no action recognised: the curated actor speaks unless the sentence makes it a
                    # counterpart ("… wordt op advies van RCCB besloten" is not the RCCB deciding)
                    else not self._on_word(sent, statement.actor.iri))
                actors = self._sentence_actors(sent, asked_actors, expectation,
                                               statement.actor if speaks and statement is not None
                                               else self._lead_in_agent(sents, i, doc), doc=doc,
                                               asked_actions=asked_actions)
                lead = actors[0][1] if actors and actors[0][1] >= ANSWER_ROLE else 0.0
                says_action = not asked_actions or bool(asked_actions & self._sentence_actions(sent))
                features = (
                    self._overlap(q_terms, terms, q_weight),  # the question's words in the sentence
                    context,  # … in its passage and heading
                    heading,  # … in the heading alone
                    search,  # where search ranks the unit
                    rel,  # the unit's search score relative to the best
                    self._overlap(negative, terms, q_weight) if negative else 0.0,  # words of an exception
                    0.0 if says_action else 1.0,  # does not say the action asked about
                    stated,  # a curated statement quotes it (its match, relative to the best)
                    lead if expectation.actor else 0.0,  # names a likely agent of the kind asked for
                    1.0 if expectation.actor and not lead else 0.0,  # an actor is asked and it names none
                    float(bool(expectation.about and any(a.iri == expectation.about and w >= 0.8 for a, w in actors))),
                    1.0 if i == 0 else 0.0,  # the first sentence of its passage
                    # of the other domain than the case or question is about
                    1.0 if (statement is not None and statement.domain in other_domains)
                    or (statement is None and other_iris & self._sentence_concepts(sent)) else 0.0,
                    1.0 if rank == 0 else 0.0,  # in the unit search ranks first (answers keep what search found)
                    matched,  # how well the curated statement it states matches the question, in its own words
                    # of the domain the case or question is about
                    1.0 if (statement is not None and domain and statement.domain == domain)
                    or (own_iris & self._sentence_concepts(sent)) else 0.0,
                    # the question's conditions beside its action in the sentence (the passage's words
                    # weighed this way moved no figure up: a passage that names the action names them too)
                    self._overlap(conditions, terms, c_weight) if conditions else 0.0,
                    # the share of the other actors the question names (who is informed, who is
                    # threatened) that the sentence names too: the same relation, not another one
                    len(named & {a for a, *_ in self._agents_in(sent, doc)}) / len(named) if named else 0.0,
                    1.0 if doc in attributed else 0.0,  # in the document whose word is asked for
                )
                score = sum(w * f for w, f in zip(CANDIDATE_WEIGHTS, features))
                out.append(Candidate(sent, pid, doc, version, ref, title, score,
                                     tuple(a for a, w in actors if w >= ANSWER_ROLE), statement, features))

        top_score = result.hits[0].score if result.hits and result.hits[0].score > 0 else 1.0
        for rank, h in enumerate(result.hits[:8]):
            for p in self._unit_passages(h):
                consider(p.id, _with_notes(p), p.doc, p.version, p.ref, p.title, rank, h.score / top_score)
        for q, sts in quoted.items():
            for st in sts:
                for src in st.competence.sources:
                    if " ".join(src.quote.split()) == q and self.corpus.has_passage(src.passage):
                        p = self.corpus.passage(src.passage)
                        consider(p.id, _with_notes(p), p.doc, p.version, p.ref, p.title,
                                 rank_of(p.doc, p.version, p.ref),
                                 only=q)
        out.sort(key=lambda c: -c.score)
        return out

    def _path_outweighed(self, lead: PathStep, candidates: Sequence[Candidate]) -> bool:
        """Does a sentence that names another agent answer the case far better than the step of
        the path (*eindverantwoordelijk voor de uitvoering* is not who executes)?"""
        if not candidates or lead.actor is None or candidates[0].actors[:1] == (lead.actor,):
            return False
        own = max((c.score for c in candidates if lead.actor in c.actors[:1]), default=None)
        return own is not None and own < _PATH_OUTWEIGHED * candidates[0].score

    def _unit_passages(self, h: Hit) -> list[Any]:
        try:
            return [p for p in self.corpus.unit(h.doc, h.ref, version=h.version) if norm_ref(p.ref) == norm_ref(h.ref)] \
                or self.corpus.unit(h.doc, h.ref, version=h.version)
        except Exception:  # noqa: BLE001 - a hit whose unit is not held (stale index) is read as it is
            return [self.corpus.passage(h.id)] if self.corpus.has_passage(h.id) else []

    def _from_candidates(self, question: str, kind: QuestionKind, expectation: Expectation,
                         candidates: Sequence[Candidate], ranked: Sequence[ScoredStatement],
                         mentions: Sequence[Mention], result: SearchResult, selection: Selection,
                         notices: tuple[str, ...], domain: str = "") -> Answer:
        candidates = list(candidates)
        path: tuple[PathStep, ...] = ()
        if domain:
            asked = self.actions.asked_by_question(split_exception(question)[0])
            path = self.situation_path(domain, ranked, selection, asked)
            # who is asked for in a case is the actor of the step of the path the question asks about
            lead = next((p for p in path if p.action in asked and p.source and p.actor), None) \
                if expectation.actor else None
            if lead is not None and lead.source is not None and lead.actor is not None \
                    and not self._path_outweighed(lead, candidates):
                chosen = next((c for c in candidates if c.statement is not None and c.statement.iri == lead.statement
                               and c.passage == lead.source.passage), None)
                if chosen is None:
                    src = lead.source
                    chosen = Candidate(src.quote, src.passage, src.doc, src.version, src.ref, src.title,
                                       candidates[0].score, (lead.actor,), self._statement_by_iri.get(lead.statement))
                candidates = [chosen] + [c for c in candidates if c is not chosen]
        best = candidates[0]
        actors: list[ActorRef] = []
        if expectation.about:
            actors.append(self._actor(ActorRef(expectation.about, self._labels.get(expectation.about, ""))))
        # the actors the answering sentence names lead; when an actor is asked for, the agents
        # of the next best sentences follow as alternatives
        pool = [best.actors[:2]] + ([c.actors[:1] for c in candidates[1:4]] if expectation.actor else [])
        # the sentence that best matches a keyword query may name no one ("… voor een privé bezoek"):
        # the agent of the next best sentence that names one answers, and its sentence is quoted too
        helper = next((c for c in candidates[1:5] if c.actors), None) \
            if expectation.keyword and not best.actors else None
        # … or name someone for another task than the one the query names (*verzoek* when the
        # sentence says who decides): the agent of the next best sentence that says the task answers
        no_action = CANDIDATE_FEATURES.index("no_action")
        if expectation.keyword and best.actors and len(best.features) > no_action and best.features[no_action]:
            helper = next((c for c in candidates[1:5] if c.actors and not c.features[no_action]
                           and c.score >= _TASK_HELPER * best.score), None)
            if helper is not None:
                pool = [helper.actors[:1], *pool]
        if not expectation.actor and best.features and best.features[0] < _NAMES_ACTOR_OVERLAP:
            # no actor is asked and the sentence shares little with the question: it may be the
            # nearest the texts come, but who acts in it is no answer to give
            pool = []
        if asks_for_number(question):
            # how many, how long, how much: the answer is an amount, not who acts
            pool, actors = [], []
        for group in pool:
            for a in group:
                if a.iri not in {x.iri for x in actors} and len(actors) < 3:
                    actors.append(a)
        quote = self._naming_quote(best.passage, best.quote, actors[0]) if actors else best.quote
        first = Source(best.doc, best.version, best.ref, quote, best.passage, best.title)
        hits = self._hit_sources(result.hits, question, mentions)
        extra: list[Source] = []
        law: Source | None = None
        best_is_law = False
        if kind is QuestionKind.LEGAL_BASIS:
            extra = self._legal_sources(best.statement, result, selection)
            best_is_law = self.corpus.manifest.documents[best.doc].kind in LAW_KINDS
            if not best_is_law or (best.doc, unit_ref(best.ref)) not in self._cited_articles(selection):
                law = self._cited_law(question, selection)
        statement_sources = [
            Source(s.doc, s.version, s.ref, s.quote, s.passage, self._title(s.passage))
            for s in (best.statement.sources if best.statement else ())
            if f"{s.doc}/{s.version}" in selection.version_ids
        ]
        if helper is not None and actors and helper.actors[0].iri == actors[0].iri:
            helper_quote = self._naming_quote(helper.passage, helper.quote, actors[0])
            joined = self._span(best.passage, first.quote, helper_quote) if helper.passage == best.passage else None
            if joined is not None:  # one passage cites once: its quote runs on to the sentence naming the actor
                first = Source(best.doc, best.version, best.ref, joined, best.passage, best.title)
            elif (helper.doc, helper.version, norm_ref(helper.ref)) == (best.doc, best.version, norm_ref(best.ref)):
                # too far apart in one unit to quote both (a unit is cited once): an actor that
                # cannot be shown is not given
                actors = [a for a in actors if a.iri != helper.actors[0].iri]
            else:
                extra = [Source(helper.doc, helper.version, helper.ref, helper_quote, helper.passage, helper.title),
                         *extra]
        # the article follows the answering sentence (putting it first was tried: the search among
        # articles picks the right one less often than the sentence is right); the answer names it
        # as the basis only when the answering passage itself cites it
        law_cited = law is not None and any(r.target_doc == law.doc and unit_ref(r.target_ref or "") == unit_ref(law.ref)
                                             for r in self.corpus.passage(best.passage).references)
        leading = [first] if law is None else [first, law]
        if law is not None and best_is_law:
            # an article that no text in force cites gives way to the best one that is cited
            leading, first = [law, first], law
        sources = self._merge_sources(leading,
                                      extra + hits[:2] + statement_sources + hits[2:])
        # a law's "Onze Minister" is the minister its own definition names: that definition is cited next
        if actors and not any(self._names(src.quote, actors[0]) for src in sources[:3]):
            at, defined = next(((i, d) for i, src in enumerate(sources[:3])
                                for d in self._minister_defined_in(src, actors[0], selection)), (0, None))
            if defined is not None:
                sources = self._merge_sources(sources[:at + 1] + [defined], sources[at + 1:])
        c = best.statement
        parts = []
        if c is not None and (not actors or c.actor.iri == actors[0].iri):
            parts.append(competence_sentence(c).rstrip(".") + ".")
            if c.legal_basis:
                parts.append("Grondslag: " + "; ".join(c.legal_basis) + ".")
        elif actors and kind is not QuestionKind.LEGAL_BASIS and (expectation.actor or kind is QuestionKind.WHO):
            parts.append(f"{actors[0].label[:1].upper()}{actors[0].label[1:]}.")
        if law is not None and law_cited and not (c is not None and c.legal_basis):
            parts.append(f"Grondslag: {self._cite(law)}: “{law.quote}”")
        parts.append(f"Bron: {self._cite(first)}: “{first.quote}”")
        parts.append(self._basis(sources, selection))
        conflict = self._conflict(best, ranked, selection)
        if conflict is not None:
            other_source, other_actor, newer = conflict
            actors = [*actors[:1], other_actor, *[a for a in actors[1:] if a.iri != other_actor.iri]][:3]
            sources = self._merge_sources([first, other_source], sources[1:])
            which = "nieuwer" if newer else "ouder"
            parts.insert(-1, f"Let op: de bronnen verschillen. {self._cite(other_source)} ({which}) noemt "
                             f"{other_actor.label}: “{other_source.quote}”")
        if path:
            parts.insert(-1, "Route: " + " → ".join(
                f"{p.step}: {p.actor.label if p.actor else p.label}" for p in path) + ".")
        newer_word = self._newest_word(actors, question, first, selection)
        if newer_word is not None:
            parts.insert(-1, f"Let op: volgens {self._cite(newer_word)}: “{newer_word.quote}”")
            sources = [*sources[:4], newer_word] if len(sources) >= 4 else [*sources, newer_word]
            sources = self._merge_sources(sources, [])
        explanation: list[ExplanationStep] = []
        for step in path:
            if step.actor is not None and step.statement:
                explanation.append(ExplanationStep(step.statement, "kb:actor", step.actor.iri,
                                                   f"{step.step}: {step.label}", step.actor.label))
        if c is not None:
            explanation.append(ExplanationStep(c.iri, "kb:actor", c.actor.iri, c.label or c.action, c.actor.label))
            explanation += [ExplanationStep(c.iri, "kb:statedIn", s.passage, c.label or c.action, f"{s.doc} {s.ref}")
                            for s in c.sources if s.passage]
            if c.on_behalf_of:
                explanation.append(ExplanationStep(c.actor.iri, "prov:actedOnBehalfOf", c.on_behalf_of,
                                                   c.actor.label, ""))
        return Answer(
            question=question, answer=" ".join(p for p in parts if p), kind=kind.value,
            actors=tuple(actors), sources=tuple(sources[:6]), explanation=tuple(explanation),
            date=selection.date, notices=notices, answered=True, entities=tuple(m.iri for m in mentions),
            path=path,
        )

    def _names(self, sentence: str, actor: ActorRef) -> bool:
        """Does ``sentence`` name ``actor`` (a mention the linker finds, or its label or an alternative label)?"""
        if any(iri == actor.iri for iri, *_ in self._agents_in(sentence)):
            return True
        text = fold(sentence)
        return any(n and re.search(r"(?<!\w)" + re.escape(fold(n)), text) for n in (actor.label, *actor.alt_labels))

    def _naming_quote(self, pid: str, quote: str, actor: ActorRef) -> str:
        """``quote`` as it stands in its passage, widened by the sentence before it (or after it)
        when it refers to its actor by a pronoun (*Deze meldt …*, *Hij wordt …*), so that the
        quote shown names the actor the answer gives; ``quote`` itself when no neighbour names it."""
        if self._names(quote, actor) or not self.corpus.has_passage(pid):
            return quote
        text = _with_notes(self.corpus.passage(pid))
        sents = [sent for sent, _ in self._sentence_terms(pid, text)]
        flat = " ".join(quote.split())
        i = next((j for j, sent in enumerate(sents) if " ".join(sent.split()) in flat), None)
        if i is None:
            return quote
        last = i
        while last + 1 < len(sents) and " ".join(sents[last + 1].split()) in flat:
            last += 1
        # the nearest sentence that names it, before the quote first (a pronoun looks back)
        for lo, hi in ((i - 1, last), (i, last + 1), (i - 2, last), (i, last + 2), (i - 3, last)):
            if lo < 0 or hi >= len(sents) or not self._names(sents[lo] if lo < i else sents[hi], actor):
                continue
            widened = _span(text, sents[lo], sents[hi], _MAX_QUOTE_CHARS)
            if widened is not None:
                return widened
        # a list item whose lead-in names the actor (*Aan de KMar … opgedragen: … c. …*): the quote
        # runs from the lead-in, however many items lie between
        lead = next((j for j in range(i - 1, -1, -1) if sents[j].rstrip().endswith(":")), None) \
            if _LIST_ITEM.match(sents[i]) else None
        if lead is not None and self._names(sents[lead], actor):
            return _span(text, sents[lead], sents[last], 2 * _MAX_QUOTE_CHARS) or quote
        return quote

    # --- composition: who together form an actor -------------------------------------------

    def _asked_composition(self, text: str, mentions: Sequence[Mention]) -> str:
        """The actor whose members the question asks for (*wie vormen samen X*, *uit wie
        bestaat X*, *wie zitten in X*), when the graph knows its members; "" otherwise."""
        m = _COMPOSITION.search(fold(text))
        if m is None:
            return ""
        after = [x for x in mentions if x.kind == "actor" and x.iri in self._members]
        return after[0].iri if after else ""

    def _from_members(self, question: str, kind: QuestionKind, whole: str, candidates: Sequence[Candidate],
                      mentions: Sequence[Mention], result: SearchResult, selection: Selection,
                      notices: tuple[str, ...]) -> Answer:
        members = [self._actor(ActorRef(iri, self._labels.get(iri, ""))) for iri in self._members[whole]]

        whole_ref = self._actor(ActorRef(whole, self._labels.get(whole, "")))

        def named(c: Candidate, who: Sequence[ActorRef]) -> int:
            text = f" {fold(c.quote)} "
            return sum(any(f" {fold(n)}" in text for n in (a.label, *a.alt_labels)) for a in who)

        # the sentence that names most of the members, then the whole, then the better one
        best = max(candidates, key=lambda c: (named(c, members), named(c, [whole_ref]), c.score))
        first = Source(best.doc, best.version, best.ref, best.quote, best.passage, best.title)
        sources = self._merge_sources([first], self._hit_sources(result.hits, question, mentions))
        label = self._labels.get(whole, "")
        names = ", ".join(a.label for a in members[:-1]) + (" en " if len(members) > 1 else "") + members[-1].label
        body = (f"{label[:1].upper()}{label[1:]} bestaat uit {names}. Bron: {self._cite(first)}: “{first.quote}” "
                f"{self._basis(sources, selection)}")
        explanation = tuple(ExplanationStep(whole, "org:hasMember", a.iri, label, a.label) for a in members)
        return Answer(question=question, answer=body, kind=kind.value, actors=tuple(members), sources=tuple(sources[:5]),
                      explanation=explanation, date=selection.date, notices=notices, answered=True,
                      entities=tuple(m.iri for m in mentions))

    # --- disagreement, the newest word, situations ---------------------------------------------

    def _valid_from(self, doc: str) -> date | None:
        """Since when a document applies: its validity, else the date of its first version (a letter)."""
        info = self.corpus.manifest.document(doc)
        return info.valid_from or (info.versions[0].date if info.versions else None)

    def _conflict(self, best: Candidate, ranked: Sequence[ScoredStatement],
                  selection: Selection) -> tuple[Source, ActorRef, bool] | None:
        """A curated statement nearly as good as the answer's, stated in another document in
        force, that gives the same competence (same action on the same object, same domain) to
        another actor: its source, its actor and whether its document is the newer one."""
        c = best.statement
        if c is None:
            return None
        # as close to the question in its own words (where search ranks it does not count here)
        mine = next((st.lexical for st in ranked if st.competence.iri == c.iri), 0.0)
        for st in ranked[:6]:
            o = st.competence
            if (st.lexical < 0.8 * mine or o.actor.iri == c.actor.iri or (o.action, o.object) != (c.action, c.object)
                    or (o.domain and c.domain and o.domain != c.domain)):
                continue
            src = next((s for s in o.sources if f"{s.doc}/{s.version}" in selection.version_ids
                        and s.doc != best.doc and s.passage), None)
            if src is None:
                continue
            theirs_from, mine_from = self._valid_from(src.doc), self._valid_from(best.doc)
            source = Source(src.doc, src.version, src.ref, src.quote, src.passage, self._title(src.passage))
            return source, self._actor(o.actor), bool(mine_from and theirs_from and theirs_from > mine_from)
        return None

    def _newest_word(self, actors: Sequence[ActorRef], question: str, first: Source,
                     selection: Selection) -> Source | None:
        """What a newer policy text in force (a letter, a later edition) says on the same actor
        and topic as the answer, as a verbatim sentence; ``None`` when none speaks of it."""
        since = self._valid_from(first.doc)
        if since is None or not actors:
            return None
        manifest = self.corpus.manifest
        newer = {v.doc for v in selection.versions
                 if v.doc != first.doc and manifest.document(v.doc).kind != "wet"
                 and (self._valid_from(v.doc) or since) > since}
        if not newer:
            return None
        main, _ = split_exception(question)
        q_terms = set(self.analyzer.terms(main))
        q_weight = sum(self._term_idf().get(t, self._corpus_idf_default) for t in q_terms) or 1.0
        wanted = {a.iri for a in actors[:1]}
        best: tuple[float, Source] | None = None
        for p in self.corpus.passages(selection):
            if p.doc not in newer:
                continue
            for sent, terms in self._sentence_terms(p.id, p.text):
                found = self._agents_in(sent)
                if not wanted & {f[0] for f in found if f[2] >= 0.5}:
                    continue
                overlap = self._overlap(q_terms, terms, q_weight)
                if overlap >= 0.2 and (best is None or overlap > best[0]):
                    best = (overlap, Source(p.doc, p.version, p.ref, sent, p.id, p.title))
        return best[1] if best else None

    def _domain_label(self, local: str) -> str:
        return self._labels.get(ids.iri("concept", local), local)

    def situation_domain(self, text: str, mentions: Sequence[Mention]) -> str:
        """The domain a described case lies in: the rijksdomein when the case is said (not
        doubted, denied or only proposed) to involve what the graph places there (the
        limitatieve lijst, its categories), otherwise the decentraal domein, where the texts
        put every case *in beginsel*."""
        default, central = (self._domain_label(d) for d in _DOMAINS)
        for m in mentions:
            if self._domain_of.get(m.label) != central:
                continue
            start = max(text.rfind(".", 0, m.start), text.rfind("?", 0, m.start), text.rfind("!", 0, m.start)) + 1
            ends = [i for i in (text.find(ch, m.end) for ch in ".?!") if i >= 0]
            sentence = text[start:min(ends) + 1 if ends else len(text)]
            if not _HEDGE.search(sentence):
                return central
        return default

    def situation_path(self, domain: str, ranked: Sequence[ScoredStatement], selection: Selection,
                       asked: set[str] | frozenset[str] = frozenset()) -> tuple[PathStep, ...]:
        """The path a described case is reasoned along in the graph: its domain, who holds
        authority (*gezag*) in it, who decides on measures and who executes them; each step is
        the curated statement in force that best matches the question, with its source."""

        def source_of(c: Competence) -> Source | None:
            src = next((s for s in c.sources if f"{s.doc}/{s.version}" in selection.version_ids), None)
            return Source(src.doc, src.version, src.ref, src.quote, src.passage, self._title(src.passage)) if src else None

        # a case is decided by the measures for it: statements about other things are no step
        in_domain = [st.competence for st in ranked if st.competence.domain == domain and st.score > 0
                     and st.competence.object in self._measures]
        steps: list[PathStep] = []
        for name, actions in _PATH_STEPS:
            pick = None
            labels = [self._domain_label(a) for a in actions]
            # the action the question asks about comes first; then the step's actions in order
            for label in sorted(labels, key=lambda lab: lab not in asked):
                pick = next((c for c in in_domain if c.action == label), None)
                if pick is not None:
                    break
            if pick is not None:
                steps.append(PathStep(name, pick.label or pick.action, self._actor(pick.actor), source_of(pick),
                                      pick.iri, pick.action))
        if not steps:
            return ()
        return (PathStep("domein", domain, None, steps[0].source), *steps)

    # --- statements ----------------------------------------------------------------------------

    def rank_statements(self, text: str, kind: QuestionKind, mentions: Sequence[Mention],
                        result: SearchResult, selection: Selection,
                        expectation: Expectation | None = None) -> list[ScoredStatement]:
        """Statements in force for the selection, best match first."""
        outside = " ".join(m.surface for m in self._outside_domains(text, mentions))
        q_terms = set(self.analyzer.terms(text)) - set(self.analyzer.terms(outside))
        q_weight = sum(self._idf.get(t, self._idf_default) for t in q_terms) or 1.0
        mentioned = {m.iri for m in mentions}
        unit_rank: dict[tuple[str, str, str], int] = {}
        for rank, h in enumerate(result.hits):
            unit_rank.setdefault((h.doc, h.version, norm_ref(h.ref)), rank)
        ranks_in: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for (doc, version, ref), rank in unit_rank.items():
            ranks_in.setdefault((doc, version), []).append((ref, rank))
        versions = selection.version_ids
        semantic = self._semantic(text)
        asked = self.actions.asked_by_question(text)
        scored = []
        for i, (c, st_terms, quote_terms, st_entities) in enumerate(zip(
            self.statements, self._st_terms, self._st_quote_terms, self._st_entities
        )):
            in_force = [s for s in c.sources if f"{s.doc}/{s.version}" in versions]
            if not in_force:
                continue
            own = sum(self._idf.get(t, self._idf_default) for t in q_terms if t in st_terms) / q_weight
            quoted = sum(self._idf.get(t, self._idf_default) for t in q_terms if t in quote_terms) / q_weight
            lexical = 0.65 * own + 0.35 * quoted
            support = 0.0
            for s in in_force:
                for ref, rank in ranks_in.get((s.doc, s.version), ()):
                    if ref_within(s.ref, ref) or ref_within(ref, s.ref):
                        support = max(support, 1.0 / (1 + rank))
            others = mentioned - {c.actor.iri}
            entity = len(others & st_entities) / len(others) if others else 0.0
            meaning = float(semantic[i]) if semantic is not None else lexical
            score = 0.35 * lexical + 0.15 * support + 0.2 * entity + 0.15 * meaning
            if asked:
                # a statement whose action is not the one asked about does not answer it
                score = score + 0.15 if c.action in asked else score * 0.5
            if expectation is not None and expectation.about:
                score *= 1.3 if c.actor.iri == expectation.about else 0.7
            elif kind is QuestionKind.WHO and c.actor.iri in mentioned:
                score *= 0.6  # the actor a who-question names is rarely its answer
            scored.append(ScoredStatement(c, score, lexical, support, entity))
        scored.sort(key=lambda s: -s.score)
        return scored

    def _semantic(self, text: str) -> Any:
        """Cosine similarity of the question to each statement, scaled to 0..1 over all statements."""
        if self._vectors is None or self.embed_query is None:
            return None
        sims = self._vectors @ self.embed_query(text)
        lo, hi = float(sims.min()), float(sims.max())
        return (sims - lo) / (hi - lo) if hi > lo else sims * 0.0

    def _cited_articles(self, selection: Selection) -> frozenset[tuple[str, str]]:
        """The law units (doc, ``artikel N``) that the other texts in ``selection`` cite."""
        key = selection.version_ids
        found = self._cited_cache.get(key)
        if found is None:
            found = frozenset(cited_units(self.corpus.passages(selection), self.corpus.manifest.documents))
            self._cited_cache[key] = found
        return found

    def _cited_law(self, question: str, selection: Selection) -> Source | None:
        """The law article that best matches ``question`` among those the texts in force cite:
        a legal basis is an article the circulaire points to, and the words of the question
        (*bijstand aan de politie*) find which one."""
        cited = self._cited_articles(selection)
        laws = self.search(question, _LAW_DEPTH, selection.date, kind=LAW_KINDS)
        q_terms = set(self.analyzer.terms(question))
        for h in laws.hits:
            if (h.doc, unit_ref(h.ref)) in cited:
                return Source(h.doc, h.version, h.ref, self.best_sentences(h.text, q_terms, key="hit:" + h.id), h.id,
                              h.title)
        return None

    def _legal_sources(self, c: Competence | None, result: SearchResult, selection: Selection) -> list[Source]:
        """Law articles cited by the best passages (the legal basis itself), as sources."""
        out: list[Source] = []
        seen: set[tuple[str, str]] = set()
        versions = selection.version_ids
        for h in result.hits[:3]:
            if not self.corpus.has_passage(h.id):
                continue
            for r in self.corpus.passage(h.id).references:
                if not r.target_doc or not r.target_ref or (r.target_doc, r.target_ref) in seen:
                    continue
                seen.add((r.target_doc, r.target_ref))
                try:
                    target = self.corpus.unit(r.target_doc, r.target_ref, day=selection.date)
                except Exception:  # noqa: BLE001 - a reference to a text not held is skipped
                    continue
                p = target[0]
                if p.version_id in versions or selection.date is None:
                    out.append(Source(p.doc, p.version, p.ref, sentences(p.text)[0], p.id, p.title))
            if len(out) >= 2:
                break
        return out

    # --- changes between editions --------------------------------------------------------------

    def _editions_compared(self, question: str, result: SearchResult) -> tuple[str, str] | None:
        """(older, newer) editions with text of the work the question is about.

        Years in the question name editions (``tussen 2008 en 2015``); one year names the
        newer edition, compared with the one it replaced; none compares the edition of the
        best search result with its predecessor.
        """
        manifest = self.corpus.manifest
        work = manifest.document(result.hits[0].doc).work
        if work is None:
            return None
        editions = manifest.editions(work)
        held = [d for d in editions if d.has_text]
        by_year = {d.valid_from.year: d.id for d in held if d.valid_from}
        years = [int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", question)]
        if any(d.valid_from and d.valid_from.year in years and not d.has_text for d in editions):
            return None  # an edition whose text is not held cannot be compared
        named = [by_year[y] for y in years if y in by_year]
        order = [d.id for d in held]
        if len(named) >= 2:
            a, b = sorted(named[:2], key=order.index)
            return (a, b) if a != b else None
        newer = named[0] if named else next((h.doc for h in result.hits if h.doc in order), None)
        if newer is None or order.index(newer) == 0:
            return None
        return order[order.index(newer) - 1], newer

    def _from_change(self, question: str, mentions: Sequence[Mention], result: SearchResult,
                     selection: Selection, notices: tuple[str, ...]) -> Answer | None:
        from kennis.corpus.compare import align_sections, diff_words, section_text

        pair = self._editions_compared(question, result)
        if pair is None:
            return None
        old_doc, new_doc = pair
        manifest = self.corpus.manifest
        old_info, new_info = manifest.document(old_doc), manifest.document(new_doc)

        def best_in(doc: str) -> Hit | None:
            # read the edition as it stood at its latest version held
            day = manifest.document(doc).versions[-1].date
            return next(iter(self.search(question, 1, day, doc).hits), None)

        hit = best_in(new_doc)
        if hit is None:
            return None
        new_pv = self.corpus.version_for(new_doc, hit.version)
        old_pv = self.corpus.version_for(old_doc)
        # the provision's counterpart by structure and wording; else what the old edition says on the question
        counterpart = next((a for a, b, _ in align_sections(old_pv, new_pv) if b is not None and a is not None
                            and norm_ref(b.ref) == norm_ref(hit.ref)), None)
        q_terms = set(self.analyzer.terms(question)) | {t for m in mentions for t in self.analyzer.terms(m.label)}
        if counterpart is not None:
            old_passages = [p for p in old_pv.passages if ref_within(p.ref, counterpart.ref)]
            best_old = max(old_passages, key=lambda p: len(q_terms & set(self.analyzer.terms(p.text))))
            old_ref, old_text, old_pid, old_title = best_old.ref, best_old.text, best_old.id, best_old.title
        else:
            old_hit = best_in(old_doc)
            if old_hit is None:
                return None
            old_ref, old_text, old_pid, old_title = old_hit.ref, old_hit.text, old_hit.id, old_hit.title
        new_source = Source(hit.doc, hit.version, hit.ref, self.best_sentences(hit.text, q_terms), hit.id, hit.title)
        old_source = Source(old_doc, old_pv.version, old_ref, self.best_sentences(old_text, q_terms), old_pid, old_title)
        where = lambda src: self._cite(src).split(", ", 1)[-1]  # noqa: E731
        body = (f"{new_info.label}, {where(new_source)}: “{new_source.quote}” "
                f"In {old_info.label} ({where(old_source)}) stond: “{old_source.quote}”")
        if counterpart is not None:
            _, _, ratio = diff_words(section_text(old_pv, counterpart.ref), section_text(new_pv, hit.ref))
            body += f" Van de tekst van deze paragraaf is {round(100 * ratio)} % gelijk gebleven."
        sources = [new_source, old_source]
        sources = self._merge_sources(sources, self._hit_sources(result.hits, question, mentions))
        return Answer(
            question=question, answer=body, kind=QuestionKind.CHANGE.value, sources=tuple(sources[:5]),
            date=selection.date, notices=notices, answered=True, entities=tuple(m.iri for m in mentions),
        )

    # --- passages ------------------------------------------------------------------------------

    def _from_passages(self, question: str, kind: QuestionKind, mentions: Sequence[Mention],
                       result: SearchResult, selection: Selection, notices: tuple[str, ...]) -> Answer:
        sources = self._hit_sources(result.hits, question, mentions)
        first = sources[0]
        body = f"Volgens {self._cite(first)}: “{first.quote}”"
        if len(sources) > 1 and kind in (QuestionKind.DIFFERENCE, QuestionKind.CHANGE):
            body += f" Zie ook {self._cite(sources[1])}: “{sources[1].quote}”"
        answer = f"{body} {self._basis(sources, selection)}"
        return Answer(
            question=question, answer=answer, kind=kind.value, actors=(), sources=tuple(sources[:5]),
            explanation=(), date=selection.date, notices=notices, answered=True,
            entities=tuple(m.iri for m in mentions),
        )

    def _hit_sources(self, hits: Iterable[Hit], question: str, mentions: Sequence[Mention]) -> list[Source]:
        q_terms = set(self.analyzer.terms(question)) | {
            t for m in mentions for t in self.analyzer.terms(m.label)
        }
        out = []
        for h in hits:
            out.append(Source(h.doc, h.version, h.ref, self.best_sentences(h.text, q_terms, key="hit:" + h.id), h.id, h.title))
        return out

    def best_sentences(self, text: str, q_terms: set[str], n: int = 2, key: str = "") -> str:
        """The one or two consecutive sentences of ``text`` that share most with the question
        (``key``: the passage id, so that its sentences are analysed once)."""
        analysed = self._sentence_terms(key, text) if key else [(s, set(self.analyzer.terms(s))) for s in sentences(text)]
        sents = [s for s, _ in analysed]
        if not sents:
            return text[:300]
        scores = [len(q_terms & terms) for _, terms in analysed]
        i = max(range(len(sents)), key=lambda j: (scores[j], -j))
        chosen = sents[i]
        if n > 1 and i + 1 < len(sents) and scores[i + 1] > 0 and len(chosen) < 200:
            both = text[text.find(chosen): text.find(sents[i + 1]) + len(sents[i + 1])]
            if both and both in text:
                chosen = both
        return chosen

    # --- formatting ----------------------------------------------------------------------------

    def _merge_sources(self, first: list[Source], more: list[Source]) -> list[Source]:
        merged = first + more
        out, seen = [], set()
        for s in merged:
            key = (s.doc, s.version, norm_ref(s.ref))
            if key not in seen:
                seen.add(key)
                out.append(s)
        return out

    def _title(self, pid: str) -> str:
        return self.corpus.passage(pid).title if pid and self.corpus.has_passage(pid) else ""

    def _cite(self, s: Source) -> str:
        doc = self.corpus.manifest.document(s.doc)
        return f"{doc.label}, {cite_ref(s.ref)}" if s.ref else doc.label

    def _basis(self, sources: Sequence[Source], selection: Selection) -> str:
        if not sources:
            return ""
        doc = self.corpus.manifest.document(sources[0].doc)
        validity = ""
        if doc.valid_from:
            validity = f", geldig vanaf {doc.valid_from.isoformat()}"
            if doc.valid_to:
                validity += f" tot en met {doc.valid_to.isoformat()}"
        when = f"zoals die gold op {selection.date.isoformat()}" if selection.date else "de meest recente tekst in het corpus"
        return f"(Dit antwoord rust op {doc.label}, versie {sources[0].version}{validity}; {when}.)"

    def _works_named(self, text: str) -> tuple[set[int], list[Any]]:
        """The years a question names (which editions) and, when it names one, the works whose
        title shares a word with it other than a stopword (which work)."""
        years = {int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", text)}
        if not years:
            return years, []
        words = {fold(w) for w in re.findall(r"\w+", text)} - stopwords()
        return years, [work for work in self.corpus.manifest.works.values()
                       if words & ({fold(w) for w in re.findall(r"\w+", work.title)} - stopwords())]

    def _edition_not_held(self, text: str) -> Any:
        """The edition a question names (its work and its year) when the corpus has no text of
        it and no held edition of that work is of the same year; ``None`` otherwise."""
        years, works = self._works_named(text)
        if not works:
            return None
        manifest = self.corpus.manifest
        # an edition that a held text is about (the letter presenting it) can be asked about
        spoken_of = {d.about for d in manifest.documents.values() if d.has_text and d.about}
        for work in works:
            editions = manifest.editions(work.id)
            held = {d.valid_from.year for d in editions if d.has_text and d.valid_from}
            for d in editions:
                if not d.has_text and d.id not in spoken_of and d.valid_from and d.valid_from.year in years - held:
                    return d
        return None

    def _older_edition_named(self, text: str) -> date | None:
        """The day to read when a question names one older edition held (its work's title words
        and its year: *de circulaire van 2008*), not the most recent one; ``None`` otherwise."""
        years, works = self._works_named(text)
        found = []
        for work in works:
            held = [d for d in self.corpus.manifest.editions(work.id) if d.has_text and d.valid_from and d.versions]
            if len(held) >= 2:
                found += [d for d in held[:-1] if d.valid_from is not None and d.valid_from.year in years]
        if len(found) != 1:
            return None
        d = found[0]
        day = max(v.date for v in d.versions)
        return min(day, d.valid_to) if d.valid_to else day

    def _asks_for_person(self, text: str, mentions: Sequence[Mention]) -> bool:
        """Does ``text`` ask who held a post at a time (*wie was in 2018 de NCTV?*, *wie is op dit
        moment de directeur van DB3?*): nothing but the post and the time after *wie is/was*?"""
        folded = fold_in_place(text)
        m = _PERSON_ASKED.match(folded)
        if m is None:
            return False
        spans = [(x.start, x.end) for x in mentions if x.kind == "actor"]
        words = [w for w in re.finditer(r"\w+", folded[m.end():])]
        rest = [w.group() for w in words
                if not any(a <= m.end() + w.start() < b for a, b in spans) and not _WHEN.fullmatch(w.group())]
        names = {fold(w) for w in re.findall(r"\b[A-Z][a-zà-ÿ]+\b", text[m.end():])}  # places, as written
        return bool(spans) and all(w in _POST_FILLERS or w in _POST_PLACES or w in names
                                   or self.expecter.is_kind_noun(w) for w in rest)

    def _in_texts(self, term: str) -> bool:
        """Do the texts know ``term`` (an analysed word), or a part of it as a word of its own? A
        compound they write apart (*risicomanagement*: "risico management") or do not use (*wets**artikel***)
        is known by its parts."""
        n = len(term)
        return self.in_vocabulary(term) or any(
            self.in_vocabulary(term[i:]) or self.in_vocabulary(term[:n - i]) for i in range(3, n - _PART_CHARS + 1))

    def _asks_for_unknown_kind(self, text: str, mentions: Sequence[Mention]) -> str:
        """The thing a *welke X* question that names nothing the graph knows asks for, when no
        text knows the word X, nor its last part (*welk wets**artikel***): the texts name no such
        thing (*welke videodeurbel …*); else ""."""
        m = _WHICH.search(fold(text))
        if m is None or mentions or self.expecter.is_kind_noun(m.group(1)):
            return ""
        word = m.group(1)
        return "" if any(self._in_texts(t) for t in self.analyzer.terms(word)) else word

    def _no_answer(self, question: str, kind: QuestionKind, day: date | None, notices: tuple[str, ...],
                   extra: str = "") -> Answer:
        text = NO_SOURCE + (f" {extra}" if extra else "")
        return Answer(question=question, answer=text, kind=kind.value, date=day, notices=notices, answered=False)
