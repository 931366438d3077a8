"""Custom Great Expectations expectations for rules GX has no built-in for.

Importing this module registers them with GX, so suite JSON in expectations/ can name them by
type like any core expectation. Each is a map expectation: it answers yes/no per row, so a
failure is traced back to its PK and cell like the built-ins' failures.

- ``expect_column_values_to_be_valid_nip``: the NIP's structure (`sakip.paraf.asn.nip_problem`).
- ``expect_multicolumn_sum_to_equal_column``: the parts of a row add up to its total column
  (RA quarterly targets of a 'Jumlah' indicator against the annual target).
- ``expect_multicolumn_values_to_be_monotonic``: values along the columns never go back
  (cumulative RA targets), missing values skipped.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Union

import pandas as pd
from great_expectations.compatibility import pydantic
from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation, MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    MulticolumnMapMetricProvider,
    column_condition_partial,
    multicolumn_condition_partial,
)

from .asn import nip_problem

_MULTICOLUMN_DOMAIN = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")


class ColumnValuesValidNip(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_nip"
    condition_value_keys = ("latest_year",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, latest_year: int | None = None, **kwargs: object) -> pd.Series:
        return column.map(lambda v: nip_problem(v, latest_year) is None)


class ExpectColumnValuesToBeValidNip(ColumnMapExpectation):
    """Each value is an 18-digit NIP with a real birth date, an appointment month at least 18
    years later (and not after `latest_year`), a sex digit 1 or 2, and a non-zero sequence."""

    # The period's year, usually given as a suite parameter: {"$PARAMETER": "tahun"}.
    latest_year: Union[int, SuiteParameterDict, None] = None

    map_metric = "column_values.valid_nip"
    success_keys = ("mostly", "latest_year")
    library_metadata: ClassVar[dict] = {"maturity": "production", "tags": ["sakip"], "contributors": ["sakip"]}


class MulticolumnSumEqualColumn(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_sum.equal_column"
    condition_domain_keys = _MULTICOLUMN_DOMAIN
    condition_value_keys = ("total_column", "tolerance")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, total_column: str, tolerance: float = 1e-9,
                **kwargs: object) -> pd.Series:
        parts = column_list.drop(columns=[total_column]).apply(pd.to_numeric).sum(axis=1, skipna=True)
        total = pd.to_numeric(column_list[total_column])
        return (parts - total).abs() <= tolerance


class ExpectMulticolumnSumToEqualColumn(MulticolumnMapExpectation):
    """Per row, the sum of the other columns of `column_list` equals `total_column` (which is
    one of them) within `tolerance`; a missing part counts as zero, a missing total fails."""

    total_column: str
    tolerance: float = 1e-9
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"

    map_metric = "multicolumn_sum.equal_column"
    success_keys = ("mostly", "total_column", "tolerance")
    library_metadata: ClassVar[dict] = {"maturity": "production", "tags": ["sakip"], "contributors": ["sakip"]}

    @pydantic.root_validator(skip_on_failure=True)
    def _total_is_listed(cls, values: dict) -> dict:
        if values.get("total_column") not in (values.get("column_list") or []):
            raise ValueError("total_column must be one of column_list")
        return values


class MulticolumnValuesMonotonic(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.monotonic"
    condition_domain_keys = _MULTICOLUMN_DOMAIN
    condition_value_keys = ("direction",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, direction: str = "increasing", **kwargs: object) -> pd.Series:
        values = column_list.apply(pd.to_numeric)
        # Compare each value with the last one present before it, so a gap ("-") is skipped.
        previous = values.ffill(axis=1).shift(1, axis=1)
        step = values - previous
        backwards = step < 0 if direction == "increasing" else step > 0
        return ~backwards.any(axis=1)


class ExpectMulticolumnValuesToBeMonotonic(MulticolumnMapExpectation):
    """Per row, the values read left to right along `column_list` never decrease (direction
    'increasing') or never increase ('decreasing'); missing values are skipped."""

    direction: Literal["increasing", "decreasing"] = "increasing"

    map_metric = "multicolumn_values.monotonic"
    success_keys = ("mostly", "direction")
    library_metadata: ClassVar[dict] = {"maturity": "production", "tags": ["sakip"], "contributors": ["sakip"]}
