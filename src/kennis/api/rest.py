"""``/api/*``: thin JSON routes over :class:`kennis.service.Kennis`.

Each route parses its parameters, calls one core method and returns the result's
``to_dict()``: the same JSON the CLI prints with ``--json``. Errors are the core's
:class:`~kennis.errors.KennisError`s, translated in :mod:`kennis.api.app`. The core comes
from the :func:`kennis.api.runtime.core` dependency and is called with keywords.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from kennis.api.runtime import core
from kennis.api.schemas import schema_for
from kennis.errors import InvalidInputError
from kennis.models import ActorCard, ActorChanges, ActorRef, Answer, DocumentInfo, Passage, SearchResult
from kennis.service import Kennis, parse_date

router = APIRouter(prefix="/api")

_ERRORS: dict[int | str, dict[str, Any]] = {
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
    kennis: Kennis = Depends(core),
    q: str = Query(..., max_length=2000, description="Zoekvraag in gewone taal."),
    k: int | None = Query(None, ge=1, le=100, description="Number of hits (default: the setting KENNIS_K, 10)."),
    date: str | None = Query(None, description=_DATE_DOC),
    doc: str | None = Query(None, description="Only passages of this document id."),
    kind: str | None = Query(None, description="Only documents of this kind (as in the manifest)."),
) -> Any:
    """Best passages first, each with its citation (doc, version, ref) and a snippet."""
    result = kennis.search(_text(q, "q"), k=k, date=parse_date(date), doc=doc or None, kind=kind or None)
    return _json(result.to_dict())


@router.get("/ask", tags=["answers"], summary="Answer a question with sources",
            response_model=schema_for(Answer), responses=_ERRORS)
def ask(
    kennis: Kennis = Depends(core),
    q: str = Query(..., max_length=2000, description="Vraag, bijv. 'Wie mag een gebied aanwijzen?'"),
    date: str | None = Query(None, description=_DATE_DOC),
) -> Any:
    """An answer built from the graph and the passages, with quotes and the path that justifies it."""
    return _json(kennis.ask(_text(q, "q"), date=parse_date(date)).to_dict())


@router.get("/actors", tags=["actors"], summary="List or find actors",
            response_model=list[schema_for(ActorRef)],  # type: ignore[misc]
            responses=_ERRORS)
def actors(
    kennis: Kennis = Depends(core),
    q: str | None = Query(None, max_length=500, description="Part of a name or alternative label."),
) -> Any:
    return _json([a.to_dict() for a in kennis.actors(q.strip() if q and q.strip() else None)])


@router.get("/actors/{actor}/changes", tags=["actors"], summary="What changed for an actor between two editions",
            response_model=schema_for(ActorChanges), responses=_ERRORS)
def actor_changes(
    kennis: Kennis = Depends(core),
    actor: str = Path(..., description="Actor name, label or abbreviation."),
    before: str = Query(..., alias="from", description="The older edition: DOC or DOC/VERSION, e.g. BWBR0032891."),
    after: str = Query(..., alias="to", description="The newer edition: DOC or DOC/VERSION, e.g. BWBR0036811."),
) -> Any:
    """Its competences that appear, disappear or change wording, with both quotes (as
    ``kennis actor X --changes FROM TO --json``)."""
    return _json(kennis.actor_changes(_text(actor, "actor"), _text(before, "from"), _text(after, "to")).to_dict())


@router.get("/actors/{actor:path}", tags=["actors"], summary="An actor's card",
            response_model=schema_for(ActorCard), responses=_ERRORS)
def actor(
    kennis: Kennis = Depends(core),
    actor: str = Path(..., description="Actor name, label or IRI."),
    date: str | None = Query(None, description=_DATE_DOC),
) -> Any:
    """Labels, definition, hierarchy, on whose behalf it acts, and its competences with sources."""
    return _json(kennis.actor(_text(actor, "actor"), date=parse_date(date)).to_dict())


@router.get("/documents", tags=["documents"], summary="The documents of the corpus",
            response_model=list[schema_for(DocumentInfo)],  # type: ignore[misc]
            responses=_ERRORS)
def documents(kennis: Kennis = Depends(core)) -> Any:
    return _json([d.to_dict() for d in kennis.documents()])


@router.get("/documents/{doc}/{ref:path}", tags=["documents"], summary="The passages of a citation unit",
            response_model=_PassagesOut, responses=_ERRORS)
def passages(
    kennis: Kennis = Depends(core),
    doc: str = Path(..., description="Document id, e.g. BWBR0036811."),
    ref: str = Path(..., description='Citation reference, e.g. "4.2" or "artikel 16 lid 1".'),
    version: str | None = Query(None, description="Version date (exact version)."),
    date: str | None = Query(None, description=_DATE_DOC),
) -> Any:
    """``{"passages": [...], "notices": [...]}``, as ``kennis corpus show --json`` prints it."""
    if version and date:
        raise InvalidInputError("give either version or date, not both")
    day = parse_date(date)
    found = kennis.passages(_text(doc, "doc"), ref, version=version or None, day=day)
    notices = [] if version else kennis.notices_for(doc, day)
    return _json({"passages": [p.to_dict() for p in found], "notices": list(notices)})
