"""Reusing build steps: a content fingerprint of every input of a step.

A step's *key* hashes what it reads: the content of its input files and folders (the
structured corpus, the manifest, the ontology, the curated ABox), the settings that shape
its output and the keys of the steps it depends on. Its *code* is recorded after it ran:
the content of every kennis module loaded by then (a superset of the modules the step
used) and the installed distributions (name and version). ``build.json`` in the built
folder holds, per step, its key, its code and the files it wrote.

A later build reuses a step, copying its files from the current build instead of running
it, only when the key is the same, every recorded module still has the recorded content,
the distributions are the same and every file it wrote is still there. Anything else runs
the step again, so a changed corpus, ABox, ontology, setting, module or library never
leaves a stale part behind. ``build.json`` is written into the staging folder and swapped
in with everything else: it never describes files that are not there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

#: Bumped when the meaning of a key or of ``build.json`` changes: every step runs again.
FORMAT = 1
BUILD_FILE = "build.json"
_PACKAGE_DIR = Path(__file__).resolve().parent
_MISSING = "-"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_file_digests: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """sha256 of a file's content, of a folder's files (names and contents, hidden ones
    and byte-code left out), or a marker for a path that does not exist."""
    path = Path(path)
    if path.is_dir():
        parts = []
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(files):
                if name.startswith(".") or name.endswith((".pyc", ".tmp")):
                    continue
                f = Path(root, name)
                parts.append(f"{f.relative_to(path).as_posix()}\x00{file_digest(f)}")
        return _sha("\n".join(parts).encode("utf-8"))
    try:
        if not path.resolve().is_relative_to(_PACKAGE_DIR):
            return _sha(path.read_bytes())
        st = path.stat()
    except OSError:
        return _MISSING
    # A module is hashed once per process (by path, size and modification time): every
    # step records the same few dozen. Data files are read every time: a test may rewrite one.
    memo = (str(path), st.st_size, st.st_mtime_ns)
    digest = _file_digests.get(memo)
    if digest is None:
        digest = _sha(path.read_bytes())
        _file_digests[memo] = digest
    return digest


def step_key(files: Iterable[Path] = (), /, **values: Any) -> str:
    """The key of a step: the digests of ``files`` and the JSON of ``values``."""
    payload = {"format": FORMAT, "files": [file_digest(Path(f)) for f in files],
               "values": {k: values[k] for k in sorted(values)}}
    return _sha(json.dumps(payload, sort_keys=True, default=str).encode("utf-8"))


def code_state() -> dict[str, str]:
    """Digests of the kennis modules loaded in this process and of the installed distributions."""
    state: dict[str, str] = {}
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if not name:
            continue
        path = Path(name).resolve()
        if path.is_relative_to(_PACKAGE_DIR):
            state[path.relative_to(_PACKAGE_DIR).as_posix()] = file_digest(path)
    state["<distributions>"] = _distributions()
    return dict(sorted(state.items()))


def _distributions() -> str:
    names: set[str] = set()
    for entry in sys.path:
        if entry.endswith("site-packages") and os.path.isdir(entry):
            names.update(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info")))
    return _sha("\n".join(sorted(names)).encode("utf-8"))


def _code_unchanged(code: dict[str, str]) -> bool:
    for rel, digest in code.items():
        current = _distributions() if rel == "<distributions>" else file_digest(_PACKAGE_DIR / rel)
        if current != digest:
            return False
    return bool(code)


@dataclass
class StepRecord:
    key: str
    code: dict[str, str]
    outputs: list[str]


@dataclass
class BuildRecord:
    """The steps of the current build (``previous``) and of the one being made (``steps``)."""

    previous_dir: Path
    previous: dict[str, StepRecord] = field(default_factory=dict)
    steps: dict[str, StepRecord] = field(default_factory=dict)
    #: The steps taken from the previous build, in order.
    reused: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, previous_dir: Path) -> "BuildRecord":
        """The record of the build in ``previous_dir`` (none, or a damaged one: nothing to reuse)."""
        record = cls(previous_dir)
        try:
            data = json.loads((previous_dir / BUILD_FILE).read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                record.previous = {name: StepRecord(s["key"], dict(s["code"]), list(s["outputs"]))
                                   for name, s in data["steps"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            record.previous = {}
        return record

    def reusable(self, name: str, key: str) -> bool:
        """Whether step ``name`` with inputs ``key`` may be taken from the previous build."""
        old = self.previous.get(name)
        return (old is not None and old.key == key and _code_unchanged(old.code)
                and all((self.previous_dir / out).exists() for out in old.outputs))

    def reuse(self, name: str, staging: Path) -> None:
        """Copy the files step ``name`` wrote in the previous build into ``staging``."""
        old = self.previous[name]
        for out in old.outputs:
            src, dst = self.previous_dir / out, staging / out
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)
        self.steps[name] = old
        self.reused.append(name)

    def ran(self, name: str, key: str, outputs: Iterable[str]) -> None:
        """Record that step ``name`` ran with inputs ``key`` and wrote ``outputs`` (relative paths)."""
        self.steps[name] = StepRecord(key, code_state(), sorted(outputs))

    def save(self, staging: Path) -> None:
        payload = {"format": FORMAT,
                   "steps": {n: {"key": s.key, "code": s.code, "outputs": s.outputs} for n, s in self.steps.items()}}
        tmp = staging / (BUILD_FILE + ".tmp")
        tmp.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, staging / BUILD_FILE)


@dataclass(frozen=True)
class Step:
    """One build step: ``run(staging)`` writes ``outputs`` (paths relative to the staging
    folder); ``key()`` its inputs, asked just before it would run (after the steps before it)."""

    name: str
    run: Callable[[Path], Any]
    key: Callable[[], str]
    outputs: tuple[str, ...] = ()
    #: Anything outside the build folder the step's result also lives in (a cache file).
    also_needs: Callable[[], bool] = lambda: True


def run_steps(steps: Iterable[Step], record: BuildRecord, staging: Path, progress: Any) -> dict[str, float]:
    """Run (or reuse) each step in order; return the seconds each took."""
    import time

    timings: dict[str, float] = {}
    for step in steps:
        t = time.perf_counter()
        key = step.key()
        if record.reusable(step.name, key) and step.also_needs():
            progress.step(f"{step.name}: inputs unchanged, reused from the last build")
            record.reuse(step.name, staging)
        else:
            progress.step(f"building {step.name}")
            step.run(staging)
            record.ran(step.name, key, step.outputs)
        timings[f"{step.name}_s"] = time.perf_counter() - t
    return timings
