"""Render, convert and package the PKs of a period, in batches that reuse what is current, and
the agency documents (recap, LKjIP, bundle) made from them.

Which PKs need work is decided first (`plan`): a PK whose inputs, verdict, templates, suites and
code are those of its latest published revision keeps that revision (see `revisions`). The rest
go in batches (`batches`): a batch renders its PKs, converts their documents on one LibreOffice
slot and packages them into new revision folders. With one more batch in flight than there are
slots, one batch renders or packages while the others convert, so the run costs little more
than conversion alone. The flow (flows/quarterly.py) runs each batch as a Prefect task.

A PK's documents always travel in one batch, so a package waits for one conversion only.

Both kinds of revision take one path (`make`): plan, render into the revision's build folder,
convert, package, publish; a `Recipe` says what differs (`PKPackages`, `AgencyRevisions`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import functools
import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, Protocol

from . import bundle as bundle_stage
from . import datasheet
from . import manifest
from . import package as package_stage
from . import pagination
from ..documents import render as render_stage
from ..documents import reports
from ..outputs import revisions
from ..capaian.rules import PKResult
from .convert import MAX_BATCH, Converter, ConverterUnavailable
from ..errors import RetryableConversionError
from ..isolation import Failures, each, guarded
from .manifest import RunInfo, code_version, sha256
from .package import package_name
from ..outputs.files import agency_folder, agency_suffix, period_dir, pk_dir, state_dir
from ..model import PeriodData
from ..paraf import record as paraf_report
from ..paraf.suites import ParafResult


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


# Batches run in threads, but only one at a time renders or packages: PDFium (pypdfium2) is
# not thread-safe (two threads in PDFium crash the process), and the GIL would
# serialise that Python work anyway. Conversion, the long part, runs outside the lock.
_python_work = threading.Lock()

# glibc keeps the heap pages Python freed (rendered XML trees, merged PDFs, a batch's workbooks)
# mapped until told otherwise, so the run's resident memory would stay at its highest batch;
# malloc_trim gives them back (none on a C library without it).
_libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
_trim = getattr(_libc, "malloc_trim", None)


def release_memory() -> None:
    """Return the heap pages a finished batch freed to the system."""
    if _trim is not None:
        _trim(0)


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
    done = [p for p in plans.values() if p.reuse]
    return Produced(packages={p.pk: p.folder / package_name(p.pk, year, quarter) for p in done},
                    reused=[p.pk for p in done])


# ---------------------------------------------------------------- one path for every revision
#
# A PK's package and an agency's recap and LKjIP are made the same way: plan a revision, render
# its DOCX into the revision's build folder, convert them, package what was converted into that
# folder, publish it whole. A `Recipe` holds what differs: the documents rendered, the PDFs
# assembled from them (parts, signature fields, manifest claims) and the names they publish as.


class Recipe(Protocol):
    """What differs between kinds of revision; a unit is a plan's `pk` (a PK, or an agency folder)."""

    stages: ClassVar[tuple[str, str]]  # the isolation stages a unit's render and package failures are named by

    # label -> the name its file is published under in the unit's revision folder
    def files(self, unit: str) -> dict[str, str]: ...

    # each unit's DOCX by part, rendered into its folder; a unit that cannot be is named in `failures`
    def render(self, folders: dict[str, Path], failures: Failures) -> Iterable[tuple[str, dict[str, Path]]]: ...

    # the unit's revision written into `plan_.building` from its converted parts (and their DOCX)
    def package(self, plan_: revisions.Plan, pdfs: dict[str, Path], documents: dict[str, Path]) -> None: ...


@dataclass
class Made:
    files: dict[str, dict[str, Path] | str] = field(default_factory=dict)  # unit -> its files by label, or why none
    documents: dict[str, dict[str, Path]] = field(default_factory=dict)  # rendered DOCX by unit and part
    retry: dict[str, str] = field(default_factory=dict)  # units LibreOffice hung or crashed on, with why
    seconds: dict[str, float] = field(default_factory=lambda: {"render": 0.0, "konversi": 0.0, "paket": 0.0})


def published(recipe: Recipe, plan_: revisions.Plan) -> dict[str, Path]:
    return {label: plan_.folder / name for label, name in recipe.files(plan_.pk).items()}


def make(recipe: Recipe, plans: list[revisions.Plan], converter: Converter, work: Path) -> Made:
    """Build and publish the planned revision of each unit in `plans`.

    Safe to call again with the same plans: a revision already published (by an earlier attempt)
    is taken as it is. A unit whose work fails is named with why and the others go on; one whose
    document LibreOffice hung or crashed on is in `retry`."""
    out = Made()
    todo = []
    for p in plans:
        if p.folder.exists():
            out.files[p.pk] = published(recipe, p)
        else:
            todo.append(p)
    if not todo:
        return out
    if converter.unavailable:  # LibreOffice cannot start: rendering would be wasted work
        raise ConverterUnavailable(converter.unavailable)
    failures: Failures = {}
    by_unit = {p.pk: p for p in todo}
    with _python_work:
        started = time.perf_counter()
        folders = each(list(by_unit), lambda unit: revisions.start(by_unit[unit]) / "dokumen", failures, recipe.stages[0])
        out.documents = dict(recipe.render(folders, failures))
        release_memory()  # before the long conversion, while LibreOffice grows
        out.seconds["render"] = time.perf_counter() - started
    for unit, why in failures.items():  # a unit that could not be rendered is not converted
        shutil.rmtree(by_unit[unit].building, ignore_errors=True)
        out.files[unit] = why
    todo = [p for p in todo if p.pk not in failures]

    started = time.perf_counter()
    documents = [d for parts in out.documents.values() for d in parts.values()]
    outcomes = {o.source: o for o in pagination.convert(converter, documents, work, _python_work)} if documents else {}
    out.seconds["konversi"] = time.perf_counter() - started

    with _python_work:
        started = time.perf_counter()
        for p in todo:
            _package(recipe, p, out.documents[p.pk], outcomes, out)
        release_memory()
        out.seconds["paket"] = time.perf_counter() - started
    out.seconds = {k: round(v, 3) for k, v in out.seconds.items()}
    return out


def _package(recipe: Recipe, p: revisions.Plan, parts: dict[str, Path], outcomes: dict[Path, Any], out: Made) -> None:
    """Package one converted unit into its revision's build folder and publish it: whole or not at all."""
    failed = [outcomes[d] for d in parts.values() if outcomes[d].pdf is None]
    if failed:
        shutil.rmtree(p.building, ignore_errors=True)
        message = "; ".join(o.error for o in failed)
        if any(o.transient for o in failed):
            out.retry[p.pk] = message
        else:
            out.files[p.pk] = message
        return
    failures: Failures = {}
    with guarded(failures, p.pk, recipe.stages[1]):
        recipe.package(p, {n: outcomes[d].pdf for n, d in parts.items()}, parts)
        revisions.publish(p)
        out.files[p.pk] = published(recipe, p)
    if p.pk in failures:
        shutil.rmtree(p.building, ignore_errors=True)
        out.files[p.pk] = failures[p.pk]


@dataclass(frozen=True)
class PKPackages:
    """A PK's revision: its package (cover, report, PK and RA appendices, Lembar Paraf) with the
    paraf record it was checked by, its data and what changed."""

    period: "PeriodData"
    capaian: dict[str, PKResult]
    verdicts: dict[str, ParafResult]
    templates: Path
    issued: dt.date
    created: dt.datetime
    run: RunInfo
    stages: ClassVar[tuple[str, str]] = ("render", "paket")

    def files(self, unit: str) -> dict[str, str]:
        return {unit: package_name(unit, self.period.year, self.period.quarter)}

    def render(self, folders: dict[str, Path], failures: Failures) -> Iterable[tuple[str, dict[str, Path]]]:
        return render_stage.render_pks(self.period, self.capaian, self.verdicts, self.templates, folders, self.issued,
                                       failures)

    def package(self, p: revisions.Plan, pdfs: dict[str, Path], documents: dict[str, Path]) -> None:
        period, result = self.period, self.capaian[p.pk]
        inputs = period.inputs_of(p.pk)
        record = paraf_report.write_record(period, self.verdicts[p.pk], p.building / paraf_report.RECORD_FILE)
        # The revision's records first, so that the manifest holds their hashes: another PK's or
        # period's data.json put in this folder is then caught by `sakip verify`.
        values = datasheet.values(period, p.pk, result)
        data = revisions.write_json(p.building / revisions.DATA_FILE, {"pk": p.pk, "revisi": p.revision, "nilai": values})
        changes = revisions.write_json(p.building / revisions.CHANGES_FILE,
                                       revisions.changes(p, values, {os.path.relpath(f.resolve(), p.building.resolve()): sha256(f)
                                                                     for f in inputs}))
        package_stage.package_pk(
            p.pk, period.config_for(p.pk).instansi.nama, period.official(p.pk).nama, period.year, period.quarter, pdfs,
            p.building, self.created,
            package_stage.Provenance(inputs, template_files(self.templates), [*documents.values(), record, data, changes],
                                     self.run),
            datasheet.workbook(period, p.pk, result), revision=p.revision,
            sasaran=tuple(dict.fromkeys(i.sasaran for i in result.indicators if i.sasaran)),
            report_paraf=bool(period.config_for(p.pk).pengaturan.pemeriksa),
            keys={"data": p.keys.data, "lengkap": p.keys.full},
            signers=render_stage.printed_signers(period.config_for(p.pk), period.official(p.pk)))


def produce_batch(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
                  plans: list[revisions.Plan], templates: Path, issued: dt.date, created: dt.datetime, work: Path,
                  converter: Converter, run: RunInfo) -> Produced:
    """Build and publish the planned revision of each PK in `plans` (`make`). When LibreOffice
    hangs or crashes on a PK's document, the other PKs are still published and
    RetryableConversionError names the ones to try again."""
    made = make(PKPackages(period, capaian, verdicts, templates, issued, created, run), plans, converter, work)
    out = Produced(packages={pk: f if isinstance(f, str) else f[pk] for pk, f in made.files.items()},
                   documents=made.documents, seconds=made.seconds)
    if made.retry:
        raise RetryableConversionError(made.retry, out.packages)
    return out


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


def agency_plans(period: "PeriodData", keys: dict[str, AgencyKeys], outputs: Path) -> dict[str, revisions.Plan]:
    """For every agency with PKs: reuse its latest revision of the recap and LKjIP, or make the next."""
    out = {}
    with_pks = {r["instansi"] for r in period.records("pks")}
    for agency in period.configs:
        if agency in with_pks:
            documents = keys[agency].documents
            out[agency] = revisions.plan(agency, agency_folder(outputs, period.year, period.quarter, agency),
                                         documents or revisions.Keys("", ""), force=documents is None, pattern="*.pdf")
    return out


@dataclass(frozen=True)
class AgencyRevisions:
    """An agency's revision: its recap of the quarter and, at Triwulan IV, its LKjIP, each a
    signature-ready PDF (an empty field on the head's block) with its manifest beside it."""

    period: "PeriodData"
    capaian: dict[str, PKResult]
    verdicts: dict[str, ParafResult]
    templates: Path
    inputs: Path
    earlier: "list[reports.EarlierYear]"
    per: render_stage.Period
    created: dt.datetime
    run: RunInfo
    notes: list[str]  # e.g. narrative missing from the LKjIP
    stages: ClassVar[tuple[str, str]] = ("instansi", "instansi")

    def _stem(self, name: str, agency: str) -> str:
        year, quarter = self.period.year, self.period.quarter
        return {"rekap_instansi": f"rekap_instansi_{year}_TW{quarter}", "lkjip": f"LKjIP_{year}"}[name] + agency_suffix(agency)

    def files(self, unit: str) -> dict[str, str]:
        return {f"{n}{agency_suffix(unit)}": f"{self._stem(n, unit)}.pdf" for n in _agency_names(self.period.quarter)}

    @functools.cached_property
    def _rows(self) -> dict[str, list[dict[str, Any]]]:
        """The period's PK rows by agency, read from its frame once (render and package ask per agency)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for r in self.period.records("pks"):
            out.setdefault(r["instansi"], []).append(r)
        return out

    def _pks(self, agency: str) -> list[dict[str, Any]]:
        return self._rows.get(agency, [])

    def _inputs(self, agency: str) -> list[Path]:
        pks = [r["pk"] for r in self._pks(agency)]
        own = [*{p: None for pk in pks for p in self.period.inputs_of(pk)}]
        return own + (_year_end_inputs(self.inputs, self.period.year, agency) if self.period.quarter == 4 else [])

    def render(self, folders: dict[str, Path], failures: Failures) -> Iterable[tuple[str, dict[str, Path]]]:
        renderer = render_stage.Renderer()
        for agency, folder in folders.items():
            with guarded(failures, agency, self.stages[0]):
                documents = self._render(renderer, agency, folder)
            if agency not in failures:
                yield agency, documents

    def _render(self, renderer: render_stage.Renderer, agency: str, folder: Path) -> dict[str, Path]:
        period, cfg, rows = self.period, self.period.configs[agency], self._pks(agency)
        pks = [r["pk"] for r in rows]
        officials = {r["pk"]: r["nama"] or "-" for r in rows}
        contexts = {"rekap_instansi": reports.rekap_context(cfg, pks, self.capaian, self.verdicts, officials, self.per)}
        if period.quarter == 4:
            source = self.inputs / str(period.year) / agency if agency else self.inputs / str(period.year)
            narasi, narasi_path = reports.load_narrative(source)
            if narasi_path is None:
                self.notes.append(f"{source / reports.NARRATIVE_FILE} tidak ada: narasi LKjIP ditandai 'belum diisi'")
            # The document names the file as planners find it in the input folder, not this machine's path.
            printed = (narasi_path or source / reports.NARRATIVE_FILE).relative_to(self.inputs).as_posix()
            contexts["lkjip"] = reports.lkjip_context(cfg, narasi, printed, pks, {r["pk"]: r["nip"] for r in rows},
                                                      self.capaian, self.verdicts, officials, self.earlier, self.per)
        return {name: renderer.render(render_stage.template_path(self.templates, name), context,
                                      folder / f"{self._stem(name, agency)}.docx") for name, context in contexts.items()}

    def package(self, p: revisions.Plan, pdfs: dict[str, Path], documents: dict[str, Path]) -> None:
        period, agency = self.period, p.pk
        cfg, inputs = period.configs[agency], self._inputs(agency)
        for name, pdf in pdfs.items():
            title = ("Rekapitulasi Capaian Kinerja " + self.per.context["triwulan"] if name == "rekap_instansi"
                     else "Laporan Kinerja Instansi Pemerintah (LKjIP)") + f" Tahun {period.year}"
            meta = package_stage.Metadata(title=f"{title} - {cfg.instansi.nama}", author=cfg.instansi.nama,
                                          subject=f"{title}; siap tanda tangan",
                                          keywords=f"SAKIP; {name}; {period.year}; TW{period.quarter}; siap tanda tangan",
                                          created=self.created,
                                          extra=(manifest.printed_metadata({reports.HEAD_FIELD: cfg.kepala},
                                                                           [reports.HEAD_FIELD]),))
            # The LKjIP numbers its cover, front matter (i, ii, iii) and body (1, 2, 3) itself: its
            # labels are what it prints; the recap prints 1, 2, 3 like any numbered part.
            part = package_stage.Part(title, pdf, "Sampul" if name == "lkjip" else "", printed_labels=name == "lkjip")
            final = p.building / f"{self._stem(name, agency)}.pdf"
            package_stage.assemble([part], meta, [reports.HEAD_FIELD], final)
            manifest.write(final, pk=agency or "instansi", year=period.year, quarter=period.quarter,
                           revision=p.revision, created=self.created, run=self.run, inputs=inputs,
                           templates=[render_stage.template_path(self.templates, name)], outputs=[documents[name]],
                           fields=[reports.HEAD_FIELD], keys={"data": p.keys.data, "lengkap": p.keys.full},
                           signers={reports.HEAD_FIELD: cfg.kepala})
        revisions.write_json(p.building / revisions.CHANGES_FILE,
                             {"revisi": p.revision, "alasan": p.reason,
                              "menggantikan": p.previous.name if p.previous else None})


def produce_agency(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
                   templates: Path, inputs: Path, outputs: Path, issued: dt.date, created: dt.datetime, work: Path,
                   earlier: "list[reports.EarlierYear] | None" = None, converter: Converter | None = None,
                   packages: dict[str, Path | str] | None = None,
                   keys: dict[str, AgencyKeys] | None = None, run: RunInfo | None = None,
                   scope: str | None = None) -> AgencyDocuments:
    """The agency recap of the quarter (every quarter) and the LKjIP (at Triwulan IV), one each per
    agency, in revisions like a PK's package (`agency_folder`/rev-NN, made by `make`); and, given
    the run's `packages`, each agency's bundle of them. An agency whose keys (agency_keys,
    computed here when not given) are those of its latest revision keeps it."""
    out = AgencyDocuments()
    keys = keys or agency_keys(period, verdicts, packages or {}, templates, inputs, issued)
    recipe = AgencyRevisions(period, capaian, verdicts, templates, inputs, earlier or [],
                             render_stage.Period(period.year, period.quarter, issued), created, run or RunInfo(), out.notes)
    plans = agency_plans(period, keys, outputs)
    bundle_todo = set()
    # `scope`: one agency's run of a fanned-out period keeps its own record beside its other state.
    bundle_record_file = state_dir(outputs, period.year, period.quarter, scope) / BUNDLE_RECORD
    bundles_before = revisions.read_json(bundle_record_file)
    for agency, p in plans.items():
        before = bundles_before.get(agency, {})
        if keys[agency].bundle and before.get("kunci") == keys[agency].bundle and Path(before.get("bundel", "")).exists():
            out.documents[f"bundel_paket{agency_suffix(agency)}"] = Path(before["bundel"])
        else:
            bundle_todo.add(agency)
        if p.reuse:
            out.documents.update(published(recipe, p))
            out.reused.append(agency)
    todo = [p for p in plans.values() if not p.reuse]
    if not todo and not (bundle_todo and packages is not None):
        return out
    with contextlib.nullcontext(converter) if converter else Converter() as conv, ThreadPoolExecutor(1) as side:
        # The bundles (an index to convert, then pypdf merging) go beside the recaps, each
        # waiting on LibreOffice while the other works: run one after the other they were a
        # quarter of a 480-PK run, on one slot of two.
        pending = (side.submit(bundles, period, capaian, verdicts, packages, templates, outputs, created, work, conv,
                               out, bundle_todo) if packages is not None and bundle_todo else None)
        made = make(recipe, todo, conv, work)
        if pending is not None:
            pending.result()
    # A hung or crashed LibreOffice fails the agency's documents like any failure: this task is not retried.
    for agency, files in {**made.retry, **made.files}.items():
        out.documents.update(files if isinstance(files, dict) else {label: files for label in recipe.files(agency)})
    for agency in bundle_todo:
        label = f"bundel_paket{agency_suffix(agency)}"
        if keys[agency].bundle and isinstance(out.documents.get(label), Path):
            bundles_before[agency] = {"kunci": keys[agency].bundle, "bundel": str(out.documents[label])}
        else:
            bundles_before.pop(agency, None)
    if bundle_todo:
        revisions.write_json(bundle_record_file, bundles_before)
    return out


def bundles(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
            packages: dict[str, Path | str], templates: Path, outputs: Path, created: dt.datetime, work: Path,
            converter: Converter, out: AgencyDocuments, agencies: set[str] | None = None) -> None:
    """One bundle per agency (of `agencies`, or all) of every package made this quarter, behind an index page."""
    template = render_stage.template_path(templates, "bundel_paket")
    per = render_stage.Period(period.year, period.quarter, created.date())

    def one(agency: str, cfg: Any, entries: list[bundle_stage.Entry]) -> tuple[str, Path | str]:
        label = f"bundel_paket{agency_suffix(agency)}"
        target = period_dir(outputs, period.year, period.quarter) / f"bundel_paket_{period.year}_TW{period.quarter}{agency_suffix(agency)}.pdf"
        failures: Failures = {}
        made: Path | str = ""
        with guarded(failures, label, "instansi"):
            made = bundle_stage.bundle(cfg, per, entries, template, converter, work, target, created)
        return label, failures.get(label, made)

    jobs = []
    for agency, cfg in period.configs.items():
        if agencies is not None and agency not in agencies:
            continue
        entries = bundle_stage.entries(period, capaian, verdicts, packages, agency)
        if any(e.package for e in entries):
            jobs.append((agency, cfg, entries))
    # One agency per LibreOffice slot: while one index converts, another bundle merges. A bundle
    # reads and writes with pypdf only, never PDFium, so it needs no share of _python_work.
    with ThreadPoolExecutor(max(1, min(converter.slots, len(jobs)))) as pool:
        for done in [pool.submit(one, *job) for job in jobs]:  # in agency order, as the summary lists them
            label, made = done.result()
            out.documents[label] = made
