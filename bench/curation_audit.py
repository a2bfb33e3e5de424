"""Print curated statements next to the passages they cite, for a reader who checks them.

Each statement is printed with its actor, action, object, domain, modality, addressee,
principal, condition and label, and every source with the sentence before the quote, the
quote (between >> <<) and the two sentences after it, from the cited version's passage or
its footnotes. The reader then judges actor, action, object, modality, conditions and
exceptions against that text; nothing is judged here.

    KENNIS_DATA_DIR=... python bench/curation_audit.py                 # every statement
    KENNIS_DATA_DIR=... python bench/curation_audit.py --sample 40 --seed 7
    KENNIS_DATA_DIR=... python bench/curation_audit.py --ids nctv-dreigingsniveau kmar-bijstand
"""

from __future__ import annotations

import argparse
import random
import re
import sys

from kennis.config import Settings
from kennis.graph.abox import load_curation, norm_text, resolve_sources
from kennis.service import Kennis

# A sentence ends at . ; : ! ? followed by space and a capital, digit, bracket or list mark.
_SPLIT = re.compile(r"(?<=[.;:!?])\s+(?=[A-Z0-9(•*\-–])")


def around(text: str, quote: str, after: int = 2) -> str | None:
    """The previous sentence, the quote marked >> <<, and ``after`` sentences, or None."""
    t, q = norm_text(text), norm_text(quote)
    i = t.find(q)
    if i < 0:
        return None
    before = t[:i].rstrip()
    head = _SPLIT.split(before) if before else []
    # The quote either starts its sentence (the text before it ends one) or continues one.
    starts = not before or before[-1] in ".;:!?"
    lead = "" if starts or not head else head.pop() + " "
    prev = head[-1] if head else ""
    tail = " ".join(_SPLIT.split(t[i + len(q):].strip())[:after])
    return f"[{prev}] {lead}>>{q}<< {tail}".strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ids", nargs="*", help="only these statement ids")
    ap.add_argument("--sample", type=int, help="a random sample of this many statements")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sample (random.Random(seed))")
    args = ap.parse_args(argv)

    settings = Settings()
    core = Kennis(settings)
    curation = load_curation(settings.abox_dir)
    corpus = core.corpus
    resolution = resolve_sources(curation, corpus)
    names = {a.id: a.nl for a in curation.actors} | {c.id: c.nl for c in curation.concepts}

    statements = sorted(curation.competences, key=lambda c: c.id)
    if args.ids:
        wanted = set(args.ids)
        statements = [c for c in statements if c.id in wanted]
        missing = wanted - {c.id for c in statements}
        if missing:
            print(f"onbekende id's: {', '.join(sorted(missing))}", file=sys.stderr)
            return 2
    if args.sample:
        ids = random.Random(args.seed).sample([c.id for c in statements], args.sample)
        by_id = {c.id: c for c in statements}
        statements = [by_id[i] for i in ids]

    for c in statements:
        print("=" * 100)
        print(c.id)
        fields = [("actor", c.actor), ("action", c.action), ("object", c.object), ("domain", c.domain),
                  ("modality", c.modality), ("addressee", c.addressee), ("on_behalf_of", c.on_behalf_of)]
        print("  " + " | ".join(f"{k}={v} ({names.get(v, '')})" if v in names else f"{k}={v or '-'}"
                                for k, v in fields))
        print(f"  label: {c.label}")
        if c.condition:
            print(f"  condition: {c.condition}")
        for doc, ref in c.legal_basis:
            print(f"  legal basis: {doc} {ref}")
        for kind, reason in c.lint_ok:
            print(f"  lint_ok {kind}: {reason}")
        seen: set[tuple[str, str, str]] = set()
        for src in resolution.sources.get(c.id, []):
            if (src.doc, src.ref, src.quote) in seen:
                continue
            seen.add((src.doc, src.ref, src.quote))
            passage = corpus.passage(src.passage)
            unit = " ".join(p.text for p in corpus.unit(src.doc, src.ref, src.version))
            texts = [unit, passage.text, *(fn.text for fn in passage.footnotes)]
            shown = next((a for a in (around(t, src.quote) for t in texts) if a), src.quote)
            print(f"  - {src.doc} {src.ref or '(brief)'} ({src.version}): {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
