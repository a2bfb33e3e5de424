"""Identifiers of legal sources and the deep links of citations: the one home of both.

A BWB article or member is linked by its Juriconnect id
(``https://wetten.overheid.nl/jci1.3:c:BWBR0031788&artikel=16&lid=1&g=2015-07-20``); any
other unit of a BWB text by the consolidated text as in force on the version date
(``https://wetten.overheid.nl/BWBR0036811/2015-07-09``); an official publication by its
publication id (``https://zoek.officielebekendmakingen.nl/stcrt-2015-47076.html``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from kennis.models import ActorCard, Answer, DocumentInfo, SearchResult, Source

WETTEN = "https://wetten.overheid.nl/"
OFFICIELE_BEKENDMAKINGEN = "https://zoek.officielebekendmakingen.nl/"

BWB_ID = re.compile(r"^BWB[RV]\d{7}$")
#: Publication ids of officielebekendmakingen.nl: ``stcrt-2015-47076``, ``stb-2021-499``,
#: ``kst-33328-3``, ``gmb-2023-174296``, ``trb-2001-73``, ``ah-tk-20152016-1234``...
PUBLICATION_ID = re.compile(r"^(?:stcrt|stb|kst|trb|gmb|prb|wsb|bgr|blg|ah|kv|h)-[0-9a-z-]+$")
_JCI = re.compile(r"^(?:jci)?\d+(?:\.\d+)*:[cv]:(BWB[RV]\d{7})((?:&[^&=]+=[^&]*)*)$")
_ARTICLE_REF = re.compile(r"^artikel (\S+)(?: lid (\S+))?$")
_UNIT_REF = re.compile(r"^(bijlage|hoofdstuk|afdeling|paragraaf) \S+$")
#: Parameters of a Juriconnect id that say *when*, not *what*.
_DATE_PARAMS = ("z", "g", "s", "e")


def _norm(ref: str) -> str:
    return " ".join(ref.lower().split())


def jci(doc: str, ref: str = "", version: str | None = None) -> str | None:
    """Juriconnect-style identifier, e.g. ``jci1.3:c:BWBR0031788&artikel=16&lid=1&z=…&g=…``.

    Only documents of the BWB have one; ``None`` for the others (the letter).
    """
    if not BWB_ID.match(doc):
        return None
    out = f"jci1.3:c:{doc}"
    r = _norm(ref) if ref else ""
    m = _ARTICLE_REF.match(r)
    if m:
        out += f"&artikel={m.group(1)}" + (f"&lid={m.group(2)}" if m.group(2) else "")
    elif _UNIT_REF.match(r):
        kind, num = r.split(" ", 1)
        out += f"&{kind}={num}"
    elif re.match(r"^[0-9][0-9.]*$", r):
        out += f"&paragraaf={r}"
    if version:
        out += f"&z={version}&g={version}"
    return out


def wetten_url(doc: str, ref: str = "", version: str | None = None) -> str | None:
    """The wetten.overheid.nl address of a BWB document, version or unit."""
    ident = jci(doc, ref, version)
    return WETTEN + ident if ident else None


@dataclass(frozen=True)
class Jci:
    """A parsed Juriconnect id: the BWB id and its location parameters in order."""

    bwb_id: str
    params: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.params if k == key), None)

    @property
    def ref(self) -> str | None:
        """The citation ref it points at (``artikel 2.2 lid 1``, ``bijlage 1``, ``hoofdstuk 6``)."""
        art = self.get("artikel")
        if art:
            lid = self.get("lid")
            return f"artikel {art}" + (f" lid {lid}" if lid else "")
        for key in ("bijlage", "paragraaf", "afdeling", "hoofdstuk"):
            value = self.get(key)
            if value:
                return f"{key} {value}"
        return None


def parse_jci(value: str) -> Jci | None:
    """``jci1.3:c:BWBR0045754&hoofdstuk=2&artikel=2.2&z=…`` → :class:`Jci`; ``None`` if it is not one."""
    m = _JCI.match(value.strip())
    if not m:
        return None
    params = tuple((k, v) for k, _, v in (p.partition("=") for p in m.group(2).split("&") if p))
    return Jci(m.group(1), params)


def with_param(ident: str, key: str, value: str) -> str:
    """``ident`` with ``key=value`` added before its date parameters (``…&artikel=3&lid=2&z=…``)."""
    head, *rest = ident.split("&")
    location = [p for p in rest if p.split("=", 1)[0] not in _DATE_PARAMS]
    dates = [p for p in rest if p.split("=", 1)[0] in _DATE_PARAMS]
    return "&".join([head, *location, f"{key}={value}", *dates])


def publication_url(pub_id: str) -> str:
    return f"{OFFICIELE_BEKENDMAKINGEN}{pub_id}.html"


def citation_url(doc: str, version: str, ref: str, jci_id: str = "", info: DocumentInfo | None = None) -> str:
    """The deep link of a citation; ``""`` when the source has no public address."""
    if jci_id and (parsed := parse_jci(jci_id)) is not None and parsed.get("artikel"):
        return WETTEN + jci_id
    if BWB_ID.match(doc):
        if _ARTICLE_REF.match(_norm(ref)):
            return WETTEN + (jci(doc, ref, version) or "")
        return f"{WETTEN}{doc}/{version}" if version else f"{WETTEN}{doc}"
    if PUBLICATION_ID.match(doc):
        return publication_url(doc)
    return info.url if info is not None else ""


# --- citations of results ------------------------------------------------------------------------


def link_of(corpus: Any, doc: str, version: str, ref: str, pid: str = "") -> str:
    """The deep link of a citation: its passage's own link, else computed from the citation."""
    if pid and corpus.has_passage(pid):
        url = corpus.passage(pid).url
        if url:
            return str(url)
    return citation_url(doc, version, ref, "", corpus.manifest.documents.get(doc))


def link_search(result: SearchResult, corpus: Any) -> SearchResult:
    """``result`` with every hit's ``url`` filled in."""
    hits = tuple(replace(h, url=h.url or link_of(corpus, h.doc, h.version, h.ref, h.id)) for h in result.hits)
    return replace(result, hits=hits)


def link_answer(answer: Answer, corpus: Any) -> Answer:
    """``answer`` with the ``url`` of its sources and of the sources of its route filled in."""
    def linked(s: Source) -> Source:
        return replace(s, url=s.url or link_of(corpus, s.doc, s.version, s.ref, s.passage))

    path = tuple(replace(step, source=linked(step.source)) if step.source is not None else step for step in answer.path)
    return replace(answer, sources=tuple(linked(s) for s in answer.sources), path=path)


def link_card(card: ActorCard, corpus: Any) -> ActorCard:
    competences = tuple(
        replace(c, sources=tuple(replace(s, url=s.url or link_of(corpus, s.doc, s.version, s.ref, s.passage))
                                 for s in c.sources))
        for c in card.competences
    )
    return replace(card, competences=competences)
