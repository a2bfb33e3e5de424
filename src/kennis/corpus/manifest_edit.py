"""Edits of MANIFEST.toml that keep it as its authors wrote it: comments, order, layout.

The text is changed line by line (a version is added at the end of its document's block,
before the comments that introduce the next one; a new document at the end), and the
result is checked: parsed again it must equal the old data with exactly these changes,
so a manifest this cannot edit safely is refused instead of rewritten.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kennis.errors import ManifestError

_HEADER = re.compile(r"^(\s*)\[\[\s*([A-Za-z0-9_.]+)\s*\]\]\s*(?:#.*)?$")
_ID = re.compile(r'^\s*id\s*=\s*"([^"]*)"\s*(?:#.*)?$')
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def toml_value(value: Any) -> str:
    """A TOML value for a string, date (written as a string, as the manifest does), number or list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    # a JSON string literal is a valid TOML basic string (same escapes)
    return json.dumps(str(value), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@dataclass
class ManifestEdit:
    """Pending changes to one manifest text; :meth:`render` applies and checks them."""

    text: str
    _ops: list[tuple[str, Any]] = field(default_factory=list)

    def add_document(self, fields: dict[str, Any], versions: list[dict[str, Any]]) -> None:
        self._ops.append(("document", (dict(fields), [dict(v) for v in versions])))

    def add_version(self, doc_id: str, fields: dict[str, Any]) -> None:
        self._ops.append(("version", (doc_id, dict(fields))))

    def set_fields(self, doc_id: str, fields: dict[str, Any]) -> None:
        if fields:
            self._ops.append(("fields", (doc_id, dict(fields))))

    @property
    def changed(self) -> bool:
        return bool(self._ops)

    # --- applying ------------------------------------------------------------------------------

    def render(self) -> tuple[str, dict[str, Any]]:
        """The new text and its parsed data; :class:`ManifestError` if the edit would not be exact."""
        try:
            old = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            raise ManifestError(f"MANIFEST.toml: TOML syntax error: {exc}") from exc
        expected = copy.deepcopy(old)
        lines = self.text.splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        for kind, payload in self._ops:
            if kind == "document":
                fields, versions = payload
                lines += self._document_lines(fields, versions)
                entry = {k: _plain(v) for k, v in fields.items()}
                if versions:
                    entry["version"] = [{k: _plain(v) for k, v in ver.items()} for ver in versions]
                expected.setdefault("document", []).append(entry)
            elif kind == "version":
                doc_id, fields = payload
                _, end = self._block(lines, doc_id)
                lines[end:end] = ["\n", *self._version_lines(lines, fields)]
                self._expected_doc(expected, doc_id).setdefault("version", []).append(
                    {k: _plain(v) for k, v in fields.items()})
            else:
                doc_id, fields = payload
                start, end = self._block(lines, doc_id)
                head_end = next((i for i in range(start + 1, end) if _HEADER.match(lines[i])), end)
                for key, value in fields.items():
                    line = f"{key} = {toml_value(value)}\n"
                    at = next((i for i in range(start + 1, head_end) if (m := _KEY.match(lines[i])) and m.group(1) == key), None)
                    if at is not None:
                        lines[at] = line
                    else:
                        last = max((i for i in range(start + 1, head_end) if _KEY.match(lines[i])), default=start)
                        lines.insert(last + 1, line)
                        head_end += 1
                        end += 1
                    self._expected_doc(expected, doc_id)[key] = _plain(value)
        new_text = "".join(lines)
        try:
            data = tomllib.loads(new_text)
        except tomllib.TOMLDecodeError as exc:
            raise ManifestError(f"MANIFEST.toml could not be edited safely ({exc}); nothing was changed") from exc
        if data != expected:
            raise ManifestError("MANIFEST.toml has a layout this edit cannot keep exact; nothing was changed")
        return new_text, data

    # --- text helpers --------------------------------------------------------------------------

    @staticmethod
    def _expected_doc(data: dict[str, Any], doc_id: str) -> dict[str, Any]:
        for d in data.get("document", []):
            if d.get("id") == doc_id:
                return d
        raise ManifestError(f"MANIFEST.toml has no [[document]] {doc_id!r}")

    @staticmethod
    def _block(lines: list[str], doc_id: str) -> tuple[int, int]:
        """(header line, insertion point) of a document's block: before the comments of the next."""
        headers = [(i, m.group(2)) for i, line in enumerate(lines) if (m := _HEADER.match(line))]
        top = [(i, name) for i, name in headers if name in ("document", "work")]
        for k, (i, name) in enumerate(top):
            if name != "document":
                continue
            next_header = next((h for h, _ in headers if h > i), len(lines))
            if not any((m := _ID.match(lines[j])) and m.group(1) == doc_id for j in range(i + 1, next_header)):
                continue
            end = top[k + 1][0] if k + 1 < len(top) else len(lines)
            while end - 1 > i and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
                end -= 1
            return i, end
        raise ManifestError(f"MANIFEST.toml has no [[document]] {doc_id!r}")

    @staticmethod
    def _indent(lines: list[str]) -> str:
        for line in lines:
            m = _HEADER.match(line)
            if m and m.group(2) == "document.version":
                return m.group(1)
        return "  "

    def _version_lines(self, lines: list[str], fields: dict[str, Any]) -> list[str]:
        ind = self._indent(lines)
        return [f"{ind}[[document.version]]\n"] + [f"{ind}{k} = {toml_value(v)}\n" for k, v in fields.items()]

    def _document_lines(self, fields: dict[str, Any], versions: list[dict[str, Any]]) -> list[str]:
        out = ["\n", "[[document]]\n"] + [f"{k} = {toml_value(v)}\n" for k, v in fields.items()]
        ind = self._indent(self.text.splitlines())
        for v in versions:
            out += ["\n", f"{ind}[[document.version]]\n"] + [f"{ind}{k} = {toml_value(x)}\n" for k, x in v.items()]
        return out
