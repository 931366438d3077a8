import shutil

import pytest
from docx import Document

from pathlib import Path

from sakip.convert import Converter, check_pdf, split
from sakip.errors import ConversionError

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")


def make_doc(path, text):
    d = Document()
    d.add_paragraph(text)
    d.save(path)
    return path


def test_batch_converts_and_one_bad_document_fails_alone(tmp_path):
    good = [make_doc(tmp_path / f"doc{i}.docx", f"Dokumen {i}") for i in range(3)]
    bad = tmp_path / "rusak.docx"
    bad.write_bytes(b"\x00" * 10)
    outcomes = Converter(slots=2).convert([*good, bad], tmp_path / "pdf")
    for g in good:
        assert outcomes[g].pdf is not None and check_pdf(outcomes[g].pdf) == 1
    assert outcomes[bad].pdf is None and "rusak.docx" in outcomes[bad].error


def test_timeout_kills_the_process_group(tmp_path):
    doc = make_doc(tmp_path / "a.docx", "x")
    outcomes = Converter(slots=1, timeout_base=0.05, timeout_per_doc=0).convert([doc], tmp_path / "pdf")
    assert outcomes[doc].pdf is None and "batas waktu" in outcomes[doc].error


def test_check_pdf_rejects_missing_and_broken(tmp_path):
    with pytest.raises(ConversionError, match="tidak menghasilkan PDF"):
        check_pdf(tmp_path / "none.pdf")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 garbage")
    with pytest.raises(ConversionError):
        check_pdf(tmp_path / "b.pdf")


def test_split_caps_batches_by_count_and_argument_length():
    docs = [Path(f"/data/{'x' * 40}/doc{i:03d}.docx") for i in range(250)]
    batches = split(docs, slots=2, max_batch=100, max_bytes=2000)
    assert [d for b in batches for d in b] == docs  # all, once, in order
    assert all(len(b) <= 100 and sum(len(str(d)) + 1 for d in b) <= 2000 for b in batches)
    assert len(split(docs[:10], slots=2)) == 2  # small runs still use every slot
    assert split([], slots=2) == []


def test_many_batches_all_convert(tmp_path):
    docs = [make_doc(tmp_path / f"doc{i}.docx", f"Dokumen {i}") for i in range(5)]
    outcomes = Converter(slots=1, max_batch=2).convert(docs, tmp_path / "pdf")
    assert all(outcomes[d].pdf is not None and check_pdf(outcomes[d].pdf) == 1 for d in docs)
