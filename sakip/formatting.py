"""Indonesian presentation of numbers, dates, quarters and NIPs (thousands '.', decimals ','),
of capaian's results (a figure, a capaian, a PK's range: the one place they become text), and
of values taken from submitted cells: as the official sees them, and only what may be printed.

babel is imported where a number or date is formatted: readers and the CLI's start import this
module for its constants and cell helpers without paying for babel's locale data.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # capaian imports this module; its result types are only named here
    from .capaian.rules import Figure, PKResult, Result

LOCALE = "id_ID"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
TWO_PLACES = Decimal("0.01")


def _quantize(value: Decimal, exponent: Decimal) -> Decimal:
    """`value` rounded half up to `exponent`'s place, with the precision that takes: the default
    28 digits make quantize raise InvalidOperation for a large value (a capaian of 10^27 %), and
    formatting must never stop a report."""
    if not value.is_finite():
        return value
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() - exponent.as_tuple().exponent + 2)
        return value.quantize(exponent, rounding=ROUND_HALF_UP)


def round2(value: Decimal) -> Decimal:
    """Round half-up to two decimals, as the printed report shows it."""
    return _quantize(value, TWO_PLACES)


def number(value: Decimal | int | None, places: int | None = None) -> str:
    """'1.234,5' style; with `places` a fixed number of decimals; None prints as '-'.

    Without `places`, the one rule for every figure a document prints: at most two decimals,
    half up, trailing zeros dropped (25, 21,75, 94,33 for a mean of 94,3333...), the precision
    capaian is printed and judged at (`round2`). A message about what a cell holds uses
    `written` instead.

    Never '-0' or '-0,00': a negative value that rounds to zero is printed as zero (a signed
    document showing "-0" makes a reader ask what was lost).
    """
    return _number(value, places, 2)


def written(value: Decimal | int | None) -> str:
    """A number as the official wrote it, for a message about their cell ("tertulis 0,875"):
    every decimal up to four (beyond, a float cell's binary noise), trailing zeros dropped.
    Rounding it to two decimals would quote them wrongly."""
    return _number(value, None, 4)


def _number(value: Decimal | int | None, places: int | None, most: int) -> str:
    from babel.numbers import format_decimal  # lazy: see the module's doc

    if value is None:
        return "-"
    d = Decimal(value)
    if places is None:
        # Rounded here, half up, because babel would round half to even.
        d = _quantize(d, Decimal(1).scaleb(-most)) if d.is_finite() and d.as_tuple().exponent < -most else d
        pattern = "#,##0." + "#" * most
    else:
        d = _quantize(d, Decimal(1).scaleb(-places))
        pattern = "#,##0." + "0" * places if places else "#,##0"
    if not d.is_finite():
        return "tak hingga" if d.is_infinite() else "-"
    if d.is_zero():
        d = abs(d)
    with localcontext() as ctx:  # babel quantizes again, in the current context
        ctx.prec = max(ctx.prec, d.adjusted() + 8)
        return format_decimal(d, format=pattern, locale=LOCALE)


def percent(value: Decimal | None) -> str:
    """'93,75 %' with exactly two decimals."""
    return "-" if value is None else f"{number(value, 2)} %"


def rupiah(value: Decimal | None) -> str:
    """'Rp 1.234.567' (whole Rupiah)."""
    return "-" if value is None else f"Rp {number(value, 0)}"


def percent_range(values: tuple[Decimal, Decimal] | None) -> str:
    """'93,60 % – 104,00 %', one percentage when both ends are equal, '-' for none."""
    if not values:
        return "-"
    low, high = values
    return percent(low) if low == high else f"{percent(low)} – {percent(high)}"


# --- capaian results (sakip.capaian.rules), as documents and the console print them ----------

STATE_TEXT = {"tidak_dapat_dihitung": "tidak dapat dihitung", "tercapai": "Tercapai", "tidak_tercapai": "Tidak tercapai"}
QUALITATIVE_STATES = ("tercapai", "tidak_tercapai")  # a result without a percentage: reached or not


def figure(f: Figure) -> str:
    """A target or realisasi: its number as every figure is printed ('12.500', '93,75'), else the
    text written for a qualitative or range value ('WTP', '70-80'), else '-'."""
    return number(f.value) if f.value is not None else (f.text or "-")


def capaian_text(result: Result) -> str:
    """A capaian, serapan or efisiensi: '93,75 %', 'Tercapai', 'tidak dapat dihitung', or
    'belum diukur (mulai TW IV)'."""
    if result.state == "dihitung":
        return percent(result.value)
    if result.state == "belum_diukur":
        return f"belum diukur ({result.note})" if result.note else "belum diukur"
    return STATE_TEXT[result.state]


def range_text(result: PKResult, to_date: bool = False) -> str:
    """A PK's capaian in %, lowest to highest, followed by its qualitative results, which have no
    percentage to join the range: "93,60 % – 104,00 %; Tercapai 1". `to_date`: s.d. the quarter
    (the year's, at TW IV, as the LKjIP reports)."""
    numeric = percent_range(result.capaian_range(to_date))
    states = [r.state for r in result.results(to_date)]
    qualitative = ", ".join(f"{STATE_TEXT[s]} {n}" for s in QUALITATIVE_STATES if (n := states.count(s)))
    if not qualitative:
        return numeric
    return qualitative if numeric == "-" else f"{numeric}; {qualitative}"


def date_id(day: dt.date) -> str:
    """'31 Maret 2026'."""
    from babel.dates import format_date  # lazy: see the module's doc

    return format_date(day, format="d MMMM y", locale="id")


JAKARTA = ZoneInfo("Asia/Jakarta")  # WIB: every time an official reads is in it


def wib(moment: dt.datetime | str, seconds: bool = False) -> str:
    """'21-11-2026 20.55 WIB', the hour and minute joined by a dot as Indonesian writes them.

    An ISO string (as records keep times) is read first; one that is not is returned unchanged.
    """
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    return moment.astimezone(JAKARTA).strftime("%d-%m-%Y %H.%M" + (".%S" if seconds else "") + " WIB")


def quarter_name(q: int) -> str:
    """'Triwulan II'."""
    return f"Triwulan {ROMAN[q]}"


def nip(digits: str) -> str:
    """Print an 18-digit NIP in its 8 6 1 3 groups; anything else is printed as given."""
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return digits


def excel_number(value: int | float | Decimal) -> str:
    """A number as Excel's General format shows it in an Indonesian Excel: at most 15
    significant digits (what Excel keeps), decimal comma, no thousands separator, and Excel's
    exponent form for the very large or small ('1E+30', '1,5E-07'). A float's binary noise
    (0.1 + 0.2 = 0.30000000000000004) is not shown: Excel shows 0,3."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int) or not value:  # Excel shows a negative zero as 0
        return str(int(value)) if value == value else "bukan angka (NaN)"
    if isinstance(value, Decimal):
        if not value.is_finite() or not -10 < value.adjusted() < 15:  # Excel's exponent form, as for a float
            return excel_number(float(value))
        text = format(value.normalize() if value == value.to_integral_value() else value, "f")
        return text.replace(".", ",")
    text = format(value, ".15g")
    if text in ("inf", "-inf", "nan"):
        return {"inf": "tak hingga", "-inf": "minus tak hingga", "nan": "bukan angka (NaN)"}[text]
    mantissa, e, exponent = text.partition("e")
    if e:
        return f"{mantissa.replace('.', ',')}E{int(exponent):+03d}"
    return text.replace(".", ",")


def as_typed(value: object) -> str:
    """A cell's value as the official sees it in Excel, never as Python writes it: a date as
    30/06/2026 (not '2026-06-30 00:00:00'), a time as 14:30, TRUE/FALSE, a float without its
    binary noise. Text is returned as it is; None is ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        day = value.strftime("%d/%m/%Y")
        if value.time() == dt.time(0):
            return day
        return f"{day} {value.strftime('%H:%M:%S' if value.second else '%H:%M')}"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, (bool, int, float, Decimal)):
        return excel_number(value)
    return str(value)


# Characters that never show as themselves and may not reach a signed document: format
# characters (Cf: the bidi embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069,
# the marks U+200E/U+200F/U+061C, zero-width U+200B-U+200D and U+2060, the BOM U+FEFF, the soft
# hyphen, tag characters) and control characters (Cc) other than tab and line feed. A
# right-to-left override prints the rest of a line reversed.
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"}


def invisible(ch: str) -> bool:
    """Whether a character may not be printed from submitted text (see above)."""
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and ch not in "\t\n")


# Unicode gives control characters no name, only aliases; these are the C0 ones and DELETE.
_CONTROL_NAMES = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY", "ACKNOWLEDGE",
    "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN",
    "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL",
    "END OF MEDIUM", "SUBSTITUTE", "ESCAPE", "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE")


def char_name(ch: str) -> str:
    """'RIGHT-TO-LEFT OVERRIDE (U+202E)', 'BELL (U+0007)': how a message names a character."""
    code = ord(ch)
    if code < 32:
        name = _CONTROL_NAMES[code]
    elif code == 0x7F:
        name = "DELETE"
    else:
        name = unicodedata.name(ch, "KARAKTER KENDALI" if unicodedata.category(ch) == "Cc" else "tanpa nama Unicode")
    return f"{name} (U+{code:04X})"


def printable(text: str) -> tuple[str, list[str]]:
    """`text` without the characters that may not be printed, and those characters (each once,
    in order of appearance). Line ends (CR LF, CR, the Unicode line and paragraph separators)
    become a line feed: the line break the writer meant, not a removal to report."""
    if text.isprintable():
        return text, []
    for old, new in _LINE_BREAKS.items():
        text = text.replace(old, new)
    removed = list(dict.fromkeys(ch for ch in text if invisible(ch)))
    if not removed:
        return text, []
    return "".join(ch for ch in text if not invisible(ch)), removed
