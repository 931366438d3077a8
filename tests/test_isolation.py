"""One unit's failure never stops the period: the isolation mechanism and the stages built on it."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from sakip import isolation
from sakip.capaian import rules as capaian
from sakip.errors import InputError, Location, SuiteError


def test_each_names_the_failing_key_and_goes_on(caplog):
    failures: isolation.Failures = {}
    caplog.set_level(logging.ERROR, "sakip.isolasi")
    out = isolation.each(["A", "B", "C"], lambda k: 1 / (k != "B"), failures, "capaian")
    assert out == {"A": 1.0, "C": 1.0}
    assert list(failures) == ["B"]
    assert failures["B"].startswith("menghitung capaian: kesalahan tak terduga (ZeroDivisionError)")
    assert "\n" not in failures["B"] and "Traceback" not in failures["B"]
    assert "ZeroDivisionError" in caplog.text and "Traceback" in caplog.text  # the log keeps the detail


def test_each_skips_keys_that_already_failed():
    failures = {"A": "sudah gagal"}
    seen = []
    isolation.each(["A", "B"], seen.append, failures, "render")
    assert seen == ["B"] and failures == {"A": "sudah gagal"}


def test_a_sakip_error_keeps_its_own_one_line_message():
    failures: isolation.Failures = {}

    def work(key):
        raise InputError(Location("pk/PK-X.xlsx", "PK", "C7"), "nilai\nterlalu besar")

    isolation.each(["PK-X"], work, failures, "capaian")
    assert failures["PK-X"] == "menghitung capaian: pk/PK-X.xlsx, sheet 'PK', sel C7: nilai<U+000A>terlalu besar"


@pytest.mark.parametrize("exc", [SuiteError("suite rusak"), KeyboardInterrupt(), SystemExit(3)])
def test_what_stops_the_run_is_not_swallowed(exc):
    def work(key):
        raise exc

    with pytest.raises(type(exc)):
        isolation.each(["A"], work, {}, "paraf")


def test_whole_or_each_falls_back_to_one_key_at_a_time():
    calls = []

    def work(keys):
        calls.append(list(keys))
        if "B" in keys:
            raise ValueError("data B merusak tahap ini")
        return {k: k.lower() for k in keys}

    failures: isolation.Failures = {}
    assert isolation.whole_or_each(["A", "B", "C"], work, failures, "paraf") == {"A": "a", "C": "c"}
    assert calls == [["A", "B", "C"], ["A"], ["B"], ["C"]]
    assert list(failures) == ["B"] and "ValueError" in failures["B"]


def test_whole_or_each_calls_once_when_nothing_fails():
    calls = []
    assert isolation.whole_or_each(["A", "B"], lambda ks: calls.append(ks) or {k: 0 for k in ks}, {}, "paraf") == {"A": 0, "B": 0}
    assert len(calls) == 1


def _with_value(period, pk, column, value):
    """The period with one realisasi cell of `pk` replaced (as if ingest had let it through)."""
    frame = period.realisasi.copy()
    rows = frame.index[(frame["pk"] == pk) & (frame["triwulan"] == period.quarter)]
    frame[column] = frame[column].astype(object)
    frame.at[rows[0], column] = value
    return type(period)(period.year, period.quarter, period.configs, period.pks, period.indicators, period.budgets,
                        frame, period.realisasi_budget, period.submissions, period.orphans, period.roots)


@pytest.mark.parametrize("value", [Decimal("1E+30"), Decimal("1E+400"), Decimal("NaN"), Decimal("-Infinity"), "bukan angka"])
def test_capaian_of_one_absurd_value_costs_that_pk_only(period_tw2, capaian_tw2, value):
    column = "nilai" if "nilai" in period_tw2.realisasi.columns else "realisasi"
    period = _with_value(period_tw2, "PK-SEK", column, value)
    failures: isolation.Failures = {}
    results = capaian.compute(period, failures)
    assert set(results) | set(failures) == set(capaian_tw2)
    for pk in set(results) - {"PK-SEK"}:  # the others are computed exactly as before
        assert [i.capaian_tw for i in results[pk].indicators] == [i.capaian_tw for i in capaian_tw2[pk].indicators]
    if "PK-SEK" in failures:
        assert failures["PK-SEK"].startswith("menghitung capaian:") and "\n" not in failures["PK-SEK"]
