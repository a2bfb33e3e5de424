"""OpenAPI schemas for the REST routes, derived from the frozen dataclasses in ``models.py``.

The routes return ``to_dict()`` as is (the CLI's JSON); these pydantic models only
document it. They are generated, so ``models.py`` stays the single source of truth.
(The dataclasses cannot be handed to FastAPI directly: a field named ``date`` shadows
the ``date`` type when pydantic evaluates the annotations in the class namespace.)
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from kennis import models


@lru_cache(maxsize=None)
def schema_for(cls: type) -> type[BaseModel]:
    """A pydantic model with the JSON shape of ``cls.to_dict()``."""
    hints = typing.get_type_hints(cls, globalns=vars(models), localns={"date": datetime.date})
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        annotation = _convert(hints[f.name])
        if f.default is not dataclasses.MISSING:
            default = list(f.default) if isinstance(f.default, tuple) else f.default
            fields[f.name] = (annotation, default)
        elif f.default_factory is not dataclasses.MISSING:
            fields[f.name] = (annotation, None)
        else:
            fields[f.name] = (annotation, ...)
    doc = (cls.__doc__ or "").strip()
    model = create_model(cls.__name__, __config__=ConfigDict(title=cls.__name__), **fields)
    model.__doc__ = doc
    return model


def _convert(tp: Any) -> Any:
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return schema_for(tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is tuple:
        inner = args[0] if args else Any
        return list[_convert(inner)]  # type: ignore[misc]
    if origin is list:
        return list[_convert(args[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[_convert(args[0]), _convert(args[1])]  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType):
        converted = tuple(_convert(a) for a in args)
        return typing.Union[converted]
    return tp
