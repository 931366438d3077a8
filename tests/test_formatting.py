import datetime as dt
import re
from decimal import ROUND_HALF_UP, Context, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sakip import formatting as f
from sakip.documents import filters

from tests.conftest import examples


@pytest.mark.parametrize("value,places,expected", [
    (Decimal("1234.5"), None, "1.234,5"),
    (Decimal("1234.5"), 2, "1.234,50"),
    (Decimal("0.125"), 2, "0,13"),  # half-up, not banker's rounding
    (Decimal("1250000"), 0, "1.250.000"),
    (None, 2, "-"),
])
def test_number(value, places, expected):
    assert f.number(value, places) == expected


def test_percent_rupiah_date_quarter():
    assert f.percent(Decimal("93.745")) == "93,75 %"
    assert f.rupiah(Decimal("1234567")) == "Rp 1.234.567"
    assert f.date_id(dt.date(2026, 3, 31)) == "31 Maret 2026"
    assert f.quarter_name(2) == "Triwulan II"


def test_nip_groups_8_6_1_3():
    assert f.nip("197004251990031006") == "19700425 199003 1 006"
    assert f.nip("12345") == "12345"


@pytest.mark.parametrize("value,places,expected", [
    (Decimal("-0"), None, "0"),
    (Decimal("-0.001"), 2, "0,00"),
    (Decimal("1E+27"), 0, "1.000.000.000.000.000.000.000.000.000"),  # more digits than Decimal's default 28
    (Decimal("-3.3E+40"), 2, "-" + format(33 * 10**39, ",").replace(",", ".") + ",00"),
    (Decimal("Infinity"), 2, "tak hingga"),
])
def test_number_prints_any_decimal(value, places, expected):
    assert f.number(value, places) == expected


def test_round2_never_raises_for_a_large_value():
    assert f.round2(Decimal("3.3E+40")) == Decimal("3.3E+40")


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1E+60"), max_value=Decimal("1E+60")))
@settings(max_examples=examples(300), deadline=None)
def test_formatting_never_fails_and_never_prints_negative_zero(value):
    """Whatever capaian computes from values ingest let through, printing it never stops a
    report (quantize beyond 28 digits raised InvalidOperation), and never shows "-0"."""
    for shown in (f.number(value), f.number(value, 2), f.number(value, 0), f.percent(value), f.rupiah(value)):
        assert not re.fullmatch(r"(Rp )?-0(,0+)?( %)?", shown), shown
    assert f.round2(value) == value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP, context=Context(prec=200))


@pytest.mark.parametrize("value,expected", [
    (Decimal("94.33333333333333333333333333"), "94,33"),  # a Rata-rata mean, printed as "94,3333" before
    (Decimal("2.8667"), "2,87"),
    (Decimal("0.125"), "0,13"),  # half up, not to even
    (Decimal("21.75"), "21,75"), (Decimal("12500"), "12.500"), (Decimal("2.50"), "2,5"),
])
def test_every_printed_number_has_at_most_two_decimals_half_up(value, expected):
    assert f.number(value) == expected
    assert filters.f_angka(value) == expected  # the templates' filter follows the same rule


def test_a_message_quotes_a_cell_as_written_not_rounded_for_print():
    assert f.written(Decimal("0.875")) == "0,875" and f.number(Decimal("0.875")) == "0,88"
    assert f.written(Decimal("1234.56789")) == "1.234,5679"  # beyond four decimals: float noise


def test_capaian_results_become_text_here_only():
    from sakip.capaian.rules import Figure, Result, not_computable, not_measured

    assert [f.figure(x) for x in (Figure(Decimal(12500)), Figure(Decimal("93.755")), Figure(None, "WTP"), Figure())] == [
        "12.500", "93,76", "WTP", "-"]
    assert [f.capaian_text(r) for r in (Result(Decimal("83.3333"), "dihitung"), Result(None, "tercapai"),
                                        Result(None, "tidak_tercapai"), not_computable("target 0"), not_measured(4))] == [
        "83,33 %", "Tercapai", "Tidak tercapai", "tidak dapat dihitung", "belum diukur (mulai TW IV)"]
    assert [f.percent_range(v) for v in (None, (Decimal(90), Decimal(90)), (Decimal("93.6"), Decimal(104)))] == [
        "-", "90,00 %", "93,60 % – 104,00 %"]
