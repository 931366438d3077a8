"""`sakip run` uses a Prefect server that is already running instead of starting its own."""

from __future__ import annotations

import http.server
import threading

import pytest

from flows import server


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def answering():
    """A real HTTP server on loopback answering /api/health as Prefect's does: its API URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/api"
    httpd.shutdown()
    httpd.server_close()


def test_the_active_profiles_server_is_used_when_it_answers(tmp_path, monkeypatch, answering):
    (tmp_path / "profiles.toml").write_text(
        f'active = "kantor"\n[profiles.kantor]\nPREFECT_API_URL = "{answering}/"\n[profiles.lain]\n', encoding="utf-8")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setattr(server, "DEFAULT_API", f"http://127.0.0.1:{server.free_port()}/api")
    assert server.profile_api_url() == f"{answering}/"
    assert server.running_server() == answering
    monkeypatch.setenv("PREFECT_PROFILE", "lain")  # a profile without a server: nothing to reuse
    assert server.profile_api_url() is None and server.running_server() is None


def test_the_default_address_is_used_and_nothing_answering_means_none(tmp_path, monkeypatch, answering):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))  # no profiles.toml
    monkeypatch.setattr(server, "DEFAULT_API", answering)
    assert server.running_server() == answering
    monkeypatch.setattr(server, "DEFAULT_API", f"http://127.0.0.1:{server.free_port()}/api")
    assert server.running_server() is None
