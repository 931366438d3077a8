"""Render, convert and package the PKs of a period, in batches that reuse what is current.

Which PKs need work is decided first (`plan`): a PK whose inputs, verdict, templates, suites and
code are those of its latest published revision keeps that revision (see `revisions`). The rest
go in batches (`batches`): a batch renders its PKs, converts their documents on one LibreOffice
slot and packages them into new revision folders. With one more batch in flight than there are
slots, one batch renders or packages while the others convert, so the run costs little more
than conversion alone. The flow (flows/quarterly.py) runs each batch as a Prefect task.

A PK's documents always travel in one batch, so a package waits for one conversion only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import datasheet
from . import pagination
from ..documents import render as render_stage
from ..outputs import revisions
from ..capaian.rules import PKResult
from .convert import MAX_BATCH, Converter, ConverterUnavailable
from ..errors import RetryableConversionError, SakipError
from ..isolation import Failures, each, guarded
from .manifest import RunInfo, sha256
from ..outputs.files import agency_folder, agency_suffix, period_dir, pk_dir
from ..model import PeriodData
from ..paraf.suites import ParafResult

if TYPE_CHECKING:
    from ..documents import reports


@dataclass
class Produced:
    packages: dict[str, Path | str] = field(default_factory=dict)  # the package, or why there is none
    documents: dict[str, dict[str, Path]] = field(default_factory=dict)  # rendered DOCX by PK and part
    reused: list[str] = field(default_factory=list)  # PKs whose latest revision still stands
    seconds: dict[str, float] = field(default_factory=dict)  # busy time of render, konversi and paket

    def add(self, other: "Produced") -> "Produced":
        self.packages.update(other.packages)
        self.documents.update(other.documents)
        self.reused += other.reused
        for k, v in other.seconds.items():
            self.seconds[k] = round(self.seconds.get(k, 0.0) + v, 3)
        return self


# Batches run in threads, but only one at a time renders or packages: PDFium (pypdfium2) and
# matplotlib are not thread-safe (two threads in PDFium crash the process), and the GIL would
# serialise that Python work anyway. Conversion, the long part, runs outside the lock.
_python_work = threading.Lock()


def verdict_key(verdict: ParafResult) -> list[Any]:
    """What of a paraf result the documents print (not when it was checked)."""
    return [verdict.verdict, *[(f.severity, f.check, str(f.location), f.value, f.message) for f in verdict.findings]]


def template_files(templates: Path) -> list[Path]:
    return [render_stage.template_path(templates, name) for name in render_stage.DOCUMENTS]


def plan(period: "PeriodData", verdicts: dict[str, ParafResult], templates: Path, outputs: Path,
         suites: tuple[Path, ...], issued: dt.date | None = None, force: bool = False) -> dict[str, revisions.Plan]:
    """For every initialled PK: reuse its latest revision, or make the next (and why).
    `issued` is the report date only when the operator fixed one."""
    files = template_files(templates)
    out = {}
    for pk, verdict in verdicts.items():
        if verdict.verdict != "PARAF":
            continue
        keys = revisions.keys(period.inputs_of(pk), verdict_key(verdict), issued, files, list(suites))
        out[pk] = revisions.plan(pk, pk_dir(outputs, period.year, period.quarter, pk), keys, force)
    return out


def batch_size(pks: int, docs_per_pk: int, slots: int, max_batch: int = MAX_BATCH) -> int:
    """PKs per batch: as large as allowed, yet enough batches to keep every slot busy."""
    per_slot = -(-pks // slots)
    return max(1, min(max_batch // docs_per_pk, per_slot))


def batches(plans: dict[str, revisions.Plan], slots: int) -> list[list[revisions.Plan]]:
    """The plans that need work, in batches."""
    todo = [p for p in plans.values() if not p.reuse]
    size = batch_size(len(todo), len(render_stage.DOCUMENTS), slots)
    return [todo[i:i + size] for i in range(0, len(todo), size)]


def reused(plans: dict[str, revisions.Plan], year: int, quarter: int) -> Produced:
    from .package import package_name

    done = [p for p in plans.values() if p.reuse]
    return Produced(packages={p.pk: p.folder / package_name(p.pk, year, quarter) for p in done},
                    reused=[p.pk for p in done])


def produce_batch(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
                  plans: list[revisions.Plan], templates: Path, issued: dt.date, created: dt.datetime, work: Path,
                  converter: Converter, run: RunInfo) -> Produced:
    """Build and publish the planned revision of each PK in `plans`.

    Safe to call again with the same plans: a revision already published (by an earlier attempt)
    is taken as it is. When LibreOffice hangs or crashes on a PK's document, the other PKs are
    still published and RetryableConversionError names the ones to try again."""
    from . import package as package_stage

    out = Produced(seconds={"render": 0.0, "konversi": 0.0, "paket": 0.0})
    name = {p.pk: package_stage.package_name(p.pk, period.year, period.quarter) for p in plans}
    todo = []
    by_pk = {p.pk: p for p in plans}
    for p in plans:
        if p.folder.exists():
            out.packages[p.pk] = p.folder / name[p.pk]
        else:
            todo.append(p)
    if not todo:
        return out
    if converter.unavailable:  # LibreOffice cannot start: rendering this batch would be wasted work
        raise ConverterUnavailable(converter.unavailable)
    failures: Failures = {}
    with _python_work:
        started = time.perf_counter()
        folders = each([p.pk for p in todo], lambda pk: revisions.start(by_pk[pk]) / "dokumen", failures, "render")
        out.documents = dict(render_stage.render_pks(period, capaian, verdicts, templates, folders, issued, failures))
        out.seconds["render"] = time.perf_counter() - started
    for pk, why in failures.items():  # a PK that could not be rendered is not converted
        shutil.rmtree(by_pk[pk].building, ignore_errors=True)
        out.packages[pk] = why
    todo = [p for p in todo if p.pk not in failures]

    started = time.perf_counter()
    outcomes = {o.source: o for o in pagination.convert(converter, [d for parts in out.documents.values() for d in parts.values()], work,
                                                             _python_work)}
    out.seconds["konversi"] = time.perf_counter() - started

    with _python_work:
        retry = _package_all(period, capaian, verdicts, todo, out, outcomes, name, templates, created, run)
    out.seconds = {k: round(v, 3) for k, v in out.seconds.items()}
    if retry:
        raise RetryableConversionError(retry, out.packages)
    return out


def _package_all(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
                 todo: list[revisions.Plan], out: Produced,
                 outcomes: dict[Path, Any], name: dict[str, str], templates: Path, created: dt.datetime,
                 run: RunInfo) -> dict[str, str]:
    """Package each converted PK of a batch; the PKs to retry (LibreOffice hung or crashed) with why."""
    started = time.perf_counter()
    files = template_files(templates)
    retry: dict[str, str] = {}
    for p in todo:
        parts = out.documents[p.pk]
        failed = [outcomes[d] for d in parts.values() if outcomes[d].pdf is None]
        if failed:
            shutil.rmtree(p.building, ignore_errors=True)
            message = "; ".join(o.error for o in failed)
            if any(o.transient for o in failed):
                retry[p.pk] = message
            else:
                out.packages[p.pk] = message
            continue
        failures: Failures = {}
        with guarded(failures, p.pk, "paket"):
            out.packages[p.pk] = _package(period, capaian[p.pk], verdicts[p.pk], p,
                                          {n: outcomes[d].pdf for n, d in parts.items()},
                                          list(parts.values()), files, created, run) / name[p.pk]
        if p.pk in failures:
            shutil.rmtree(p.building, ignore_errors=True)
            out.packages[p.pk] = failures[p.pk]
    out.seconds["paket"] = time.perf_counter() - started
    return retry


def _package(period: "PeriodData", result: PKResult, verdict: ParafResult, p: revisions.Plan, pdfs: dict[str, Path],
             documents: list[Path], templates: list[Path], created: dt.datetime, run: RunInfo) -> Path:
    """Package one PK into its revision's build folder with the paraf record it was checked by,
    its data and what changed; publish."""
    from . import package as package_stage
    from ..paraf import record as paraf_report

    inputs = period.inputs_of(p.pk)
    record = paraf_report.write_record(period, verdict, p.building / paraf_report.RECORD_FILE)
    # The revision's records first, so that the manifest holds their hashes: another PK's or
    # period's data.json put in this folder is then caught by `sakip verify`.
    values = datasheet.values(period, p.pk, result)
    data = revisions.write_json(p.building / revisions.DATA_FILE, {"pk": p.pk, "revisi": p.revision, "nilai": values})
    changes = revisions.write_json(p.building / revisions.CHANGES_FILE,
                                   revisions.changes(p, values, {os.path.relpath(f.resolve(), p.building.resolve()): sha256(f)
                                                                 for f in inputs}))
    package_stage.package_pk(
        p.pk, period.config_for(p.pk).instansi.nama, period.official(p.pk).nama, period.year, period.quarter, pdfs,
        p.building, created, package_stage.Provenance(inputs, templates, [*documents, record, data, changes], run),
        datasheet.workbook(period, p.pk, result), revision=p.revision,
        sasaran=tuple(dict.fromkeys(i.sasaran for i in result.indicators if i.sasaran)),
        report_paraf=bool(period.config_for(p.pk).pengaturan.pemeriksa),
        keys={"data": p.keys.data, "lengkap": p.keys.full},
        signers=render_stage.printed_signers(period.config_for(p.pk), period.official(p.pk)))
    return revisions.publish(p)


@dataclass
class AgencyDocuments:
    documents: dict[str, Path | str] = field(default_factory=dict)  # label -> signature-ready PDF, or why not
    notes: list[str] = field(default_factory=list)  # e.g. narrative missing from the LKjIP
    reused: list[str] = field(default_factory=list)  # agencies whose documents still stood


BUNDLE_RECORD = ".kunci_bundel.json"  # per agency: the key its bundle was made from


@dataclass(frozen=True)
class AgencyKeys:
    documents: revisions.Keys | None  # the recap and LKjIP: None under --force (always a new revision)
    bundle: str | None  # the bundle: also each package's size, which grows when it is signed


def _agency_names(quarter: int) -> list[str]:
    return ["rekap_instansi"] + (["lkjip"] if quarter == 4 else [])


def _year_end_inputs(inputs: Path, year: int, agency: str, back: int = 2) -> list[Path]:
    """What the LKjIP reads besides this year's workbooks: the narrative and earlier years' inputs."""
    from ..documents import reports

    source = inputs / str(year) / agency if agency else inputs / str(year)
    files = [source / reports.NARRATIVE_FILE] if (source / reports.NARRATIVE_FILE).is_file() else []
    for y in range(year - back, year):
        # an agency's earlier years are its own folder of those years (all of it for one agency)
        earlier = inputs / str(y) / agency if agency else inputs / str(y)
        if earlier.is_dir():
            files += sorted(f for f in earlier.rglob("*") if f.is_file())
    return files


def agency_keys(period: "PeriodData", verdicts: dict[str, ParafResult], packages: dict[str, Path | str],
                templates: Path, inputs: Path, issued: dt.date | None = None,
                force: bool = False) -> dict[str, AgencyKeys]:
    """Per agency, the keys of what its recap, LKjIP and bundle show: each PK's inputs and
    verdict, the templates and the code; at Triwulan IV also the narrative and the earlier years
    the LKjIP compares with; for the bundle, each package as it now is."""
    from .manifest import code_version

    names = _agency_names(period.quarter)
    document_templates = [render_stage.template_path(templates, n) for n in names]
    bundle_shared = {"template": sha256(render_stage.template_path(templates, "bundel_paket")), "kode": code_version()}
    data: dict[str, dict[str, Any]] = {agency: {} for agency in period.configs}
    sizes: dict[str, dict[str, Any]] = {agency: {} for agency in period.configs}
    for r in period.records("pks"):
        pkg = packages.get(r["pk"])
        size = pkg.stat().st_size if isinstance(pkg, Path) and pkg.exists() else None
        verdict = verdicts.get(r["pk"])  # none for a PK whose own work failed (sakip.isolation)
        keys = revisions.keys(period.inputs_of(r["pk"]), verdict_key(verdict) if verdict else ["GAGAL"], issued, [], [])
        data[r["instansi"]][r["pk"]] = keys.data
        sizes[r["instansi"]][r["pk"]] = [keys.data, str(pkg), size]
    out = {}
    for agency in period.configs:
        extra = _year_end_inputs(inputs, period.year, agency) if period.quarter == 4 else []
        keys = revisions.keys(extra, data[agency], issued, document_templates, [])
        out[agency] = AgencyKeys(None if force else keys,
                                 None if force else revisions.digest({**bundle_shared, "pk": sizes[agency]}))
    return out


@dataclass
class _AgencyWork:
    plan: revisions.Plan
    inputs: list[Path]
    rendered: dict[str, tuple[Path, Path, str]] = field(default_factory=dict)  # label -> (docx, final pdf, name)


def produce_agency(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
                   templates: Path, inputs: Path, outputs: Path, issued: dt.date, created: dt.datetime, work: Path,
                   earlier: "list[reports.EarlierYear] | None" = None, converter: Converter | None = None,
                   packages: dict[str, Path | str] | None = None,
                   keys: dict[str, AgencyKeys] | None = None, run: RunInfo | None = None) -> AgencyDocuments:
    """The agency recap of the quarter (every quarter) and the LKjIP (at Triwulan IV), one each per
    agency, rendered, converted and made signature-ready (an empty field on the head's block), in
    revisions like a PK's package (`agency_folder`/rev-NN, each PDF with its manifest); and,
    given the run's `packages`, each agency's bundle of them. An agency whose keys (agency_keys,
    computed here when not given) are those of its latest revision keeps it."""
    from . import manifest
    from . import package as package_stage
    from ..documents import reports

    out = AgencyDocuments()
    run = run or RunInfo()
    keys = keys or agency_keys(period, verdicts, packages or {}, templates, inputs, issued)
    per = render_stage.Period(period.year, period.quarter, issued)
    renderer = render_stage.Renderer()
    names = _agency_names(period.quarter)
    paths = {name: render_stage.template_path(templates, name) for name in names}
    records = period.records("pks")
    todo: dict[str, _AgencyWork] = {}
    bundle_todo = set()
    bundle_record_file = period_dir(outputs, period.year, period.quarter) / BUNDLE_RECORD
    bundles_before = revisions.read_json(bundle_record_file)
    for agency, cfg in period.configs.items():
        pks = [r["pk"] for r in records if r["instansi"] == agency]
        if not pks:
            continue
        key = keys[agency]
        before = bundles_before.get(agency, {})
        if key.bundle and before.get("kunci") == key.bundle and Path(before.get("bundel", "")).exists():
            out.documents[f"bundel_paket{agency_suffix(agency)}"] = Path(before["bundel"])
        else:
            bundle_todo.add(agency)
        folder = agency_folder(outputs, period.year, period.quarter, agency)
        plan_ = revisions.plan(agency or "instansi", folder, key.documents or revisions.Keys("", ""),
                               force=key.documents is None, pattern="*.pdf")
        stems = {"rekap_instansi": f"rekap_instansi_{period.year}_TW{period.quarter}", "lkjip": f"LKjIP_{period.year}"}
        if plan_.reuse:
            out.documents.update({f"{n}{agency_suffix(agency)}": plan_.folder / f"{stems[n]}{agency_suffix(agency)}.pdf"
                                  for n in names})
            out.reused.append(agency)
            continue
        failures: Failures = {}
        with guarded(failures, agency, "instansi"):
            todo[agency] = _render_agency(period, capaian, verdicts, inputs, earlier, per, renderer, names, paths,
                                          stems, agency, cfg, pks, records, plan_, out)
        if agency in failures:
            shutil.rmtree(plan_.building, ignore_errors=True)
            out.documents.update({f"{n}{agency_suffix(agency)}": failures[agency] for n in names})
    if not todo and not (bundle_todo and packages is not None):
        return out
    with contextlib.nullcontext(converter) if converter else Converter() as conv:
        documents = [d for w in todo.values() for d, *_ in w.rendered.values()]
        outcomes = {o.source: o for o in pagination.convert(conv, documents, work, _python_work)} if documents else {}
        if packages is not None and bundle_todo:
            bundles(period, capaian, verdicts, packages, templates, outputs, created, work, conv, out, bundle_todo)
    for agency, job in todo.items():
        cfg = period.configs[agency]
        made: dict[str, Path | str] = {}
        for label, (docx, final, name) in job.rendered.items():
            outcome = outcomes[docx]
            if outcome.pdf is None:
                made[label] = outcome.error
                continue
            title = ("Rekapitulasi Capaian Kinerja " + per.context["triwulan"] if name == "rekap_instansi"
                     else "Laporan Kinerja Instansi Pemerintah (LKjIP)") + f" Tahun {period.year}"
            meta = package_stage.Metadata(title=f"{title} - {cfg.instansi.nama}", author=cfg.instansi.nama,
                                          subject=f"{title}; siap tanda tangan",
                                          keywords=f"SAKIP; {name}; {period.year}; TW{period.quarter}; siap tanda tangan",
                                          created=created,
                                          extra=(manifest.printed_metadata({reports.HEAD_FIELD: cfg.kepala},
                                                                           [reports.HEAD_FIELD]),))
            failures: Failures = {}
            with guarded(failures, label, "instansi"):
                # The LKjIP numbers its cover, front matter (i, ii, iii) and body (1, 2, 3) itself: its
                # labels are what it prints; the recap prints 1, 2, 3 like any numbered part.
                part = package_stage.Part(title, outcome.pdf, "Sampul" if name == "lkjip" else "",
                                          printed_labels=name == "lkjip")
                package_stage.assemble([part], meta, [reports.HEAD_FIELD], final)
                plan_key = job.plan.keys
                manifest.write(final, pk=agency or "instansi", year=period.year, quarter=period.quarter,
                               revision=job.plan.revision, created=created, run=run, inputs=job.inputs,
                               templates=[paths[name]], outputs=[docx], fields=[reports.HEAD_FIELD],
                               keys={"data": plan_key.data, "lengkap": plan_key.full},
                               signers={reports.HEAD_FIELD: cfg.kepala})
                made[label] = final
            if label in failures:
                made[label] = failures[label]
        if all(isinstance(v, Path) for v in made.values()):
            revisions.write_json(job.plan.building / revisions.CHANGES_FILE,
                                 {"revisi": job.plan.revision, "alasan": job.plan.reason,
                                  "menggantikan": job.plan.previous.name if job.plan.previous else None})
            failures = {}
            with guarded(failures, agency, "instansi"):
                folder = revisions.publish(job.plan)
                made = {label: folder / Path(v).name for label, v in made.items()}
            if agency in failures:
                made = {label: failures[agency] for label in made}
        else:  # a revision is published whole or not at all
            shutil.rmtree(job.plan.building, ignore_errors=True)
        out.documents.update(made)
    for agency in bundle_todo:
        label = f"bundel_paket{agency_suffix(agency)}"
        if keys[agency].bundle and isinstance(out.documents.get(label), Path):
            bundles_before[agency] = {"kunci": keys[agency].bundle, "bundel": str(out.documents[label])}
        else:
            bundles_before.pop(agency, None)
    if bundle_todo:
        revisions.write_json(bundle_record_file, bundles_before)
    return out


def _render_agency(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult], inputs: Path,
                   earlier: "list[reports.EarlierYear] | None", per: render_stage.Period, renderer: render_stage.Renderer,
                   names: list[str], paths: dict[str, Path], stems: dict[str, str], agency: str, cfg: Any,
                   pks: list[str], records: list[dict[str, Any]], plan_: revisions.Plan,
                   out: AgencyDocuments) -> _AgencyWork:
    """Render one agency's recap (and LKjIP) into its revision's build folder."""
    from ..documents import reports

    job = _AgencyWork(plan_, [*{p: None for pk in pks for p in period.inputs_of(pk)}])
    building = revisions.start(plan_)
    officials = {r["pk"]: r["nama"] or "-" for r in records if r["instansi"] == agency}
    nips = {r["pk"]: r["nip"] for r in records if r["instansi"] == agency}
    contexts = {"rekap_instansi": reports.rekap_context(cfg, pks, capaian, verdicts, officials, per)}
    if "lkjip" in names:
        source = inputs / str(period.year) / agency if agency else inputs / str(period.year)
        narasi, narasi_path = reports.load_narrative(source)
        shown = str(narasi_path or source / reports.NARRATIVE_FILE)
        if narasi_path is None:
            out.notes.append(f"{shown} tidak ada: narasi LKjIP ditandai 'belum diisi'")
        # The document names the file as planners find it in the input folder, not this machine's path.
        printed = (narasi_path or source / reports.NARRATIVE_FILE).relative_to(inputs).as_posix()
        contexts["lkjip"] = reports.lkjip_context(cfg, narasi, printed, pks, nips, capaian, verdicts, officials,
                                                  earlier or [], per)
        job.inputs += _year_end_inputs(inputs, period.year, agency)
    for name in names:
        stem = stems[name] + agency_suffix(agency)
        docx = renderer.render(paths[name], contexts[name], building / "dokumen" / f"{stem}.docx")
        job.rendered[f"{name}{agency_suffix(agency)}"] = (docx, building / f"{stem}.pdf", name)
    return job


def bundles(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
            packages: dict[str, Path | str], templates: Path, outputs: Path, created: dt.datetime, work: Path,
            converter: Converter, out: AgencyDocuments, agencies: set[str] | None = None) -> None:
    """One bundle per agency (of `agencies`, or all) of every package made this quarter, behind an index page."""
    from . import bundle as bundle_stage

    template = render_stage.template_path(templates, "bundel_paket")
    per = render_stage.Period(period.year, period.quarter, created.date())
    for agency, cfg in period.configs.items():
        if agencies is not None and agency not in agencies:
            continue
        entries = bundle_stage.entries(period, capaian, verdicts, packages, agency)
        if not any(e.package for e in entries):
            continue
        label = f"bundel_paket{agency_suffix(agency)}"
        target = period_dir(outputs, period.year, period.quarter) / f"bundel_paket_{period.year}_TW{period.quarter}{agency_suffix(agency)}.pdf"
        failures: Failures = {}
        with guarded(failures, label, "instansi"):
            out.documents[label] = bundle_stage.bundle(cfg, per, entries, template, converter, work, target, created)
        if label in failures:
            out.documents[label] = failures[label]
