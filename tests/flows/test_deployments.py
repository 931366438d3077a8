"""prefect.yaml and `sakip serve` describe the same deployments; Prefect computes the schedule's
run times in Asia/Jakarta; and the whole path beyond one machine works for real: a `prefect
server start` on loopback, a process work pool, `prefect deploy` of prefect.yaml, a worker, and
a run triggered through the REST API that makes the packages."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml

from flows.server import PrefectServer, start_session, stop_session
from sakip.schedule import CRON, TIMEZONE, period_for

from tests.conftest import INPUTS, ROOT

WIB = ZoneInfo("Asia/Jakarta")
PREFECT = str(Path(sys.executable).with_name("prefect"))


def prefect_yaml() -> dict:
    return yaml.safe_load((ROOT / "prefect.yaml").read_text())


def expected_runs(after: dt.datetime, n: int) -> list[dt.datetime]:
    """06:00 WIB on the 5th of January, April, July and October, worked out by hand."""
    out, year = [], after.astimezone(WIB).year
    while len(out) < n:
        for month in (1, 4, 7, 10):
            moment = dt.datetime(year, month, 5, 6, 0, tzinfo=WIB)
            if moment > after and len(out) < n:
                out.append(moment)
        year += 1
    return out


def test_prefect_yaml_and_serve_declare_the_same_deployments():
    from flows.deployments import AGENCY, RERUN, SCHEDULED, deployments
    from flows.quarterly import AGENCY_DEPLOYMENT

    declared = {d["name"]: d for d in prefect_yaml()["deployments"]}
    assert set(declared) == {SCHEDULED, RERUN, AGENCY}
    [schedule] = declared[SCHEDULED]["schedules"]
    assert (schedule["cron"], schedule["timezone"]) == (CRON, TIMEZONE)
    assert "schedules" not in declared[RERUN] and "schedules" not in declared[AGENCY]
    assert {declared[n]["entrypoint"] for n in (SCHEDULED, RERUN)} == {"flows/quarterly.py:quarterly"}
    assert declared[AGENCY]["entrypoint"] == "flows/quarterly.py:agency_quarterly"
    served = {d.name: d for d in deployments(Path("/i"), Path("/o"), Path("/t"), Path("/e"))}
    assert set(served) == {SCHEDULED, RERUN, AGENCY}
    # the name the fan-out submits to is the one deployed: <flow name>/<deployment name>
    assert f"{served[AGENCY].flow_name}/{AGENCY}" == AGENCY_DEPLOYMENT
    [cron] = served[SCHEDULED].schedules
    assert (cron.schedule.cron, cron.schedule.timezone) == (CRON, TIMEZONE)
    assert not served[RERUN].schedules
    assert served[RERUN].parameters == {"inputs": "/i", "outputs": "/o", "templates": "/t", "expectations": "/e"}


def test_prefect_computes_the_schedule_in_jakarta_time():
    from prefect.server.schemas.schedules import CronSchedule

    start = dt.datetime(2026, 11, 21, tzinfo=WIB)
    dates = asyncio.run(CronSchedule(cron=CRON, timezone=TIMEZONE).get_dates(n=5, start=start))
    assert [d.astimezone(WIB) for d in dates] == expected_runs(start, 5)
    assert dates[0].astimezone(dt.timezone.utc) == dt.datetime(2027, 1, 4, 23, 0, tzinfo=dt.timezone.utc)
    # Each reports the quarter that ended before it.
    assert [period_for(d) for d in dates] == [(2026, 4), (2027, 1), (2027, 2), (2027, 3), (2027, 4)]


def test_a_scheduled_run_reports_the_quarter_that_ended_in_jakarta():
    # 31 December 18:00 UTC is already 1 January in Jakarta: Triwulan IV has ended.
    assert period_for(dt.datetime(2026, 12, 31, 18, 0, tzinfo=dt.timezone.utc)) == (2026, 4)
    assert period_for(dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.timezone.utc)) == (2026, 3)
    assert period_for(dt.date(2026, 7, 5)) == (2026, 2)


_start, _stop = start_session, stop_session


def _group_alive(pgid: int) -> bool:
    for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            if os.getpgid(pid) == pgid:
                return True
        except ProcessLookupError:
            pass
    return False


class _Client(httpx.Client):
    """The test's own API client retries what Prefect's client retries (prefect.client.base:
    429, 502, 503 with backoff): the server answers 503 while its SQLite database is busy, which
    happens under the load of a parallel test run, and a raw client would fail the test on it."""

    def send(self, request: httpx.Request, **kwargs) -> httpx.Response:
        for attempt in range(8):
            response = super().send(request, **kwargs)
            if response.status_code not in (429, 502, 503) or attempt == 7:
                return response
            response.close()
            time.sleep(min(0.5 * 2 ** attempt, 8.0))
        raise AssertionError("unreachable")


def _wait(condition, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        time.sleep(0.5)
    detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{what} not within {timeout} s\n{detail}")


def test_a_run_through_a_prefect_server_work_pool_and_worker(tmp_path):
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    started: list[subprocess.Popen] = []
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(PrefectServer(home=tmp_path / "prefect"))
        env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": server.url,
               "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        stack.callback(lambda: [_stop(p) for p in reversed(started)])
        http = _Client(base_url=server.url, timeout=10)
        _through_a_work_pool(tmp_path, env, http, started)
        _through_sakip_serve(tmp_path, env, http, started)
    for proc in [server.proc, *started]:
        assert not _group_alive(proc.pid), f"{proc.args[:3]} left processes behind"


def _through_a_work_pool(tmp_path: Path, env: dict, http: httpx.Client, started: list) -> None:
    """prefect.yaml deployed to a process work pool; its schedule; a run by a worker."""
    subprocess.run([PREFECT, "work-pool", "create", "sakip", "--type", "process"], env=env, check=True,
                   capture_output=True, timeout=60)
    deploy = subprocess.run([PREFECT, "--no-prompt", "deploy", "--all"], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert deploy.returncode == 0, deploy.stdout[-2000:] + deploy.stderr[-2000:]

    # The schedule as the server computes it for the deployed "terjadwal".
    scheduled = http.get("/deployments/name/sakip-triwulan/terjadwal").json()
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in scheduled["schedules"]] == [(CRON, TIMEZONE)]
    now = dt.datetime.now(WIB)
    # A year ahead: the server's scheduler by itself looks only 100 days ahead.
    http.post(f"/deployments/{scheduled['id']}/schedule", json={
        "min_runs": 4, "end_time": (now + dt.timedelta(days=370)).isoformat()}).raise_for_status()
    runs = http.post("/flow_runs/filter", json={"deployments": {"id": {"any_": [scheduled["id"]]}},
                                                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
                                                "sort": "EXPECTED_START_TIME_ASC", "limit": 4}).json()
    times = [dt.datetime.fromisoformat(r["expected_start_time"]).astimezone(WIB) for r in runs]
    assert times == expected_runs(now, 4)

    worker_log = tmp_path / "worker.log"
    started.append(_start([PREFECT, "worker", "start", "--pool", "sakip", "--limit", "1"], env, worker_log, tmp_path))
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    outputs = tmp_path / "outputs"
    run_id = _run_and_wait(http, "ulang", {
        "year": 2026, "quarter": 2, "inputs": str(inputs), "outputs": str(outputs),
        "templates": str(ROOT / "templates"), "expectations": str(ROOT / "expectations"), "issued": "2026-07-06"},
        worker_log)
    packages = sorted(outputs.glob("2026/TW2/*/latest/paket_*.pdf"))
    assert [p.parent.parent.name for p in packages] == ["PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-SEK"]
    from sakip.pdf import manifest

    assert all(manifest.verify(p).ok for p in packages)
    assert json.loads((outputs / "2026/TW2/ringkasan.json").read_text())["run_id"] == run_id
    task_names = {t["name"] for t in http.post("/task_runs/filter", json={"flow_runs": {"id": {"any_": [run_id]}}}).json()}
    assert {"rencana", "dokumen-instansi"} <= {n.rsplit("-", 1)[0] for n in task_names}
    _stop(started[-1])  # the worker


def _run_and_wait(http: httpx.Client, deployment: str, parameters: dict, log: Path) -> str:
    found = http.get(f"/deployments/name/sakip-triwulan/{deployment}").json()
    created = http.post(f"/deployments/{found['id']}/create_flow_run", json={"parameters": parameters})
    created.raise_for_status()
    run_id = created.json()["id"]

    def finished():
        state = http.get(f"/flow_runs/{run_id}").json()["state"]
        return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

    state = _wait(finished, 400, f"flow run of {deployment}", log)
    assert state["type"] == "COMPLETED", log.read_text(errors="replace")[-3000:]
    return run_id


def _through_sakip_serve(tmp_path: Path, env: dict, http: httpx.Client, started: list) -> None:
    """`sakip serve` registers both deployments for this machine's folders and runs a rerun."""
    outputs = tmp_path / "outputs"
    log = tmp_path / "serve.log"
    # An office uses either a work pool or `sakip serve`; switching means removing the pool's deployments.
    for name in ("terjadwal", "ulang"):
        http.delete(f"/deployments/{http.get(f'/deployments/name/sakip-triwulan/{name}').json()['id']}").raise_for_status()
    started.append(_start([str(Path(sys.executable).with_name("sakip")), "serve", "--inputs", str(tmp_path / "inputs"),
                           "--outputs", str(outputs), "--templates", str(ROOT / "templates"),
                           "--expectations", str(ROOT / "expectations")], env, log, tmp_path))
    served = _wait(lambda: (d := http.get("/deployments/name/sakip-triwulan/ulang").json()).get("parameters", {}).get("outputs")
                   == str(outputs) and d, 60, "sakip serve", log)
    assert served["parameters"]["inputs"] == str(tmp_path / "inputs")
    _run_and_wait(http, "ulang", {"year": 2026, "quarter": 2, "pks": ["PK-SEK"], "force": True, "issued": "2026-07-06"}, log)
    assert os.readlink(outputs / "2026/TW2/PK-SEK/latest") == "rev-02"
    assert sorted(p.name for p in (outputs / "2026/TW2/PK-INSP").glob("rev-*")) == ["rev-01"]
