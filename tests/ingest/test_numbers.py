"""The one number rule is applied to input only: no module reads back text another one printed."""

import ast
from decimal import Decimal

import pytest

from sakip.ingest import numbers
from sakip.model import Status

from tests.conftest import ROOT

PARSERS = {"parse_number", "parse_range", "range_of"}
# Where text typed by a person is read as a number, besides the ingest wing (the workbooks):
# the Renstra target planners write in lkjip.toml, and a string a template hands a number filter.
READERS_OF_INPUT = {
    ("sakip/documents/reports.py", "TargetRenstra.read"),
    ("sakip/documents/filters.py", "_decimal"),
}


def _calls(source: str, path: str) -> list[tuple[str, str, int]]:
    """(path, enclosing function, line) of every call of the number rule in `source`, and of every
    import of the numbers module or its parsers (module level counts as function "")."""
    found: list[tuple[str, str, int]] = []

    def walk(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                walk(child, f"{scope}.{child.name}" if scope else child.name)
                continue
            if isinstance(child, ast.Call):
                func = child.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in PARSERS:
                    found.append((path, scope, child.lineno))
            walk(child, scope)

    walk(ast.parse(source), "")
    return found


def _imports_numbers(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.endswith("numbers") and (node.level or module.startswith("sakip")):
                return True
            if any(a.name == "numbers" for a in node.names) and module.endswith("ingest"):
                return True
    return False


def _outside_the_rule(root=ROOT) -> list[str]:
    out = []
    for file in sorted((root / "sakip").rglob("*.py")):
        path = file.relative_to(root).as_posix()
        if path.startswith("sakip/ingest/"):
            continue
        source = file.read_text(encoding="utf-8")
        calls = _calls(source, path)
        out += [f"{p}:{line} ({scope or 'modul'})" for p, scope, line in calls if (p, scope) not in READERS_OF_INPUT]
        if _imports_numbers(source) and not any(p == path for p, _ in READERS_OF_INPUT):
            out.append(f"{path}: imports sakip.ingest.numbers")
    return out


def test_the_number_rule_reads_input_only():
    # capaian read the printed "12.500" of a realisasi back as ambiguous once (capaian -> reports):
    # a number travels as a Decimal from ingest to the template filter that prints it.
    assert _outside_the_rule() == []


def test_the_scan_sees_a_parser_called_anywhere(tmp_path):
    (tmp_path / "sakip" / "documents").mkdir(parents=True)
    (tmp_path / "sakip" / "ingest").mkdir()
    (tmp_path / "sakip" / "ingest" / "x.py").write_text("def f(t):\n    return parse_number(t)\n")  # its own wing
    (tmp_path / "sakip" / "documents" / "reports.py").write_text(
        "from ..ingest.numbers import parse_number\n\n"
        "class TargetRenstra:\n    def read(self, s):\n        return parse_number(self.target, s)\n\n"
        "def _renstra_capaian(ind, text):\n    return numbers.parse_range(text)\n")
    (tmp_path / "sakip" / "documents" / "render.py").write_text("from ..ingest import numbers\n")
    assert _outside_the_rule(tmp_path) == ["sakip/documents/render.py: imports sakip.ingest.numbers",
                                           "sakip/documents/reports.py:8 (_renstra_capaian)"]


def test_numbers_imports_neither_pandas_nor_openpyxl():
    source = (ROOT / "sakip" / "ingest" / "numbers.py").read_text(encoding="utf-8")
    imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"pandas", "openpyxl", "numpy"}


@pytest.mark.parametrize("text,bounds", [
    ("70-80", (Decimal(70), Decimal(80))), ("70 – 80", (Decimal(70), Decimal(80))),
    ("70,5 s.d. 80 %", (Decimal("70.5"), Decimal(80))), ("80-70", None), ("WTP", None), ("1.234-2.000", None),
])
def test_a_range_target_is_read_by_the_number_rule(text, bounds):
    # "1.234" is ambiguous in a range as anywhere else: no bounds, the target stays unknown
    assert numbers.parse_range(text) == bounds


def test_ingest_gives_capaian_the_bounds_of_a_range_target():
    from sakip.ingest import workbooks

    row = workbooks._fields({"target_tahunan": ("70-80", "General", None), "realisasi": ("70-80", "General", None)})
    assert row["target_tahunan_status"] == Status.TEXT and row["target_tahunan_rentang"] == (Decimal(70), Decimal(80))
    assert "realisasi_rentang" not in row  # a realisasi is a number or a qualitative value, never a range
