"""Checks that fail the build: every source exists, every quote occurs, every shape holds."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kennis.errors import ValidationError
from kennis.format import short_name
from kennis.graph.abox import Resolution
from kennis.graph.vocab import KB


def check_sources(resolution: Resolution) -> None:
    """Raise :class:`ValidationError` listing every statement whose source failed to resolve."""
    if resolution.problems:
        lines = "\n".join(f"  - {p}" for p in resolution.problems)
        raise ValidationError(
            f"{len(resolution.problems)} source problem(s) in the ABox:\n{lines}",
            hint="fix the citation or copy the quote verbatim from the passage (ontology/abox/*.toml)",
        )


def passage_stub(graph_passages: Iterable[URIRef]) -> Graph:
    """``p a kb:Passage`` for existing passages: enough for the shapes, without the texts."""
    g = Graph()
    for p in graph_passages:
        g.add((p, RDF.type, KB.Passage))
    return g


def check_shapes(data: Graph, shapes: Graph) -> None:
    """Run pySHACL; on violations raise :class:`ValidationError` naming each statement."""
    from pyshacl import validate

    conforms, report, _text = validate(data, shacl_graph=shapes, inference="none", advanced=False)
    if conforms:
        return
    by_node: dict[str, list[str]] = defaultdict(list)
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        msg = report.value(result, SH.resultMessage)
        by_node[short_name(focus)].append(f"{short_name(path) if path else ''}: {msg}")
    # Evidence nodes belong to a statement: report them under it ("evidence/<id>/<n>").
    lines = []
    for node, msgs in sorted(by_node.items()):
        name = node
        if node.startswith("evidence/"):
            name = f"statement {node.split('/')[1]!r} ({node})"
        elif node.startswith("competence/"):
            name = f"statement {node.split('/', 1)[1]!r}"
        for m in sorted(set(msgs)):
            lines.append(f"  - {name} {m}")
    raise ValidationError(
        f"SHACL validation failed for {len(by_node)} node(s):\n" + "\n".join(lines),
        hint="see ontology/shapes.ttl for what every statement must have",
    )
