"""`sakip sign`: a PAdES signature into a named empty field of a package, for agencies that
hold their own certificate (BSrE or other) as a PKCS#12 file.

PAdES baseline B-B, or B-T when a RFC 3161 timestamp server is given. The signature is an
incremental update: the bytes already in the file, including earlier signatures, are kept as
they are, so a second signer signs after the first without breaking it. The signed file is
written beside the package and renamed over it only once complete.

The passphrase reaches this module as bytes from the CLI (prompt or environment variable); it
is never logged, printed or put in an error message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from . import manifest
from .package import signature_fields
from .errors import SigningError
from .outputs import atomic_path

PASSPHRASE_ENV = "SAKIP_P12_PASSPHRASE"
STAMP_TEXT = "Ditandatangani secara elektronik oleh:\n%(signer)s\nWaktu: %(ts)s"


@dataclass(frozen=True)
class Signed:
    package: Path
    field: str
    signer: str
    level: str  # "PAdES B-B" or "PAdES B-T"


def _superseded_by(package: Path) -> Path | None:
    """The newer revision of the PK when `package` sits in an older one (an official must never
    sign a document that a correction has already replaced)."""
    from .revisions import is_revision, latest

    folder = package.resolve().parent
    if not is_revision(folder):
        return None
    newest = latest(folder.parent)
    return newest if newest is not None and newest.resolve() != folder else None


def sign(package: Path, p12: Path, field: str, passphrase: bytes | None, timestamp_url: str = "",
         reason: str = "", location: str = "") -> Signed:
    """Sign `package` in place into the empty signature field `field`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields as sig_fields
    from pyhanko.sign import signers
    from pyhanko.stamp import TextStampStyle

    if not package.is_file():
        raise SigningError(f"{package}: paket tidak ditemukan")
    superseded = _superseded_by(package)
    if superseded is not None:
        raise SigningError(f"{package}: revisi ini sudah digantikan oleh {superseded.name}; "
                           f"tanda tangani paket revisi terbaru ({superseded / package.name})")
    # Sign only what sakip made: a package that no longer matches its manifest is not signed.
    if manifest.matches_manifest(package) is False:
        raise SigningError(f"{package}: isi paket berubah sejak dibuat; periksa dengan 'sakip verify {package}'")
    states = signature_fields(package)
    if states.get(field) is not False:
        why = "sudah ditandatangani" if states.get(field) else "tidak ada di paket"
        empty = [name for name, filled in states.items() if not filled]
        raise SigningError(f"{package.name}: kolom tanda tangan '{field}' {why}; kolom kosong: {', '.join(empty) or '-'}")
    try:
        data = p12.read_bytes()
    except OSError as exc:
        raise SigningError(f"{p12}: berkas sertifikat tidak dapat dibaca ({exc.strerror})") from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
    except ValueError:
        raise SigningError(f"{p12}: sertifikat PKCS#12 tidak dapat dibuka (kata sandi salah atau berkas rusak)") from None
    timestamper = None
    if timestamp_url:
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

        timestamper = RequestsHTTPTimeStamper(timestamp_url, timeout=30)
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=sig_fields.SigSeedSubFilter.PADES,
        reason=reason or None, location=location or None, use_pades_lta=False)
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper,
                                   stamp_style=TextStampStyle(stamp_text=STAMP_TEXT, timestamp_format="%d-%m-%Y %H:%M %Z"))
    with package.open("rb") as fh:
        original = io.BytesIO(fh.read())
    writer = IncrementalPdfFileWriter(original, strict=False)
    with atomic_path(package) as tmp:
        try:
            with tmp.open("wb") as out:
                pdf_signer.sign_pdf(writer, output=out)
        except Exception as exc:  # the timestamp server or the key refused; the package stays as it was
            detail = type(exc).__name__ if passphrase and passphrase.decode(errors="ignore") in str(exc) else str(exc)
            raise SigningError(f"{package.name}: penandatanganan gagal ({detail[:200]}); paket tidak diubah") from None
    return Signed(package, field, signer.signing_cert.subject.human_friendly, "PAdES B-T" if timestamper else "PAdES B-B")

