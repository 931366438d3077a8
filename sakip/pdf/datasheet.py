"""The validated data of one PK as an xlsx, attached to its package: what the paraf step passed
and what capaian was computed from it, with the workbook cell each value came from.

An official or auditor who opens the package can then recompute any figure without asking for
the workbooks, and see which cell it was read from.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from .. import xlsx
from ..capaian.rules import Figure, PKResult
from ..formatting import capaian_text
from ..model import PeriodData

# Sheet -> (frame of PeriodData, columns in order, the column whose cell is the row's source)
SHEETS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "PK": ("pks", ("pk", "tahun", "nip", "nama", "berkas"), "pk"),
    "Indikator": ("indicators", ("kode", "sasaran", "indikator", "satuan", "polaritas", "akumulasi", "target_tahunan",
                                 "target_tw1", "target_tw2", "target_tw3", "target_tw4", "rumus_negatif",
                                 "rencana_aksi", "penanggung_jawab"), "kode"),
    "Anggaran": ("budgets", ("kode_program", "program", "pagu"), "kode_program"),
    "Realisasi": ("realisasi", ("triwulan", "kode", "realisasi", "kendala", "tindak_lanjut", "bukti_dukung", "berkas"),
                  "realisasi"),
    "Realisasi Anggaran": ("realisasi_budget", ("triwulan", "kode_program", "realisasi_anggaran", "berkas"),
                           "realisasi_anggaran"),
}
CAPAIAN_COLUMNS = ("kode", "sasaran", "indikator", "satuan", "target_tw", "realisasi_tw", "capaian_tw",
                   "target_sd", "realisasi_sd", "capaian_sd", "predikat", "catatan")


def _figure(f: Figure) -> Any:
    """An engine figure as the other sheets store numbers: the number itself (12500, not the
    printed '12.500'), else the text written."""
    return float(f.value) if f.value is not None else (f.text or None)


def _cell(row: dict[str, Any], column: str) -> Any:
    """A number stays a number (so Excel can recompute); text written in a number cell
    (e.g. 'WTP') is kept as written."""
    value = row.get(column)
    if isinstance(value, Decimal):
        return float(value)  # exact for rupiah and percentages (< 15 significant digits)
    if value is None or value != value:  # None or NaN
        return row.get(f"{column}_text") or None
    return value


# How a row is named in `values`: the sheet's identifying columns.
ROW_NAMES: dict[str, tuple[str, ...]] = {"PK": ("pk",), "Indikator": ("kode",), "Anggaran": ("kode_program",),
                                         "Realisasi": ("triwulan", "kode"), "Realisasi Anggaran": ("triwulan", "kode_program"),
                                         "Capaian": ("kode",)}
_NOT_VALUES = {"sumber", "berkas"}  # where a value was read from is not the value


def sheets(period: PeriodData, pk: str, result: PKResult) -> dict[str, list[list[Any]]]:
    """Each sheet's rows, the header first."""
    out: dict[str, list[list[Any]]] = {}
    for title, (frame_name, columns, anchor) in SHEETS.items():
        rows = period.rows_of(frame_name, pk)
        out[title] = [[*columns, "sumber"]] + [
            [_cell(row, c) for c in columns] + [str(row.get(f"{anchor}_loc") or "")] for row in rows]
    out["Capaian"] = [list(CAPAIAN_COLUMNS)]
    for ind in result.indicators:
        notes = "; ".join(dict.fromkeys(filter(None, [ind.capaian_tw.note, ind.capaian_sd.note])))
        out["Capaian"].append([ind.kode, ind.sasaran, ind.indikator, ind.satuan, _figure(ind.target_tw),
                               _figure(ind.realisasi_tw), capaian_text(ind.capaian_tw), _figure(ind.target_sd),
                               _figure(ind.realisasi_sd), capaian_text(ind.capaian_sd), ind.predikat, notes])
    return out


def workbook(period: PeriodData, pk: str, result: PKResult) -> bytes:
    """The workbook; what units typed (kendala, bukti dukung, names) is written as text, never as
    a formula (sakip.xlsx)."""
    book = Workbook(write_only=True)
    for title, rows in sheets(period, pk, result).items():
        sheet = book.create_sheet(title)
        for row in rows:
            xlsx.append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def values(period: PeriodData, pk: str, result: PKResult) -> dict[str, str]:
    """Every validated and computed value of a PK by a readable name, e.g. "Realisasi TW2 IK-1:
    realisasi" -> "85": what two revisions are compared by."""
    out = {}
    for title, (header, *rows) in sheets(period, pk, result).items():
        ident = [header.index(c) for c in ROW_NAMES[title]]
        for row in rows:
            name = " ".join(("TW" if header[i] == "triwulan" else "") + str(row[i]) for i in ident)
            for column, value in zip(header, row):
                if column not in _NOT_VALUES:
                    out[f"{title} {name}: {column}"] = "" if value is None else str(value)
    return out
