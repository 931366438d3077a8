from decimal import Decimal

import jinja2
import pytest

from sakip.documents import filters
from sakip.ingest import numbers
from sakip.model import Status

# Strings a template may hand a number filter, read by the filter and by ingest.
TABLE = ["1.234,5", "4,25", "78.95", "1,234.5", "1.845.000.000", "12500", "12.500,00", "1 234,5", "Rp 1.845.000",
         "87,5 %", "-3,5", "\u22123,5", "0,875", "1234567.5", "-0,00",
         "1.234", "144.000", "12.500", "93.755",  # ambiguous: thousands or decimals?
         "", "-", "n/a", "sekitar 80", "1,5E+11", "#DIV/0!", "1.2.3", "NaN", "Infinity", "5\u202e,78"]


@pytest.mark.parametrize("text", TABLE)
def test_a_filter_reads_a_string_by_the_one_number_rule(text):
    reading = numbers.parse_number(text)
    if reading.status == Status.NUMBER_TEXT:
        assert filters._decimal(text, "angka") == reading.value
    elif reading.status == Status.EMPTY:
        assert filters._decimal(text, "angka") is None and filters.f_angka(text) == "-"
    else:
        with pytest.raises(jinja2.TemplateRuntimeError, match=r"^filter 'persen': '.*' bukan angka$"):
            filters.f_persen(text)


def test_a_count_of_thousands_is_never_read_as_decimals():
    # The old filter rule read "12.500" as 12,5 (no comma: Decimal("12.500")), silently.
    with pytest.raises(jinja2.TemplateRuntimeError, match="filter 'angka': '12.500' bukan angka"):
        filters.f_angka("12.500")
    assert filters.f_angka("12.500,00") == "12.500" and filters.f_rupiah("Rp 12.500") == "Rp 12.500"


@pytest.mark.parametrize("value,shown", [(Decimal("93.755"), "93,76 %"), (93.755, "93,76 %"), (12, "12,00 %"),
                                         (None, "-")])
def test_a_number_passes_as_it_is(value, shown):
    assert filters.f_persen(value) == shown
