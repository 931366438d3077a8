"""The run summary: exit codes, a rerun's merge with the period's last summary, damaged files."""

from __future__ import annotations

import json

import pytest

from sakip.outputs.summary import EXIT_FAILED, EXIT_OK, EXIT_RETURNED, SUMMARY_FILE, Row, Summary


def row(pk: str, status: str, **extra) -> Row:
    return Row(pk=pk, pejabat="-", status=status, capaian="-", galat=0, peringatan=0, **extra)


@pytest.mark.parametrize("statuses, failed_documents, code", [
    (["PARAF", "PARAF"], [], EXIT_OK),
    (["PARAF", "DIKEMBALIKAN"], [], EXIT_RETURNED),
    (["DIKEMBALIKAN", "DIKEMBALIKAN"], [], EXIT_RETURNED),
    (["PARAF", "GAGAL"], [], EXIT_FAILED),
    (["DIKEMBALIKAN", "GAGAL", "PARAF"], [], EXIT_FAILED),
    (["PARAF"], ["rekap_instansi"], EXIT_FAILED),
    (["GAGAL", "GAGAL", "GAGAL", "GAGAL", "PARAF"], [], EXIT_FAILED),  # the 4 of 5 GAGAL
])
def test_exit_code(statuses, failed_documents, code):
    summary = Summary(2026, 2, [row(f"PK-{i}", s) for i, s in enumerate(statuses)], instansi_gagal=failed_documents)
    assert summary.exit_code() == code
    assert len({EXIT_OK, EXIT_RETURNED, EXIT_FAILED, 1}) == 4  # 1 stays "the run failed"


def test_a_rerun_keeps_every_other_pk_and_judges_only_its_own(tmp_path):
    before = Summary(2026, 2, [row("PK-A", "PARAF", revisi=1), row("PK-B", "DIKEMBALIKAN", pesan="realisasi kosong"),
                               row("PK-C", "GAGAL", pesan="konversi gagal")], instansi={"rekap_instansi": "/x.pdf"})
    before.write(tmp_path)
    rerun = Summary(2026, 2, [row("PK-C", "PARAF", revisi=1)])
    merged = rerun.merged_into(Summary.read(tmp_path, 2026, 2))
    assert [(r.pk, r.status, r.dari_run_sebelumnya) for r in merged.rows] == [
        ("PK-C", "PARAF", False), ("PK-A", "PARAF", True), ("PK-B", "DIKEMBALIKAN", True)]
    assert merged.rows[2].pesan == "realisasi kosong"
    assert merged.instansi == {"rekap_instansi": "/x.pdf"}
    assert merged.exit_code() == EXIT_OK  # PK-B's return is the last run's news, not this one's
    assert merged.counts() == {"PARAF": 2, "DIKEMBALIKAN": 1, "GAGAL": 0}
    merged.write(tmp_path)
    data = json.loads((tmp_path / "2026/TW2" / SUMMARY_FILE).read_text())
    assert [r["pk"] for r in data["pk"]] == ["PK-C", "PK-A", "PK-B"] and data["kode_keluar"] == EXIT_OK


@pytest.mark.parametrize("content", [
    b"", b"{", b"\xff\xfe\x00garbage", b"[]", b'{"pk": 5}', b'{"pk": ["PK-A"]}', b'{"pk": [{"pk": "A"}]}',
    b'{"pk": [{"pk": "A", "pejabat": "-", "status": "ENTAH", "capaian": "-", "galat": 0, "peringatan": 0}]}',
    b'{"pk": [{"pk": 7, "pejabat": "-", "status": "PARAF", "capaian": "-", "galat": 0, "peringatan": 0}]}',
    b'{"tahun": 2026}', b"null", b'"teks"',
])
def test_a_damaged_summary_is_not_merged_and_never_crashes(tmp_path, content):
    folder = tmp_path / "2026/TW2"
    folder.mkdir(parents=True)
    (folder / SUMMARY_FILE).write_bytes(content)
    assert Summary.read(tmp_path, 2026, 2) is None
    rerun = Summary(2026, 2, [row("PK-C", "PARAF")])
    assert rerun.merged_into(None) is rerun


def test_no_summary_yet(tmp_path):
    assert Summary.read(tmp_path, 2026, 2) is None


def test_the_period_gathered_from_its_agencies_runs_reads_back_whole(tmp_path):
    from sakip.outputs.summary import Row, Summary

    def part(agency: str, status: str) -> Summary:
        return Summary(2026, 2, [Row(pk=f"PK-{agency}", pejabat="A", status=status, capaian="-", galat=0, peringatan=0)],
                       orphans=["x.xlsx"], instansi={f"rekap_{agency}": f"/o/{agency}.pdf"},
                       catatan=["catatan sama"], instansi_gagal=[f"bundel_{agency}"] if status == "GAGAL" else [],
                       pekerja=f"mesin-{agency}")

    parts = [part("a", "PARAF"), part("b", "GAGAL"), part("c", "DIKEMBALIKAN")]
    for agency, p in zip("abc", parts):
        p.write(tmp_path, agency)
        assert Summary.read(tmp_path, 2026, 2, agency) == p  # every field an agency's run keeps
    whole = Summary.gathered(2026, 2, parts)
    assert [r.pk for r in whole.rows] == ["PK-a", "PK-b", "PK-c"]
    assert whole.orphans == ["x.xlsx"] and whole.catatan == ["catatan sama"]
    assert whole.instansi == {"rekap_a": "/o/a.pdf", "rekap_b": "/o/b.pdf", "rekap_c": "/o/c.pdf"}
    assert whole.instansi_gagal == ["bundel_b"] and whole.exit_code() == 3
    assert Summary.read(tmp_path, 2026, 2) is None  # the agencies' summaries are not the period's
