"""The graph as answering sees it: a lexicon for entity linking and all competence statements."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Sequence

from kennis.answer.linking import LexEntry
from kennis.format import competence_sentence
from kennis.graph.store import TripleStore
from kennis.models import Competence


class StoreFacts:
    """Reads the lexicon and the statements from a :class:`TripleStore` once."""

    def __init__(self, store: TripleStore) -> None:
        self.store = store

    def lexicon(self) -> list[LexEntry]:
        from kennis.graph.queries import entity_lexicon

        forms: dict[str, list[str]] = defaultdict(list)
        meta: dict[str, tuple[str, str]] = {}
        for e in entity_lexicon(self.store):
            forms[e.iri].append(e.term)
            meta[e.iri] = (e.label, e.kind)
        return [LexEntry(iri, meta[iri][0], meta[iri][1], tuple(dict.fromkeys([meta[iri][0], *terms])))
                for iri, terms in forms.items()]

    def competences(self) -> list[Competence]:
        from kennis.graph.queries import find_competences

        return find_competences(self.store)  # every edition: answers select by date themselves

    def actor_kinds(self) -> dict[str, frozenset[str]]:
        from kennis.graph.queries import actor_kind_terms

        return actor_kind_terms(self.store)

    def measures(self) -> frozenset[str]:
        """Labels of the measures (the sliding scale): what a decision in a case is about."""
        from kennis.graph.queries import labels_of_class
        from kennis.graph.vocab import KB

        return labels_of_class(self.store, KB.Measure)

    def action_forms(self) -> dict[str, tuple[str, ...]]:
        from kennis.graph.queries import action_forms

        return action_forms(self.store)

    def members(self) -> dict[str, tuple[str, ...]]:
        from kennis.graph.queries import actor_members

        return actor_members(self.store)


def statement_text(c: Competence) -> str:
    """What the embedding model reads of a statement: its sentence, condition and first quote."""
    parts = [competence_sentence(c), c.condition]
    if c.sources:
        parts.append(c.sources[0].quote)
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())


def statement_vectors(competences: Sequence[Competence], settings: Any, embedder: Callable[[], Any]) -> Any:
    """Vectors of the statements (row per statement), through the content-hash vector cache."""
    from kennis.index.embed import VectorCache, embedder_name

    cache = VectorCache(Path(settings.cache_dir), embedder_name(settings))
    vectors, _ = cache.embed([statement_text(c) for c in competences], embedder)
    cache.save()
    return vectors
