"""The paraf record per PK and the validation page per period."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import shutil
from html.parser import HTMLParser

import pytest

from sakip.paraf import record as paraf_report
from sakip.paraf.rules import RULES

from tests.conftest import ROOT


def test_record_names_the_suites_by_content_hash(period_tw2, verdicts_tw2, suites, tmp_path):
    written = paraf_report.write_records(period_tw2, verdicts_tw2, tmp_path)
    assert set(written) == set(verdicts_tw2)
    record = json.loads(written["PK-SEK"].read_text())
    assert [(s["berkas"], s["sha256"]) for s in record["suite"]] == [
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in (ROOT / f"expectations/{n}.json" for n in ("pejabat", "pk", "ra", "realisasi", "anggaran"))]
    assert record["kode_aturan_sha256"] == paraf_report.rule_code_sha256(ROOT / "sakip" / "paraf")
    total = sum(len(s.checks) for s in suites) + len(RULES)
    assert record["status"] == "PARAF" and record["ringkasan"]["aturan"] == total == record["ringkasan"]["sesuai"]
    listed = {f"{r['suite']}.{r['id']}": r for r in record["aturan"]}
    assert set(RULES) <= set(listed)
    assert listed["capaian.negatif"] == {"suite": "capaian", "id": "negatif", "jenis": "aturan_sakip",
                                         "uraian": "Capaian tidak negatif", "tingkat": "warning",
                                         "baris_gagal": 0, "hasil": "Sesuai"}
    assert listed["pk.persen_besar"] == {"suite": "pk", "id": "persen_besar", "jenis": "expect_column_values_to_be_between",
                                         "uraian": "Persentase tidak jauh di atas 100", "tingkat": "warning",
                                         "baris_gagal": 0, "hasil": "Sesuai"}
    assert record["diperiksa_pada"].endswith("+07:00")
    assert record["pemeriksa"]["nama"] == "DEWI LESTARI, S.Kom., M.M."


def test_record_of_a_returned_pk_counts_rules_and_findings(period_tw2, verdicts_tw2, suites):
    record = paraf_report.record(period_tw2, verdicts_tw2["PK-IRBAN3"])
    assert record["status"] == "DIKEMBALIKAN"
    s = record["ringkasan"]
    assert (s["temuan_galat"], s["temuan_peringatan"]) == (4, 1)
    failed = {r["id"]: r["baris_gagal"] for r in record["aturan"] if r["baris_gagal"]}
    assert failed == {"realisasi_angka": 1, "realisasi_terisi": 1, "realisasi_sel_angka": 1,
                      "kendala_terisi": 1, "tindak_lanjut_terisi": 1}
    assert s["sesuai"] == s["aturan"] - 5 and (s["aturan_galat"], s["aturan_peringatan"]) == (4, 1)
    assert {(t["sheet"], t["sel"]) for t in record["temuan"]} == {("Realisasi", c) for c in ("I5", "I6", "I7", "J8", "K8")}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text, self.links, self.scripts, self.ids = [], [], 0, []

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.links += [v for k, v in attrs if k == "href"]
        self.ids += [v for k, v in attrs if k == "id"]

    def handle_data(self, data):
        self.text.append(data)


def test_validation_page_lists_every_pk_and_escapes_what_officials_wrote(period_tw2, verdicts_tw2, suites, tmp_path):
    verdicts = dict(verdicts_tw2)
    bad = verdicts["PK-IRBAN3"]
    hostile = dataclasses.replace(bad.findings[0], value="<script>alert(1)</script> & co")
    verdicts["PK-IRBAN3"] = dataclasses.replace(bad, findings=[hostile, *bad.findings[1:]])
    fix = tmp_path / "2026/TW2/PK-IRBAN3/KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx"
    page = paraf_report.write_report(period_tw2, verdicts, {"PK-IRBAN3": [fix]}, tmp_path)
    assert page == tmp_path / "2026/TW2/validasi.html"
    html = page.read_text()
    parsed = _Text()
    parsed.feed(html)
    text = " ".join(parsed.text)
    assert parsed.scripts == 0 and "<script>alert(1)</script> & co" in text
    assert "4 PK diparaf, 1 PK dikembalikan" in text
    assert all(pk in text for pk in verdicts)
    assert "PK-IRBAN3/KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx" in parsed.links
    for f in bad.findings[1:]:
        assert f.message in text
    assert all(c.id in text for s in suites for c in s.checks)


def test_every_pk_link_of_the_validation_page_has_its_section(period_tw2, verdicts_tw2, tmp_path):
    """PKs without findings are linked from the summary table too: each in-page link must land."""
    page = paraf_report.write_report(period_tw2, verdicts_tw2, {}, tmp_path)
    parsed = _Text()
    parsed.feed(page.read_text())
    anchors = [h[1:] for h in parsed.links if h.startswith("#")]
    assert len(anchors) == len(verdicts_tw2) == 5
    assert set(anchors) <= set(parsed.ids)
    assert "Tidak ada temuan" in " ".join(parsed.text)


def test_lembar_paraf_shows_time_and_rules_in_officials_words(period_tw2, verdicts_tw2, suites):
    """The page officials sign names how many rules were checked, not suite files or hashes
    (those are in paraf.json, the manifest and validasi.html for auditors)."""
    from sakip.documents import render

    cfg = period_tw2.config
    result = verdicts_tw2["PK-SEK"]
    ctx = render.paraf_context(cfg, "PK-SEK", period_tw2.official("PK-SEK"), result,
                               render.Period(2026, 2, result.checked_at.date()))
    assert ctx["diperiksa_pada"].endswith("WIB")
    assert ctx["aturan_sumber"].startswith(f"{len(result.checks)} aturan pemeriksaan dalam 7 kelompok")
    assert not any(s["sha256"][:12] in ctx["aturan_sumber"] or s["berkas"] in ctx["aturan_sumber"] for s in result.suites)
    assert "SHA" not in ctx["aturan_sumber"] and ".json" not in ctx["aturan_sumber"]
    # A row per suite and per group of rules; a rule whose prefix is a suite (realisasi.kode_dikenal)
    # is counted with that suite's expectations.
    counts = [sum(len(s.checks) for s in suites if s.name == g.name) + sum(r.startswith(f"{g.name}.") for r in RULES)
              for g in result.groups]
    assert [c["hasil"] for c in ctx["pemeriksaan"]] == [f"{n} dari {n} aturan sesuai" for n in counts]
    assert sum(counts) == len(result.checks) == sum(len(s.checks) for s in suites) + len(RULES)
    assert [g.name for g in result.groups] == ["berkas", "pejabat", "pk", "ra", "realisasi", "anggaran", "capaian"]
    assert ctx["pemeriksaan"][0]["uraian"].startswith("Berkas yang diterima")
    assert ctx["pemeriksaan"][6]["uraian"].startswith("Kewajaran nilai capaian")


def test_lembar_paraf_names_a_rule_outside_gx_that_flagged_something(suites):
    from sakip.capaian import rules as capaian
    from sakip.documents import render
    from sakip.ingest import workbooks as ingest
    from sakip.paraf import suites as paraf

    from tests.conftest import INPUTS

    period = ingest.read_period(INPUTS, 2026, 1).only(["PK-IRBAN2"])  # IK-03: capaian -20 %
    result = paraf.run(period, capaian.compute(period), suites)["PK-IRBAN2"]
    ctx = render.paraf_context(period.config, "PK-IRBAN2", period.official("PK-IRBAN2"), result,
                               render.Period(2026, 1, result.checked_at.date()))
    row = next(c for c in ctx["pemeriksaan"] if c["uraian"].startswith("Kewajaran nilai capaian"))
    assert row["hasil"] == "4 dari 5 aturan sesuai; Capaian tidak negatif: 1 peringatan"
    record = paraf_report.record(period, result)
    assert record["ringkasan"]["aturan_peringatan"] == 1 and record["ringkasan"]["temuan_peringatan"] == 1


# --- the fingerprint of the rules: every source file of the paraf wing -------------------------

def _wing(tmp_path, name):
    copy = tmp_path / name
    shutil.copytree(ROOT / "sakip" / "paraf", copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _edit(path, old, new):
    source = path.read_text()
    assert source.count(old) == 1, (path, old)
    path.write_text(source.replace(old, new))


def _first_rule_severity_flipped(path):
    """Change the severity of the first rule `path` registers: a check's meaning, changed in code."""
    source = path.read_text()
    call = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "rule")
    lines = source.splitlines(keepends=True)
    arg = call.args[1]
    start = sum(len(x) for x in lines[:arg.lineno - 1]) + arg.col_offset
    end = sum(len(x) for x in lines[:arg.end_lineno - 1]) + arg.end_col_offset
    flipped = '"warning"' if "error" in source[start:end] else '"error"'
    path.write_text(source[:start] + flipped + source[end:])


# The module ingest's file checks move into (branch i23-h1a), or else the one holding the paraf
# wing's own "berkas." rule today.
INGEST_RULES = "berkas.py" if (ROOT / "sakip" / "paraf" / "berkas.py").exists() else "suites.py"


def test_an_unchanged_copy_of_the_paraf_wing_has_the_same_fingerprint(tmp_path):
    assert paraf_report.rule_code_sha256(_wing(tmp_path, "salinan")) == paraf_report.rule_code_sha256()


@pytest.mark.parametrize("edit", [
    lambda wing: _edit(wing / "nilai.py", "0 <= 2 * values[0] <= values[-1]", "0 <= 3 * values[0] <= values[-1]"),
    lambda wing: _edit(wing / "nilai.py", "realisasi lebih dari dua kali target\",", "realisasi lebih dari tiga kali target\","),
    lambda wing: _first_rule_severity_flipped(wing / INGEST_RULES),
    lambda wing: (wing / "baru.py").write_text("from .rules import rule\n"),
    lambda wing: (wing / "asn.py").unlink(),
    lambda wing: (wing / "nilai.py").rename(wing / "nilai2.py"),
], ids=["nilai-ambang", "nilai-pesan", f"{INGEST_RULES}-tingkat", "modul-baru", "modul-hilang",
        "modul-berganti-nama"])
def test_changing_any_checks_code_changes_the_fingerprint(tmp_path, edit):
    wing = _wing(tmp_path, "diubah")
    edit(wing)
    assert paraf_report.rule_code_sha256(wing) != paraf_report.rule_code_sha256()


def test_every_module_of_the_paraf_wing_is_in_the_fingerprint(tmp_path):
    modules = sorted(p.relative_to(ROOT / "sakip" / "paraf") for p in (ROOT / "sakip" / "paraf").rglob("*.py"))
    assert {"nilai.py", "suites.py", "koreksi.py", "rules.py", "record.py"} <= {p.as_posix() for p in modules}
    for n, module in enumerate(modules):
        wing = _wing(tmp_path, f"salinan{n}")
        (wing / module).write_text((wing / module).read_text() + "\n")
        assert paraf_report.rule_code_sha256(wing) != paraf_report.rule_code_sha256(), module
