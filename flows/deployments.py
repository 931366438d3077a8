"""The deployments of the quarterly flow, for `sakip serve` (prefect.yaml declares the same
for a Prefect server with a work pool; a test keeps them in step).

- "terjadwal": the scheduled run, 06:00 WIB on the 5th day after each quarter ends, reporting
  the quarter that ended (the flow derives it from the run's scheduled date);
- "ulang": a manual rerun after corrections, for a year and quarter and optionally some PKs;
- "instansi" (of the agency flow): one agency's quarter, submitted by a period run with `sebar`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.schedules import Cron

from flows.quarterly import AGENCY_DEPLOYMENT, agency_quarterly, quarterly
from sakip.schedule import CRON, TIMEZONE

SCHEDULED = "terjadwal"
RERUN = "ulang"
AGENCY = AGENCY_DEPLOYMENT.split("/")[1]
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
        agency_quarterly.to_deployment(AGENCY, tags=TAGS,
                                       description="Satu instansi dari periode yang disebar per instansi: diisi oleh run periode (sebar=true)."),
    ]
