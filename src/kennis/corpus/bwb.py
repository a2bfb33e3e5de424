"""Reader of BWB *toestand* XML: a consolidated text as published on wetten.overheid.nl.

``toestand`` (``bwb-id``, ``inwerkingtreding``) → ``wetgeving`` (``soort``; ``intitule``,
``citeertitel``) → a body: ``wet-besluit``/``wettekst``, ``regeling``/``regeling-tekst`` or
``circulaire``/``circulaire-tekst``, read by :class:`~kennis.corpus.xmlbody.BodyReader`.
Every passage carries the Juriconnect id of its article or member from the ``jci``
metadata (a member without its own takes its article's, with ``lid=N``); parts outside
the articles (preamble, annexes, signature) the id of the nearest element that has one,
at worst the regulation's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kennis.corpus.xmlbody import BodyReader, child, clean, local, own_jci, parse_bytes
from kennis.errors import ParseError
from kennis.models import ParsedVersion

FORMAT = "bwb-toestand"
#: ``wetgeving/@soort`` → the manifest's ``kind``.
KINDS = {
    "wet": "wet", "rijkswet": "wet", "amvb": "amvb", "rijksamvb": "amvb", "kb": "besluit",
    "ministeriele-regeling": "regeling", "ministeriele-regeling-archiefselectielijst": "regeling",
    "ministeriele-regeling-BES": "regeling", "zbo": "regeling", "pbo": "regeling",
    "circulaire": "circulaire", "beleidsregel": "beleidsregel", "verdrag": "verdrag",
}
_BODIES = ("wet-besluit", "regeling", "circulaire", "verdrag")
_Date = date  # the field ``date`` below shadows the type inside the class


@dataclass(frozen=True)
class ToestandMeta:
    """What a toestand says about itself."""

    bwb_id: str
    date: date
    soort: str
    title: str
    short_title: str
    jci: str
    first_in_force: _Date | None

    @property
    def kind(self) -> str:
        return KINDS.get(self.soort, KINDS.get(self.soort.lower(), self.soort.lower() or "regeling"))


def _iso(value: str | None, what: str) -> date:
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        raise ParseError(f"{what}: {value!r} is not a date") from None


def load(data: bytes, what: str) -> Any:
    """Parse a toestand file; a truncated or malformed file raises :class:`ParseError`."""
    root = parse_bytes(data, what, ParseError)
    if local(root) != "toestand":
        raise ParseError(f"{what}: not a BWB toestand (root element <{local(root)}>)")
    return root


def read_meta(root: Any, what: str) -> ToestandMeta:
    bwb_id = (root.get("bwb-id") or "").strip()
    if not bwb_id:
        raise ParseError(f"{what}: the toestand has no bwb-id")
    wetgeving = child(root, "wetgeving")
    if wetgeving is None:
        raise ParseError(f"{what}: the toestand has no <wetgeving>")
    intitule, citeertitel = child(wetgeving, "intitule"), child(wetgeving, "citeertitel")
    title = _own_text(intitule)
    short = _own_text(citeertitel)
    first = None
    if intitule is not None:
        for el in intitule.iter():
            if local(el) == "inwerkingtreding.datum" and el.get("isodatum"):
                first = _iso(el.get("isodatum"), what)
                break
    return ToestandMeta(
        bwb_id=bwb_id,
        date=_iso(root.get("inwerkingtreding") or wetgeving.get("inwerkingtredingsdatum"), what),
        soort=wetgeving.get("soort", ""),
        title=short or title or bwb_id,
        short_title="",
        jci=own_jci(wetgeving) or f"jci1.3:c:{bwb_id}",
        first_in_force=first,
    )


def _own_text(el: Any) -> str:
    """An element's text without its ``meta-data``."""
    if el is None:
        return ""
    parts = [el.text or ""]
    for ch in el:
        if local(ch) != "meta-data":
            parts.append("".join(ch.itertext()))
        parts.append(ch.tail or "")
    return clean("".join(parts))


def parse_toestand(data: bytes, doc: str, version: str, what: str = "") -> ParsedVersion:
    """Parse a toestand into sections and passages (refs as in the markdown mirror)."""
    what = what or f"{doc} {version}"
    root = load(data, what)
    meta = read_meta(root, what)
    wetgeving = child(root, "wetgeving")
    body = next((c for c in wetgeving if local(c) in _BODIES), None)
    if body is None:
        raise ParseError(f"{what}: no wet-besluit, regeling or circulaire body in the toestand")
    reader = BodyReader(doc, version, default_jci=meta.jci)
    reader.walk(body)
    pv = reader.result(meta.title)
    if not pv.passages:
        raise ParseError(f"{what}: the toestand holds no text")
    return pv
