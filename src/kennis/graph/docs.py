"""HTML documentation of the ontology (TBox), generated with pyLODE."""

from __future__ import annotations

import logging
from pathlib import Path

from kennis.errors import ValidationError
from kennis.graph.abox import ONTOLOGY_DIR


def ontology_html(tbox: Path | None = None) -> str:
    """The TBox (``ontology/kennis.ttl``) as a pyLODE HTML page: classes, properties, definitions."""
    path = tbox or ONTOLOGY_DIR / "kennis.ttl"
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        # importing pyLODE configures the root logger (DEBUG, a stderr handler); its
        # chatter is not ours to print, and the configuration is undone below
        from pylode import OntPub

        root.setLevel(logging.WARNING)
        return OntPub(ontology=str(path)).make_html()
    except ImportError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyLODE raises plain exceptions on bad input
        raise ValidationError(f"cannot document the ontology {path}: {exc}") from exc
    finally:
        root.setLevel(level)
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
