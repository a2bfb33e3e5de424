"""Ingest: manifest and lineage, point-in-time selection, parsers, citation tree, references."""

from kennis.corpus.corpus import Corpus, atomic_write_text, ingest, norm_ref, ref_within
from kennis.corpus.manifest import Manifest

__all__ = ["Corpus", "Manifest", "atomic_write_text", "ingest", "norm_ref", "ref_within"]
