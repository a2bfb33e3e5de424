"""The FastAPI app factory, its shared runtime (core, SPARQL executor) and error handling.

Blocking work (store queries, search, answering) runs in plain ``def`` endpoints, which
Starlette runs in its thread pool; the event loop only parses requests.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any, Callable, Iterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

import kennis
from kennis.config import Settings
from kennis.errors import KennisError
from kennis.graph import formats as F

log = logging.getLogger("kennis.api")

CoreFactory = Callable[[Settings], Any]


def _default_core_factory(settings: Settings) -> Any:
    from kennis.service import Kennis

    return Kennis(settings)


class Runtime:
    """What the routes share: settings, the core (``Kennis``) and the SPARQL executor.

    Both load lazily and once; :meth:`start` loads the executor eagerly at start-up so that
    its worker zygote is forked before the server has threads (see ``graph/executor.py``).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        core: Any = None,
        core_factory: CoreFactory | None = None,
        store: Any = None,
        executor: Any = None,
        limits: dict[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self._core = core
        self._core_factory = core_factory or _default_core_factory
        self._store = store
        self._executor = executor
        self._limits = limits or {}
        self._lock = threading.RLock()

    # --- core ---

    def core(self) -> Any:
        with self._lock:
            if self._core is None:
                self._core = self._core_factory(self.settings)
            return self._core

    # --- SPARQL ---

    def store(self) -> Any:
        """The store behind ``/sparql``: the given one, the core's, or the configured one."""
        with self._lock:
            if self._store is None:
                core_store = None
                with contextlib.suppress(ImportError, AttributeError):
                    core_store = self.core().store  # one loaded graph for core and endpoint
                if core_store is None:
                    from kennis.graph.store import open_store

                    core_store = open_store(self.settings)
                self._store = core_store
            return self._store

    def executor(self) -> Any:
        with self._lock:
            if self._executor is None:
                from kennis.graph.executor import open_executor

                self._executor = open_executor(self.settings, self.store(), **self._limits)
            return self._executor

    @property
    def sparql_ready(self) -> bool:
        return self._executor is not None

    def start(self) -> None:
        try:
            self.executor()
        except KennisError as exc:  # e.g. not built yet: serve anyway, /sparql says why
            log.warning("SPARQL endpoint not ready: %s", exc)

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.close()
                self._executor = None


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime


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
    core: Any = None,
    core_factory: CoreFactory | None = None,
    store: Any = None,
    executor: Any = None,
    limits: dict[str, Any] | None = None,
) -> FastAPI:
    """Build the HTTP app.

    - ``settings``: defaults to :meth:`Settings.from_env`.
    - ``core``: the :class:`kennis.service.Kennis` (or an object with its interface) behind
      the REST routes; else ``core_factory(settings)`` builds one on first use.
    - ``store``: the store behind ``/sparql`` (a ``pyoxigraph.Store``, an
      :class:`~kennis.graph.store.OxigraphStore` or a :class:`~kennis.graph.remote.RemoteStore`);
      else ``core.store``, else :func:`kennis.graph.store.open_store`.
    - ``executor``: a ready :class:`~kennis.graph.executor.QueryExecutor` (tests).
    - ``limits``: overrides of :class:`~kennis.graph.executor.Limits` fields.
    """
    from kennis.api import rest, sparql

    settings = settings or Settings.from_env()
    rt = Runtime(settings, core=core, core_factory=core_factory, store=store, executor=executor,
                 limits=limits)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> Iterator[None]:  # type: ignore[misc]
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


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, *, core: Any = None,
          log_level: str = "info") -> None:
    """Run the app with uvicorn (one process; the SPARQL workers are forked per query)."""
    import uvicorn

    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    app = create_app(settings, core=core)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
