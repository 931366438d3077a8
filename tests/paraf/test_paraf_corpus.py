"""Every expectation of every suite made to fail on purpose, once, in a copy of the demo agency.

All the mistakes are made in one period (each in its own cell, spread over the five PKs), so the
suites run once, as in production. For each expectation the test checks the finding (check id,
file, sheet, cell, message) and what the official gets back: the correction workbook with that
cell highlighted and commented, and a row on its "Koreksi" sheet.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from sakip.capaian import rules as capaian
from sakip.ingest import workbooks as ingest
from sakip.paraf import koreksi
from sakip.paraf import suites as paraf

from tests.conftest import INPUTS
from tests.ingest.test_ingest_corpus import patch_cell

ERROR_FILL, WARNING_FILL = "FFC7CE", "FFEB9C"


def set_cells(book: str, sheet: str, **cells: object) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        wb = openpyxl.load_workbook(root / book)
        for ref, value in cells.items():
            wb[sheet][ref] = value
        wb.save(root / book)
    return mutate


def toml_set(section: str, key: str, value: str | None) -> Callable[[Path], None]:
    """Set (or, with None, remove) one key of one [pejabat.x] table in instansi.toml."""
    def mutate(root: Path) -> None:
        path = root / "instansi.toml"
        text = path.read_text(encoding="utf-8")
        start = text.index(f"[pejabat.{section}]\n")
        end = text.find("\n[", start + 1)
        end = len(text) if end < 0 else end
        block = text[start:end]
        line = re.compile(rf"^{key} = .*$\n?", re.M)
        new = line.sub("" if value is None else f'{key} = "{value}"\n', block) if line.search(block) \
            else block.rstrip("\n") + f'\n{key} = "{value}"\n'
        path.write_text(text[:start] + new + text[end:], encoding="utf-8")
    return mutate


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        for step in steps:
            step(root)
    return mutate


def excel_error(book: str, sheet: str, ref: str) -> Callable[[Path], None]:
    return lambda root: patch_cell(root / book, sheet, ref, "<v>#DIV/0!</v>", "e")


def delete_row(book: str, sheet: str, row: int) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        wb = openpyxl.load_workbook(root / book)
        wb[sheet].delete_rows(row)
        wb.save(root / book)
    return mutate


@dataclass(frozen=True)
class Case:
    check: str  # "<suite>.<id>"
    pk: str
    where: tuple[str, str, str]  # file as shown, sheet, cell
    says: str  # part of the message the official reads
    mutate: Callable[[Path], None] | None = None  # None: the demo's own returned workbook has it

    @property
    def id(self) -> str:
        return self.check


PK_INSP, PK_SEK = "pk/PK-INSP.xlsx", "pk/PK-SEK.xlsx"
PK_IRBAN1, PK_IRBAN2, PK_IRBAN3 = "pk/PK-IRBAN1.xlsx", "pk/PK-IRBAN2.xlsx", "pk/PK-IRBAN3.xlsx"
R = "realisasi/tw2/{}.xlsx".format

CASES = [
    # pejabat: the officials printed on each PK's documents
    Case("pejabat.nip_terisi", "PK-INSP", ("instansi.toml", "[pejabat.bupati]", "nip"),
         "NIP Pihak Kedua (H. BAMBANG SURYADI, S.E., M.M.) kosong", toml_set("bupati", "pangkat", "Pembina Utama")),
    Case("pejabat.nip_sah", "PK-IRBAN2", (PK_IRBAN2, "Identitas", "B3"), "bukan tanggal lahir yang sah",
         both(set_cells(PK_IRBAN2, "Identitas", B3="197913052005012008"),
              toml_set("irban2", "nip", "197913052005012008"))),
    Case("pejabat.pangkat_terisi", "PK-IRBAN1", ("instansi.toml", "[pejabat.irban1]", "pangkat"),
         "Pangkat Pihak Pertama (AGUS WIDODO, S.H., M.H.) kosong", toml_set("irban1", "pangkat", None)),
    Case("pejabat.pangkat_resmi", "PK-SEK", ("instansi.toml", "[pejabat.sekretaris]", "pangkat"),
         "tertulis 'Pembina Tk. I', tidak ada dalam daftar pangkat PNS", toml_set("sekretaris", "pangkat", "Pembina Tk. I")),
    Case("pejabat.golongan_resmi", "PK-IRBAN3", ("instansi.toml", "[pejabat.irban3]", "golongan"),
         "tertulis 'III-d'", toml_set("irban3", "golongan", "III-d")),
    Case("pejabat.pangkat_golongan_sesuai", "PK-INSP", ("instansi.toml", "[pejabat.inspektur]", "golongan"),
         "Pembina Utama Muda adalah golongan IV/c", toml_set("inspektur", "golongan", "IV/b")),
    # pk: the Perjanjian Kinerja sheet
    Case("pk.kode_terisi", "PK-INSP", (PK_INSP, "PK", "B5"), "Kode indikator", set_cells(PK_INSP, "PK", B5=None)),
    Case("pk.kode_unik", "PK-INSP", (PK_INSP, "PK", "B7"), "'IK-02' dipakai lebih dari sekali",
         set_cells(PK_INSP, "PK", B7="IK-02")),
    Case("pk.indikator_terisi", "PK-SEK", (PK_SEK, "PK", "D5"), "Nama indikator untuk kode 'IK-01' kosong",
         set_cells(PK_SEK, "PK", D5=None)),
    Case("pk.satuan_terisi", "PK-SEK", (PK_SEK, "PK", "E6"), "Satuan indikator 'Jumlah dokumen laporan kinerja yang disusun' kosong",
         set_cells(PK_SEK, "PK", E6=None)),
    Case("pk.polaritas_sah", "PK-IRBAN1", (PK_IRBAN1, "PK", "F5"), "tertulis 'Naik'", set_cells(PK_IRBAN1, "PK", F5="Naik")),
    Case("pk.akumulasi_sah", "PK-IRBAN2", (PK_IRBAN2, "PK", "G5"), "tertulis 'Kumulatif'",
         set_cells(PK_IRBAN2, "PK", G5="Kumulatif")),
    Case("pk.target_tahunan_terbaca", "PK-IRBAN2", (PK_IRBAN2, "PK", "H9"), "Target tahunan indikator",
         set_cells(PK_IRBAN2, "PK", H9=None)),
    Case("pk.boleh_negatif_sah", "PK-IRBAN1", (PK_IRBAN1, "PK", "I6"), "Boleh Negatif indikator",
         set_cells(PK_IRBAN1, "PK", I4="Boleh Negatif", I5="Ya", I6="mungkin")),
    Case("pk.target_tahunan_tidak_negatif", "PK-IRBAN3", (PK_IRBAN3, "PK", "H7"), "negatif (-5)",
         set_cells(PK_IRBAN3, "PK", H7=-5)),
    Case("pk.target_tahunan_positif", "PK-IRBAN2", (PK_IRBAN2, "PK", "H6"), "bernilai 0",
         set_cells(PK_IRBAN2, "PK", H6=0)),
    Case("pk.target_tahunan_nol", "PK-SEK", (PK_SEK, "PK", "H9"), "bernilai 0", set_cells(PK_SEK, "PK", H9=0)),
    Case("pk.target_dikenal", "PK-INSP", (PK_INSP, "PK", "H6"), "tertulis 'Baik Sekali', bukan angka, rentang",
         set_cells(PK_INSP, "PK", H6="Baik Sekali")),
    Case("pk.rumus_negatif", "PK-INSP", (PK_INSP, "PK", "I9"),
         "Rumus negatif indikator 'Indeks risiko penyimpangan pengelolaan keuangan daerah' tertulis 'kebalikan'",
         set_cells(PK_INSP, "PK", I4="Rumus Negatif", I9="kebalikan")),
    Case("pk.persen_besar", "PK-IRBAN2", (PK_IRBAN2, "PK", "H8"), "bersatuan % bernilai 850, jauh di atas 100",
         set_cells(PK_IRBAN2, "PK", H8=850)),
    Case("pk.persen_dijumlah", "PK-IRBAN3", (PK_IRBAN3, "PK", "G6"), "bersatuan % tetapi cara akumulasinya Jumlah",
         set_cells(PK_IRBAN3, "PK", G6="Jumlah")),
    # ra: the Rencana Aksi sheet
    Case("ra.ra_ada", "PK-INSP", (PK_INSP, "PK", "B9"), "'IK-05' tidak ada di sheet RA", set_cells(PK_INSP, "RA", B9="IK-55")),
    Case("ra.target_tw_terbaca", "PK-INSP", (PK_INSP, "RA", "E8"), "tertulis 'lima puluh'",
         set_cells(PK_INSP, "RA", E8="lima puluh")),
    Case("ra.ra_jumlah_sama_target", "PK-SEK", (PK_SEK, "RA", "G6"), "adalah 7 (1 / 2 / 1 / 3), sedangkan target tahunannya 6",
         set_cells(PK_SEK, "RA", G6=3)),
    Case("ra.ra_akhir_capai_target", "PK-SEK", (PK_SEK, "RA", "G7"), "Target TW IV indikator 'Persentase realisasi anggaran Inspektorat' adalah 90",
         set_cells(PK_SEK, "RA", G7=90)),
    Case("ra.ra_rata_sama_target", "PK-SEK", (PK_SEK, "RA", "G5"),
         "adalah 62,5 (25 / 50 / 75 / 100), sedangkan target tahunannya 100",
         set_cells(PK_SEK, "RA", D5=25, E5=50, F5=75, G5=100)),
    Case("ra.ra_kumulatif_naik", "PK-SEK", (PK_SEK, "RA", "E8"), "Target TW II indikator", set_cells(PK_SEK, "RA", E8=3.1)),
    Case("ra.ra_kumulatif_turun", "PK-IRBAN1", (PK_IRBAN1, "RA", "E7"), "Target TW II indikator", set_cells(PK_IRBAN1, "RA", E7=6)),
    # realisasi: this quarter's workbook
    Case("realisasi.realisasi_ada", "PK-IRBAN2", (R("PK-IRBAN2"), "Realisasi", ""), "'IK-05", delete_row(R("PK-IRBAN2"), "Realisasi", 9)),
    Case("realisasi.realisasi_terisi", "PK-IRBAN1", (R("PK-IRBAN1"), "Realisasi", "I6"), "kosong",
         set_cells(R("PK-IRBAN1"), "Realisasi", I6=None)),
    Case("realisasi.realisasi_angka", "PK-IRBAN3", (R("PK-IRBAN3"), "Realisasi", "I5"), "bukan angka: tertulis 'belum ada data'"),
    Case("realisasi.realisasi_bukan_galat", "PK-SEK", (R("PK-SEK"), "Realisasi", "I6"), "#DIV/0!",
         excel_error(R("PK-SEK"), "Realisasi", "I6")),
    Case("realisasi.realisasi_tidak_ambigu", "PK-INSP", (R("PK-INSP"), "Realisasi", "I9"), "bermakna ganda",
         set_cells(R("PK-INSP"), "Realisasi", I9="2.400")),
    Case("realisasi.realisasi_sel_angka", "PK-IRBAN3", (R("PK-IRBAN3"), "Realisasi", "I6"), "ditulis sebagai teks '41,5'"),
    Case("realisasi.realisasi_tidak_negatif", "PK-IRBAN1", (R("PK-IRBAN1"), "Realisasi", "I8"), "negatif (-5)",
         set_cells(R("PK-IRBAN1"), "Realisasi", I8=-5, I5=-2)),  # I5: IK-01 is 'Boleh Negatif: Ya', no finding
    Case("realisasi.persen_besar", "PK-IRBAN2", (R("PK-IRBAN2"), "Realisasi", "I6"),
         "Realisasi indikator 'Persentase rekomendasi hasil pengawasan Wilayah II yang ditindaklanjuti' bersatuan % "
         "bernilai 493, jauh di atas 100", set_cells(R("PK-IRBAN2"), "Realisasi", I6=493)),
    Case("realisasi.kendala_terisi", "PK-IRBAN3", (R("PK-IRBAN3"), "Realisasi", "J8"), "tetapi kendala kosong"),
    Case("realisasi.tindak_lanjut_terisi", "PK-IRBAN3", (R("PK-IRBAN3"), "Realisasi", "K8"), "tetapi tindak lanjut kosong"),
    # anggaran: budget realisation of this quarter
    Case("anggaran.anggaran_terisi", "PK-IRBAN1", (R("PK-IRBAN1"), "Anggaran", "F5"), "tertulis 'sekitar lima juta'",
         set_cells(R("PK-IRBAN1"), "Anggaran", F5="sekitar lima juta")),
    Case("anggaran.anggaran_tidak_negatif", "PK-IRBAN2", (R("PK-IRBAN2"), "Anggaran", "F5"), "negatif",
         set_cells(R("PK-IRBAN2"), "Anggaran", F5=-100)),
    Case("anggaran.anggaran_dalam_pagu", "PK-SEK", (R("PK-SEK"), "Anggaran", "F5"), "melebihi pagu (96.750.000)",
         set_cells(R("PK-SEK"), "Anggaran", F5=96750000)),
    # anggaran: kegiatan against the programme that holds them (the head's, in PK-INSP). PK-IRBAN3's
    # own kegiatan alone then exceed the programme's 3.085.000.000 (returned), and the units'
    # kegiatan 5.01.02.2.xx together total 5.530.000.000 (a warning to every PK involved) ...
    Case("anggaran.anggaran_hierarki_pagu", "PK-IRBAN3", (PK_IRBAN3, "Anggaran", "D5"),
         "melebihi pagu program 5.01.02 Rp 3.085.000.000", set_cells(PK_IRBAN3, "Anggaran", D5=3500000000)),
    Case("anggaran.anggaran_hierarki_pagu_bersama", "PK-IRBAN1", (PK_IRBAN1, "Anggaran", "D5"),
         "pada PK-IRBAN1, PK-IRBAN2, PK-IRBAN3 berjumlah Rp 5.530.000.000"),
    Case("anggaran.anggaran_hierarki_pagu_pk_lain", "PK-INSP", (PK_INSP, "Anggaran", "D6"),
         "seluruh kegiatan di bawah program 5.01.02 berjumlah Rp 5.530.000.000"),
    # ... and programme 5.01.01 spends 712.450.000 by TW II while PK-SEK's kegiatan spend 1.194.650.000.
    Case("anggaran.anggaran_hierarki_realisasi", "PK-SEK", (R("PK-SEK"), "Anggaran", "F6"),
         "melebihi realisasi program 5.01.01 Rp 712.450.000", set_cells(R("PK-INSP"), "Anggaran", F5=100000000)),
    Case("anggaran.anggaran_hierarki_realisasi_pk_lain", "PK-INSP", (R("PK-INSP"), "Anggaran", "F5"),
         "seluruh kegiatan di bawah program 5.01.01 berjumlah Rp 1.194.650.000"),
    # ... and PK-IRBAN3 spends 1.100.000.000 in TW II: within programme 5.01.02 alone, above it with the
    # other units' kegiatan.
    Case("anggaran.anggaran_hierarki_realisasi_bersama", "PK-IRBAN3", (R("PK-IRBAN3"), "Anggaran", "F5"),
         "pada PK-IRBAN1, PK-IRBAN2, PK-IRBAN3 berjumlah Rp", set_cells(R("PK-IRBAN3"), "Anggaran", F5=1100000000)),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, suites):
    root = tmp_path_factory.mktemp("paraf-corpus")
    shutil.copytree(INPUTS, root / "inputs")
    for case in CASES:
        if case.mutate:
            case.mutate(root / "inputs" / "2026")
    period = ingest.read_period(root / "inputs", 2026, 2)
    verdicts = paraf.run(period, capaian.compute(period), suites)
    sources = koreksi.sources(period)
    out = root / "outputs"
    corrections = {pk: koreksi.write_corrections(v, sources, out / pk) for pk, v in verdicts.items()
                   if v.verdict == "DIKEMBALIKAN"}
    return verdicts, corrections, out


def test_every_expectation_has_a_case(suites):
    declared = {f"{s.name}.{c.id}" for s in suites for c in s.checks}
    assert declared == {c.check for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_expectation_fails_on_purpose(corpus, case):
    verdicts, corrections, _ = corpus
    file, sheet, cell = case.where
    found = [f for f in verdicts[case.pk].findings
             if f.check == case.check and (f.location.file, f.location.sheet, f.location.cell) == case.where]
    assert found, f"{case.check} not at {case.where}: {[(f.check, str(f.location)) for f in verdicts[case.pk].findings]}"
    finding = found[0]
    assert case.says in finding.message
    assert finding.expected and finding.fix
    if finding.severity == "error":
        assert verdicts[case.pk].verdict == "DIKEMBALIKAN"
    # The correction workbook: the official's own file when the finding is in one, with the
    # cell marked, and every finding listed on the first sheet "Koreksi".
    books = corrections[case.pk]  # every PK of the corpus has errors, so warnings travel with them
    own = [p for p in books if p.name == "KOREKSI_" + file.replace("/", "_")]
    book = openpyxl.load_workbook(own[0] if own else next(p for p in books if p.name == f"KOREKSI_{case.pk}.xlsx"))
    assert book.sheetnames[0] == "Koreksi"
    rows = list(book["Koreksi"].iter_rows(min_row=3, values_only=True))
    listed = [r for r in rows if (r[2], r[3], r[4] or "") == (file, sheet, cell) and case.says in r[6]]
    assert listed, rows
    assert listed[0][7] == finding.expected and listed[0][8] == finding.fix
    if own and cell:
        marked = book[sheet][cell]
        assert marked.fill.fgColor.rgb.endswith(ERROR_FILL if finding.severity == "error" else WARNING_FILL)
        assert case.says in marked.comment.text


def test_boleh_negatif_lets_a_negative_realisasi_pass(corpus):
    verdicts, _, _ = corpus
    at_i5 = [f for f in verdicts["PK-IRBAN1"].findings if f.location == ingest.Location(R("PK-IRBAN1"), "Realisasi", "I5")]
    assert not [f for f in at_i5 if f.check == "realisasi.realisasi_tidak_negatif"]


def test_demo_correction_goes_back_and_comes_back_initialled(verdicts_tw2, suites, tmp_path):
    """SOP step 3 end to end: the returned workbook is fixed where the Koreksi sheet says, sent
    back as it is (Koreksi sheet, marks and all), read again, and initialled."""
    source = INPUTS / "2026/realisasi/tw2/PK-IRBAN3.xlsx"
    [book] = koreksi.write_corrections(verdicts_tw2["PK-IRBAN3"], {"realisasi/tw2/PK-IRBAN3.xlsx": source}, tmp_path / "out")
    wb = openpyxl.load_workbook(book)
    fixes = {"I5": 6, "I7": 4.5, "J8": "Dua auditor mengikuti diklat JFA pada bulan Mei",
             "K8": "Penjadwalan ulang audit berbasis risiko pada bulan Juli", "I6": 41.5}
    errors = [(r[3], r[4]) for r in wb["Koreksi"].iter_rows(min_row=3, values_only=True) if r[1] == "Galat"]
    assert sorted(errors) == sorted(("Realisasi", c) for c in ("I5", "I7", "J8", "K8"))
    for sheet, cell in errors + [("Realisasi", "I6")]:
        wb[sheet][cell] = fixes[cell]
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    wb.save(inputs / "2026/realisasi/tw2/PK-IRBAN3.xlsx")
    period = ingest.read_period(inputs, 2026, 2)
    again = paraf.run(period, capaian.compute(period), suites)
    assert again["PK-IRBAN3"].verdict == "PARAF", [f.message for f in again["PK-IRBAN3"].errors]
    assert not again["PK-IRBAN3"].findings
    assert {pk: v.verdict for pk, v in again.items()} == {pk: "PARAF" for pk in again}
