"""The paraf's own rules: every check that is not a Great Expectations expectation.

GX suites (expectations/*.json) hold the rules a column expectation can state. What GX cannot
express (a file that names another year, a realisasi 1.000 times its target, a polarity that
contradicts the indicator's name) is a `Rule` here: an id, a severity and what it expects, in the
official's words. Every rule is registered when its module is imported, so the Lembar Paraf and
the paraf record can list all of them, and a `Finding` is only ever made by a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Location
from ..model import Finding, Severity


@dataclass(frozen=True)
class Rule:
    """One check: `id` is "<group>.<name>" (berkas.tahun, capaian.negatif)."""

    id: str
    severity: Severity
    expected: str  # what the check expects, as the Koreksi sheet's "Yang diharapkan" prints it

    def finding(self, pk: str, location: Location | None, value: str, message: str, fix: str,
                expected: str | None = None) -> Finding:
        """What this rule tells PK's unit about one cell (or file, or folder), at the rule's own
        severity (the Lembar Paraf counts a rule's findings by it); `expected` states the rule for
        this case where it names more (the year, the kind of workbook)."""
        return Finding(pk, self.severity, location or Location(""), value, message, fix, self.id,
                       expected or self.expected)


@dataclass(frozen=True)
class Group:
    """Rules the Lembar Paraf lists on one row: a GX suite, or the rules whose ids share a prefix."""

    name: str
    description: str  # what the group checks, in the official's words
    order: int = 99  # its row among the suites' meta.urutan


# The groups of rules that are not a GX suite. A rule whose prefix names a suite ("realisasi.")
# is listed with that suite's expectations.
GROUPS = {g.name: g for g in (
    Group("berkas", "Berkas yang diterima: terbaca utuh, sesuai tahun, triwulan dan PK-nya, pejabat terdaftar, "
                    "triwulan sebelumnya lengkap dan sudah diparaf", 0),
    Group("capaian", "Kewajaran nilai capaian: polaritas sesuai nama indikator, skala target dan realisasi, "
                     "capaian tidak negatif, realisasi kumulatif tidak mundur", 6),
)}

RULES: dict[str, Rule] = {}


def rule(id: str, severity: Severity, expected: str) -> Rule:
    """Register a rule; ids are unique across the paraf wing."""
    if id in RULES and RULES[id] != Rule(id, severity, expected):
        raise ValueError(f"rule {id} registered twice with different meanings")
    RULES[id] = Rule(id, severity, expected)
    return RULES[id]


def group_of(rule_id: str) -> Group:
    """The group a rule is listed in: its id's prefix."""
    name = rule_id.partition(".")[0]
    return GROUPS.get(name, Group(name, name))
