"""The paraf record per PK and the validation page per period."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from html.parser import HTMLParser

from sakip.paraf import record as paraf_report

from tests.conftest import ROOT


def test_record_names_the_suites_by_content_hash(period_tw2, verdicts_tw2, suites, tmp_path):
    written = paraf_report.write_records(period_tw2, verdicts_tw2, tmp_path)
    assert set(written) == set(verdicts_tw2)
    record = json.loads(written["PK-SEK"].read_text())
    assert [(s["berkas"], s["sha256"]) for s in record["suite"]] == [
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in (ROOT / f"expectations/{n}.json" for n in ("pejabat", "pk", "ra", "realisasi", "anggaran"))]
    code = hashlib.sha256((ROOT / "sakip/paraf/expectations.py").read_bytes() + (ROOT / "sakip/paraf/asn.py").read_bytes())
    assert record["kode_expectation_sha256"] == code.hexdigest()
    total = sum(len(s.checks) for s in suites)
    assert record["status"] == "PARAF" and record["ringkasan"]["aturan"] == total == record["ringkasan"]["sesuai"]
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


def test_lembar_paraf_shows_time_and_rules_in_officials_words(period_tw2, verdicts_tw2):
    """The page officials sign names how many rules were checked, not suite files or hashes
    (those are in paraf.json, the manifest and validasi.html for auditors)."""
    from sakip.documents import render

    cfg = period_tw2.config
    result = verdicts_tw2["PK-SEK"]
    ctx = render.paraf_context(cfg, "PK-SEK", period_tw2.official("PK-SEK"), result,
                               render.Period(2026, 2, result.checked_at.date()))
    assert ctx["diperiksa_pada"].endswith("WIB")
    assert ctx["aturan_sumber"].startswith(f"{len(result.checks)} aturan pemeriksaan dalam 5 kelompok")
    assert not any(s["sha256"][:12] in ctx["aturan_sumber"] or s["berkas"] in ctx["aturan_sumber"] for s in result.suites)
    assert "SHA" not in ctx["aturan_sumber"] and ".json" not in ctx["aturan_sumber"]
    assert [c["hasil"] for c in ctx["pemeriksaan"]] == [f"{n} dari {n} aturan sesuai" for n in (6, 11, 7, 9, 9)]
