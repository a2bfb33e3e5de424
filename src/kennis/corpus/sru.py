"""Client of the government's SRU search service (SRU 1.2, ``x-connection=BWB``).

A query such as ``dcterms.identifier==BWBR0052355 and dcterms.modified>=2026-01-01``
answers with one record per toestand: ``recordData/gzd/originalData/meta`` (``owmskern``:
identifier, title, type, modified; ``bwbipm``: ``geldigheidsperiode_startdatum`` /
``_einddatum``) and ``enrichedData`` (``locatie_toestand``, ``locatie_manifest``,
``locatie_wti``). Elements are matched by local name, so the namespaces of the service
may vary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kennis.corpus.xmlbody import local, parse_bytes
from kennis.errors import ParseError, ServiceError

PAGE_SIZE = 50
MAX_PAGES = 20


@dataclass(frozen=True)
class SruRecord:
    identifier: str
    title: str
    kind: str
    modified: date | None
    valid_from: date | None
    valid_to: date | None
    toestand_url: str
    manifest_url: str
    wti_url: str


def _first(el: Any, name: str) -> str:
    for d in el.iter():
        if local(d) == name and (d.text or "").strip():
            return str(d.text).strip()
    return ""


def _date(value: str) -> date | None:
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return None if day.year == 9999 else day


def parse_response(data: bytes, what: str = "SRU response") -> tuple[list[SruRecord], int | None]:
    """The records of one response page and the next record position (``None``: last page)."""
    root = parse_bytes(data, what, ParseError)
    if local(root) != "searchRetrieveResponse":
        raise ParseError(f"{what}: not an SRU searchRetrieveResponse (root <{local(root)}>)")
    diagnostics = [_first(d, "message") or _first(d, "details") for d in root.iter() if local(d) == "diagnostic"]
    if diagnostics:
        raise ServiceError(f"the SRU service reports: {'; '.join(x for x in diagnostics if x) or 'an error'}")
    records = []
    for rec in root.iter():
        if local(rec) != "recordData":
            continue
        ident = _first(rec, "identifier")
        if not ident:
            continue
        records.append(SruRecord(
            identifier=ident, title=_first(rec, "title"), kind=_first(rec, "type"),
            modified=_date(_first(rec, "modified")),
            valid_from=_date(_first(rec, "geldigheidsperiode_startdatum")),
            valid_to=_date(_first(rec, "geldigheidsperiode_einddatum")),
            toestand_url=_first(rec, "locatie_toestand"), manifest_url=_first(rec, "locatie_manifest"),
            wti_url=_first(rec, "locatie_wti"),
        ))
    nxt = next((d.text for d in root if local(d) == "nextRecordPosition"), None)
    return records, int(nxt) if nxt and nxt.strip().isdigit() else None


class SruClient:
    """Searches the BWB through SRU and downloads the files its records name."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        import httpx

        self.base_url = base_url
        self._http = httpx.Client(timeout=timeout, follow_redirects=True, trust_env=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "SruClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, params: dict[str, str] | None = None) -> bytes:
        import httpx

        if not url.startswith(("http://", "https://")):
            raise ServiceError(f"not an http(s) address: {url!r}")
        try:
            response = self._http.get(url, params=params)
        except httpx.HTTPError as exc:
            raise ServiceError(f"could not reach {url}: {exc}",
                               hint="check the network or KENNIS_SRU_URL") from None
        if response.status_code != 200:
            raise ServiceError(f"{response.url} answered HTTP {response.status_code}")
        return response.content

    def search(self, query: str) -> list[SruRecord]:
        """Every record of ``query`` (paged)."""
        out: list[SruRecord] = []
        start = 1
        for _ in range(MAX_PAGES):
            data = self.get(self.base_url, {
                "operation": "searchRetrieve", "version": "1.2", "x-connection": "BWB",
                "query": query, "maximumRecords": str(PAGE_SIZE), "startRecord": str(start),
            })
            records, nxt = parse_response(data, f"SRU response to {query!r}")
            out += records
            if nxt is None or nxt <= start:
                break
            start = nxt
        return out
