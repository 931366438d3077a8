"""Write templates/<name>/sample_context.json from the demo agency (run from the project root).

The per-PK documents and the recap take PK-SEK and the agency in Triwulan II 2026 as committed
in inputs/. The LKjIP needs a whole year: the demo's Triwulan III and IV and an earlier year
(2025, for the comparisons) are derived from the RA targets in a temporary copy
(`make_demo_inputs.synthetic_quarters`), and a narrative file is written beside them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from make_demo_inputs import synthetic_quarters  # noqa: E402

from sakip.pdf import bundle
from sakip.documents import charts
from sakip.documents import reports
from sakip.documents import render as r
from sakip.capaian.rules import compute  # noqa: E402
from sakip.ingest.workbooks import read_period  # noqa: E402
from sakip.paraf.suites import ParafResult  # noqa: E402

ISSUED = dt.date(2026, 7, 6)
# A fixed check time, so that regenerating the samples changes them only when the code does.
CHECKED = dt.datetime(2026, 7, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
PK = "PK-SEK"
NARRATIVE = Path("inputs") / "2026" / "lkjip.toml"


def all_initialled(period) -> dict[str, ParafResult]:
    """Paraf verdicts for the derived year without running GX: its data is generated clean."""
    return {pk: ParafResult(pk, "PARAF") for pk in period.pk_codes()}


def write(name: str, context: dict) -> None:
    path = Path("templates") / name / "sample_context.json"
    path.write_text(json.dumps(charts.to_json_tree(context), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def per_pk_and_recap() -> None:
    from sakip.paraf import suites as paraf_stage

    period = read_period(Path("inputs"), 2026, 2)
    results = compute(period)
    cfg = period.config
    per = r.Period(2026, 2, ISSUED)
    who = period.official(PK)
    with paraf_stage.IsolatedSuites(Path("expectations")) as checker:
        verdicts = paraf_stage.run(period, results, checker.suites(), checker.validate)
    checked = CHECKED
    verdicts = {pk: dataclasses.replace(v, checked_at=checked) for pk, v in verdicts.items()}
    write("sampul", r.cover_context(cfg, PK, who, per))
    write("laporan_triwulan", r.report_context(cfg, PK, who, results[PK], per))
    write("lampiran_pk", r.lampiran_pk_context(cfg, PK, who, period, per))
    write("lampiran_ra", r.lampiran_ra_context(cfg, PK, who, period, per))
    write("lembar_paraf", r.paraf_context(cfg, PK, who, verdicts[PK], per))
    officials = {row["pk"]: row["nama"] for row in period.records("pks")}
    write("rekap_instansi", reports.rekap_context(cfg, period.pk_codes(), results, verdicts, officials, per))
    write("bundel_paket", bundle_sample(period, results, verdicts, per, checked))


def bundle_sample(period, results, verdicts, per, created) -> dict:
    """The index of the demo's bundle: each initialled PK's package of 8 pages, PK-SEK already
    signed by its official, and the returned PK left out."""
    made = {pk: Path(f"paket_{pk}.pdf") for pk, v in verdicts.items() if v.verdict == "PARAF"}
    entries = bundle.entries(period, results, verdicts, made, "")
    listed = [bundle.Listed(e, 8, "1", ["ttd_pejabat"] if e.pk == PK else [], []) for e in entries if e.package]
    return bundle.context(period.config, per, listed, [e for e in entries if not e.package], 1, created)


def lkjip() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree("inputs/2026", root / "2026")
        (root / "2025").mkdir()
        shutil.copy("inputs/2026/instansi.toml", root / "2025" / "instansi.toml")
        synthetic_quarters(root, 2026, [3, 4])
        synthetic_quarters(root, 2025, [1, 2, 3, 4], with_pk=True)
        period = read_period(root, 2026, 4)
        results = compute(period)
        cfg = period.config
        per = r.Period(2026, 4, dt.date(2027, 2, 15))
        narasi, _ = reports.load_narrative(NARRATIVE.parent)
        earlier, _ = reports.earlier_years(root, 2026)
        records = period.records("pks")
        write("lkjip", reports.lkjip_context(cfg, narasi, str(NARRATIVE), period.pk_codes(),
                                             {x["pk"]: x["nip"] for x in records}, results,
                                             all_initialled(period), {x["pk"]: x["nama"] for x in records}, earlier, per))


if __name__ == "__main__":
    per_pk_and_recap()
    lkjip()
