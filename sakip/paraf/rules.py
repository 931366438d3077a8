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
    """One check: `id` is "<group>.<name>" (berkas.tahun, capaian.persen_besar)."""

    id: str
    severity: Severity
    expected: str  # what the check expects, as the Koreksi sheet's "Yang diharapkan" prints it

    def finding(self, pk: str, location: Location | None, value: str, message: str, fix: str,
                severity: Severity | None = None, expected: str | None = None) -> Finding:
        """What this rule tells PK's unit about one cell (or file, or folder); `expected` states
        the rule for this case where it names more (the year, the kind of workbook)."""
        return Finding(pk, severity or self.severity, location or Location(""), value, message, fix, self.id,
                       expected or self.expected)


RULES: dict[str, Rule] = {}


def rule(id: str, severity: Severity, expected: str) -> Rule:
    """Register a rule; ids are unique across the paraf wing."""
    if id in RULES and RULES[id] != Rule(id, severity, expected):
        raise ValueError(f"rule {id} registered twice with different meanings")
    RULES[id] = Rule(id, severity, expected)
    return RULES[id]
