"""``Kennis``: the one core that the CLI, the HTTP API and the Streamlit app call.

Front-ends parse input, call a method here and format its (typed) result. Heavy parts
(structured corpus, graph store, indexes, embedding model) load lazily, once.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kennis.config import Settings
from kennis.corpus import Corpus, Manifest, ingest
from kennis.errors import InvalidInputError, NotBuiltError
from kennis.models import (
    ActorCard,
    ActorRef,
    Answer,
    DocumentInfo,
    Passage,
    SearchResult,
    Section,
    Selection,
    Table,
)
from kennis.models import ActorChanges, CarriedStatement, ProposedStatement
from kennis.progress import Progress

if TYPE_CHECKING:  # pragma: no cover
    from kennis.corpus.compare import Citation, Comparison
    from kennis.answer.compose import Answerer
    from kennis.graph.executor import QueryExecutor, QueryResult
    from kennis.graph.store import TripleStore
    from kennis.index.search import Searcher


def parse_date(value: str | date | None) -> date | None:
    """``YYYY-MM-DD`` (or a date) → date; a clear error otherwise."""
    if value is None or isinstance(value, date):
        return value
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"not a date: {value!r}", hint="use YYYY-MM-DD, e.g. 2010-01-01") from None


class Kennis:
    """The knowledge base: build it, then search, ask, look up actors and documents."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Kennis":
        return cls(settings or Settings.from_env())

    # --- loading -----------------------------------------------------------------------------

    @cached_property
    def manifest(self) -> Manifest:
        self.settings.require_corpus()
        # checksums are verified when building; reading answers should not rehash the corpus
        return Manifest.load(self.settings.manifest_path, verify=not self.is_built)

    @property
    def is_built(self) -> bool:
        return (self.settings.kb_dir / "corpus.json").is_file()

    @cached_property
    def corpus(self) -> Corpus:
        """The built corpus, or (before the first build) the texts parsed on the fly."""
        path = self.settings.kb_dir / "corpus.json"
        if path.is_file():
            return Corpus.load(path, self.manifest)
        return ingest(self.settings, manifest=self.manifest)

    def require_built(self, part: str = "knowledge base") -> Path:
        if not self.is_built:
            raise NotBuiltError(f"the {part} has not been built yet (looked in {self.settings.kb_dir})")
        return self.settings.kb_dir

    # --- building ----------------------------------------------------------------------------

    def build(self, progress: Progress | None = None) -> dict[str, Any]:
        """Build everything into a staging folder, then swap it in: a failure keeps the old build."""
        progress = progress or Progress()
        data = self.settings.data_dir
        data.mkdir(parents=True, exist_ok=True)
        staging = data / f".build-{os.getpid()}-{int(time.time())}"
        from kennis.buildcache import BuildRecord, run_steps

        # What the current build holds whose inputs did not change is copied, not redone.
        record = BuildRecord.of(self.settings.kb_dir)
        try:
            staging.mkdir()
            t0 = time.perf_counter()
            corpus = ingest(self.settings, progress)
            corpus.save(staging / "corpus.json")
            timings = {"ingest_s": time.perf_counter() - t0}
            timings.update(run_steps(self._build_steps(corpus, staging, record, progress), record, staging, progress))
            from kennis.index.embed import prepare_query_encoder

            prepare_query_encoder(self.settings)  # a reused index still needs its query encoder
            record.save(staging)
            _swap_in(staging, self.settings.kb_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self.close()
        for attr in ("corpus", "manifest", "searcher", "store", "answerer"):
            self.__dict__.pop(attr, None)
        progress.step(f"knowledge base written to {self.settings.kb_dir}")
        return {"kb_dir": str(self.settings.kb_dir), **{k: round(v, 2) for k, v in timings.items()},
                "reused": "+".join(record.reused)}

    def _build_steps(self, corpus: Corpus, staging: Path, record: Any, progress: Progress) -> list[Any]:
        """The parts built after the corpus, in order (each writes only inside the staging
        folder), with the inputs that decide whether the last build's result still holds."""
        from kennis.buildcache import Step, file_digest, step_key
        from kennis.graph.abox import ONTOLOGY_DIR
        from kennis.graph.build import GRAPH_FILE, STATS_FILE, build_graph
        from kennis.index.build import INDEX_DIRNAME, build_index
        from kennis.index.embed import embedder_identity, vector_cache_path

        settings = self.settings
        texts = {"corpus": file_digest(staging / "corpus.json"), "manifest": file_digest(settings.manifest_path)}
        tbox = ONTOLOGY_DIR / "kennis.ttl"

        def key_of(name: str) -> str:
            return record.steps[name].key

        @cache
        def passage_embedder() -> Any:
            """One model for the passages and the statements, loaded only if either has new texts."""
            from kennis.index.embed import make_passage_embedder

            return make_passage_embedder(settings)

        def graph(out_dir: Path) -> Any:
            return build_graph(corpus, settings, out_dir, progress, abox_dir=settings.abox_dir)

        def statements(out_dir: Path) -> None:
            """Embed the competence statements now, so that the first question does not."""
            from kennis.answer.graphfacts import StoreFacts, statement_vectors
            from kennis.graph.store import OxigraphStore
            facts = StoreFacts(OxigraphStore.from_file(out_dir / GRAPH_FILE))
            statement_vectors(facts.competences(), settings, passage_embedder)

        def ontology_docs(out_dir: Path) -> None:
            from kennis.corpus import atomic_write_text
            from kennis.graph.docs import ontology_html

            atomic_write_text(out_dir / "ontology.html", ontology_html())

        def index(out_dir: Path) -> Any:
            return build_index(corpus, settings, out_dir, progress, passage_embedder=passage_embedder)

        return [
            Step("graph", graph, lambda: step_key([tbox, ONTOLOGY_DIR / "shapes.ttl", settings.abox_dir], **texts),
                 (GRAPH_FILE, STATS_FILE)),
            Step("ontology docs", ontology_docs, lambda: step_key([tbox]), ("ontology.html",)),
            Step("index", index, lambda: step_key(graph=key_of("graph"), model=embedder_identity(settings), **texts),
                 (INDEX_DIRNAME,)),
            Step("statement vectors", statements,
                 lambda: step_key(graph=key_of("graph"), model=embedder_identity(settings)),
                 also_needs=lambda: vector_cache_path(settings).is_file()),
        ]

    # --- graph -------------------------------------------------------------------------------

    @cached_property
    def store(self) -> TripleStore:
        """The graph store: in-process pyoxigraph, or the external SPARQL server configured."""
        from kennis.graph.store import open_store

        if not self.settings.sparql_endpoint:
            self.require_built("knowledge graph")
        return open_store(self.settings)

    def actors(self, q: str | None = None) -> list[ActorRef]:
        """Actors, optionally those whose label or abbreviation contains ``q``."""
        from kennis.graph.queries import list_actors
        from kennis.text import fold

        actors = list_actors(self.store)
        if q and q.strip():
            key = fold(q.strip())
            actors = [a for a in actors if any(key in fold(n) for n in (a.label, *a.alt_labels))]
        return actors

    def actor(self, name: str, date: date | str | None = None) -> ActorCard:
        """The actor card: labels, hierarchy, mandates, competences by domain with sources."""
        from kennis.graph.queries import actor_card

        from kennis.corpus.links import link_card

        day = parse_date(date)
        return link_card(actor_card(self.store, name, self.manifest.select(day)), self.corpus)

    def graph_stats(self) -> dict[str, Any]:
        from kennis.graph.queries import graph_stats

        return graph_stats(self.store)

    def lint(self) -> list[Any]:
        """Findings of the curation lint (``kennis.graph.lint``) on the ABox against the texts."""
        from kennis.graph.abox import load_curation
        from kennis.graph.lint import lint_curation

        return lint_curation(load_curation(self.settings.abox_dir), self.corpus)

    # --- keeping the curation in step with new editions (kennis.curate) ---------------------

    def _curated_owners(self) -> list[Any]:
        from kennis.curate.carry import curated_owners
        from kennis.graph.abox import load_curation

        return curated_owners(load_curation(self.settings.abox_dir), self.corpus)

    def previous_edition(self, doc: str) -> str:
        """The edition ``doc`` supersedes whose text the corpus holds (``InvalidInputError`` if none)."""
        info = self.manifest.document(doc.partition("/")[0])
        seen = {info.id}
        while info.supersedes and info.supersedes in self.manifest.documents and info.supersedes not in seen:
            info = self.manifest.document(info.supersedes)
            seen.add(info.id)
            if info.has_text:
                return info.id
        raise InvalidInputError(f"{doc} supersedes no edition whose text the corpus holds", hint="give --from DOC")

    def carry(self, from_doc: str, to_doc: str) -> list[CarriedStatement]:
        """Where ``to_doc`` states each curated statement with a source in ``from_doc``
        (``DOC`` or ``DOC/VERSION``): :class:`~kennis.models.CarriedStatement` per statement."""
        from kennis.curate.carry import carry, edition_pair

        source, target = edition_pair(self.corpus, from_doc, to_doc)
        return carry(self._curated_owners(), source, target)

    def propose(self, doc: str) -> list[ProposedStatement]:
        """Candidate statements read from the text of ``doc``: :class:`~kennis.models.ProposedStatement`."""
        from kennis.curate.propose import propose
        from kennis.graph.abox import load_curation

        return propose(self.corpus, load_curation(self.settings.abox_dir), doc)

    def review(self, to_doc: str, out: Path, from_doc: str | None = None, overwrite: bool = False) -> dict[str, Any]:
        """Write a draft ABox file for ``to_doc`` (carried from ``from_doc``, default the edition it
        supersedes, and proposed statements, all ``status = "proposed"``); return its counts.

        An existing ``out`` is kept unless ``overwrite``: it may hold a reviewer's decisions."""
        if out.exists() and not overwrite:
            raise InvalidInputError(f"{out} exists (it may hold a reviewer's decisions)",
                                    hint="choose another --out, or give --force to replace it")
        from kennis.corpus import atomic_write_text
        from kennis.corpus.corpus import norm_ref
        from kennis.curate.carry import carry, curated_owners, edition_pair
        from kennis.curate.propose import propose
        from kennis.curate.review import review_entries, review_toml
        from kennis.graph.abox import load_curation

        curation = load_curation(self.settings.abox_dir)
        owners = curated_owners(curation, self.corpus)
        source, target = edition_pair(self.corpus, from_doc or self.previous_edition(to_doc), to_doc)
        carried = carry(owners, source, target)
        proposals = propose(self.corpus, curation, target.id)
        existing = {o.id: {(s.doc, norm_ref(s.ref)) for s in o.sources} for o in owners}
        actor_of = {c.id: (c.actor, c.action) for c in curation.competences}
        curated = {(*actor_of[o.id], norm_ref(s.ref)) for o in owners if o.id in actor_of
                   for s in o.sources if s.doc == target.doc}
        carries, actors, props = review_entries(carried, proposals, existing, curated)
        atomic_write_text(out, review_toml(target.id, carries, actors, props))
        return {"out": str(out), "from": source.id, "to": target.id, "carried": len(carries),
                "actors": len(actors), "proposed": len(props)}

    def actor_changes(self, name: str, before: str, after: str) -> ActorChanges:
        """What changed for an actor between two editions (``DOC`` or ``DOC/VERSION``, older first):
        :class:`~kennis.models.ActorChanges`."""
        from kennis.curate.changes import actor_changes
        from kennis.graph.queries import find_competences, resolve_actor

        actor = resolve_actor(self.store, name)
        return actor_changes(actor, find_competences(self.store, actor=actor.iri), self.corpus, before, after)

    @cached_property
    def executor(self) -> QueryExecutor:
        """The killable SPARQL executor over :attr:`store`: the one the ``/sparql`` endpoint uses."""
        from kennis.graph.store import open_executor

        return open_executor(self.settings, self.store)

    def close(self) -> None:
        """Stop the SPARQL executor's worker processes, if any were started."""
        executor = self.__dict__.pop("executor", None)
        if executor is not None:
            executor.close()

    def sparql_result(self, query: str, tabular: str = "json", graph: str = "turtle") -> QueryResult:
        """A read-only query run by the killable executor (``KENNIS_QUERY_TIMEOUT_S``, rows capped
        at ``KENNIS_MAX_RESULT_ROWS`` while streaming), serialised as the endpoint serves it:
        ``tabular`` (json, xml, csv, tsv) for SELECT/ASK, ``graph`` for CONSTRUCT/DESCRIBE."""
        from kennis.graph.executor import QueryRequest
        from kennis.graph.guard import check_query

        check_query(query, self.settings.max_query_bytes)
        return self.executor.execute(QueryRequest(query=query, tabular=tabular, graph=graph))

    def sparql(self, query: str) -> Table:
        """Run a read-only SELECT or ASK query against the graph, as a table."""
        import json

        head = " ".join(_strip_prologue(query).split()[:1]).upper()
        if head in ("CONSTRUCT", "DESCRIBE"):
            raise InvalidInputError(
                "only SELECT and ASK queries give a table",
                hint="use `kennis sparql --format turtle` or the /sparql endpoint for CONSTRUCT and DESCRIBE",
            )
        doc = json.loads(self.sparql_result(query, "json").body)
        if "boolean" in doc:
            return Table(columns=(), rows=(), boolean=bool(doc["boolean"]))
        columns = tuple(doc["head"]["vars"])
        return Table(columns=columns, rows=tuple(
            tuple(b[c]["value"] if c in b else None for c in columns) for b in doc["results"]["bindings"]))

    # --- search ------------------------------------------------------------------------------

    @cached_property
    def searcher(self) -> Searcher:
        """The hybrid searcher over the built index (model loaded on first use)."""
        from kennis.index.search import Searcher

        self.require_built("search index")
        return Searcher.load(self.settings, manifest=self.manifest)

    def search(
        self,
        query: str,
        k: int | None = None,
        date: date | str | None = None,
        doc: str | None = None,
        kind: str | None = None,
    ) -> SearchResult:
        """Passages that govern ``query``, from the texts in force on ``date`` (default: the latest)."""
        if doc is not None:
            self.manifest.document(doc)  # an unknown document is a clear error, not an empty result
        from kennis.corpus.links import link_search

        result = self.searcher.search(query, k=k or self.settings.k, day=parse_date(date), doc=doc, kind=kind)
        return link_search(result, self.corpus)

    def warm_up(self) -> None:
        """Load the model, indexes, graph and answerer now, so the first question is fast."""
        self.searcher.warm_up()
        _ = self.answerer

    # --- answers -----------------------------------------------------------------------------

    @cached_property
    def answerer(self) -> Answerer:
        from kennis.answer.compose import Answerer
        from kennis.answer.graphfacts import StoreFacts, statement_vectors

        searcher = self.searcher

        def search(text: str, k: int, day: date | None, doc: str | None = None,
                   kind: str | tuple[str, ...] | None = None) -> SearchResult:
            return searcher.search(text, k=k, day=day, doc=doc, kind=kind)

        vocab = searcher.bm25_units.vocab_dict
        settings = self.settings

        def embed_query(text: str) -> Any:
            return searcher.embedder.embed_queries([text])[0]

        def vectors(competences: Any) -> Any:
            return statement_vectors(competences, settings, lambda: searcher.embedder)

        from kennis.index.build import INDEX_DIRNAME, load_term_df

        return Answerer(self.corpus, StoreFacts(self.store), search, searcher.analyzer, vocab.__contains__,
                        embed_query=embed_query, vectors=vectors, k=self.settings.k,
                        term_df=load_term_df(self.settings.kb_dir / INDEX_DIRNAME))

    def ask(self, question: str, date: date | str | None = None) -> Answer:
        """A Dutch answer naming the competent actor(s), with the passages it rests on."""
        answer = self.answerer.ask(question, parse_date(date))
        if self.settings.llm_endpoint:
            from kennis.answer.rephrase import rephrase

            answer = rephrase(answer, self.settings.llm_endpoint, self.settings.llm_model,
                              timeout=self.settings.query_timeout_s)
        from kennis.corpus.links import link_answer

        return link_answer(answer, self.corpus)

    # --- corpus ------------------------------------------------------------------------------

    def select(self, day: date | str | None = None) -> Selection:
        return self.manifest.select(parse_date(day))

    def documents(self) -> list[DocumentInfo]:
        return list(self.manifest.documents.values())

    def passages(
        self, doc: str, ref: str, version: str | None = None, day: date | str | None = None
    ) -> list[Passage]:
        """The passages of one citation unit, from the version asked for (default: the latest)."""
        return self.corpus.unit(doc, ref, version=version, day=parse_date(day))

    def toc(self, doc: str, version: str | None = None, day: date | str | None = None) -> tuple[Section, ...]:
        return self.corpus.sections(doc, version=version, day=parse_date(day))

    def corpus_add(self, paths: list[Path], *, work: str | None = None, supersedes: str | None = None,
                   valid_to: date | str | None = None, version_date: date | str | None = None,
                   kind: str | None = None, progress: Progress | None = None) -> Any:
        """Add official files (toestand, WTI, repository folder, publication) to the corpus folder."""
        from kennis.corpus.add import Options, add_paths

        options = Options(work=work, supersedes=supersedes, valid_to=parse_date(valid_to),
                          version_date=parse_date(version_date), kind=kind)
        result = add_paths(self.settings, paths, options, progress)
        for attr in ("corpus", "manifest"):
            self.__dict__.pop(attr, None)
        return result

    def corpus_updates(self, since: date | str | None = None, fetch: bool = False,
                       progress: Progress | None = None) -> Any:
        """Newer toestanden of the manifest's BWB documents (SRU search); with ``fetch`` added."""
        from kennis.corpus.updates import check_updates

        result = check_updates(self.settings, parse_date(since), fetch, progress)
        for attr in ("corpus", "manifest"):
            self.__dict__.pop(attr, None)
        return result

    def notices_for(self, doc: str, day: date | None = None) -> list[str]:
        """Notices about newer editions of ``doc``'s work whose text is not in the corpus."""
        info = self.manifest.document(doc)
        if info.work is None:
            return []
        selection = self.manifest.select(day)
        missing = tuple(d for d in selection.missing if d.work == info.work)
        return Selection(selection.date, selection.versions, missing).notices()

    def editions(self, doc: str) -> list[tuple[str, str]]:
        """``(doc, version)`` of every text held of ``doc``'s work (or of ``doc`` alone), oldest first."""
        from kennis.corpus.compare import editions_with_text

        return editions_with_text(self.corpus, doc)

    def compare(self, left: tuple[str, str | None], right: tuple[str, str | None],
                ref: str | None = None) -> Comparison:
        """Two versions compared section by section (``(doc, version)``; left is the older)."""
        from kennis.corpus.compare import compare_versions

        return compare_versions(self.corpus, left, right, ref)

    def cited_from(self, doc: str, ref: str | None = None) -> list[Citation]:
        """Passages that cite ``doc`` (or its provision ``ref``), in corpus order."""
        from kennis.corpus.compare import cited_from

        return cited_from(self.corpus, doc, ref)


_PROLOGUE = re.compile(r"^\s*(?:(?:#[^\n]*\n)|(?:PREFIX\s+[\w-]*:\s*<[^>]*>)|(?:BASE\s+<[^>]*>)|\s+)*", re.I)


def _strip_prologue(query: str) -> str:
    return _PROLOGUE.sub("", query, count=1)


def _swap_in(staging: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
