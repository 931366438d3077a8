"""Indonesian presentation of numbers, dates, quarters and NIPs (thousands '.', decimals ',')."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "id_ID"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
TWO_PLACES = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    """Round half-up to two decimals, as the printed report shows it."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def number(value: Decimal | int | None, places: int | None = None) -> str:
    """'1.234,5' style; with `places` a fixed number of decimals; None prints as '-'."""
    if value is None:
        return "-"
    d = Decimal(value)
    if places is None:
        # Keep what the official wrote (up to 4 decimals) without trailing zeros; rounded here,
        # half up, because babel would round half to even.
        d = d.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if d.as_tuple().exponent < -4 else d
        pattern = "#,##0.####"
    else:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(d, format=pattern, locale=LOCALE)


def percent(value: Decimal | None) -> str:
    """'93,75 %' with exactly two decimals."""
    return "-" if value is None else f"{number(value, 2)} %"


def rupiah(value: Decimal | None) -> str:
    """'Rp 1.234.567' (whole Rupiah)."""
    return "-" if value is None else f"Rp {number(value, 0)}"


def date_id(day: dt.date) -> str:
    """'31 Maret 2026'."""
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


def _decimal(value: object, filter_name: str) -> Decimal | None:
    """A filter's input as a number: numbers, numeric strings ('1234.5', '1.234,5'); '-' or
    empty is 'no value'. Anything else is a template error naming the filter."""
    import jinja2

    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(" ", "")
    if text in ("", "-"):
        return None
    try:
        if "," in text:  # an Indonesian-formatted number: '.' groups thousands
            return Decimal(text.replace(".", "").replace(",", "."))
        return Decimal(text)
    except ArithmeticError:
        raise jinja2.TemplateRuntimeError(f"filter '{filter_name}': '{value}' bukan angka") from None


def _date(value: object) -> dt.date:
    import jinja2

    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise jinja2.TemplateRuntimeError(f"filter 'tanggal': '{value}' bukan tanggal (tulis TTTT-BB-HH)") from None


def _quarter(value: object, filter_name: str) -> int:
    import jinja2

    try:
        q = int(str(value).strip())
    except ValueError:
        q = 0
    if q not in ROMAN:
        raise jinja2.TemplateRuntimeError(f"filter '{filter_name}': '{value}' bukan nomor triwulan 1 sampai 4")
    return q


def f_angka(value: object, desimal: int | None = None) -> str:
    return number(_decimal(value, "angka"), desimal)


def f_persen(value: object, desimal: int = 2) -> str:
    d = _decimal(value, "persen")
    return "-" if d is None else f"{number(d, desimal)} %"


def f_rupiah(value: object) -> str:
    return rupiah(_decimal(value, "rupiah"))


def f_tanggal(value: object) -> str:
    return date_id(_date(value))


def f_nip(value: object) -> str:
    return nip(str(value).replace(" ", ""))


def f_triwulan(value: object) -> str:
    return quarter_name(_quarter(value, "triwulan"))


def f_romawi(value: object) -> str:
    return ROMAN[_quarter(value, "romawi")]


# The Indonesian filters templates may use, with an example each: `sakip template fields` and
# templates/FIELDS.md are generated from this table, and a test renders every example.
FILTERS = {
    "angka": (f_angka, "1234567.5", "angka Indonesia: titik pemisah ribuan, koma desimal; `angka(0)` membulatkan tanpa desimal"),
    "persen": (f_persen, "93.755", "persentase dua desimal; `persen(1)` satu desimal"),
    "rupiah": (f_rupiah, "1845000000", "Rupiah tanpa sen"),
    "tanggal": (f_tanggal, "2026-07-06", "tanggal dalam bahasa Indonesia dari TTTT-BB-HH"),
    "nip": (f_nip, "197104121996031003", "NIP 18 angka dalam kelompok 8 6 1 3"),
    "triwulan": (f_triwulan, "2", "nama triwulan dari nomornya"),
    "romawi": (f_romawi, "2", "angka Romawi triwulan"),
}
