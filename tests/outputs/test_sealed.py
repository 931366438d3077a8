"""The pickles sakip keeps between runs are sealed: a planted one is never unpickled."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from sakip.ingest import bacaan
from sakip.outputs import reuse, sealed


class _Planted:
    """Unpickling this writes a file: proof that a planted pickle ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "dijalankan"))


@pytest.fixture
def key(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "kunci" / "kunci-cache"
    monkeypatch.setenv(sealed.ENV_KEY_FILE, str(path))
    return path


def test_round_trip_and_key_kept_private(key):
    blob = sealed.seal({"a": [1, 2]})
    assert sealed.unseal(blob) == {"a": [1, 2]}
    assert key.stat().st_mode & 0o077 == 0, "the key must be readable by this account only"


def test_planted_pickle_is_never_unpickled(key, tmp_path):
    marker = tmp_path / "bukti"
    sealed.seal(0)  # the key exists, as after a first run
    planted = pickle.dumps(_Planted(marker))
    for blob in (planted, b"\0" * sealed.TAG + planted, sealed.seal(1)[: sealed.TAG] + planted):
        assert sealed.unseal(blob) is None
    assert not marker.exists()


def test_another_key_is_a_miss(key, tmp_path, monkeypatch):
    blob = sealed.seal("nilai")
    monkeypatch.setenv(sealed.ENV_KEY_FILE, str(tmp_path / "lain" / "kunci-cache"))
    assert sealed.unseal(blob) is None


def test_tampered_or_truncated_is_a_miss(key):
    blob = bytearray(sealed.seal(("a", 1)))
    blob[-1] ^= 1
    assert sealed.unseal(bytes(blob)) is None
    assert sealed.unseal(bytes(blob[:10])) is None


def test_no_key_keeps_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "berkas"  # a file where the key's folder should be: not even root makes it
    blocker.write_text("x")
    monkeypatch.setenv(sealed.ENV_KEY_FILE, str(blocker / "kunci-cache"))
    assert sealed.seal(1) is None and sealed.unseal(b"\0" * 64) is None


def test_caches_refuse_a_planted_entry(key, tmp_path):
    """Both caches read through the seal: a raw pickle in their place runs nothing."""
    marker = tmp_path / "bukti"
    entry = tmp_path / "entry.pickle"
    entry.write_bytes(pickle.dumps(_Planted(marker)))
    assert bacaan.load(entry) is None
    outputs = tmp_path / "out"
    folder = outputs / "2026" / "TW1"
    folder.mkdir(parents=True)
    (folder / reuse.CACHE_FILE).write_bytes(pickle.dumps(_Planted(marker)))
    assert reuse.read_last(outputs, 2026, 1) is None
    assert not marker.exists()
