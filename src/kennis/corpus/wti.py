"""Reader of the BWB *wetstechnische informatie* (``{BWB-id}.WTI``).

``algemene-informatie`` gives the citation title, abbreviations, kind and the ministry
responsible; ``gerelateerde-regelgeving`` the dated relations between regulations, for
the regulation as a whole (``regeling``) and per article (``regelingelementen`` /
``regelingelement`` with its ``label``, e.g. ``Artikel 3.1``). The legal-basis relations,
``grondslag-voor`` (this provision is the basis of that regulation) and
``wettelijke-bevoegdheid-voor`` (it grants the power to make it), become
:class:`~kennis.models.LegalBasis` records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kennis.corpus.xmlbody import child, clean, local, parse_bytes
from kennis.errors import ParseError
from kennis.models import LegalBasis

RELATIONS = ("grondslag-voor", "wettelijke-bevoegdheid-voor")
#: The open end date of the BWB.
OPEN_END = date(9999, 12, 31)


@dataclass(frozen=True)
class Wti:
    bwb_id: str
    title: str
    abbreviations: tuple[str, ...]
    kind: str
    authority: str
    relations: tuple[LegalBasis, ...]


def _date(value: str | None) -> date | None:
    try:
        day = date.fromisoformat((value or "")[:10])
    except ValueError:
        return None
    return None if day == OPEN_END else day


def _ref(label: str) -> str:
    """``Artikel 3.1`` → ``artikel 3.1``; ``Bijlage`` → ``bijlage``."""
    return " ".join(label.lower().split())


def _relations(owner: Any, doc: str, ref: str) -> list[LegalBasis]:
    out = []
    for rel in owner:
        kind = local(rel)
        if kind not in RELATIONS:
            continue
        for target in rel:
            if local(target) != "gerelateerde-regeling" or not target.get("bwb-id"):
                continue
            ext = child(target, "extref")
            out.append(LegalBasis(
                doc=doc, ref=ref, relation=kind, target=target.get("bwb-id"),
                target_title=clean("".join(ext.itertext())) if ext is not None else "",
                valid_from=_date(target.get("geldig-van")), valid_to=_date(target.get("geldig-tot")),
            ))
    return out


def load(data: bytes, what: str) -> Any:
    root = parse_bytes(data, what, ParseError)
    if local(root) != "wetstechnische-informatie":
        raise ParseError(f"{what}: not a BWB WTI file (root element <{local(root)}>)")
    return root


def parse_wti(data: bytes, what: str = "WTI") -> Wti:
    root = load(data, what)
    bwb_id = root.get("bwb-id") or ""
    if not bwb_id:
        raise ParseError(f"{what}: the WTI has no bwb-id")
    info = child(root, "algemene-informatie")
    title = kind = authority = ""
    abbreviations: tuple[str, ...] = ()
    if info is not None:
        title = clean("".join(child(info, "citeertitel").itertext())) if child(info, "citeertitel") is not None else ""
        afk = child(info, "afkortingen")
        abbreviations = tuple(clean(a.text or "") for a in afk if local(a) == "afkorting" and (a.text or "").strip()) if afk is not None else ()
        kind = clean(child(info, "soort-regeling").text or "") if child(info, "soort-regeling") is not None else ""
        authority = clean(child(info, "eerstverantwoordelijke").text or "") if child(info, "eerstverantwoordelijke") is not None else ""
    relations: list[LegalBasis] = []
    related = child(root, "gerelateerde-regelgeving")
    if related is not None:
        whole = child(related, "regeling")
        if whole is not None:
            relations += _relations(whole, bwb_id, "")
        elements = child(related, "regelingelementen")
        for el in elements if elements is not None else ():
            if local(el) == "regelingelement" and el.get("label"):
                relations += _relations(el, bwb_id, _ref(el.get("label")))
    return Wti(bwb_id, title, abbreviations, kind, authority, tuple(relations))
