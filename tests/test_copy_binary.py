"""Binary COPY between numpy and PostgreSQL: columns written and arrays read back unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine, text

from geo.core.copy_binary import copy_arrays, copy_columns, copy_packed_rows


def _columns(n: int, *, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random test columns: unique bigint ids, full-range int4, booleans and float8 with edge values first."""
    rng = np.random.default_rng(seed)
    ids = rng.permutation(n).astype(np.int64) + 10**10
    small = rng.integers(-(2**31), 2**31 - 1, n).astype(np.int32)
    flags = rng.random(n) < 0.5
    values = rng.normal(size=n)
    values[:3] = [np.inf, -0.0, 1e-300]
    return ids, small, flags, values


def test_binary_copy_round_trip(engine: Engine) -> None:
    ids, small, flags, values = _columns(5000, seed=3)
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE t (id bigint, small integer, flag boolean, value float8)"))
        empty = copy_arrays(conn, "SELECT array_agg(id), array_agg(value) FROM t")
        assert [len(c) for c in empty] == [0, 0]
        written = copy_columns(
            conn,
            "t",
            [
                ("id", "int8", ids),
                ("small", "int4", small),
                ("flag", "bool", flags),
                ("value", "float8", values),
            ],
        )
        assert written == len(ids) == 5000
        got = copy_arrays(
            conn,
            "SELECT array_agg(id ORDER BY id), array_agg(small ORDER BY id), array_agg(flag ORDER BY id),"
            " array_agg(value ORDER BY id), (SELECT array_agg(x) FROM unnest(ARRAY['甲', 'b']) AS x) FROM t",
        )
    order = np.argsort(ids)
    assert np.array_equal(got[0], ids[order]) and got[0].dtype == np.int64
    assert np.array_equal(got[1], small[order])
    assert np.array_equal(got[2], flags[order])
    assert np.array_equal(got[3], values[order])
    assert got[4] == ["甲", "b"]


def test_inputs_of_an_empty_database_are_empty(engine: Engine) -> None:
    from matching.analytics.inputs import load_inputs

    with engine.connect() as conn:
        inputs = load_inputs(conn, srid=4548)
    assert (
        len(inputs.resident_ids) == len(inputs.rx) == len(inputs.village) == len(inputs.resident_group) == 0
    )
    assert len(inputs.site_ids) == 0 and inputs.groups == ("",)


def test_packed_rows_round_trip_and_errors(engine: Engine) -> None:
    ids, small, flags, values = _columns(3000, seed=5)
    packed = (
        "SELECT string_agg(int8send(id) || int4send(small) || boolsend(flag) || float8send(value), '' ORDER BY id)"
        " FROM t"
    )
    kinds = ["int8", "int4", "bool", "float8"]
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE t (id bigint, small integer, flag boolean, value float8)"))
        assert [len(c) for c in copy_packed_rows(conn, packed, kinds)] == [0, 0, 0, 0]  # NULL: no rows
        cols = [
            ("id", "int8", ids),
            ("small", "int4", small),
            ("flag", "bool", flags),
            ("value", "float8", values),
        ]
        copy_columns(conn, "t", cols)
        got = copy_packed_rows(conn, packed, kinds)
        with pytest.raises(ValueError, match="63000 bytes is not a whole number of 16-byte rows"):
            copy_packed_rows(conn, packed, ["int8", "int8"])
    order = np.argsort(ids)
    assert np.array_equal(got[0], ids[order]) and got[0].dtype == np.int64
    assert np.array_equal(got[1], small[order]) and got[1].dtype == np.int32
    assert np.array_equal(got[2], flags[order])
    assert np.array_equal(got[3], values[order], equal_nan=False)
