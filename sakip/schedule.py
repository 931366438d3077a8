"""When the quarterly run happens, and which quarter a scheduled run reports.

The run is scheduled at 06:00 WIB on the 5th day after each quarter ends (5 January, April,
July and October): units have had the first days of the month to send their realisasi.
A scheduled run has no year or quarter of its own: it reports the last quarter that ended
before its scheduled date, so the run of 5 January 2027 reports Triwulan IV of 2026.
"""

from __future__ import annotations

import datetime as dt

from .formatting import JAKARTA

# The schedule's one statement: `sakip serve` (flows/deployments.py) uses these, and prefect.yaml,
# which cannot import them, repeats them (tests/flows/test_deployments.py keeps it equal).
CRON = "0 6 5 1,4,7,10 *"
TIMEZONE = JAKARTA.key  # WIB, the zone of every time an official reads


def period_for(moment: dt.datetime | dt.date) -> tuple[int, int]:
    """The (year, quarter) that ended last before `moment` (read in Asia/Jakarta)."""
    if isinstance(moment, dt.datetime):
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).astimezone(JAKARTA).date()
    current = (moment.month - 1) // 3 + 1
    return (moment.year - 1, 4) if current == 1 else (moment.year, current - 1)
