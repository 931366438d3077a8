"""Signing a real package with a throwaway CA: two signers, PAdES B-B and B-T, and what
verify says afterwards; certificates not valid for signing and packages verify would not pass
are refused, the package left as it was."""

import datetime as dt
import json
import os
import re
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID as EKU
from pypdf import PdfReader

from sakip.pdf import manifest
from sakip.pdf import sign
from sakip.errors import SigningError

from tests.conftest import ROOT, SAKIP
from tests.pki import DEWI, HERU, NIP, NOW, NURUL, PKI
from tests.pdf.test_verify_hostile import annotate, made_before_signers_were_recorded

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
    head = pki.p12(NURUL, PASSPHRASE.encode())
    first = cli("sign", str(package), "--p12", str(head), "--field", "ttd_pejabat", "--alasan", "Menyetujui laporan",
                env={"SAKIP_P12_PASSPHRASE": PASSPHRASE})
    assert first.returncode == 0, first.stderr
    assert "ditandatangani di kolom ttd_pejabat oleh" in first.stdout and "PAdES B-B" in first.stdout
    size_after_first = package.stat().st_size
    prefix = package.read_bytes()
    second_signer = pki.p12(DEWI, b"lain")
    sign.sign(package, second_signer, "paraf_pemeriksa", b"lain")
    assert package.read_bytes()[:size_after_first] == prefix  # incremental: the first signature's bytes kept
    states = manifest.signatures(package, [pki.ca_pem])
    assert [s.field for s in states] == ["ttd_pejabat", "paraf_pemeriksa"]
    assert all(s.bottom_line and s.intact and s.trusted for s in states), states
    assert NURUL in states[0].signer and states[0].coverage == "ENTIRE_REVISION"
    assert states[1].coverage == "ENTIRE_FILE"
    result = manifest.verify(package, [pki.ca_pem])
    assert result.ok, result.problems
    shown = cli("verify", str(package), "--ca", str(pki.ca_pem))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "tanda tangan ttd_pejabat: sah" in shown.stdout and "tanda tangan paraf_pemeriksa: sah" in shown.stdout
    # Without the CA the signatures are intact but not trusted, and verify says what to do,
    # without the tracebacks pyHanko logs when it has no trust roots.
    untrusted = cli("verify", str(package))
    assert untrusted.returncode == 1 and "tidak dapat diverifikasi tanpa --ca" in untrusted.stdout
    assert "Traceback" not in untrusted.stdout + untrusted.stderr and "PathBuildingError" not in untrusted.stderr
    fields = PdfReader(package).get_fields()
    assert fields["ttd_pejabat"].get("/V") is not None and fields["ttd_ra"].get("/V") is None


def test_a_byte_flipped_after_signing_fails_verify(package, pki):
    sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x")
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
        signed = sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x", timestamp_url=tsa.url)
    finally:
        tsa.close()
    assert signed.level == "PAdES B-T" and tsa.requests >= 1  # pyHanko also asks once to size the token
    [state] = manifest.signatures(package, [pki.ca_pem])
    assert state.bottom_line and state.timestamp


def test_wrong_passphrase_unknown_and_filled_fields_refused_without_touching_the_package(package, pki):
    p12 = pki.p12(NURUL, PASSPHRASE.encode())
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
    p12 = pki.p12(NURUL, PASSPHRASE.encode())
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
    with pytest.raises(SigningError, match="tidak lolos pemeriksaan: isi paket berbeda dari yang dicatat manifest"):
        sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x")
    assert package.read_bytes() == bytes(data)


DAY = dt.timedelta(days=1)
# (certificate, what the refusal must say): the rule is "valid for signing at the signing time".
REFUSED = {
    "kedaluwarsa-35-hari": (dict(valid=(NOW - 400 * DAY, NOW - 35 * DAY)), "sudah kedaluwarsa sejak"),
    "kedaluwarsa-1-menit": (dict(valid=(NOW - 400 * DAY, NOW - dt.timedelta(minutes=1))), "sudah kedaluwarsa sejak"),
    "belum-berlaku": (dict(valid=(NOW + 3 * DAY, NOW + 300 * DAY)), "baru berlaku mulai"),
    "hanya-keyEncipherment": (dict(key_usage=("key_encipherment",)), "penggunaan kuncinya (keyEncipherment) tidak mencakup"),
    "hanya-keyAgreement": (dict(key_usage=("key_agreement", "data_encipherment")), "tidak mencakup digitalSignature"),
    "tanpa-key-usage": (dict(with_key_usage=False), "tidak menyatakan penggunaan kunci"),
    "eku-serverAuth": (dict(eku=[EKU.SERVER_AUTH]), "hanya untuk serverAuth"),
    "eku-codeSigning": (dict(eku=[EKU.CODE_SIGNING]), "hanya untuk codeSigning"),
    "eku-timeStamping": (dict(eku=[EKU.TIME_STAMPING]), "hanya untuk timeStamping"),
    "eku-server-dan-ocsp": (dict(eku=[EKU.SERVER_AUTH, EKU.OCSP_SIGNING]), "serverAuth (server TLS), OCSPSigning"),
    "sertifikat-CA": (dict(ca=True, key_usage=("key_cert_sign", "crl_sign", "digital_signature")), "adalah sertifikat CA"),
    "rsa-1024": (dict(rsa_bits=1024), "kunci RSA 1024 bit terlalu lemah"),
    "tanpa-kunci-privat": (dict(with_key=False), "tidak berisi kunci privat"),
    "kunci-tanpa-pasangan": (dict(other_key=True), "tidak berisi sertifikat untuk kunci privatnya"),
}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_certificates_not_valid_for_signing_are_refused(package, pki, kind):
    options, expected = REFUSED[kind]
    p12 = pki.p12(NURUL, PASSPHRASE.encode(), **options)
    before = package.read_bytes()
    with pytest.raises(SigningError, match=re.escape(expected)) as refused:
        sign.sign(package, p12, "ttd_pejabat", PASSPHRASE.encode())
    message = str(refused.value)
    assert PASSPHRASE not in message and "\n" not in message and message.startswith(p12.name)
    assert package.read_bytes() == before


def test_an_expired_certificate_is_named_with_its_dates_in_wib(package, pki):
    end = dt.datetime(2026, 10, 28, 3, 45, tzinfo=dt.timezone.utc)
    p12 = pki.p12(NURUL, b"x", valid=(end - 365 * DAY, end))
    proc = cli("sign", str(package), "--p12", str(p12), "--field", "ttd_pejabat", env={"SAKIP_P12_PASSPHRASE": "x"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "sertifikat NURUL HIDAYATI sudah kedaluwarsa sejak 28-10-2026 10.45 WIB" in proc.stderr, proc.stderr
    assert "berlaku 28-10-2025 10.45 WIB s.d. 28-10-2026 10.45 WIB" in proc.stderr


def test_a_key_that_is_not_the_certificates_is_refused(pki):
    key = ec.generate_private_key(ec.SECP256R1())
    p12 = pki.p12(NURUL, b"x")
    _, cert, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), b"x")
    with pytest.raises(SigningError, match="kunci privat di berkas bukan kunci sertifikat ini"):
        sign.check_certificate(cert, key, dt.datetime.now(dt.timezone.utc), p12.name)


def test_certificates_valid_for_signing_sign_and_verify(package, pki):
    """Key usage with one of digitalSignature / nonRepudiation, and extended key usages that
    signing certificates carry (BSrE's among them: clientAuth, emailProtection): one package,
    five signers, every signature valid afterwards."""
    accepted = {
        "ttd_pejabat": dict(key_usage=("digital_signature",)),
        "ttd_ra": dict(key_usage=("content_commitment", "key_encipherment")),
        "ttd_pk_pihak_pertama": dict(eku=[EKU.CLIENT_AUTH]),
        "ttd_pk_pihak_kedua": dict(eku=[EKU.CLIENT_AUTH, EKU.EMAIL_PROTECTION], rsa_bits=2048),
        "paraf_pemeriksa": dict(eku=[EKU.SERVER_AUTH, EKU.ANY_EXTENDED_KEY_USAGE]),
    }
    printed = {"ttd_pk_pihak_kedua": HERU, "paraf_pemeriksa": DEWI}  # the others print PK-SEK's official
    for n, (field, options) in enumerate(accepted.items()):
        sign.sign(package, pki.p12(printed.get(field, NURUL), b"x", name=f"penanda{n}", **options), field, b"x")
    result = manifest.verify(package, [pki.ca_pem])
    assert result.ok, result.problems
    assert [s.field for s in result.signatures] == list(accepted) and all(s.bottom_line for s in result.signatures)


def test_a_package_verify_would_not_pass_is_not_signed(package, pki):
    """The issue's case: an annotation reading 'CAPAIAN 150%' added after the package was made."""
    annotate(package)
    before = package.read_bytes()
    proc = cli("sign", str(package), "--p12", str(pki.p12(NURUL, b"x")), "--field", "ttd_pejabat",
               env={"SAKIP_P12_PASSPHRASE": "x"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "tidak lolos pemeriksaan: ada tambahan setelah paket dibuat yang bukan tanda tangan" in proc.stderr
    assert package.read_bytes() == before


@pytest.mark.parametrize("damage, expected", [
    (lambda p: shutil.copy(p.parents[2] / "PK-INSP/rev-01/data.json", p.parent / "data.json"), "keluaran data.json: berubah sejak paket dibuat"),
    (lambda p: (p.parents[5] / "inputs/2026/realisasi/tw2/PK-SEK.xlsx").write_bytes(b"PK\x03\x04"),
     "masukan ../../../../../inputs/2026/realisasi/tw2/PK-SEK.xlsx: berubah sejak paket dibuat"),
    (lambda p: (p.parent / "dokumen/PK-SEK_sampul.docx").unlink(), "keluaran dokumen/PK-SEK_sampul.docx: tidak ditemukan"),
    (lambda p: (p.parent / "catatan.txt").write_text("x"), "tidak dicatat manifest: catatan.txt"),
    (lambda p: manifest.manifest_path(p).write_text("{}"), "manifest tidak sah: kunci 'format' tidak ada"),
], ids=["data-pk-lain", "masukan-berubah", "keluaran-hilang", "berkas-asing", "manifest-kosong"])
def test_sign_refuses_what_verify_refuses(package, pki, damage, expected):
    damage(package)
    before = package.read_bytes()
    with pytest.raises(SigningError, match="tidak lolos pemeriksaan") as refused:
        sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x")
    assert expected in str(refused.value)
    assert package.read_bytes() == before


def test_a_changed_template_does_not_block_signing(package, pki):
    """Templates and suites say how documents are made: a rerun never re-issues a signed revision
    for them, so they must not stop the next signer either. Verify still reports them."""
    templates = package.parents[5] / "templates"
    shutil.copytree(ROOT / "templates", templates)
    path = manifest.manifest_path(package)
    data = json.loads(path.read_text())
    for entry in data["berkas"]:
        if entry["jenis"] == "template":  # the package's templates are now this copy
            copy = templates / entry["berkas"].split("templates/")[1]
            entry["berkas"] = os.path.relpath(copy, package.parent)
    path.write_text(json.dumps(data))
    assert manifest.verify(package).ok
    (templates / "sampul/template.docx").write_bytes(b"diubah")
    assert manifest.verify(package).problems == [
        f"template {os.path.relpath(templates / 'sampul/template.docx', package.parent)}: berubah sejak paket dibuat"]
    sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x")
    assert [s.bottom_line for s in manifest.verify(package, [pki.ca_pem]).signatures] == [True]


# --- who signs: the official printed at the field ---------------------------------------------


@pytest.mark.parametrize("printed, other, same", [
    ("Drs. HERU PRASETYO, M.Si.", "Heru Prasetyo", True),
    ("Drs. HERU PRASETYO, M.Si.", "drs.  heru PRASETYO m.si", True),
    ("Drs. HERU PRASETYO, M.Si.", "HERU PRASETYO, M.Si", True),
    ("H. BAMBANG SURYADI, S.E., M.M.", "Bambang Suryadi", True),
    ("MUHAMMAD RIZAL FAUZI, S.STP., M.AP.", "Muhammad Rizal-Fauzi", True),
    ("Dr. Ir. SRI WAHYUNINGSIH, M.T.", "Sri Wahyuningsih", True),
    ("Drs. HERU PRASETYO, M.Si.", "DEWI LESTARI", False),
    ("Drs. HERU PRASETYO, M.Si.", "HERU PRASETYA", False),
    ("Drs. HERU PRASETYO, M.Si.", "HERU", False),
    ("Drs. HERU PRASETYO, M.Si.", "Drs.", False),
])
def test_names_match_whatever_the_titles_case_punctuation_and_spacing(printed, other, same):
    from sakip.paraf.asn import same_person

    assert same_person(printed, other) is same


@pytest.mark.parametrize("serial, nip", [
    ("NIP:19710412 199603 1 003", "197104121996031003"), ("PNS-197104121996031003", "197104121996031003"),
    ("3515021204710003", ""),  # a 16-digit NIK is not a NIP
    ("197104121996031000", ""),  # sequence 000: not a valid NIP
])
def test_the_nip_a_certificate_carries_in_its_serial_number(pki, serial, nip):
    from asn1crypto import x509 as asn1_x509

    _, cert, _ = pkcs12.load_key_and_certificates(pki.p12(HERU, b"x", serial=serial).read_bytes(), b"x")
    from cryptography.hazmat.primitives.serialization import Encoding

    assert manifest.certificate_identity(asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))) == (HERU, nip)


def test_a_certificate_of_another_person_is_refused_naming_field_official_and_holder(package, pki):
    """The issue's case: DEWI LESTARI's certificate into the block printed for Drs. HERU PRASETYO."""
    before = package.read_bytes()
    with pytest.raises(SigningError) as refused:
        sign.sign(package, pki.p12(DEWI, b"x"), "ttd_pk_pihak_kedua", b"x")
    message = str(refused.value)
    assert ("kolom ttd_pk_pihak_kedua dicetak untuk Drs. HERU PRASETYO, M.Si. (NIP 19710412 199603 1 003), tetapi "
            "sertifikat penanda tangan atas nama DEWI LESTARI") in message
    assert "--atas-nama Plt." in message and "\n" not in message
    assert package.read_bytes() == before
    proc = cli("sign", str(package), "--p12", str(pki.folder / "dewi.p12"), "--field", "ttd_pk_pihak_kedua",
               env={"SAKIP_P12_PASSPHRASE": "x"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "dicetak untuk Drs. HERU PRASETYO" in proc.stderr


def test_titles_case_and_spacing_of_the_certificate_name_are_tolerated(package, pki):
    sign.sign(package, pki.p12("heru  prasetyo", b"x", name="heru"), "ttd_pk_pihak_kedua", b"x")
    sign.sign(package, pki.p12("Nurul Hidayati, S.E.", b"x", name="nurul"), "ttd_pejabat", b"x")
    result = manifest.verify(package, [pki.ca_pem])
    assert result.ok, result.problems
    assert all(s.bottom_line and not s.wrong_signer for s in result.signatures)


def test_a_certificate_with_another_nip_is_refused(package, pki):
    """The same name is not enough when the certificate carries a NIP: it must be the printed one."""
    other = pki.p12(HERU, b"x", name="heru-lain", serial=f"NIP:{NIP[NURUL]}")
    with pytest.raises(SigningError, match=re.escape(
            "kolom ttd_pk_pihak_kedua dicetak untuk Drs. HERU PRASETYO, M.Si. (NIP 19710412 199603 1 003), tetapi "
            "NIP pada sertifikat penanda tangan 19780823 200312 2 005")):
        sign.sign(package, other, "ttd_pk_pihak_kedua", b"x")
    sign.sign(package, pki.p12(HERU, b"x", serial=f"PNS-{NIP[HERU]}"), "ttd_pk_pihak_kedua", b"x")
    [state] = manifest.verify(package, [pki.ca_pem]).signatures
    assert state.bottom_line and state.nip == NIP[HERU]


def _stamp_text(package, field: str) -> str:
    """The text of a signature's visible appearance (pyHanko writes it as PDF literal strings)."""
    widget = next(a.get_object() for page in PdfReader(package).pages for a in page.get("/Annots") or []
                  if a.get_object().get("/T") == field)
    stream = widget["/AP"]["/N"].get_object().get_data().decode("latin-1")
    lines = re.findall(r"\(((?:[^()\\]|\\.)*)\) Tj", stream)
    return "\n".join(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line) for line in lines)


def test_an_acting_official_signs_only_when_told_and_it_is_recorded_and_shown(package, pki):
    dewi = pki.p12(DEWI, b"x")
    with pytest.raises(SigningError, match="--atas-nama 'Kepala' tidak dikenal; tulis Plt."):
        sign.sign(package, dewi, "ttd_pk_pihak_kedua", b"x", acting="Kepala")
    with pytest.raises(SigningError, match="milik pejabat yang dicetak di kolom ttd_pk_pihak_kedua; --atas-nama Plt. hanya"):
        sign.sign(package, pki.p12(HERU, b"x"), "ttd_pk_pihak_kedua", b"x", acting="Plt.")
    with pytest.raises(SigningError, match="berbentuk catatan Plt./Plh.; untuk menandatangani atas nama"):
        sign.sign(package, dewi, "ttd_pk_pihak_kedua", b"x", reason="Plt. atas nama Drs. HERU PRASETYO, M.Si.")
    proc = cli("sign", str(package), "--p12", str(dewi), "--field", "ttd_pk_pihak_kedua", "--atas-nama", "plt",
               "--alasan", "Inspektur cuti", env={"SAKIP_P12_PASSPHRASE": "x"})
    assert proc.returncode == 0, proc.stderr
    assert "oleh DEWI LESTARI sebagai" in proc.stdout and "sebagai Plt. atas nama Drs. HERU PRASETYO, M.Si." in proc.stdout
    [state] = manifest.verify(package, [pki.ca_pem]).signatures
    assert state.bottom_line and state.on_behalf == "Plt. atas nama Drs. HERU PRASETYO, M.Si."
    reason = PdfReader(package).get_fields()["ttd_pk_pihak_kedua"]["/V"]["/Reason"]
    assert reason == "Plt. atas nama Drs. HERU PRASETYO, M.Si.; Inspektur cuti"  # inside what the signature covers
    assert "DEWI LESTARI\nPlt. atas nama Drs. HERU PRASETYO, M.Si.\nWaktu: " in _stamp_text(package, "ttd_pk_pihak_kedua")
    shown = cli("verify", str(package), "--ca", str(pki.ca_pem))
    assert shown.returncode == 0, shown.stdout
    assert "tanda tangan ttd_pk_pihak_kedua: sah; DEWI LESTARI" in shown.stdout
    assert "sebagai Plt. atas nama Drs. HERU PRASETYO, M.Si.;" in shown.stdout


def test_stamp_and_verify_print_the_time_in_wib(package, pki):
    sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x")
    stamp = _stamp_text(package, "ttd_pejabat")
    found = re.search(r"Waktu: (\d{2}-\d{2}-\d{4} \d{2}\.\d{2}) WIB$", stamp)
    assert found, stamp
    wib_zone = dt.timezone(dt.timedelta(hours=7))
    stamped = dt.datetime.strptime(found.group(1), "%d-%m-%Y %H.%M").replace(tzinfo=wib_zone)
    [state] = manifest.verify(package, [pki.ca_pem]).signatures
    moment = dt.datetime.fromisoformat(state.signed_at)
    # The stamp's minute is the signing time's in WIB (UTC+7), not UTC's (taken a moment before it).
    assert dt.timedelta(0) <= moment - stamped < dt.timedelta(minutes=2), (stamp, state.signed_at)
    wib_clock = moment.astimezone(wib_zone).strftime("%d-%m-%Y %H.%M")
    shown = cli("verify", str(package), "--ca", str(pki.ca_pem)).stdout
    line = next(line for line in shown.splitlines() if "tanda tangan ttd_pejabat" in line)
    assert re.search(rf"; {re.escape(wib_clock)}\.\d{{2}} WIB$", line), line
    assert "+00:00" not in shown and "UTC" not in shown


def test_signing_refuses_a_package_whose_manifest_does_not_record_the_printed_officials(package, pki):
    """A package made before the manifest recorded who is printed: nothing to match a certificate to."""
    made_before_signers_were_recorded(package)
    assert manifest.verify(package).ok  # an older manifest is still one sakip wrote
    with pytest.raises(SigningError, match="manifest paket tidak mencatat pejabat yang dicetak"):
        sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x")


def test_the_recorded_officials_are_those_the_documents_print(period_tw2, capaian_tw2, verdicts_tw2):
    """render.printed_signers (what the manifest records) against the signature blocks of the
    contexts the documents are rendered from: every marker, the name printed beside it."""
    from sakip.documents import render
    from sakip.model import signature_marker

    def blocks(value, found):
        if isinstance(value, dict):
            if str(value.get("penanda", "")).startswith("SAKIPMARK"):
                found[value["penanda"]] = value.get("nama")
            for item in value.values():
                blocks(item, found)
        elif isinstance(value, list):
            for item in value:
                blocks(item, found)
        return found

    per = render.Period(2026, 2, dt.date(2026, 7, 6))
    for pk in verdicts_tw2:
        cfg, who = period_tw2.config_for(pk), period_tw2.official(pk)
        contexts = [render.report_context(cfg, pk, who, capaian_tw2[pk], per),
                    render.lampiran_pk_context(cfg, pk, who, period_tw2, per),
                    render.lampiran_ra_context(cfg, pk, who, period_tw2, per),
                    render.paraf_context(cfg, pk, who, verdicts_tw2[pk], per)]
        printed = {}
        for context in contexts:
            blocks(context, printed)
        recorded = {signature_marker(f): p.nama for f, p in render.printed_signers(cfg, who).items()}
        assert recorded == {m: n for m, n in printed.items() if n not in (None, "-")}, pk
