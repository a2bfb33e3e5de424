"""What the routes share, as a FastAPI dependency: settings, the core and the SPARQL executor.

The routers (:mod:`kennis.api.rest`, :mod:`kennis.api.sparql`) depend on this module only;
:mod:`kennis.api.app` builds one :class:`Runtime` per app and stores it on ``app.state``.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Callable

from fastapi import Request

from kennis.config import Settings
from kennis.errors import KennisError

if TYPE_CHECKING:  # pragma: no cover
    from kennis.graph.executor import QueryExecutor
    from kennis.service import Kennis

log = logging.getLogger("kennis.api")

CoreFactory = Callable[[Settings], "Kennis"]


def _default_core_factory(settings: Settings) -> "Kennis":
    from kennis.service import Kennis

    return Kennis(settings)


class Runtime:
    """Settings, the core (``Kennis``) and the SPARQL executor, each loaded lazily and once.

    Without an explicit ``store`` or ``executor`` the endpoint runs on the core's own
    executor (one loaded graph, one zygote). :meth:`start` creates the executor eagerly at
    start-up so that its zygote is forked before the server has threads
    (see :mod:`kennis.graph.forking`).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        core: "Kennis | None" = None,
        core_factory: CoreFactory | None = None,
        store: Any = None,
        executor: "QueryExecutor | None" = None,
        limits: dict[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self._core = core
        self._core_factory = core_factory or _default_core_factory
        self._store = store
        self._executor = executor
        self._owns_executor = False  # the core's own executor is closed by the core
        self._limits = limits or {}
        self._lock = threading.RLock()

    def core(self) -> "Kennis":
        with self._lock:
            if self._core is None:
                self._core = self._core_factory(self.settings)
            return self._core

    def executor(self) -> "QueryExecutor":
        with self._lock:
            if self._executor is None:
                if self._store is not None or self._limits:
                    from kennis.graph.store import open_executor

                    store = self._store if self._store is not None else self.core().store
                    self._executor = open_executor(self.settings, store, **self._limits)
                    self._owns_executor = True
                else:
                    self._executor = self.core().executor
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
            if self._executor is not None and self._owns_executor:
                self._executor.close()
            elif self._executor is not None and self._core is not None:
                self._core.close()
            self._executor = None


def runtime(request: Request) -> Runtime:
    """FastAPI dependency: the app's runtime."""
    rt: Runtime = request.app.state.runtime
    return rt


def core(request: Request) -> "Kennis":
    """FastAPI dependency: the core behind the REST routes (loaded on first use)."""
    return runtime(request).core()
