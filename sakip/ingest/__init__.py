"""Ingest: reading only. Workbooks and CSV folders into a `model.PeriodData`, every value with
its file, sheet and cell; what could not be read as `model.ReadProblem`s for the paraf wing to
judge. `numbers` is the one rule for numbers typed as text; `filecheck` names a file that is not
a workbook before it is parsed."""
