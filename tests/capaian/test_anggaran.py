"""Budget lines as a hierarchy by code: what a total adds, the order tables print, what exceeds."""

from dataclasses import dataclass
from decimal import Decimal as D

from sakip.capaian import anggaran


@dataclass(frozen=True)
class Line:
    kode: str
    pagu: D | None
    pk: str = "PK-A"


THREE_LEVELS = [
    Line("1.01.02.2.01.0002", D(300), "PK-C"),
    Line("1.01.02", D(1000), "PK-A"),
    Line("1.01.02.2.01", D(600), "PK-B"),
    Line("1.01.02.2.01.0001", D(250), "PK-C"),
    Line("1.01.03.2.01", D(200), "PK-B"),  # a kegiatan whose programme no PK lists: top level itself
    Line("1.01.02.2.02", D(350), "PK-B"),
]


def test_a_total_adds_the_top_level_only():
    top = anggaran.top_level(THREE_LEVELS)
    assert [x.kode for x in top] == ["1.01.02", "1.01.03.2.01"]
    assert anggaran.known_sum(x.pagu for x in top) == D(1200)


def test_tables_print_each_parent_before_its_children_with_their_depth():
    assert [(d, x.kode) for d, x in anggaran.in_tree_order(THREE_LEVELS)] == [
        (0, "1.01.02"), (1, "1.01.02.2.01"), (2, "1.01.02.2.01.0001"), (2, "1.01.02.2.01.0002"), (1, "1.01.02.2.02"),
        (0, "1.01.03.2.01")]


def test_parents_are_the_nearest_code_present_and_codes_are_compared_without_spaces():
    codes = {"5.01.02", "5.01.02.2.01"}
    assert anggaran.parent_of("5.01.02.2.01.0001", codes) == "5.01.02.2.01"
    assert anggaran.parent_of(" 5.01.02.2.07.0001 ", codes) == "5.01.02"  # its kegiatan is not listed
    assert anggaran.parent_of("5.01.020", codes) is None  # a prefix of the text, not of the code
    assert anggaran.parent_of("5.01.02", codes) is None


def test_children_above_their_parent_are_found_at_every_level():
    assert anggaran.excesses(THREE_LEVELS, lambda x: x.pagu) == []  # 600+350 <= 1000, 250+300 <= 600
    bigger = [x if x.kode != "1.01.02.2.01.0002" else Line(x.kode, D(400), x.pk) for x in THREE_LEVELS]
    found = anggaran.excesses(bigger, lambda x: x.pagu)
    assert [(e.parent, e.parent_total, e.children_total, [c.kode for c in e.children]) for e in found] == [
        ("1.01.02.2.01", D(600), D(650), ["1.01.02.2.01.0002", "1.01.02.2.01.0001"])]
    # One kegiatan shared by units is one line: its parts add up against the programme.
    shared = [Line("5.01.02", D(100), "PK-H"), Line("5.01.02.2.01", D(60), "PK-1"), Line("5.01.02.2.01", D(50), "PK-2")]
    assert [(e.parent, e.children_total) for e in anggaran.excesses(shared, lambda x: x.pagu)] == [("5.01.02", D(110))]
    assert anggaran.known_sum(x.pagu for x in anggaran.top_level(shared)) == D(100)


def test_rows_as_ingest_reads_them_name_their_code_by_a_function():
    rows = [{"kode_program": "5.01.02", "pagu": D(10)}, {"kode_program": "5.01.02.2.01", "pagu": D(4)}]
    assert anggaran.top_level(rows, code=lambda b: b["kode_program"]) == rows[:1]
    assert [d for d, _ in anggaran.in_tree_order(rows[::-1], code=lambda b: b["kode_program"])] == [0, 1]
