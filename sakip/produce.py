"""Render, convert and package as one pipeline.

Conversion is the floor of a run: LibreOffice turning documents into PDF. Done in sequence,
rendering every document before converting any and packaging only after the last PDF, a run
costs render + convert + package. Here conversion starts as soon as the first batch of PKs is
rendered, and each batch's PKs are packaged as soon as their PDFs exist, so rendering and
packaging use the CPU time LibreOffice leaves idle (start-up, file I/O) and the run costs
little more than conversion alone.

A PK's documents always travel in one batch, so a package waits for one conversion only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import render as render_stage
from .capaian import PKResult
from .convert import MAX_BATCH, Converter, Outcome
from . import datasheet
from .errors import SakipError
from .manifest import RunInfo
from .outputs import period_dir, pk_dir, safe_component
from .paraf import ParafResult

if TYPE_CHECKING:
    from . import reports
    from .ingest import PeriodData


@dataclass
class Produced:
    packages: dict[str, Path | str] = field(default_factory=dict)  # the package, or why there is none
    documents: dict[str, dict[str, Path]] = field(default_factory=dict)  # rendered DOCX by PK and part
    seconds: dict[str, float] = field(default_factory=dict)  # render and paket: busy time; konversi: wall


def batch_size(pks: int, docs_per_pk: int, slots: int, max_batch: int = MAX_BATCH) -> int:
    """PKs per batch: as large as allowed, yet enough batches to keep every slot busy."""
    per_slot = -(-pks // slots)
    return max(1, min(max_batch // docs_per_pk, per_slot))


def produce(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
            templates: Path, outputs: Path, issued: dt.date, created: dt.datetime, work: Path,
            converter: Converter | None = None, run: RunInfo | None = None) -> Produced:
    """The signature-ready package of every initialled PK (PDFs converted into `work`)."""
    with contextlib.nullcontext(converter) if converter else Converter() as conv:
        return _produce(period, capaian, verdicts, templates, outputs, issued, created, work, conv, run or RunInfo())


def _produce(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
             templates: Path, outputs: Path, issued: dt.date, created: dt.datetime, work: Path,
             converter: Converter, run: RunInfo) -> Produced:
    # Imported here, not at module level: pypdf and pyHanko take ~1 s to import, paid by runs
    # that package something, not by every CLI command.
    from . import package as package_stage

    out = Produced()
    timing = {"render": 0.0, "paket": 0.0}
    initialled = sum(1 for v in verdicts.values() if v.verdict == "PARAF")
    size = batch_size(initialled, len(render_stage.DOCUMENTS), converter.slots)
    author = {pk: period.config_for(pk).instansi.nama for pk in verdicts}
    template_files = [render_stage.template_path(templates, name) for name in render_stage.DOCUMENTS]

    def convert(batch: list[tuple[str, dict[str, Path]]]) -> tuple[list[tuple[str, dict[str, Path]]], list[Outcome]]:
        return batch, converter.convert_batch([p for _, parts in batch for p in parts.values()], work)

    def package(done: Future) -> None:
        batch, outcomes = done.result()
        started = time.perf_counter()
        by_source = {o.source: o for o in outcomes}
        for pk, parts in batch:
            errors = [by_source[p].error for p in parts.values() if by_source[p].pdf is None]
            if errors:
                out.packages[pk] = "; ".join(errors)
                continue
            pdfs = {name: by_source[p].pdf for name, p in parts.items()}
            sources = package_stage.Provenance(period.inputs_of(pk), template_files, list(parts.values()), run)
            try:
                out.packages[pk] = package_stage.package_pk(
                    pk, author[pk], period.official(pk).nama, period.year, period.quarter, pdfs,
                    pk_dir(outputs, period.year, period.quarter, pk), created, sources,
                    datasheet.workbook(period, pk, capaian[pk]),
                    sasaran=tuple(dict.fromkeys(i.sasaran for i in capaian[pk].indicators if i.sasaran)),
                    report_paraf=bool(period.config_for(pk).pengaturan.pemeriksa))
            except SakipError as exc:
                out.packages[pk] = str(exc)
        timing["paket"] += time.perf_counter() - started

    first_submit = None
    pending: set[Future] = set()
    with ThreadPoolExecutor(max_workers=converter.slots, thread_name_prefix="konversi") as pool:
        batch: list[tuple[str, dict[str, Path]]] = []
        # A signed package whose sources are unchanged is final: not rendered, converted or packaged again.
        existing = {pk: pk_dir(outputs, period.year, period.quarter, pk) / package_stage.package_name(pk, period.year, period.quarter)
                    for pk, v in verdicts.items() if v.verdict == "PARAF"}
        final = {pk for pk, path in existing.items()
                 if package_stage.signed_and_current(path, period.inputs_of(pk), template_files, run)}
        out.packages.update({pk: existing[pk] for pk in final})
        rendering = render_stage.render_pks(period, capaian, {pk: v for pk, v in verdicts.items() if pk not in final},
                                            templates, outputs, issued)
        while True:
            started = time.perf_counter()
            item = next(rendering, None)
            timing["render"] += time.perf_counter() - started
            if item is not None:
                out.documents[item[0]] = item[1]
                batch.append(item)
            if batch and (len(batch) >= size or item is None):
                first_submit = first_submit or time.perf_counter()
                pending.add(pool.submit(convert, batch))
                batch = []
            # Package whatever finished meanwhile, so PDFs do not pile up until the end.
            for done in [f for f in pending if f.done()]:
                pending.discard(done)
                package(done)
            if item is None:
                break
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for done in finished:
                package(done)
    out.seconds = {"render": round(timing["render"], 3),
                   "konversi": round(time.perf_counter() - first_submit, 3) if first_submit else 0.0,
                   "paket": round(timing["paket"], 3)}
    return out


@dataclass
class AgencyDocuments:
    documents: dict[str, Path | str] = field(default_factory=dict)  # label -> signature-ready PDF, or why not
    notes: list[str] = field(default_factory=list)  # e.g. narrative missing from the LKjIP


def agency_suffix(agency: str) -> str:
    return f"_{safe_component(agency)}" if agency else ""


def produce_agency(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
                   templates: Path, inputs: Path, outputs: Path, issued: dt.date, created: dt.datetime, work: Path,
                   earlier: "list[reports.EarlierYear] | None" = None, converter: Converter | None = None,
                   packages: dict[str, Path | str] | None = None) -> AgencyDocuments:
    """The agency recap of the quarter (every quarter) and the LKjIP (at Triwulan IV), one each per
    agency, rendered, converted and made signature-ready (an empty field on the head's block);
    and, given the run's `packages`, each agency's bundle of them."""
    from . import package as package_stage
    from . import reports

    out = AgencyDocuments()
    per = render_stage.Period(period.year, period.quarter, issued)
    folder = period_dir(outputs, period.year, period.quarter)
    renderer = render_stage.Renderer()
    names = ["rekap_instansi"] + (["lkjip"] if period.quarter == 4 else [])
    paths = {name: render_stage.template_path(templates, name) for name in names}
    rendered: dict[str, tuple[Path, Path, Any, str]] = {}
    records = period.records("pks")
    for agency, cfg in period.configs.items():
        pks = [r["pk"] for r in records if r["instansi"] == agency]
        if not pks:
            continue
        officials = {r["pk"]: r["nama"] or "-" for r in records if r["instansi"] == agency}
        nips = {r["pk"]: r["nip"] for r in records if r["instansi"] == agency}
        suffix = agency_suffix(agency)
        contexts = {"rekap_instansi": reports.rekap_context(cfg, pks, capaian, verdicts, officials, per)}
        if "lkjip" in names:
            source = inputs / str(period.year) / agency if agency else inputs / str(period.year)
            narasi, narasi_path = reports.load_narrative(source)
            shown = str(narasi_path or source / reports.NARRATIVE_FILE)
            if narasi_path is None:
                out.notes.append(f"{shown} tidak ada: narasi LKjIP ditandai 'belum diisi'")
            contexts["lkjip"] = reports.lkjip_context(cfg, narasi, shown, pks, nips, capaian, verdicts, officials,
                                                      earlier or [], per)
        for name in names:
            stem = {"rekap_instansi": f"rekap_instansi_{period.year}_TW{period.quarter}", "lkjip": f"LKjIP_{period.year}"}[name]
            stem += suffix
            docx = renderer.render(paths[name], contexts[name], folder / "dokumen" / f"{stem}.docx")
            rendered[f"{name}{suffix}"] = (docx, folder / f"{stem}.pdf", cfg, name)
    if not rendered:
        return out
    with contextlib.nullcontext(converter) if converter else Converter() as conv:
        outcomes = {o.source: o for o in conv.convert_batch([d for d, *_ in rendered.values()], work)}
        if packages is not None:
            bundles(period, capaian, verdicts, packages, templates, outputs, created, work, conv, out)
    for label, (docx, final, cfg, name) in rendered.items():
        outcome = outcomes[docx]
        if outcome.pdf is None:
            out.documents[label] = outcome.error
            continue
        title = ("Rekapitulasi Capaian Kinerja " + per.context["triwulan"] if name == "rekap_instansi"
                 else "Laporan Kinerja Instansi Pemerintah (LKjIP)") + f" Tahun {period.year}"
        meta = package_stage.Metadata(title=f"{title} - {cfg.instansi.nama}", author=cfg.instansi.nama,
                                      subject=f"{title}; siap tanda tangan",
                                      keywords=f"SAKIP; {name}; {period.year}; TW{period.quarter}; siap tanda tangan",
                                      created=created)
        try:
            package_stage.assemble([package_stage.Part(title, outcome.pdf)], meta, [reports.HEAD_FIELD], final)
            out.documents[label] = final
        except SakipError as exc:
            out.documents[label] = str(exc)
    return out


def bundles(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
            packages: dict[str, Path | str], templates: Path, outputs: Path, created: dt.datetime, work: Path,
            converter: Converter, out: AgencyDocuments) -> None:
    """One bundle per agency of every package made this quarter, behind an index page."""
    from . import bundle as bundle_stage

    template = render_stage.template_path(templates, "bundel_paket")
    per = render_stage.Period(period.year, period.quarter, created.date())
    for agency, cfg in period.configs.items():
        entries = bundle_stage.entries(period, capaian, verdicts, packages, agency)
        if not any(e.package for e in entries):
            continue
        label = f"bundel_paket{agency_suffix(agency)}"
        target = period_dir(outputs, period.year, period.quarter) / f"bundel_paket_{period.year}_TW{period.quarter}{agency_suffix(agency)}.pdf"
        try:
            out.documents[label] = bundle_stage.bundle(cfg, per, entries, template, converter, work, target, created)
        except SakipError as exc:
            out.documents[label] = str(exc)
