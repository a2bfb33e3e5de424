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


def document(doc: str, kind: str, title: str, day: str, path: str, n: int, valid_from: str | None = None) -> str:
    """One ``[[document]]`` of a test manifest with one version (its sha256 the ``n``-th text's)."""
    since = f'valid_from = "{valid_from}"\n' if valid_from else ""
    return (f'[[document]]\nid = "{doc}"\nkind = "{kind}"\ntitle = "{title}"\n{since}\n'
            f'  [[document.version]]\n  date = "{day}"\n  path = "{path}"\n  format = "laws-markdown"\n'
            f'  sha256 = "{{{n}}}"\n')


def actor(ident: str, nl: str, en: str, doc: str, ref: str, kind: str = "Functionary") -> str:
    """One ``[[actor]]`` of a test ABox, sourced to ``doc`` ``ref``."""
    return (f'[[actor]]\nid = "{ident}"\ntype = "{kind}"\nnl = "{nl}"\nen = "{en}"\n'
            f'definition = "Een actor in de testteksten."\nsource = ["{doc}", "{ref}"]\n')
