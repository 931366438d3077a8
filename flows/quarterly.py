"""The quarterly flow: workbooks in, signature-ready packages and correction workbooks out.

Only composition lives here; every stage is a plain function in the sakip package.

Task granularity: reading, capaian and paraf work on the whole period at once (one GX run per
suite), and the PKs that need a new revision are packaged in batches of about ten, one task
each ("paket"), so a period of 480 PKs pays Prefect's per-task overhead (6-12 ms a task, measured
here) some fifty times, not per PK per stage. A rerun after one corrected workbook runs one
"paket" task holding that PK: the others keep their revisions (see sakip.outputs.revisions) and get no
task at all. The period's data is passed `quote`d: Prefect otherwise walks every element of a
task's arguments looking for upstream futures, which costs ~3 s per task at 480 PKs.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import os
import re
import socket
import shutil
import time
import uuid
from dataclasses import replace
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
import contextlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import (create_markdown_artifact, create_progress_artifact, create_table_artifact,
                               update_progress_artifact)
from prefect.futures import as_completed
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.deployments import run_deployment
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from flows.server import ensure_crash_detection
from sakip import progress
from sakip.capaian import rules as capaian_stage
from sakip.outputs import page as page_stage
from sakip.outputs import reuse, runlog
from sakip.ingest import bacaan
from sakip.ingest import workbooks as ingest_stage
from sakip.outputs import lock as lock_stage
from sakip.paraf import koreksi as koreksi_stage
from sakip.paraf import earlier as earlier_stage
from sakip.paraf import suites as paraf_stage
from sakip.paraf import record as paraf_report
from sakip.pdf import produce as produce_stage
from sakip.documents import render as render_stage
from sakip.documents import reports
from sakip.capaian.rules import PKResult
from sakip.pdf.convert import Converter, ConverterUnavailable, default_slots
from sakip.errors import ConfigError, RetryableConversionError
from sakip.formatting import JAKARTA, percent_range, quarter_name
from sakip.pdf.manifest import RunInfo
from sakip.model import PeriodData
from sakip.isolation import Failures, each, guarded, whole_or_each
from sakip.outputs.files import WORK_FOLDER, period_dir, pk_dir, state_dir, sweep
from sakip.paraf.suites import IsolatedSuites, ParafResult
from sakip.outputs.lock import PeriodLock
from sakip.outputs.revisions import Plan
from sakip.schedule import period_for
from sakip.pdf.produce import AgencyDocuments, Produced
from sakip.outputs.summary import EXIT_FAILED, EXIT_RETURNED, Row, Summary


class Started:
    """What `sakip run` takes and starts before it starts Prefect, for the flow it then runs: the
    period's lock (a busy period is refused in one line, and the lock is held from before the
    flow to after it) and the GX child already loading the suites (IsolatedSuites: its import
    overlaps Prefect's start and the reading of the workbooks; the flow closes it after paraf).
    A run without it (a worker's) takes the lock and starts the child itself.

    Slots, not a dataclass: Prefect records a flow run's parameters by encoding them, a
    dataclass by deep-copying it (dataclasses.asdict), another object by walking its attributes
    (about a second through a live process pool); this one fails to encode at once and is
    recorded as "<Started>"."""

    __slots__ = ("lock", "checker", "fingerprint", "unchanged")

    def __init__(self, lock: PeriodLock, checker: IsolatedSuites, fingerprint: str = "", unchanged: bool = False) -> None:
        self.lock, self.checker = lock, checker
        # reuse.fingerprint of the files read, taken before the run started; `unchanged`: it is
        # the last full run's, so neither GX nor LibreOffice was started ahead of need.
        self.fingerprint, self.unchanged = fingerprint, unchanged


@task(name="ingest", cache_policy=NO_CACHE)
def ingest(inputs: Path, outputs: Path, year: int, quarter: int, pks: list[str] | None,
           agency: str | None = None, shared: dict[str, Any] | None = None) -> tuple[PeriodData, list[str]]:
    """Read instansi.toml and the PK and realisasi workbooks (only `pks` when given), and where
    each PK's earlier quarters stand in the runs recorded under `outputs` (period.standing: paraf
    returns a PK with an earlier quarter not initialled). Returns the period and notes for the
    operator. `agency` and `shared` (its part of ingest shared_codes): one agency's run of a
    fanned-out period."""
    shared = shared or {}
    period = ingest_stage.read_period(inputs, year, quarter, cache=bacaan.folder(outputs), agency=agency,
                                      taken=shared.get("diambil"), copies=shared.get("salinan"))
    if pks:
        period = period.only(pks)
    period.standing, notes = earlier_stage.received_standing(period, outputs)
    logger = get_run_logger()
    logger.info("Membaca %d PK tahun %d triwulan %d", len(period.pk_codes()), year, quarter)
    for note in notes:
        logger.warning(note)
    return period, notes


@task(name="capaian", cache_policy=NO_CACHE)
def capaian(period: PeriodData) -> tuple[dict[str, PKResult], Failures]:
    """Compute capaian per indicator and budget absorption per program; a PK whose data breaks
    the computation is named with why, and the others go on."""
    failures: Failures = {}
    return capaian_stage.compute(period, failures), failures


@task(name="paraf", cache_policy=NO_CACHE)
def paraf(period: PeriodData, results: dict[str, PKResult], checker: IsolatedSuites,
          failed: Failures, reusable: dict[str, ParafResult] | None = None) -> tuple[dict[str, ParafResult], Failures]:
    """Validate with the GX suites: PARAF or DIKEMBALIKAN per PK (the PKs in `failed` are left
    out; a PK whose data breaks the check is named with why). `reusable`: the last run's
    verdicts of exactly this content (sakip.outputs.reuse), taken instead of validating again."""
    if reusable is not None:
        returned = [pk for pk, v in reusable.items() if v.verdict == "DIKEMBALIKAN"]
        get_run_logger().info("Paraf: hasil run sebelumnya dipakai (data, capaian, suite dan kode sama): %d PK sesuai, "
                              "%d PK dikembalikan %s", len(reusable) - len(returned), len(returned), ", ".join(returned))
        return reusable, {}
    failures: Failures = {}
    every = period.pk_codes()

    def check(pks: list[str]) -> dict[str, ParafResult]:
        part = period if len(pks) == len(every) else period.only(pks)
        return paraf_stage.run(part, {pk: results[pk] for pk in pks if pk in results}, checker.suites(),
                               checker.validate)

    verdicts = whole_or_each([pk for pk in every if pk not in failed], check, failures, "paraf")
    returned = [pk for pk, v in verdicts.items() if v.verdict == "DIKEMBALIKAN"]
    get_run_logger().info("Paraf: %d PK sesuai, %d PK dikembalikan %s", len(verdicts) - len(returned),
                          len(returned), ", ".join(returned))
    return verdicts, failures


@task(name="koreksi", cache_policy=NO_CACHE)
def corrections(period: PeriodData, verdicts: dict[str, ParafResult], outputs: Path) -> tuple[dict[str, list[Path]], Failures]:
    """Write a correction workbook for every returned PK (one that cannot be written is named
    with why; the PK stays returned)."""
    failures: Failures = {}
    return koreksi_stage.write_returned(period, verdicts, outputs, failures), failures


@task(name="catatan-paraf", cache_policy=NO_CACHE)
def paraf_records(period: PeriodData, verdicts: dict[str, ParafResult], fixes: dict[str, list[Path]],
                  outputs: Path, rerun: bool = False, agency: str | None = None) -> tuple[Path | None, Failures]:
    """Write each PK's paraf record (paraf.json) and the period's validation page (validasi.html)."""
    failures: Failures = {}
    each(list(verdicts), lambda pk: paraf_report.write_records(period, {pk: verdicts[pk]}, outputs), failures,
         "catatan-paraf")
    page = None
    with guarded(failures, "validasi.html", "catatan-paraf"):
        page = paraf_report.write_report(period, verdicts, fixes, outputs, keep_others=rerun, agency=agency)
        get_run_logger().info("Laporan pemeriksaan: %s", page)
    return page, failures


@task(name="rencana", cache_policy=NO_CACHE)
def plan(period: PeriodData, verdicts: dict[str, ParafResult], templates: Path, outputs: Path, suites: tuple[Path, ...],
         issued: dt.date | None, force: bool) -> dict[str, Plan]:
    """Which PKs keep their latest revision and which get a new one, by content keys."""
    plans = produce_stage.plan(period, verdicts, templates, outputs, suites, issued, force)
    new = [p for p in plans.values() if not p.reuse]
    logger = get_run_logger()
    logger.info("Rencana: %d PK memakai revisi yang masih berlaku, %d PK dibuat", len(plans) - len(new), len(new))
    for p in new[:SHOWN_PLANS]:
        logger.info("%s: %s (%s)", p.pk, p.folder.name, p.reason)
    return plans


SHOWN_PLANS = 20  # a first run logs every PK otherwise


def batch_label(batch: list[Plan]) -> str:
    """How a batch is named in the Prefect UI: its PKs, or its first and last and how many."""
    codes = [p.pk for p in batch]
    return ", ".join(codes) if len(codes) <= 3 else f"{codes[0]} … {codes[-1]} ({len(codes)} PK)"


def _retry_conversion(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a batch only when LibreOffice hung or crashed (a document it cannot read fails the
    same way every time)."""
    try:
        state.result()
    except RetryableConversionError:
        return True
    except BaseException:
        return False
    return False


@task(name="paket", task_run_name="paket {label}", cache_policy=NO_CACHE, retries=2,
      retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_condition_fn=_retry_conversion)
def package_batch(label: str, period: PeriodData, results: dict[str, PKResult], verdicts: dict[str, ParafResult],
                  batch: list[Plan], templates: Path, issued: dt.date, created: dt.datetime, work: Path,
                  converter: Converter, run: RunInfo) -> Produced:
    """Render, convert and package a batch of PKs into new revisions (retried on a hung or
    crashed LibreOffice; a retry redoes only the PKs that were not published)."""
    return produce_stage.produce_batch(period, results, verdicts, batch, templates, issued, created, work, converter, run)


def produce(period: PeriodData, results: dict[str, PKResult], verdicts: dict[str, ParafResult], plans: dict[str, Plan],
            templates: Path, issued: dt.date, created: dt.datetime, work: Path, converter: Converter,
            run: RunInfo) -> Produced:
    """Every batch as a task. The flow's thread pool has one more worker than LibreOffice has
    slots, so one batch renders or packages while the others convert."""
    out = produce_stage.reused(plans, period.year, period.quarter)
    progress.planned(len(plans))
    progress.advance(len(out.reused))
    shown = _progress_artifact(period, len(out.reused), len(plans))
    futures = {package_batch.submit(batch_label(b), quote(period), quote(results), quote(verdicts), quote(b), templates,
                                    issued, created, work, quote(converter), quote(run)): b
               for b in produce_stage.batches(plans, converter.slots)}
    done = len(out.reused)
    for future in as_completed(list(futures)):
        batch = futures[future]
        done += len(batch)
        progress.advance(len(batch))
        shown(done)
        future.wait()  # keeps the run's own final state (with its result); `state` alone asks the API, which has none
        value = future.state.result(raise_on_failure=False)
        if isinstance(value, Produced):
            out.add(value)
        elif isinstance(value, ConverterUnavailable):  # no PK can be converted: the run fails with one line
            raise value
        elif isinstance(value, RetryableConversionError):
            out.packages.update({**value.done, **value.failed})
        else:  # an unexpected failure of the whole batch: every PK in it failed, with the reason
            out.packages.update({p.pk: f"paket tidak dibuat: {value}" for p in batch})
    made = [pk for pk, v in out.packages.items() if isinstance(v, Path) and pk not in out.reused]
    get_run_logger().info("Paket: %d dibuat, %d tetap dari revisi sebelumnya, %d gagal", len(made), len(out.reused),
                          sum(not isinstance(v, Path) for v in out.packages.values()))
    return out


def _progress_artifact(period: PeriodData, done: int, total: int) -> Callable[[int], None]:
    """The Prefect UI's progress bar of the packages (PKs done / to make); returns its updater.
    A server that refuses it costs the UI its bar, never the run."""
    what = f"Paket {quarter_name(period.quarter)} {period.year}"
    try:
        artifact = create_progress_artifact(100 * done / total if total else 100.0, description=f"{what}: {done}/{total} PK")
    except Exception:  # noqa: BLE001 - see above
        return lambda done: None

    def update(done: int) -> None:
        with contextlib.suppress(Exception):
            update_progress_artifact(artifact, 100 * done / total if total else 100.0, description=f"{what}: {done}/{total} PK")

    return update


@task(name="dokumen-instansi", cache_policy=NO_CACHE)
def agency_documents(period: PeriodData, results: dict[str, PKResult], verdicts: dict[str, ParafResult], templates: Path,
                     inputs: Path, outputs: Path, issued: dt.date, created: dt.datetime, work: Path,
                     converter: Converter, packages: dict[str, Path | str], keys: dict[str, produce_stage.AgencyKeys],
                     run: RunInfo, scope: str | None = None) -> AgencyDocuments:
    """The agency recap of the quarter, the bundle of its packages and, at Triwulan IV, the LKjIP
    (compared with earlier years' inputs), in revisions; an agency none of whose PKs changed keeps them."""
    earlier, notes = reports.earlier_years(inputs, period.year) if period.quarter == 4 else ([], [])
    made = produce_stage.produce_agency(period, results, verdicts, templates, inputs, outputs, issued, created, work,
                                        earlier, converter, packages, keys, run, scope)
    made.notes[:0] = notes
    logger = get_run_logger()
    if made.reused:
        logger.info("Dokumen instansi tetap (tidak ada PK yang berubah): %d instansi", len(made.reused))
    for note in made.notes:
        logger.warning(note)
    return made


def summarize(period: PeriodData, results: dict[str, PKResult], verdicts: dict[str, ParafResult],
              fixes: dict[str, list[Path]], produced: Produced, plans: dict[str, Plan], failed: Failures) -> Summary:
    packages = produced.packages
    names = dict(zip(period.pks["pk"], period.pks["nama"])) if not period.pks.empty else {}
    rows = []
    for pk in period.pk_codes():
        verdict = verdicts.get(pk)
        result = results.get(pk)
        row = Row(pk=pk, pejabat=names.get(pk) or "-", status=verdict.verdict if verdict else "GAGAL",
                  capaian=percent_range(result.capaian_range() if result else None),
                  galat=len(verdict.errors) if verdict else 0, peringatan=len(verdict.warnings) if verdict else 0,
                  peringatan_pesan=[f"{w.location}: {w.message}" for w in verdict.warnings] if verdict else [],
                  predikat=result.predikat_counts() if result else {})
        if pk in failed:
            row.status, row.pesan = "GAGAL", failed[pk]
        elif verdict is None:
            row.pesan = "PK tidak diperiksa"
        elif verdict.verdict == "DIKEMBALIKAN":
            row.keluaran = [str(p) for p in fixes.get(pk, [])]
            row.pesan = verdict.errors[0].message if verdict.errors else ""
        elif isinstance(packages.get(pk), Path):
            row.keluaran = [str(packages[pk])]
            row.revisi = plans[pk].revision
            row.dipakai_ulang = pk in produced.reused
            row.menggantikan_ttd = plans[pk].supersedes_signed
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
        progress.stage(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 3)


def run_name() -> str:
    """The flow run's name in the Prefect UI: the period, and whether it is a rerun of some PKs."""
    params = flow_run.get_parameters()
    year, quarter = params.get("year"), params.get("quarter")
    if year is None or quarter is None:
        year, quarter = period_for(flow_run.get_scheduled_start_time())
    name = f"triwulan-{year}-TW{quarter}"
    if params.get("pks"):
        name += "-ulang-" + "-".join(params["pks"][:3])
    return name + ("-paksa" if params.get("force") else "")


@flow(name="sakip-triwulan", flow_run_name=run_name, task_runner=ThreadPoolTaskRunner(max_workers=default_slots() + 1))
def quarterly(year: int | None = None, quarter: int | None = None, inputs: Path = Path("inputs"),
              outputs: Path = Path("outputs"), templates: Path = Path("templates"),
              expectations: Path = Path("expectations"), issued: dt.date | None = None, pks: list[str] | None = None,
              force: bool = False, wait: float = 0.0, log: Path | None = None,
              started: Started | None = None, sebar: bool = False, instansi: list[str] | None = None) -> Summary | State:
    """Ingest, paraf, capaian, render, convert and package one quarter of one agency (or of
    every agency under inputs/<year>/). Without a year and quarter (a scheduled run), the last
    quarter that ended before the run's scheduled date. PKs whose inputs, templates, suites and
    code are those of their latest revision keep it; `force` makes a new revision of each.
    One run per period at a time: if another holds the period, wait up to `wait` seconds, then
    fail saying who holds it. Third-party lines and the tracebacks of PKs that failed go to `log`
    (a new file under outputs/<year>/TW<n>/log/ when not given). `started`: what `sakip run`
    took and started before it started Prefect, used here instead of taking or starting it again.

    The run's state tells a scheduler how it went: Completed when every PK was initialled and
    packaged, Completed named "Sebagian dikembalikan" when some were returned to their units,
    Failed (with the summary as its data) when some PK or agency document failed.

    `sebar` (on a Prefect server with a work pool): one run of the agency deployment per agency
    (`instansi`: only these), on whichever workers take them, gathered into the period's summary
    and validation page; see fan_out."""
    logger = get_run_logger()
    if year is None or quarter is None:
        year, quarter = period_for(flow_run.get_scheduled_start_time())
        logger.info("Periode dari jadwal: tahun %d triwulan %d", year, quarter)
    if sebar or instansi:
        return fan_out(year, quarter, Path(inputs), Path(outputs), Path(templates), Path(expectations), issued, force,
                       wait, instansi)
    with lock_stage.held(Path(outputs), year, quarter, run=flow_run.get_name() or "", wait=wait,
                         on_wait=logger.warning, taken=started.lock if started else None) as lock:
        if lock.taken_over:
            logger.warning("Kunci periode dari run yang berhenti tanpa selesai (%s) diambil alih", lock.taken_over)
        # Holding the lock, nothing else writes here: what is half-made belongs to a killed run.
        if swept := sweep(period_dir(Path(outputs), year, quarter)):
            logger.warning("Sisa run yang terhenti dibersihkan: %d berkas/folder sementara", len(swept))
        with contextlib.ExitStack() as stack:
            if log is None:  # a worker's run: the CLI attaches the log of its own runs itself
                log = stack.enter_context(runlog.to_file(runlog.new_path(Path(outputs), year, quarter)))
            if started is None:  # a worker's run predicts for itself what `sakip run` predicted before it
                fingerprint = reuse.fingerprint(Path(inputs), year, Path(templates), Path(expectations))
                unchanged = not force and not pks and reuse.expect_unchanged(Path(outputs), year, quarter, fingerprint)
            else:
                fingerprint, unchanged = started.fingerprint, started.unchanged
            # One converter serves the run; its LibreOffice starts once paraf is done (_stages).
            converter = stack.enter_context(Converter())
            checker = started.checker if started else IsolatedSuites(Path(expectations), start=not unchanged)
            summary = _stages(year, quarter, Path(inputs), Path(outputs), Path(templates), Path(expectations), issued,
                              pks, force, converter, Path(log), checker, fingerprint)
    return final_state(summary)


# ---------------------------------------------------------------- fan-out per agency

AGENCY_DEPLOYMENT = "sakip-instansi/instansi"  # prefect.yaml; flows/deployments.py serves the same
AGENCY_ATTEMPTS = 3  # a run that crashed (its worker or machine died) is submitted again, on any worker
POLL_SECONDS = 2.0
POLL_BATCH = 200  # runs read per request while the period's run waits
SUBMITTERS = 8  # runs created at once: each is two requests, and a province has thousands


def worker_name() -> str:
    """The machine an agency's run ran on, as the operator knows it: SAKIP_PEKERJA when the
    worker's environment names it, else the host name."""
    return os.environ.get("SAKIP_PEKERJA") or socket.gethostname()


def artifact_slug(text: str) -> str:
    """Prefect artifact keys take lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"


def agency_run_name() -> str:
    params = flow_run.get_parameters()
    return (f"triwulan-{params.get('year')}-TW{params.get('quarter')}-{params.get('agency')}"
            + ("-paksa" if params.get("force") else ""))


@flow(name="sakip-instansi", flow_run_name=agency_run_name,
      task_runner=ThreadPoolTaskRunner(max_workers=default_slots() + 1))
def agency_quarterly(year: int, quarter: int, agency: str, inputs: Path = Path("inputs"),
                     outputs: Path = Path("outputs"), templates: Path = Path("templates"),
                     expectations: Path = Path("expectations"), issued: dt.date | None = None,
                     force: bool = False, wait: float = 0.0, kode_bersama: dict[str, Any] | None = None) -> Summary | State:
    """One agency's quarter, as a run of the whole period does it for each: ingest, paraf,
    capaian, documents, packages and the agency's recap and bundle. Its period-wide state goes to
    outputs/<y>/TW<n>/.instansi/<agency>/ (the run that fanned it out gathers it); it holds the
    period's lock shared and its agency's exclusively (sakip.outputs.lock). `kode_bersama`: its
    part of ingest shared_codes (PK codes that workbooks of other agencies use too)."""
    logger = get_run_logger()
    outputs = Path(outputs)
    name = flow_run.get_name() or ""
    with lock_stage.held(outputs, year, quarter, run=name, wait=wait, on_wait=logger.warning, shared=True), \
            lock_stage.held(outputs, year, quarter, run=name, wait=wait, on_wait=logger.warning, agency=agency) as lock:
        if lock.taken_over:
            logger.warning("Kunci instansi %s dari run yang berhenti tanpa selesai (%s) diambil alih", agency, lock.taken_over)
        if swept := sweep(state_dir(outputs, year, quarter, agency)):
            logger.warning("Sisa run yang terhenti dibersihkan: %d berkas/folder sementara", len(swept))
        with contextlib.ExitStack() as stack:
            log = stack.enter_context(runlog.to_file(runlog.new_path(outputs, year, quarter, agency=agency)))
            fingerprint = reuse.fingerprint(Path(inputs), year, Path(templates), Path(expectations), agency,
                                            json.dumps(kode_bersama or {}, sort_keys=True))
            unchanged = not force and reuse.expect_unchanged(outputs, year, quarter, fingerprint, agency)
            converter = stack.enter_context(Converter())
            checker = IsolatedSuites(Path(expectations), start=not unchanged)
            summary = _stages(year, quarter, Path(inputs), outputs, Path(templates), Path(expectations), issued,
                              None, force, converter, Path(log), checker, fingerprint, agency, kode_bersama)
    return final_state(summary)


def _submit(agency: str, parameters: dict[str, Any], attempt: int) -> Any:
    """Create the agency's run on the work pool and return it at once (fan_out waits for all)."""
    # The key makes the request safe to repeat: Prefect's client retries a create that the
    # busy server answered 503 after making the run, which once gave an agency two runs.
    return run_deployment(AGENCY_DEPLOYMENT, parameters=parameters, timeout=0, as_subflow=True,
                          tags=["sakip", f"instansi-{artifact_slug(agency)}"],
                          idempotency_key=f"{flow_run.get_id()}-{agency}-{attempt}")


def _await_agencies(chosen: list[str], parameters: dict[str, dict[str, Any]], outputs: Path, year: int,
                    quarter: int) -> dict[str, tuple[Any, Summary | None]]:
    """Submit every agency's run, then wait until each ends with the agency's own verdict: a run
    that ended without writing its summary after crashing (its worker killed, its machine gone)
    is submitted again, up to AGENCY_ATTEMPTS; one that failed on its own is not (it would fail
    again). Returns, per agency, its last run and its summary (None: it did not finish).

    One request per POLL_BATCH runs every POLL_SECONDS, whatever the number of agencies: a
    thread per agency polling its own run would put 2,000 requests a second on the server for a
    province of 4,000 agencies."""
    logger = get_run_logger()

    def submit_all(batch: list[tuple[str, int]]) -> dict[str, Any]:
        # run_deployment links each run to this one through the run context, which a plain
        # thread does not inherit.
        with ThreadPoolExecutor(min(SUBMITTERS, len(batch))) as pool:
            futures = {a: pool.submit(contextvars.copy_context().run, _submit, a, parameters[a], n) for a, n in batch}
            return {a: f.result() for a, f in futures.items()}

    attempts = dict.fromkeys(chosen, 1)
    waiting = submit_all([(a, 1) for a in chosen])
    ended: dict[str, tuple[Any, Summary | None]] = {}
    with get_client(sync_client=True) as client:
        while waiting:
            time.sleep(POLL_SECONDS)
            by_id = {run.id: agency for agency, run in waiting.items()}
            ids = list(by_id)
            for i in range(0, len(ids), POLL_BATCH):
                for run in client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids[i:i + POLL_BATCH])),
                                                 limit=POLL_BATCH):
                    if run.state is None or not run.state.is_final():
                        continue
                    agency = by_id[run.id]
                    del waiting[agency]
                    summary = Summary.read(outputs, year, quarter, agency)
                    if summary is not None and summary.run_id == str(run.id):
                        ended[agency] = (run, summary)
                        continue
                    again = run.state.is_crashed() and attempts[agency] < AGENCY_ATTEMPTS
                    logger.warning("Run instansi %s (%s) berakhir %s tanpa ringkasan (percobaan %d dari %d)%s", agency,
                                   run.name, run.state.name, attempts[agency], AGENCY_ATTEMPTS, "; diulang" if again else "")
                    if again:
                        attempts[agency] += 1
                        waiting.update(submit_all([(agency, attempts[agency])]))
                    else:
                        ended[agency] = (run, None)
    return ended


def fan_out(year: int, quarter: int, inputs: Path, outputs: Path, templates: Path, expectations: Path,
            issued: dt.date | None, force: bool, wait: float, only: list[str] | None) -> Summary | State:
    """The period as one run per agency on the work pool (AGENCY_DEPLOYMENT), all at once, each on
    whichever worker takes it; then the period's summary, validation page and artifacts from
    what each agency's run left (an agency not in `only` as its last run left it). Paths go to the
    workers absolute: every machine must see outputs/ (and inputs/, templates/, expectations/) at
    the same path."""
    logger = get_run_logger()
    names = list(ingest_stage.agencies(inputs, year))
    if names == [""]:
        raise ConfigError(f"{inputs / str(year)}: periode ini satu instansi (instansi.toml langsung di folder tahun); "
                          "tidak ada yang dapat disebar per instansi: jalankan tanpa --sebar")
    chosen = list(dict.fromkeys(only or names))
    if unknown := [a for a in chosen if a not in names]:
        raise ConfigError(f"{inputs / str(year)}: instansi tidak dikenal: {', '.join(unknown)} "
                          f"(yang ada: {', '.join(names)})")
    parameters = {"year": year, "quarter": quarter, "inputs": str(inputs.resolve()), "outputs": str(outputs.resolve()),
                  "templates": str(templates.resolve()), "expectations": str(expectations.resolve()),
                  "issued": issued.isoformat() if issued else None, "force": force, "wait": wait}
    name = flow_run.get_name() or ""
    clock = Stopwatch()
    with lock_stage.held(outputs, year, quarter, run=name, wait=wait, on_wait=logger.warning, name=lock_stage.FANOUT_LOCK_FILE), \
            lock_stage.held(outputs, year, quarter, run=name, wait=wait, on_wait=logger.warning, shared=True):
        try:
            if ensure_crash_detection():
                logger.info("Otomasi deteksi run tanpa heartbeat dibuat di server Prefect")
        except Exception as exc:  # noqa: BLE001 - a server without automations still runs, without the retry
            logger.warning("Otomasi deteksi run tanpa heartbeat tidak dapat dibuat (%s): run instansi yang "
                           "pekerjanya mati tidak akan diulang otomatis", exc)
        with clock.stage("kode"):
            # Each agency's run reads only its own folder: which PK codes another agency took
            # first is known only here (read into the cache the agencies' runs read from).
            shared = ingest_stage.shared_codes(inputs.resolve(), year, cache=bacaan.folder(outputs))
        for agency, part in shared.items():
            if part["diambil"]:
                logger.warning("Instansi %s memakai kode PK yang sudah dipakai instansi lain: %s (dikembalikan)",
                               agency, ", ".join(f"{c} ({w})" for c, w in part["diambil"].items()))
        logger.info("Menyebar %d instansi ke work pool (%s)", len(chosen), AGENCY_DEPLOYMENT)
        with clock.stage("sebar"):
            runs = _await_agencies(chosen, {a: {**parameters, "agency": a, "kode_bersama": shared.get(a)} for a in chosen},
                                   outputs, year, quarter)
        before = Summary.read(outputs, year, quarter)
        earlier = before.instansi_run if before else {}
        parts, record = [], {}
        for agency in names:
            run, summary = runs.get(agency, (None, Summary.read(outputs, year, quarter, agency)))
            if agency not in runs and summary is not None:  # not rerun: as its last run left it
                summary.rows = [replace(r, dari_run_sebelumnya=True) for r in summary.rows]
            if summary is None:
                why = f"run instansi {agency} tidak selesai" + (f" ({run.name}: {run.state.name})" if run and run.state else "")
                summary = Summary(year, quarter, [], instansi_gagal=[f"instansi {agency}"], catatan=[why])
                logger.error("%s", why)
            parts.append(summary)
            if run is None and agency in earlier:  # not rerun: as the period's last gathering named it
                record[agency] = {**earlier[agency], "status": "dari run sebelumnya"}
                continue
            record[agency] = {"run": run.name if run else summary.run_id, "run_id": str(run.id) if run else summary.run_id,
                              "status": (run.state.name if run and run.state else "dari run sebelumnya"),
                              "pekerja": summary.pekerja, "selesai": summary.selesai}
        summary = Summary.gathered(year, quarter, parts)
        summary.instansi_run = record
        summary.report = str(paraf_report.write_gathered_report(outputs, year, quarter,
                                                                {r.pk: r.pejabat for r in summary.rows}, summary.orphans))
        summary.run_id = str(flow_run.get_id() or "")
        summary.timings = clock.seconds
        summary.selesai = dt.datetime.now(JAKARTA).isoformat(timespec="seconds")
        summary.write(outputs)
        status_page(outputs, year, quarter)
        publish_artifacts(summary, {})
    logger.info("Selesai (disebar): %s", ", ".join(f"{k} {v}" for k, v in summary.counts(this_run=True).items()))
    return final_state(summary)


def status_page(outputs: Path, year: int, quarter: int) -> None:
    """The period's index.html (sakip.outputs.page). The packages are made by now: a page that
    cannot be written is a warning in the log, not the run's failure."""
    try:
        page_stage.write_page(outputs, year, quarter)
    except Exception as exc:  # noqa: BLE001 - see above
        get_run_logger().warning("Halaman status (index.html) tidak dapat ditulis: %s", exc, exc_info=True)


def final_state(summary: Summary) -> Summary | State:
    """The summary itself (Completed), or a state that carries it and says what went wrong."""
    counts = summary.counts(this_run=True)
    code = summary.exit_code()
    if code == EXIT_FAILED:
        what = [f"{counts['GAGAL']} PK gagal"] if counts["GAGAL"] else []
        what += [f"dokumen instansi gagal: {', '.join(summary.instansi_gagal)}"] if summary.instansi_gagal else []
        return Failed(message="; ".join(what), data=summary)
    if code == EXIT_RETURNED:
        return Completed(name="Sebagian dikembalikan", message=f"{counts['DIKEMBALIKAN']} PK dikembalikan ke unit",
                         data=summary)
    return summary


def _stages(year: int, quarter: int, inputs: Path, outputs: Path, templates: Path, expectations: Path,
            issued: dt.date | None, pks: list[str] | None, force: bool, converter: Converter, log: Path,
            checker: IsolatedSuites, fingerprint: str, agency: str | None = None,
            shared: dict[str, Any] | None = None) -> Summary:
    """The stages of a whole period, or (`agency`) of one agency's run of a fanned-out period,
    which keeps its period-wide state (summary, paraf page, last verdicts, bundle keys, work
    folder) in its state folder (files.state_dir)."""
    now = dt.datetime.now(JAKARTA)
    clock = Stopwatch()
    # The Prefect run id names the run in each manifest, so a package leads back to its run in the UI.
    run = RunInfo(run_id=str(flow_run.get_id() or uuid.uuid4().hex), suites=tuple(paraf_stage.suite_files(expectations)))
    # Why each PK that stopped stopped (sakip.isolation): it is left out of every later stage.
    failed: Failures = {}
    # GX loads its suites in a child process while the workbooks are read; it ends when paraf is done.
    with checker:
        with clock.stage("ingest"):
            period, notes = ingest(inputs, outputs, year, quarter, pks, agency, shared)
            if agency is not None:  # what a killed run of this agency left in its PKs' folders
                for pk in period.pk_codes():
                    sweep(pk_dir(outputs, year, quarter, pk))
        unknown = sorted(set(pks or []) - set(period.pk_codes()))
        if not period.pk_codes():
            return Summary(year, quarter, [], period.orphans, unknown, clock.seconds)
        with clock.stage("capaian"):
            results, more = capaian(quote(period))
            failed.update(more)
        with clock.stage("paraf"):
            # Only a full run keeps or takes the last verdicts; --force checks again.
            key = None if pks or force else reuse.paraf_key(period, results, failed, list(run.suites))
            last = reuse.read_last(outputs, year, quarter, agency) if key else None
            reusable = last.verdicts if last and last.key == key else None
            verdicts, more = paraf(quote(period), quote(results), checker, failed, quote(reusable))
            if key and not more and (last is None or (last.key, last.fingerprint) != (key, fingerprint)):
                reuse.remember(outputs, year, quarter, reuse.LastParaf(fingerprint, key, verdicts), agency)
            failed.update(more)
    # LibreOffice starts only now that the GX child has ended, so that the two (~400 and ~180
    # MiB) are never resident together; its ~1 s start overlaps the corrections and the first
    # batch's rendering. A period whose verdicts were reused waits for the plan to need it.
    if reusable is None:
        converter.warm_up()
    with clock.stage("koreksi"):
        fixes, more = corrections(quote(period), quote(verdicts), outputs)
        failed.update(more)
        report, more = paraf_records(quote(period), quote(verdicts), fixes, outputs, bool(pks), agency)
        if page_failure := more.pop("validasi.html", None):
            notes.append(page_failure)
        failed.update(more)
    going = {pk: v for pk, v in verdicts.items() if pk not in failed}
    if going and (early := render_stage.early_date_warning(year, quarter, issued or now.date())):
        get_run_logger().warning("%s", early)
        notes.append(early)
    work = state_dir(outputs, year, quarter, agency) / WORK_FOLDER
    try:
        with clock.stage("produksi"):
            plans = plan(quote(period), quote(going), templates, outputs, run.suites, issued, force)
            if any(not p.reuse for p in plans.values()):
                converter.warm_up()  # not warmed at the start of a rerun expected to be unchanged
            produced = produce(period, results, going, plans, templates, issued or now.date(), now, work, converter, run)
        # The recap and the LKjIP cover every PK of an agency: a run limited with --pk leaves them as they are.
        made = AgencyDocuments()
        if not pks:
            with clock.stage("instansi"):
                keys = produce_stage.agency_keys(period, going, produced.packages, templates, inputs, issued, force)
                made = agency_documents(quote(period), quote(results), quote(going), templates, inputs, outputs,
                                          issued or now.date(), now, work, quote(converter), quote(produced.packages),
                                          keys, quote(run), agency)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary = summarize(period, results, verdicts, fixes, produced, plans, failed)
    summary.unknown_pks = unknown
    summary.report = str(report or "")
    summary.instansi = {label: str(doc) for label, doc in made.documents.items()}
    summary.instansi_gagal = [label for label, doc in made.documents.items() if not isinstance(doc, Path)]
    summary.catatan = notes + made.notes
    summary.run_id = run.run_id
    summary.log = str(log)
    summary.selesai = dt.datetime.now(JAKARTA).isoformat(timespec="seconds")
    # Render, conversion and packaging overlap inside "produksi"; their busy times are reported too.
    summary.timings = {**clock.seconds, **{f"produksi.{k}": v for k, v in produced.seconds.items()}}
    if pks:  # a rerun of some PKs: the period's summary keeps every other PK as the last run left it
        summary = summary.merged_into(Summary.read(outputs, year, quarter))
    if agency is not None:
        summary.pekerja = worker_name()
    summary.write(outputs, agency)
    if agency is None:  # a fanned-out period's page is made when its agencies are gathered
        status_page(outputs, year, quarter)
    publish_artifacts(summary, verdicts, agency)
    get_run_logger().info("Selesai: %s; %d PK tetap dari revisi sebelumnya", ", ".join(f"{k} {v}" for k, v in summary.counts(this_run=True).items()),
                          len(produced.reused))
    return summary


def publish_artifacts(summary: Summary, verdicts: dict[str, ParafResult], agency: str | None = None) -> None:
    """A table of every PK and a list of the returned PKs and why, on the flow run in the Prefect UI."""
    key = f"sakip-{summary.year}-tw{summary.quarter}" + (f"-{artifact_slug(agency)}" if agency else "")
    table = [{"PK": r.pk, "Status": r.status, "Capaian": r.capaian,
              "Predikat": ", ".join(f"{k} {v}" for k, v in sorted(r.predikat.items())) or "-",
              "Revisi": (f"rev-{r.revisi:02d}" + (" (tetap)" if r.dipakai_ulang else "")
                         + (" (menggantikan paket bertanda tangan)" if r.menggantikan_ttd else "")) if r.revisi else "-",
              "Paket": r.keluaran[0] if r.status == "PARAF" and r.keluaran else "-"} for r in summary.rows]
    create_table_artifact(table, key=f"{key}-ringkasan",
                          description=f"Ringkasan SAKIP {summary.year} Triwulan {summary.quarter}: status, capaian, predikat dan paket per PK")
    returned = [r for r in summary.rows if r.status != "PARAF"]
    lines = [f"# PK dikembalikan atau gagal: {summary.year} Triwulan {summary.quarter}", ""]
    if not returned:
        lines.append("Semua PK lolos pemeriksaan dan paketnya dibuat.")
    for r in returned:
        lines.append(f"## {r.pk} ({r.status}) - {r.pejabat}")
        verdict = verdicts.get(r.pk)
        errors = verdict.errors if verdict and r.status == "DIKEMBALIKAN" else []
        for f in errors[:SHOWN_ERRORS]:
            lines.append(f"- {_md(str(f.location))}: {_md(f.message)}. Perbaikan: {_md(f.fix)}")
        if len(errors) > SHOWN_ERRORS:
            lines.append(f"- ... dan {len(errors) - SHOWN_ERRORS} galat lain (lihat berkas koreksi)")
        if not errors:
            lines.append(f"- {_md(r.pesan)}")
        if r.status == "DIKEMBALIKAN" and r.keluaran:
            lines.append(f"- Berkas koreksi: `{r.keluaran[0]}`")
        lines.append("")
    create_markdown_artifact("\n".join(lines), key=f"{key}-dikembalikan",
                             description="PK yang dikembalikan ke unit beserta alasannya")


SHOWN_ERRORS = 10


def _md(text: str) -> str:
    """Data in markdown: officials' text must not become links, headings or HTML in the UI."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>])", r"\\\1", text.replace("\n", " "))
