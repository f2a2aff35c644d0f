"""Shared pieces of the API's models: bodies that name an unknown field in the domain's words, closed sets.

A closed set (a mode, a kind, a status) is checked by the domain with its own Chinese-first message, which the
pages show; ``one_of`` puts the set into the OpenAPI document as an enum and leaves the refusal to that check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import JsonDict

from geo.core.errors import InvalidInput

BINARY: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
"""The content entry of a file answer (a workbook, a tile): bytes of the named media type."""
HTML: dict[str, Any] = {"schema": {"type": "string"}}
"""The content entry of an HTML page or report."""


def one_of(values: Iterable[str], description: str = "", **extra: Any) -> Any:
    """A Field (or Query(...) keyword set) documenting a closed set of strings as an enum."""
    return Field(description=description, json_schema_extra={"enum": list(values)}, **extra)


def enum_schema(values: Iterable[str]) -> JsonDict:
    """``json_schema_extra`` for Query/Path parameters whose set the domain checks."""
    return {"enum": list(values)}


def items_of(values: Iterable[str]) -> JsonDict:
    """``json_schema_extra`` for a list whose items come from a closed set the domain checks."""
    return {"items": {"enum": list(values)}}


class Body(BaseModel):
    """A request body: an unknown field is refused as the domain refuses it (InvalidInput naming the field);
    ``what`` names the thing in the message ("unknown talent field …")."""

    model_config = ConfigDict(extra="forbid")
    what: ClassVar[str] = ""
    unknown_label: ClassVar[str] = "未知字段"

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = list(cls.model_fields)
            unknown = sorted(set(data) - set(allowed))
            if unknown:
                raise InvalidInput(
                    f"{cls.unknown_label} unknown {cls.what} field {unknown[0]!r}: use {', '.join(allowed)}",
                    field=unknown[0],
                )
        return data

    def given(self) -> dict[str, Any]:
        """The fields the client sent, as the domain's validators read them."""
        return self.model_dump(exclude_unset=True)


class Deleted(BaseModel):
    """What a DELETE answers."""

    status: Literal["deleted"] = "deleted"


class PointGeometry(BaseModel):
    """A GeoJSON point, WGS84 [longitude, latitude]."""

    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(min_length=2, max_length=2)
