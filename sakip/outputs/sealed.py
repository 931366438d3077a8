"""Pickles that sakip keeps between runs (the readings cache, the last verdicts), sealed with an
HMAC under a key kept outside outputs/.

Whoever can write into an outputs folder (a shared drive, an office account) could otherwise
plant a pickle that runs code in the next run. A sealed entry whose tag does not match is a
cache miss, exactly like a damaged one: the run reads and checks again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

TAG = hashlib.sha256().digest_size
ENV_KEY_FILE = "SAKIP_CACHE_KEY_FILE"


def key_file() -> Path:
    """The key's file: $SAKIP_CACHE_KEY_FILE, else the user's cache folder (never outputs/)."""
    if os.environ.get(ENV_KEY_FILE):
        return Path(os.environ[ENV_KEY_FILE])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "sakip" / "kunci-cache"


_KEYS: dict[Path, bytes] = {}  # read once per process: a run seals and unseals once per workbook


def _key() -> bytes | None:
    """The key, made on first use (readable by this account only); None when it cannot be kept."""
    path = key_file()
    if path in _KEYS:
        return _KEYS[path]
    key = _made(path)
    if key is not None:
        _KEYS[path] = key
    return key


def _made(path: Path) -> bytes | None:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    except FileExistsError:  # another run made it meanwhile
        pass
    except OSError:
        return None
    try:
        return _read(path)
    except OSError:
        return None


def _read(path: Path) -> bytes | None:
    data = path.read_bytes()
    return data if len(data) == 32 else None


def seal(value: Any) -> bytes | None:
    """`value` pickled and sealed; None when no key can be kept (the caller then keeps nothing)."""
    key = _key()
    if key is None:
        return None
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return hmac.new(key, data, hashlib.sha256).digest() + data


def unseal(blob: bytes) -> Any | None:
    """The value sealed in `blob` under this machine's key, or None (another key, planted,
    truncated, or a class since renamed). Nothing is unpickled before the tag matches."""
    key = _key()
    if key is None or len(blob) < TAG:
        return None
    tag, data = blob[:TAG], blob[TAG:]
    if not hmac.compare_digest(tag, hmac.new(key, data, hashlib.sha256).digest()):
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a miss, never a failed run
        return None
