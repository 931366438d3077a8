"""sakip's custom GX expectations and the civil-servant rules behind them, run through GX itself."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sakip.paraf import suites as paraf
from sakip.paraf.asn import GOLONGAN, PANGKAT, nip_problem
from sakip.errors import SuiteError

from tests.conftest import ROOT


@pytest.mark.parametrize(("nip", "problem"), [
    ("197104121996031003", None),
    ("19710412 199603 1 003", None),  # printed with spaces: same NIP
    ("19710412199603100", "18 digit"),
    ("1971041219960310033", "18 digit"),
    ("19710412199603100A", "18 digit"),
    ("197113121996031003", "tanggal lahir"),  # month 13
    ("197102301996031003", "tanggal lahir"),  # 30 February
    ("197104121996131003", "bulan TMT"),
    ("197104121986031003", "kurang dari 18 tahun"),  # appointed at 14
    ("197104121996033003", "jenis kelamin"),
    ("197104121996031000", "nomor urut"),
])
def test_nip_structure(nip, problem):
    found = nip_problem(nip)
    assert (found is None) if problem is None else (problem in found)


def test_appointment_after_the_period_is_refused():
    assert "setelah tahun 2026" in nip_problem("199001012027011001", 2026)
    assert nip_problem("199001012026011001", 2026) is None


def test_pangkat_list_in_the_suite_is_the_official_one():
    suite = json.loads((ROOT / "expectations/pejabat.json").read_text())
    by_id = {e["meta"]["id"]: e["kwargs"] for e in suite["expectations"]}
    assert by_id["pangkat_resmi"]["value_set"] == list(PANGKAT)
    assert by_id["golongan_resmi"]["value_set"] == list(GOLONGAN)
    assert [tuple(p) for p in by_id["pangkat_golongan_sesuai"]["value_pairs_set"]] == list(PANGKAT.items())
    assert len(PANGKAT) == 17 and len(set(GOLONGAN)) == 17


def _suite(tmp_path, *expectations):
    (tmp_path / "t.json").write_text(json.dumps({"name": "t", "expectations": [
        {**e, "meta": {"id": f"e{i}", "severity": "error", "lokasi": "x", "uraian": "u", "pesan": "p", "perbaikan": "f"}}
        for i, e in enumerate(expectations)]}))
    return paraf.load_suites(tmp_path)[0]


def _failing_rows(suite, data, parameters=None):
    frame = paraf.Frame(pd.DataFrame(data), [{"x": paraf.Location("f")} for _ in data],
                        [dict for _ in data], [{"pk": "P"} for _ in data], parameters or {})
    findings, counts = paraf.validate(suite, frame)
    rows = {i: [] for i in range(len(suite.checks))}
    for (_, _, i), n in counts.items():
        rows[i].append(n)
    return findings, {i: sum(v) for i, v in rows.items()}


def test_quarterly_targets_summing_to_the_annual_one(tmp_path):
    suite = _suite(tmp_path, {"type": "expect_multicolumn_sum_to_equal_column", "kwargs": {
        "column_list": ["a", "b", "c", "d", "t"], "total_column": "t", "tolerance": 1e-6}})
    data = [
        {"a": 2.0, "b": 2.0, "c": 2.0, "d": 2.0, "t": 8.0},  # flat
        {"a": 0.0, "b": 100.0, "c": 0.0, "d": 0.0, "t": 100.0},  # burst
        {"a": None, "b": None, "c": None, "d": 3.0, "t": 3.0},  # year end only, '-' elsewhere
        {"a": 33.33, "b": 33.33, "c": 33.34, "d": 0.0, "t": 100.0},  # float sums within tolerance
        {"a": 1.0, "b": 2.0, "c": 1.0, "d": 3.0, "t": 6.0},  # off by one
        {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0, "t": None},  # no total to reach
    ]
    _, failed = _failing_rows(suite, data)
    assert failed == {0: 2}


def test_total_column_must_be_listed(tmp_path):
    with pytest.raises(SuiteError, match="tidak sah|total_column"):
        _suite(tmp_path, {"type": "expect_multicolumn_sum_to_equal_column", "kwargs": {
            "column_list": ["a", "b"], "total_column": "t"}})


@pytest.mark.parametrize(("direction", "values", "ok"), [
    ("increasing", [25, 50, 75, 100], True),
    ("increasing", [21.75, 43.5, 65.3, 87], True),
    ("increasing", [0, 0, 0, 3], True),
    ("increasing", [2, 2, 2, 2], True),
    ("increasing", [50, None, 40, 80], False),  # the gap is skipped: 40 is compared with 50
    ("increasing", [None, 50, None, 80], True),
    ("increasing", [25, 50, 45, 100], False),
    ("decreasing", [10, 9.8, 9.6, 9.5], True),
    ("decreasing", [5, 6, 5, 5], False),
])
def test_cumulative_targets_never_go_back(tmp_path, direction, values, ok):
    suite = _suite(tmp_path, {"type": "expect_multicolumn_values_to_be_monotonic", "kwargs": {
        "column_list": ["a", "b", "c", "d"], "direction": direction}})
    _, failed = _failing_rows(suite, [dict(zip("abcd", [None if v is None else float(v) for v in values]))])
    assert failed[0] == (0 if ok else 1)


def test_nip_expectation_takes_the_year_as_a_suite_parameter(tmp_path):
    suite = _suite(tmp_path, {"type": "expect_column_values_to_be_valid_nip",
                              "kwargs": {"column": "nip", "latest_year": {"$PARAMETER": "tahun"}}})
    data = [{"nip": "199001012024011001"}, {"nip": "199001012026011001"}, {"nip": None}]
    assert _failing_rows(suite, data, {"tahun": 2026})[1] == {0: 0}
    assert _failing_rows(suite, data, {"tahun": 2025})[1] == {0: 1}
