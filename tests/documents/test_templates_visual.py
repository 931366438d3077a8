"""Every page of every shipped template, rendered from its sample context, against reviewed
images: first pages, continued table pages, signature pages and each LKjIP chapter
(tests/golden/<template>.png for page 1, <template>-<n>.png for page n).

The golden images in tests/golden/ were looked at by a person before being committed. A change
to a template or to the rendering shows up here as a pixel difference; the new page is kept
beside the test's temporary folder for review. To accept a reviewed change:
`SAKIP_UPDATE_GOLDEN=1 .venv/bin/pytest tests/documents/test_templates_visual.py`.
"""

import os
import shutil
import subprocess

import pytest
from PIL import Image, ImageChops, ImageStat

from sakip.documents import fields
from sakip.documents import templates
from sakip.documents import render as r
from sakip.pdf.convert import Converter

from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
DPI = 40
TOLERANCE = 1.5  # mean absolute difference per pixel, of 255: small font hinting drift passes, a moved block does not

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) tidak terpasang")


@pytest.fixture(scope="module")
def rendered_pages(tmp_path_factory):
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
        subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(DPI), str(outcome.pdf), str(work / stem)],
                       check=True, timeout=60)
        pages[stem] = sorted(work.glob(f"{stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return pages


def golden_name(name: str, n: int) -> str:
    return f"{name}.png" if n == 1 else f"{name}-{n}.png"


@pytest.mark.parametrize("name", list(fields.CATALOGUE))
def test_every_page_matches_the_reviewed_image(name, rendered_pages):
    rendered = rendered_pages[name]
    if os.environ.get("SAKIP_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        for old in GOLDEN.glob(f"{name}-*.png"):
            old.unlink()
        for n, page in enumerate(rendered, start=1):
            shutil.copy(page, GOLDEN / golden_name(name, n))
    reviewed = [GOLDEN / f"{name}.png", *sorted(GOLDEN.glob(f"{name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))]
    assert len(rendered) == len(reviewed), (f"{name}: {len(rendered)} pages, the reviewed images have {len(reviewed)} "
                                            f"(see {rendered[0].parent})")
    for n, (page, golden) in enumerate(zip(rendered, reviewed), start=1):
        assert golden.name == golden_name(name, n)
        got, want = Image.open(page).convert("L"), Image.open(golden).convert("L")
        assert got.size == want.size, f"{name} p{n}: page size changed: {got.size} vs {want.size} (see {page})"
        diff = ImageStat.Stat(ImageChops.difference(got, want)).mean[0]
        assert diff <= TOLERANCE, f"{name}: page {n} differs from the reviewed image by {diff:.2f} (see {page})"
