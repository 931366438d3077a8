"""Page 1 of every shipped template, and the further pages of MORE_PAGES, rendered from its
sample context, against a reviewed image.

The golden images in tests/golden/ were looked at by a person before being committed. A change
to a template or to the rendering shows up here as a pixel difference; the new page is kept
beside the test's temporary folder for review. To accept a reviewed change:
`SAKIP_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_templates_visual.py`.
"""

import os
import shutil
import subprocess

import pytest
from PIL import Image, ImageChops, ImageStat

from sakip import fields, templates
from sakip import render as r
from sakip.convert import Converter

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
DPI = 40
TOLERANCE = 1.5  # mean absolute difference per pixel, of 255: small font hinting drift passes, a moved block does not
# Pages besides the first, by image name: (template, page). The LKjIP's front matter: the
# foreword closed by the head and the table of contents LibreOffice fills at conversion.
MORE_PAGES = {"lkjip_kata_pengantar": ("lkjip", 2), "lkjip_daftar_isi": ("lkjip", 4)}

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) tidak terpasang")


@pytest.fixture(scope="module")
def first_pages(tmp_path_factory):
    work = tmp_path_factory.mktemp("visual")
    docs = []
    for name in fields.CATALOGUE:
        tpl = ROOT / "templates" / name / "template.docx"
        docs.append(r.render_document(tpl, templates.sample_context(tpl), work / f"{name}.docx"))
    outcomes = Converter(slots=2).convert_batch(docs, work)
    pages = {}
    for outcome in outcomes:
        assert outcome.pdf is not None, outcome.error
        stem = outcome.source.stem
        subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile",
                        str(outcome.pdf), str(work / stem)], check=True, timeout=60)
        pages[stem] = work / f"{stem}.png"
        for image, (name, number) in MORE_PAGES.items():
            if name == stem:
                subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(DPI), "-f", str(number), "-l", str(number),
                                "-singlefile", str(outcome.pdf), str(work / image)], check=True, timeout=60)
                pages[image] = work / f"{image}.png"
    return pages


@pytest.mark.parametrize("name", [*fields.CATALOGUE, *MORE_PAGES])
def test_first_page_matches_the_reviewed_image(name, first_pages):
    page = first_pages[name]
    golden = GOLDEN / f"{name}.png"
    if os.environ.get("SAKIP_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        shutil.copy(page, golden)
    assert golden.is_file(), f"no golden image for {name}: review {page} and accept it with SAKIP_UPDATE_GOLDEN=1"
    got, want = Image.open(page).convert("L"), Image.open(golden).convert("L")
    assert got.size == want.size, f"page size changed: {got.size} vs {want.size} (see {page})"
    diff = ImageStat.Stat(ImageChops.difference(got, want)).mean[0]
    assert diff <= TOLERANCE, f"{name}: page differs from the reviewed image by {diff:.2f} (see {page})"
