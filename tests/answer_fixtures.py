"""A knowledge base built from short texts written in a test (the answer tests' own corpora)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kennis.config import Settings
from kennis.progress import Progress
from kennis.service import Kennis


def build_kennis(root: Path, texts: dict[str, str], manifest: str, abox: str) -> Kennis:
    """Write ``texts`` (path → text) into a corpus under ``root``, the manifest (its ``{0}``,
    ``{1}`` … are the sha256 of the texts in order) and the ABox, build with the stand-in
    embedder and return the service."""
    corpus, abox_dir = root / "corpus", root / "abox"
    sums = []
    for rel, text in texts.items():
        path = corpus / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        sums.append(hashlib.sha256(path.read_bytes()).hexdigest())
    (corpus / "MANIFEST.toml").write_text(manifest.format(*sums), encoding="utf-8")
    abox_dir.mkdir()
    (abox_dir / "test.toml").write_text(abox, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", embedder="stand-in", abox_dir=abox_dir)
    Kennis(settings).build(Progress(quiet=True))
    return Kennis(settings)
