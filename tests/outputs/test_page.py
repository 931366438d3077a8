"""The period's status page (sakip/outputs/page.py), made by the demo run of tests/conftest.py
(run_tw2): what it says against the run's own records, and the page in a real browser.

Headless Chromium (Debian's package, installed by `make setup`) loads the page from disk: every
link of the DOM it built resolves to a file of the period or an anchor of validasi.html, and
screenshots at 1280 and 390 pixels wide are compared with reviewed images (tests/golden/page-*.png,
looked at by a person before being committed; times and the run id differ between runs, which the
tolerance allows: a moved block does not pass). To accept a reviewed change:
`SAKIP_UPDATE_GOLDEN=1 .venv/bin/pytest tests/outputs/test_page.py`.
"""

import html
import json
import os
import shutil
import subprocess
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from sakip.paraf.record import anchor

from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
TOLERANCE = 2.0  # mean absolute difference per pixel of 255 (grey): other digits pass, a moved block does not
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


def _parse(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    return parser


def _check_links(page: Path, hrefs: list[str]) -> None:
    folder = page.parent
    for href in hrefs:
        target, _, fragment = urllib.parse.unquote(href).partition("#")
        assert not urllib.parse.urlparse(href).scheme or href.startswith("file:"), href
        path = (Path(urllib.parse.urlparse(target).path) if target.startswith("file:")
                else folder / target if target else page)
        assert path.resolve().is_relative_to(folder.resolve()), href
        assert path.is_file(), href
        if fragment:
            assert fragment in _parse(path.read_text(encoding="utf-8")).ids, href


def test_the_page_says_what_the_run_recorded(run_tw2):
    _, out, _, _ = run_tw2
    period = out / "2026/TW2"
    page = period / "index.html"
    parsed = _parse(page.read_text(encoding="utf-8"))
    words = " ".join(" ".join(parsed.text).split())
    summary = json.loads((period / "ringkasan.json").read_text())
    assert "Status SAKIP Triwulan II Tahun 2026" in words and "Inspektorat Daerah Kabupaten Sukamaju" in words
    for row in summary["pk"]:
        assert f"{row['pk']} {row['status']}" in words
        if row["status"] == "PARAF":
            assert f"{row['pk']} PARAF 1 dari 1" in words
            assert any(h.startswith(f"{row['pk']}/") and h.endswith(".pdf") for h in parsed.hrefs)
        assert f"validasi.html#{anchor(row['pk'])}" in parsed.hrefs
        assert f"{row['pk']}/paraf.json" in parsed.hrefs
    assert "PK-IRBAN3/KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx" in parsed.hrefs
    counts = {s: sum(r["status"] == s for r in summary["pk"]) for s in ("PARAF", "DIKEMBALIKAN")}
    assert f"{len(summary['pk'])} PK {counts['PARAF']} diparaf {counts['DIKEMBALIKAN']} dikembalikan 0 gagal 0 sudah ditandatangani" in words
    _check_links(page, parsed.hrefs)
    assert "<script" not in page.read_text()
    # and validasi.html, which the page links to: each of its links lands too
    report = period / "validasi.html"
    _check_links(report, [html.unescape(h) for h in _parse(report.read_text(encoding="utf-8")).hrefs])


def _chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--user-data-dir=" + args[0], *args[1:]],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium tidak terpasang (Debian: apt-get install chromium; make setup memasangnya)")
def test_the_page_in_a_browser_links_resolve_and_looks_as_reviewed(run_tw2, tmp_path):
    _, out, _, _ = run_tw2
    page = out / "2026/TW2/index.html"
    dom = _chromium(str(tmp_path / "profil"), "--dump-dom", page.as_uri())
    assert dom.returncode == 0 and "<table" in dom.stdout, dom.stderr[-2000:]
    hrefs = _parse(dom.stdout).hrefs
    assert len(hrefs) >= 15
    _check_links(page, [html.unescape(h) for h in hrefs])

    for width, height in ((1280, 900), (390, 1500)):
        shot = tmp_path / f"page-{width}.png"
        done = _chromium(str(tmp_path / "profil"), f"--window-size={width},{height}", f"--screenshot={shot}", page.as_uri())
        assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
        golden = GOLDEN / f"page-{width}.png"
        image = Image.open(shot).convert("L")
        if os.environ.get("SAKIP_UPDATE_GOLDEN"):
            image.save(golden)
            continue
        assert golden.is_file(), f"no reviewed image {golden.name}; look at {shot}, then SAKIP_UPDATE_GOLDEN=1"
        reviewed = Image.open(golden).convert("L")
        assert image.size == reviewed.size, (image.size, reviewed.size)
        difference = ImageStat.Stat(ImageChops.difference(image, reviewed)).mean[0]
        assert difference < TOLERANCE, f"{shot} differs from {golden.name} by {difference:.2f}"
