"""The quarterly flow: workbooks in, signature-ready packages and correction workbooks out.

Only composition lives here; every stage is a plain function in the sakip package. Tasks work
on the whole period at once (one GX run per suite, one conversion pipeline), so a period with
hundreds of PKs pays Prefect's per-task overhead a handful of times, not per PK. The period's
data is passed `quote`d: Prefect otherwise walks every element of a task's arguments looking
for upstream futures, which costs ~3 s per task at 480 PKs.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from sakip import capaian as capaian_stage
from sakip import ingest as ingest_stage
from sakip import paraf as paraf_stage
from sakip import paraf_report
from sakip import produce as produce_stage
from sakip.capaian import PKResult
from sakip.convert import Converter
from sakip.manifest import RunInfo
from sakip.ingest import PeriodData
from sakip.outputs import period_dir, pk_dir
from sakip.paraf import IsolatedSuites, ParafResult
from sakip.produce import AgencyDocuments, Produced
from sakip.summary import Row, Summary, capaian_range

JAKARTA = dt.timezone(dt.timedelta(hours=7), "WIB")


@task(name="ingest", cache_policy=NO_CACHE)
def ingest(inputs: Path, year: int, quarter: int, pks: list[str] | None) -> PeriodData:
    """Read instansi.toml and the PK and realisasi workbooks (only `pks` when given)."""
    period = ingest_stage.read_period(inputs, year, quarter)
    if pks:
        period = period.only(pks)
    get_run_logger().info("Membaca %d PK tahun %d triwulan %d", len(period.pk_codes()), year, quarter)
    return period


@task(name="capaian", cache_policy=NO_CACHE)
def capaian(period: PeriodData) -> dict[str, PKResult]:
    """Compute capaian per indicator and budget absorption per program."""
    return capaian_stage.compute(period)


@task(name="paraf", cache_policy=NO_CACHE)
def paraf(period: PeriodData, results: dict[str, PKResult], checker: IsolatedSuites) -> dict[str, ParafResult]:
    """Validate with the GX suites: PARAF or DIKEMBALIKAN per PK."""
    verdicts = paraf_stage.run(period, results, checker.suites(), checker.validate)
    returned = [pk for pk, v in verdicts.items() if v.verdict == "DIKEMBALIKAN"]
    get_run_logger().info("Paraf: %d PK sesuai, %d PK dikembalikan %s", len(verdicts) - len(returned),
                          len(returned), ", ".join(returned))
    return verdicts


@task(name="koreksi", cache_policy=NO_CACHE)
def corrections(period: PeriodData, verdicts: dict[str, ParafResult], outputs: Path) -> dict[str, list[Path]]:
    """Write a correction workbook for every returned PK."""
    sources = {}
    for frame in (period.pks, period.realisasi):
        if not frame.empty:
            sources.update({shown: Path(f) for shown, f in zip(frame["berkas"], frame["file"])})
    written = {}
    for pk, verdict in verdicts.items():
        if verdict.verdict == "DIKEMBALIKAN":
            written[pk] = paraf_stage.write_corrections(verdict, sources, pk_dir(outputs, period.year, period.quarter, pk))
    return written


@task(name="catatan-paraf", cache_policy=NO_CACHE)
def paraf_records(period: PeriodData, verdicts: dict[str, ParafResult], fixes: dict[str, list[Path]],
                  outputs: Path) -> Path:
    """Write each PK's paraf record (paraf.json) and the period's validation page (validasi.html)."""
    paraf_report.write_records(period, verdicts, outputs)
    page = paraf_report.write_report(period, verdicts, fixes, outputs)
    get_run_logger().info("Laporan pemeriksaan: %s", page)
    return page


@task(name="produksi", cache_policy=NO_CACHE)
def produce(period: PeriodData, results: dict[str, PKResult], verdicts: dict[str, ParafResult], templates: Path,
            outputs: Path, issued: dt.date, created: dt.datetime, work: Path, converter: Converter, run: RunInfo) -> Produced:
    """Render, convert and package every initialled PK, converting while rendering."""
    produced = produce_stage.produce(period, results, verdicts, templates, outputs, issued, created, work, converter, run)
    get_run_logger().info("Paket: %d dibuat dari %d dokumen", sum(isinstance(p, Path) for p in produced.packages.values()),
                          sum(len(d) for d in produced.documents.values()))
    return produced


@task(name="dokumen-instansi", cache_policy=NO_CACHE)
def agency_documents(period: PeriodData, results: dict[str, PKResult], verdicts: dict[str, ParafResult], templates: Path,
                     inputs: Path, outputs: Path, issued: dt.date, created: dt.datetime, work: Path,
                     converter: Converter, packages: dict[str, Path | str]) -> AgencyDocuments:
    """The agency recap of the quarter, the bundle of its packages and, at Triwulan IV, the LKjIP
    (compared with earlier years' inputs)."""
    from sakip import reports

    earlier, notes = reports.earlier_years(inputs, period.year) if period.quarter == 4 else ([], [])
    made = produce_stage.produce_agency(period, results, verdicts, templates, inputs, outputs, issued, created, work,
                                        earlier, converter, packages)
    made.notes[:0] = notes
    for note in made.notes:
        get_run_logger().warning(note)
    return made


def summarize(period: PeriodData, results: dict[str, PKResult], verdicts: dict[str, ParafResult],
              fixes: dict[str, list[Path]], packages: dict[str, Path | str]) -> Summary:
    rows = []
    for pk, verdict in verdicts.items():
        name = period.pks.loc[period.pks["pk"] == pk, "nama"].iloc[0] or "-"
        result = results.get(pk)
        row = Row(pk=pk, pejabat=name, status=verdict.verdict, capaian=capaian_range(result.capaian_range() if result else None),
                  galat=len(verdict.errors), peringatan=len(verdict.warnings),
                  peringatan_pesan=[f"{w.location}: {w.message}" for w in verdict.warnings])
        if verdict.verdict == "DIKEMBALIKAN":
            row.keluaran = [str(p) for p in fixes.get(pk, [])]
            row.pesan = verdict.errors[0].message if verdict.errors else ""
        elif isinstance(packages.get(pk), Path):
            row.keluaran = [str(packages[pk])]
        else:
            row.status, row.pesan = "GAGAL", str(packages.get(pk, "paket tidak dibuat"))
        rows.append(row)
    return Summary(period.year, period.quarter, rows, period.orphans)


class Stopwatch:
    """Wall time per stage, for the summary and the benchmark."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 3)


@flow(name="sakip-triwulan", flow_run_name="triwulan-{year}-TW{quarter}")
def quarterly(year: int, quarter: int, inputs: Path = Path("inputs"), outputs: Path = Path("outputs"),
              templates: Path = Path("templates"), expectations: Path = Path("expectations"),
              issued: dt.date | None = None, pks: list[str] | None = None) -> Summary:
    """Ingest, paraf, capaian, render, convert and package one quarter of one agency (or of
    every agency under inputs/<year>/)."""
    # LibreOffice starts while the workbooks are read and checked; one converter serves the run.
    with Converter() as converter:
        converter.warm_up()
        return _stages(year, quarter, inputs, outputs, templates, expectations, issued, pks, converter)


def _stages(year: int, quarter: int, inputs: Path, outputs: Path, templates: Path, expectations: Path,
            issued: dt.date | None, pks: list[str] | None, converter: Converter) -> Summary:
    now = dt.datetime.now(JAKARTA)
    clock = Stopwatch()
    # The Prefect run id names the run in each manifest, so a package leads back to its run in the UI.
    run = RunInfo(run_id=str(flow_run.get_id() or uuid.uuid4().hex), suites=tuple(paraf_stage.suite_files(expectations)))
    # GX loads its suites in a child process while the workbooks are read.
    with IsolatedSuites.for_folder(expectations) as checker:
        with clock.stage("ingest"):
            period = ingest(inputs, year, quarter, pks)
        unknown = sorted(set(pks or []) - set(period.pk_codes()))
        if not period.pk_codes():
            return Summary(year, quarter, [], period.orphans, unknown, clock.seconds)
        with clock.stage("capaian"):
            results = capaian(quote(period))
        with clock.stage("paraf"):
            verdicts = paraf(quote(period), quote(results), checker)
    with clock.stage("koreksi"):
        fixes = corrections(quote(period), quote(verdicts), outputs)
        report = paraf_records(quote(period), quote(verdicts), fixes, outputs)
    work = period_dir(outputs, year, quarter) / ".kerja"
    try:
        with clock.stage("produksi"):
            produced = produce(quote(period), quote(results), quote(verdicts), templates, outputs, issued or now.date(), now,
                               work, quote(converter), run)
        # The recap and the LKjIP cover every PK of an agency: a run limited with --pk leaves them as they are.
        agency = AgencyDocuments()
        if not pks:
            with clock.stage("instansi"):
                agency = agency_documents(quote(period), quote(results), quote(verdicts), templates, inputs, outputs,
                                          issued or now.date(), now, work, quote(converter), quote(produced.packages))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary = summarize(period, results, verdicts, fixes, produced.packages)
    summary.unknown_pks = unknown
    summary.report = str(report)
    summary.instansi = {label: str(doc) for label, doc in agency.documents.items()}
    summary.catatan = agency.notes
    # Render, conversion and packaging overlap inside "produksi"; their own times are reported too.
    summary.timings = {**clock.seconds, **{f"produksi.{k}": v for k, v in produced.seconds.items()}}
    summary.write(outputs)
    get_run_logger().info("Selesai: %s", ", ".join(f"{k} {v}" for k, v in summary.counts().items()))
    return summary
