"""Numbers as the API accepts them: bounded by the PostgreSQL column they reach, floats finite.

Leaf module for routes and request bodies: a value PostgreSQL cannot hold (an id above 2⁶³−1, a head count
above 2³¹−1) or a float that is not a number (inf, nan) is refused with a 422 before any query runs.
Use them inside ``Annotated[..., Path(...)]`` / ``Query(...)`` or as a body field's type.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

INT8_MAX = 2**63 - 1  # bigint, bigserial
INT4_MAX = 2**31 - 1  # integer, serial

Id = Annotated[int, Field(ge=1, le=INT8_MAX)]
"""A row id held in a bigint column."""

Id4 = Annotated[int, Field(ge=1, le=INT4_MAX)]
"""A row id held in an integer (serial) column: policies, tasks."""

Int4 = Annotated[int, Field(ge=-INT4_MAX - 1, le=INT4_MAX)]
"""A number stored in an integer column (a count, a wage, an amount); its domain rule (not negative …) is
checked further in, with the domain's own message."""

Offset = Annotated[int, Field(ge=0, le=INT8_MAX)]
"""Rows to skip (PostgreSQL's OFFSET is a bigint)."""

Finite = Annotated[float, Field(allow_inf_nan=False)]
"""A float that is a number: inf, -inf and nan are refused."""

Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
"""Degrees east, WGS84 (or the datum the request names)."""

Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
"""Degrees north."""
