"""One error hierarchy for kennis.

Front-ends translate these at their edges: the CLI prints ``str(error)`` and exits
with ``error.exit_code``; the HTTP API answers with ``error.http_status`` and a JSON
body. Anything that is not a :class:`KennisError` is a bug.
"""

from __future__ import annotations


class KennisError(Exception):
    """Base class of every error kennis raises on purpose."""

    exit_code: int = 1
    http_status: int = 500

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class ConfigError(KennisError):
    """A setting is missing or wrong (corpus folder, data folder, model path...)."""

    exit_code = 2
    http_status = 500


class ManifestError(KennisError):
    """MANIFEST.toml is unreadable, incomplete or inconsistent."""

    exit_code = 2


class ChecksumError(ManifestError):
    """A corpus file is missing or its sha256 differs from the manifest."""


class ParseError(KennisError):
    """A corpus text could not be parsed into a citation tree."""

    exit_code = 2


class NotFoundError(KennisError):
    """An unknown document, version, reference, actor or passage was asked for."""

    exit_code = 3
    http_status = 404


class InvalidInputError(KennisError):
    """User input (a query, a date, a parameter) is malformed."""

    exit_code = 2
    http_status = 400


class NotBuiltError(KennisError):
    """The knowledge base (or one of its parts) has not been built yet."""

    exit_code = 4
    http_status = 503

    def __init__(self, message: str, *, hint: str | None = "run `kennis build` first") -> None:
        super().__init__(message, hint=hint)


class ValidationError(KennisError):
    """The knowledge graph failed validation (SHACL shapes, quotes, sources, reasoning)."""

    exit_code = 5


class QueryError(KennisError):
    """A SPARQL query is malformed or not allowed (updates, SERVICE...)."""

    exit_code = 2
    http_status = 400


class QueryTimeoutError(KennisError):
    """A query ran past its time limit and was stopped."""

    exit_code = 6
    http_status = 503


class ServiceError(KennisError):
    """A government service (SRU search, BWB repository) could not be reached or answered an error."""

    exit_code = 7
    http_status = 502


class ResultTooLargeError(KennisError):
    """A query result exceeds the configured row cap."""

    exit_code = 2
    http_status = 413
