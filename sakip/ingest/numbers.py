"""Numbers typed into cells, read by one rule (`parse_number`) for the whole project: the
workbooks, a planner's number in lkjip.toml, and a template filter's input.

Light on purpose (no pandas or openpyxl): the template filters import it at render time.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import visible
from ..formatting import as_typed, char_name, excel_number, invisible, number
from ..model import Reading, Status

EMPTY_MARKS = {"", "-", "–", "—", "n/a", "na"}
EXCEL_ERRORS = {"#DIV/0!", "#REF!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!"}

_NUMBER_TEXT = re.compile(r"^[+-]?[\d.,]+$")
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
# Thousands separators other than '.' and ',': the spaces Excel and other programs insert (plain,
# no-break U+00A0, narrow no-break U+202F, thin U+2009, figure and punctuation spaces) and the
# apostrophes of the Swiss style (1'234,5). Read only where they group digits by three, which is
# never ambiguous: the '.' or ',' that is left is then the decimal separator.
_GROUP_MARKS = " \u00a0\u202f\u2009\u2007\u2008\u200a\u2002\u2003\u2004\u2005\u2006'\u2019"
_MARK_GROUPED = re.compile(r"^(\d{1,3}(?:(?P<mark>[^\d.,])\d{3})(?:(?P=mark)\d{3})*)([.,]\d+)?$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")
_RUPIAH = re.compile(r"(?i)^([+-]?)\s*rp\.?\s*")
# Bounds of a number a report may print. Rupiah amounts of a unit's form are far below 10^15
# (a province's whole budget is ~10^14), and Excel keeps only 15 significant digits, so nothing
# at or above 10^15 was typed and kept exactly. Below a millionth nothing in a PK is measured.
NUMBER_LIMIT = Decimal(10) ** 15
NUMBER_FLOOR = Decimal("0.000001")
_RANGE = re.compile(r"^\s*([+-]?[\d.,]+)\s*%?\s*(?:-|–|—|s\.?\s*d\.?|sampai)\s*([+-]?[\d.,]+)\s*%?\s*$", re.I)


class Formula(str):
    """A formula found where the file holds no computed value (never recalculated by Excel)."""


def _unsigned_zero(value: Decimal) -> Decimal:
    """0 for -0 (and -0,00): a sign on zero is noise that would print as "-0"."""
    return abs(value) if value.is_zero() else value


def _cell_number(raw: int | float | Decimal) -> Decimal:
    """A numeric cell as a Decimal: a float at Excel's 15 significant digits, the precision the
    official saw (0.1 + 0.2 is 0,3 on screen, not 0.30000000000000004)."""
    if isinstance(raw, float):
        return Decimal(format(raw, ".15g"))
    return Decimal(raw)


def _tidy(value: Decimal) -> Decimal:
    """Trailing zeros dropped without exponent notation (100, not 1E+2); a number too large for
    that is left as it is (magnitude_problem refuses it)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) if value.adjusted() < 20 else value
    return value.normalize()


def parse_number(raw: Any, satuan: str = "", percent_cell: bool = False) -> Reading:
    """Read a cell that should hold a number, by one documented rule.

    * Numeric cells are taken as they are (a cell formatted as a percentage holds 0,55 for
      55 %, so it is scaled by 100); a float at the 15 significant digits Excel keeps.
    * Text is read the Indonesian way first: "1.234,5" and "4,25"; a lone "." followed by other
      than three digits is a decimal point ("78.95" is 78,95); "1,234.5" (English) is accepted.
    * Spaces of any width and apostrophes group thousands where they group by three ("1 234,5",
      "1\u202f234", "1'234.5"); "Rp" before and "%" or the Rupiah ",-" after are allowed.
    * A lone "." or "," followed by exactly three digits ("1.234", "144.000") is ambiguous and is
      reported, never guessed, except for Rupiah where it can only be thousands.
    * "", "-", "n/a" mean missing; Excel errors (#DIV/0!, #REF!) and formulas without a
      computed value are reported as such.
    * Never read as a number: a date or time (a cell Excel formats as a date), TRUE/FALSE,
      scientific notation typed as text ("1,5E+11": what Excel's CSV export writes for a number
      it has already rounded), text holding an invisible character (a right-to-left override
      shows "5,78" as "87,5"). Their text is quoted as the official sees it.
    * -0 is 0.
    """
    if raw is None:
        return Reading(None, Status.EMPTY, "")
    if isinstance(raw, Formula):
        return Reading(None, Status.FORMULA, str(raw),
                       "rumus ini belum pernah dihitung; buka berkas di Excel lalu simpan ulang, atau isi angkanya langsung")
    if isinstance(raw, bool):
        return Reading(None, Status.TEXT, as_typed(raw), "sel berisi nilai logika TRUE/FALSE, bukan angka")
    if isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        return Reading(None, Status.TEXT, as_typed(raw),
                       "sel berformat tanggal/waktu; ubah format sel menjadi Number/General lalu ketik ulang angkanya")
    if isinstance(raw, (int, float, Decimal)):
        value = _cell_number(raw)
        text = as_typed(raw)
        if percent_cell and value.is_finite():
            value = _tidy(value * 100)
            text = f"{excel_number(value)}%"
        return Reading(_unsigned_zero(value) if value.is_finite() else value, Status.NUMBER, text)
    text = str(raw).strip()
    if hidden := [ch for ch in text if invisible(ch)]:
        return Reading(None, Status.TEXT, visible(text),
                       f"memuat karakter tak terlihat {', '.join(char_name(ch) for ch in dict.fromkeys(hidden))}")
    if text.upper() in EXCEL_ERRORS:
        return Reading(None, Status.EXCEL_ERROR, text, "hasil rumus Excel berupa galat; perbaiki rumusnya atau isi angkanya langsung")
    if text.lower() in EMPTY_MARKS:
        return Reading(None, Status.EMPTY, text)
    return _number_text(text, satuan)


def _number_text(text: str, satuan: str) -> Reading:
    """A number typed as text (see parse_number)."""
    core = _RUPIAH.sub(r"\1", text.replace("\u2212", "-"))  # U+2212: the minus sign of word processors
    core = re.sub(r"^([+-])\s+", r"\1", re.sub(r"\s*%$", "", core))
    unit = (satuan or "").lower()
    is_rupiah = bool(_RUPIAH.match(text)) or "rp" in unit or "rupiah" in unit
    decimal_sep = ""
    if core.endswith((",-", ".-")):  # "Rp 5.000,-": the Rupiah's "no cents"
        decimal_sep, core = core[-2], core[:-2]
    sign = "-" if core.startswith("-") else ""
    digits = core.lstrip("+-")
    if _SCIENTIFIC.match(core):
        return Reading(None, Status.TEXT, text, "angka ditulis dalam notasi ilmiah (E); tulis angka lengkapnya")
    if any(ch in _GROUP_MARKS for ch in digits):
        return _mark_grouped(text, sign, digits, decimal_sep)
    if not digits or not _NUMBER_TEXT.match(digits):
        return Reading(None, Status.TEXT, text)
    dots, commas = digits.count("."), digits.count(",")
    if decimal_sep:
        thousands = "." if decimal_sep == "," else ","
        if digits.count(decimal_sep) or (thousands in digits and not _GROUPED.match(digits)):
            return Reading(None, Status.TEXT, text)
        normal = digits.replace(thousands, "")
    elif dots and commas:
        decimal_sep = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        whole, _, frac = digits.rpartition(decimal_sep)
        if digits.count(decimal_sep) > 1 or not _GROUPED.match(whole) and thousands in whole:
            return Reading(None, Status.TEXT, text)
        normal = whole.replace(thousands, "") + "." + frac
    elif dots + commas == 0:
        normal = digits
    else:
        sep = "." if dots else ","
        if dots + commas > 1:
            if not _GROUPED.match(digits):
                return Reading(None, Status.TEXT, text)
            normal = digits.replace(sep, "")
        else:
            whole, _, frac = digits.partition(sep)
            if len(frac) == 3 and whole not in ("", "0"):
                if not is_rupiah:
                    return Reading(
                        None, Status.AMBIGUOUS, text,
                        f"'{text}' bisa dibaca {whole}{frac} (ribuan) atau {whole},{frac} (desimal)",
                    )
                normal = whole + frac
            else:
                normal = whole + "." + frac
    try:
        value = Decimal(sign + normal)
    except InvalidOperation:
        return Reading(None, Status.TEXT, text)
    return Reading(_unsigned_zero(value), Status.NUMBER_TEXT, text)


def _mark_grouped(text: str, sign: str, digits: str, decimal_sep: str) -> Reading:
    """Digits grouped by a space or an apostrophe: read only when every group has three digits
    and one mark is used throughout; the '.' or ',' left is the decimal separator."""
    found = _MARK_GROUPED.match(digits)
    if not found or found.group("mark") not in _GROUP_MARKS or (decimal_sep and found.group(3)):
        return Reading(None, Status.TEXT, text)
    whole, frac = found.group(1).replace(found.group("mark"), ""), found.group(3)
    value = Decimal(sign + whole + ("." + frac[1:] if frac else ""))
    return Reading(_unsigned_zero(value), Status.NUMBER_TEXT, text)


def magnitude_problem(value: Decimal) -> str | None:
    """Why a number cannot be taken into a report, or None: not finite, at or above
    NUMBER_LIMIT, or not zero yet below NUMBER_FLOOR."""
    if not value.is_finite():
        return "bukan angka yang sah (tak hingga atau NaN)"
    if abs(value) >= NUMBER_LIMIT:
        return (f"terlalu besar untuk isian laporan (batas: di bawah {number(NUMBER_LIMIT)}, 10^15; Excel pun hanya "
                "menyimpan 15 angka penting); periksa apakah ada angka yang terulang atau salah ketik")
    if value and abs(value) < NUMBER_FLOOR:
        return (f"terlalu kecil untuk isian laporan (bukan nol, tetapi di bawah {number(NUMBER_FLOOR, 6)}); periksa "
                "desimalnya, atau tulis 0 bila memang nol")
    return None


def parse_range(text: str) -> tuple[Decimal, Decimal] | None:
    """'70-80', '70 – 80', '70 s.d. 80', '70,5-80 %' as inclusive (low, high); None if not a range.
    Each bound is read by `parse_number`."""
    m = _RANGE.match(text or "")
    if not m:
        return None
    low, high = (parse_number(g).value for g in m.groups())
    if low is None or high is None or low > high:
        return None
    return low, high


def range_of(reading: Reading) -> tuple[Decimal, Decimal] | None:
    """The bounds of a target cell the number rule read as text because it holds a range
    ("70-80"), else None: what ingest keeps as ``<field>_rentang`` for capaian."""
    return parse_range(reading.text) if reading.status == Status.TEXT else None
