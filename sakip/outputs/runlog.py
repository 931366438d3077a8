"""The run's log file: what the operator need not read, kept where they can find it.

The console of `sakip run` shows sakip's own lines and the summary, in Indonesian. Everything
else (Prefect's engine lines, the Prefect server's output, warnings of libraries, and the
traceback of any failure that `sakip.isolation` turned into a PK's one-line message) goes to
`outputs/<year>/TW<n>/log/<time>.log`, named in the summary. `--verbose` keeps Prefect's console
lines as well.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from ..formatting import JAKARTA
from .files import make_folder, period_dir, safe_component

LOG_DIR = "log"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# Loggers Prefect gives console handlers of their own (logging.yml) besides the root's.
_CONSOLE_LOGGERS = ("", "uvicorn", "fastapi", "prefect._internal")


def new_path(outputs: Path, year: int, quarter: int, when: dt.datetime | None = None, agency: str | None = None) -> Path:
    """A new log file's path for a run of this period (its folder made); an agency's run of a
    fanned-out period names its agency and machine (workers on several machines write here)."""
    when = when or dt.datetime.now(JAKARTA)
    folder = make_folder(period_dir(outputs, year, quarter) / LOG_DIR)
    tag = f"-{safe_component(agency)}-{safe_component(socket.gethostname())}" if agency is not None else ""
    return folder / f"{when:%Y%m%d-%H%M%S}{tag}-{os.getpid()}.log"


class _LogFile(logging.FileHandler):
    """A log file that never interrupts the run: on a full or read-only disk the record is lost,
    instead of logging's "--- Logging error ---" and a traceback on the operator's console (the
    run's own writes report the disk in Indonesian)."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass


@contextlib.contextmanager
def to_file(path: Path) -> Iterator[Path]:
    """Every log record (sakip's, Prefect's, Python warnings) also goes to `path` while inside."""
    handler = _LogFile(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    targets = [logging.getLogger(name) for name in _CONSOLE_LOGGERS]
    for logger in targets:
        logger.addHandler(handler)
    sakip_logger = logging.getLogger("sakip")
    level = sakip_logger.level
    sakip_logger.setLevel(logging.INFO)
    logging.captureWarnings(True)
    # A library object that fails as it is collected (a zip writer left open when the disk filled)
    # or a thread that dies would print a traceback straight to stderr: the log file takes it.
    hooks = sys.unraisablehook, threading.excepthook
    sys.unraisablehook = _log_unraisable
    threading.excepthook = _log_thread_exception
    try:
        yield path
    finally:
        sys.unraisablehook, threading.excepthook = hooks
        logging.captureWarnings(False)
        sakip_logger.setLevel(level)
        for logger in targets:
            logger.removeHandler(handler)
        try:
            handler.close()
        except OSError:  # the last lines could not be flushed (full disk): the run's own error says so
            pass


def _log_unraisable(unraisable: "sys.UnraisableHookArgs") -> None:
    exc = unraisable.exc_value
    logging.getLogger("sakip.runlog").warning(
        "%s: %s", unraisable.err_msg or "Exception ignored in", repr(unraisable.object)[:200],
        exc_info=(type(exc), exc, unraisable.exc_traceback) if exc is not None else None)


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    logging.getLogger("sakip.runlog").error(
        "thread %s berhenti karena kesalahan", args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback) if args.exc_value is not None else None)


def _is_console(handler: logging.Handler) -> bool:
    return (isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
            and getattr(handler, "stream", None) is not None)


@contextlib.contextmanager
def quiet_console() -> Iterator[None]:
    """No third-party log line on the console while inside (they still reach the log file and,
    for Prefect, its API)."""
    removed: list[tuple[logging.Logger, logging.Handler]] = []
    for name in _CONSOLE_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if _is_console(handler):
                logger.removeHandler(handler)
                removed.append((logger, handler))
    try:
        yield
    finally:
        for logger, handler in removed:
            logger.addHandler(handler)
