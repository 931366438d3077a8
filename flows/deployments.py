"""The two deployments of the quarterly flow, for `sakip serve` (prefect.yaml declares the same
two for a Prefect server with a work pool; a test keeps them in step).

- "terjadwal": the scheduled run, 06:00 WIB on the 5th day after each quarter ends, reporting
  the quarter that ended (the flow derives it from the run's scheduled date);
- "ulang": a manual rerun after corrections, for a year and quarter and optionally some PKs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.schedules import Cron

from flows.quarterly import quarterly
from sakip.schedule import CRON, TIMEZONE

SCHEDULED = "terjadwal"
RERUN = "ulang"
TAGS = ["sakip"]


def deployments(inputs: Path, outputs: Path, templates: Path, expectations: Path) -> list[Any]:
    """RunnerDeployments serving the folders given (absolute, so that runs do not depend on the
    directory the server was started from)."""
    folders = {"inputs": str(inputs), "outputs": str(outputs), "templates": str(templates),
               "expectations": str(expectations)}
    return [
        quarterly.to_deployment(SCHEDULED, schedules=[Cron(CRON, timezone=TIMEZONE)], parameters=folders,
                                tags=TAGS, concurrency_limit=1,
                                description="Laporan triwulanan otomatis: 06.00 WIB tanggal 5 setelah triwulan berakhir."),
        quarterly.to_deployment(RERUN, parameters=folders, tags=TAGS, concurrency_limit=1,
                                description="Run ulang setelah koreksi: isi year, quarter, dan bila perlu pks atau force."),
    ]
