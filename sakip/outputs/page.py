"""outputs/<year>/TW<n>/index.html: where the quarter stands, for a browser (a phone included).

Made at the end of every run from what `sakip status` reads (sakip.outputs.status) and each PK's
paraf.json: the period's numbers at a glance with a small bar, then per agency each PK's verdict,
latest revision and its date, the signed fields, and links to its package, its correction
workbook, its paraf record and its place in validasi.html. Static HTML and CSS: no script, no
file from the network; every link is relative, inside the period's folder.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from .. import __version__
from ..errors import visible
from ..formatting import quarter_name, wib
from ..paraf.record import REPORT_FILE, anchor
from .files import period_dir, write_bytes
from .status import PeriodStatus, period_status

PAGE_FILE = "index.html"


@dataclass
class _Row:
    pk: str
    verdict: str
    revision: str
    made: str
    signatures: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, relative href)
    note: str = ""


def _href(path: Path, base: Path) -> str | None:
    try:
        return os.path.relpath(path, base) if path.exists() else None
    except ValueError:
        return None


def _agency_of(folder: Path, pk: str) -> str:
    try:
        return str(json.loads((folder / pk / "paraf.json").read_text(encoding="utf-8")).get("instansi") or "-")
    except (OSError, ValueError, AttributeError):
        return "-"


def rows_by_agency(report: PeriodStatus, folder: Path) -> dict[str, list[_Row]]:
    groups: dict[str, list[_Row]] = {}
    has_report = (folder / REPORT_FILE).is_file()
    for r in report.rows:
        links = []
        if r.package and (href := _href(Path(r.package), folder)):
            links.append(("paket PDF", href))
        for fix in sorted((folder / r.pk).glob("KOREKSI_*.xlsx")) if (folder / r.pk).is_dir() else []:
            links.append(("berkas koreksi", os.path.relpath(fix, folder)))
        if (folder / r.pk / "paraf.json").is_file():
            links.append(("catatan paraf", f"{r.pk}/paraf.json"))
        if has_report:
            links.append(("hasil pemeriksaan", f"{REPORT_FILE}#{anchor(r.pk)}"))
        row = _Row(r.pk, r.verdict, f"{r.revision} dari {r.revisions}" if r.revision else "-",
                   wib(r.made) if r.made else "-", r.signatures or "belum", links, r.note)
        groups.setdefault(_agency_of(folder, r.pk), []).append(row)
    return groups


def write_page(outputs: Path, year: int, quarter: int) -> Path:
    """Write the period's index.html (atomically) and return its path."""
    folder = period_dir(outputs, year, quarter)
    report = period_status(outputs, year, quarter)
    groups = rows_by_agency(report, folder)
    rows = [r for rs in groups.values() for r in rs]
    counts = {
        "diparaf": sum(r.verdict == "PARAF" for r in rows),
        "dikembalikan": sum(r.verdict == "DIKEMBALIKAN" for r in rows),
        "gagal": sum(r.verdict not in ("PARAF", "DIKEMBALIKAN") for r in rows),
        "ditandatangani": sum(r.signatures != "belum" for r in rows),
    }
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["terlihat"] = visible
    html = env.from_string(_PAGE).render(
        tahun=year, triwulan=quarter_name(quarter), groups=groups, counts=counts, total=len(rows),
        documents=[(d.pk, f"{d.revision} dari {d.revisions}" if d.revision else "-", wib(d.made) if d.made else "-",
                    _href(Path(d.package), folder) if d.package else None) for d in report.documents],
        last_run=report.last_run or "-", finished=wib(report.finished) if report.finished else "-",
        problems=report.problems, versi=__version__, has_report=(folder / REPORT_FILE).is_file(), report=REPORT_FILE)
    target = folder / PAGE_FILE
    write_bytes(target, html.encode("utf-8"))
    return target


_PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Status SAKIP {{ triwulan }} Tahun {{ tahun }}</title>
<style>
body { font-family: "Liberation Sans", Arial, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem;
       color: #1d2733; background: #fff; line-height: 1.4; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; border-bottom: 2px solid #d5dde6; padding-bottom: .25rem; }
.run { color: #556270; margin: 0 0 1rem; }
.angka { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0 .5rem; }
.angka div { border: 1px solid #d5dde6; border-radius: .4rem; padding: .5rem .9rem; min-width: 8.5rem; }
.angka b { display: block; font-size: 1.6rem; }
svg.batang { width: 100%; max-width: 40rem; height: 1.25rem; display: block; margin: .5rem 0 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
th { background: #f3f6f9; font-weight: 600; }
.PARAF { color: #17692f; font-weight: 600; }
.DIKEMBALIKAN { color: #8a5a00; font-weight: 600; }
.GAGAL { color: #a4161a; font-weight: 600; }
.tautan a { display: inline-block; margin: 0 .6rem .2rem 0; }
.catatan { color: #556270; font-size: .9rem; }
footer { color: #556270; font-size: .85rem; margin-top: 2rem; }
@media (max-width: 40rem) {
  table, thead, tbody, tr, th, td { display: block; }
  thead { display: none; }
  tr { border: 1px solid #d5dde6; border-radius: .4rem; margin: 0 0 .75rem; padding: .4rem .6rem; }
  td { border: none; padding: .15rem 0; }
  td[data-label]::before { content: attr(data-label) ": "; color: #556270; }
  td.pk { font-weight: 700; font-size: 1.05rem; }
}
td.pk, td.waktu { white-space: nowrap; }
</style>
</head>
<body>
<h1>Status SAKIP {{ triwulan }} Tahun {{ tahun }}</h1>
<p class="run">Run terakhir selesai {{ finished }}{% if has_report %} &middot; <a href="{{ report }}">hasil pemeriksaan (paraf) lengkap</a>{% endif %}</p>
<div class="angka">
<div><b>{{ total }}</b>PK</div>
<div><b class="PARAF">{{ counts.diparaf }}</b>diparaf</div>
<div><b class="DIKEMBALIKAN">{{ counts.dikembalikan }}</b>dikembalikan</div>
<div><b class="GAGAL">{{ counts.gagal }}</b>gagal</div>
<div><b>{{ counts.ditandatangani }}</b>sudah ditandatangani</div>
</div>
{% if total %}
<svg class="batang" viewBox="0 0 {{ total }} 1" preserveAspectRatio="none" role="img"
     aria-label="{{ counts.diparaf }} diparaf, {{ counts.dikembalikan }} dikembalikan, {{ counts.gagal }} gagal dari {{ total }} PK">
<rect x="0" y="0" width="{{ counts.diparaf }}" height="1" fill="#2e8b57"/>
<rect x="{{ counts.diparaf }}" y="0" width="{{ counts.dikembalikan }}" height="1" fill="#e0a100"/>
<rect x="{{ counts.diparaf + counts.dikembalikan }}" y="0" width="{{ counts.gagal }}" height="1" fill="#c0392b"/>
</svg>
{% endif %}
{% for problem in problems %}<p class="catatan">{{ problem|terlihat }}</p>{% endfor %}
{% for agency, rows in groups.items() %}
<h2>{{ agency|terlihat }}</h2>
<table>
<thead><tr><th>PK</th><th>Paraf</th><th>Revisi terakhir</th><th>Dibuat</th><th>Tanda tangan</th><th>Tautan</th></tr></thead>
<tbody>
{% for r in rows %}
<tr>
<td class="pk">{{ r.pk|terlihat }}</td>
<td data-label="Paraf"><span class="{{ r.verdict }}">{{ r.verdict|terlihat }}</span></td>
<td data-label="Revisi terakhir">{{ r.revision }}</td>
<td class="waktu" data-label="Dibuat">{{ r.made }}</td>
<td data-label="Tanda tangan">{{ r.signatures|terlihat }}</td>
<td class="tautan">{% for label, href in r.links %}<a href="{{ href }}">{{ label }}</a>{% endfor %}
{% if r.note %}<div class="catatan">{{ r.note|terlihat }}</div>{% endif %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% endfor %}
{% if documents %}
<h2>Dokumen instansi</h2>
<table>
<thead><tr><th>Dokumen</th><th>Revisi terakhir</th><th>Dibuat</th><th>Tautan</th></tr></thead>
<tbody>
{% for name, revision, made, href in documents %}
<tr><td class="pk">{{ name|terlihat }}</td><td data-label="Revisi terakhir">{{ revision }}</td><td data-label="Dibuat">{{ made }}</td>
<td class="tautan">{% if href %}<a href="{{ href }}">PDF</a>{% endif %}</td></tr>
{% endfor %}
</tbody>
</table>
{% endif %}
<footer>Dibuat oleh sakip {{ versi }} dari berkas di folder ini; run {{ last_run|terlihat }}.</footer>
</body>
</html>
"""
