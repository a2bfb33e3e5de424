"""``python -m kennis.api [--host H] [--port P]``: the same as ``kennis serve``."""

from __future__ import annotations

import argparse

from kennis.api import serve
from kennis.config import Settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m kennis.api", description="Serve the kennis HTTP API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args()
    serve(Settings.from_env(), host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
