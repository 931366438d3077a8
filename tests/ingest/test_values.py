"""The fast reader (sakip.ingest.values, python-calamine) gives every workbook of the corpora the
sheets, values, number formats and cells openpyxl gives, or hands the workbook to openpyxl."""

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from bench import generate
from sakip.errors import InputError
from sakip.ingest import filecheck, values
from sakip.ingest import workbooks as ingest

from tests.conftest import INPUTS
from tests.ingest import test_ingest_corpus as corpus
from tests.ingest import test_ingest_hostile as hostile


def _openpyxl(path: Path) -> list[tuple[str, str, list]] | str:
    """The sheets as the openpyxl reading gives them (what workbooks._open_workbook did alone)."""
    try:
        out = []
        with ingest._load(path, path.name, data_only=True) as wb:
            for ws in wb.worksheets:
                state = getattr(ws, "sheet_state", "visible")
                if state in ("hidden", "veryHidden"):
                    out.append((ws.title, state, []))
                    continue
                ws.reset_dimensions()
                out.append((ws.title, state, ingest._rows_within_limit(ws, path.name)))
        return out
    except Exception as exc:
        return f"gagal: {type(exc).__name__}"


def _fast(path: Path) -> list[tuple[str, str, list]] | None:
    try:
        return [(s.title, s.state, s.rows) for s in values.read(path, ingest.MAX_ROWS)]
    except Exception:  # as workbooks._fast_sheets: anything else is openpyxl's to read (and name)
        return None


def _typed(rows: Any) -> Any:
    """Rows with each value's type beside it: 5 and 5.0, or 0 and False, are not the same reading."""
    if isinstance(rows, str):
        return rows
    return [(t, s, [[(type(v).__name__, v, f) for v, f in row] for row in r]) for t, s, r in rows]


def _compare(paths: list[Path]) -> tuple[int, int]:
    """(read fast, handed to openpyxl); fails on any workbook read differently."""
    fast = fallback = 0
    for path in paths:
        try:
            filecheck.check_workbook(path, path.name)
        except InputError:
            continue  # refused before any reader sees it
        got = _fast(path)
        if got is None:
            fallback += 1
            continue
        assert _typed(got) == _typed(_openpyxl(path)), path
        fast += 1
    return fast, fallback


def _xlsx(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm"))


def test_demo_inputs_read_alike():
    fast, fallback = _compare(_xlsx(INPUTS))
    assert fast >= 15 and fallback == 0


def test_bench_regency_reads_alike(tmp_path):
    generate.generate(tmp_path, generate.Size(agencies=2, pks_per_agency=3, indicators=8, quarter=2, returned_every=2))
    fast, fallback = _compare(_xlsx(tmp_path))
    assert fast >= 18 and fallback == 0


def _built(tmp_path: Path, builders: list[tuple[str, Any]]) -> list[Path]:
    paths = []
    for n, (name, build) in enumerate(builders):
        folder = tmp_path / f"{n:03d}"
        folder.mkdir()
        build(folder)
        paths += _xlsx(folder)
    return paths


def test_ingest_corpora_read_alike(tmp_path):
    """Every workbook the ingest corpus (valid and invalid) and the hostile cases are made of."""
    builders = [(c[0], lambda f, c=c: corpus._build(f, c[1], c[2], c[3])) for c in corpus.VALID]
    builders += [(c.name, lambda f, c=c: corpus._build(f, c.kind, c.edit, c.after)) for c in corpus.INVALID]
    builders += [(c.name, lambda f, c=c: hostile._built(f, c.kind, c.build)) for c in hostile.ALL_READER_CASES]
    paths = _built(tmp_path, builders)
    fast, fallback = _compare(paths)
    print(f"\nkorpus: {fast} dibaca calamine, {fallback} diserahkan ke openpyxl, dari {len(paths)}")
    assert len(paths) >= 100 and fast >= 80


def _odd_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["C5"], ws["D5"], ws["E5"] = 5, 5.5, 0.55
    ws["E5"].number_format = "0.0%"
    ws["C6"], ws["D6"], ws["E6"] = dt.datetime(2026, 6, 30), dt.time(14, 30), dt.timedelta(hours=30)
    ws["C7"], ws["D7"], ws["E7"] = True, "#DIV/0!", "=1/0"
    ws["C8"] = CellRichText(["ab", TextBlock(InlineFont(b=True), "cd")])
    ws["D8"], ws["E8"] = "12,5", 198305172002121001
    ws["C9"], ws["D9"], ws["F20"] = 1e20, -0.0, " "
    ws["B12"].number_format = "0.00"  # styled, no value
    ws["AZ3"] = "jauh"
    hidden = wb.create_sheet("Lama")
    hidden.sheet_state = "veryHidden"
    hidden["A1"] = 1
    wb.save(path)


def test_odd_cells_read_alike(tmp_path):
    """A used range far from A1, dates, times, durations, booleans, errors, rich text, numbers as
    text, an 18-digit integer, a styled empty cell and a very hidden sheet."""
    path = tmp_path / "ganjil.xlsx"
    _odd_workbook(path)
    assert _compare([path]) == (1, 0)
    rows = dict((t, r) for t, _, r in _fast(path))["Data"]
    assert rows[4][2:5] == [(5, "General"), (5.5, "General"), (0.55, "0.0%")]
    assert rows[6][3] == ("#DIV/0!", "General") and rows[7][2][0] == "abcd"


def _rewrite(path: Path, member: str, edit) -> None:
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[member] = edit(members[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


@pytest.mark.parametrize("member,edit", [
    ("xl/worksheets/sheet1.xml", lambda b: b.replace(b">Kode PK<", b">Kode_x000D_PK<", 1)),  # calamine decodes it
    ("xl/workbook.xml", lambda b: b.replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>')),
])
def test_what_calamine_reads_otherwise_is_left_to_openpyxl(tmp_path, member, edit):
    path = tmp_path / "PK-SEK.xlsx"
    shutil.copy(INPUTS / "2026" / "pk" / "PK-SEK.xlsx", path)
    _rewrite(path, member, edit)
    assert _fast(path) is None
    assert isinstance(_openpyxl(path), list)  # and openpyxl reads it, as it always did


def test_a_sparse_sheet_is_not_a_dense_grid(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["XFD1500"] = "awal", "akhir"
    path = tmp_path / "jarang.xlsx"
    wb.save(path)
    assert _fast(path) is None


def test_cells_in_another_spelling_are_read_tag_by_tag(tmp_path):
    """Attributes in another order than Excel writes them: not the common spelling, still exact."""
    path = tmp_path / "PK-SEK.xlsx"
    shutil.copy(INPUTS / "2026" / "pk" / "PK-SEK.xlsx", path)
    spelled = lambda b: re.sub(rb'<c r="(\w+)" s="(\d+)"', rb'<c  s="\2"   r="\1"', b)  # noqa: E731
    _rewrite(path, "xl/worksheets/sheet2.xml", spelled)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet2.xml")
    assert b'<c  s="' in xml and not values._FAST.search(xml.split(b"<sheetData>")[1].split(b"</row>")[0].split(b">", 1)[1])
    assert _compare([path]) == (1, 0)
