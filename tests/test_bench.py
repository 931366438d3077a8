"""The benchmark itself: the generator is deterministic and the 5-PK run produces every ratio.

Timings are never asserted here (they live in `make bench`); what is asserted is that the
benchmark still measures what it claims to.
"""

import json
import subprocess
import sys

import openpyxl
import pytest

from bench import generate, run
from bench.peers import compare, make_templates


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
    # The demo's rerun (two more full runs) is left to `make bench`.
    data = run.run(pks=5, sample=1, work=tmp_path, results=tmp_path / "results.json", peer_docs=1, peer_runs=1, demo=False)
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8")) == data
    size = data["size"]
    assert size["pks"] == 5 and size["PARAF"] + size["DIKEMBALIKAN"] == 5 and size["DIKEMBALIKAN"] >= 1
    assert size["GAGAL"] == 0 and size["documents"] == 5 * size["PARAF"]
    assert data["rerun"]["status_after"] == "PARAF"  # the corrected workbook was taken
    assert data["rerun"]["packages_made"] == [data["rerun"]["corrected_pk"]]  # and only it was made
    peers_here = not compare.node_unavailable()
    assert set(data["ratios"]) == set(run.TARGETS)
    assert all(v > 0 for k, v in data["ratios"].items() if peers_here or k != "sakip_over_docxtemplater_render")
    assert {"ingest", "paraf", "capaian", "produksi.render", "produksi.konversi", "produksi.paket"} <= set(data["full"]["stages"])
    table = run.report(data)
    assert "full_over_floor" in table and "naive (cold soffice per file)" in table and "warm slot, same files" in table
    assert data["warm"]["sample"] == data["naive"]["sample"]  # the same documents both ways
    assert "sakip_own_over_libreoffice" in table and "laporan_triwulan with chart" in table
    assert data["demo_rerun_unchanged_seconds"] is None
    render = data["render"]
    assert {"sakip", "laporan_triwulan_with_chart", "laporan_triwulan_without_chart"} <= set(render["ms_per_document"])
    if peers_here:
        assert render["same_text"] == {"docxtemplater": True, "carbone": True}

    # CPU by kind: LibreOffice's own column (conversion costs tens of ms of CPU per document, not
    # the 10 ms/doc the floor showed when its soffice processes were still alive at the reading),
    # and the kinds account for the total the kernel counted for the reaped children.
    cpu = data["cpu_seconds"]
    assert cpu["floor_per_document_ms"] > 30 and cpu["full_libreoffice_per_document_ms"] > 30
    for phase, kinds in (("full", ("libreoffice", "sakip_own", "prefect_server", "unsampled")),
                         ("floor", ("libreoffice", "converter_in_bench", "unsampled"))):
        split = cpu[phase]
        assert sum(split[k] for k in kinds) == pytest.approx(split["total"], abs=0.05)
        assert abs(split["unsampled"]) <= 0.2 * split["total"], split
    assert cpu["full"]["sakip_own"] > 0 and cpu["full"]["prefect_server"] > 0
    assert data["ratios"]["sakip_own_over_libreoffice"] == pytest.approx(cpu["full"]["sakip_own"] / cpu["full"]["libreoffice"], rel=0.01)


BUSY = "import time\nend = time.process_time() + {0}\nwhile time.process_time() < end: pass"


def test_sampler_counts_a_childs_cpu_and_what_it_missed(tmp_path):
    with run.TreeSampler(interval=0.05) as sampler:
        mark = sampler.cpu_mark()
        subprocess.run([sys.executable, "-c", BUSY.format(0.8)], check=True)
        cpu = sampler.cpu_since(mark)
    seen = cpu.of("other")  # a child whose command line names no known kind
    assert 0.5 < seen <= cpu.reaped + 0.02 and cpu.reaped == pytest.approx(0.8, abs=0.3)
    assert 0 <= cpu.unsampled(("other",)) < 0.3  # the tail after the last sample
    assert cpu.bench < 0.5  # the sampling is not this process's work


def test_peer_renderers_write_the_same_text(tmp_path):
    """The comparison is fair: sakip, docxtemplater and Carbone fill the same page alike."""
    why = compare.node_unavailable()
    if why:
        pytest.skip(why)
    result = compare.compare(tmp_path, count=1, runs=1)
    assert "skipped" not in result
    assert result["same_text"] == {"docxtemplater": True, "carbone": True}
    text = compare.document_text(compare.output(tmp_path, "carbone") / "doc-0.docx")
    assert len(text) == result["text_lines"] == 31
    assert "3 | Program Penunjang Urusan Pemerintahan Daerah | 48.735.120.000 | 23.016.880.250 | 47,23%" in text
    assert "2 | Program Pendidik & Tenaga Kependidikan | 3.200.000.000 | 1.104.000.000 | 34,50%" in text  # escaped
    assert not any("{" in line or "}" in line for line in text)  # no tag left unfilled


def test_peer_templates_are_what_the_script_makes():
    for engine in make_templates.ENGINES:
        assert make_templates.template(engine).read_bytes() == make_templates.build(engine), engine


def test_one_agency_of_a_regency_is_read_alone(tmp_path):
    """An agency's run of a fanned-out period reads its own folder only; an agency the inputs do
    not have is one message naming it and those that exist."""
    from sakip.errors import ConfigError
    from sakip.ingest import workbooks as ingest

    codes = generate.generate(tmp_path, generate.Size.for_pks(24), seed=7)
    period = ingest.read_period(tmp_path, 2026, 2, agency="opd02")
    assert set(period.configs) == {"opd02"} and period.pk_codes() == codes["opd02"]
    assert all(str(p).startswith(str(tmp_path / "2026/opd02")) for pk in period.pk_codes() for p in period.inputs_of(pk))
    with pytest.raises(ConfigError, match="instansi 'opd09' tidak ada"):
        ingest.read_period(tmp_path, 2026, 2, agency="opd09")


def test_a_pk_code_two_agencies_use_is_judged_alike_fanned_out(tmp_path):
    """A fanned-out period reads each agency alone; what the run that fans out reads first
    (shared_codes) makes the agencies' reads judge a PK code that two agencies' workbooks use
    exactly as one read of the whole period does: the later workbook is not taken, and the PK
    that took the code is returned with it (same submissions, same orphans, one owner per code)."""
    from sakip.ingest import workbooks as ingest

    codes = generate.generate(tmp_path, generate.Size(agencies=3, pks_per_agency=2, indicators=2), seed=7)
    base = tmp_path / "2026"
    first, second = codes["opd01"][0], codes["opd02"][0]
    copies = {f"opd01/pk/{first}.xlsx": [f"opd02/pk/{first}.xlsx", "opd03/pk/salinan.xlsx"],
              f"opd02/pk/{second}.xlsx": [f"opd03/pk/{second}-b.xlsx"],
              f"opd01/realisasi/tw2/{first}.xlsx": [f"opd02/realisasi/tw2/{first}.xlsx"]}
    for source, targets in copies.items():
        for target in targets:
            (base / target).write_bytes((base / source).read_bytes())

    shared = ingest.shared_codes(tmp_path, 2026)
    assert shared == {
        "opd01": {"diambil": {}, "salinan": [f"opd02/pk/{first}.xlsx", "opd03/pk/salinan.xlsx"]},
        "opd02": {"diambil": {first: f"opd01/pk/{first}.xlsx"}, "salinan": [f"opd03/pk/{second}-b.xlsx"]},
        "opd03": {"diambil": {first: f"opd01/pk/{first}.xlsx", second: f"opd02/pk/{second}.xlsx"}, "salinan": []}}
    whole = ingest.read_period(tmp_path, 2026, 2)
    parts = [ingest.read_period(tmp_path, 2026, 2, agency=a, taken=shared.get(a, {}).get("diambil"),
                                copies=shared.get(a, {}).get("salinan")) for a in codes]

    def key(sub):
        return (sub.kind, sub.agency, sub.quarter, sub.shown)

    assert sorted((p for part in parts for p in part.submissions), key=key) == sorted(whole.submissions, key=key)
    assert sorted(o for part in parts for o in part.orphans) == sorted(whole.orphans)
    assert [c for part in parts for c in part.pk_codes()] == whole.pk_codes() == [c for cs in codes.values() for c in cs]
    returned = {(s.agency, s.shown): s.taken_by for s in whole.submissions if s.taken_by}
    assert returned == {("opd02", f"opd02/pk/{first}.xlsx"): f"opd01/pk/{first}.xlsx",
                        ("opd03", "opd03/pk/salinan.xlsx"): f"opd01/pk/{first}.xlsx",
                        ("opd03", f"opd03/pk/{second}-b.xlsx"): f"opd02/pk/{second}.xlsx"}
    # each copy is judged in the run of the agency that owns its code, whose PK it returns
    owner = {s.shown for s in parts[0].submissions if s.taken_by}
    assert owner == {f"opd02/pk/{first}.xlsx", "opd03/pk/salinan.xlsx"}
    # without what the others took, an agency's read would take the code a second time
    assert first in ingest.read_period(tmp_path, 2026, 2, agency="opd02").pk_codes()
