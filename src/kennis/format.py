"""How results are written for readers, shared by the CLI and the Streamlit pages.

Plain text only (no UI library, no HTML): citations, actor names, IRIs as short names,
competence sentences. Each front-end adds its own markup around these.
"""

from __future__ import annotations

import re

from kennis.ids import ID_BASE
from kennis.models import ActorCard, ActorRef, Competence

_NUMBERED = re.compile(r"^\d+(\.\d+)*$")


def cite_ref(ref: str) -> str:
    """How a citation unit is written for readers: ``§ 4.2``, ``artikel 16 lid 1``, ``bijlage 2``."""
    if not ref:
        return "gehele tekst"
    if _NUMBERED.match(ref):
        return f"§ {ref}"
    return ref


def citation(doc_label: str, version: str, ref: str) -> str:
    """``Circulaire bewaken en beveiligen 2015, § 4.2 (versie 2015-07-09)``."""
    return f"{doc_label}, {cite_ref(ref)} (versie {version})"


def actor_display(actor: ActorRef | ActorCard, limit: int | None = 3) -> str:
    """``hoofdofficier van justitie (HOvJ)``: the label with (up to ``limit``, None: all) abbreviations."""
    alts = [a for a in actor.alt_labels if a and a.lower() != actor.label.lower()]
    return f"{actor.label} ({', '.join(alts[:limit])})" if alts else actor.label


def local_name(iri: str) -> str:
    """The last segment of an IRI (``…/kennis#Actor`` → ``Actor``); the text itself if none."""
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return tail or iri


def short_name(iri: object) -> str:
    """An IRI as messages name it: below kennis's id base its path (``actor/politie``), else its
    local name (``…/kennis#Actor`` → ``Actor``)."""
    text = str(iri)
    return text[len(ID_BASE):] if text.startswith(ID_BASE) else local_name(text)


def competence_sentence(comp: Competence) -> str:
    """The competence as a sentence with its actor: its label, else actor, action and object."""
    return comp.label or f"{comp.actor.label} {comp.action} {comp.object}"


def competence_text(comp: Competence) -> str:
    """The competence as one sentence start: its label, else modality, action and object."""
    text = comp.label or " ".join(x for x in (comp.modality, comp.action, comp.object) if x)
    return text[:1].upper() + text[1:]
