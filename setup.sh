#!/usr/bin/env bash
# One command for a fresh machine: install kennis into .venv and build the knowledge base
# from the shipped corpus (../shared/corpus, or KENNIS_CORPUS_DIR).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# the CPU wheel of torch first: an unpinned torch would pull a multi-GB CUDA build
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e ".[test]"
.venv/bin/kennis build
