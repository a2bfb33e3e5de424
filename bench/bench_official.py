#!/usr/bin/env python3
"""Official formats: reading a BWB toestand, and adding the samples + rebuilding.

Usage (from the repository root):

    .venv/bin/python bench/bench_official.py [--samples ../shared/samples/official] [--repeat 5]

1. Reads the 465 KB toestand of the Wet open overheid ``--repeat`` times (parse into the
   citation tree, Juriconnect ids included), beside the largest shipped markdown text read
   by the markdown parser in the same run (per-KB ratio).
2. In a temporary copy of the corpus, with the stand-in embedder: builds once (not the
   figure), rebuilds with nothing changed (the baseline), then ``corpus add`` of the whole
   samples folder and a rebuild: the figure is add + rebuild (target < 30 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from kennis.config import Settings  # noqa: E402
from kennis.corpus import Manifest  # noqa: E402
from kennis.corpus.add import add_paths  # noqa: E402
from kennis.corpus.bwb import parse_toestand  # noqa: E402
from kennis.corpus.markdown import parse_markdown  # noqa: E402
from kennis.progress import Progress  # noqa: E402
from kennis.service import Kennis  # noqa: E402

SHARED = REPO.parent / "shared"


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _steps(summary: dict[str, object]) -> str:
    return ", ".join(f"{k[:-2]} {v} s" for k, v in summary.items() if k.endswith("_s"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=Path, default=SHARED / "samples" / "official")
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get("KENNIS_CORPUS_DIR", SHARED / "corpus")))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    woo = args.samples / "bwb" / "BWBR0045754" / "BWBR0045754_2022-05-01_0.xml"
    data = woo.read_bytes()
    manifest = Manifest.load(args.corpus / "MANIFEST.toml", verify=False)
    md = max((v for v in manifest.versions() if v.format == "laws-markdown"),
             key=lambda v: (args.corpus / v.path).stat().st_size)
    md_text = (args.corpus / md.path).read_text(encoding="utf-8")
    toestand = timed(lambda: parse_toestand(data, "BWBR0045754", "2022-05-01"), args.repeat)
    markdown = timed(lambda: parse_markdown(md_text, md.doc, md.version), args.repeat)
    pv = parse_toestand(data, "BWBR0045754", "2022-05-01")
    kb_xml, kb_md = len(data) / 1024, len(md_text.encode()) / 1024
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"read toestand {woo.name} ({kb_xml:.0f} KB, {len(pv.passages)} passages): "
          f"median {statistics.median(toestand) * 1000:.0f} ms, max {max(toestand) * 1000:.0f} ms "
          f"over {args.repeat} runs (target < 1000 ms)")
    print(f"read markdown {md.path} ({kb_md:.0f} KB): median {statistics.median(markdown) * 1000:.0f} ms")
    ratio = (statistics.median(toestand) / kb_xml) / (statistics.median(markdown) / kb_md)
    print(f"per KB: toestand / markdown = {ratio:.2f}")

    with tempfile.TemporaryDirectory(prefix="bench-official-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(args.corpus, corpus)
        for p in [corpus, *corpus.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)
        settings = Settings(corpus_dir=corpus, data_dir=Path(tmp) / "data", embedder="stand-in")
        quiet = Progress(quiet=True)
        t = time.perf_counter()
        Kennis(settings).build(quiet)
        first = time.perf_counter() - t
        t = time.perf_counter()
        base = Kennis(settings).build(quiet)
        unchanged = time.perf_counter() - t
        t = time.perf_counter()
        result = add_paths(settings, [args.samples])
        added = time.perf_counter() - t
        t = time.perf_counter()
        summary = Kennis(settings).build(quiet)
        rebuild = time.perf_counter() - t
        docs = sorted({f.doc for f in result.files if f.status == "added"})
        skipped = sum(1 for f in result.files if f.status == "skipped")
        print(f"first build of the shipped corpus (stand-in): {first:.1f} s")
        print(f"rebuild, nothing changed (baseline): {unchanged:.1f} s ({_steps(base)})")
        print(f"corpus add {args.samples} ({len(docs)} documents: {', '.join(docs)}; {skipped} file(s) skipped): {added:.2f} s")
        print(f"rebuild after the add: {rebuild:.1f} s ({_steps(summary)})")
        print(f"add + rebuild: {added + rebuild:.1f} s (target < 30 s); rebuild / baseline = {rebuild / unchanged:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
