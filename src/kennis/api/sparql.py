"""``/sparql``: the SPARQL 1.1 Protocol (query operation only; the endpoint is read-only).

Requests are parsed here from the raw query string and body (strict UTF-8, so that
malformed input is a 400 rather than silently "repaired"), checked
(:mod:`kennis.graph.guard`), negotiated (:mod:`kennis.graph.formats`) and run by the
executor (:mod:`kennis.graph.executor`), for the in-process store in a worker process that is
killed at the time limit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from rdflib.namespace import RDF

from kennis.api.runtime import Runtime, runtime
from kennis.errors import InvalidInputError, QueryError
from kennis.graph import formats as F
from kennis.graph.executor import QueryRequest
from kennis.graph.guard import QueryTooLargeError, ReadOnlyError, check_query
from kennis.graph.vocab import SD

router = APIRouter(tags=["sparql"])

_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"
_MAX_FIELDS = 1000
#: Slack for percent-encoding (up to 3 bytes per byte) and the other form fields.
_BODY_FACTOR, _BODY_SLACK = 3, 64 * 1024


class UnsupportedMediaTypeError(InvalidInputError):
    """A POST body of a content type the protocol does not define (HTTP 415)."""

    http_status = 415


def parse_params(raw: bytes) -> list[tuple[str, str]]:
    """Decode ``application/x-www-form-urlencoded`` strictly: invalid UTF-8 is an error."""
    try:
        text = raw.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                         max_num_fields=_MAX_FIELDS)
    except UnicodeDecodeError:
        raise InvalidInputError(
            "the request parameters are not valid UTF-8", hint="percent-encode the query as UTF-8"
        ) from None
    except ValueError:
        raise InvalidInputError(f"too many request parameters (more than {_MAX_FIELDS})") from None


def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    media, *params = [p.strip() for p in value.split(";")]
    out = {}
    for param in params:
        key, _, val = param.partition("=")
        out[key.strip().lower()] = val.strip().strip('"')
    return media.lower(), out


async def limited_body(request: Request) -> bytes:
    """The request body, read in chunks and refused (413) once clearly above the query cap."""
    limit = runtime(request).settings.max_query_bytes * _BODY_FACTOR + _BODY_SLACK
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise QueryTooLargeError(
                f"the request body is larger than {limit} bytes",
                hint="shorten the query (KENNIS_MAX_QUERY_BYTES sets the limit)",
            )
    return bytes(body)


_QUERY_PARAMS_DOC = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE). Without it: the service description."},
    {"name": "default-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True,
     "description": "Graph(s) forming the default graph (overrides FROM)."},
    {"name": "named-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True,
     "description": "Named graph(s) available to GRAPH (overrides FROM NAMED)."},
]
_RESPONSES_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results, in the format negotiated by Accept.",
        "content": {f.media_type: {} for f in F.TABULAR_FORMATS + F.GRAPH_FORMATS},
    },
    400: {"description": "Malformed request or query (JSON error)."},
    403: {"description": "An update was sent: the endpoint is read-only."},
    406: {"description": "No acceptable result format."},
    413: {"description": "Query too large, or more result rows than the cap."},
    415: {"description": "Unsupported POST content type or charset."},
    503: {"description": "The query ran past the time limit and was stopped, or the server is busy."},
}


@router.get(
    "/sparql",
    summary="SPARQL 1.1 query (GET), or the service description",
    responses=_RESPONSES_DOC,
    openapi_extra={"parameters": _QUERY_PARAMS_DOC},
)
def sparql_get(request: Request, rt: Runtime = Depends(runtime)) -> Response:
    """SPARQL 1.1 Protocol query by GET. Without ``query``: an ``sd:Service`` description."""
    params = parse_params(request.scope.get("query_string", b""))
    return _handle(request, rt, params, describe_if_empty=True)


@router.post(
    "/sparql",
    summary="SPARQL 1.1 query (POST form-encoded or application/sparql-query)",
    responses=_RESPONSES_DOC,
    openapi_extra={
        "parameters": _QUERY_PARAMS_DOC[1:],
        "requestBody": {
            "required": True,
            "content": {
                _QUERY: {"schema": {"type": "string"}},
                _FORM: {"schema": {"type": "object", "properties": {
                    "query": {"type": "string"},
                    "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                    "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                }, "required": ["query"]}},
            },
        },
    },
)
def sparql_post(request: Request, body: bytes = Depends(limited_body), rt: Runtime = Depends(runtime)) -> Response:
    """SPARQL 1.1 Protocol query by POST (updates are refused with 403)."""
    ctype = request.headers.get("content-type")
    if not ctype:
        raise UnsupportedMediaTypeError(
            "a POST needs a Content-Type", hint=f"use {_FORM} or {_QUERY}"
        )
    media, ct_params = parse_content_type(ctype)
    charset = ct_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaTypeError(f"charset {charset!r} is not supported", hint="send UTF-8")
    params = parse_params(request.scope.get("query_string", b""))
    if media == _FORM:
        params += parse_params(body)
    elif media == _QUERY:
        if any(key == "query" for key, _ in params):
            raise QueryError("a direct POST carries the query in the body, not also in the URL")
        try:
            params.append(("query", body.decode("utf-8")))
        except UnicodeDecodeError:
            raise InvalidInputError("the query is not valid UTF-8") from None
    elif media == _UPDATE:
        raise ReadOnlyError()
    else:
        raise UnsupportedMediaTypeError(
            f"unsupported Content-Type {media!r}", hint=f"use {_FORM} or {_QUERY}"
        )
    return _handle(request, rt, params, describe_if_empty=False)


def _handle(request: Request, rt: Runtime, params: list[tuple[str, str]], *, describe_if_empty: bool) -> Response:
    names = {key for key, _ in params}
    if names & {"update", "using-graph-uri", "using-named-graph-uri"}:
        raise ReadOnlyError()
    queries = [value for key, value in params if key == "query"]
    accept = request.headers.get("accept")
    if not queries:
        if describe_if_empty:
            return service_description(request, accept)
        raise InvalidInputError("no 'query' parameter", hint="send query=<SPARQL query>")
    if len(queries) > 1:
        raise QueryError(f"exactly one 'query' parameter is allowed; got {len(queries)}")
    query = queries[0]
    check_query(query, rt.settings.max_query_bytes)
    default_graphs = tuple(_iri(v, "default-graph-uri") for k, v in params if k == "default-graph-uri")
    named_graphs = tuple(_iri(v, "named-graph-uri") for k, v in params if k == "named-graph-uri")
    tabular = F.negotiate(accept, F.TABULAR_FORMATS)
    graph = F.negotiate(accept, F.GRAPH_FORMATS)
    if tabular is None and graph is None:
        raise F.NotAcceptableError(
            f"none of the accepted media types ({accept}) can carry SPARQL results",
            hint="accept one of: " + ", ".join(f.media_type for f in F.TABULAR_FORMATS + F.GRAPH_FORMATS),
        )
    result = rt.executor().execute(
        QueryRequest(
            query=query,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            tabular=tabular.name if tabular else None,
            graph=graph.name if graph else None,
            base_iri=str(request.url.replace(query="")),
        )
    )
    return Response(
        content=result.body,
        headers={
            "Content-Type": result.content_type,
            "Vary": "Accept",
            "X-Kennis-Rows": str(result.rows),
            "X-Kennis-Elapsed-Ms": f"{result.elapsed_s * 1000:.1f}",
        },
    )


def _iri(value: str, name: str) -> str:
    import pyoxigraph as ox

    try:
        return ox.NamedNode(value).value
    except ValueError:
        raise InvalidInputError(f"{name} is not an absolute IRI: {value[:200]!r}") from None


def service_description(request: Request, accept: str | None) -> Response:
    """The endpoint described with the SPARQL 1.1 Service Description vocabulary."""
    import pyoxigraph as ox

    fmt = F.negotiate(accept, F.GRAPH_FORMATS)
    if fmt is None:
        raise F.NotAcceptableError(
            "the service description is RDF; no RDF format is accepted",
            hint="accept one of: " + ", ".join(f.media_type for f in F.GRAPH_FORMATS),
        )
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    a = ox.NamedNode(str(RDF.type))
    node = lambda term: ox.NamedNode(str(term))  # noqa: E731
    # a raw "#" in the query string would otherwise survive as a fragment (not a valid IRI part)
    endpoint = str(request.url.replace(query="", fragment=""))
    triples = [
        ox.Triple(service, a, node(SD.Service)),
        ox.Triple(service, node(SD.endpoint), ox.NamedNode(endpoint)),
        ox.Triple(service, node(SD.supportedLanguage), node(SD.SPARQL11Query)),
        ox.Triple(service, node(SD.defaultDataset), dataset),
        ox.Triple(dataset, a, node(SD.Dataset)),
        ox.Triple(dataset, node(SD.defaultGraph), default_graph),
        ox.Triple(default_graph, a, node(SD.Graph)),
        # without a protocol dataset, patterns outside GRAPH match every graph (both backends)
        ox.Triple(service, node(SD.feature), node(SD.UnionDefaultGraph)),
    ]
    for f in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV,
              ox.QueryResultsFormat.TSV, ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES,
              ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        triples.append(ox.Triple(service, node(SD.resultFormat), ox.NamedNode(f.iri)))
    body = F.triples_bytes(fmt, triples, prefixes={"sd": str(SD._NS)})
    return Response(content=body, headers={"Content-Type": fmt.content_type, "Vary": "Accept"})
