"""The bad-input corpus's file-level cases through the real CLI, once: `sakip run 2026 2` over the
demo with every kind of wrong, damaged or hostile file added as a unit's submission.

Each bad PK is returned with its correction workbook under outputs/ and nothing else; the demo's
four good PKs still get their packages; no traceback; inputs untouched; nothing written outside
outputs/.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from sakip.outputs.files import pk_dir

from tests.conftest import INPUTS, ROOT, SAKIP, tree_hash
from tests.ingest.test_ingest_corpus import CYRILLIC_KA, PK_SOURCE, REAL_SOURCE, write_csv_folder
from tests.ingest.test_bad_inputs import FILE_CASES

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")

GOOD = ("PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-SEK")


def _copy_as(source, target, code, **cells):
    wb = openpyxl.load_workbook(source)
    wb["Identitas"]["B1"] = code
    for ref, value in cells.items():
        sheet, cell = ref.split("_")
        wb[sheet][cell] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)


def _files(folder, skip):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_relative_to(skip))


def test_bad_submissions_are_returned_and_the_rest_still_packaged(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    year = inputs / "2026"
    expected: dict[str, tuple[str, str]] = {}  # PK key -> (file as shown, part of its message)
    for n, case in enumerate(FILE_CASES, start=1):
        code = f"PK-F{n:02d}"
        _copy_as(PK_SOURCE, year / "pk" / f"{code}.xlsx", code)
        if case.kind == "realisasi":
            _copy_as(year / "realisasi/tw1/PK-SEK.xlsx", year / "realisasi/tw1" / f"{code}.xlsx", code)
            _copy_as(REAL_SOURCE, year / "realisasi/tw2" / f"{code}.xlsx", code)
        file = f"{'pk' if case.kind == 'pk' else 'realisasi/tw2'}/{code}.xlsx"
        case.after(year / file)
        expected[code] = (file, case.message)
    # Cell-level cases where a code or a file name could try to become a path.
    _copy_as(PK_SOURCE, year / "pk" / "..xlsx", "..")
    expected["."] = ("pk/..xlsx", "Kode PK '..' harus diawali huruf atau angka")
    _copy_as(PK_SOURCE, year / "pk" / "PK\\..\\X.xlsx", "..\\..\\X")
    expected["PK\\..\\X"] = ("pk/PK\\..\\X.xlsx", "(REVERSE SOLIDUS, U+005C) pada posisi ke-3")
    _copy_as(PK_SOURCE, year / "pk" / "PK-G01.xlsx", "../../../etc")
    expected["PK-G01"] = ("pk/PK-G01.xlsx", "'/' (SOLIDUS, U+002F) pada posisi ke-3")
    _copy_as(PK_SOURCE, year / "pk" / "PK-G02.xlsx", f"PK-G02{CYRILLIC_KA}")
    expected["PK-G02"] = ("pk/PK-G02.xlsx", "(CYRILLIC CAPITAL LETTER KA, U+041A) pada posisi ke-7")
    _copy_as(PK_SOURCE, tmp_path / "PK-G03.xlsx", "PK-G03")
    write_csv_folder(tmp_path / "PK-G03.xlsx", year / "pk" / "PK-G03", ";", "utf-8-sig", decimal_comma=True)
    (year / "pk/PK-G03/RA.csv").write_bytes(b"")
    (tmp_path / "PK-G03.xlsx").unlink()
    expected["PK-G03"] = ("pk/PK-G03/RA.csv", "berkas CSV kosong (0 byte)")

    # A Linux file name may hold control characters, which a worksheet cell refuses: the PK is
    # keyed and shown by its name made visible.
    with zipfile.ZipFile(year / "pk" / "PK-\x07\nQ\u202e.xlsx", "w") as z:
        z.writestr("laporan\x07\n.txt", "x")
    expected["PK-<U+0007><U+000A>Q<U+202E>"] = ("pk/PK-<U+0007><U+000A>Q<U+202E>.xlsx", "laporan<U+0007><U+000A>.txt")
    # Brackets are rich console markup: printed as data, not read as tags ("[/x]" closes nothing).
    with zipfile.ZipFile(year / "pk" / "[red]PK[x].xlsx", "w") as z:
        z.writestr("[/x].txt", "x")
    expected["[red]PK[x]"] = ("pk/[red]PK[x].xlsx", "[/x].txt")

    before_inputs = tree_hash(inputs)
    before = _files(tmp_path, tmp_path / "outputs")
    out = tmp_path / "outputs"
    proc = subprocess.run([*SAKIP, "run", "2026", "2", "--inputs", str(inputs), "--outputs", str(out),
                           "--templates", str(ROOT / "templates"), "--expectations", str(ROOT / "expectations"),
                           "--tanggal", "2026-07-06"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600, env={**os.environ, "COLUMNS": "200"})

    assert "Traceback" not in proc.stdout + proc.stderr, (proc.stdout + proc.stderr)[-4000:]
    assert proc.returncode == 2, proc.stderr[-3000:]  # returned PKs, none failed
    bad = len(expected) + 1  # and the demo's own PK-IRBAN3
    assert f"4 paket siap tanda tangan, {bad} PK dikembalikan, 0 gagal" in " ".join(proc.stdout.split())
    assert "[red]PK[x]" in proc.stdout and "PK-<U+0007><U+000A>Q<U+202E>" in proc.stdout.replace("\n", "").replace("│", "").replace(" ", "")
    assert tree_hash(inputs) == before_inputs
    assert _files(tmp_path, out) == before  # nothing written beside outputs/ (the cwd) or in inputs/

    period = out / "2026/TW2"
    summary = {r["pk"]: r for r in json.loads((period / "ringkasan.json").read_text())["pk"]}
    page = html.unescape(re.sub(r"\s+", " ", (period / "validasi.html").read_text(encoding="utf-8")))
    for key, (file, message) in expected.items():
        assert summary[key]["status"] == "DIKEMBALIKAN", (key, summary[key])
        folder = pk_dir(out, 2026, 2, key)
        assert folder.resolve().is_relative_to(out.resolve())
        made = sorted(p.name for p in folder.iterdir())
        assert any(name.startswith("KOREKSI_") and name.endswith(".xlsx") for name in made), (key, made)
        assert not any(name == "latest" or name.startswith(("rev-", "paket_")) for name in made), (key, made)
        for book in folder.glob("KOREKSI_*.xlsx"):
            rows = list(openpyxl.load_workbook(book, read_only=True)["Koreksi"].iter_rows(min_row=3, values_only=True))
            assert any(r[2] == file and message in r[6] for r in rows), (key, rows)
        assert message in page and file in page, (key, message, file)
    for pk in GOOD:
        package = period / pk / "latest" / f"paket_{pk}_2026_TW2.pdf"
        assert package.is_file() and summary[pk]["status"] == "PARAF"
        check = subprocess.run([*SAKIP, "verify", str(package)], capture_output=True, text=True, cwd=tmp_path)
        assert check.returncode == 0 and "Hasil: sesuai manifest." in check.stdout, check.stdout + check.stderr
