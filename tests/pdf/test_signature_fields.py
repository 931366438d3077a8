"""The signature fields of real packages (and of the agency's rekap) sit in the printed box they
belong to: inside the page margins, over no printed text, a cell field inside its cell's ruling
lines, a signature block's field in the blank between the jabatan and the printed name and no
wider than the block; and once signed, the stamps stay inside the fields.

Everything here is measured independently of sakip/pdf/package.py: word boxes by pdftotext -bbox,
ruling lines and blank space by the pixels pdftoppm renders."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from sakip.pdf import manifest
from sakip.pdf import sign

from tests.conftest import ROOT
from tests.pki import DEWI, HERU, NURUL, PKI

pytestmark = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
                                reason="poppler-utils tidak terpasang")

# The templates' page margins (scripts/make_templates.py, base_document): 2 cm and 1.8 cm.
MARGIN_X, MARGIN_Y = 2.0 / 2.54 * 72, 1.8 / 2.54 * 72
CELL_FIELDS = {"paraf_laporan"}  # the Paraf cell of the report's "Paraf pemeriksa" table
DPI = 144
SCALE = DPI / 72
DARK = 160  # a grey level darker than this is ink

Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


def documents(out: Path) -> list[Path]:
    """Every signable document of the run: the PK packages and the agency's rekap."""
    tw2 = out / "2026" / "TW2"
    found = sorted(tw2.glob("PK-*/rev-*/paket_*.pdf")) + sorted(tw2.glob("_instansi/rev-*/rekap_instansi_*.pdf"))
    assert len(found) >= 5, found
    return found


def widgets(path: Path) -> list[tuple[str, int, Box]]:
    """(field name, 0-based page, /Rect) of each signature field's widget."""
    out = []
    for index, page in enumerate(PdfReader(path).pages):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
                out.append((str(annot["/T"]), index, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))))
    return out


def _floats(tag: str, *names: str) -> list[float]:
    return [float(re.search(f'{n}="([^"]+)"', tag).group(1)) for n in names]


def layout(path: Path, index: int) -> tuple[float, list[Box], list[Box]]:
    """Page height, word boxes and line boxes as pdftotext -bbox-layout reports them, in PDF points."""
    html = subprocess.run(["pdftotext", "-f", str(index + 1), "-l", str(index + 1), "-bbox-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    height = _floats(re.search(r"<page [^>]*>", html).group(0), "height")[0]

    def boxes(kind: str) -> list[Box]:
        out = []
        for tag in re.findall(f"<{kind} [^>]*>", html):
            x0, y0, x1, y1 = _floats(tag, "xMin", "yMin", "xMax", "yMax")
            out.append((x0, height - y1, x1, height - y0))
        return out

    return height, boxes("word"), boxes("line")


def render(path: Path, index: int, folder: Path) -> np.ndarray:
    stem = folder / f"{path.stem}_{index}"
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(DPI), "-f", str(index + 1), "-l", str(index + 1),
                    "-singlefile", str(path), str(stem)], check=True, timeout=60)
    return np.asarray(Image.open(f"{stem}.png").convert("L"), dtype=np.int16)


def pixels(box: Box, height: float) -> tuple[int, int, int, int]:
    """(column from, row from, column to, row to) of a box, rounded inwards."""
    left, bottom, right, top = box
    return (int(np.ceil(left * SCALE)), int(np.ceil((height - top) * SCALE)),
            int(np.floor(right * SCALE)), int(np.floor((height - bottom) * SCALE)))


def apart(a: Box, b: Box) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def ruled(image: np.ndarray, box: Box, height: float, side: str, reach: float = 6.0) -> bool:
    """Whether a dark line runs along `side` of the box, within `reach` points outside it."""
    c0, r0, c1, r1 = pixels(box, height)
    steps = int(reach * SCALE)
    for k in range(1, steps + 1):
        if side in ("left", "right"):
            col = c0 - k if side == "left" else c1 + k
            strip = image[r0:r1, col]
        else:
            row = r0 - k if side == "top" else r1 + k
            strip = image[row, c0:c1]
        if (strip < DARK).mean() >= 0.9:
            return True
    return False


def check_field(path: Path, name: str, index: int, box: Box, work: Path) -> None:
    """The field lies in its printed box: margins, no words, blank, ruled or between jabatan and name."""
    where = f"{path.name} {name} (halaman {index + 1}) {tuple(round(v, 1) for v in box)}"
    width = float(PdfReader(path).pages[index].mediabox.width)
    height, words, lines = layout(path, index)
    left, bottom, right, top = box
    assert MARGIN_X - 0.01 <= left < right <= width - MARGIN_X + 0.01, where
    assert MARGIN_Y - 0.01 <= bottom < top <= height - MARGIN_Y + 0.01, where
    assert right - left >= 60 and top - bottom >= 20, f"{where}: no room to sign"
    over = [w for w in words if not apart(box, w)]
    assert not over, f"{where} covers printed words {over}"
    image = render(path, index, work)
    c0, r0, c1, r1 = pixels(box, height)
    assert (image[r0:r1, c0:c1] < DARK).sum() == 0, f"{where}: something is printed inside the field"
    if name in CELL_FIELDS:
        for side in ("left", "right", "top", "bottom"):
            assert ruled(image, box, height, side), f"{where}: no ruling line along its {side} side"
        return
    # The blank between the line above (the jabatan) and the printed name below, filled.
    column = [w for w in words if w[0] < right and w[2] > left]
    above = min((w[1] for w in column if w[1] >= top), default=None)
    below = max((w[3] for w in column if w[3] <= bottom), default=None)
    assert above is not None and above - top <= 6, f"{where}: not up to the line above ({above})"
    assert below is not None and bottom - below <= 6, f"{where}: not down to the name ({below})"
    # No wider than its block: the lines that start where the field does, just above and below.
    block = [ln for ln in lines if abs(ln[0] - left) <= 5 and ln[1] < top + 50 and ln[3] > bottom - 50]
    assert block, f"{where}: no signature block lines at its left edge"
    assert right <= max(max(ln[2] for ln in block), left + 125) + 4, f"{where}: wider than its block"


def test_every_field_fills_its_printed_box_and_nothing_else(run_tw2, tmp_path):
    _, out, _, _ = run_tw2
    checked = set()
    for path in documents(out):
        for name, index, box in widgets(path):
            check_field(path, name, index, box, tmp_path)
            checked.add(name)
    assert checked >= {"ttd_pejabat", "paraf_laporan", "ttd_pk_pihak_pertama", "ttd_pk_pihak_kedua", "ttd_ra",
                       "paraf_pemeriksa", "ttd_kepala"}, checked


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_the_lkjip_head_signature_field_fills_its_block(tmp_path):
    """The LKjIP is made only at TW4, which the demo run does not reach: its sample, packaged alone."""
    from sakip.pdf import package
    from sakip.documents import templates
    from sakip.documents import render as r
    from sakip.pdf.convert import Converter
    from sakip.formatting import JAKARTA
    from sakip.documents.reports import HEAD_FIELD

    tpl = ROOT / "templates" / "lkjip" / "template.docx"
    docx = r.render_document(tpl, templates.sample_context(tpl), tmp_path / "lkjip.docx")
    [outcome] = Converter(slots=1).convert_batch([docx], tmp_path)
    assert outcome.pdf is not None, outcome.error
    out = tmp_path / "LKjIP.pdf"
    meta = package.Metadata("LKjIP", "uji", "uji", "uji", dt.datetime(2027, 2, 15, 9, tzinfo=JAKARTA))
    package.assemble([package.Part("LKjIP", outcome.pdf)], meta, [HEAD_FIELD], out)
    [(name, index, box)] = widgets(out)
    check_field(out, name, index, box, tmp_path)


# Who signs what in PK-SEK (tests/pki.py), and the Inspektur the rekap.
SIGNERS = {"ttd_pejabat": NURUL, "ttd_pk_pihak_pertama": NURUL, "ttd_ra": NURUL, "ttd_pk_pihak_kedua": HERU,
           "paraf_pemeriksa": DEWI, "paraf_laporan": DEWI, "ttd_kepala": HERU}


def test_signed_stamps_stay_inside_their_fields(run_tw2, tmp_path):
    _, out, inputs, _ = run_tw2
    shutil.copytree(inputs, tmp_path / "inputs")
    shutil.copytree(out, tmp_path / "outputs", symlinks=True)
    tw2 = tmp_path / "outputs/2026/TW2"
    targets = [tw2 / "PK-SEK/rev-01/paket_PK-SEK_2026_TW2.pdf", next(tw2.glob("_instansi/rev-*/rekap_instansi_*.pdf"))]
    pki = PKI.make(tmp_path)
    before, after = tmp_path / "sebelum", tmp_path / "sesudah"
    before.mkdir()
    after.mkdir()
    for path in targets:
        fields = widgets(path)
        unsigned = {index: render(path, index, before) for index in {i for _, i, _ in fields}}
        for name, _, _ in fields:
            sign.sign(path, pki.p12(SIGNERS[name], b"uji", name=name), name, b"uji")
        assert manifest.verify(path, [pki.ca_pem]).ok
        reader = PdfReader(path)
        for index, plain in unsigned.items():
            signed = render(path, index, after)
            assert signed.shape == plain.shape
            outside = np.ones(plain.shape, bool)
            for name, page, box in fields:
                if page != index:
                    continue
                c0, r0, c1, r1 = pixels(box, float(reader.pages[index].mediabox.height))
                # The stamp drew in its field (its frame at least) ...
                assert (signed[r0:r1, c0:c1] < DARK).sum() > 0, f"{path.name} {name}: nothing drawn"
                outside[max(r0 - 1, 0):r1 + 2, max(c0 - 1, 0):c1 + 2] = False
            # ... and nothing outside it changed.
            changed = np.abs(signed - plain)[outside]
            assert changed.max(initial=0) == 0, \
                f"{path.name} halaman {index + 1}: {int((changed > 0).sum())} pixels outside the fields changed"
