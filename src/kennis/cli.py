"""``kennis`` command line: parse arguments, call :class:`kennis.service.Kennis`, print.

Results go to stdout (text, or JSON with ``--json``); progress and errors to stderr.
A :class:`~kennis.errors.KennisError` becomes a one-line message and its exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable, Sequence

from kennis.config import Settings
from kennis.errors import KennisError
from kennis.progress import Progress

Handler = Callable[[argparse.Namespace, "Any"], int]


def _kennis(args: argparse.Namespace) -> Any:
    from kennis.service import Kennis

    overrides = {"corpus_dir": getattr(args, "corpus_dir", None), "data_dir": getattr(args, "data_dir", None)}
    return Kennis(Settings.from_env(**overrides))


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=None))


# --- build ------------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace, k: Any) -> int:
    summary = k.build(Progress(quiet=args.quiet))
    if args.json:
        _print_json(summary)
    else:
        print(" ".join(f"{key}={value}" for key, value in summary.items()))
    return 0


# --- corpus -----------------------------------------------------------------------------------


def cmd_corpus_stats(args: argparse.Namespace, k: Any) -> int:
    stats = k.corpus.stats()
    if args.json:
        _print_json(stats)
        return 0
    print(
        f"{stats['documents']} documents ({stats['documents_with_text']} with text), "
        f"{stats['versions']} versions, {stats['sections']} numbered sections, "
        f"{stats['passages']} passages, {stats['references']} references"
    )
    for d in stats["per_document"]:
        if not d["versions"]:
            print(f"  {d['id']:<18} {d['title']} — alleen metadata, tekst niet in het corpus")
        for v in d["versions"]:
            print(
                f"  {d['id']:<18} {v['version']}  {v['sections']:>4} secties  {v['passages']:>4} passages"
                f"  {v['references']:>4} verwijzingen  {d['title']}"
            )
    return 0


def cmd_corpus_show(args: argparse.Namespace, k: Any) -> int:
    from kennis.service import parse_date

    day = parse_date(args.date)
    passages = k.passages(args.doc, args.ref, version=args.version, day=day)
    notices = k.notices_for(args.doc, day) if args.version is None else []
    if args.json:
        _print_json({"passages": [p.to_dict() for p in passages], "notices": notices})
        return 0
    doc = k.manifest.document(args.doc)
    first = passages[0]
    print(f"{doc.label} ({first.doc}), versie {first.version}, {first.ref or 'gehele tekst'}")
    print(f"  {first.title}")
    print()
    for p in passages:
        if p.ref != first.ref:
            print(f"[{p.ref}]")
        print(p.text)
        for note in p.footnotes:
            print(f"    [{note.label}] {note.text}")
        print()
    for n in notices:
        print(f"Let op: {n}")
    return 0


def cmd_corpus_toc(args: argparse.Namespace, k: Any) -> int:
    sections = k.toc(args.doc, version=args.version, day=args.date)
    if args.json:
        _print_json([s.to_dict() for s in sections])
        return 0
    for s in sections:
        print(f"{'  ' * (s.level - 1)}{s.path[-1]}   [{s.ref}]")
    return 0


def cmd_corpus_select(args: argparse.Namespace, k: Any) -> int:
    selection = k.select(args.date)
    if args.json:
        _print_json({**selection.to_dict(), "notices": selection.notices()})
        return 0
    print(f"geldend op {selection.date.isoformat() if selection.date else 'nu (meest recente teksten)'}:")
    for v in selection.versions:
        print(f"  {v.doc:<18} versie {v.version}  {k.manifest.document(v.doc).label}")
    for n in selection.notices():
        print(f"Let op: {n}")
    return 0


# --- search -----------------------------------------------------------------------------------


def _read_batch(path: str) -> list[dict[str, Any]]:
    from kennis.errors import InvalidInputError

    try:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot read batch file {path}: {exc.strerror}") from exc
    rows = []
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"{path}:{n}: not a JSON object ({exc.msg})") from exc
            if not isinstance(row, dict) or "question" not in row:
                raise InvalidInputError(f"{path}:{n}: each line needs at least a \"question\"")
            rows.append(row)
    return rows


def _search_row(hit: Any) -> dict[str, Any]:
    return {"doc": hit.doc, "version": hit.version, "ref": hit.ref, "title": hit.title,
            "score": hit.score, "text": hit.text, "snippet": hit.snippet, "id": hit.id}


def cmd_search(args: argparse.Namespace, k: Any) -> int:
    if args.batch:
        rows = _read_batch(args.batch)
        for row in Progress(quiet=args.quiet).bar(rows, total=len(rows), desc="searching"):
            try:
                result = k.search(row["question"], k=args.k, date=row.get("date"), doc=args.doc)
                out = {"id": row.get("id"), "results": [_search_row(h) for h in result.hits]}
            except KennisError as exc:
                out = {"id": row.get("id"), "results": [], "error": exc.message}
            _print_json(out)
        return 0
    if args.query is None:
        raise_usage("search needs a query or --batch FILE")
    result = k.search(args.query, k=args.k, date=args.date, doc=args.doc, kind=args.kind)
    if args.json:
        _print_json({"query": result.query, "date": result.date.isoformat() if result.date else None,
                     "results": [_search_row(h) for h in result.hits], "notices": list(result.notices)})
        return 0
    if not result.hits:
        print("Geen resultaten.")
    for i, h in enumerate(result.hits, 1):
        label = k.manifest.document(h.doc).label
        print(f"{i:>2}. {label} — {h.ref or 'gehele tekst'} (versie {h.version})  score {h.score:.4f}")
        print(f"    {h.title}")
        print(f"    {h.snippet or h.text[:240]}")
    for n in result.notices:
        print(f"Let op: {n}")
    return 0


def raise_usage(message: str) -> None:
    from kennis.errors import InvalidInputError

    raise InvalidInputError(message, hint="see `kennis --help`")


# --- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    # the folders may be given before or after the subcommand; SUPPRESS keeps a
    # subcommand's parser from resetting a value given before it
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus-dir", default=argparse.SUPPRESS, help="corpus folder with MANIFEST.toml (KENNIS_CORPUS_DIR)")
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help="folder for built artefacts (KENNIS_DATA_DIR)")

    parser = argparse.ArgumentParser(
        prog="kennis",
        description="Kennisbank bewaken en beveiligen: corpus, graaf, zoeken en vragen.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", parents=[common], help="build the knowledge base from the corpus")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(handler=cmd_build)

    corpus = sub.add_parser("corpus", parents=[common], help="inspect the corpus")
    csub = corpus.add_subparsers(dest="corpus_command", required=True, metavar="SUBCOMMAND")
    p = csub.add_parser("stats", parents=[common], help="documents, versions, sections, passages, references")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_corpus_stats)
    p = csub.add_parser("show", parents=[common], help="print a passage with its citation")
    p.add_argument("doc")
    p.add_argument("ref", help='citation reference, e.g. "4.2" or "artikel 16 lid 1"')
    group = p.add_mutually_exclusive_group()
    group.add_argument("--version", help="version date, e.g. 2013-01-01")
    group.add_argument("--date", help="the version in force on this date (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_corpus_show)
    p = csub.add_parser("toc", parents=[common], help="table of contents of a document")
    p.add_argument("doc")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--version")
    group.add_argument("--date")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_corpus_toc)
    p = csub.add_parser("select", parents=[common], help="which versions apply on a date")
    p.add_argument("--date")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_corpus_select)

    p = sub.add_parser("search", parents=[common], help="search the passages that govern a question")
    p.add_argument("query", nargs="?", help="question or a few words, in Dutch")
    p.add_argument("--k", type=int, default=10, help="number of results (default 10)")
    p.add_argument("--date", help="search the texts in force on this date (YYYY-MM-DD)")
    p.add_argument("--doc", help="only this document (manifest id)")
    p.add_argument("--kind", help="only this kind of document (circulaire, wet, aanwijzing...)")
    p.add_argument("--batch", metavar="FILE", help="JSONL file of {id, question, date?}; prints one JSON line each")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_search)

    for register in _EXTENSIONS:
        register(sub, common)
    return parser


#: Subcommand registrations of other layers: ``register(subparsers, common_parent)``.
_EXTENSIONS: list[Callable[[Any, argparse.ArgumentParser], None]] = []


def _register_serve(sub: Any, common: argparse.ArgumentParser) -> None:
    """``kennis serve`` (API engineer; the subcommand lives in kennis.api.cli)."""
    from kennis.api.cli import register

    register(sub, common)


_EXTENSIONS.append(_register_serve)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args, _kennis(args))
    except KennisError as exc:
        print(f"kennis: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kennis: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
