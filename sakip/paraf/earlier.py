"""Where a PK's earlier quarters stand: initialled, or not (returned, never checked, changed since
its paraf), read from the runs recorded under outputs/.

A quarter's realisasi counts in a later quarter only once initialled. The flow records the
standing of the PKs whose realisasi of this quarter came in (`received_standing`, into
`PeriodData.standing`), and the rule berkas.triwulan_lalu_diparaf returns those with an earlier
quarter that does not count; the forms prefill only the quarters that count.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SakipError, visible
from ..formatting import ROMAN
from ..model import PeriodData, Standing, csv_files
from ..outputs.files import period_dir, pk_dir
from ..outputs.revisions import latest, package_in
from ..outputs.summary import SUMMARY_FILE, Summary
from ..pdf import manifest
from .berkas import realisasi_folder


def _rerun(year: int, q: int, pk: str) -> str:
    return f"sakip run {year} {q} --pk {pk}"


def _initialled_inputs(outputs: Path, year: int, q: int, pk: str) -> set[str] | None:
    """SHA-256 of every input file recorded in the manifest of the PK's latest revision of
    quarter q (the revision its PARAF verdict stands on); None when there is none to read."""
    try:
        rev = latest(pk_dir(outputs, year, q, pk))
        package = package_in(rev) if rev is not None else None
    except (OSError, RuntimeError, ValueError, SakipError):  # RuntimeError: a symlink loop
        return None
    made = manifest.load(package) if package is not None else None
    return None if made is None else {e.sha256 for e in made.berkas if e.jenis == "masukan"}


def _files_of(period: PeriodData, pk: str, q: int) -> list[Path]:
    """The files of a PK's realisasi workbook of quarter q as read (a CSV folder: its CSV files)."""
    if period.realisasi.empty:
        return []
    rows = period.realisasi[(period.realisasi["pk"] == pk) & (period.realisasi["triwulan"] == q)]
    out: list[Path] = []
    for file in dict.fromkeys(rows["file"]):
        path = Path(file)
        out += csv_files(path) if path.is_dir() else [path]
    return out


def _digest(path: Path) -> str:
    try:
        return manifest.sha256(path)
    except OSError:  # read a moment ago; gone or unreadable now: not the file initialled
        return ""


def earlier_standing(period: PeriodData, outputs: Path, pks: list[str] | None = None,
                     before: int | None = None) -> tuple[dict[tuple[str, int], Standing], list[str]]:
    """Where quarters 1..before-1 (default: the period's quarter) of each PK stand, from the runs
    recorded under `outputs`, and notes for the operator. The form of quarter n reads the period
    up to n-1 and asks with before=n.

    A quarter's realisasi counts only once initialled: its run's summary
    (outputs/<year>/TW<q>/ringkasan.json) says PARAF for the PK, and the workbook read now is the
    one that revision was made from (its SHA-256 is among the manifest's inputs). The quarters
    before the first one of the year that sakip ran (no summary for any of them) were initialled
    by hand before sakip was used: they count, with a note, and their workbooks are still read as
    strictly as any (read_period).
    """
    year, quarter = period.year, before or period.quarter
    pks = period.pk_codes() if pks is None else pks
    out: dict[tuple[str, int], Standing] = {}
    notes: list[str] = []
    recorded: dict[int, bool] = {}
    unreadable: dict[int, str] = {}  # quarter -> why its folder cannot be looked at
    for q in range(1, quarter):
        try:
            path = period_dir(outputs, year, q) / SUMMARY_FILE
            recorded[q] = path.exists() or path.is_symlink()
        except (OSError, SakipError) as exc:  # unreadable, or a link out of outputs/: not "never run"
            recorded[q] = True
            unreadable[q] = visible(str(exc))
    first = next((q for q in range(1, quarter) if recorded[q]), quarter)
    if first > 1:
        shown = ", ".join(ROMAN[q] for q in range(1, first))
        notes.append(f"Triwulan {shown} tahun {year} belum pernah diproses sakip (tidak ada ringkasan.json di "
                     f"{outputs}/{year}): realisasinya dianggap sudah diparaf di luar sakip dan "
                     f"diperiksa kelengkapan serta keterbacaannya dalam run ini. Untuk pemeriksaan penuh, jalankan "
                     f"'sakip run {year} <triwulan>' untuk triwulan itu lebih dulu.")
    for q in range(1, quarter):
        if q < first:
            out.update({(pk, q): Standing(pk, q, "sebelum_sakip") for pk in pks})
            continue
        summary = None if q in unreadable else Summary.read(outputs, year, q)
        where = f"{outputs}/{year}/TW{q}/{SUMMARY_FILE}" + (f": {unreadable[q]}" if q in unreadable else "")
        rows = {r.pk: r for r in summary.rows} if summary else {}
        for pk in pks:
            rerun = f"jalankan '{_rerun(year, q, pk)}' sampai diparaf, lalu jalankan ulang triwulan {ROMAN[quarter]}."
            row = rows.get(pk)
            if not recorded[q]:
                out[(pk, q)] = Standing(pk, q, "belum_diperiksa", f"triwulan {ROMAN[q]} belum pernah dijalankan",
                                        f"Jalankan 'sakip run {year} {q}' sampai PK ini diparaf, lalu jalankan ulang "
                                        f"triwulan {ROMAN[quarter]}.")
            elif summary is None:
                out[(pk, q)] = Standing(pk, q, "rusak", f"catatan pemeriksaan triwulan {ROMAN[q]} ({where}) tidak dapat "
                                        "dibaca", f"Jalankan ulang triwulan {ROMAN[q]} ('sakip run {year} {q}'), lalu "
                                        f"jalankan ulang triwulan {ROMAN[quarter]}.")
            elif row is None:
                out[(pk, q)] = Standing(pk, q, "belum_diperiksa", f"PK ini tidak ada dalam pemeriksaan triwulan {ROMAN[q]}",
                                        f"Letakkan berkas triwulan {ROMAN[q]}-nya, lalu {rerun}")
            elif row.status == "DIKEMBALIKAN":
                koreksi = tuple(row.keluaran)
                named = " dan ".join(visible(k) for k in koreksi) or f"lembar koreksi di {outputs}/{year}/TW{q}/{pk}"
                out[(pk, q)] = Standing(pk, q, "dikembalikan",
                                        f"dikembalikan pada pemeriksaan triwulan {ROMAN[q]} dan belum diperbaiki (lembar koreksi: {named})",
                                        f"Perbaiki berkas triwulan {ROMAN[q]} sesuai {named}, letakkan di folder "
                                        f"{realisasi_folder(period.agency(pk), q)}, lalu {rerun}")
            elif row.status != "PARAF":
                out[(pk, q)] = Standing(pk, q, "belum_diperiksa", f"pemeriksaan triwulan {ROMAN[q]} berstatus {row.status}"
                                        + (f" ({visible(row.pesan)})" if row.pesan else ""),
                                        rerun[:1].upper() + rerun[1:])
            else:
                initialled = _initialled_inputs(outputs, year, q, pk)
                files = _files_of(period, pk, q)
                if initialled is None:
                    out[(pk, q)] = Standing(pk, q, "rusak", f"paket triwulan {ROMAN[q]} yang diparaf tidak ditemukan atau "
                                            "manifestnya tidak terbaca, sehingga tidak dapat dipastikan berkas mana yang diparaf",
                                            rerun[:1].upper() + rerun[1:])
                elif files and not all(_digest(f) in initialled for f in files):
                    out[(pk, q)] = Standing(pk, q, "berubah", f"berkasnya berubah sejak diparaf "
                                            f"(isinya tidak sama dengan yang tercatat di manifest paket triwulan {ROMAN[q]})",
                                            f"Bila perubahan itu koreksi yang disengaja, {rerun} Bila tidak, kembalikan berkas "
                                            "yang sudah diparaf.")
                else:
                    out[(pk, q)] = Standing(pk, q, "paraf")
    return out, notes


def received_standing(period: PeriodData, outputs: Path) -> tuple[dict[tuple[str, int], Standing], list[str]]:
    """The standing of the earlier quarters of each PK whose realisasi of this quarter came in
    (what `PeriodData.standing` holds for a run), and the notes for the operator."""
    received = {pk for pk, q in period.received if q == period.quarter}
    return earlier_standing(period, outputs, [pk for pk in period.pk_codes() if pk in received])
