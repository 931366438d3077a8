"""A period fanned out per agency over a real Prefect server, a process work pool and two workers
(separate working folders and temporary folders, hence LibreOffice profiles; one shared outputs
folder), as issue 25 asks:

- both workers run agencies (the API's records and each agency's summary say which);
- the packages verify and equal those of a one-machine `sakip run` of the same inputs (data.json
  identical; packages equal in text and signature fields, times and run ids aside);
- the server keeps its records in PostgreSQL, as README advises for many workers (the API's child
  runs are rows of its flow_run table);
- a worker killed in the middle of an agency: the server marks its run Crashed when its heartbeats
  stop (the automation sakip creates), the period's run submits the agency again, the other worker
  completes it, and nothing half-written stays in outputs/.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from flows.server import PostgresCluster, PrefectServer
from sakip.outputs.files import leftovers
from sakip.pdf import manifest
from sakip.pdf.package import signature_fields

from tests.conftest import ROOT
from tests.flows.test_deployments import PREFECT, _Client, _group_alive, _start, _stop

SAKIP = str(Path(sys.executable).with_name("sakip"))
AGENCIES = ["opd01", "opd02", "opd03", "opd04"]
SILENCE = 45  # seconds without a heartbeat (sent every 30) before a run is marked Crashed


def _ancestors(pid: int) -> list[int]:
    out = []
    while pid > 1:
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        out.append(pid)
    return out


def _agency_runs(http, agency: str | None = None) -> list[dict]:
    name = f"triwulan-2026-TW2-{agency}" if agency else "triwulan-2026-TW2-opd"
    return http.post("/flow_runs/filter", json={"flow_runs": {"name": {"like_": name}},
                                                "sort": "START_TIME_ASC"}).json()


def _page_texts(pdf: Path) -> list[str]:
    # times ("... WIB") and run ids differ between two runs; everything else must not
    return ["\n".join(line for line in (page.extract_text() or "").splitlines() if "WIB" not in line)
            for page in PdfReader(pdf).pages]


def _sakip(args: list[str], env: dict, cwd: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen([SAKIP, *args], env=env, cwd=cwd, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def test_a_period_fanned_out_over_two_workers(tmp_path):
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    if PostgresCluster.bin_dir() is None:
        pytest.skip("PostgreSQL not installed (make setup installs it)")
    from bench import generate

    inputs, shared, single = tmp_path / "inputs", tmp_path / "bersama", tmp_path / "satu-mesin"
    made = generate.generate(inputs, generate.Size(agencies=4, pks_per_agency=2, indicators=3, returned_every=3), 2026)
    assert list(made) == AGENCIES
    run_args = ["run", "2026", "2", "--inputs", str(inputs), "--templates", str(ROOT / "templates"),
                "--expectations", str(ROOT / "expectations"), "--tanggal", "2026-07-10"]
    workers: dict[str, subprocess.Popen] = {}
    started: list[subprocess.Popen] = []
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(PostgresCluster())
        server = stack.enter_context(PrefectServer(home=tmp_path / "prefect", database_url=pg.url))
        env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": server.url,
               "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_WORKER_QUERY_SECONDS": "1"}
        stack.callback(lambda: [_stop(p) for p in reversed(started)])
        http = _Client(base_url=server.url, timeout=10)
        subprocess.run([PREFECT, "work-pool", "create", "sakip", "--type", "process"], env=env, check=True,
                       capture_output=True, timeout=60)
        deploy = subprocess.run([PREFECT, "--no-prompt", "deploy", "--all"], env=env, cwd=ROOT, capture_output=True,
                                text=True, timeout=120)
        assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]
        # The automation the fan-out creates, made first with a shorter silence (the fan-out keeps
        # one that exists): the test waits 45 s for a dead worker's run, not 90.
        subprocess.run([sys.executable, "-c", f"from flows.server import ensure_crash_detection as e; assert e({SILENCE})"],
                       env=env, cwd=ROOT, check=True, timeout=60)
        for name in ("w1", "w2"):
            home = tmp_path / name
            (home / "tmp").mkdir(parents=True)
            workers[name] = _start([PREFECT, "worker", "start", "--pool", "sakip", "--limit", "1", "--name", name],
                                   {**env, "SAKIP_PEKERJA": name, "TMPDIR": str(home / "tmp")}, tmp_path / f"{name}.log", home)
            started.append(workers[name])

        # 1. The whole period, fanned out; then the same inputs on one machine.
        log = tmp_path / "sebar.log"
        assert _sakip([*run_args, "--outputs", str(shared), "--sebar"], env, tmp_path, log).wait(600) == 2, \
            log.read_text(errors="replace")[-3000:]
        summary = json.loads((shared / "2026/TW2/ringkasan.json").read_text())
        assert list(summary["instansi_run"]) == AGENCIES
        assert {a["pekerja"] for a in summary["instansi_run"].values()} == {"w1", "w2"}
        runs = _agency_runs(http)
        assert sorted(r["name"].rsplit("-", 1)[1] for r in runs) == AGENCIES
        assert {r["state_type"] for r in runs} == {"COMPLETED"}
        assert {r["id"] for r in runs} == {a["run_id"] for a in summary["instansi_run"].values()}
        # each run's process was a worker's child: the API's records say both workers ran some
        assert log.read_text().count("instansi opd") == 4
        assert not (tmp_path / "prefect" / "prefect.db").exists()
        assert pg.query("select count(*) from flow_run where name like 'triwulan-2026-TW2-opd%' "
                        "and state_type = 'COMPLETED'") == "4"
        parent = http.post("/flow_runs/filter", json={"flow_runs": {"name": {"any_": ["triwulan-2026-TW2"]}}}).json()
        assert {r["parent_task_run_id"] is not None for r in runs} == {True} and len(parent) == 1

        log1 = tmp_path / "satu.log"
        assert _sakip([*run_args, "--outputs", str(single)], env, tmp_path, log1).wait(600) == 2, \
            log1.read_text(errors="replace")[-3000:]
        one = json.loads((single / "2026/TW2/ringkasan.json").read_text())
        strip = lambda rows: [{k: v for k, v in r.items() if k != "keluaran"} for r in rows]  # noqa: E731
        assert strip(summary["pk"]) == strip(one["pk"])
        packages = sorted(single.glob("2026/TW2/*/latest/paket_*.pdf"))
        assert len(packages) == len([r for r in one["pk"] if r["status"] == "PARAF"]) >= 6
        for package in packages:
            twin = shared / package.relative_to(single)
            data = package.parent / "data.json"
            assert (twin.parent / "data.json").read_bytes() == data.read_bytes(), package.parent.parent.name
            assert manifest.verify(twin).ok
            assert signature_fields(twin) == signature_fields(package)
            assert _page_texts(twin) == _page_texts(package), package.name
        for agency in AGENCIES:
            assert _page_texts(shared / f"2026/TW2/bundel_paket_2026_TW2_{agency}.pdf") == \
                _page_texts(single / f"2026/TW2/bundel_paket_2026_TW2_{agency}.pdf")
        page = (shared / "2026/TW2/validasi.html").read_text()
        assert all(f'id="{pk.lower()}"' in page.lower() or pk in page for pks in made.values() for pk in pks)
        # the period's status page, made once the agencies are gathered: every PK, every link lands
        from tests.outputs.test_page import _check_links, _parse

        for name in ("index.html", "validasi.html"):
            parsed = _parse((shared / "2026/TW2" / name).read_text(encoding="utf-8"))
            _check_links(shared / "2026/TW2" / name, parsed.hrefs)
        listed = " ".join(_parse((shared / "2026/TW2/index.html").read_text(encoding="utf-8")).text)
        assert all(pk in listed for pks in made.values() for pk in pks)

        # 2. One agency again (--force: new revisions), its worker killed in the middle.
        before = {r["id"] for r in _agency_runs(http, "opd02")}
        log2 = tmp_path / "ulang.log"
        rerun = _sakip([*run_args, "--outputs", str(shared), "--sebar", "--instansi", "opd02", "--force"], env, tmp_path, log2)
        killed: list[str] = []

        def kill_its_worker() -> None:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not killed:
                for r in _agency_runs(http, "opd02"):
                    pid = r.get("infrastructure_pid") or ""
                    if r["id"] in before or r["state_type"] != "RUNNING" or not pid.isdigit():
                        continue
                    owner = next((n for n, w in workers.items() if w.pid in _ancestors(int(pid))), None)
                    if owner:
                        time.sleep(4)  # into its work: a revision folder being built
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(os.getpgid(int(pid)), signal.SIGKILL)
                        os.killpg(workers[owner].pid, signal.SIGKILL)  # the machine is gone
                        killed.append(owner)
                        return
                time.sleep(0.5)

        killer = threading.Thread(target=kill_its_worker)
        killer.start()
        assert rerun.wait(600) == 2, log2.read_text(errors="replace")[-3000:]
        killer.join()
        assert killed, "no worker took the agency's run"
        survivor = ({"w1", "w2"} - set(killed)).pop()
        again = [r for r in _agency_runs(http, "opd02") if r["id"] not in before]
        assert [r["state_type"] for r in again] == ["CRASHED", "COMPLETED"]
        after = json.loads((shared / "2026/TW2/ringkasan.json").read_text())
        assert after["instansi_run"]["opd02"]["pekerja"] == survivor
        assert after["instansi_run"]["opd02"]["run_id"] == again[-1]["id"]
        assert after["instansi_run"]["opd01"]["status"] == "dari run sebelumnya"
        assert leftovers(shared / "2026/TW2") == []
        for pk in made["opd02"]:
            latest = shared / f"2026/TW2/{pk}/latest"
            if latest.exists():
                assert os.readlink(latest) == "rev-02"
                assert manifest.verify(next(latest.glob("paket_*.pdf"))).ok
        # the other agencies kept their revisions
        assert os.readlink(shared / f"2026/TW2/{made['opd01'][0]}/latest") == "rev-01"
    for proc in [server.proc, *started]:
        assert not _group_alive(proc.pid), f"{proc.args[:3]} left processes behind"
