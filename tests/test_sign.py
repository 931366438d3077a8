"""Signing a real package with a throwaway CA: two signers, PAdES B-B and B-T, and what
verify says afterwards."""

import shutil
import subprocess

import pytest
from pypdf import PdfReader

from sakip import manifest, sign
from sakip.errors import SigningError

from .conftest import SAKIP
from .pki import PKI

PASSPHRASE = "rahasia-Uji-7731"


@pytest.fixture()
def pki(tmp_path):
    return PKI.make(tmp_path)


@pytest.fixture()
def package(run_tw2, tmp_path):
    """A copy of a real package with its manifest, its inputs and outputs where the manifest
    says (the whole output folder is copied beside a copy of the inputs)."""
    _, out, inputs, _ = run_tw2
    shutil.copytree(inputs, tmp_path / "inputs")
    shutil.copytree(out, tmp_path / "outputs", symlinks=True)
    path = tmp_path / "outputs/2026/TW2/PK-SEK/rev-01/paket_PK-SEK_2026_TW2.pdf"
    # Manifest paths are relative to the manifest, and the copy keeps the same layout and depth.
    assert manifest.verify(path).ok, manifest.verify(path).problems
    return path


def cli(*args, env=None):
    import os
    return subprocess.run([*SAKIP, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_two_signers_both_validate_and_verify_reports_them(package, pki):
    head = pki.p12("Kepala Inspektorat", PASSPHRASE.encode())
    first = cli("sign", str(package), "--p12", str(head), "--field", "ttd_pejabat", "--alasan", "Menyetujui laporan",
                env={"SAKIP_P12_PASSPHRASE": PASSPHRASE})
    assert first.returncode == 0, first.stderr
    assert "ditandatangani di kolom ttd_pejabat oleh" in first.stdout and "PAdES B-B" in first.stdout
    size_after_first = package.stat().st_size
    prefix = package.read_bytes()
    second_signer = pki.p12("Pemeriksa Kinerja", b"lain")
    sign.sign(package, second_signer, "paraf_pemeriksa", b"lain")
    assert package.read_bytes()[:size_after_first] == prefix  # incremental: the first signature's bytes kept
    states = manifest.signatures(package, [pki.ca_pem])
    assert [s.field for s in states] == ["ttd_pejabat", "paraf_pemeriksa"]
    assert all(s.bottom_line and s.intact and s.trusted for s in states), states
    assert "Kepala Inspektorat" in states[0].signer and states[0].coverage == "ENTIRE_REVISION"
    assert states[1].coverage == "ENTIRE_FILE"
    result = manifest.verify(package, [pki.ca_pem])
    assert result.ok, result.problems
    shown = cli("verify", str(package), "--ca", str(pki.ca_pem))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "tanda tangan ttd_pejabat: sah" in shown.stdout and "tanda tangan paraf_pemeriksa: sah" in shown.stdout
    # Without the CA the signatures are intact but not trusted, and verify says what to do.
    untrusted = cli("verify", str(package))
    assert untrusted.returncode == 1 and "--ca" in untrusted.stdout
    fields = PdfReader(package).get_fields()
    assert fields["ttd_pejabat"].get("/V") is not None and fields["ttd_ra"].get("/V") is None


def test_a_byte_flipped_after_signing_fails_verify(package, pki):
    sign.sign(package, pki.p12("Kepala Inspektorat", b"x"), "ttd_pejabat", b"x")
    assert manifest.verify(package, [pki.ca_pem]).ok
    data = bytearray(package.read_bytes())
    # A byte inside the signed range, in the first page's content (not the signature itself).
    spot = data.index(b"stream", len(data) // 4) + 20
    data[spot] ^= 0x01
    package.write_bytes(bytes(data))
    result = manifest.verify(package, [pki.ca_pem])
    assert not result.ok
    assert any("isi paket berbeda" in p for p in result.problems)
    assert any(p.startswith("tanda tangan ttd_pejabat:") for p in result.problems), result.problems
    shown = cli("verify", str(package), "--ca", str(pki.ca_pem))
    assert shown.returncode == 1 and "MASALAH" in shown.stdout


def test_timestamped_signature_is_pades_b_t(package, pki):
    tsa = pki.timestamp_server()
    try:
        signed = sign.sign(package, pki.p12("Kepala Inspektorat", b"x"), "ttd_pejabat", b"x", timestamp_url=tsa.url)
    finally:
        tsa.close()
    assert signed.level == "PAdES B-T" and tsa.requests >= 1  # pyHanko also asks once to size the token
    [state] = manifest.signatures(package, [pki.ca_pem])
    assert state.bottom_line and state.timestamp


def test_wrong_passphrase_unknown_and_filled_fields_refused_without_touching_the_package(package, pki):
    p12 = pki.p12("Kepala Inspektorat", PASSPHRASE.encode())
    before = package.read_bytes()
    with pytest.raises(SigningError, match="kata sandi salah") as wrong:
        sign.sign(package, p12, "ttd_pejabat", b"bukan-ini")
    assert "bukan-ini" not in str(wrong.value)
    with pytest.raises(SigningError, match="tidak ada di paket; kolom kosong: ttd_pejabat"):
        sign.sign(package, p12, "ttd_bupati", PASSPHRASE.encode())
    assert package.read_bytes() == before
    sign.sign(package, p12, "ttd_pejabat", PASSPHRASE.encode())
    with pytest.raises(SigningError, match="sudah ditandatangani"):
        sign.sign(package, p12, "ttd_pejabat", PASSPHRASE.encode())


def test_passphrase_never_on_screen(package, pki):
    p12 = pki.p12("Kepala Inspektorat", PASSPHRASE.encode())
    bad = cli("sign", str(package), "--p12", str(p12), "--field", "ttd_pejabat",
              env={"SAKIP_P12_PASSPHRASE": PASSPHRASE + "salah"})
    good = cli("sign", str(package), "--p12", str(p12), "--field", "ttd_pejabat", env={"SAKIP_P12_PASSPHRASE": PASSPHRASE})
    assert bad.returncode == 1 and "kata sandi salah" in bad.stderr and good.returncode == 0
    for proc in (bad, good):
        assert PASSPHRASE not in proc.stdout + proc.stderr
    assert PASSPHRASE.encode() not in package.read_bytes()
    assert "--passphrase" not in cli("sign", "--help").stdout  # no way to pass it on the command line


def test_signing_a_changed_package_is_refused(package, pki):
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01
    package.write_bytes(bytes(data))
    with pytest.raises(SigningError, match="berubah sejak dibuat"):
        sign.sign(package, pki.p12("Kepala", b"x"), "ttd_pejabat", b"x")
