"""The paraf wing's registry of rules, and that no other stage makes a finding."""

import ast
from pathlib import Path

import pytest

from sakip.errors import Location
from sakip.paraf import rules

from tests.conftest import ROOT

PARAF_WING = ROOT / "sakip" / "paraf"


def finding_constructions(path: Path) -> list[int]:
    """Lines of `path` that call the Finding class: by its name, an alias of it, or an attribute
    (model.Finding(...)). The class statement that defines it is not a call."""
    tree = ast.parse(path.read_text(), str(path))
    names = {"Finding"} | {a.asname for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                           for a in n.names if a.name == "Finding" and a.asname}
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id in names)
        or (isinstance(n.func, ast.Attribute) and n.func.attr == "Finding"))]


def offenders() -> dict[str, list[int]]:
    modules = sorted([*(ROOT / "sakip").rglob("*.py"), *(ROOT / "flows").rglob("*.py")])
    return {p.relative_to(ROOT).as_posix(): lines for p in modules
            if not p.is_relative_to(PARAF_WING) and (lines := finding_constructions(p))}


def test_the_scan_sees_a_construction_in_every_form(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("from sakip.model import Finding as F\nfrom sakip import model\n"
                      "class Finding:\n    pass\n"
                      "a = F('pk', 'error', None, '', '', '')\nb = model.Finding('pk')\nc = Finding('pk')\n")
    assert finding_constructions(source) == [5, 6, 7]
    assert finding_constructions(ROOT / "sakip" / "model.py") == []  # defines the class, constructs none


def test_only_the_paraf_wing_constructs_a_finding():
    """Ingest says what it could not read and capaian what it computed; whether that is a finding
    (with an id, a severity and the official's words) is decided in sakip/paraf/ alone."""
    assert offenders() == {}


def test_a_rule_is_registered_once_with_one_meaning(monkeypatch):
    monkeypatch.setattr(rules, "RULES", {})
    first = rules.rule("uji.satu", "error", "Satu")
    assert rules.rule("uji.satu", "error", "Satu") == first  # a module imported twice
    with pytest.raises(ValueError, match="uji.satu registered twice"):
        rules.rule("uji.satu", "warning", "Satu")
    assert rules.RULES == {"uji.satu": first}


def test_a_rule_makes_its_finding_with_its_id_severity_and_expected_text():
    r = rules.Rule("uji.dua", "warning", "Dua")
    f = r.finding("PK-A", None, "x", "Pesan", "Perbaikan")
    assert (f.pk, f.severity, f.location, f.check, f.expected) == ("PK-A", "warning", Location(""), "uji.dua", "Dua")
    assert r.finding("PK-A", None, "x", "Pesan", "Perbaikan", expected="Dua, tahun 2026").expected == "Dua, tahun 2026"


def test_a_rule_is_listed_in_the_group_of_its_prefix():
    assert rules.group_of("capaian.negatif") is rules.GROUPS["capaian"]
    assert rules.group_of("berkas.tahun").order < min(g.order for n, g in rules.GROUPS.items() if n != "berkas")
    assert rules.group_of("lain.x") == rules.Group("lain", "lain")
