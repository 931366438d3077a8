"""Helpers that never outlive the run that started them.

A `kill -9` of `sakip run` gives the run no chance to stop what it started: the Prefect server
it owns (~200 MB), the Great Expectations child. The kernel can: a child started with
`die_with_parent` as its `preexec_fn` gets SIGKILL when its parent dies (Linux
PR_SET_PDEATHSIG). That signal follows the parent *thread*, so a child started from a thread
that ends early (a pool's) watches its parent's pid instead (`watch_parent`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 1.0


def die_with_parent() -> Callable[[], None]:
    """A `preexec_fn` for subprocess.Popen (call it in the parent: it captures the parent's pid)."""
    parent = os.getpid()

    def arm() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # not Linux: the parent's cleanup is all there is
            return
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm


def watch_parent(parent: int) -> None:
    """In a child process: exit at once when `parent` is no longer our parent (it died)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="sakip-lifeline", daemon=True).start()
