"""A `prefect server start` owned by the caller: for `sakip serve` on an office machine that has
no Prefect server of its own, for the benchmark and for the integration test.

Started in a session of its own so that stopping it takes its uvicorn children too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sakip.errors import SakipError

STARTUP_SECONDS = 90


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrefectServer:
    """`with PrefectServer(...) as server:` runs a server on loopback; `server.url` is its API.

    `home` is its PREFECT_HOME (database, logs); None keeps Prefect's default, so that the
    history of an office's runs survives restarts."""

    def __init__(self, home: Path | None = None, port: int | None = None, ui: bool = False) -> None:
        self.home = home
        self.port = port or free_port()
        self.ui = ui
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "PrefectServer":
        env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "PREFECT_UI_ENABLED": "true" if self.ui else "false"}
        if self.home:
            env["PREFECT_HOME"] = str(self.home)
        env.pop("PREFECT_API_URL", None)
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host",
                                      "127.0.0.1", "--port", str(self.port)], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if healthy(self.url):
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
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
