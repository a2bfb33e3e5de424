"""Reader of the XML of *officiële publicaties* (Staatscourant, Staatsblad, Kamerstukken...).

``officiele-publicatie`` → ``metadata`` (``meta`` name/content pairs) and one publication
body (``staatscourant``, ``staatsblad``, ``kamerstuk``, ``gemeenteblad``…) whose ``kop``
holds the title and whose content (``zakelijke-mededeling``, ``regeling``, ``circulaire``,
``besluit``, ``stuk``…) is read with the same text walker as the BWB. A publication
without articles or divisions is one citation unit, ref ``""`` (as a plain text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from kennis.corpus.links import PUBLICATION_ID
from kennis.corpus.xmlbody import BodyReader, child, clean, local, parse_bytes
from kennis.errors import ParseError
from kennis.models import ParsedVersion

FORMAT = "officiele-publicatie"
#: The publication's content element → the manifest's ``kind``.
KINDS = {
    "zakelijke-mededeling": "mededeling", "circulaire": "circulaire", "regeling": "regeling",
    "besluit": "besluit", "beleidsregel": "beleidsregel", "wet": "wet", "kamerstuk": "kamerstuk",
    "vergunning": "vergunning", "verordening": "verordening",
}
_ID_FROM_URL = re.compile(r"/([a-z]+-[0-9a-z-]+?)(?:/metadata\.xml|\.html|\.xml|/)?$")
_DATE_KEYS = ("OVERHEIDop.datumPublicatie", "DCTERMS.issued", "DC.date", "OVERHEIDop.datumOndertekening",
              "DCTERMS.available")
_YEAR = re.compile(r"^[a-z]+-(\d{4})-")


@dataclass(frozen=True)
class PublicationMeta:
    """What a publication says about itself; ``date_precision`` is ``year`` when only its id dates it."""

    pub_id: str
    title: str
    kind: str
    date: date | None
    date_precision: str
    series: str


def load(data: bytes, what: str) -> Any:
    root = parse_bytes(data, what, ParseError)
    if local(root) != "officiele-publicatie":
        raise ParseError(f"{what}: not an officiële publicatie (root element <{local(root)}>)")
    return root


def _metas(root: Any) -> dict[str, str]:
    meta = child(root, "metadata")
    out: dict[str, str] = {}
    if meta is not None:
        for m in meta:
            if local(m) == "meta" and m.get("name"):
                out.setdefault(m.get("name"), m.get("content", ""))
    return out


def _body(root: Any) -> Any:
    return next((c for c in root if local(c) not in ("metadata", "kop", "")), None)


def read_meta(root: Any, what: str) -> PublicationMeta:
    metas = _metas(root)
    pub_id = metas.get("DC.identifier", "") or metas.get("DCTERMS.identifier", "")
    if not pub_id:
        m = _ID_FROM_URL.search(metas.get("OVERHEIDop.externMetadataRecord", "").strip())
        pub_id = m.group(1) if m else ""
    if not PUBLICATION_ID.match(pub_id):
        raise ParseError(f"{what}: the publication does not state its identifier (e.g. stcrt-2015-47076)")
    body = _body(root)
    if body is None:
        raise ParseError(f"{what}: the publication has no body")
    kop = child(body, "kop")
    titel = child(kop, "titel") if kop is not None else None
    title = clean("".join(titel.itertext())) if titel is not None else ""
    if not title:
        # a Kamerstuk: the dossier's title and the document's own (``stuk/titel``)
        parts = [child(child(body, part), "titel") for part in ("dossier", "stuk") if child(body, part) is not None]
        title = ": ".join(clean("".join(t.itertext())) for t in parts if t is not None) or metas.get("DC.title", "")
    content = next((c for c in body if local(c) not in ("kop", "")), None)
    kind_key = local(body) if local(body) == "kamerstuk" else (local(content) if content is not None else "")
    day, precision = None, "day"
    for key in _DATE_KEYS:
        if metas.get(key):
            try:
                day = date.fromisoformat(metas[key][:10])
                break
            except ValueError:
                continue
    if day is None and (m := _YEAR.match(pub_id)):
        day, precision = date(int(m.group(1)), 1, 1), "year"
    return PublicationMeta(pub_id, title or pub_id, KINDS.get(kind_key, kind_key or "publicatie"), day,
                           precision, local(body))


def parse_publication(data: bytes, doc: str, version: str, what: str = "") -> ParsedVersion:
    what = what or f"{doc} {version}"
    root = load(data, what)
    meta = read_meta(root, what)
    body = _body(root)
    reader = BodyReader(doc, version, default_ref="", default_path=(meta.title,))
    # the heads (``kop``; a Kamerstuk's ``kamerstukkop``, ``dossier``, ``stuknummer``, ``titel``)
    # are in the title, the text is the rest
    stuk = child(body, "stuk") if local(body) == "kamerstuk" else None
    for part in stuk if stuk is not None else body:
        if local(part) not in ("kop", "stuknummer", "titel"):
            reader.walk(part)
    pv = reader.result(meta.title)
    if not pv.passages:
        raise ParseError(f"{what}: the publication holds no text")
    return pv
