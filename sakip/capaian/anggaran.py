"""Budget lines as the hierarchy their codes spell: program `5.01.02` > kegiatan `5.01.02.2.01` >
subkegiatan `5.01.02.2.01.0001`.

A line's parent is the longest other code present that is a dotted prefix of its own, so a
subkegiatan whose kegiatan is not listed hangs from the programme. A parent's pagu already
contains its children's, so a total sums only the lines with no ancestor present (the top
level), never a parent and its children. The same code in several PKs (a kegiatan shared by
units, each with its own part) is one line whose amounts are the sum of the parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar


class Coded(Protocol):
    @property
    def kode(self) -> str: ...


L = TypeVar("L", bound=Coded)
T = TypeVar("T")


def key(code: str) -> str:
    """The code as compared: no spaces, no leading or trailing dots ("5.01.02. " is "5.01.02")."""
    return "".join(str(code or "").split()).strip(".")


def _ancestors(k: str) -> list[str]:
    """Every dotted prefix of a code key, nearest first: '5.01.02.2' and '5.01.02' ... of '5.01.02.2.01'."""
    parts = k.split(".")
    return [".".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]


def _parent(k: str, present: set[str]) -> str | None:
    return next((a for a in _ancestors(k) if a in present), None) if k else None


def parent_of(code: str, codes: Iterable[str]) -> str | None:
    """The nearest ancestor of `code` among `codes` (as its key), or None at the top level."""
    return _parent(key(code), {key(c) for c in codes})


def _code(x: Any) -> str:
    return x.kode


def top_level(lines: Sequence[T], code: Callable[[T], str] = _code) -> list[T]:
    """The lines whose code has no ancestor among the lines: the ones a total adds up. `code`
    reads a line's code (default: its `kode`; e.g. `lambda b: b["kode_program"]` for ingest's rows)."""
    present = {key(code(x)) for x in lines}
    return [x for x in lines if _parent(key(code(x)), present) is None]


class Tree:
    """The lines of one agency indexed by code: who holds a code, and a code's direct children."""

    def __init__(self, lines: Sequence[L]) -> None:
        self.lines = list(lines)
        self.codes = {key(x.kode) for x in self.lines}
        self.holders: dict[str, list[L]] = {}
        self.children: dict[str, list[L]] = {}
        self.parent: dict[str, str | None] = {}
        for x in self.lines:
            k = key(x.kode)
            self.holders.setdefault(k, []).append(x)
            if k not in self.parent:
                self.parent[k] = _parent(k, self.codes)
            if (p := self.parent[k]) is not None:
                self.children.setdefault(p, []).append(x)

    def parent_of(self, code: str) -> str | None:
        return self.parent.get(key(code))

    def holders_of(self, code: str) -> list:
        return self.holders.get(key(code), [])

    def children_of(self, code: str) -> list:
        return self.children.get(key(code), [])


def sort_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Codes in budget order, each parent directly before its children (numbers as numbers)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in key(code).split("."))


def in_tree_order(lines: Sequence[T], code: Callable[[T], str] = _code) -> list[tuple[int, T]]:
    """(depth, line) with every parent followed by its descendants; lines of one code keep their order."""
    present = {key(code(x)) for x in lines}
    ordered = sorted(lines, key=lambda x: sort_key(code(x)))
    return [(sum(a in present for a in _ancestors(key(code(x)))), x) for x in ordered]


def known_sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the known values; None when none is known."""
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if known else None


@dataclass(frozen=True)
class Excess:
    """Children whose amounts together exceed their parent's."""

    parent: str  # the parent's code (key)
    parents: tuple  # the lines holding the parent's code (one per PK holding a part)
    children: tuple  # the direct children (nearest ancestor = parent)
    parent_total: Decimal
    children_total: Decimal


def excesses(lines: Sequence[L], amount: Callable[[L], Decimal | None]) -> list[Excess]:
    """Every parent whose direct children's `amount` sums above its own (summed over the lines
    holding its code); a parent whose own amount is unknown is not judged, unknown children
    count as nothing (the known ones already exceeding is an excess)."""
    tree = Tree(lines)
    out = []
    for parent, kids in tree.children.items():
        holders = tuple(tree.holders[parent])
        own = known_sum(amount(x) for x in holders)
        theirs = known_sum(amount(x) for x in kids)
        if own is not None and theirs is not None and theirs > own:
            out.append(Excess(parent, holders, tuple(kids), own, theirs))
    return sorted(out, key=lambda e: sort_key(e.parent))
