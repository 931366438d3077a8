"""The agency documents: recap context, LKjIP from a whole year with an earlier year to compare."""

import datetime as dt
import shutil
import sys

import pytest
from pypdf import PdfReader

from sakip import manifest, reports
from sakip import render as r
from sakip.capaian import compute
from sakip.errors import ConfigError
from sakip.ingest import read_period
from sakip.produce import produce_agency

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from make_demo_inputs import synthetic_quarters  # noqa: E402


@pytest.fixture(scope="module")
def whole_year(tmp_path_factory):
    """The demo agency with TW III/IV 2026 and all of 2025 derived from the RA targets."""
    root = tmp_path_factory.mktemp("tahun")
    shutil.copytree(ROOT / "inputs" / "2026", root / "2026")
    (root / "2025").mkdir()
    shutil.copy(ROOT / "inputs" / "2026" / "instansi.toml", root / "2025" / "instansi.toml")
    synthetic_quarters(root, 2026, [3, 4])
    synthetic_quarters(root, 2025, [1, 2, 3, 4], with_pk=True)
    return root


def verdicts(period):
    from sakip.paraf import ParafResult

    return {pk: ParafResult(pk, "PARAF") for pk in period.pk_codes()}


def test_lkjip_at_tw4_compares_with_the_earlier_year_and_uses_the_narrative(whole_year, tmp_path):
    period = read_period(whole_year, 2026, 4)
    results = compute(period)
    earlier, notes = reports.earlier_years(whole_year, 2026)
    assert [e.year for e in earlier] == [2025] and notes == []
    made = produce_agency(period, results, verdicts(period), ROOT / "templates", whole_year, tmp_path,
                          dt.date(2027, 2, 15), dt.datetime(2027, 2, 15, 9, tzinfo=dt.timezone.utc), tmp_path / "kerja", earlier)
    assert made.notes == []
    lkjip = made.documents["lkjip"]
    reader = PdfReader(lkjip)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in ("LAPORAN KINERJA INSTANSI PEMERINTAH", "RINGKASAN EKSEKUTIF", "BAB I PENDAHULUAN",
                     "BAB II PERENCANAAN KINERJA", "BAB III AKUNTABILITAS KINERJA", "BAB IV PENUTUP",
                     "Peraturan Presiden Nomor 29 Tahun 2014",  # narrative from inputs/2026/lkjip.toml
                     "Penagihan dilakukan bersama BPKAD",  # per-sasaran solution
                     "data pembanding: 2025", "Renstra", "LAMPIRAN"):
        assert expected in text, expected
    # BAB III compares with 2025: the head's IK-04 realisasi of 2025 is printed in its row
    ik04_2025 = next(i for i in compute(read_period(whole_year, 2025, 4))["PK-INSP"].indicators if i.kode == "IK-04")
    assert ik04_2025.realisasi_sd.shown in text
    assert set(reader.get_fields()) == {"ttd_kepala"}
    assert lkjip == tmp_path / "2026/TW4/_instansi/rev-01/LKjIP_2026.pdf"
    assert (lkjip.parent / "rekap_instansi_2026_TW4.pdf").is_file()
    # A second run with nothing changed keeps the revision (earlier years and the narrative are in its key) ...
    again = produce_agency(period, results, verdicts(period), ROOT / "templates", whole_year, tmp_path,
                           dt.date(2027, 2, 15), dt.datetime(2027, 2, 16, 9, tzinfo=dt.timezone.utc), tmp_path / "kerja", earlier)
    assert again.reused == [""] and again.documents["lkjip"] == lkjip
    # ... and a changed narrative makes the next one, the first left as it was.
    before = lkjip.read_bytes()
    changed = tmp_path / "masukan"
    shutil.copytree(whole_year, changed)
    narrative = changed / "2026" / "lkjip.toml"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace("Penagihan dilakukan bersama BPKAD",
                                                                       "Penagihan dilakukan bersama Bapenda"), encoding="utf-8")
    third = produce_agency(period, results, verdicts(period), ROOT / "templates", changed, tmp_path,
                           dt.date(2027, 2, 15), dt.datetime(2027, 2, 17, 9, tzinfo=dt.timezone.utc), tmp_path / "kerja", earlier)
    assert third.documents["lkjip"] == tmp_path / "2026/TW4/_instansi/rev-02/LKjIP_2026.pdf"
    assert lkjip.read_bytes() == before and manifest.verify(third.documents["lkjip"]).ok


def test_lkjip_context_marks_missing_narrative_and_compares_by_indicator(whole_year):
    period = read_period(whole_year, 2026, 4)
    results = compute(period)
    earlier, _ = reports.earlier_years(whole_year, 2026)
    per = r.Period(2026, 4, dt.date(2027, 2, 15))
    records = period.records("pks")
    ctx = reports.lkjip_context(period.config, reports.Narasi(), "inputs/2026/lkjip.toml", period.pk_codes(),
                                {x["pk"]: x["nip"] for x in records}, results, verdicts(period),
                                {x["pk"]: x["nama"] for x in records}, earlier, per)
    assert ctx["bab1"]["latar_belakang"] == ["[Narasi belum diisi: inputs/2026/lkjip.toml, [bab1] latar_belakang]"]
    assert ctx["perencanaan"]["pk"] == "PK-INSP"  # the head's PK is the agency's
    rows = [i for s in ctx["sasaran"] for i in s["indikator"]]
    assert [i["kode"] for i in rows] == ["IK-01", "IK-02", "IK-03", "IK-04", "IK-05"]
    assert all(i["realisasi_n1"] != "-" for i in rows) and all(i["realisasi_n2"] == "-" for i in rows)
    assert ctx["pembanding"] == "2025"


def test_renstra_capaian_uses_the_indicators_polarity(whole_year):
    period = read_period(whole_year, 2026, 4)
    ind = next(i for i in compute(period)["PK-INSP"].indicators if i.kode == "IK-05")  # negative polarity index
    assert ind.polaritas == "negatif"
    real = float(ind.realisasi_sd.value)
    got = reports._renstra_capaian(ind, "2")
    expected = (2 * 2 - real) / 2 * 100
    assert got == f"{expected:.2f} %".replace(".", ",")


def test_narrative_file_rejects_unknown_keys(tmp_path):
    (tmp_path / "lkjip.toml").write_text("[bab1]\nlatar = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="kunci tidak dikenal: latar"):
        reports.load_narrative(tmp_path)


def test_paragraphs_split_on_blank_lines():
    assert reports.paragraphs("Satu\nbaris.\n\n  Dua. ", "x") == ["Satu baris.", "Dua."]
    assert reports.paragraphs("  ", "lkjip.toml, penutup") == ["[Narasi belum diisi: lkjip.toml, penutup]"]


def test_an_agencys_lkjip_key_covers_its_own_earlier_years_only(tmp_path):
    from sakip.produce import _year_end_inputs

    for path in ("2026/opd-a/lkjip.toml", "2025/opd-a/pk/PK-A.xlsx", "2024/opd-a/instansi.toml",
                 "2025/opd-b/pk/PK-B.xlsx", "2023/opd-a/pk/PK-A.xlsx"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(path)
    found = [p.relative_to(tmp_path).as_posix() for p in _year_end_inputs(tmp_path, 2026, "opd-a")]
    assert found == ["2026/opd-a/lkjip.toml", "2024/opd-a/instansi.toml", "2025/opd-a/pk/PK-A.xlsx"]
    assert [p.relative_to(tmp_path).as_posix() for p in _year_end_inputs(tmp_path, 2026, "")] == [
        "2024/opd-a/instansi.toml", "2025/opd-a/pk/PK-A.xlsx", "2025/opd-b/pk/PK-B.xlsx"]
