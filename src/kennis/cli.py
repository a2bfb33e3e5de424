"""``kennis`` command line: parse arguments, call :class:`kennis.service.Kennis`, print.

Results go to stdout (text, or JSON with ``--json``); progress and errors to stderr.
A :class:`~kennis.errors.KennisError` becomes a one-line message and its exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, Callable, Sequence

from kennis.config import Settings
from kennis.errors import KennisError
from kennis.format import actor_display, citation, cite_ref, competence_text
from kennis.progress import Progress

if TYPE_CHECKING:  # pragma: no cover
    from kennis.service import Kennis

Handler = Callable[[argparse.Namespace, "Kennis"], int]


def _kennis(args: argparse.Namespace) -> Kennis:
    from kennis.service import Kennis

    overrides = {"corpus_dir": getattr(args, "corpus_dir", None), "data_dir": getattr(args, "data_dir", None)}
    return Kennis(Settings.from_env(**overrides))


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=None))


# --- build ------------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace, k: Kennis) -> int:
    summary = k.build(Progress(quiet=args.quiet))
    if args.json:
        _print_json(summary)
    else:
        print(" ".join(f"{key}={value}" for key, value in summary.items()))
    return 0


# --- corpus -----------------------------------------------------------------------------------


def cmd_corpus_stats(args: argparse.Namespace, k: Kennis) -> int:
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


def cmd_corpus_show(args: argparse.Namespace, k: Kennis) -> int:
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
    if first.url:
        print(f"  {first.url}")
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


def cmd_corpus_toc(args: argparse.Namespace, k: Kennis) -> int:
    sections = k.toc(args.doc, version=args.version, day=args.date)
    if args.json:
        _print_json([s.to_dict() for s in sections])
        return 0
    for s in sections:
        print(f"{'  ' * (s.level - 1)}{s.path[-1]}   [{s.ref}]")
    return 0


def cmd_corpus_select(args: argparse.Namespace, k: Kennis) -> int:
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


def cmd_corpus_add(args: argparse.Namespace, k: Kennis) -> int:
    from pathlib import Path

    result = k.corpus_add([Path(p) for p in args.paths], work=args.work, supersedes=args.supersedes,
                          valid_to=args.valid_to, version_date=args.date, kind=args.kind,
                          progress=Progress(quiet=args.quiet))
    if args.json:
        _print_json(result.to_dict())
        return 0
    labels = {"added": "toegevoegd", "unchanged": "al aanwezig", "updated": "bijgewerkt", "skipped": "overgeslagen"}
    for f in result.files:
        what = f"{f.doc} {f.version}".strip() or f.source
        where = f" → {f.path}" if f.path else ""
        print(f"  {labels.get(f.status, f.status):<12} {f.format:<21} {what}{where}" + (f"  ({f.note})" if f.note else ""))
    if result.changed:
        print(f"{result.manifest} bijgewerkt; voer `kennis build` uit om de nieuwe teksten te doorzoeken.")
    else:
        print("Niets veranderd: alles was al aanwezig.")
    return 0


def cmd_corpus_updates(args: argparse.Namespace, k: Kennis) -> int:
    result = k.corpus_updates(since=args.since, fetch=args.fetch, progress=Progress(quiet=args.quiet))
    if args.json:
        _print_json(result.to_dict())
        return 0
    print(f"{len(result.checked)} BWB-documenten nagevraagd bij de SRU-zoekdienst"
          + (f" (gewijzigd sinds {result.since.isoformat()})" if result.since else "") + ".")
    if not result.updates:
        print("Geen nieuwere toestanden gevonden.")
    for u in result.updates:
        held = f"in corpus: {u.held}" if u.held else "tekst niet in corpus"
        state = "toegevoegd" if u.status == "added" else "beschikbaar"
        print(f"  {u.doc:<14} toestand vanaf {u.valid_from}  ({held})  {state}  {u.title}")
    if result.added is not None and result.added.changed:
        print("Voer `kennis build` uit om de nieuwe teksten te doorzoeken.")
    elif result.updates and not args.fetch:
        print("Haal ze op met `kennis corpus updates --fetch`.")
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


def cmd_search(args: argparse.Namespace, k: Kennis) -> int:
    if args.batch:
        rows = _read_batch(args.batch)
        for row in Progress(quiet=args.quiet).bar(rows, total=len(rows), desc="searching"):
            try:
                result = k.search(row["question"], k=args.k, date=row.get("date"), doc=args.doc)
                out = {"id": row.get("id"), "results": [h.to_dict() for h in result.hits]}
            except KennisError as exc:
                out = {"id": row.get("id"), "results": [], "error": exc.message}
            _print_json(out)
        return 0
    if args.query is None:
        raise_usage("search needs a query or --batch FILE")
    result = k.search(args.query, k=args.k, date=args.date, doc=args.doc, kind=args.kind)
    if args.json:
        _print_json({"query": result.query, "date": result.date.isoformat() if result.date else None,
                     "results": [h.to_dict() for h in result.hits], "notices": list(result.notices)})
        return 0
    if not result.hits:
        print("Geen resultaten.")
    for i, h in enumerate(result.hits, 1):
        label = k.manifest.document(h.doc).label
        print(f"{i:>2}. {label} — {cite_ref(h.ref)} (versie {h.version})  score {h.score:.4f}")
        print(f"    {h.title}")
        print(f"    {h.snippet or h.text[:240]}")
        if h.url:
            print(f"    {h.url}")
    for n in result.notices:
        print(f"Let op: {n}")
    return 0


# --- ask ----------------------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace, k: Kennis) -> int:
    if args.batch:
        rows = _read_batch(args.batch)
        for row in Progress(quiet=args.quiet).bar(rows, total=len(rows), desc="answering"):
            try:
                out = {"id": row.get("id"), **k.ask(row["question"], date=row.get("date")).to_dict()}
            except KennisError as exc:
                out = {"id": row.get("id"), "answer": "", "actors": [], "sources": [], "error": exc.message}
            _print_json(out)
        return 0
    if args.question is None:
        raise_usage("ask needs a question or --batch FILE")
    answer = k.ask(args.question, date=args.date)
    if args.json:
        _print_json(answer.to_dict())
        return 0
    print(answer.answer)
    if answer.actors:
        print()
        print("Actor(en): " + "; ".join(
            actor_display(a, limit=None) for a in answer.actors))
    if answer.sources:
        print()
        print("Bronnen:")
        for i, src in enumerate(answer.sources, 1):
            label = k.manifest.document(src.doc).label
            print(f"  {i}. {citation(label, src.version, src.ref)}")
            print(f"     “{src.quote}”")
            if src.url:
                print(f"     {src.url}")
    if args.explain and answer.path:
        print()
        print("Route door het stelsel:")
        for step in answer.path:
            who = f"{step.actor.label}: " if step.actor else ""
            where = f" ({k.manifest.document(step.source.doc).label}, {step.source.ref})" if step.source else ""
            print(f"  {step.step}: {who}{step.label}{where}")
    if args.explain and answer.explanation:
        print()
        print("Pad door de graaf:")
        for e in answer.explanation:
            print(f"  {e.subject_label or e.subject} —{e.predicate}→ {e.object_label or e.object}")
    for n in answer.notices:
        print(f"Let op: {n}")
    return 0


# --- graph --------------------------------------------------------------------------------------


def cmd_actor(args: argparse.Namespace, k: Kennis) -> int:
    if args.list:
        actors = k.actors(args.name)
        if args.json:
            _print_json([a.to_dict() for a in actors])
            return 0
        for a in actors:
            print(actor_display(a, limit=None))
        print(f"({len(actors)} actoren)")
        return 0
    if not args.name:
        raise_usage("actor needs a name or abbreviation, or --list")
    if args.changes:
        return _print_actor_changes(args, k)
    card = k.actor(args.name, date=args.date)
    if args.json:
        _print_json(card.to_dict())
        return 0
    print(actor_display(card, limit=None))
    if card.label_en:
        print(f"  en: {card.label_en}")
    if card.definition:
        print(f"  {card.definition}")
    for title, refs in (("Onderdeel van", card.parents), ("Onderdelen", card.children),
                        ("Handelt namens", card.acts_on_behalf_of)):
        if refs:
            print(f"  {title}: " + "; ".join(r.label for r in refs))
    by_domain: dict[str, list[Any]] = {}
    for c in card.competences:
        by_domain.setdefault(c.domain or "(geen domein)", []).append(c)
    for domain, comps in by_domain.items():
        print()
        print(f"[{domain}]")
        for c in comps:
            print(f"  - {competence_text(c)}")
            if c.condition:
                print(f"    voorwaarde: {c.condition}")
            if c.legal_basis:
                print(f"    grondslag: {'; '.join(c.legal_basis)}")
            for src in c.sources:
                print(f"    bron: {src.doc} {src.ref} (versie {src.version}): “{src.quote}”")
                if src.url:
                    print(f"          {src.url}")
    for n in card.notices:
        print(f"Let op: {n}")
    return 0


def cmd_sparql(args: argparse.Namespace, k: Kennis) -> int:
    query = sys.stdin.read() if args.query == "-" else args.query
    if args.format != "table":
        # the W3C result formats, serialised by the same code as the /sparql endpoint
        result = k.sparql_result(query, tabular=args.format)
        sys.stdout.write(result.body.decode("utf-8"))
        return 0
    table = k.sparql(query)
    if table.boolean is not None:
        print(str(table.boolean).lower())
        return 0
    cells = [list(table.columns)] + [["" if v is None else v for v in r] for r in table.rows]
    widths = [min(60, max(len(str(row[i])) for row in cells)) for i in range(len(table.columns))]
    for n, row in enumerate(cells):
        print("  ".join(str(v)[:60].ljust(w) for v, w in zip(row, widths)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"({len(table.rows)} rijen)")
    return 0


def cmd_graph_stats(args: argparse.Namespace, k: Kennis) -> int:
    stats = k.graph_stats()
    if args.json:
        _print_json(stats)
    else:
        for key, value in stats.items():
            print(f"{key:<28} {value}")
    return 0


def cmd_graph_docs(args: argparse.Namespace, k: Kennis) -> int:
    from pathlib import Path

    from kennis.corpus import atomic_write_text
    from kennis.graph.docs import ontology_html

    out = Path(args.out) if args.out else k.settings.data_dir / "ontology.html"
    atomic_write_text(out, ontology_html())
    print(out)
    return 0


_CHANGE_LABELS = {"nieuw": "nieuw", "vervallen": "vervallen", "gewijzigd": "anders geformuleerd of verplaatst",
                  "gelijk": "ongewijzigd"}


def _print_actor_changes(args: argparse.Namespace, k: Kennis) -> int:
    changes = k.actor_changes(args.name, args.changes[0], args.changes[1])
    if args.json:
        _print_json(changes.to_dict())
        return 0
    print(f"{changes.actor.label}: wat veranderde van {changes.before} naar {changes.after}")
    counts = changes.counts()
    print("  " + ", ".join(f"{n} {_CHANGE_LABELS[s]}" for s, n in counts.items()))
    for c in changes.changes:
        if c.status == "gelijk" and not args.all:
            continue
        print()
        print(f"[{_CHANGE_LABELS[c.status]}] {c.label}" + ("  (gevonden door de teksten te vergelijken)" if c.aligned else ""))
        for side, src in (("voorheen", c.before), ("nu", c.after)):
            if src is not None:
                print(f"    {side}: {src.doc} {src.ref} (versie {src.version}): “{src.quote}”")
    if not args.all and counts["gelijk"]:
        print(f"\n({counts['gelijk']} ongewijzigde competenties niet getoond; --all toont ze)")
    return 0


def cmd_graph_carry(args: argparse.Namespace, k: Kennis) -> int:
    carried = k.carry(args.from_doc, args.to_doc)
    for c in carried:
        if args.json:
            _print_json(c.to_dict())
            continue
        to = f"{c.target.ref}: “{c.target.quote}”" if c.target else "niet gevonden"
        print(f"{c.statement:<48} {c.status:<9} {c.similarity:.2f}  {c.source.ref} → {to}")
    if not args.json:
        n = {s: sum(1 for c in carried if c.status == s) for s in ("same", "reworded", "moved", "gone")}
        print(f"{len(carried)} uitspraken: {n['same']} gelijk, {n['reworded']} herschreven, "
              f"{n['moved']} verplaatst, {n['gone']} niet teruggevonden")
    return 0


def cmd_graph_propose(args: argparse.Namespace, k: Kennis) -> int:
    proposals = k.propose(args.doc)
    for p in proposals:
        if args.json:
            _print_json(p.to_dict())
            continue
        print(f"{p.confidence:.2f}  {p.actor} — {p.action} — {p.object}"
              + (f" [{p.domain}]" if p.domain else "") + f"  ({p.source.ref}, {p.cue})")
        print(f"      “{p.source.quote}”")
    if not args.json:
        print(f"{len(proposals)} voorstellen, {sum(1 for p in proposals if p.new_actor)} met een nieuwe actor")
    return 0


def cmd_graph_review(args: argparse.Namespace, k: Kennis) -> int:
    from pathlib import Path

    summary = k.review(args.to_doc, Path(args.out), from_doc=args.from_doc, overwrite=args.force)
    print(f"{summary['out']}: {summary['carried']} overgenomen uit {summary['from']}, "
          f"{summary['actors']} nieuwe actoren, {summary['proposed']} voorgestelde uitspraken "
          f"(alle met status = \"proposed\")")
    return 0


def cmd_graph_lint(args: argparse.Namespace, k: Kennis) -> int:
    findings = k.lint()
    if args.json:
        _print_json([f.to_dict() for f in findings])
    else:
        for f in findings:
            where = f"  [{f.doc} {f.ref}]".rstrip() if f.doc else ""
            print(f"{f.kind:<20} {f.owner}: {f.message}{where}")
        print(f"{len(findings)} bevinding(en)" if findings else "geen bevindingen")
    return 1 if findings else 0


def cmd_graph_build(args: argparse.Namespace, k: Kennis) -> int:
    return cmd_build(args, k)


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
    p = csub.add_parser("add", parents=[common],
                        help="add official files (BWB toestand, WTI, repository folder, Staatscourant XML)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a file, a repository folder, or a folder of them")
    p.add_argument("--work", help="the work (regulation across editions) the document belongs to")
    p.add_argument("--supersedes", help="the document this one replaces")
    p.add_argument("--valid-to", help="last day the document applies (YYYY-MM-DD)")
    p.add_argument("--date", help="version date, for a publication that does not state it (YYYY-MM-DD)")
    p.add_argument("--kind", help="the kind of document (circulaire, regeling...), when the file says otherwise")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_corpus_add)
    p = csub.add_parser("updates", parents=[common],
                        help="ask the SRU search service for newer toestanden of the manifest's BWB documents")
    p.add_argument("--since", help="only what changed since this date (YYYY-MM-DD)")
    p.add_argument("--fetch", action="store_true", help="download them, verify their hash codes and add them")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_corpus_updates)

    p = sub.add_parser("search", parents=[common], help="search the passages that govern a question")
    p.add_argument("query", nargs="?", help="question or a few words, in Dutch")
    p.add_argument("--k", type=int, default=None, help="number of results (default: KENNIS_K, 10)")
    p.add_argument("--date", help="search the texts in force on this date (YYYY-MM-DD)")
    p.add_argument("--doc", help="only this document (manifest id)")
    p.add_argument("--kind", help="only this kind of document (circulaire, wet, aanwijzing...)")
    p.add_argument("--batch", metavar="FILE", help="JSONL file of {id, question, date?}; prints one JSON line each")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("ask", parents=[common], help="answer a question: the competent actor and its source")
    p.add_argument("question", nargs="?")
    p.add_argument("--date", help="answer as the regulations stood on this date (YYYY-MM-DD)")
    p.add_argument("--batch", metavar="FILE", help="JSONL file of {id, question, date?}; prints one JSON line each")
    p.add_argument("--json", action="store_true")
    p.add_argument("--explain", action="store_true", help="show the path through the graph")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_ask)

    p = sub.add_parser("actor", parents=[common], help="an actor card: labels, hierarchy, mandates, competences")
    p.add_argument("name", nargs="?", help="label or abbreviation (case-insensitive), e.g. HOvJ")
    p.add_argument("--list", action="store_true",
                   help="list the actors (those whose label or abbreviation contains NAME, if given)")
    p.add_argument("--date", help="as the regulations stood on this date")
    p.add_argument("--changes", nargs=2, metavar=("FROM", "TO"),
                   help="what changed for the actor between two editions (DOC or DOC/VERSION, older first)")
    p.add_argument("--all", action="store_true", help="with --changes: list unchanged competences too")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_actor)

    p = sub.add_parser("sparql", parents=[common], help="run a read-only SPARQL query (killed at KENNIS_QUERY_TIMEOUT_S)")
    p.add_argument("query", help="the query, or - to read it from standard input")
    p.add_argument("--format", choices=("table", "json", "xml", "csv", "tsv"), default="table",
                   help="table, or a W3C SPARQL results format as the /sparql endpoint serves it "
                   "(CONSTRUCT/DESCRIBE: Turtle)")
    p.set_defaults(handler=cmd_sparql)

    graph = sub.add_parser("graph", parents=[common], help="the knowledge graph")
    gsub = graph.add_subparsers(dest="graph_command", required=True, metavar="SUBCOMMAND")
    p = gsub.add_parser("build", parents=[common], help="build the knowledge base (graph and indexes)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_graph_build)
    p = gsub.add_parser("stats", parents=[common], help="triples, classes, properties, actors, statements")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_graph_stats)
    p = gsub.add_parser("docs", parents=[common], help="HTML documentation of the ontology (pyLODE)")
    p.add_argument("--out", help="file to write (default: <data dir>/ontology.html)")
    p.set_defaults(handler=cmd_graph_docs)
    p = gsub.add_parser("carry", parents=[common], help="where a newer edition states the curated statements")
    p.add_argument("--from", dest="from_doc", required=True, help="the older edition (DOC or DOC/VERSION)")
    p.add_argument("--to", dest="to_doc", required=True, help="the newer edition (DOC or DOC/VERSION)")
    p.add_argument("--json", action="store_true", help="one JSON line per statement")
    p.set_defaults(handler=cmd_graph_carry)
    p = gsub.add_parser("propose", parents=[common], help="candidate statements read from an edition's text")
    p.add_argument("--doc", required=True, help="the edition (DOC or DOC/VERSION)")
    p.add_argument("--json", action="store_true", help="one JSON line per proposal")
    p.set_defaults(handler=cmd_graph_propose)
    p = gsub.add_parser("review", parents=[common], help="a draft ABox file of carried and proposed statements")
    p.add_argument("--to", dest="to_doc", required=True, help="the new edition (DOC or DOC/VERSION)")
    p.add_argument("--from", dest="from_doc", help="carry from this edition (default: the one it supersedes)")
    p.add_argument("--out", required=True, help="the TOML file to write (e.g. ontology/abox/review-2015.toml)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(handler=cmd_graph_review)
    p = gsub.add_parser("lint", parents=[common],
                        help="check that the curated statements say what their quotes say (exit 1 on findings)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_graph_lint)

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
    k: Kennis | None = None
    try:
        k = _kennis(args)
        code: int = args.handler(args, k)
        return code
    except KennisError as exc:
        print(f"kennis: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kennis: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        if k is not None:
            k.close()  # stops the SPARQL worker processes, if a query started them


if __name__ == "__main__":
    sys.exit(main())
