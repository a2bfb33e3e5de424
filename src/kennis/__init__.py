"""kennis: knowledge graph and semantic search over Dutch regulation on bewaken en beveiligen.

Importing this package is cheap: torch, faiss, the model and the triple store load
lazily, when :class:`kennis.service.Kennis` first needs them.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
