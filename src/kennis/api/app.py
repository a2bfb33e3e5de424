"""The FastAPI app factory and error handling; the routes' runtime is :mod:`kennis.api.runtime`.

Blocking work (store queries, search, answering) runs in plain ``def`` endpoints, which
Starlette runs in its thread pool; the event loop only parses requests.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

import kennis
from kennis.api import rest, sparql
from kennis.api.runtime import CoreFactory, Runtime
from kennis.config import Settings
from kennis.errors import KennisError
from kennis.graph import formats as F

if TYPE_CHECKING:  # pragma: no cover
    from kennis.graph.executor import QueryExecutor
    from kennis.service import Kennis

log = logging.getLogger("kennis.api")


# --- errors -----------------------------------------------------------------------------------


_TEXT_ONLY = (
    F.ResultFormat("json", F.TABULAR, "application/json"),
    F.ResultFormat("text", F.TABULAR, "text/plain"),
)


def error_response(request: Request, status: int, message: str, hint: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """``{"error": message, "hint": hint}``, or plain text for a client that accepts only text."""
    fmt = F.negotiate(request.headers.get("accept"), _TEXT_ONLY)
    if fmt is not None and fmt.name == "text":
        text = message + (f"\nhint: {hint}" if hint else "") + "\n"
        return PlainTextResponse(text, status_code=status, headers=headers)
    return JSONResponse({"error": message, "hint": hint}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KennisError)
    async def kennis_error(request: Request, exc: KennisError) -> Response:
        if exc.http_status >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, exc.message)
        return error_response(request, exc.http_status, exc.message, exc.hint)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        )
        return error_response(request, 400, f"invalid request: {problems}",
                              "see /docs for the parameters of this route")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail), None,
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        # a bug: log it with its traceback, never send the traceback to the client
        log.exception("unhandled error in %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal server error", "see the server log")


# --- factory ----------------------------------------------------------------------------------


def create_app(
    settings: Settings | None = None,
    *,
    core: "Kennis | None" = None,
    core_factory: CoreFactory | None = None,
    store: Any = None,
    executor: "QueryExecutor | None" = None,
    limits: dict[str, Any] | None = None,
) -> FastAPI:
    """Build the HTTP app.

    - ``settings``: defaults to :meth:`Settings.from_env`.
    - ``core``: the :class:`kennis.service.Kennis` behind the REST routes; else
      ``core_factory(settings)`` builds one on first use.
    - ``store``: the store behind ``/sparql`` (a ``pyoxigraph.Store``, an
      :class:`~kennis.graph.store.OxigraphStore` or a :class:`~kennis.graph.remote.RemoteStore`);
      else the core's own executor (on ``core.store``) serves it.
    - ``executor``: a ready :class:`~kennis.graph.executor.QueryExecutor` (tests).
    - ``limits``: overrides of :class:`~kennis.graph.executor.Limits` fields.
    """
    settings = settings or Settings.from_env()
    rt = Runtime(settings, core=core, core_factory=core_factory, store=store, executor=executor,
                 limits=limits)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt.start()
        try:
            yield
        finally:
            rt.close()

    app = FastAPI(
        title="kennis",
        version=kennis.__version__,
        description=(
            "Kennisbank bewaken en beveiligen: zoeken, vragen, actoren en documenten (JSON), "
            "en een alleen-lezen SPARQL 1.1-endpoint op `/sparql`."
        ),
        lifespan=lifespan,
    )
    app.state.runtime = rt
    _install_error_handlers(app)
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
        )

    @app.get("/healthz", tags=["status"], summary="Liveness: the server answers")
    def healthz() -> dict[str, Any]:
        """Cheap: loads nothing. ``sparql`` says whether the query workers are running."""
        return {"status": "ok", "version": kennis.__version__, "sparql": rt.sparql_ready}

    app.include_router(sparql.router)
    app.include_router(rest.router)
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, *, core: "Kennis | None" = None,
          log_level: str = "info") -> None:
    """Run the app with uvicorn (one process; the SPARQL workers are forked per query)."""
    import uvicorn

    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    app = create_app(settings, core=core)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
