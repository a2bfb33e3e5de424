"""``/api/*``: thin JSON routes over :class:`kennis.service.Kennis`.

Each route parses its parameters, calls one core method and returns the result's
``to_dict()``: the same JSON the CLI prints with ``--json``. Errors are the core's
:class:`~kennis.errors.KennisError`s, translated in :mod:`kennis.api.app`.
Core methods are called positionally (``search(q, k, date, doc, kind)``) so that the
routes do not depend on the core's keyword names.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kennis.api.app import runtime
from kennis.api.schemas import schema_for
from kennis.errors import InvalidInputError
from kennis.models import ActorCard, ActorChanges, ActorRef, Answer, DocumentInfo, Passage, SearchResult
from kennis.service import parse_date

router = APIRouter(prefix="/api")

_ERRORS = {
    400: {"description": "Invalid parameter (`{\"error\": ..., \"hint\": ...}`)"},
    404: {"description": "Unknown document, reference or actor"},
    503: {"description": "The knowledge base has not been built yet"},
}
_DATE_DOC = "Peildatum (YYYY-MM-DD): read the versions in force on this date. Default: the latest texts."


class _PassagesOut(BaseModel):
    """The passages of one citation unit, and notices about newer texts not in the corpus."""

    passages: list[schema_for(Passage)]  # type: ignore[valid-type]
    notices: list[str]


def _text(value: str | None, name: str) -> str:
    if value is None or not value.strip():
        raise InvalidInputError(f"the parameter {name!r} is empty", hint=f"send {name}=<text>")
    return value.strip()


def _json(value: Any) -> JSONResponse:
    return JSONResponse(value)


@router.get("/search", tags=["search"], summary="Semantic search over the passages",
            response_model=schema_for(SearchResult), responses=_ERRORS)
def search(
    request: Request,
    q: str = Query(..., max_length=2000, description="Zoekvraag in gewone taal."),
    k: int = Query(10, ge=1, le=100, description="Number of hits."),
    date: str | None = Query(None, description=_DATE_DOC),
    doc: str | None = Query(None, description="Only passages of this document id."),
    kind: str | None = Query(None, description="Only documents of this kind (as in the manifest)."),
) -> Any:
    """Best passages first, each with its citation (doc, version, ref) and a snippet."""
    core = runtime(request).core()
    return _json(core.search(_text(q, "q"), k, parse_date(date), doc or None, kind or None).to_dict())


@router.get("/ask", tags=["answers"], summary="Answer a question with sources",
            response_model=schema_for(Answer), responses=_ERRORS)
def ask(
    request: Request,
    q: str = Query(..., max_length=2000, description="Vraag, bijv. 'Wie mag een gebied aanwijzen?'"),
    date: str | None = Query(None, description=_DATE_DOC),
) -> Any:
    """An answer built from the graph and the passages, with quotes and the path that justifies it."""
    core = runtime(request).core()
    return _json(core.ask(_text(q, "q"), parse_date(date)).to_dict())


@router.get("/actors", tags=["actors"], summary="List or find actors",
            response_model=list[schema_for(ActorRef)],  # type: ignore[misc]
            responses=_ERRORS)
def actors(
    request: Request,
    q: str | None = Query(None, max_length=500, description="Part of a name or alternative label."),
) -> Any:
    core = runtime(request).core()
    return _json([a.to_dict() for a in core.actors(q.strip() if q and q.strip() else None)])


@router.get("/actors/{actor}/changes", tags=["actors"], summary="What changed for an actor between two editions",
            response_model=schema_for(ActorChanges), responses=_ERRORS)
def actor_changes(
    request: Request,
    actor: str = Path(..., description="Actor name, label or abbreviation."),
    before: str = Query(..., alias="from", description="The older edition: DOC or DOC/VERSION, e.g. BWBR0032891."),
    after: str = Query(..., alias="to", description="The newer edition: DOC or DOC/VERSION, e.g. BWBR0036811."),
) -> Any:
    """Its competences that appear, disappear or change wording, with both quotes (as
    ``kennis actor X --changes FROM TO --json``)."""
    core = runtime(request).core()
    return _json(core.actor_changes(_text(actor, "actor"), _text(before, "from"), _text(after, "to")).to_dict())


@router.get("/actors/{actor:path}", tags=["actors"], summary="An actor's card",
            response_model=schema_for(ActorCard), responses=_ERRORS)
def actor(
    request: Request,
    actor: str = Path(..., description="Actor name, label or IRI."),
    date: str | None = Query(None, description=_DATE_DOC),
) -> Any:
    """Labels, definition, hierarchy, on whose behalf it acts, and its competences with sources."""
    core = runtime(request).core()
    return _json(core.actor(_text(actor, "actor"), parse_date(date)).to_dict())


@router.get("/documents", tags=["documents"], summary="The documents of the corpus",
            response_model=list[schema_for(DocumentInfo)],  # type: ignore[misc]
            responses=_ERRORS)
def documents(request: Request) -> Any:
    core = runtime(request).core()
    return _json([d.to_dict() for d in core.documents()])


@router.get("/documents/{doc}/{ref:path}", tags=["documents"], summary="The passages of a citation unit",
            response_model=_PassagesOut, responses=_ERRORS)
def passages(
    request: Request,
    doc: str = Path(..., description="Document id, e.g. BWBR0036811."),
    ref: str = Path(..., description='Citation reference, e.g. "4.2" or "artikel 16 lid 1".'),
    version: str | None = Query(None, description="Version date (exact version)."),
    date: str | None = Query(None, description=_DATE_DOC),
) -> Any:
    """``{"passages": [...], "notices": [...]}``, as ``kennis corpus show --json`` prints it."""
    if version and date:
        raise InvalidInputError("give either version or date, not both")
    core = runtime(request).core()
    day = parse_date(date)
    found = core.passages(_text(doc, "doc"), ref, version or None, day)
    notices_for = getattr(core, "notices_for", None)
    notices = notices_for(doc, day) if notices_for is not None and not version else []
    return _json({"passages": [p.to_dict() for p in found], "notices": list(notices)})
