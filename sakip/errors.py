"""One hierarchy for every failure an operator, planner or official can act on.

Messages are in Indonesian because the people who read them are officials; the CLI boundary
(`sakip.cli.main`) prints ``str(error)`` as one line and shows a traceback only with --verbose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def visible(text: str) -> str:
    """`text` with every character that does not show as itself (controls, format characters,
    line separators, spaces other than the plain space) written as <U+XXXX>.

    Names and values in messages come from submitted files (a zip member, a sheet name, a file
    name on Linux may hold a newline or a right-to-left override); a message must stay one line
    and show what is really there.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else f"<U+{ord(ch):04X}>" for ch in text)


@dataclass(frozen=True)
class Location:
    """Where a value came from: file, sheet and cell (sheet/cell empty when not applicable)."""

    file: str
    sheet: str = ""
    cell: str = ""

    def __str__(self) -> str:
        parts = [visible(self.file)]
        if self.sheet:
            parts.append(f"sheet '{visible(self.sheet)}'")
        if self.cell:
            parts.append(f"sel {self.cell}")
        return ", ".join(parts)


class SakipError(Exception):
    """Base of every error sakip reports to a user."""


class InputError(SakipError):
    """An input file (workbook, CSV, TOML) is unreadable or does not follow the contract."""

    def __init__(self, location: Location, message: str) -> None:
        self.location = location
        self.message = visible(message)
        super().__init__(f"{location}: {self.message}")

    def __reduce__(self):  # crosses process boundaries when workbooks are read in parallel
        return type(self), (self.location, self.message)


class ConfigError(SakipError):
    """instansi.toml (or another configuration file) is invalid."""


class SuiteError(SakipError):
    """An expectation suite in expectations/ cannot be loaded as written."""


class TemplateError(SakipError):
    """A Word template cannot be rendered (syntax error, unknown field, forbidden access)."""


class ConversionError(SakipError):
    """LibreOffice did not produce a usable PDF for a document."""


class RetryableConversionError(ConversionError):
    """LibreOffice hung or crashed on some documents of a batch; the rest of the batch is done and
    a retry redoes only the PKs named in `failed` (PK -> message); `done` holds the outcome of the
    others (PK -> package path, or why there is none)."""

    def __init__(self, failed: dict[str, str], done: dict | None = None) -> None:
        self.failed = failed
        self.done = done or {}
        super().__init__(f"konversi {len(failed)} PK terhenti ({', '.join(failed)}): " + next(iter(failed.values()), ""))

    def __reduce__(self):
        return type(self), (self.failed, self.done)


class StorageError(SakipError):
    """A folder sakip must write to is full, read-only, not writable or gone; nothing was left
    half-written. `folder` is the folder named in the message, `errno` the system's code."""

    def __init__(self, message: str, folder: Path | None = None, code: int | None = None) -> None:
        self.folder = folder
        self.errno = code
        super().__init__(message)

    def __reduce__(self):  # crosses process and Prefect task boundaries
        return type(self), (str(self), self.folder, self.errno)


class PackageError(SakipError):
    """A PDF package cannot be assembled or would overwrite a signed package."""


class VerifyError(SakipError):
    """A package cannot be checked (missing, or its manifest is missing or unreadable)."""


class SigningError(SakipError):
    """A package cannot be signed: wrong passphrase or certificate, unknown or filled field."""
