"""HTTP interface of kennis: the SPARQL 1.1 Protocol endpoint and the JSON REST API.

``create_app(settings, ...)`` builds a FastAPI app (nothing is built at import);
``serve(settings, host, port)`` runs it with uvicorn (``kennis serve``). FastAPI and
uvicorn are imported only when these are called, so the CLI stays quick to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI

    from kennis.config import Settings

__all__ = ["create_app", "serve"]


def create_app(settings: "Settings | None" = None, **kwargs: Any) -> "FastAPI":
    """Build the app; see :func:`kennis.api.app.create_app` for the options."""
    from kennis.api.app import create_app as _create_app

    return _create_app(settings, **kwargs)


def serve(settings: "Settings", host: str = "127.0.0.1", port: int = 8000, **kwargs: Any) -> None:
    """Run the app with uvicorn until interrupted; see :func:`kennis.api.app.serve`."""
    from kennis.api.app import serve as _serve

    _serve(settings, host=host, port=port, **kwargs)
