"""Indonesian presentation of numbers, dates, quarters and NIPs (thousands '.', decimals ',')."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

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


def quarter_name(q: int) -> str:
    """'Triwulan II'."""
    return f"Triwulan {ROMAN[q]}"


def nip(digits: str) -> str:
    """Print an 18-digit NIP in its 8 6 1 3 groups; anything else is printed as given."""
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return digits
