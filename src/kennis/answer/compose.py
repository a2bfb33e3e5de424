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
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Protocol, Sequence

from kennis.answer.actions import ActionMatcher
from kennis.answer.kinds import QuestionKind, classify
from kennis.answer.linking import EntityLinker, LexEntry, Mention
from kennis.corpus import Corpus, norm_ref, ref_within
from kennis.index.text import Analyzer, fold
from kennis.models import (
    ActorRef,
    Answer,
    Competence,
    ExplanationStep,
    Hit,
    SearchResult,
    Selection,
    Source,
)

NO_SOURCE = "Dat kan ik niet met een bron onderbouwen."
#: Longest question that is analysed; longer input is answered from its head.
MAX_QUESTION_CHARS = 2_000
_SENTENCE = re.compile(r"[^.!?;]+(?:[.!?;]+|$)")


class GraphFacts(Protocol):
    """What answering needs of the graph."""

    def lexicon(self) -> list[LexEntry]: ...

    def competences(self) -> list[Competence]: ...


#: ``search(text, k, day, doc=None)``: the hybrid search of the index.
SearchFn = Callable[..., SearchResult]


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


def sentences(text: str) -> list[str]:
    """Sentences of ``text`` as exact substrings (so that quotes occur in the passage)."""
    out = []
    for line in text.split("\n"):
        for m in _SENTENCE.finditer(line):
            s = m.group(0).strip()
            if len(s) > 2:
                out.append(s)
    return out


class Answerer:
    """Composes :class:`~kennis.models.Answer`s from the graph, search and the corpus."""

    def __init__(self, corpus: Corpus, graph: GraphFacts, search: SearchFn, analyzer: Analyzer,
                 vocabulary: Callable[[str], bool], *,
                 embed_query: Callable[[str], Any] | None = None,
                 vectors: Callable[[Sequence[Competence]], Any] | None = None) -> None:
        """``embed_query`` and ``vectors`` (statement vectors) add meaning-based matching of
        statements; without them statements are matched by words, entities and search."""
        self.corpus = corpus
        self.embed_query = embed_query
        self.search = search
        self.analyzer = analyzer
        self.in_vocabulary = vocabulary
        self.linker = EntityLinker(graph.lexicon(), common_words=_lowercase_words(corpus))
        self.statements = graph.competences()
        self._vectors = vectors(self.statements) if (vectors and embed_query and self.statements) else None
        # what a statement says in its own fields weighs more than the wider words of its quotes
        self._st_terms = [set(self.analyzer.terms(self._statement_text(c))) for c in self.statements]
        self._st_quote_terms = [set(self.analyzer.terms(" ".join(s.quote for s in c.sources))) for c in self.statements]
        self._alt_labels = {e.iri: tuple(f for f in e.forms if f != e.label) for e in self.linker.entries.values()}
        self._st_entities = [
            {m.iri for m in self.linker.link(" ".join((c.object, c.domain, c.condition, c.label)))}
            for c in self.statements
        ]
        by_label = {e.label: e.forms for e in self.linker.entries.values()}
        self.actions = ActionMatcher({c.action: by_label.get(c.action, ()) for c in self.statements if c.action})
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
        known = [t for t in terms if self.in_vocabulary(t)]
        # in the domain: something it knows is named, or at least half of the content
        # words (and two or more) occur in the texts
        if not mentions and (len(known) < 2 or len(known) < 0.5 * len(terms)):
            return self._no_answer(question, kind, day, notices)
        result = self.search(text, 10, day)
        if not result.hits:
            return self._no_answer(question, kind, day, notices)
        if kind in (QuestionKind.WHO, QuestionKind.LEGAL_BASIS):
            ranked = self.rank_statements(text, kind, mentions, result, selection)
            if ranked and ranked[0].score > 0:
                return self._from_statements(question, kind, ranked, mentions, result, selection, notices)
        if kind is QuestionKind.CHANGE:
            change = self._from_change(question, mentions, result, selection, notices)
            if change is not None:
                return change
        return self._from_passages(question, kind, mentions, result, selection, notices)

    # --- statements ----------------------------------------------------------------------------

    def rank_statements(self, text: str, kind: QuestionKind, mentions: Sequence[Mention],
                        result: SearchResult, selection: Selection) -> list[ScoredStatement]:
        """Statements in force for the selection, best match first."""
        q_terms = set(self.analyzer.terms(text))
        q_weight = sum(self._idf.get(t, self._idf_default) for t in q_terms) or 1.0
        mentioned = {m.iri for m in mentions}
        unit_rank: dict[tuple[str, str, str], int] = {}
        for rank, h in enumerate(result.hits):
            unit_rank.setdefault((h.doc, h.version, norm_ref(h.ref)), rank)
        versions = selection.version_ids
        semantic = self._semantic(text)
        asked = self.actions.asked(text)
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
                for (doc, version, ref), rank in unit_rank.items():
                    if doc == s.doc and version == s.version and (ref_within(s.ref, ref) or ref_within(ref, s.ref)):
                        support = max(support, 1.0 / (1 + rank))
            others = mentioned - {c.actor.iri}
            entity = len(others & st_entities) / len(others) if others else 0.0
            meaning = float(semantic[i]) if semantic is not None else lexical
            score = 0.35 * lexical + 0.15 * support + 0.2 * entity + 0.15 * meaning
            if asked:
                score += 0.15 if c.action in asked else 0.0
            if kind is QuestionKind.WHO and c.actor.iri in mentioned:
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

    def _from_statements(self, question: str, kind: QuestionKind, ranked: list[ScoredStatement],
                         mentions: Sequence[Mention], result: SearchResult, selection: Selection,
                         notices: tuple[str, ...]) -> Answer:
        best = ranked[0]
        c = best.competence
        actors: list[ActorRef] = []
        for s in ranked:
            if s.score < 0.5 * best.score or len(actors) >= 3:
                break
            if s.competence.actor.iri not in {a.iri for a in actors}:
                actors.append(self._actor(s.competence.actor))
        versions = selection.version_ids
        sources: list[Source] = []
        for s in c.sources:
            if f"{s.doc}/{s.version}" in versions:
                title = self._title(s.passage)
                sources.append(Source(s.doc, s.version, s.ref, s.quote, s.passage, title))
        hits = self._hit_sources(result.hits, question, mentions)

        def search_rank(src: Source) -> int:
            for rank, h in enumerate(result.hits):
                if h.doc == src.doc and h.version == src.version and (
                    ref_within(src.ref, h.ref) or ref_within(h.ref, src.ref)
                ):
                    return rank
            return len(result.hits)

        sources.sort(key=search_rank)  # of the statement's passages, the one search ranks best
        # the statement's own passage leads when search agrees or the statement clearly
        # matches; otherwise the best search result does (an answer never loses what
        # search found), with the statement's passage right after it
        confident = best.support >= 0.5 or best.lexical >= 0.75
        lead_sources = (sources[:1] + hits[:1]) if confident else (hits[:1] + sources[:1])
        extra = self._legal_sources(c, result, selection) if kind is QuestionKind.LEGAL_BASIS else []
        sources = self._merge_sources(lead_sources, extra + sources[1:] + hits[1:])
        lead = c.label or f"{c.actor.label}: {c.action} {c.object}".strip()
        cite = self._cite(sources[0]) if sources else ""
        parts = [lead.rstrip(".") + "."]
        if c.legal_basis:
            parts.append("Grondslag: " + "; ".join(c.legal_basis) + ".")
        if sources:
            parts.append(f"Bron: {cite}: “{sources[0].quote}”")
        parts.append(self._basis(sources, selection))
        explanation = [ExplanationStep(c.actor.iri, "kb:heeftBevoegdheid", c.iri, c.actor.label, c.label or c.action)]
        explanation += [ExplanationStep(c.iri, "kb:bron", s.passage, c.label or c.action, f"{s.doc} {s.ref}")
                        for s in c.sources if s.passage]
        if c.on_behalf_of:
            explanation.append(ExplanationStep(c.actor.iri, "prov:actedOnBehalfOf", c.on_behalf_of, c.actor.label, ""))
        return Answer(
            question=question, answer=" ".join(p for p in parts if p), kind=kind.value,
            actors=tuple(actors), sources=tuple(sources[:5]), explanation=tuple(explanation),
            date=selection.date, notices=notices, answered=True, entities=tuple(m.iri for m in mentions),
        )

    def _legal_sources(self, c: Competence, result: SearchResult, selection: Selection) -> list[Source]:
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
        from kennis.compare import align_sections, diff_words, section_text

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
            out.append(Source(h.doc, h.version, h.ref, self.best_sentences(h.text, q_terms), h.id, h.title))
        return out

    def best_sentences(self, text: str, q_terms: set[str], n: int = 2) -> str:
        """The one or two consecutive sentences of ``text`` that share most with the question."""
        sents = sentences(text)
        if not sents:
            return text[:300]
        scores = [len(q_terms & set(self.analyzer.terms(s))) for s in sents]
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
        where = s.ref if not s.ref or not s.ref[0].isdigit() else f"§ {s.ref}"
        return f"{doc.label}{', ' + where if where else ''}"

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

    def _no_answer(self, question: str, kind: QuestionKind, day: date | None, notices: tuple[str, ...],
                   extra: str = "") -> Answer:
        text = NO_SOURCE + (f" {extra}" if extra else "")
        return Answer(question=question, answer=text, kind=kind.value, date=day, notices=notices, answered=False)
