"""The cost of fanning a period out per agency (issue 25): the same period run on one machine
(`sakip run`), and fanned out (`sakip run --sebar`) over 1 and 2 workers of a process work pool,
against a `prefect server start` on loopback, its database SQLite and then PostgreSQL. On a
2-core machine two workers cannot be faster than one machine; what this measures is what the
scaling model in README ("A Prefect server, a work pool and workers") is built from: the overhead
of fan-out per agency, the server's CPU time per agency (which bounds how many workers one server
feeds) and the database's growth per agency.

    .venv/bin/python -m bench.fanout --agencies 8 --pks 12
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import generate
from flows.server import PostgresCluster, PrefectServer, start_session, stop_session

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(args: list[str], env: dict, cwd: Path, log: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds of `sakip ...` and everything it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    code = subprocess.run([str(BIN / "sakip"), *args], env=env, cwd=cwd, stdout=log.open("wb"),
                          stderr=subprocess.STDOUT).returncode
    if code not in (0, 2):
        raise SystemExit(f"sakip {' '.join(args[:4])} ended {code}; see {log}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return round(time.perf_counter() - started, 1), round(cpu, 1)


def _group_cpu(sid: int) -> float:
    """CPU seconds of session `sid`: its live processes and the children they reaped (a Prefect
    server started in a session of its own; a PostgreSQL postmaster, which pg_ctl detaches into
    one, and its backends)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # field 6 of stat: session id
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / tick


def _database_bytes(home: Path, pg: PostgresCluster | None) -> int:
    if pg is not None:
        return int(pg.query("select pg_database_size('prefect')"))
    return sum(f.stat().st_size for f in home.glob("prefect.db*"))


def _fan_out(work: Path, common: list[str], database: str, agencies: int, out: dict) -> None:
    home = work / f"prefect-{database}"
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(PostgresCluster()) if database == "postgresql" else None
        server = stack.enter_context(PrefectServer(home=home, database_url=pg.url if pg else None))
        env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": server.url,
               "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_WORKER_QUERY_SECONDS": "2"}
        subprocess.run([str(BIN / "prefect"), "work-pool", "create", "sakip", "--type", "process"], env=env,
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "prefect"), "--no-prompt", "deploy", "--all"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        sessions = [server.proc.pid] + ([int((pg.dir / "data/postmaster.pid").read_text().split()[0])] if pg else [])
        for n in (1, 2):
            workers = []
            for i in range(n):
                wdir = work / f"{database}-w{n}-{i}"
                (wdir / "tmp").mkdir(parents=True)
                workers.append(start_session([str(BIN / "prefect"), "worker", "start", "--pool", "sakip", "--limit", "1"],
                                      {**env, "SAKIP_PEKERJA": f"w{i + 1}", "TMPDIR": str(wdir / "tmp")},
                                      work / f"{database}-w{n}-{i}.log", wdir))
            time.sleep(5)  # the workers polling: their start is not the period's time
            server_cpu = sum(_group_cpu(sid) for sid in sessions)
            db = _database_bytes(home, pg)
            outputs = work / f"{database}-sebar{n}"
            try:
                seconds, cpu = _run([*common, "--outputs", str(outputs), "--sebar"], env, work,
                                    work / f"{database}-sebar{n}.log")
            finally:
                worker_cpu = sum(_group_cpu(w.pid) for w in workers)
                for w in workers:
                    stop_session(w)
            key = f"{database}_{n}_worker"
            out[f"{key}_seconds"] = seconds
            out[f"{key}_server_cpu_seconds"] = round(sum(_group_cpu(sid) for sid in sessions) - server_cpu, 1)
            out[f"{key}_workers_cpu_seconds"] = round(worker_cpu, 1)
            out[f"{key}_parent_cpu_seconds"] = cpu
            out[f"{key}_database_bytes"] = _database_bytes(home, pg) - db
            summary = json.loads((outputs / "2026/TW2/ringkasan.json").read_text())
            out[f"{key}_by"] = sorted({a["pekerja"] for a in summary["instansi_run"].values()})
            out[f"{key}_parent_stages"] = summary.get("durasi_detik", {})
        out[f"{database}_overhead_per_agency_seconds"] = round(
            (out[f"{database}_1_worker_seconds"] - out["one_machine_seconds"]) / agencies, 2)
        out[f"{database}_server_cpu_per_agency_seconds"] = round(
            out[f"{database}_1_worker_server_cpu_seconds"] / agencies, 2)
        out[f"{database}_two_workers_over_one"] = round(
            out[f"{database}_2_worker_seconds"] / out[f"{database}_1_worker_seconds"], 3)


def measure(agencies: int, pks: int, work: Path, databases: list[str]) -> dict:
    inputs = work / "inputs"
    generate.generate(inputs, generate.Size(agencies=agencies, pks_per_agency=pks), 2026)
    common = ["run", "2026", "2", "--inputs", str(inputs), "--templates", str(ROOT / "templates"),
              "--expectations", str(ROOT / "expectations"), "--tanggal", "2026-07-10"]
    out: dict = {"agencies": agencies, "pks_per_agency": pks, "cores": os.cpu_count()}
    # one machine, its own temporary server, as an operator runs it
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(work / "prefect-satu")
    out["one_machine_seconds"], out["one_machine_cpu_seconds"] = _run([*common, "--outputs", str(work / "satu")], env,
                                                                      work, work / "satu.log")
    out["one_machine_per_agency_seconds"] = round(out["one_machine_seconds"] / agencies, 2)
    out["outputs_bytes_per_agency"] = sum(f.stat().st_size for f in (work / "satu").rglob("*") if f.is_file()) // agencies
    for database in databases:
        _fan_out(work, common, database, agencies, out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=8)
    parser.add_argument("--pks", type=int, default=12)
    parser.add_argument("--database", action="append", choices=["sqlite", "postgresql"],
                        help="the server's database (both unless given)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "fanout.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sakip-sebar-") as tmp:
        data = measure(args.agencies, args.pks, Path(tmp), args.database or ["sqlite", "postgresql"])
    args.results.write_text(json.dumps(data, indent=2) + "\n")
    for key, value in data.items():
        print(f"{key:36} {value}")


if __name__ == "__main__":
    main()
