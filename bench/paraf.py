"""Time the paraf step alone on a generated period, in a fresh process.

Printed as JSON: the Great Expectations import (which `sakip run` overlaps with reading the
workbooks, in the GX child process), the context set-up with the suites loaded, and the
validation of every PK of the period (frames built, one GX run per suite, failures traced to
cells), cold and once more warm.

    python -m bench.paraf INPUTS YEAR QUARTER
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(inputs: Path, year: int, quarter: int) -> dict:
    from sakip.capaian import rules as capaian
    from sakip.ingest import workbooks as ingest

    period = ingest.read_period(inputs, year, quarter)
    results = capaian.compute(period)

    start = time.perf_counter()
    import great_expectations  # noqa: F401

    from sakip.paraf import suites as paraf
    imported = time.perf_counter()
    suites = paraf.load_suites(ROOT / "expectations")
    paraf._gx_batch_definition()  # the ephemeral context, its pandas datasource and batch definition
    ready = time.perf_counter()
    verdicts = paraf.run(period, results, suites)
    cold = time.perf_counter()
    paraf.run(period, results, suites)
    warm = time.perf_counter()
    return {
        "pks": len(verdicts), "indicators": len(period.indicators), "suites": len(suites),
        "expectations": sum(len(s.checks) for s in suites),
        "returned": sum(v.verdict == "DIKEMBALIKAN" for v in verdicts.values()),
        "import_seconds": round(imported - start, 2),
        "setup_seconds": round(ready - imported, 2),
        "validate_seconds": round(cold - ready, 2),
        "validate_warm_seconds": round(warm - cold, 2),
        "setup_and_validate_seconds": round(cold - imported, 2),
    }


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
