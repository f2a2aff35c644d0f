"""Benchmark: importing 10,000 residents from .xlsx and .csv (UTF-8, GBK) — goal ≤ 10 s each, encryption included.

Run: `.venv/bin/python -m bench.imports [--rows 10000] [--repeats 3]`. A throwaway embedded cluster gets the
small demo (its county outline, villages and occupations); each file is imported by ``registry.intake``'s
``import_file`` in one transaction on the owner engine (read, check every cell and row, encrypt ID numbers and
phones, keyed hashes, COPY + INSERT), then the imported rows are deleted before the next run. The peers, timed
in the same run on the same files: ``openpyxl`` loading the workbook only (read-only, the floor for any xlsx
reader), and ``pandas.read_excel`` + ``DataFrame.to_sql`` of the raw columns (no validation, no encryption).
Prints a Markdown table: median seconds, ratio to the 10 s goal and to each peer.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, text

from bench.throwaway import throwaway_cluster
from demo.build import build_demo
from geo.core.db import create_db_engine
from geo.core.migrate import upgrade
from geo.core.settings import Settings
from registry.intake.service import import_file
from registry.intake.specs import residents
from registry.personal import PersonalDataCipher, id_check_digit

GOAL_S = 10.0
HEADERS = [field.header for field in residents.SPEC.fields]  # the template's own columns
STATUSES = ("本地就业", "外出务工", "务农", "求职", "在校", "非劳动力")


def resident_rows(n: int, villages: list[str], *, seed: int = 5) -> list[list[object]]:
    """n valid, distinct residents (born 1965–2005) spread over the villages; a third with GCJ-02-free seats."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[list[object]] = []
    while len(rows) < n:
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(40 * 365))
        # 341521 (寿县, next door): the small demo's residents all carry 341522, so no number is already held
        first17 = f"341521{born:%Y%m%d}{rng.randrange(1000):03d}"
        if first17 in seen:
            continue
        seen.add(first17)
        k = len(rows)
        rows.append(
            [
                f"压测{k}",
                first17 + id_check_digit(first17),
                f"139{rng.randrange(10**8):08d}",
                villages[k % len(villages)],
                STATUSES[k % len(STATUSES)],
                "初中",
                None,
                "苏州",
                "否",
                "3000-4999元",
                None,
                None,
                None,
            ]
        )
    return rows


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A write-only workbook of the rows (ID numbers as text)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民")
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str) -> bytes:
    """The rows as CSV in an encoding."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows([["" if v is None else v for v in r] for r in rows])
    return out.getvalue().encode(encoding)


def timed(fn: Callable[[], object], repeats: int, reset: Callable[[], None]) -> float:
    """Median seconds of fn over the repeats, reset after each."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        reset()
    return statistics.median(times)


def main() -> None:
    """Build the files, time the imports and the peers, print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with throwaway_cluster("hongyan_bench_imports") as (url, scratch):
        engine = create_db_engine(url, pool_size=2)
        upgrade(engine)
        settings = Settings(database_url=url, data_dir=scratch / "data")
        build_demo(engine, settings, scale="small", seed=7)
        with engine.connect() as conn:
            villages = list(
                conn.execute(text("SELECT code FROM admin_areas WHERE level = 'village'")).scalars()
            )
        rows = resident_rows(args.rows, villages)
        files = {
            "xlsx": (xlsx_bytes(rows), "居民.xlsx", "auto"),
            "csv UTF-8": (csv_bytes(rows, "utf-8"), "居民.csv", "auto"),
            "csv GBK": (csv_bytes(rows, "gbk"), "居民.csv", "gbk"),
        }
        cipher = PersonalDataCipher(settings.secret_key)
        results = {
            name: _time_import(engine, cipher, *spec, rows=args.rows, repeats=args.repeats)
            for name, spec in files.items()
        }
        xlsx_data = files["xlsx"][0]
        load_only = timed(lambda: _openpyxl_load(xlsx_data), args.repeats, lambda: None)
        pandas_s = timed(lambda: _pandas(engine, xlsx_data), args.repeats, lambda: _drop_peer(engine))
        engine.dispose()
    print(f"{args.rows:,} residents; median of {args.repeats}; xlsx {len(xlsx_data) / 1e6:.2f} MB")
    print(
        "| file | import s | goal s | ratio to goal | vs openpyxl load only | vs pandas read_excel + to_sql |"
    )
    print("|---|---|---|---|---|---|")
    for name, seconds in results.items():
        print(
            f"| {name} | {seconds:.2f} | {GOAL_S:.0f} | {seconds / GOAL_S:.2f} "
            f"| {seconds / load_only:.2f} | {seconds / pandas_s:.2f} |"
        )
    print(f"| peer: openpyxl load only (xlsx) | {load_only:.2f} | | | 1.00 | {load_only / pandas_s:.2f} |")
    print(
        f"| peer: pandas read_excel + to_sql (xlsx, no checks) | {pandas_s:.2f} | | | "
        f"{pandas_s / load_only:.2f} | 1.00 |"
    )


def _time_import(
    engine: Engine,
    cipher: PersonalDataCipher,
    data: bytes,
    source: str,
    encoding: str,
    *,
    rows: int,
    repeats: int,
) -> float:
    """Median seconds of one import in one transaction (committed), the rows deleted after each."""

    def once() -> None:
        with engine.begin() as conn:
            report = import_file(
                conn,
                "residents",
                data,
                source=source,
                mode="all_or_nothing",
                scope="341522",
                cipher=cipher,
                max_upload_mb=200,
                encoding=encoding,
            )
        if report.written != rows:
            raise SystemExit(f"{source}: wrote {report.written} of {rows}: {report.errors[:3]}")

    return timed(once, repeats, lambda: _delete(engine))


def _delete(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM residents WHERE name LIKE '压测%'"))


def _openpyxl_load(data: bytes) -> int:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return n


def _pandas(engine: Engine, data: bytes) -> None:
    frame = pd.read_excel(io.BytesIO(data), dtype=str)
    frame.to_sql(
        "bench_peer_residents", engine, if_exists="replace", index=False, method="multi", chunksize=1000
    )


def _drop_peer(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_peer_residents"))


if __name__ == "__main__":
    main()
