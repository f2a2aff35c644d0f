"""Benchmark: `hongyan demo build` at small and county scale — wall time and peak memory.

Run: `.venv/bin/python -m bench.demo_build [--scales small,county]`. Each build runs as its own process
(the real CLI) against a throwaway embedded cluster; peak memory is the build process's maximum RSS
(the PostgreSQL server's own memory is not included). Goals: small ≤ 30 s, county ≤ 300 s and ≤ 4 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.throwaway import throwaway_cluster

GOALS = {"small": (30.0, 4096.0), "county": (300.0, 4096.0)}


def run_build(scale: str, seed: int) -> tuple[float, float, str]:
    """Build one scale in a fresh database; returns (seconds, peak RSS in MiB, the CLI's output)."""
    with throwaway_cluster() as (url, scratch):
        env = dict(os.environ, HONGYAN_DATABASE_URL=url, HONGYAN_DATA_DIR=str(scratch / "data"))
        hongyan = str(Path(sys.executable).with_name("hongyan"))
        cmd = [hongyan, "demo", "build", "--scale", scale, "--seed", str(seed)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode != 0:
            raise SystemExit(f"demo build failed:\n{proc.stdout}\n{proc.stderr}")
        # ru_maxrss of children is the maximum over all children so far: run one scale per process for exactness
        return seconds, max(peak_kib, before) / 1024.0, proc.stdout


def main() -> None:
    """Run the builds and print a Markdown table with the goals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="small,county")
    parser.add_argument("--seed", type=int, default=20220513)
    args = parser.parse_args()
    rows = []
    for scale in args.scales.split(","):
        seconds, peak, output = run_build(scale, args.seed)
        print(output)
        goal_s, goal_mb = GOALS[scale]
        rows.append(
            f"| {scale} | {seconds:.1f} | {goal_s:.0f} | {seconds / goal_s:.2f} | {peak:,.0f} | {goal_mb:,.0f} |"
        )
    print("| scale | wall s | goal s | ratio | peak RSS MiB | goal MiB |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
