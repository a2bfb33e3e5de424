"""Identifiers: one id per thing, usable as graph IRI, vector key and citation.

A passage id is ``<doc>/<version>/<ref-slug>/<n>`` (``n`` counts the passages of one
citation unit from 1). It is derived from the citation alone, so building twice from
the same texts gives the same ids, and it is a valid IRI path below :data:`ID_BASE`.
"""

from __future__ import annotations

import re
import unicodedata

#: Namespace of the kennis ontology (TBox) and of everything it identifies.
BASE = "https://w3id.org/kennis/"
#: Namespace of the ontology's terms.
ONTOLOGY_NS = BASE + "def#"
#: Namespace of instance data (documents, versions, sections, passages, actors...).
ID_BASE = BASE + "id/"

_NON_SLUG = re.compile(r"[^a-z0-9.]+")


def slug(text: str) -> str:
    """Lower-case ASCII slug that keeps dots (``"artikel 16 lid 1"`` → ``artikel-16-lid-1``)."""
    # "§ 2.1" must not collide with "2.1": the paragraph sign becomes a word.
    text = text.replace("§", " par ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return out


def ref_slug(ref: str) -> str:
    """Slug of a citation reference; the empty ref (a document without headings) is ``tekst``."""
    return slug(ref) or "tekst"


def passage_id(doc: str, version: str, ref: str, n: int) -> str:
    return f"{doc}/{version}/{ref_slug(ref)}/{n}"


def section_id(doc: str, version: str, ref: str) -> str:
    return f"{doc}/{version}/{ref_slug(ref)}"


def version_id(doc: str, version: str) -> str:
    return f"{doc}/{version}"


def iri(kind: str, local: str) -> str:
    """Instance IRI: ``iri("passage", pid)`` → ``https://w3id.org/kennis/id/passage/<pid>``."""
    return f"{ID_BASE}{kind}/{local}"


def passage_iri(pid: str) -> str:
    return iri("passage", pid)


def pid_from_iri(value: str) -> str | None:
    """The passage id inside a passage IRI, or ``None`` when it is not one."""
    prefix = ID_BASE + "passage/"
    return value[len(prefix):] if value.startswith(prefix) else None
