#!/usr/bin/env python3
"""Editions benchmark: carrying curated statements over, and proposing new ones.

Usage (from the repository root; reads the corpus and the curated ABox, no build needed
but a built ``corpus.json`` is used when present):

    .venv/bin/python bench/bench_editions.py            # carry 2013→2015, 2008→2013; propose 2015
    .venv/bin/python bench/bench_editions.py --show-wrong 10 --sample 30

Carry: for every curated statement with a source in the older edition, kennis finds where
the newer edition states it from the texts alone (the statement's curated sources in the
newer edition are ignored). Scored against those curated sources: *recall* is the share of
statements with a curated source in the newer edition whose carried ref equals one of its
curated refs; *precision* the share of carried refs (of those statements) that are right.
Every carried quote is checked to occur verbatim in its passage.

Propose: candidate statements read from the 2015 text. *Recall*: share of the curated
statements with a 2015 source for which a proposal has the same actor and the same ref;
*precision*: share of the proposals that match a curated statement (same actor, same ref).
``--sample N`` prints N unmatched proposals (seeded) for checking by hand
(bench/RESULTS-editions.md records such a check).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from kennis.config import Settings  # noqa: E402
from kennis.corpus.corpus import norm_ref  # noqa: E402
from kennis.graph.abox import _quote_in, load_curation  # noqa: E402
from kennis.service import Kennis  # noqa: E402

PAIRS = [("BWBR0032891", "BWBR0036811"), ("BWBR0025421", "BWBR0032891")]
PROPOSE_DOC = "BWBR0036811"


def bench_carry(k: Kennis, owners: list, from_doc: str, to_doc: str, show_wrong: int) -> dict:
    from kennis.curate.carry import carry, edition_pair

    source, target = edition_pair(k.corpus, from_doc, to_doc)
    t0 = time.perf_counter()
    carried = carry(owners, source, target)
    elapsed = time.perf_counter() - t0
    by_id = {o.id: o for o in owners}
    passages = {p.id: p for p in target.passages}
    scored = hits = carried_n = right = 0
    verbatim_bad = 0
    wrong = []
    for c in carried:
        if c.target is not None and not _quote_in(c.target.quote, passages[c.target.passage]):
            verbatim_bad += 1
        truth = {norm_ref(s.ref) for s in by_id[c.statement].sources if s.doc == target.doc}
        if not truth:
            continue
        scored += 1
        if c.target is not None:
            carried_n += 1
            if norm_ref(c.target.ref) in truth:
                hits += 1
                right += 1
            else:
                wrong.append((c, truth))
        else:
            wrong.append((c, truth))
    statuses: dict[str, int] = {}
    for c in carried:
        statuses[c.status] = statuses.get(c.status, 0) + 1
    recall = hits / scored if scored else 0.0
    precision = right / carried_n if carried_n else 0.0
    print(f"carry {from_doc} -> {to_doc}: {len(carried)} statements carried in {elapsed:.2f} s; "
          f"statuses {statuses}")
    print(f"  with a curated {to_doc} source: {scored}; carried {carried_n}; ref right {right}")
    print(f"  recall {recall:.3f}  precision {precision:.3f}  "
          f"quotes not verbatim in their passage: {verbatim_bad}")
    for c, truth in wrong[:show_wrong]:
        to = f"{c.target.ref}: {c.target.quote[:90]}" if c.target else "-"
        print(f"    WRONG {c.statement} [{c.status} {c.similarity}] from {c.source.ref}: "
              f"{c.source.quote[:70]} | to {to} | curated {sorted(truth)}")
    return {"recall": recall, "precision": precision, "verbatim_bad": verbatim_bad}


def bench_propose(k: Kennis, curation, owners: list, sample: int, seed: int) -> dict:
    from kennis.curate.propose import matches_curated, propose

    t0 = time.perf_counter()
    proposals = propose(k.corpus, curation, PROPOSE_DOC)
    elapsed = time.perf_counter() - t0
    curated = {(c.actor, norm_ref(s.ref)) for c in curation.competences
               for o in owners if o.id == c.id for s in o.sources if s.doc == PROPOSE_DOC}
    statements = [(c.id, c.actor, {norm_ref(s.ref) for o in owners if o.id == c.id
                                   for s in o.sources if s.doc == PROPOSE_DOC}) for c in curation.competences]
    statements = [s for s in statements if s[2]]
    found = {(p.actor, norm_ref(p.source.ref)) for p in proposals}
    recalled = sum(1 for _, actor, refs in statements if any((actor, r) in found for r in refs))
    matched = [p for p in proposals if matches_curated(p, curated)]
    with_action = {(c.actor, c.action, norm_ref(s.ref)) for c in curation.competences
                   for o in owners if o.id == c.id for s in o.sources if s.doc == PROPOSE_DOC}
    same_action = sum(1 for p in matched if (p.actor, p.action, norm_ref(p.source.ref)) in with_action)
    print(f"propose {PROPOSE_DOC}: {len(proposals)} proposals in {elapsed:.2f} s "
          f"({sum(1 for p in proposals if p.new_actor)} with a new actor)")
    print(f"  curated statements with a {PROPOSE_DOC} source: {len(statements)}; "
          f"with a proposal of the same actor and ref: {recalled}")
    print(f"  recall {recalled / len(statements):.3f}  "
          f"precision (matches a curated statement) {len(matched) / max(1, len(proposals)):.3f}; "
          f"of the matches {same_action} with the same action too")
    unmatched = [p for p in proposals if not matches_curated(p, curated)]
    rng = random.Random(seed)
    for p in rng.sample(unmatched, min(sample, len(unmatched))):
        print(f"    SAMPLE {p.id} {p.actor} {p.action} {p.object} [{p.source.ref}] ({p.cue}, {p.confidence}): "
              f"{p.source.quote}")
    return {"recall": recalled / len(statements), "precision": len(matched) / max(1, len(proposals))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show-wrong", type=int, default=0, help="print this many wrong carries per pair")
    ap.add_argument("--sample", type=int, default=0, help="print this many unmatched proposals")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--skip-propose", action="store_true")
    args = ap.parse_args()
    from kennis.curate.carry import curated_owners

    k = Kennis(Settings.from_env())
    curation = load_curation(k.settings.abox_dir)
    owners = curated_owners(curation, k.corpus)
    for a, b in PAIRS:
        bench_carry(k, owners, a, b, args.show_wrong)
    if not args.skip_propose:
        bench_propose(k, curation, owners, args.sample, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
