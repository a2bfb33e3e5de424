"""Checks on a SPARQL query before it runs: size, read-only, no ``SERVICE``.

The endpoint only ever calls the store's *query* method, so updates cannot run
(an update is a syntax error there); this module turns them into a clear "read-only"
refusal. ``SERVICE`` is refused because pyoxigraph would make outbound HTTP requests
for it; the check is lexical (comments, strings and IRIs are blanked out first) and
errs on the side of refusing. Query worker processes additionally lose network access
where the kernel allows it (see :mod:`kennis.graph.executor`).
"""

from __future__ import annotations

import re

from kennis.errors import QueryError

#: Comments, string literals and IRI references, scanned left to right so that a ``#``
#: inside an IRI or a ``<`` inside a string is read correctly. All alternatives are
#: linear (no nested quantifiers), so megabyte-sized input cannot blow up.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|\#[^\n\r]*",
    re.S,
)
#: The keyword SERVICE as a token: not part of a variable, prefixed name or longer word.
_SERVICE = re.compile(r"(?<![\w?$:\\-])SERVICE(?![\w:-])", re.I)
_PROLOGUE = re.compile(r"\A\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*", re.I)
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


class ReadOnlyError(QueryError):
    """An update was sent to the read-only endpoint (HTTP 403)."""

    http_status = 403

    def __init__(self, message: str = "this SPARQL endpoint is read-only: updates are not accepted",
                 *, hint: str | None = "send SELECT, ASK, CONSTRUCT or DESCRIBE queries only") -> None:
        super().__init__(message, hint=hint)


class QueryTooLargeError(QueryError):
    """The query text exceeds ``settings.max_query_bytes`` (HTTP 413)."""

    http_status = 413


def blank_opaque(query: str) -> str:
    """The query with comments, strings and IRIs replaced by spaces (keywords remain)."""
    return _OPAQUE.sub(" ", query)


def check_query(query: str, max_bytes: int) -> None:
    """Refuse what must not run; a valid read query passes unchanged.

    Raises :class:`QueryTooLargeError`, :class:`ReadOnlyError` or :class:`QueryError`
    (for ``SERVICE``). Syntax errors are left to the SPARQL parser.
    """
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise QueryTooLargeError(
            f"the query is {size} bytes; the limit is {max_bytes}",
            hint="shorten the query (KENNIS_MAX_QUERY_BYTES sets the limit)",
        )
    bare = blank_opaque(query)
    prologue = _PROLOGUE.match(bare)
    first = _FIRST_WORD.match(bare, prologue.end() if prologue else 0)
    if first and first.group(1).upper() in _UPDATE_KEYWORDS:
        raise ReadOnlyError()
    if _SERVICE.search(bare):
        raise QueryError(
            "SERVICE (federated query) is not allowed on this endpoint",
            hint="query the other endpoint directly; this server makes no outbound requests",
        )
