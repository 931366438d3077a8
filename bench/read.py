"""Reading a regency's workbooks: openpyxl alone, the calamine reader, and a rerun from the cache.

    .venv/bin/python -m bench.read [--root DIR] [--rounds N]

Generates the 480-PK bench regency (bench.generate, default size) unless DIR already holds it,
then reads every PK and realisasi workbook of the period in this one process (no pool: CPU
seconds are this process's), the two readers interleaved round by round so that a busy shared
machine weighs on both alike; then once more with the cache cold, and warm. Prints seconds and
ratios; timings are for reading, never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench import generate
from sakip.ingest import bacaan
from sakip.ingest import workbooks as ingest


def jobs(root: Path, quarter: int) -> list[tuple[str, Path, str]]:
    base = root / str(generate.YEAR)
    out = []
    for agency in ingest.agencies(root, generate.YEAR).values():
        out += [("pk", p, str(p.relative_to(base))) for p in ingest.workbooks(agency / "pk")]
        for q in range(1, quarter + 1):
            out += [("realisasi", p, str(p.relative_to(base))) for p in ingest.workbooks(agency / "realisasi" / f"tw{q}")]
    return out


def timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=Path(tempfile.gettempdir()) / "sakip-bench-read")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    size = generate.Size()
    if not (args.root / str(generate.YEAR)).is_dir():
        generate.generate(args.root, size)
    work = jobs(args.root, size.quarter)
    fast = ingest._fast_sheets

    def openpyxl_only() -> list:
        ingest._fast_sheets = lambda *a: None  # the reading before calamine: openpyxl for every workbook
        try:
            return ingest.read_workbooks(work, workers=1)
        finally:
            ingest._fast_sheets = fast

    def calamine() -> list:
        return ingest.read_workbooks(work, workers=1)

    totals = {"openpyxl": [0.0, 0.0], "calamine": [0.0, 0.0]}
    results = {}
    for _ in range(args.rounds):
        for name, fn in (("openpyxl", openpyxl_only), ("calamine", calamine)):
            wall, cpu, results[name] = timed(fn)
            totals[name][0] += wall
            totals[name][1] += cpu
    assert repr(results["openpyxl"]) == repr(results["calamine"]), "the two readers read differently"
    cache = Path(tempfile.mkdtemp()) / "outputs"
    try:
        cold = timed(lambda: ingest.read_workbooks(work, workers=1, cache=bacaan.folder(cache)))
        warm = timed(lambda: ingest.read_workbooks(work, workers=1, cache=bacaan.folder(cache)))
        assert repr(warm[2]) == repr(results["calamine"]), "the cache read differently"
    finally:
        shutil.rmtree(cache.parent, ignore_errors=True)
    n = args.rounds
    old_wall, old_cpu = (t / n for t in totals["openpyxl"])
    new_wall, new_cpu = (t / n for t in totals["calamine"])
    print(f"{len(work)} workbooks, {n} interleaved rounds, one process")
    print(f"openpyxl only      : {old_wall:6.2f} s wall {old_cpu:6.2f} s CPU")
    print(f"calamine           : {new_wall:6.2f} s wall {new_cpu:6.2f} s CPU   (openpyxl/calamine CPU: {old_cpu / new_cpu:.2f}x)")
    print(f"cache cold (+write): {cold[0]:6.2f} s wall {cold[1]:6.2f} s CPU")
    print(f"cache warm         : {warm[0]:6.2f} s wall {warm[1]:6.2f} s CPU   (openpyxl/warm CPU: {old_cpu / warm[1]:.1f}x, "
          f"calamine/warm: {new_cpu / warm[1]:.1f}x)")


if __name__ == "__main__":
    main()
