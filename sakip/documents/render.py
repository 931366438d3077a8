"""Render Word templates (templates/<name>/template.docx) as docxtpl renders them.

Templates are code written by planners, so they render in sakip.documents.sandbox: plain data only, no
other files, limited sizes, autoescape and StrictUndefined, and a time limit per render. This
module builds the contexts (every number already formatted the Indonesian way by
sakip.formatting) and renders them with sakip.documents.compiled (docxtpl's template language
and clean-up, each distinct template read and compiled once per process); a chart in a context
becomes an image drawn only if the template prints it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Cm
from jinja2.exceptions import SecurityError

from ..capaian import anggaran
from . import charts
from .compiled import CompiledTemplate, Pictures, UnsupportedTemplate
from ..capaian.rules import FORMULAS, PKResult
from ..config import Konfigurasi, Pejabat
from ..errors import ConfigError, TemplateError
from ..formatting import ROMAN, capaian_text, date_id, figure, nip, number, quarter_name
from ..isolation import Failures, guarded
from ..model import REPORT_PARAF_FIELD, PeriodData, signature_marker
from ..outputs.files import atomic_path, safe_component
from ..paraf.suites import ParafResult
from .sandbox import TIME_LIMIT, Environment, RenderTimeout, SandboxError, run_with_time_limit

INDENT = "\u00a0\u00a0\u00a0"  # per level below the top: Word and LibreOffice keep non-breaking spaces

OFFICIAL_FIELD = "ttd_pejabat"
CHECKER_FIELD = "paraf_pemeriksa"


class _ChartImage:
    """A chart drawn only when the template prints it, into the document being rendered (`tpl`),
    as docxtpl's InlineImage prints. Its attributes keep InlineImage's names: the sandbox shows a
    template only the chart's fields, and refuses these by name."""

    def __init__(self, tpl: Pictures | None, chart: charts.Chart) -> None:
        self.tpl = tpl
        self.image_descriptor: bytes | None = None  # the PNG, drawn once
        self.width = Cm(chart.lebar_cm)
        self.chart = chart

    def __getattr__(self, name: str) -> Any:  # {{ grafik.judul }}, {{ grafik.catatan }}
        if name.startswith("_") or name == "chart":
            raise AttributeError(name)
        return getattr(self.chart, name)

    def __html__(self) -> str:
        if self.tpl is None:
            raise TypeError("grafik tanpa dokumen tujuan")
        if self.image_descriptor is None:
            self.image_descriptor = charts.png(self.chart)
        return self.tpl.inline(self.image_descriptor, self.width)

    __str__ = __html__


def _with_images(pictures: Pictures | None, value: Any) -> Any:
    if isinstance(value, charts.Chart):
        return _ChartImage(pictures, value)
    if isinstance(value, dict):
        return {k: _with_images(pictures, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_with_images(pictures, v) for v in value)
    return value


def template_path(templates: Path, name: str) -> Path:
    path = templates / name / "template.docx"
    if not path.is_file():
        raise TemplateError(f"{path}: template tidak ditemukan")
    return path


# A run renders in batches, each with its own Renderer, in threads beside each other; parsing
# and compiling the same five templates again for each batch cost about a quarter of render
# (py-spy, 48 PKs). Templates are therefore kept per process by their content, so that a planner's
# edit between runs (or a test writing another template at the same path) is read afresh, and all
# compile into one environment, whose compiled code is the same for every thread.
_SHARED_LOCK = threading.Lock()
_SHARED_ENV: Environment | None = None
_SHARED_TEMPLATES: dict[bytes, CompiledTemplate] = {}
_SHARED_MAX = 32  # distinct template contents; a run has a handful


def _shared_env() -> Environment:
    global _SHARED_ENV
    with _SHARED_LOCK:
        if _SHARED_ENV is None:
            _SHARED_ENV = Environment(chart_types=(_ChartImage,))
        return _SHARED_ENV


def _compiled_template(data: bytes) -> CompiledTemplate:
    key = hashlib.sha256(data).digest()
    with _SHARED_LOCK:
        doc = _SHARED_TEMPLATES.get(key)
    if doc is None:
        doc = CompiledTemplate(data)  # outside the lock: another thread's template is not held up
        with _SHARED_LOCK:
            doc = _SHARED_TEMPLATES.setdefault(key, doc)
            while len(_SHARED_TEMPLATES) > _SHARED_MAX:
                del _SHARED_TEMPLATES[next(iter(_SHARED_TEMPLATES))]
    return doc


class Renderer:
    """Renders documents from templates, reading each template file once. A render running
    longer than `time_limit` seconds stops with a TemplateError. Renderers in several threads
    share the compiled templates; one Renderer belongs to one thread."""

    def __init__(self, time_limit: float = TIME_LIMIT) -> None:
        self._env = _shared_env()
        self._templates: dict[Path, CompiledTemplate] = {}
        self._time_limit = time_limit

    def _load(self, template: Path) -> CompiledTemplate:
        doc = self._templates.get(template)
        if doc is None:
            try:
                doc = _compiled_template(template.read_bytes())
            except OSError as exc:
                raise TemplateError(f"{template}: template tidak dapat dibaca ({exc.strerror})") from None
            except (KeyError, ValueError, zipfile.BadZipFile, PackageNotFoundError) as exc:
                raise TemplateError(f"{template}: bukan dokumen Word (.docx) yang valid ({type(exc).__name__})") from None
            self._templates[template] = doc
        return doc

    def render(self, template: Path, context: dict[str, Any], out: Path | None) -> Path | None:
        """Render one template to `out` (written atomically); with no `out`, render and discard
        (a trial render)."""
        doc = self._load(template)
        try:
            # A render changes nothing in `doc`: a failed one leaves nothing for the next document.
            data = run_with_time_limit(self._time_limit, lambda: doc.render(
                self._env, lambda pictures: _with_images(pictures, context)))
        except (Exception, RenderTimeout) as exc:
            raise self._error(template, exc) from None
        if out is None:
            return None
        with atomic_path(out) as tmp:
            tmp.write_bytes(data)
        return out

    def _error(self, template: Path, exc: BaseException) -> TemplateError:
        if isinstance(exc, RenderTimeout):
            limit = f"{self._time_limit:g}".replace(".", ",")
            return TemplateError(f"{template}: render melebihi batas waktu {limit} detik (perulangan tanpa akhir?)")
        if isinstance(exc, (SandboxError, UnsupportedTemplate)):
            return TemplateError(f"{template}: {exc}")
        if isinstance(exc, jinja2.TemplateSyntaxError):
            return TemplateError(f"{template}: penulisan tag template salah ({exc.message})")
        if isinstance(exc, jinja2.UndefinedError):
            return TemplateError(f"{template}: template memakai isian yang tidak ada ({exc.message})")
        if isinstance(exc, SecurityError):
            return TemplateError(f"{template}: template mencoba akses yang dilarang ({exc})")
        if isinstance(exc, jinja2.TemplateError):
            return TemplateError(f"{template}: template tidak dapat dirender ({exc})")
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return TemplateError(f"{template}: template tidak dapat dirender ({detail})")


def render_document(template: Path, context: dict[str, Any], out: Path) -> Path:
    """Render one template to `out` (written atomically)."""
    return Renderer().render(template, context, out)


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int
    issued: dt.date  # the date printed on the signature line

    @property
    def context(self) -> dict[str, Any]:
        first_month = 3 * self.quarter - 2
        last_month = 3 * self.quarter
        start = dt.date(self.year, first_month, 1)
        end = dt.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])
        return {"tahun": str(self.year), "triwulan": quarter_name(self.quarter), "romawi": ROMAN[self.quarter],
                "rentang": f"{date_id(start)} – {date_id(end)}", "nomor": self.quarter,
                "tanggal": self.issued.isoformat()}


def letterhead(cfg: Konfigurasi) -> dict[str, str]:
    inst = cfg.instansi
    contact = " ".join(x for x in (f"Telp. {inst.telepon}" if inst.telepon else "", inst.surel) if x)
    return {"pemerintah": inst.pemerintah.upper(), "instansi": inst.nama.upper(), "instansi_nama": inst.nama,
            "alamat": f"{inst.alamat} {contact}".strip()}


def official(p: Pejabat) -> dict[str, str]:
    """An official as printed. NIP and pangkat are empty for one who has none (a Bupati, an
    elected official): signature blocks then leave those lines out instead of printing "-"."""
    return {"nama": p.nama, "nip": nip(p.nip) if p.nip else "", "jabatan": p.jabatan_lengkap,
            "pangkat": p.pangkat_golongan}


def signature_block(cfg: Konfigurasi, p: Pejabat, period: Period, field_name: str,
                    signed: dt.date | None = None) -> dict[str, str]:
    """A signature block dated `signed` (default: the report's date)."""
    return {**official(p), "tempat_tanggal": f"{cfg.instansi.kota}, {date_id(signed or period.issued)}",
            "penanda": signature_marker(field_name)}


def quarter_end(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])


def early_date_warning(year: int, quarter: int, issued: dt.date) -> str | None:
    """The operator's warning when the documents (the Lembar Paraf among them) would be dated
    before the quarter they report on has ended: its realisasi cannot have been complete then."""
    end = quarter_end(year, quarter)
    if issued > end:
        return None
    return (f"Tanggal dokumen {date_id(issued)} belum melewati akhir {quarter_name(quarter)} Tahun {year} "
            f"({date_id(end)}): Lembar Paraf dan laporan akan bertanggal sebelum triwulannya selesai. Periksa "
            f"--tanggal, atau jalankan ulang setelah {date_id(end)}.")


def _document_date(cfg: Konfigurasi, key: str, year: int, what: str) -> dt.date:
    """A date of the year's planning documents from instansi.toml, checked against the year:
    a PK or RA is signed in its year or in December before it."""
    value = getattr(cfg.instansi, key)
    if value is None:
        raise ConfigError(f"instansi.toml: [instansi] {key} belum diisi: tanggal penandatanganan {what} Tahun {year} "
                          f"dicetak pada lampirannya; tulis mis. {key} = \"{year}-01-05\"")
    if not dt.date(year - 1, 12, 1) <= value <= dt.date(year, 12, 31):
        raise ConfigError(f"instansi.toml: [instansi] {key} = \"{value.isoformat()}\" ({date_id(value)}) bukan tanggal "
                          f"{what} Tahun {year}: harus antara 1 Desember {year - 1} dan 31 Desember {year}")
    return value


def pk_date(cfg: Konfigurasi, year: int) -> dt.date:
    """The day the year's Perjanjian Kinerja were signed ([instansi] tanggal_pk)."""
    return _document_date(cfg, "tanggal_pk", year, "Perjanjian Kinerja")


def ra_date(cfg: Konfigurasi, year: int) -> dt.date:
    """The Rencana Aksi's own date ([instansi] tanggal_ra), else the PK's: an annual plan,
    never the quarterly report's date."""
    if cfg.instansi.tanggal_ra is None:
        return pk_date(cfg, year)
    return _document_date(cfg, "tanggal_ra", year, "Rencana Aksi")


def formula_notes(result: PKResult) -> list[str]:
    """How every printed capaian was reached, naming the indicators of each rule."""
    used = result.formulas_used()
    notes = ["Capaian TW dibandingkan dengan target triwulan pada Rencana Aksi; capaian s.d. TW dibandingkan dengan "
             "target tahunan, dengan realisasi s.d. TW dijumlahkan, diambil posisi akhirnya, atau dirata-rata sesuai "
             "cara akumulasi indikator."]
    for rule, label in (("positif", "Polaritas positif"), ("selisih", "Polaritas negatif"), ("rasio", "Polaritas negatif"),
                        ("rentang", "Target rentang"), ("ordinal", "Target kualitatif")):
        if rule in used:
            notes.append(f"{label} ({', '.join(used[rule])}): {FORMULAS[rule]}.")
    notes.append("\"tidak dapat dihitung\": target atau realisasi pada periode itu tidak ada atau target bernilai 0.")
    later = [i.kode for i in result.indicators if not i.measured]
    if later:
        notes.append(f"\"belum diukur\" ({', '.join(later)}): indikator yang diukur mulai triwulan yang disebutkan (target "
                     "Rencana Aksi triwulan sebelumnya kosong atau 0); realisasinya belum diminta dan capaiannya belum "
                     "dinilai.")
    return notes


def report_context(cfg: Konfigurasi, pk: str, p: Pejabat, result: PKResult, period: Period) -> dict[str, Any]:
    sasaran: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    kendala = []
    threshold = cfg.pengaturan.ambang_kendala
    for n, ind in enumerate(result.indicators, start=1):
        if not sasaran or sasaran[-1]["nama"] != ind.sasaran:
            sasaran.append({"nomor": len(sasaran) + 1, "nama": ind.sasaran, "indikator": []})
        rows.append({
            "no": n, "kode": ind.kode, "sasaran": f"{sasaran[-1]['nomor']}. {ind.sasaran}", "indikator": ind.indikator,
            "satuan": ind.satuan,
            "target_tahunan": figure(ind.target_tahunan), "target_tw": figure(ind.target_tw), "target_sd": figure(ind.target_sd),
            "realisasi_tw": figure(ind.realisasi_tw), "capaian_tw": capaian_text(ind.capaian_tw), "realisasi_sd": figure(ind.realisasi_sd),
            "capaian_sd": capaian_text(ind.capaian_sd), "predikat": ind.predikat, "polaritas": ind.polaritas,
            "akumulasi": ind.akumulasi, "rumus_tw": ind.capaian_tw.rule, "rumus_sd": ind.capaian_sd.rule,
        })
        sasaran[-1]["indikator"].append(rows[-1])
        cap = ind.capaian_tw
        if ind.below(threshold) or ind.kendala:
            kendala.append({"no": len(kendala) + 1, "indikator": ind.indikator, "capaian": capaian_text(cap),
                            "kendala": ind.kendala or "-", "tindak_lanjut": ind.tindak_lanjut or "-"})
    return {
        "kop": letterhead(cfg), "periode": period.context, "pejabat": official(p), "pk": {"kode": pk},
        "sasaran": sasaran, "indikator": rows, "grafik": capaian_chart(result, period),
        "catatan_capaian": " ".join(formula_notes(result)),
        "rumus": {rule: FORMULAS[rule] for rule in result.formulas_used()},
        "anggaran": [{"no": n, "kode": b.kode, "program": INDENT * depth + b.program, "pagu": number(b.pagu, 0),
                      "realisasi_tw": number(b.realisasi_tw, 0),
                      "realisasi_sd": number(b.realisasi_sd, 0), "serapan": capaian_text(b.serapan)}
                     for n, (depth, b) in enumerate(anggaran.in_tree_order(result.budgets), start=1)],
        "anggaran_total": {"pagu": number(result.pagu, 0), "realisasi_tw": number(result.realisasi_anggaran_tw, 0),
                           "realisasi_sd": number(result.realisasi_anggaran_sd, 0), "serapan": capaian_text(result.serapan)},
        "efisiensi": {"nilai": capaian_text(result.efisiensi), "rumus": FORMULAS["efisiensi"],
                      "capaian_rata": capaian_text(result.capaian_rata_sd), "serapan": capaian_text(result.serapan)},
        "kendala": kendala,
        "ttd": signature_block(cfg, p, period, OFFICIAL_FIELD),
        "paraf": checker_cells(cfg, cfg.key_of(p)),
    }


def _chart_value(result) -> float | None:
    return float(result.shown) if result.state == "dihitung" and result.shown is not None else None


def capaian_chart(result: PKResult, period: Period) -> charts.Chart:
    """Capaian TW and s.d. TW per indicator against the 100 % target line. Indicators of different
    units only compare as a share of their own target, so capaian is drawn, not raw values."""
    inds = result.indicators
    roman = ROMAN[period.quarter]
    later = [i.kode for i in inds if not i.measured]
    unplotted = [i.kode for i in inds if i.measured and _chart_value(i.capaian_tw) is None and _chart_value(i.capaian_sd) is None]
    note = " ".join(filter(None, (
        f"Tidak digambarkan (kualitatif atau tidak dapat dihitung): {', '.join(unplotted)}." if unplotted else "",
        f"Belum diukur pada triwulan ini: {', '.join(later)}." if later else "")))
    return charts.Chart(
        judul=f"Capaian indikator {quarter_name(period.quarter)} Tahun {period.year} (% terhadap target)",
        label=tuple(i.kode for i in inds),
        seri=((f"Capaian TW {roman}", tuple(_chart_value(i.capaian_tw) for i in inds)),
              (f"Capaian s.d. TW {roman}", tuple(_chart_value(i.capaian_sd) for i in inds))),
        satuan="%", garis=100.0, garis_label="Target (100 %)", catatan=note)


def checker_cells(cfg: Konfigurasi, owner: str = "") -> list[dict[str, str]]:
    """The initial (paraf) cells of the report: the checker named in instansi.toml (on the
    checker's own PK, their atasan: nobody initials their own data)."""
    if not cfg.pengaturan.pemeriksa:
        return []
    key = cfg.pemeriksa_untuk(owner)
    p = cfg.pejabat[key]
    return [{"no": 1, "jabatan": p.jabatan_lengkap, "nama": p.nama, "penanda": signature_marker(REPORT_PARAF_FIELD)}]


PK_FIRST_FIELD = "ttd_pk_pihak_pertama"
PK_SECOND_FIELD = "ttd_pk_pihak_kedua"
RA_FIELD = "ttd_ra"


def printed_signers(cfg: Konfigurasi, p: Pejabat) -> dict[str, Pejabat]:
    """The official each signature field of `p`'s package prints, by the lookups the contexts
    below make (the manifest records it; `sakip sign` and `verify` match certificates to it).
    A field that prints nobody (a PK without a superior) is left out: nobody may sign it."""
    checker = cfg.pejabat[cfg.pemeriksa_untuk(cfg.key_of(p))]
    superior = cfg.pejabat.get(p.atasan) if p.atasan else None
    out = {OFFICIAL_FIELD: p, PK_FIRST_FIELD: p, RA_FIELD: p, CHECKER_FIELD: checker}
    if superior is not None:
        out[PK_SECOND_FIELD] = superior
    if cfg.pengaturan.pemeriksa:
        out[REPORT_PARAF_FIELD] = checker
    return out


def _target_text(row: dict[str, Any], key: str) -> str:
    """A target as the report prints it: the number read, else the text written (qualitative)."""
    value = row.get(key)
    return number(value) if value is not None else (row.get(f"{key}_text") or "-")


def _pk_rows(period: PeriodData, pk: str) -> list[dict[str, Any]]:
    return period.rows_of("indicators", pk)


def _sasaran_label(rows: list[dict[str, Any]]) -> dict[str, str]:
    order = list(dict.fromkeys(r["sasaran"] for r in rows))
    return {name: f"{n}. {name}" for n, name in enumerate(order, start=1)}


def _by_sasaran(rows: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """The printed rows grouped per sasaran (`names[i]` is the sasaran of `rows[i]`), so that a
    template prints each sasaran's label row over its own indicators only."""
    groups: dict[str, dict[str, Any]] = {}
    for row, name in zip(rows, names):
        if name not in groups:
            groups[name] = {"nomor": len(groups) + 1, "nama": name, "label": row["sasaran"], "indikator": []}
        groups[name]["indikator"].append(row)
    return list(groups.values())


def lampiran_pk_context(cfg: Konfigurasi, pk: str, p: Pejabat, period: PeriodData, per: Period) -> dict[str, Any]:
    """The Perjanjian Kinerja as signed at the start of the year: statement, both parties,
    indicators with annual targets, and the programs' budget."""
    superior = cfg.pejabat.get(p.atasan) if p.atasan else None
    rows = _pk_rows(period, pk)
    label = _sasaran_label(rows)
    budgets = period.rows_of("budgets", pk)
    code = lambda b: b["kode_program"]  # noqa: E731
    # A PK may list a programme and its kegiatan: the total adds the top level once, and the rows
    # show each child under its parent.
    total = sum((Decimal(str(b["pagu"])) for b in anggaran.top_level(budgets, code=code) if b["pagu"] is not None),
                Decimal(0))
    signed = pk_date(cfg, per.year)
    place = f"{cfg.instansi.kota}, {date_id(signed)}"
    first = {**official(p), "tempat_tanggal": place, "penanda": signature_marker(PK_FIRST_FIELD), "peran": "PIHAK PERTAMA"}
    second = ({**official(superior), "penanda": signature_marker(PK_SECOND_FIELD), "peran": "PIHAK KEDUA"} if superior else
              {"nama": "-", "nip": "", "jabatan": "-", "pangkat": "", "penanda": signature_marker(PK_SECOND_FIELD),
               "peran": "PIHAK KEDUA"})
    printed = [{"no": n, "sasaran": label[r["sasaran"]], "indikator": r["indikator"], "satuan": r["satuan"],
                "target": _target_text(r, "target_tahunan")} for n, r in enumerate(rows, start=1)]
    return {
        "kop": letterhead(cfg), "periode": per.context, "pk": {"kode": pk}, "tanggal": signed.isoformat(),
        "pihak_pertama": first, "pihak_kedua": second,
        "sasaran": _by_sasaran(printed, [r["sasaran"] for r in rows]),
        "indikator": printed,
        "anggaran": [{"no": n, "kode": b["kode_program"], "program": INDENT * depth + b["program"],
                      "pagu": number(b["pagu"], 0) if b["pagu"] is not None else "-"}
                     for n, (depth, b) in enumerate(anggaran.in_tree_order(budgets, code=code), start=1)],
        "anggaran_total": number(total, 0),
    }


def lampiran_ra_context(cfg: Konfigurasi, pk: str, p: Pejabat, period: PeriodData, per: Period) -> dict[str, Any]:
    """The Rencana Aksi: the quarterly breakdown of every indicator and the actions planned."""
    rows = _pk_rows(period, pk)
    label = _sasaran_label(rows)
    signed = ra_date(cfg, per.year)
    printed = [{"no": n, "sasaran": label[r["sasaran"]], "indikator": r["indikator"], "satuan": r["satuan"],
                "target_tahunan": _target_text(r, "target_tahunan"),
                "tw1": _target_text(r, "target_tw1"), "tw2": _target_text(r, "target_tw2"),
                "tw3": _target_text(r, "target_tw3"), "tw4": _target_text(r, "target_tw4"),
                "rencana_aksi": r.get("rencana_aksi") or "-", "penanggung_jawab": r.get("penanggung_jawab") or "-"}
               for n, r in enumerate(rows, start=1)]
    return {
        "kop": letterhead(cfg), "periode": per.context, "pejabat": official(p), "pk": {"kode": pk},
        "tanggal": signed.isoformat(),
        "sasaran": _by_sasaran(printed, [r["sasaran"] for r in rows]),
        "indikator": printed,
        "ttd": signature_block(cfg, p, per, RA_FIELD, signed),
    }


def cover_context(cfg: Konfigurasi, pk: str, p: Pejabat, period: Period) -> dict[str, Any]:
    return {"kop": letterhead(cfg), "periode": period.context, "pejabat": official(p), "pk": {"kode": pk}}


def paraf_context(cfg: Konfigurasi, pk: str, p: Pejabat, result: ParafResult, period: Period) -> dict[str, Any]:
    checker = cfg.pejabat[cfg.pemeriksa_untuk(cfg.key_of(p))]
    warnings = [{"no": n, "lokasi": f"{w.location.sheet} {w.location.cell}".strip() or w.location.file, "pesan": w.message}
                for n, w in enumerate(result.warnings, start=1)]
    # One row per group (a suite, or the rules of one stage), naming only the rules that flagged
    # something: the page must keep the checker's signature block on it however many rules there
    # are (paraf.json and validasi.html list every rule with its own outcome).
    checks = []
    for n, group in enumerate(result.groups, start=1):
        mine = [c for c in result.checks if c.suite == group.name]
        flagged = [f"{c.description}: {result.outcome(c)}" for c in mine if result.failed(c)]
        checks.append({"no": n, "uraian": group.description,
                       "hasil": f"{len(mine) - len(flagged)} dari {len(mine)} aturan sesuai"
                                + "".join(f"; {f}" for f in flagged)})
    hasil = "PARAF: data kinerja sesuai" + (f", dengan {len(warnings)} peringatan" if warnings else "")
    return {
        "kop": letterhead(cfg), "periode": period.context, "pejabat": official(p), "pk": {"kode": pk},
        "hasil": hasil, "pemeriksaan": checks, "peringatan": warnings,
        "diperiksa_pada": (f"{date_id(result.checked_at.date())} pukul {result.checked_at:%H.%M} WIB"
                           if result.checked_at else "-"),
        # Officials read the rules in their words; suite files and their SHA-256 are for auditors
        # (paraf.json, the manifest and validasi.html name them).
        "aturan_sumber": (f"{len(result.checks)} aturan pemeriksaan dalam {len(result.groups)} kelompok di atas. "
                          f"Hasil setiap aturan tercatat dalam catatan pemeriksaan yang disimpan bersama paket ini."),
        "pernyataan": (f"Data kinerja {pk} {period.context['triwulan']} Tahun {period.year} telah diperiksa terhadap "
                       f"{len(result.checks)} aturan pemeriksaan dan dinyatakan sesuai untuk disusun menjadi laporan."),
        "paraf": {**signature_block(cfg, checker, period, CHECKER_FIELD), "jabatan": f"Diperiksa oleh, {checker.jabatan_lengkap}"},
    }


DOCUMENTS = ("sampul", "laporan_triwulan", "lampiran_pk", "lampiran_ra", "lembar_paraf")


def render_pks(period: PeriodData, capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
               templates: Path, folders: dict[str, Path], issued: dt.date,
               failures: Failures | None = None) -> Iterator[tuple[str, dict[str, Path]]]:
    """The cover, report, appendices and Lembar Paraf of each PK in `folders` (PK -> the folder
    its DOCX go to), one PK at a time, so that conversion can start on the first ones. Given
    `failures`, a PK whose documents cannot be rendered is named there and the others go on."""
    paths = {name: template_path(templates, name) for name in DOCUMENTS}
    renderer = Renderer()
    per = Period(period.year, period.quarter, issued)

    def one(pk: str, folder: Path) -> dict[str, Path]:
        who = period.official(pk)
        cfg = period.config_for(pk)
        stem = safe_component(pk)
        contexts = {"sampul": cover_context(cfg, pk, who, per),
                    "laporan_triwulan": report_context(cfg, pk, who, capaian[pk], per),
                    "lampiran_pk": lampiran_pk_context(cfg, pk, who, period, per),
                    "lampiran_ra": lampiran_ra_context(cfg, pk, who, period, per),
                    "lembar_paraf": paraf_context(cfg, pk, who, verdicts[pk], per)}
        return {name: renderer.render(paths[name], contexts[name], folder / f"{stem}_{name}.docx") for name in DOCUMENTS}

    for pk, folder in folders.items():
        if failures is None:
            yield pk, one(pk, folder)
            continue
        with guarded(failures, pk, "render"):
            documents = one(pk, folder)
        if pk not in failures:
            yield pk, documents
