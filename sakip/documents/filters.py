"""The Indonesian filters templates may use (`{{ nilai|persen }}`): the input a template hands
them read as a number or a date, and printed by `sakip.formatting`.

A string is read by the project's one number rule (`ingest.numbers.parse_number`): "87,5" and
"1.845.000.000" are numbers, "12.500" is ambiguous (thousands or decimals?) and, like words, a
template error naming the filter, never a guess.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import jinja2

from ..formatting import ROMAN, date_id, nip, number, quarter_name, rupiah
from ..ingest.numbers import parse_number
from ..model import Status


def _decimal(value: object, filter_name: str) -> Decimal | None:
    """A filter's input as a number: a number as it is, a string by the number rule; a string
    the rule reads as missing ('', '-', 'n/a') is 'no value'. Anything else is a template error
    naming the filter."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    reading = parse_number(str(value))
    if reading.status == Status.EMPTY:
        return None
    if reading.status != Status.NUMBER_TEXT or reading.value is None:
        raise jinja2.TemplateRuntimeError(f"filter '{filter_name}': '{value}' bukan angka")
    return reading.value


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise jinja2.TemplateRuntimeError(f"filter 'tanggal': '{value}' bukan tanggal (tulis TTTT-BB-HH)") from None


def _quarter(value: object, filter_name: str) -> int:
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
    "persen": (f_persen, "87,5", "persentase dua desimal; `persen(1)` satu desimal"),
    "rupiah": (f_rupiah, "1845000000", "Rupiah tanpa sen"),
    "tanggal": (f_tanggal, "2026-07-06", "tanggal dalam bahasa Indonesia dari TTTT-BB-HH"),
    "nip": (f_nip, "197104121996031003", "NIP 18 angka dalam kelompok 8 6 1 3"),
    "triwulan": (f_triwulan, "2", "nama triwulan dari nomornya"),
    "romawi": (f_romawi, "2", "angka Romawi triwulan"),
}
