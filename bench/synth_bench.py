"""Synth cost: the app against an empty CDK app, in fresh processes, measured in the same run.

An empty app pays for starting Python, jsii and Node; that floor is the part
this project cannot change. The ratio says what the app adds on top.

Usage: python bench/synth_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMPTY_APP = "import aws_cdk as cdk; cdk.App(analytics_reporting=False, outdir='cdk.out').synth()"


def run_once(argv: list[str], extra_env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, largest process of the tree) of one fresh synth."""
    with tempfile.TemporaryDirectory() as cwd:
        env = {**os.environ, **extra_env, "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            raise SystemExit(f"{' '.join(argv)} failed with status {status}")
        if not any(Path(cwd, "cdk.out").glob("*.json")):
            raise SystemExit(f"{' '.join(argv)} wrote no cloud assembly")
    return elapsed, usage.ru_maxrss / 1024


def measure(
    label: str, argv: list[str], runs: int, extra_env: dict[str, str]
) -> tuple[float, float]:
    samples = [run_once(argv, extra_env) for _ in range(runs)]
    wall = statistics.median(s[0] for s in samples)
    peak = max(s[1] for s in samples)
    print(f"  {label:<34} {wall:6.2f} s   {peak:7.0f} MiB")
    return wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per figure (median)")
    args = parser.parse_args()
    app = [sys.executable, str(ROOT / "app.py")]
    cases = [
        ("multi-stack, all environments", [*app, "-c", "topology=multi"]),
        ("single-stack", [*app, "-c", "topology=single"]),
    ]
    for validation in ("on", "off"):
        extra = {} if validation == "on" else {"CDK_VALIDATION": "false"}
        print(f"CDK built-in template validation {validation} (median of {args.runs} runs):")
        floor, floor_mem = measure(
            "empty CDK app (floor)", [sys.executable, "-c", EMPTY_APP], args.runs, extra
        )
        for label, argv in cases:
            wall, mem = measure(label, argv, args.runs, extra)
            print(f"  {'':<34} ratio {wall / floor:.2f}x time, {mem / floor_mem:.2f}x memory")
        print()


if __name__ == "__main__":
    main()
