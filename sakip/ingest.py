"""Read the PK and realisasi workbooks of a period into pandas frames.

Every value keeps where it came from (a `Location` in the ``<field>_loc`` column) so that paraf
can point an official to the exact cell. Numeric fields are parsed by `parse_number`, one rule
for the whole project; the raw text stays in ``<field>_text``.

Layout of ``inputs/`` (see inputs/README.md)::

    <year>/instansi.toml
    <year>/pk/*.xlsx                 one PK workbook per official
    <year>/realisasi/tw<n>/*.xlsx    one realisasi workbook per official and quarter

or, for a government with many agencies (a regency's OPDs) run as one period, the same layout
once per agency in ``<year>/<agency>/``. PK codes are unique across the whole period.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import zipfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from . import config as config_mod
from .config import Konfigurasi, Pejabat
from .errors import ConfigError, InputError, Location
from .model import Finding, Reading, Status

if TYPE_CHECKING:  # pandas is imported where frames are built: reader processes do without it
    import pandas as pd

POLARITIES = {"positif": "positif", "+": "positif", "negatif": "negatif", "-": "negatif"}
ACCUMULATIONS = {
    "jumlah": "jumlah",
    "akhir": "akhir",
    "posisi akhir": "akhir",
    "rata-rata": "rata-rata",
    "rata rata": "rata-rata",
}
EMPTY_MARKS = {"", "-", "–", "—", "n/a", "na"}
EXCEL_ERRORS = {"#DIV/0!", "#REF!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!"}

# Column headers as printed on the forms, normalised (lower case, single spaces).
PK_COLUMNS = {
    "kode": ("kode", "kode indikator"),
    "sasaran": ("sasaran strategis", "sasaran"),
    "indikator": ("indikator kinerja", "indikator"),
    "satuan": ("satuan",),
    "polaritas": ("polaritas",),
    "akumulasi": ("cara akumulasi", "akumulasi"),
    "target_tahunan": ("target tahunan", "target"),
}
RA_COLUMNS = {
    "kode": ("kode", "kode indikator"),
    "target_tw1": ("target tw i",),
    "target_tw2": ("target tw ii",),
    "target_tw3": ("target tw iii",),
    "target_tw4": ("target tw iv",),
    "rencana_aksi": ("rencana aksi",),
    "penanggung_jawab": ("penanggung jawab",),
}
BUDGET_COLUMNS = {
    "kode_program": ("kode", "kode program"),
    "program": ("program/kegiatan", "program / kegiatan", "program"),
    "pagu": ("pagu (rp)", "pagu"),
}
REALISASI_COLUMNS = {
    "kode": ("kode", "kode indikator"),
    "realisasi": ("realisasi tw", "realisasi"),
    "kendala": ("kendala", "permasalahan/kendala"),
    "tindak_lanjut": ("tindak lanjut", "upaya/tindak lanjut"),
    "bukti_dukung": ("bukti dukung",),
}
REALISASI_BUDGET_COLUMNS = {
    "kode_program": ("kode", "kode program"),
    "realisasi_anggaran": ("realisasi tw (rp)", "realisasi (rp)", "realisasi tw", "realisasi"),
}
OPTIONAL = {"rencana_aksi", "penanggung_jawab", "kendala", "tindak_lanjut", "bukti_dukung"}
NUMERIC = {
    "target_tahunan", "target_tw1", "target_tw2", "target_tw3", "target_tw4",
    "pagu", "realisasi", "realisasi_anggaran",
}

_NUMBER_TEXT = re.compile(r"^[+-]?[\d.,]+$")
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def _norm(text: Any) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).lower() if text is not None else ""


def parse_number(raw: Any, satuan: str = "", percent_cell: bool = False) -> Reading:
    """Read a cell that should hold a number, by one documented rule.

    * Numeric cells are taken as they are (a cell formatted as a percentage holds 0,55 for
      55 %, so it is scaled by 100).
    * Text is read the Indonesian way first: "1.234,5" and "4,25"; a lone "." followed by other
      than three digits is a decimal point ("78.95" is 78,95); "1,234.5" (English) is accepted.
    * A lone "." or "," followed by exactly three digits ("1.234", "144.000") is ambiguous and is
      reported, never guessed, except for Rupiah where it can only be thousands.
    * "", "-", "n/a" mean missing; Excel errors (#DIV/0!, #REF!) are reported as such.
    """
    if raw is None:
        return Reading(None, Status.EMPTY, "")
    if isinstance(raw, bool):
        return Reading(None, Status.TEXT, str(raw))
    if isinstance(raw, (int, float)):
        value = Decimal(str(raw))
        if percent_cell:
            value = (value * 100).normalize()
        return Reading(value, Status.NUMBER, str(raw))
    text = str(raw).strip()
    if text.upper() in EXCEL_ERRORS:
        return Reading(None, Status.EXCEL_ERROR, text)
    if text.lower() in EMPTY_MARKS:
        return Reading(None, Status.EMPTY, text)
    core = re.sub(r"(?i)^rp\.?|%$", "", text.replace("\u00a0", "").replace(" ", "")).strip()
    if not core or not _NUMBER_TEXT.match(core):
        return Reading(None, Status.TEXT, text)
    sign = "-" if core.startswith("-") else ""
    digits = core.lstrip("+-")
    is_rupiah = text.lower().startswith("rp") or "rp" in _norm(satuan) or "rupiah" in _norm(satuan)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal_sep = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        whole, _, frac = digits.rpartition(decimal_sep)
        if digits.count(decimal_sep) > 1 or not _GROUPED.match(whole) and thousands in whole:
            return Reading(None, Status.TEXT, text)
        normal = whole.replace(thousands, "") + "." + frac
    elif dots + commas == 0:
        normal = digits
    else:
        sep = "." if dots else ","
        if dots + commas > 1:
            if not _GROUPED.match(digits):
                return Reading(None, Status.TEXT, text)
            normal = digits.replace(sep, "")
        else:
            whole, _, frac = digits.partition(sep)
            if len(frac) == 3 and whole not in ("", "0"):
                if not is_rupiah:
                    return Reading(
                        None, Status.AMBIGUOUS, text,
                        f"'{text}' bisa dibaca {whole}{frac} (ribuan) atau {whole},{frac} (desimal)",
                    )
                normal = whole + frac
            else:
                normal = whole + "." + frac
    try:
        value = Decimal(sign + normal)
    except InvalidOperation:
        return Reading(None, Status.TEXT, text)
    return Reading(value, Status.NUMBER_TEXT, text)


@dataclass
class PeriodData:
    """Everything read for one year and quarter; frames hold one row per PK / indicator / program."""

    year: int
    quarter: int
    configs: dict[str, Konfigurasi]  # by agency folder ("" when inputs/<year> is one agency)
    pks: pd.DataFrame  # carries the agency of each PK in column "instansi"
    indicators: pd.DataFrame
    budgets: pd.DataFrame
    realisasi: pd.DataFrame  # one row per PK, quarter 1..n and indicator code
    realisasi_budget: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # workbooks that name no known PK
    _agency: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    def pk_codes(self) -> list[str]:
        return [] if self.pks.empty else list(self.pks["pk"])

    @property
    def config(self) -> Konfigurasi:
        """The configuration of a single-agency period."""
        if len(self.configs) != 1:
            raise ValueError("a period of several agencies has one configuration per PK: use config_for(pk)")
        return next(iter(self.configs.values()))

    def agency(self, pk: str) -> str:
        if self._agency is None:
            self._agency = dict(zip(self.pks["pk"], self.pks["instansi"])) if not self.pks.empty else {}
        return self._agency[pk]

    def config_for(self, pk: str) -> Konfigurasi:
        return self.configs[self.agency(pk)]

    def official(self, pk: str) -> Pejabat:
        nip = self.pks.loc[self.pks["pk"] == pk, "nip"].iloc[0]
        found = self.config_for(pk).official_by_nip(nip)
        if found is None:  # ingest reports unknown NIPs, so a PK that got this far has one
            raise KeyError(f"no official with NIP {nip}")
        return found[1]

    def only(self, pks: list[str]) -> "PeriodData":
        """The same period limited to some PKs (for reruns of corrected workbooks)."""
        keep = set(pks)

        def cut(frame: pd.DataFrame) -> pd.DataFrame:
            return frame if frame.empty else frame[frame["pk"].isin(keep)].reset_index(drop=True)

        return PeriodData(self.year, self.quarter, self.configs, cut(self.pks), cut(self.indicators),
                          cut(self.budgets), cut(self.realisasi), cut(self.realisasi_budget),
                          [f for f in self.findings if f.pk in keep], self.orphans)


class _Sheet:
    """One worksheet read into memory as values with their number formats."""

    def __init__(self, shown: str, name: str, rows: list[list[tuple[Any, str]]]) -> None:
        self.shown, self.name, self.rows = shown, name, rows

    def loc(self, row: int, col: int) -> Location:
        return Location(self.shown, self.name, f"{get_column_letter(col + 1)}{row + 1}")

    def identity(self) -> dict[str, tuple[Any, Location]]:
        """Label/value pairs in the first two columns."""
        out: dict[str, tuple[Any, Location]] = {}
        for r, row in enumerate(self.rows):
            if len(row) >= 2 and row[0][0] is not None:
                out[_norm(row[0][0]).rstrip(":").strip()] = (row[1][0], self.loc(r, 1))
        return out

    def table(self, columns: dict[str, tuple[str, ...]]) -> Iterator[dict[str, Any]]:
        """Rows below the header row, keyed by field; each field gives (value, number_format, loc)."""
        required = [k for k in columns if k not in OPTIONAL]
        for h, row in enumerate(self.rows[:20]):
            headers = {_norm(v): c for c, (v, _) in enumerate(row) if v is not None}
            found = {k: next((headers[a] for a in aliases if a in headers), None) for k, aliases in columns.items()}
            if all(found[k] is not None for k in required):
                break
        else:
            names = ", ".join(f"'{columns[k][0].title()}'" for k in required)
            raise InputError(Location(self.shown, self.name), f"baris judul kolom tidak ditemukan (harus memuat {names})")
        for r in range(h + 1, len(self.rows)):
            row = self.rows[r]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v, _ in row):
                continue
            item: dict[str, Any] = {}
            for key, col in found.items():
                if col is None:
                    item[key] = (None, "General", None)
                else:
                    value, fmt = row[col] if col < len(row) else (None, "General")
                    item[key] = (value, fmt, self.loc(r, col))
            yield item


def _open_workbook(path: Path, shown: str) -> dict[str, _Sheet]:
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputError(Location(shown), f"bukan workbook Excel (.xlsx) yang dapat dibaca ({type(exc).__name__})") from None
    try:
        sheets = {}
        for ws in wb.worksheets:
            rows = [[(c.value, getattr(c, "number_format", "General") or "General") for c in row] for row in ws.iter_rows()]
            sheets[_norm(ws.title)] = _Sheet(shown, ws.title, rows)
        return sheets
    finally:
        wb.close()


def _sheet(sheets: dict[str, _Sheet], shown: str, name: str) -> _Sheet:
    try:
        return sheets[_norm(name)]
    except KeyError:
        have = ", ".join(f"'{s.name}'" for s in sheets.values())
        raise InputError(Location(shown), f"sheet '{name}' tidak ada (yang ada: {have})") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _fields(item: dict[str, Any], satuan: str = "") -> dict[str, Any]:
    """Flatten a table row into value/_status/_text/_loc columns."""
    out: dict[str, Any] = {}
    for key, (value, fmt, loc) in item.items():
        out[f"{key}_loc"] = loc
        if key in NUMERIC:
            reading = parse_number(value, satuan, "%" in str(fmt))
            out[key] = reading.value
            out[f"{key}_status"] = str(reading.status)
            out[f"{key}_text"] = reading.text
            out[f"{key}_note"] = reading.note
        else:
            out[key] = _text(value)
    return out


def _identity_value(ident: dict[str, tuple[Any, Location]], label: str, sheet: _Sheet) -> tuple[str, Location]:
    if label not in ident or _text(ident[label][0]) == "":
        raise InputError(Location(sheet.shown, sheet.name), f"isian '{label.title()}' kosong atau tidak ada")
    value, loc = ident[label]
    return _text(value), loc


def read_pk_workbook(path: Path, shown: str = "") -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """One PK workbook: identity, indicators with their RA targets, and program budgets.

    `shown` is how messages name the file (by default its name).
    """
    shown = shown or path.name
    sheets = _open_workbook(path, shown)
    ident_sheet = _sheet(sheets, shown, "Identitas")
    ident = ident_sheet.identity()
    code, code_loc = _identity_value(ident, "kode pk", ident_sheet)
    year, year_loc = _identity_value(ident, "tahun", ident_sheet)
    nip, nip_loc = _identity_value(ident, "nip", ident_sheet)
    pk = {
        "pk": code, "pk_loc": code_loc, "tahun": year, "tahun_loc": year_loc,
        "nip": nip.replace(" ", ""), "nip_loc": nip_loc,
        "nama": _text(ident.get("nama", ("", None))[0]), "file": str(path), "berkas": shown,
    }
    indicators = []
    for item in _sheet(sheets, shown, "PK").table(PK_COLUMNS):
        satuan = _text(item["satuan"][0])
        row = _fields(item, satuan)
        row["polaritas"] = POLARITIES.get(_norm(row["polaritas"]), row["polaritas"])
        row["akumulasi"] = ACCUMULATIONS.get(_norm(row["akumulasi"]), row["akumulasi"])
        indicators.append(row)
    ra = {}
    for item in _sheet(sheets, shown, "RA").table(RA_COLUMNS):
        row = _fields(item)
        ra.setdefault(row["kode"], row)
    for row in indicators:
        targets = ra.get(row["kode"])
        if targets is None:
            row["ra_missing"] = True
            targets = {k: v for k, v in _fields({k: (None, "General", None) for k in RA_COLUMNS}).items() if k != "kode"}
        else:
            row["ra_missing"] = False
        row.update({k: v for k, v in targets.items() if not k.startswith("kode")})
    budgets = [_fields(item) for item in _sheet(sheets, shown, "Anggaran").table(BUDGET_COLUMNS)]
    return pk, indicators, budgets


def read_realisasi_workbook(path: Path, shown: str = "") -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """One quarterly realisasi workbook: identity, realisasi per indicator, budget realisation."""
    shown = shown or path.name
    sheets = _open_workbook(path, shown)
    ident_sheet = _sheet(sheets, shown, "Identitas")
    ident = ident_sheet.identity()
    code, code_loc = _identity_value(ident, "kode pk", ident_sheet)
    tw, tw_loc = _identity_value(ident, "triwulan", ident_sheet)
    head = {"pk": code, "pk_loc": code_loc, "triwulan_text": tw, "triwulan_loc": tw_loc, "file": str(path), "berkas": shown}
    rows = [_fields(item) for item in _sheet(sheets, shown, "Realisasi").table(REALISASI_COLUMNS)]
    budget = [_fields(item) for item in _sheet(sheets, shown, "Anggaran").table(REALISASI_BUDGET_COLUMNS)]
    return head, rows, budget


QUARTER_WORDS = {"1": 1, "i": 1, "2": 2, "ii": 2, "3": 3, "iii": 3, "4": 4, "iv": 4}


def _quarter_of(text: str) -> int | None:
    word = _norm(text).replace("triwulan", "").replace("tw", "").strip()
    return QUARTER_WORDS.get(word)


def workbooks(folder: Path) -> list[Path]:
    """The .xlsx files of a folder, without Office lock files and hidden files, in name order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith(("~$", ".")))


def agencies(inputs: Path, year: int) -> dict[str, Path]:
    """The agency folders of a period: inputs/<year> itself, or each inputs/<year>/<agency>/."""
    base = inputs / str(year)
    if (base / "instansi.toml").is_file():
        return {"": base}
    found = {p.name: p for p in sorted(base.iterdir()) if (p / "instansi.toml").is_file()} if base.is_dir() else {}
    if not found:
        raise ConfigError(f"{base / 'instansi.toml'}: berkas konfigurasi instansi tidak ditemukan "
                          f"(juga tidak ada subfolder instansi yang memuat instansi.toml)")
    return found


PARALLEL_FROM = 40  # workbooks; below this a process pool costs more than it saves


def _read_one(job: tuple[str, Path, str]) -> tuple | InputError:
    kind, path, shown = job
    reader = read_pk_workbook if kind == "pk" else read_realisasi_workbook
    try:
        return reader(path, shown)
    except InputError as exc:
        return exc


def read_workbooks(jobs: list[tuple[str, Path, str]], workers: int | None = None) -> list[tuple | InputError]:
    """Read (kind, path, shown) workbooks, in order, each result or its InputError.

    openpyxl spends ~9 ms of pure Python per small workbook, so a regency's ~1000 workbooks are
    read by one process per core. Workers are spawned, not forked: the flow runs with threads
    (Prefect's, the GX warm-up) and forking a threaded process can deadlock the child.
    """
    workers = workers or os.cpu_count() or 1
    if len(jobs) < PARALLEL_FROM or workers < 2:
        return [_read_one(j) for j in jobs]
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_read_one, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
    except BrokenProcessPool:
        folder = os.path.commonpath([str(j[1].parent) for j in jobs])
        raise InputError(Location(folder), "proses pembaca workbook berhenti tiba-tiba (kehabisan memori? "
                                           "periksa berkas yang sangat besar atau rusak)") from None


def read_period(inputs: Path, year: int, quarter: int) -> PeriodData:
    """Read instansi.toml, every PK workbook and the realisasi workbooks of quarters 1..quarter,
    for each agency of the period."""
    base = inputs / str(year)
    roots = agencies(inputs, year)
    configs = {name: config_mod.load(root / "instansi.toml") for name, root in roots.items()}
    # Folders listed once; every workbook read up front (in parallel), then judged in order.
    pk_books = {agency: workbooks(root / "pk") for agency, root in roots.items()}
    real_books = {(agency, q): workbooks(root / "realisasi" / f"tw{q}")
                  for agency, root in roots.items() for q in range(1, quarter + 1)}
    jobs = [("pk", path, str(path.relative_to(base))) for books in pk_books.values() for path in books]
    jobs += [("realisasi", path, str(path.relative_to(base))) for books in real_books.values() for path in books]
    read = dict(zip((j[1] for j in jobs), read_workbooks(jobs)))
    findings: list[Finding] = []
    pks, indicators, budgets = [], [], []
    seen: dict[str, tuple[str, str]] = {}  # PK code -> (agency, workbook as shown)
    for agency, root in roots.items():
        cfg = configs[agency]
        for path in pk_books[agency]:
            shown = str(path.relative_to(base))
            result = read[path]
            if isinstance(result, InputError):
                exc = result
                findings.append(Finding(path.stem, "error", exc.location, "", exc.message, "Perbaiki berkas sesuai format PK lalu kirim ulang.", "berkas"))
                pks.append({"pk": path.stem, "instansi": agency, "file": str(path), "berkas": shown, "nip": "", "nama": "", "readable": False})
                continue
            pk, rows, budget = result
            if pk["pk"] in seen:
                findings.append(Finding(pk["pk"], "error", pk["pk_loc"], pk["pk"],
                                        f"Kode PK '{pk['pk']}' juga dipakai di {seen[pk['pk']][1]}",
                                        "Setiap PK harus memiliki kode yang unik.", "berkas"))
                continue
            seen[pk["pk"]] = (agency, shown)
            if cfg.official_by_nip(pk["nip"]) is None:
                findings.append(Finding(pk["pk"], "error", pk["nip_loc"], pk["nip"],
                                        f"NIP {pk['nip']} tidak terdaftar sebagai pejabat di instansi.toml",
                                        "Isi NIP pejabat penanda tangan PK (18 digit) persis seperti di instansi.toml.", "berkas"))
            if pk["tahun"] != str(year):
                findings.append(Finding(pk["pk"], "error", pk["tahun_loc"], pk["tahun"],
                                        f"Tahun PK tertulis {pk['tahun']}, sedangkan periode yang diproses {year}",
                                        f"Isi tahun {year}.", "berkas"))
            pk["readable"] = True
            pk["instansi"] = agency
            pks.append(pk)
            indicators += [{"pk": pk["pk"], **r} for r in rows]
            budgets += [{"pk": pk["pk"], **b} for b in budget]

    realisasi, realisasi_budget, orphans = [], [], []
    for agency in roots:
        for q in range(1, quarter + 1):
            sources: dict[str, str] = {}
            for path in real_books[(agency, q)]:
                shown = str(path.relative_to(base))
                result = read[path]
                if isinstance(result, InputError):
                    exc = result
                    owner = path.stem if seen.get(path.stem, ("",))[0] == agency else None
                    if owner is None:
                        orphans.append(f"{exc}")
                    elif q == quarter:
                        findings.append(Finding(owner, "error", exc.location, "", exc.message, "Perbaiki berkas sesuai format realisasi lalu kirim ulang.", "berkas"))
                    continue
                head, rows, budget = result
                code = head["pk"]
                if code not in seen or seen[code][0] != agency:
                    orphans.append(f"{shown}: Kode PK '{code}' tidak ada di daftar PK tahun {year}"
                                   + (f" instansi {agency}" if agency else ""))
                    continue
                if code in sources:
                    if q == quarter:
                        findings.append(Finding(code, "error", head["pk_loc"], code,
                                                f"Realisasi {code} triwulan {q} dikirim dua kali ({sources[code]} dan {path.name})",
                                                "Kirim satu berkas realisasi per PK per triwulan.", "berkas"))
                    continue
                sources[code] = path.name
                if _quarter_of(head["triwulan_text"]) != q and q == quarter:
                    findings.append(Finding(code, "error", head["triwulan_loc"], head["triwulan_text"],
                                            f"Berkas ini ada di folder triwulan {q}, tetapi isian triwulan tertulis '{head['triwulan_text']}'",
                                            f"Isi triwulan {q} atau pindahkan berkas ke folder yang benar.", "berkas"))
                where = {"pk": code, "triwulan": q, "file": str(path), "berkas": head["berkas"]}
                realisasi += [{**where, **r} for r in rows]
                realisasi_budget += [{**where, **b} for b in budget]

    import pandas as pd

    def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
        return pd.DataFrame(rows).reset_index(drop=True) if rows else pd.DataFrame()

    return PeriodData(
        year=year, quarter=quarter, configs=configs,
        pks=frame(pks), indicators=frame(indicators), budgets=frame(budgets),
        realisasi=frame(realisasi), realisasi_budget=frame(realisasi_budget),
        findings=findings, orphans=orphans,
    )
