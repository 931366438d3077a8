"""PeriodData's per-PK rows: what documents ask for once per document."""

from __future__ import annotations

from pathlib import Path

from sakip.ingest import workbooks

INPUTS = Path(__file__).resolve().parents[1] / "inputs"


def test_rows_of_is_records_filtered_and_owned_by_the_caller():
    period = workbooks.read_period(INPUTS, 2026, 1)
    for name in ("indicators", "budgets", "realisasi"):
        every = period.records(name)
        for pk in period.pk_codes():
            assert period.rows_of(name, pk) == [r for r in every if r["pk"] == pk]
    pk = period.pk_codes()[0]
    rows = period.rows_of("indicators", pk)
    rows[0]["indikator"] = "diubah pemanggil"
    assert period.rows_of("indicators", pk)[0]["indikator"] != "diubah pemanggil"
    assert period.rows_of("indicators", "PK-TIDAK-ADA") == []


def test_rows_of_follows_a_replaced_frame():
    period = workbooks.read_period(INPUTS, 2026, 1)
    pk = period.pk_codes()[0]
    before = period.rows_of("indicators", pk)
    period.indicators = period.indicators[period.indicators["pk"] != pk]
    assert before and period.rows_of("indicators", pk) == []
