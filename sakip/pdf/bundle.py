"""The agency bundle: one PDF per agency per quarter with every signature-ready package behind
an index page, for the head to read the quarter in one file.

Signatures belong to each package (a signature covers one file), so the bundle carries no
signature fields (their widgets and the form are dropped), and the index says where to sign. The index is a Word template (templates/bundel_paket) like every other
document; it is rendered twice only when its own length changes the page numbers it prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from . import manifest
from ..capaian.rules import PKResult
from ..config import Konfigurasi
from .convert import Converter
from ..errors import PackageError
from ..formatting import quarter_name, range_text, wib
from ..outputs.files import atomic_path
from .package import pdf_date, signature_fields
from ..model import REPORT_PARAF_FIELD, PeriodData
from ..documents.render import CHECKER_FIELD, Period, Renderer, letterhead, printed_signers
from ..paraf.suites import ParafResult


@dataclass(frozen=True)
class Entry:
    pk: str
    pejabat: str
    capaian: str  # the quarter's capaian range as printed
    package: Path | None  # None: not in the bundle
    status: str = "PARAF"  # or DIKEMBALIKAN / GAGAL
    reason: str = ""  # why there is no package
    signers: tuple[tuple[str, str], ...] = ()  # (signature field, who signs it: name) of the package


@dataclass(frozen=True)
class Listed:
    """A package as the index lists it."""

    entry: Entry
    pages: int
    revision: str
    signed: list[str]
    outline: list[tuple[str, int]]  # the package's own parts and their first pages


def entries(period: "PeriodData", capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
            packages: dict[str, Path | str], agency: str) -> list[Entry]:
    """Every PK of one agency, in workbook order: its package, or why it has none."""
    out = []
    for row in (r for r in period.records("pks") if r["instansi"] == agency):
        pk, verdict, made = row["pk"], verdicts.get(row["pk"]), packages.get(row["pk"])
        official = row["nama"] or "-"
        if isinstance(made, Path):
            result = capaian.get(pk)
            who = tuple((name, p.nama) for name, p in printed_signers(period.config_for(pk), period.official(pk)).items())
            out.append(Entry(pk, official, range_text(result) if result else "-", made,
                             signers=who))
        elif verdict is not None and verdict.verdict != "PARAF":
            first = verdict.errors[0] if verdict.errors else None
            out.append(Entry(pk, official, "-", None, verdict.verdict,
                             f"{first.location}: {first.message}" if first else "dikembalikan untuk diperbaiki"))
        else:
            out.append(Entry(pk, official, "-", None, "GAGAL", str(made or "paket tidak dibuat")))
    return out


def read(entry: Entry) -> Listed:
    assert entry.package is not None
    try:
        reader = PdfReader(entry.package)
        outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline if not isinstance(item, list)]
        pages = len(reader.pages)
    except (PdfReadError, OSError) as exc:
        raise PackageError(f"{entry.package}: tidak dapat dibaca untuk bundel ({exc})") from None
    old = manifest.previous_revision(entry.package)
    revision = str(old["paket"]["revisi"]) if old else "-"
    signed = [name for name, filled in signature_fields(entry.package).items() if filled]
    return Listed(entry, pages, revision, signed, outline)


# Fields that are initials (paraf) rather than signatures, as the index names them.
_INITIALS = {CHECKER_FIELD, REPORT_PARAF_FIELD}


def who_signs(item: Listed) -> str:
    """Who initials and who signs a package, by name, and whose signature is already on it (the
    field names are for the signing service, not for the head reading the index)."""
    initials = list(dict.fromkeys(n for f, n in item.entry.signers if f in _INITIALS))
    signs = list(dict.fromkeys(n for f, n in item.entry.signers if f not in _INITIALS))
    parts = [f"Paraf: {', '.join(initials)}" if initials else "", f"Tanda tangan: {', '.join(signs)}" if signs else ""]
    text = "; ".join(p for p in parts if p) or "-"
    named = dict(item.entry.signers)
    done = list(dict.fromkeys(named.get(f, f) for f in item.signed))
    total = len(named) or len(item.signed)
    return text + (f" (sudah {len(item.signed)} dari {total} kolom: {', '.join(done)})" if done else
                   " (belum ditandatangani)")


def context(cfg: Konfigurasi, per: Period, packages: list[Listed], left_out: list[Entry], index_pages: int,
            created: dt.datetime) -> dict[str, Any]:
    rows, start = [], index_pages + 1
    for n, item in enumerate(packages, start=1):
        end = start + item.pages - 1
        rows.append({"no": n, "pk": item.entry.pk, "pejabat": item.entry.pejabat, "capaian": item.entry.capaian,
                     "revisi": item.revision, "halaman": f"{start}–{end}",
                     "tanda_tangan": who_signs(item)})
        start = end + 1
    return {
        "kop": letterhead(cfg), "periode": per.context,
        "ringkasan": {"jumlah_paket": len(packages), "jumlah_halaman": start - 1},
        "paket": rows,
        "tidak_termasuk": [{"no": n, "pk": e.pk, "pejabat": e.pejabat, "status": e.status, "alasan": e.reason}
                           for n, e in enumerate(left_out, start=1)],
        "dibuat": wib(created),
    }


def bundle(cfg: Konfigurasi, per: Period, entries: list[Entry], template: Path, converter: Converter, work: Path,
           out: Path, created: dt.datetime) -> Path:
    """Write the agency's bundle to `out`: the index, then every package in `entries` order."""
    packages = [read(e) for e in entries if e.package is not None]
    left_out = [e for e in entries if e.package is None]
    renderer = Renderer()
    index_pages, index_pdf = 1, None
    for _attempt in range(3):
        docx = renderer.render(template, context(cfg, per, packages, left_out, index_pages, created),
                               work / f"{out.stem}_indeks.docx")
        [outcome] = converter.convert_batch([docx], work)
        if outcome.pdf is None:
            raise PackageError(f"{out.name}: halaman indeks tidak dapat dibuat ({outcome.error})")
        index_pdf = outcome.pdf
        pages = len(PdfReader(index_pdf).pages)
        if pages == index_pages:
            break
        index_pages = pages
    assert index_pdf is not None
    writer = PdfWriter()
    writer.append(str(index_pdf), import_outline=False)
    writer.add_outline_item("Daftar Paket", 0)
    for item in packages:
        start = len(writer.pages)
        writer.append(str(item.entry.package), import_outline=False)
        parent = writer.add_outline_item(f"{item.entry.pk} - {item.entry.pejabat}", start)
        for title, page in item.outline:
            writer.add_outline_item(title, start + page, parent=parent)
    # The fields' dictionaries come along in the form; without their widgets they are dead weight
    # that a viewer would still offer to sign.
    writer.root_object.pop("/AcroForm", None)
    writer.remove_annotations(subtypes="/Widget")
    title = f"Bundel Paket Laporan Capaian Kinerja {quarter_name(per.quarter)} Tahun {per.year} - {cfg.instansi.nama}"
    writer.add_metadata({"/Title": title, "/Author": cfg.instansi.nama, "/Creator": "sakip",
                         "/Subject": "Bundel baca; tanda tangan dibubuhkan pada paket masing-masing PK",
                         "/Keywords": f"SAKIP; bundel; {per.year}; TW{per.quarter}",
                         "/CreationDate": pdf_date(created), "/SakipPeriode": f"{quarter_name(per.quarter)} Tahun {per.year}"})
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    with atomic_path(out) as tmp, tmp.open("wb") as fh:
        writer.write(fh)
    return out

