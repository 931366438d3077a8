"""The import graph stays visible: an import inside a function says why it is there.

An in-function import hides an edge of the graph, so it is kept only where it buys start-up
time (`# lazy: ...`) or breaks an import cycle (`# cycle: ...`), said on its line or the line
before it; an import that directly follows an explained one in the same block shares its reason.
The start-up the lazy imports buy is checked too: what `sakip --help`, `sakip status` and the
spawned workbook readers import.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.conftest import ROOT

MARKERS = ("# lazy:", "# cycle:")
# Libraries that take from a tenth of a second to several seconds to import.
HEAVY = ("prefect", "great_expectations", "pandas", "matplotlib", "pyhanko", "pypdf", "pydantic", "openpyxl",
         "docxtpl", "jinja2", "babel", "rich", "cryptography")


def unexplained_imports(source: str) -> list[int]:
    """Lines of the in-function imports of `source` that give no reason."""
    lines = source.splitlines()

    def explained(node: ast.stmt) -> bool:
        near = lines[node.lineno - 2:node.lineno] if node.lineno > 1 else lines[:1]
        return any(marker in line for line in near for marker in MARKERS)

    found: list[int] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for name, value in ast.iter_fields(node):
            if isinstance(value, list) and value and all(isinstance(v, ast.stmt) for v in value):
                previous_ok = False  # the statement before, in this block, is an explained import
                for stmt in value:
                    if isinstance(stmt, (ast.Import, ast.ImportFrom)) and in_function:
                        previous_ok = previous_ok or explained(stmt)
                        if not previous_ok:
                            found.append(stmt.lineno)
                    else:
                        previous_ok = False
                        visit(stmt, in_function or isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)))
            elif isinstance(value, list):
                for v in value:
                    if isinstance(v, ast.AST):
                        visit(v, in_function)
            elif isinstance(value, ast.AST):
                visit(value, in_function)

    visit(ast.parse(source), False)
    return found


def test_the_check_finds_an_import_without_a_reason() -> None:
    source = '''
import os


def plain():
    import json
    return json


def explained():
    # lazy: a reason for both
    import json

    import csv
    x = 1
    import zipfile
    return json, csv, x, zipfile


def inline():
    import gzip  # cycle: a reason
    if True:
        import bz2
    class Inner:
        def method(self):
            import lzma
    return gzip, bz2, Inner
'''
    lines = source.splitlines()
    assert [lines[n - 1].strip() for n in unexplained_imports(source)] == [
        "import json", "import zipfile", "import bz2", "import lzma"]


def test_every_in_function_import_says_why() -> None:
    missing = []
    for path in sorted([*(ROOT / "sakip").rglob("*.py"), *(ROOT / "flows").rglob("*.py")]):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        missing += [f"{path.relative_to(ROOT)}:{n}: {lines[n - 1].strip()}" for n in unexplained_imports(source)]
    assert not missing, ("in-function imports without '# lazy: <why>' or '# cycle: <why>' (move them to the "
                         "module's top unless they buy start-up time or break a cycle):\n" + "\n".join(missing))


def _loaded(code: str, wanted: str = f"m in {HEAVY!r}") -> list[str]:
    """The modules m (of HEAVY, or as `wanted` says) a fresh interpreter holds after running `code`."""
    probe = f"import sys\n{code}\nprint(' '.join(sorted(m for m in sys.modules if {wanted})))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_the_command_layer_imports_no_stage_at_its_top() -> None:
    # `sakip --help` pays for typer and the error types, nothing of the pipeline.
    assert _loaded("import sakip.cli", "m.startswith(('sakip', 'flows'))") == ["sakip", "sakip.cli", "sakip.errors"]


@pytest.mark.parametrize(("code", "allowed"), [
    # `sakip --help` and every command start here.
    ("import sakip.cli", ()),
    # `sakip status` and `sakip verify` before verify reads a package.
    ("import sakip.outputs.status, sakip.pdf.manifest, sakip.formatting", ()),
    # A spawned workbook reader (ingest.workbooks.read_workbooks) imports its module.
    ("import sakip.ingest.workbooks", ("openpyxl",)),
], ids=["cli", "status", "reader"])
def test_start_up_loads_only_what_it_needs(code: str, allowed: tuple[str, ...]) -> None:
    assert [m for m in _loaded(code) if m not in allowed] == []
