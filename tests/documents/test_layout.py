"""The layout check (tests/layout.py) on whole runs and on the workbooks Calc prints, and the
check itself on small made-up pages.

The TW IV demo run and the synthetic agency are checked in tests/documents/test_document_truth.py beside
the document truth (each run made once); the stress agency is checked here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import doctruth as d
from tests import layout as L
from tests.conftest import ROOT
from tests.documents.test_document_truth import summary, truth, year_end_run

sys.path.insert(0, str(ROOT / "scripts"))
from make_demo_inputs import stress_agency  # noqa: E402

needs_office = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                                  reason="LibreOffice atau poppler-utils tidak terpasang")


def calc_pdfs(workbooks: list[Path], folder: Path) -> list[Path]:
    """The workbooks as LibreOffice Calc prints them (as an official would, File > Print to PDF),
    in one LibreOffice start."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo", "--convert-to", "pdf",
                    "--outdir", str(folder), *map(str, workbooks)], capture_output=True, timeout=300, check=True)
    pdfs = [folder / f"{xlsx.stem}.pdf" for xlsx in workbooks]
    missing = [p.name for p in pdfs if not p.exists()]
    assert not missing, f"Calc did not print {missing}"
    return pdfs


# ------------------------------------------------------------------------------ whole runs


@needs_office
def test_demo_tw2_documents_have_no_layout_finding(run_tw2):
    proc, out, _, _ = run_tw2
    assert proc.returncode in (0, 2), proc.stdout + proc.stderr
    problems, pages = L.check_outputs(out, 2026, 2)
    assert pages >= 30
    assert not problems, "\n".join(problems)


@needs_office
def test_the_correction_workbook_and_the_forms_print_whole_in_calc(run_tw2, tmp_path):
    """The returned unit's correction workbook and next quarter's forms, printed by Calc: every
    page numbered, no cell text cut or printed over its neighbour, no number shown as ###."""
    from sakip.documents.forms import generate_forms

    _, out, inputs, _ = run_tw2
    [koreksi] = sorted((out / "2026" / "TW2").glob("PK-*/KOREKSI_*.xlsx"))
    forms = generate_forms(inputs, tmp_path / "formulir", 2026, 3)
    assert len(forms) >= 4
    problems = []
    workbooks = [koreksi, *forms]
    for pdf, xlsx in zip(calc_pdfs(workbooks, tmp_path / "calc"), workbooks):
        problems += L.check_workbook_pdf(pdf, xlsx)
    assert not problems, "\n".join(problems)


@needs_office
def test_stress_agency_documents_are_laid_out_and_true(tmp_path):
    """12 indicators per PK under 6 sasaran, names of 300 characters, "Rekomendasi" and
    "Pengaduan" as units, a Rupiah indicator and budgets up to 999.999.999.999, kendala of three
    paragraphs: every page of the TW IV packages, the recap and the LKjIP."""
    inputs, out, when = year_end_run(stress_agency, tmp_path)
    assert len(summary(out, 2026, 4)["pk"]) == 2
    problems, pages = L.check_outputs(out, 2026, 4)
    assert pages >= 40
    problems += truth(inputs, out, 2026, 4, when, lkjip=True)
    assert not problems, d.report(problems, "Instansi uji tata letak TW IV")


# ------------------------------------------------------------------------------ the check itself


def word(text: str, x0: float, top: float, width: float | None = None, height: float = 9.0) -> L.Word:
    return L.Word(text, x0, x0 + (width if width is not None else 5.0 * len(text)), top, top + height)


def page(*words: L.Word, label: str = "2", rulings=(), images=()) -> L.Page:
    return L.Page(label, 595.0, 842.0, list(words), list(rulings), list(images))


def test_a_number_split_over_two_lines_of_its_cell_is_found():
    split = page(word("450.000.00", 400, 100), word("0", 400, 110))
    assert L.check_words("x.pdf", split, {"450.000.000"}) == [
        "x.pdf hlm 2: '450.000.000' terpotong menjadi '450.000.00' / '0'"]
    assert L.check_words("x.pdf", page(word("450.000.000", 400, 100)), {"450.000.000"}) == []


def test_a_word_broken_inside_is_found_but_a_break_after_a_hyphen_is_not():
    broken = page(word("Pengadu", 300, 100), word("an", 300, 110))
    assert L.check_words("x.pdf", broken, {"Pengaduan"}) == ["x.pdf hlm 2: 'Pengaduan' terpotong menjadi 'Pengadu' / 'an'"]
    hyphen = page(word("APBDes-", 300, 100), word("nya", 300, 110))
    assert L.check_words("x.pdf", hyphen, {"APBDes-nya"}) == []
    url = page(word("https://a.go.id/", 100, 100), word("b/c-", 100, 110), word("01", 100, 120))
    assert L.check_words("x.pdf", url, {"https://a.go.id/b/c-01"}) == []


def test_a_table_of_contents_entry_with_its_dot_leader_is_known():
    toc = page(word("KATA", 100, 100), word("PENGANTAR.......i", 130, 100), word("Belakang........12", 130, 110))
    assert L.check_words("x.pdf", toc, {"KATA", "PENGANTAR", "Belakang"}) == []
    assert L.check_words("x.pdf", page(word("Belakng........12", 130, 110)), {"Belakang"}) != []


def test_text_the_source_does_not_hold_is_found():
    assert L.check_words("x.pdf", page(word("Realisasi TW I", 100, 100)), {"Realisasi"}) != []
    clipped = page(word("Realisas", 100, 100))
    assert L.check_words("x.pdf", clipped, {"Realisasi", "TW"}) == [
        "x.pdf hlm 2: teks 'Realisas' tidak ada di sumbernya (terpotong sel?)"]


def test_a_value_joined_by_a_no_break_space_must_stay_on_one_line():
    vocabulary = {"TW\u00a0II", "Sangat\u00a0Baik"}
    one_line = page(word("TW", 100, 100), word("II", 112, 100), word("Sangat", 200, 100), word("Baik", 235, 100))
    assert L.check_words("x.pdf", one_line, vocabulary) == []
    two_lines = page(word("Sangat", 200, 100), word("Baik", 200, 110))
    assert L.check_words("x.pdf", two_lines, vocabulary) == ["x.pdf hlm 2: 'Sangat Baik' terpotong di antara dua baris"]


def test_spreadsheet_numbers_and_touching_cells_are_not_findings_but_hashes_are():
    printed = page(word("1IK-01", 30, 100), word("3,125,000,000", 300, 100), word("###", 400, 100))
    assert L.check_words("k.xlsx", printed, {"IK-01"}, cells=True) == [
        "k.xlsx hlm 2: angka tidak muat di selnya (tercetak '###')"]


def test_the_printed_page_number_must_match_the_label():
    footer = word("Halaman", 280, 800), word("L-2", 318, 800)
    assert L.check_page_number("x.pdf", page(*footer, label="L-2"), True) == []
    assert L.check_page_number("x.pdf", page(*footer, label="L-3"), True) == [
        "x.pdf hlm L-3: nomor halaman tercetak ['L-2'], label PDF 'L-3'"]
    assert L.check_page_number("x.pdf", page(word("Judul", 100, 100), label="3"), True)[0].endswith("tidak ada, label PDF '3'")
    assert L.check_page_number("x.pdf", page(*footer, label="Sampul"), False) != []


def test_a_page_with_only_the_signature_or_one_row_under_the_header_is_found():
    header = [word("No", 60, 50), word("Indikator", 90, 50)]
    before = page(*header, word("1", 60, 70), word("Jumlah", 90, 70), label="1")
    alone = page(word("Sukamaju,", 400, 60), word("6", 450, 60), word("Juli", 460, 60), word("2026", 485, 60),
                 word("NIP.", 400, 140), label="2")
    assert L.check_lone("x.pdf", alone, before) == ["x.pdf hlm 2: halaman hanya berisi blok tanda tangan ('Sukamaju, 6 Juli 2026')"]
    one_row = page(*[word(w.text, w.x0, 50) for w in header], word("2", 60, 70), word("Laporan", 90, 70), label="2")
    assert L.check_lone("x.pdf", one_row, before)[0].startswith("x.pdf hlm 2: satu baris tabel sendirian")
    assert L.check_lone("x.pdf", alone, None) == []  # a document's first page


def test_overlapping_words_images_over_text_and_anything_beyond_the_edge_are_found():
    assert L.check_overlap("x.pdf", page(word("Realisasi", 100, 100), word("Target", 110, 101))) != []
    assert L.check_overlap("x.pdf", page(word("Realisasi", 100, 100), word("Target", 160, 100))) == []
    chart = (90, 90, 300, 200)
    assert L.check_overlap("x.pdf", page(word("Jumlah", 100, 150), images=[chart])) != []
    assert L.check_overlap("x.pdf", page(images=[chart], rulings=[(50, 150, 500, 150.5)])) == [
        "x.pdf hlm 2: gambar menutupi garis tabel"]
    assert L.check_margins("x.pdf", page(word("Halaman", 280, 835))) != []
    assert L.check_margins("x.pdf", page(word("Halaman", 280, 800))) == []
