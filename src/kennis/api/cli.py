"""``kennis serve``: the CLI subcommand of the HTTP API (registered in :mod:`kennis.cli`).

Imports nothing heavy: FastAPI and uvicorn load only when the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``serve`` to the ``kennis`` subcommands."""
    p = sub.add_parser("serve", parents=[common],
                       help="serve the JSON API and the SPARQL endpoint over HTTP")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace, k: Any) -> int:
    """Run until interrupted; ``k`` is the :class:`kennis.service.Kennis` the CLI built."""
    from kennis.api import serve

    serve(k.settings, host=args.host, port=args.port, core=k, log_level=args.log_level)
    return 0
