"""SPARQL result formats: content negotiation and streaming serialisers.

The SPARQL endpoint caps the number of result rows, so it cannot hand a whole
``QuerySolutions`` iterator to pyoxigraph's serialiser; it writes the rows itself, one
by one (SPARQL JSON, XML, CSV, TSV), and serialises CONSTRUCT/DESCRIBE triples with
``pyoxigraph.serialize`` once their count is known to be under the cap.

Nothing here imports pyoxigraph at module level; terms are duck-typed by class name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from kennis.errors import InvalidInputError

#: The kinds of results a query form produces.
TABULAR = "tabular"  # SELECT and ASK
GRAPH = "graph"  # CONSTRUCT and DESCRIBE

#: Datatypes whose literals are written without an explicit datatype.
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: Namespace of the SPARQL Query Results XML Format (a format, not data: no vocab entry).
_SRX_NS = "http://www.w3.org/2005/sparql-results#"


class NotAcceptableError(InvalidInputError):
    """No result format the client accepts can represent this result (HTTP 406)."""

    http_status = 406


@dataclass(frozen=True)
class ResultFormat:
    """One serialisation the endpoint offers."""

    name: str  # json, xml, csv, tsv, turtle, ntriples, rdfxml, jsonld
    kind: str  # TABULAR or GRAPH
    media_type: str  # canonical media type, sent as Content-Type
    aliases: tuple[str, ...] = ()  # other media types that select it

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.name in {"json", "xml", "jsonld", "rdfxml"}
        return f"{self.media_type}; charset=utf-8" if text else self.media_type

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


#: Offered formats in order of preference (the first is the default when any is accepted).
TABULAR_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", TABULAR, "application/sparql-results+json", ("application/json",)),
    ResultFormat("xml", TABULAR, "application/sparql-results+xml", ("application/xml", "text/xml")),
    ResultFormat("csv", TABULAR, "text/csv"),
    ResultFormat("tsv", TABULAR, "text/tab-separated-values"),
)
GRAPH_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("turtle", GRAPH, "text/turtle", ("application/x-turtle",)),
    ResultFormat("ntriples", GRAPH, "application/n-triples", ("text/plain",)),
    ResultFormat("rdfxml", GRAPH, "application/rdf+xml", ("application/xml", "text/xml")),
    ResultFormat("jsonld", GRAPH, "application/ld+json", ("application/json",)),
)
FORMATS_BY_NAME: dict[str, ResultFormat] = {f.name: f for f in TABULAR_FORMATS + GRAPH_FORMATS}

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 when this range does not match ``media_type``; higher is more specific."""
        mtype, _, msub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != mtype:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == msub else -1


def parse_accept(header: str | None) -> list[_Range]:
    """Media ranges of an ``Accept`` header; malformed entries are ignored (RFC 9110 allows it)."""
    ranges: list[_Range] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        mtype, sep, msub = fields[0].lower().partition("/")
        if not sep or not _TOKEN.match(mtype) or not _TOKEN.match(msub) or (mtype == "*" and msub != "*"):
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
                if not 0.0 <= q <= 1.0:  # also rejects nan
                    q = -1.0
        if q >= 0.0:
            ranges.append(_Range(mtype, msub, q))
    return ranges


def negotiate(accept: str | None, offers: Sequence[ResultFormat]) -> ResultFormat | None:
    """The offered format the client prefers, or ``None`` when it accepts none of them.

    A missing, empty or wholly malformed ``Accept`` means "anything": the first offer.
    Ties go to the server's order of preference.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int] | None = None
    chosen: ResultFormat | None = None
    for index, fmt in enumerate(offers):
        q = 0.0
        for media_type in fmt.media_types:
            # the most specific matching range decides the quality of this media type
            match = max(((r.specificity(media_type), r.q) for r in ranges), default=(-1, 0.0))
            if match[0] >= 0:
                q = max(q, match[1])
        if q > 0.0 and (best is None or (q, -index) > best):
            best, chosen = (q, -index), fmt
    return chosen


# --- terms ------------------------------------------------------------------------------------


def _kind(term: Any) -> str:
    return type(term).__name__  # NamedNode, BlankNode, Literal, Triple


def _literal_parts(term: Any) -> tuple[str | None, str | None]:
    """(language, datatype IRI or None when it is implied)."""
    language = term.language
    if language:
        return language, None
    datatype = term.datatype.value
    return None, None if datatype in (_XSD_STRING, _RDF_LANG_STRING) else datatype


def term_json(term: Any) -> dict[str, Any]:
    """A term as a SPARQL 1.1 JSON results binding (RDF-star triples as ``"type": "triple"``)."""
    kind = _kind(term)
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    if kind == "Literal":
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        language, datatype = _literal_parts(term)
        if language:
            out["xml:lang"] = language
        elif datatype:
            out["datatype"] = datatype
        return out
    if kind == "Triple":
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def term_xml(term: Any) -> str:
    kind = _kind(term)
    if kind == "NamedNode":
        return f"<uri>{escape(term.value)}</uri>"
    if kind == "BlankNode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if kind == "Literal":
        language, datatype = _literal_parts(term)
        attr = f" xml:lang={quoteattr(language)}" if language else (
            f" datatype={quoteattr(datatype)}" if datatype else ""
        )
        return f"<literal{attr}>{escape(term.value)}</literal>"
    if kind == "Triple":
        return (
            f"<triple><subject>{term_xml(term.subject)}</subject>"
            f"<predicate>{term_xml(term.predicate)}</predicate>"
            f"<object>{term_xml(term.object)}</object></triple>"
        )
    raise TypeError(f"not an RDF term: {term!r}")


def term_csv(term: Any) -> str:
    """CSV carries lexical values only (the format is lossy by design)."""
    kind = _kind(term)
    if kind == "BlankNode":
        value = f"_:{term.value}"
    elif kind == "Triple":
        value = str(term)
    else:
        value = term.value
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def term_tsv(term: Any) -> str:
    """TSV carries terms in N-Triples/Turtle syntax; ``str()`` of a pyoxigraph term is that."""
    return str(term).replace("\t", "\\t")


# --- writers ----------------------------------------------------------------------------------


class SolutionsWriter:
    """Writes SELECT solutions row by row in one tabular format."""

    def __init__(self, fmt: ResultFormat, variables: Sequence[str]) -> None:
        if fmt.kind != TABULAR:
            raise ValueError(f"{fmt.name} is not a tabular format")
        self.fmt = fmt
        self.variables = list(variables)
        self._first = True

    def head(self) -> str:
        name, vs = self.fmt.name, self.variables
        if name == "json":
            return '{"head":{"vars":' + json.dumps(vs, ensure_ascii=False) + '},"results":{"bindings":['
        if name == "xml":
            variables = "".join(f"<variable name={quoteattr(v)}/>" for v in vs)
            return f'<?xml version="1.0"?>\n<sparql xmlns="{_SRX_NS}"><head>{variables}</head><results>'
        if name == "csv":
            return ",".join(vs) + "\r\n"
        return "\t".join("?" + v for v in vs) + "\n"

    def row(self, solution: Any) -> str:
        """One solution; ``solution[name]`` is a term or ``None`` when unbound."""
        values = [solution[v] for v in self.variables]
        name = self.fmt.name
        if name == "json":
            binding = {v: term_json(t) for v, t in zip(self.variables, values) if t is not None}
            sep = "" if self._first else ","
            self._first = False
            return sep + json.dumps(binding, ensure_ascii=False, separators=(",", ":"))
        if name == "xml":
            cells = "".join(
                f"<binding name={quoteattr(v)}>{term_xml(t)}</binding>"
                for v, t in zip(self.variables, values)
                if t is not None
            )
            return f"<result>{cells}</result>"
        if name == "csv":
            return ",".join("" if t is None else term_csv(t) for t in values) + "\r\n"
        return "\t".join("" if t is None else term_tsv(t) for t in values) + "\n"

    def tail(self) -> str:
        name = self.fmt.name
        if name == "json":
            return "]}}"
        if name == "xml":
            return "</results></sparql>\n"
        return ""


def boolean_bytes(fmt: ResultFormat, value: bool) -> bytes:
    """An ASK result. CSV/TSV have no boolean form; write the single value as a one-cell table."""
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}, separators=(",", ":")).encode()
    if fmt.name == "xml":
        text = "true" if value else "false"
        return f'<?xml version="1.0"?>\n<sparql xmlns="{_SRX_NS}"><head/><boolean>{text}</boolean></sparql>\n'.encode()
    if fmt.name == "csv":
        return f"_askResult\r\n{'true' if value else 'false'}\r\n".encode()
    return f"?_askResult\n{'true' if value else 'false'}\n".encode()


def rdf_format(fmt: ResultFormat) -> Any:
    """The ``pyoxigraph.RdfFormat`` for a graph format."""
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "rdfxml": ox.RdfFormat.RDF_XML,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[fmt.name]


def triples_bytes(fmt: ResultFormat, triples: Iterable[Any], prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise CONSTRUCT/DESCRIBE triples in a graph format."""
    import pyoxigraph as ox

    kwargs: dict[str, Any] = {"format": rdf_format(fmt)}
    if prefixes and fmt.name in {"turtle", "rdfxml"}:
        kwargs["prefixes"] = prefixes
    body = ox.serialize(list(triples), **kwargs)
    assert body is not None  # no output file given: the bytes come back
    return body
