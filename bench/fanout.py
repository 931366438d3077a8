"""The cost of fanning a period out per agency (issue 25): the same period run on one machine
(`sakip run`), and fanned out (`sakip run --sebar`) over 1 and 2 workers of a process work pool,
all against one `prefect server start` on loopback. On a 2-core machine two workers cannot be
faster than one machine; what this measures is the overhead per agency that the scaling model in
README ("Banyak mesin") is built from.

    .venv/bin/python -m bench.fanout --agencies 8 --pks 12
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import generate
from flows.server import PrefectServer

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _start(cmd: list[str], env: dict, log: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=15)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def _run(args: list[str], env: dict, cwd: Path, log: Path) -> float:
    started = time.perf_counter()
    code = subprocess.run([str(BIN / "sakip"), *args], env=env, cwd=cwd, stdout=log.open("wb"),
                          stderr=subprocess.STDOUT).returncode
    if code not in (0, 2):
        raise SystemExit(f"sakip {' '.join(args[:4])} ended {code}; see {log}")
    return round(time.perf_counter() - started, 1)


def measure(agencies: int, pks: int, work: Path) -> dict:
    inputs = work / "inputs"
    generate.generate(inputs, generate.Size(agencies=agencies, pks_per_agency=pks), 2026)
    common = ["run", "2026", "2", "--inputs", str(inputs), "--templates", str(ROOT / "templates"),
              "--expectations", str(ROOT / "expectations"), "--tanggal", "2026-07-10"]
    out: dict = {"agencies": agencies, "pks_per_agency": pks, "cores": os.cpu_count()}
    with PrefectServer(home=work / "prefect") as server:
        env = {**os.environ, "PREFECT_HOME": str(work / "prefect"), "PREFECT_API_URL": server.url,
               "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_WORKER_QUERY_SECONDS": "2"}
        subprocess.run([str(BIN / "prefect"), "work-pool", "create", "sakip", "--type", "process"], env=env,
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "prefect"), "--no-prompt", "deploy", "--all"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        out["one_machine_seconds"] = _run([*common, "--outputs", str(work / "satu")], env, work, work / "satu.log")
        for n in (1, 2):
            workers = []
            for i in range(n):
                home = work / f"w{n}-{i}"
                (home / "tmp").mkdir(parents=True)
                workers.append(_start([str(BIN / "prefect"), "worker", "start", "--pool", "sakip", "--limit", "1"],
                                      {**env, "SAKIP_PEKERJA": f"w{i + 1}", "TMPDIR": str(home / "tmp")},
                                      work / f"w{n}-{i}.log", home))
            try:
                seconds = _run([*common, "--outputs", str(work / f"sebar{n}"), "--sebar"], env, work, work / f"sebar{n}.log")
            finally:
                for w in workers:
                    _stop(w)
            summary = json.loads((work / f"sebar{n}/2026/TW2/ringkasan.json").read_text())
            out[f"fanned_out_{n}_worker_seconds"] = seconds
            out[f"fanned_out_{n}_worker_by_worker"] = sorted({a["pekerja"] for a in summary["instansi_run"].values()})
    one, serial = out["one_machine_seconds"], out["fanned_out_1_worker_seconds"]
    out["overhead_per_agency_seconds"] = round((serial - one) / agencies, 2)
    out["two_workers_over_one"] = round(out["fanned_out_2_worker_seconds"] / serial, 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=8)
    parser.add_argument("--pks", type=int, default=12)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "fanout.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sakip-sebar-") as tmp:
        data = measure(args.agencies, args.pks, Path(tmp))
    args.results.write_text(json.dumps(data, indent=2) + "\n")
    for key, value in data.items():
        print(f"{key:36} {value}")


if __name__ == "__main__":
    main()
