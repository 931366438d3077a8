import datetime as dt
from decimal import Decimal

import pytest

from sakip import formatting as f


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
