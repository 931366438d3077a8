"""The benchmark itself: the generator is deterministic and the 5-PK run produces every ratio.

Timings are never asserted here (they live in `make bench`); what is asserted is that the
benchmark still measures what it claims to.
"""

import json

import openpyxl
import pytest

from bench import generate, run


def cells(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_generator_is_deterministic_and_varied(tmp_path):
    size = generate.Size.for_pks(24)
    codes = generate.generate(tmp_path / "a", size, seed=7)
    generate.generate(tmp_path / "b", size, seed=7)
    generate.generate(tmp_path / "c", size, seed=8)
    assert size.agencies == 2 and sum(map(len, codes.values())) == 24
    every = [c for cs in codes.values() for c in cs]
    assert len(set(every)) == 24  # PK codes unique across agencies
    first = "opd01/realisasi/tw2/PK-01-01.xlsx"
    assert cells(tmp_path / "a/2026" / first) == cells(tmp_path / "b/2026" / first)
    assert cells(tmp_path / "a/2026" / first) != cells(tmp_path / "c/2026" / first)
    head = cells(tmp_path / "a/2026/opd01/pk/PK-01-01.xlsx")["PK"][4:]
    other = cells(tmp_path / "a/2026/opd01/pk/PK-01-02.xlsx")["PK"][4:]
    kinds = {(row[5], row[6]) for row in head + other}
    assert {("Positif", "Akhir"), ("Positif", "Jumlah"), ("Negatif", "Akhir"), ("Negatif", "Rata-rata")} <= kinds
    assert {"WTP", "BB", "Level 3"} <= {row[7] for row in head}  # qualitative targets of the head
    assert generate.returned(tmp_path / "a")  # some PKs are generated to be returned


def test_regency_is_read_as_one_period_of_many_agencies(tmp_path):
    from sakip.capaian import rules as capaian
    from sakip.ingest import workbooks as ingest

    generate.generate(tmp_path, generate.Size.for_pks(24), seed=7)
    period = ingest.read_period(tmp_path, 2026, 2)
    assert set(period.configs) == {"opd01", "opd02"}
    assert len(period.pk_codes()) == 24 and not period.orphans
    assert period.config_for("PK-02-03").instansi.nama.startswith("Dinas Kesehatan")
    assert period.official("PK-02-01").jabatan.startswith("Kepala Dinas Kesehatan")
    with pytest.raises(ValueError):
        period.config  # several agencies: no single configuration
    assert len(capaian.compute(period)) == 24


def test_a_workbook_in_another_agencys_folder_is_not_taken(tmp_path):
    from sakip.ingest import workbooks as ingest

    generate.generate(tmp_path, generate.Size.for_pks(24), seed=7)
    base = tmp_path / "2026"
    (base / "opd01/realisasi/tw2/PK-02-05.xlsx").write_bytes((base / "opd02/realisasi/tw2/PK-02-05.xlsx").read_bytes())
    period = ingest.read_period(tmp_path, 2026, 2)
    assert any("opd01/realisasi/tw2/PK-02-05.xlsx" in o and "instansi opd01" in o for o in period.orphans)


def test_small_benchmark_measures_everything(tmp_path):
    data = run.run(pks=5, sample=1, work=tmp_path, results=tmp_path / "results.json")
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8")) == data
    size = data["size"]
    assert size["pks"] == 5 and size["PARAF"] + size["DIKEMBALIKAN"] == 5 and size["DIKEMBALIKAN"] >= 1
    assert size["GAGAL"] == 0 and size["documents"] == 5 * size["PARAF"]
    assert data["rerun"]["status_after"] == "PARAF"  # the corrected workbook was taken
    assert data["rerun"]["packages_made"] == [data["rerun"]["corrected_pk"]]  # and only it was made
    assert set(data["ratios"]) == set(run.TARGETS) and all(v > 0 for v in data["ratios"].values())
    assert {"ingest", "paraf", "capaian", "produksi.render", "produksi.konversi", "produksi.paket"} <= set(data["full"]["stages"])
    table = run.report(data)
    assert "full_over_floor" in table and "naive (cold soffice per file)" in table and "warm slot, same files" in table
    assert data["warm"]["sample"] == data["naive"]["sample"]  # the same documents both ways
