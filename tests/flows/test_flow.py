"""The quarterly flow run by Prefect for real (a temporary server for this module): a rerun after
one corrected workbook re-executes only that PK's tasks, makes its revision 2 and leaves every
revision 1 as it was; the run's artifacts show the table and the returned PKs."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import openpyxl
import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import get_client  # noqa: E402
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterId  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402

from tests.conftest import INPUTS, ROOT, tree_hash  # noqa: E402
from flows.quarterly import Started, quarterly  # noqa: E402
from sakip.outputs import lock as period_lock  # noqa: E402
from sakip.paraf.suites import IsolatedSuites  # noqa: E402
from sakip.pdf import manifest  # noqa: E402

PERIOD = "2026/TW2"


@pytest.fixture(scope="module")
def prefect_server():
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    with prefect_test_harness(server_startup_timeout=90):
        yield


def run(tmp, **extra):
    state = quarterly(2026, 2, inputs=tmp / "inputs", outputs=tmp / "outputs", templates=ROOT / "templates",
                      expectations=ROOT / "expectations", issued=dt.date(2026, 7, 6), return_state=True, **extra)
    assert state.is_completed(), state.message
    return state


def task_runs(flow_run_id):
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {r.name: r.state.type.value for r in runs}


def artifacts(flow_run_id):
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: a for a in found}


def paket_tasks(runs: dict[str, str]) -> dict[str, str]:
    return {name: state for name, state in runs.items() if name.startswith("paket ")}


def test_rerun_after_one_correction_redoes_only_that_pk(prefect_server, tmp_path):
    shutil.copytree(INPUTS, tmp_path / "inputs")
    period = tmp_path / "outputs" / PERIOD
    first = run(tmp_path)
    made = ["PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-SEK"]
    first_paket = paket_tasks(task_runs(first.state_details.flow_run_id))
    # The first run packages every initialled PK, in batches (2 slots here: 2 PKs per task).
    assert set(first_paket.values()) == {"COMPLETED"}
    assert sorted(pk for name in first_paket for pk in name.removeprefix("paket ").split(", ")) == made
    before = {pk: tree_hash(period / pk / "rev-01") for pk in made}
    recap = tree_hash(period / "_instansi" / "rev-01")

    path = tmp_path / "inputs/2026/realisasi/tw2/PK-INSP.xlsx"
    book = openpyxl.load_workbook(path)
    book["Realisasi"]["I8"] = 48.2  # IK-04, 46,8 before
    book.save(path)
    second = run(tmp_path)

    runs = task_runs(second.state_details.flow_run_id)
    assert paket_tasks(runs) == {"paket PK-INSP": "COMPLETED"}  # one task, holding the corrected PK only
    assert any(n.startswith("dokumen-instansi") and s == "COMPLETED" for n, s in runs.items())  # and the recap
    # the recap is made again as its next revision; the first stays as it was
    assert tree_hash(period / "_instansi" / "rev-01") == recap
    assert os.readlink(period / "_instansi" / "latest") == "rev-02"
    assert json.loads((period / "_instansi/rev-02/perubahan.json").read_text())["alasan"] == "data masukan atau hasil paraf berubah"
    # Every revision 1 is untouched; only PK-INSP has a revision 2, and `latest` follows it.
    assert {pk: tree_hash(period / pk / "rev-01") for pk in made} == before
    assert {pk: sorted(p.name for p in (period / pk).glob("rev-*")) for pk in made} == {
        "PK-INSP": ["rev-01", "rev-02"], "PK-IRBAN1": ["rev-01"], "PK-IRBAN2": ["rev-01"], "PK-SEK": ["rev-01"]}
    assert os.readlink(period / "PK-INSP" / "latest") == "rev-02"
    package = period / "PK-INSP/rev-02/paket_PK-INSP_2026_TW2.pdf"
    assert manifest.verify(package).ok
    assert json.loads(manifest.manifest_path(package).read_text())["paket"]["revisi"] == 2
    change = json.loads((period / "PK-INSP/rev-02/perubahan.json").read_text())
    assert change["menggantikan"] == "rev-01" and change["alasan"] == "data masukan atau hasil paraf berubah"
    assert {"isian": "Realisasi TW2 IK-04: realisasi", "lama": "46.8", "baru": "48.2"} in change["nilai_berubah"]
    assert {"isian": "Capaian IK-04: capaian_tw", "lama": "93,60 %", "baru": "96,40 %"} in change["nilai_berubah"]
    assert change["berkas_berubah"] == ["../../../../../inputs/2026/realisasi/tw2/PK-INSP.xlsx"]

    # The run's artifacts: one row per PK with its revision and package; the returned PK and why.
    found = artifacts(second.state_details.flow_run_id)
    rows = {r["PK"]: r for r in json.loads(found["sakip-2026-tw2-ringkasan"].data)}
    assert rows["PK-INSP"]["Revisi"] == "rev-02" and rows["PK-SEK"]["Revisi"] == "rev-01 (tetap)"
    assert rows["PK-INSP"]["Paket"] == str(package) and rows["PK-INSP"]["Capaian"] != "-"
    assert rows["PK-IRBAN3"]["Status"] == "DIKEMBALIKAN" and rows["PK-IRBAN3"]["Paket"] == "-"
    assert "Sangat" in rows["PK-SEK"]["Predikat"] or "Baik" in rows["PK-SEK"]["Predikat"]
    returned = found["sakip-2026-tw2-dikembalikan"].data
    assert "## PK-IRBAN3 (DIKEMBALIKAN)" in returned and "KOREKSI_" in returned
    # and the packages' progress bar, at its end: 3 kept, 1 made, of the 4 initialled
    with get_client(sync_client=True) as client:
        bars = [a for a in client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[second.state_details.flow_run_id]))) if a.type == "progress"]
    assert [(b.data, b.description) for b in bars] == [(100.0, "Paket Triwulan II 2026: 4/4 PK")]

    # Nothing changed since: a third run makes no package task at all; --force makes revision 3 of each.
    # The third runs as `sakip run` runs it: the period's lock and the GX child are handed in, and
    # the flow uses them rather than taking or starting its own (nothing module-wide carries them).
    with period_lock.held(tmp_path / "outputs", 2026, 2) as held, IsolatedSuites(ROOT / "expectations") as checker:
        third = run(tmp_path, started=Started(held, checker))
        with pytest.raises(period_lock.BusyError):  # still held: what the caller took stays the caller's
            period_lock.acquire(tmp_path / "outputs", 2026, 2)
        with pytest.raises(RuntimeError, match="after shutdown"):  # the flow ended the GX child after paraf
            checker.validate(checker.suites()[0], None)
    assert paket_tasks(task_runs(third.state_details.flow_run_id)) == {}
    with get_client(sync_client=True) as client:  # recorded as a placeholder, not walked through
        assert client.read_flow_run(third.state_details.flow_run_id).parameters["started"] == "<Started>"
    # Expected unchanged (as `sakip run` predicts it from the files): GX is never started, the
    # verdicts are the last run's, and nothing is written differently.
    records = {p: p.read_bytes() for p in sorted(period.glob("*/paraf.json"))}
    with period_lock.held(tmp_path / "outputs", 2026, 2) as held, \
            IsolatedSuites(ROOT / "expectations", start=False) as lazy:
        fourth = run(tmp_path, started=Started(held, lazy, unchanged=True))
    assert not lazy.started
    assert paket_tasks(task_runs(fourth.state_details.flow_run_id)) == {}
    assert {p: p.read_bytes() for p in sorted(period.glob("*/paraf.json"))} == records and records
    forced = run(tmp_path, force=True)
    assert len(paket_tasks(task_runs(forced.state_details.flow_run_id))) == 2
    assert os.readlink(period / "PK-SEK" / "latest") == "rev-02" and os.readlink(period / "PK-INSP" / "latest") == "rev-03"
    assert "operator (--force)" in json.loads((period / "PK-SEK/rev-02/perubahan.json").read_text())["alasan"]


def test_a_batch_is_retried_when_libreoffice_crashes_and_only_the_unfinished_pk_is_redone(
        prefect_server, tmp_path, monkeypatch, period_tw2, capaian_tw2, verdicts_tw2):
    """The real `paket` task with its retry policy, on a real LibreOffice that crashes once on
    PK-SEK's Lembar Paraf: the first attempt publishes PK-INSP and names PK-SEK; the retry makes
    PK-SEK only."""
    from prefect import flow

    from flows.quarterly import package_batch
    from sakip.pdf import produce as produce_stage
    from sakip.pdf.convert import Converter, uno_python
    from sakip.pdf.manifest import RunInfo

    from tests.pdf.test_convert import STAND_IN

    monkeypatch.setenv("STAND_IN_CRASH_ONCE", "PK-SEK_lembar_paraf")
    monkeypatch.setenv("STAND_IN_MARKS", str(tmp_path))
    monkeypatch.setenv("STAND_IN_PIDS", str(tmp_path / "pids"))
    outputs = tmp_path / "outputs"
    verdicts = {pk: verdicts_tw2[pk] for pk in ("PK-INSP", "PK-SEK")}
    plans = produce_stage.plan(period_tw2, verdicts, ROOT / "templates", outputs, ())
    now = dt.datetime(2026, 7, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

    @flow
    def one_batch():
        with Converter(slots=1, command=[uno_python(), STAND_IN]) as converter:
            return package_batch("PK-INSP, PK-SEK", period_tw2, capaian_tw2, verdicts, list(plans.values()),
                                 ROOT / "templates", now.date(), now, tmp_path / "kerja", converter, RunInfo(),
                                 return_state=True)

    state = one_batch()
    assert state.is_completed()
    with get_client(sync_client=True) as client:
        task_run = client.read_task_run(state.state_details.task_run_id)
    assert task_run.run_count == 2  # failed once (retryable), then completed
    produced = state.result()
    assert set(produced.documents) == {"PK-SEK"}  # the retry rendered only the PK not yet published
    assert set(produced.packages) == {"PK-INSP", "PK-SEK"}
    assert (tmp_path / "PK-SEK_lembar_paraf.docx").exists()  # the crash really happened once
    for pk in ("PK-INSP", "PK-SEK"):
        assert manifest.verify(outputs / PERIOD / pk / "rev-01" / f"paket_{pk}_2026_TW2.pdf").ok


def test_a_flow_run_on_a_busy_period_fails_naming_the_holder_and_writes_nothing(prefect_server, tmp_path):
    """A worker's flow run takes the period's lock itself (no `sakip run` around it)."""
    from tests.outputs.test_lock import holder

    shutil.copytree(INPUTS, tmp_path / "inputs")
    proc = holder(tmp_path / "outputs", 60)
    try:
        state = quarterly(2026, 2, inputs=tmp_path / "inputs", outputs=tmp_path / "outputs",
                          templates=ROOT / "templates", expectations=ROOT / "expectations", return_state=True)
    finally:
        proc.kill()
        proc.wait()
    assert state.is_failed() and "sedang diproses oleh run lain" in state.message and f"PID {proc.pid}" in state.message
    assert [p.name for p in (tmp_path / "outputs" / PERIOD).iterdir()] == [".proses.lock"]


def test_a_later_quarter_waits_until_the_earlier_one_is_initialled(prefect_server, tmp_path):
    """Issue 21 item 4 through the real flow: PK-IRBAN3's TW II is returned, so its TW III is
    returned too, naming TW II and its correction workbook, with no package; once TW II is
    corrected and rerun to PARAF, the TW III rerun passes and its data holds the corrected TW II
    figures. PK-SEK, initialled in TW II, passes TW III throughout."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from make_demo_inputs import synthetic_quarters
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(INPUTS, inputs)
    synthetic_quarters(inputs, 2026, [3])

    def quarter(q, pks):
        state = quarterly(2026, q, inputs=inputs, outputs=outputs, templates=ROOT / "templates",
                          expectations=ROOT / "expectations", issued=dt.date(2026, 3 * q + 1, 6), pks=pks,
                          return_state=True)
        assert state.is_completed(), state.message
        return {r["pk"]: r for r in json.loads((outputs / f"2026/TW{q}/ringkasan.json").read_text())["pk"]}

    assert {pk: r["status"] for pk, r in quarter(2, ["PK-SEK", "PK-IRBAN3"]).items()} == {
        "PK-SEK": "PARAF", "PK-IRBAN3": "DIKEMBALIKAN"}
    koreksi_tw2 = str(outputs / "2026/TW2/PK-IRBAN3/KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx")
    rows = quarter(3, ["PK-SEK", "PK-IRBAN3"])
    assert rows["PK-SEK"]["status"] == "PARAF"
    assert rows["PK-IRBAN3"]["status"] == "DIKEMBALIKAN"
    assert not (outputs / "2026/TW3/PK-IRBAN3/latest").exists()  # no package, no data.json
    record = json.loads((outputs / "2026/TW3/PK-IRBAN3/paraf.json").read_text())
    (earlier,) = [f for f in record["temuan"] if f["pemeriksaan"] == "berkas.triwulan_lalu_diparaf"]
    assert earlier["pesan"].startswith("Realisasi triwulan II PK-IRBAN3 belum diparaf: dikembalikan")
    assert koreksi_tw2 in earlier["pesan"] and "sakip run 2026 2 --pk PK-IRBAN3" in earlier["perbaikan"]
    assert earlier["berkas"] == "realisasi/tw2"
    koreksi = openpyxl.load_workbook(outputs / "2026/TW3/PK-IRBAN3/KOREKSI_PK-IRBAN3.xlsx")["Koreksi"]
    assert any(koreksi_tw2 in str(c.value) for row in koreksi.iter_rows() for c in row)

    path = inputs / "2026/realisasi/tw2/PK-IRBAN3.xlsx"  # the unit corrects TW II as its KOREKSI says
    book = openpyxl.load_workbook(path)
    ws = book["Realisasi"]
    ws["I5"], ws["I6"], ws["I7"] = 6, 41.5, 4
    ws["J8"], ws["K8"] = "Dua objek audit dijadwalkan ulang", "Audit dilaksanakan pada awal triwulan III"
    book.save(path)
    assert quarter(2, ["PK-IRBAN3"])["PK-IRBAN3"]["status"] == "PARAF"
    assert quarter(3, ["PK-IRBAN3"])["PK-IRBAN3"]["status"] == "PARAF"
    data = json.loads((outputs / "2026/TW3/PK-IRBAN3/latest/data.json").read_text())["nilai"]
    assert float(data["Realisasi TW2 IK-01: realisasi"]) == 6 and float(data["Realisasi TW2 IK-03: realisasi"]) == 4
    assert "belum ada data" not in json.dumps(data)
