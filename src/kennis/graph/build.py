"""``build_graph``: assemble, validate, reason and write ``graph.nq`` (+ ``graph_stats.json``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from kennis.config import Settings
from kennis.graph import abox as abox_mod
from kennis.graph.assemble import (
    MentionLinker,
    abox_graph,
    corpus_graph,
    lexicon_from_curation,
    load_shapes,
    load_tbox,
)
from kennis.graph.validate import check_shapes, check_sources, passage_stub
from kennis.graph.vocab import GRAPH, PROV, passage_iri

GRAPH_FILE = "graph.nq"
STATS_FILE = "graph_stats.json"


def build_graph(
    corpus: Any,
    settings: Settings,
    out_dir: Path,
    progress: Any = None,
    *,
    abox_dir: Path | None = None,
    reasoning: bool = True,
) -> dict[str, Any]:
    """Build the knowledge graph of ``corpus`` into ``out_dir``; return its statistics.

    Fails with :class:`~kennis.errors.ValidationError` (naming the statement) when a
    source passage does not exist, a quote does not occur in its passage, a SHACL
    shape is violated or the graph is inconsistent under HermiT.
    """
    step = progress.step if progress is not None else (lambda _msg: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    step("graph: reading ontology and curated ABox")
    tbox = load_tbox()
    curation = abox_mod.load_curation(abox_dir)
    step("graph: resolving sources to passages")
    resolution = abox_mod.resolve_sources(curation, corpus)
    check_sources(resolution)
    from kennis.graph.lint import lint_curation

    # Warnings, not errors: a finding asks a curator to reread the passage; `kennis graph
    # lint` and the CI test on the shipped ABox are where findings fail.
    findings = lint_curation(curation, corpus, resolution)
    step(f"graph: lint: {len(findings)} warning(s)")
    for f in findings:
        step(f"graph: lint warning [{f.kind}] {f.owner}: {f.message}")
    abox = abox_graph(curation, resolution, corpus)
    step("graph: validating SHACL shapes")
    stub = passage_stub(passage_iri(p.id) for p in corpus.passages())
    check_shapes(tbox + abox + stub, load_shapes())
    inferred = Graph()
    if reasoning:
        step("graph: reasoning with HermiT")
        from kennis.graph.reason import reason

        inferred = reason(tbox, abox)
    from kennis.graph.reason import super_property_entailments

    # PROV-O's delegation, so that a PROV-aware client finds every mandate. Not the other PROV
    # super-properties (wasDerivedFrom, value): thousands of triples a reasoner entails anyway.
    inferred += super_property_entailments(tbox, abox, inferred, supers_in=(PROV.actedOnBehalfOf,))
    step("graph: linking passages to actors and concepts")
    linker = MentionLinker(lexicon_from_curation(curation, for_linking=True))
    cgraph = corpus_graph(corpus, linker)

    path = out_dir / GRAPH_FILE
    tmp = path.with_suffix(".nq.tmp")
    write_nquads(tmp, ((GRAPH.tbox, tbox), (GRAPH.abox, abox), (GRAPH.corpus, cgraph), (GRAPH.inferred, inferred)))
    tmp.replace(path)
    step("graph: computing statistics")
    from kennis.graph.queries import graph_stats
    from kennis.graph.store import OxigraphStore

    stats = graph_stats(OxigraphStore.from_file(path))
    stats["inferred_triples"] = len(inferred)
    stats["coverage_2015_ch2_6"] = coverage_2015(corpus, resolution)
    stats["lint_warnings"] = len(findings)
    (out_dir / STATS_FILE).write_text(json.dumps(stats, indent=2, ensure_ascii=False), encoding="utf-8")
    return stats


def write_nquads(path: Path, graphs: Iterable[tuple[URIRef, Graph]]) -> None:
    """Write each graph as the named graph ``name`` of one N-Quads file.

    Serialised graph by graph with the N-Triples writer, each line given its graph name:
    rdflib's N-Quads writer goes through the deprecated ``Dataset.contexts``, and copying
    every triple into a ``Dataset`` first only doubled the memory.
    """
    with path.open("w", encoding="utf-8") as out:
        for name, graph in graphs:
            text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
            for line in text.splitlines():
                # An N-Triples line is "S P O ." (newlines inside literals are escaped).
                if line.endswith(" ."):
                    out.write(f"{line[:-2]} <{name}> .\n")


def coverage_2015(corpus: Any, resolution: abox_mod.Resolution, doc: str = "BWBR0036811") -> dict[str, Any]:
    """Share of the numbered sections x.y[.z] of chapters 2–6 of the 2015 edition that source a statement."""
    try:
        sections = corpus.sections(doc)
    except Exception:  # noqa: BLE001 - the fixture corpus of a test may lack the edition
        return {}
    numbered = sorted({s.ref for s in sections if s.ref[:1] in "23456" and "." in s.ref})
    sourced = {src.passage_ref for srcs in resolution.sources.values() for src in srcs if src.doc == doc}
    covered = [r for r in numbered if r in sourced]
    return {
        "sections": len(numbered),
        "sourced": len(covered),
        "share": round(len(covered) / len(numbered), 3) if numbered else 0.0,
        "not_sourced": [r for r in numbered if r not in sourced],
    }


def load_graph_store(settings: Settings) -> Any:
    """The built graph in an in-process pyoxigraph store (``NotBuiltError`` when absent)."""
    from kennis.graph.store import OxigraphStore

    return OxigraphStore.from_file(settings.kb_dir / GRAPH_FILE)
