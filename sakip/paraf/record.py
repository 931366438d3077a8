"""What the paraf step leaves behind: a paraf record per PK and a validation page per period.

The record (``paraf.json``) is the evidence of the check the supervisor used to do by hand:
which suites ran (with the SHA-256 of each suite file and of the paraf wing's code, which gives
the custom expectations and every rule outside GX their meaning, so a later reader can tell
exactly which rules were applied), when, what each rule (GX or not) found, and the verdict. The
Lembar Paraf page of the package is rendered from the same result.
Each revision of a package holds the record of the check that let its data through
(``<PK>/rev-NN/paraf.json``, listed in its manifest); ``<PK>/paraf.json`` is the record of the
latest run's check, which for a returned PK is what its correction workbook answers.

The validation page (``validasi.html``) is for planners: every PK of the period with its verdict
and findings, in one self-contained HTML file that opens in any browser without a server.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment

from .. import __version__
from ..errors import visible
from ..formatting import quarter_name, wib
from ..model import PeriodData
from ..outputs.files import period_dir, pk_dir, state_dir, write_bytes
from .suites import ParafResult

# The code that gives the rules their meaning (custom expectation types, the checks GX cannot
# express, how findings are made): part of "which rules were applied".
PARAF_WING = Path(__file__).parent


@cache
def rule_code_sha256(root: Path = PARAF_WING) -> str:
    """SHA-256 of every source file under `root` (the paraf wing), by relative name in sorted
    order: editing, adding, renaming or removing any check's code changes it."""
    h = hashlib.sha256()
    for name in sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py")):
        data = (root / name).read_bytes()
        # Each name and length delimits its file: two files cannot run together into the same bytes.
        h.update(f"{name}\0{len(data)}\0".encode() + data)
    return h.hexdigest()


def finding_dict(f: Any) -> dict[str, str]:
    return {"tingkat": f.severity, "pemeriksaan": f.check, "berkas": f.location.file, "sheet": f.location.sheet,
            "sel": f.location.cell, "nilai": f.value, "pesan": f.message, "diharapkan": f.expected,
            "perbaikan": f.fix}


def record(period: PeriodData, result: ParafResult) -> dict[str, Any]:
    """The paraf record of one PK as a JSON-ready dict."""
    cfg = period.config_for(result.pk)
    owner = cfg.official_by_nip(str(period.pks.loc[period.pks["pk"] == result.pk, "nip"].iloc[0])) \
        if not period.pks.empty and result.pk in set(period.pks["pk"]) else None
    checker = cfg.pejabat[cfg.pemeriksa_untuk(owner[0] if owner else "")]
    rules = []
    for check in result.checks:
        rules.append({"suite": check.suite, "id": check.id, "jenis": check.name, "uraian": check.description,
                      "tingkat": check.severity, "baris_gagal": result.failed(check), "hasil": result.outcome(check)})
    failed_rules = Counter(r["tingkat"] for r in rules if r["baris_gagal"])
    return {
        "pk": result.pk, "tahun": period.year, "triwulan": period.quarter, "instansi": cfg.instansi.nama,
        "status": result.verdict,
        "diperiksa_pada": result.checked_at.isoformat() if result.checked_at else None,
        "pemeriksa": {"nama": checker.nama, "nip": checker.nip, "jabatan": checker.jabatan_lengkap},
        "versi_sakip": __version__,
        "suite": [{k: s[k] for k in ("nama", "berkas", "sha256", "jumlah_aturan")} for s in result.suites],
        "kode_aturan_sha256": rule_code_sha256(),
        "ringkasan": {"aturan": len(rules), "sesuai": sum(1 for r in rules if not r["baris_gagal"]),
                      "aturan_galat": failed_rules["error"], "aturan_peringatan": failed_rules["warning"],
                      "temuan_galat": len(result.errors), "temuan_peringatan": len(result.warnings)},
        "aturan": rules,
        "temuan": [finding_dict(f) for f in result.findings],
    }


RECORD_FILE = "paraf.json"


def write_record(period: PeriodData, result: ParafResult, path: Path) -> Path:
    return write_bytes(path, json.dumps(record(period, result), ensure_ascii=False, indent=2).encode())


def write_records(period: PeriodData, verdicts: dict[str, ParafResult], outputs: Path) -> dict[str, Path]:
    """The latest check's paraf.json in every PK's output folder."""
    return {pk: write_record(period, result, pk_dir(outputs, period.year, period.quarter, pk) / RECORD_FILE)
            for pk, result in verdicts.items()}


_PAGE = """<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>Pemeriksaan data kinerja {{ triwulan }} {{ tahun }}</title>
<style>
body { font-family: "Liberation Sans", Arial, sans-serif; margin: 2em; color: #222; max-width: 80em; }
h1 { font-size: 1.4em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-size: .9em; }
th, td { border: 1px solid #bbb; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #e8edf5; }
.PARAF { color: #0a6b2d; font-weight: bold; } .DIKEMBALIKAN { color: #a4000f; font-weight: bold; }
tr.error td:first-child { background: #ffc7ce; } tr.warning td:first-child { background: #ffeb9c; }
.muted { color: #666; font-size: .85em; } code { font-size: .85em; }
</style>
</head>
<body>
<h1>Hasil pemeriksaan (paraf) data kinerja {{ triwulan }} Tahun {{ tahun }}</h1>
<p class="muted">Diperiksa pada {{ waktu }} dengan sakip {{ versi }}.
{{ jumlah.PARAF }} PK diparaf, {{ jumlah.DIKEMBALIKAN }} PK dikembalikan kepada unitnya.</p>

<h2>Ringkasan per PK</h2>
<table>
<tr><th>PK</th><th>Instansi</th><th>Pejabat</th><th>Status</th><th>Galat</th><th>Peringatan</th><th>Lembar koreksi</th></tr>
{% for p in pks %}
<tr><td><a href="#{{ p.anchor }}">{{ p.pk }}</a></td><td>{{ p.instansi }}</td><td>{{ p.pejabat }}</td>
<td class="{{ p.status }}">{{ p.status }}{% if p.sebelumnya %} <span class="muted">(pemeriksaan sebelumnya)</span>{% endif %}</td><td>{{ p.galat }}</td><td>{{ p.peringatan }}</td>
<td>{% for k in p.koreksi %}<a href="{{ k.href }}">{{ k.nama }}</a><br>{% else %}-{% endfor %}</td></tr>
{% endfor %}
</table>

{% for p in pks %}
<h2 id="{{ p.anchor }}">{{ p.pk }} &mdash; <span class="{{ p.status }}">{{ p.status }}</span></h2>
{% if not p.temuan %}
<p>Tidak ada temuan: semua aturan pemeriksaan sesuai.</p>
{% else %}
<table>
<tr><th>Tingkat</th><th>Berkas</th><th>Sheet</th><th>Sel</th><th>Nilai tertulis</th><th>Temuan</th><th>Yang diharapkan</th><th>Cara memperbaiki</th></tr>
{% for f in p.temuan %}
<tr class="{{ f.tingkat }}"><td>{{ "Galat" if f.tingkat == "error" else "Peringatan" }}</td><td>{{ f.berkas | terlihat }}</td>
<td>{{ f.sheet | terlihat }}</td><td>{{ f.sel }}</td><td>{{ f.nilai }}</td><td>{{ f.pesan }}</td><td>{{ f.diharapkan or "-" }}</td><td>{{ f.perbaikan }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% endfor %}

{% if berkas_tanpa_pk %}
<h2>Berkas yang tidak dapat dikaitkan dengan PK</h2>
<ul>{% for b in berkas_tanpa_pk %}<li>{{ b }}</li>{% endfor %}</ul>
{% endif %}

<h2>Aturan pemeriksaan</h2>
<table>
<tr><th>Kelompok</th><th>Aturan</th><th>Tingkat</th><th>Uraian</th><th>PK yang tidak sesuai</th></tr>
{% for a in aturan %}
<tr><td>{{ a.suite }}</td><td><code>{{ a.id }}</code></td><td>{{ "Galat" if a.tingkat == "error" else "Peringatan" }}</td>
<td>{{ a.uraian }}</td><td>{{ a.gagal | join(", ") or "-" }}</td></tr>
{% endfor %}
</table>
<p class="muted">Suite: {% for s in suite %}{{ s.berkas }} ({{ s.jumlah_aturan }} aturan, sha256 <code>{{ s.sha256[:12] }}</code>){{ ", " if not loop.last }}{% endfor %};
kode aturan sha256 <code>{{ kode_sha[:12] }}</code>.</p>
</body>
</html>
"""


def anchor(pk: str) -> str:
    """The id of a PK's part of validasi.html (the status page links there)."""
    return f"pk-{hashlib.sha1(pk.encode()).hexdigest()[:10]}"


_anchor = anchor


def earlier_entries(folder: Path, exclude: set[str]) -> list[dict[str, Any]]:
    """The page entries of the PKs a rerun with --pk did not check, from the paraf.json each one's
    last check left (a record that cannot be read is listed as such, never dropped)."""
    out = []
    for record_file in sorted(folder.glob(f"*/{RECORD_FILE}")):
        pk = record_file.parent.name
        if pk in exclude or pk.startswith((".", "_")):
            continue
        try:
            data = json.loads(record_file.read_bytes())
            findings = [{k: str(f.get(k) or "") for k in ("tingkat", "pemeriksaan", "berkas", "sheet", "sel", "nilai",
                                                          "pesan", "diharapkan", "perbaikan")} for f in data["temuan"]]
            status = str(data["status"])
            failing = [f"{r['suite']}.{r['id']}" for r in data.get("aturan", []) if r.get("baris_gagal")]
            instansi = str(data.get("instansi") or "-")
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            findings, status, failing, instansi = [], "RUSAK", [], "-"
        links = [{"nama": p.name, "href": Path(os.path.relpath(p, folder)).as_posix()}
                 for p in sorted(record_file.parent.glob("KOREKSI_*.xlsx"))] if status == "DIKEMBALIKAN" else []
        out.append({"pk": pk, "anchor": _anchor(pk), "instansi": instansi, "pejabat": "-", "status": status,
                    "galat": sum(f["tingkat"] == "error" for f in findings),
                    "peringatan": sum(f["tingkat"] == "warning" for f in findings), "koreksi": links,
                    "temuan": findings, "gagal": failing, "sebelumnya": True})
    return out


REPORT_FILE = "validasi.html"


def write_report(period: PeriodData, verdicts: dict[str, ParafResult], corrections: dict[str, list[Path]],
                 outputs: Path, keep_others: bool = False, agency: str | None = None) -> Path:
    """validasi.html for the period: every PK's verdict and findings, and every rule's outcome.
    `keep_others` (a rerun with --pk): the period's other PKs stay on the page as their last
    check left them. With `agency` (its run in a fanned-out period), the page of that agency's
    PKs, in its state folder; the period's page is then gathered (write_gathered_report)."""
    folder = period_dir(outputs, period.year, period.quarter)
    target = state_dir(outputs, period.year, period.quarter, agency) / REPORT_FILE
    names = dict(zip(period.pks["pk"], period.pks["nama"])) if not period.pks.empty else {}
    pks, failing = [], {}
    for pk, result in verdicts.items():
        links = [{"nama": p.name, "href": Path(os.path.relpath(p, target.parent)).as_posix()}
                 for p in corrections.get(pk, [])]
        pks.append({"pk": pk, "anchor": _anchor(pk),
                    "instansi": period.config_for(pk).instansi.nama, "pejabat": names.get(pk) or "-",
                    "status": result.verdict, "galat": len(result.errors), "peringatan": len(result.warnings),
                    "koreksi": links, "temuan": [finding_dict(f) for f in result.findings]})
        for key, n in result.failures.items():
            if n:
                failing.setdefault(key, []).append(pk)
    if keep_others:
        for entry in earlier_entries(folder, set(verdicts)):
            pks.append(entry)
            for key in entry["gagal"]:
                failing.setdefault(key, []).append(entry["pk"])
        pks.sort(key=lambda p: p["pk"])
    # Every verdict of a run carries the same rules and suites.
    first = next(iter(verdicts.values()), ParafResult("", "PARAF"))
    rules = [{"suite": c.suite, "id": c.id, "tingkat": c.severity, "uraian": c.description,
              "gagal": failing.get(f"{c.suite}.{c.id}", [])} for c in first.checks]
    return _write_page(target, period.year, period.quarter, first.checked_at, pks, rules, first.suites, period.orphans)


def _write_page(target: Path, year: int, quarter: int, checked: Any, pks: list[dict[str, Any]],
                rules: list[dict[str, Any]], suites: Any, orphans: list[str]) -> Path:
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["terlihat"] = visible  # file and sheet names as they are, never reordering the page (U+202E)
    html = env.from_string(_PAGE).render(
        tahun=year, triwulan=quarter_name(quarter), versi=__version__,
        waktu=wib(checked) if checked else "-",
        jumlah={v: sum(1 for p in pks if p["status"] == v) for v in ("PARAF", "DIKEMBALIKAN")},
        pks=pks, aturan=rules, suite=suites, kode_sha=rule_code_sha256(), berkas_tanpa_pk=orphans)
    return write_bytes(target, html.encode())


def write_gathered_report(outputs: Path, year: int, quarter: int, officials: dict[str, str],
                          orphans: list[str]) -> Path:
    """The period's validasi.html after its agencies ran apart: every PK in `officials` (PK ->
    official, in the period's order) as its paraf.json records it, the rules as those records
    list them."""
    folder = period_dir(outputs, year, quarter)
    entries = {e["pk"]: e for e in earlier_entries(folder, set())}
    pks, failing, rules, checked, suites = [], {}, [], None, None
    for pk, official in officials.items():
        entry = entries.get(pk)
        if entry is None:  # failed before its paraf record was written
            continue
        pks.append({**entry, "pejabat": official or "-", "sebelumnya": False})
        for key in entry["gagal"]:
            failing.setdefault(key, []).append(pk)
        if not rules:
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                data = json.loads((folder / pk / RECORD_FILE).read_bytes())
                rules = [{k: r[k] for k in ("suite", "id", "tingkat", "uraian")} for r in data["aturan"]]
                checked, suites = data.get("diperiksa_pada"), data.get("suite")
    for rule in rules:
        rule["gagal"] = failing.get(f"{rule['suite']}.{rule['id']}", [])
    return _write_page(folder / REPORT_FILE, year, quarter, checked, pks, rules, suites or [], orphans)
