"""``Kennis``: the one core that the CLI, the HTTP API and the Streamlit app call.

Front-ends parse input, call a method here and format its (typed) result. Heavy parts
(structured corpus, graph store, indexes, embedding model) load lazily, once.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from kennis.config import Settings
from kennis.corpus import Corpus, Manifest, ingest
from kennis.errors import InvalidInputError, NotBuiltError
from kennis.models import DocumentInfo, Passage, SearchResult, Section, Selection
from kennis.progress import Progress


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
        timings: dict[str, float] = {}
        try:
            staging.mkdir()
            t0 = time.perf_counter()
            corpus = ingest(self.settings, progress)
            corpus.save(staging / "corpus.json")
            timings["ingest_s"] = time.perf_counter() - t0
            for name, step in self._build_steps():
                t = time.perf_counter()
                progress.step(f"building {name}")
                step(corpus, self.settings, staging, progress)
                timings[f"{name}_s"] = time.perf_counter() - t
            _swap_in(staging, self.settings.kb_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        for attr in ("corpus", "manifest", "searcher"):
            self.__dict__.pop(attr, None)
        progress.step(f"knowledge base written to {self.settings.kb_dir}")
        return {"kb_dir": str(self.settings.kb_dir), **{k: round(v, 2) for k, v in timings.items()}}

    def _build_steps(self) -> list[tuple[str, Any]]:
        """The parts built after the corpus, in order (each writes only inside the staging folder)."""
        from kennis.index.build import build_index

        return [("index", build_index)]

    # --- search ------------------------------------------------------------------------------

    @cached_property
    def searcher(self) -> Any:
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
        return self.searcher.search(query, k=k or self.settings.k, day=parse_date(date), doc=doc, kind=kind)

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

    def notices_for(self, doc: str, day: date | None = None) -> list[str]:
        """Notices about newer editions of ``doc``'s work whose text is not in the corpus."""
        info = self.manifest.document(doc)
        if info.work is None:
            return []
        selection = self.manifest.select(day)
        return [
            n for d, n in zip(selection.missing, selection.notices()) if d.work == info.work
        ]


def _swap_in(staging: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
