"""A `prefect server start` owned by the caller: for `sakip serve` on an office machine that has
no Prefect server of its own, for the benchmark and for the integration test.

Started in a session of its own so that stopping it takes its uvicorn children too.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from datetime import timedelta
from pathlib import Path

from sakip.errors import SakipError
from sakip.lifeline import die_with_parent

STARTUP_SECONDS = 90


def healthy(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as answer:
            return answer.status == 200
    except OSError:
        return False


DEFAULT_API = "http://127.0.0.1:4200/api"  # Prefect's default address, where `sakip serve` starts its own
REUSE_TIMEOUT = 0.5  # a server on loopback answers /health in milliseconds; a closed port refuses at once


def profile_api_url() -> str | None:
    """PREFECT_API_URL of Prefect's active profile (PREFECT_PROFILE, else the one profiles.toml
    marks active), read from the file: importing Prefect to ask would fix its settings."""
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    try:
        with (home / "profiles.toml").open("rb") as fh:
            profiles = tomllib.load(fh)
    except (OSError, ValueError):
        return None
    name = os.environ.get("PREFECT_PROFILE") or profiles.get("active")
    url = profiles.get("profiles", {}).get(name, {}).get("PREFECT_API_URL") if isinstance(name, str) else None
    return url if isinstance(url, str) and url else None


def running_server() -> str | None:
    """The API of a Prefect server already running for this machine's user: the active
    profile's, else one at Prefect's default address (`sakip serve`, `prefect server start`).
    None when none answers /health within REUSE_TIMEOUT: the run then starts its own."""
    for url in dict.fromkeys(filter(None, (profile_api_url(), DEFAULT_API))):
        if healthy(url.rstrip("/"), timeout=REUSE_TIMEOUT):
            return url.rstrip("/")
    return None


def answers(url: str, proc: subprocess.Popen) -> bool:
    """Whether the server started as `proc` answers at `url` within STARTUP_SECONDS (False at
    once when it exited)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if healthy(url):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_session(cmd: list[str], env: dict, log: Path, cwd: Path) -> subprocess.Popen:
    """`cmd` in a session of its own, its output in `log`: stopping it (stop_session) takes its
    children too (a worker's flow-run processes, uvicorn). For the tests and the benchmark."""
    return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop_session(proc: subprocess.Popen) -> None:
    """SIGTERM to the session's group, SIGKILL after 15 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
            time.sleep(0.5)  # let the group's other members go
            return
        except subprocess.TimeoutExpired:
            continue


class PrefectServer:
    """`with PrefectServer(...) as server:` runs a server on loopback; `server.url` is its API.

    `home` is its PREFECT_HOME (database, logs); None keeps Prefect's default, so that the
    history of an office's runs survives restarts."""

    def __init__(self, home: Path | None = None, port: int | None = None, ui: bool = False,
                 database_url: str | None = None) -> None:
        self.home = home
        self.port = port or free_port()
        self.ui = ui
        self.database_url = database_url  # None: Prefect's SQLite file in `home`
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "PrefectServer":
        env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "PREFECT_UI_ENABLED": "true" if self.ui else "false"}
        if self.home:
            env["PREFECT_HOME"] = str(self.home)
        if self.database_url:
            env["PREFECT_API_DATABASE_CONNECTION_URL"] = self.database_url
        env.pop("PREFECT_API_URL", None)
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host",
                                      "127.0.0.1", "--port", str(self.port)], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        if answers(self.url, self.proc):
            return self
        self.__exit__()
        raise SakipError(f"server Prefect di 127.0.0.1:{self.port} tidak siap dalam {STARTUP_SECONDS} detik "
                         f"(port sudah dipakai? coba `prefect server start` untuk melihat galatnya)")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()


class PostgresCluster:
    """`with PostgresCluster() as pg:` runs a private PostgreSQL cluster (Debian's postgresql
    binaries) on a free loopback port, with a database `prefect` and trust authentication for
    loopback only; `pg.url` is the URL for PREFECT_API_DATABASE_CONNECTION_URL. For the tests and
    the benchmark: an office uses its system cluster (README, "Server Prefect di PostgreSQL").

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user that
    Debian's package creates, in a folder of its own under the temporary folder."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"postgresql+asyncpg://prefect@127.0.0.1:{self.port}/prefect"
        self.dir: Path | None = None
        self._as: list[str] = []

    @staticmethod
    def bin_dir() -> Path | None:
        """The newest installed server's binaries (/usr/lib/postgresql/<major>/bin), or None."""
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
        return found[-1].parent if found else None

    def _run(self, *cmd: str) -> None:
        done = subprocess.run([*self._as, *cmd], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        if done.returncode:
            raise SakipError(f"PostgreSQL: {' '.join(cmd[:2])} gagal: {(done.stderr or done.stdout).strip()[-300:]}")

    def __enter__(self) -> "PostgresCluster":
        binaries = self.bin_dir()
        if binaries is None:
            raise SakipError("PostgreSQL belum terpasang (Debian: apt-get install postgresql)")
        self.dir = Path(tempfile.mkdtemp(prefix="sakip-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        data = self.dir / "data"
        try:
            self._run(str(binaries / "initdb"), "-D", str(data), "-U", "prefect", "--auth=trust", "-E", "UTF8",
                      "--no-sync")
            # loopback TCP only; the socket in the cluster's own folder, not /var/run/postgresql
            self._run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "server.log"), "-w", "-o",
                      f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off", "start")
            self._run(str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "prefect", "prefect")
        except BaseException:
            self.__exit__()
            raise
        return self

    def query(self, sql: str) -> str:
        """One value from psql (tests check that the server's rows are here, not in SQLite)."""
        binaries = self.bin_dir()
        assert binaries is not None
        done = subprocess.run([*self._as, str(binaries / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                               "prefect", "-d", "prefect", "-tAc", sql], capture_output=True, text=True, timeout=60,
                              check=True)
        return done.stdout.strip()

    def __exit__(self, *exc: object) -> None:
        if self.dir is None:
            return
        binaries = self.bin_dir()
        if binaries and (self.dir / "data" / "postmaster.pid").exists():
            subprocess.run([*self._as, str(binaries / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                            "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None


class RunServer:
    """The Prefect API of one `sakip run`, like Prefect's own temporary server, but owned: its
    output goes to the run's log file instead of the operator's console (a SQLAlchemy traceback
    printed while it stops included), and it dies with the run even on `kill -9`
    (sakip.lifeline), where Prefect's temporary server was left behind."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "RunServer":
        """Start it (returns at once; `wait` waits until it answers)."""
        # Only Prefect's location (importing it here would fix its settings before PREFECT_API_URL is set).
        spec = importlib.util.find_spec("prefect")
        assert spec and spec.origin
        env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent), "--factory",
                 "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                 "--log-level", "error", "--lifespan", "on"],
                env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out, preexec_fn=die_with_parent())
        return self

    def wait(self) -> None:
        if self.proc is not None and answers(self.url, self.proc):
            return
        self.stop()
        raise SakipError(f"server Prefect untuk run ini tidak menyala dalam {STARTUP_SECONDS} detik; "
                         f"lihat {self.log}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> "RunServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def drain_prefect(timeout: float = 5.0) -> None:
    """Send what Prefect still queues for its API (logs, events) before the run's server stops:
    otherwise its workers print "Error logging to API" on the console after the summary."""
    # lazy: Prefect reads PREFECT_API_URL when imported, and RunServer (in this module) sets it
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=timeout)
        except Exception:  # noqa: BLE001 - a run already finished; what is lost here is only UI logs
            logging.getLogger("sakip").warning("antrean %s tidak terkirim", worker.__name__, exc_info=True)


# ---------------------------------------------------------------- runs whose machine died
#
# A worker killed, or its machine gone, leaves its flow run "Running" on the server for ever, and
# the fanned-out period waiting on it. Prefect's answer (docs: "detect zombie flows") is heartbeat
# events from each run (PREFECT_FLOWS_HEARTBEAT_FREQUENCY, set for the agency deployment in
# prefect.yaml) and an automation that marks a run whose heartbeats stopped Crashed; the period's
# run then submits that agency again, to whichever worker is alive.

CRASH_AUTOMATION = "sakip: run tanpa detak jantung ditandai Crashed"
HEARTBEAT_SECONDS = 30  # Prefect's minimum
SILENCE_SECONDS = 3 * HEARTBEAT_SECONDS


def ensure_crash_detection(silence: float = SILENCE_SECONDS) -> bool:
    """Create the automation on the server the caller talks to, unless one by its name is there.
    Returns whether it was created."""
    # This module must not import Prefect, which fixes its settings when imported (sakip run
    # sets PREFECT_API_URL after importing this module).
    from prefect.automations import Automation  # lazy: Prefect's settings, see above
    from prefect.client.schemas.objects import StateType  # lazy: as above
    from prefect.events.actions import ChangeFlowRunState  # lazy: as above
    from prefect.events.schemas.automations import EventTrigger, Posture  # lazy: as above
    from prefect.events.schemas.events import ResourceSpecification  # lazy: as above

    try:
        Automation.read(name=CRASH_AUTOMATION)
        return False
    except ValueError:  # none by that name
        pass
    Automation(
        name=CRASH_AUTOMATION,
        description="Menandai Crashed run yang berhenti mengirim heartbeat (mesin pekerja mati); "
                    "run periode yang disebar lalu mengulang instansinya di pekerja lain.",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", "prefect.flow-run.Completed", "prefect.flow-run.Failed",
                    "prefect.flow-run.Cancelled", "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=silence),
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED,
                                    message="Tidak ada heartbeat: pekerja atau mesinnya berhenti")],
    ).create()
    return True
