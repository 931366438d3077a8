"""Types shared by the stages: parsed cell values and findings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from .errors import Location


class Status(StrEnum):
    """How a cell that should hold a number was read (values are the names suites test)."""

    NUMBER = "angka"  # a numeric cell
    NUMBER_TEXT = "angka_teks"  # text that reads unambiguously as a number ("87,5")
    EMPTY = "kosong"  # "", "-", "n/a"
    TEXT = "teks"  # words: a qualitative value, or a mistake in a numeric field
    AMBIGUOUS = "ambigu"  # "1.234": thousands or decimals? never guessed
    EXCEL_ERROR = "galat_excel"  # #DIV/0!, #REF!, ...
    FORMULA = "rumus_tanpa_nilai"  # a formula the file holds no computed value for


@dataclass(frozen=True)
class Reading:
    value: Decimal | None
    status: Status
    text: str  # the cell as the official wrote it, for messages and qualitative values
    note: str = ""


Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One thing the paraf step tells a unit: where, what was found, what is expected."""

    pk: str
    severity: Severity
    location: Location
    value: str
    message: str
    fix: str
    check: str = ""  # suite.expectation id (or stage.check) that produced it
    expected: str = ""  # what the check expects, in the official's words

    @property
    def label(self) -> str:
        return "Galat" if self.severity == "error" else "Peringatan"


# The report's initial (paraf) cell for the checker named in instansi.toml.
REPORT_PARAF_FIELD = "paraf_laporan"


def signature_marker(field_name: str) -> str:
    """Invisible text a template puts where a signature field goes; the package step finds it.

    Kept alphanumeric so that PDF text extraction returns it intact.
    """
    return "SAKIPMARK" + field_name.upper().replace("_", "")


# The one rule for a realisasi cell of a quarter that has a target but no realisasi yet. The form's
# Petunjuk and cell messages, inputs/README.md and the paraf's finding (expectations/realisasi.json,
# "realisasi_terisi") all say exactly this; tests/documents/test_forms.py compares them. An empty cell is
# refused rather than read as 0 because it cannot tell "none yet" from "forgotten". At most 170
# characters: Excel takes an input message of 255 characters and an error alert of 225, and the
# form puts a sentence of its own before the rule in each.
REALISASI_BELUM_ADA = ("Belum ada realisasi padahal ada target triwulan ini? Tulis 0 (kualitatif: nilai yang berlaku "
                       "saat ini) dan jelaskan di kolom Kendala. Sel kosong atau '-' dikembalikan.")
