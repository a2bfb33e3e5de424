"""A draft ABox file for a new edition: carried and proposed statements, for a reviewer.

The file is in the curated format of ``ontology/abox/*.toml`` (read by
:func:`kennis.graph.abox.load_curation`), every entry marked ``status = "proposed"`` with
its evidence beside it:

- ``[[source]]``: a curated statement (or mandate) carried to the new edition: the
  ``src`` it would gain, with where it came from (``carried_from``), how it moved
  (``carry``) and how alike the two quotes are (``similarity``);
- ``[[actor]]``: an actor the text introduces and the graph lacks;
- ``[[competence]]``: a candidate statement with its sentence, cue and confidence.

The build ignores proposed (and rejected) entries; a reviewer sets ``status =
"accepted"`` on those that are right, and the build then validates them like any other
(quote in its passage, shapes, reasoning).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kennis.corpus.corpus import norm_ref
from kennis.corpus.manifest_edit import toml_value as _value
from kennis.models import CarriedStatement, ProposedActor, ProposedStatement, SourceRef


def _table(kind: str, fields: dict[str, Any]) -> str:
    lines = [f"[[{kind}]]"]
    for key, v in fields.items():
        if v in ("", None, (), []):
            continue
        if key == "src":
            lines.append("src = [\n" + "".join(f"  {_value(x)},\n" for x in v) + "]")
        else:
            lines.append(f"{key} = {_value(v)}")
    return "\n".join(lines)


def _src(s: SourceRef) -> list[str]:
    return [s.doc, s.ref, s.quote, s.version]


def review_entries(
    carried: Iterable[CarriedStatement],
    proposals: Iterable[ProposedStatement],
    existing: dict[str, set[tuple[str, str]]],
    curated: set[tuple[str, str, str]],
) -> tuple[list[CarriedStatement], list[ProposedActor], list[ProposedStatement]]:
    """What the draft holds: carries that add a source, new actors, proposals not curated yet.

    ``existing``: statement id → its (doc, ref) sources; ``curated``: (actor, action, ref)
    of the curated statements in the target document.
    """
    carries = [c for c in carried if c.target is not None
               and (c.target.doc, norm_ref(c.target.ref)) not in existing.get(c.statement, set())]
    props = [p for p in proposals if (p.actor, p.action, norm_ref(p.source.ref)) not in curated]
    actors = list({p.new_actor.id: p.new_actor for p in props if p.new_actor is not None}.values())
    return carries, actors, props


def review_toml(
    target: str,
    carries: list[CarriedStatement],
    actors: list[ProposedActor],
    proposals: list[ProposedStatement],
) -> str:
    """The draft ABox file's text (``target``: the ``doc/version`` it is for)."""
    parts = [
        f"# Draft ABox for {target}, written by `kennis graph review`.",
        "# Every entry is status = \"proposed\" and ignored by the build. Check each against the",
        "# text; set status = \"accepted\" to take it into the graph (it is then validated like",
        "# any curated statement) or \"rejected\" to keep it out.",
        f"# {len(carries)} carried statement(s), {len(actors)} new actor(s), {len(proposals)} proposed statement(s).",
        "",
    ]
    if carries:
        parts.append("# --- curated statements carried to this edition ------------------------------------\n")
    for c in carries:
        assert c.target is not None
        parts.append(_table("source", {
            "statement": c.statement, "status": "proposed", "kind": c.kind, "carry": c.status,
            "similarity": c.similarity, "carried_from": _src(c.source), "src": [_src(c.target)],
        }) + "\n")
    if actors:
        parts.append("# --- actors the text introduces ---------------------------------------------------\n")
    for a in actors:
        name, _, abbr = a.label.rpartition(" (")
        parts.append(_table("actor", {
            "id": a.id, "status": "proposed", "type": a.type, "nl": name or a.label,
            "alt": [abbr.rstrip(")")] if name else [], "definition": a.source.quote,
            "source": [a.source.doc, a.source.ref],
        }) + "\n")
    if proposals:
        parts.append("# --- statements read from the text ------------------------------------------------\n")
    for p in proposals:
        parts.append(_table("competence", {
            "id": p.id, "status": "proposed", "confidence": p.confidence, "cue": p.cue,
            "actor": p.actor, "action": p.action, "object": p.object, "domain": p.domain,
            "condition": p.condition, "modality": p.modality, "label": p.label, "src": [_src(p.source)],
        }) + "\n")
    return "\n".join(parts)
