"""`sakip sign`: a PAdES signature into a named empty field of a package, for agencies that
hold their own certificate (BSrE or other) as a PKCS#12 file.

PAdES baseline B-B, or B-T when a RFC 3161 timestamp server is given. The signature is an
incremental update: the bytes already in the file, including earlier signatures, are kept as
they are, so a second signer signs after the first without breaking it. The signed file is
written beside the package and renamed over it only once complete.

Nothing is signed that `sakip verify` would not pass (apart from trusting earlier signers'
certificates, which needs a CA that signing is not given, and templates or suites changed
since, which never re-issue a revision), and no certificate signs that is not valid for
signing at the time of signing: expired or not yet valid, a key usage without
digitalSignature or nonRepudiation, an extended key usage only for other purposes (TLS server,
code signing, timestamping, OCSP), no key usage at all, a CA certificate, a weak RSA key, or a PKCS#12 file without
the private key of its certificate.

Only the official printed at the field may sign it: the certificate's name (titles, case,
punctuation and spacing aside) and, where the certificate carries one, its NIP must be those of
the official the manifest records at the field. An acting official (Plt./Plh.) signs a block
printed for the definitive official only when told so (`acting`); the signature then records
"Plt. atas nama <official>" in its /Reason, and the stamp says it too.

The passphrase reaches this module as bytes from the CLI (prompt or environment variable); it
is never logged, printed or put in an error message.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat, pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields as sig_fields
from pyhanko.sign import signers
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import manifest
from ..errors import SigningError, visible
from ..formatting import wib
from ..outputs.files import atomic_path
from ..outputs.revisions import is_revision, latest
from ..paraf.asn import same_person
from .package import signature_fields

PASSPHRASE_ENV = "SAKIP_P12_PASSPHRASE"
# pyHanko's own %(ts)s is the machine's local time (UTC on a server): the time is given in WIB
# as %(waktu)s, like every time an official reads; %(peran)s says "Plt. atas nama ..." when acting.
STAMP_TEXT = "Ditandatangani secara elektronik oleh:\n%(signer)s%(peran)s\nWaktu: %(waktu)s"
MIN_RSA_BITS = 2048

# Key usage bits as X.509 names them (cryptography's attribute -> RFC 5280 name).
_KEY_USAGES = {"digital_signature": "digitalSignature", "content_commitment": "nonRepudiation",
               "key_encipherment": "keyEncipherment", "data_encipherment": "dataEncipherment",
               "key_agreement": "keyAgreement", "key_cert_sign": "keyCertSign", "crl_sign": "cRLSign"}
# Extended key usages that say "for something else": a certificate whose EKU holds only these
# may not sign documents. Any other purpose is accepted, clientAuth included: many national
# signing certificates (BSrE among them) carry clientAuth with or without emailProtection, and
# unknown purposes may be a CA's own document-signing OID.
_OTHER_PURPOSES = {
    "1.3.6.1.5.5.7.3.1": "serverAuth (server TLS)", "1.3.6.1.5.5.7.3.3": "codeSigning (tanda tangan kode)",
    "1.3.6.1.5.5.7.3.8": "timeStamping (cap waktu)", "1.3.6.1.5.5.7.3.9": "OCSPSigning",
    "1.3.6.1.5.5.7.3.5": "ipsecEndSystem", "1.3.6.1.5.5.7.3.6": "ipsecTunnel", "1.3.6.1.5.5.7.3.7": "ipsecUser",
    "1.3.6.1.5.5.7.3.17": "ipsecIKE",
}
_ANY_PURPOSE = "2.5.29.37.0"


@dataclass(frozen=True)
class Signed:
    package: Path
    field: str
    signer: str
    level: str  # "PAdES B-B" or "PAdES B-T"
    on_behalf: str = ""  # "Plt. atas nama <official>" when signed by an acting official


def _superseded_by(package: Path) -> Path | None:
    """The newer revision of the PK when `package` sits in an older one (an official must never
    sign a document that a correction has already replaced)."""
    folder = package.resolve().parent
    if not is_revision(folder):
        return None
    newest = latest(folder.parent)
    return newest if newest is not None and newest.resolve() != folder else None


def acting_role(text: str) -> str:
    """'Plt.' or 'Plh.' as `--atas-nama` may be typed ('plt', 'PLH.'); SigningError otherwise."""
    role = next((r for r in manifest.ACTING if text.strip().rstrip(".").casefold() == r.rstrip(".").casefold()), "")
    if not role:
        raise SigningError(f"--atas-nama '{visible(text)}' tidak dikenal; tulis Plt. (pelaksana tugas) atau Plh. "
                           "(pelaksana harian)")
    return role


def sign(package: Path, p12: Path, field: str, passphrase: bytes | None, timestamp_url: str = "",
         reason: str = "", location: str = "", acting: str = "") -> Signed:
    """Sign `package` in place into the empty signature field `field`, with a certificate of
    the official printed at that field, or, given `acting` ('Plt.' or 'Plh.'), of an acting
    official signing on their behalf (recorded in the signature)."""
    role = acting_role(acting) if acting else ""
    if manifest.on_behalf_of(reason) is not None:  # the record verify reads is made by --atas-nama alone
        raise SigningError(f"alasan '{visible(reason)}' berbentuk catatan Plt./Plh.; untuk menandatangani atas nama "
                           "pejabat yang dicetak gunakan --atas-nama Plt. atau --atas-nama Plh.")
    if not package.is_file():
        raise SigningError(f"{visible(str(package))}: paket tidak ditemukan")
    superseded = _superseded_by(package)
    if superseded is not None:
        raise SigningError(f"{package}: revisi ini sudah digantikan oleh {superseded.name}; "
                           f"tanda tangani paket revisi terbaru ({superseded / package.name})")
    _check_field(package, field)
    moment = dt.datetime.now(dt.timezone.utc)
    key, cert, others = _open_p12(p12, passphrase)
    check_certificate(cert, key, moment, p12.name)
    # Sign only what sakip made and what verify passes: checked after the certificate, so a
    # wrong passphrase is said at once, and right before signing.
    _check_package(package)
    name, nip = holder(cert)
    on_behalf = _check_signer(package, field, name, nip, role)
    signed = _sign(package, key, cert, others, field, timestamp_url,
                   manifest.acting_reason(role, on_behalf, reason) if on_behalf else reason, location, passphrase,
                   f"{role} atas nama {on_behalf}" if on_behalf else "")
    return Signed(signed.package, signed.field, manifest.signer_shown(name, nip), signed.level, signed.on_behalf)


def holder(cert: Any) -> tuple[str, str]:
    """(name, NIP) of a certificate's holder, as `sakip verify` reads them (manifest.certificate_identity)."""
    return manifest.certificate_identity(asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)))


def _check_signer(package: Path, field: str, name: str, nip: str, role: str) -> str:
    """Refuse a certificate of someone other than the official printed at `field` (one line
    naming the field, the official and the certificate's holder); with `role` (Plt./Plh.), the
    printed official's name, whom the acting holder signs for."""
    made = manifest.load(package)  # _check_package has just verified it
    if made is None or made.paket.penanda_tangan is None:
        raise SigningError(f"{package.name}: manifest paket tidak mencatat pejabat yang dicetak di setiap kolom tanda "
                           "tangan (paket dibuat sakip versi sebelumnya), jadi sertifikat tidak dapat dicocokkan; buat "
                           "revisi baru dengan 'sakip run <tahun> <triwulan> --force' lalu tanda tangani paket itu")
    record = made.paket.penanda_tangan.get(field)
    printed = record.model_dump() if record is not None else None
    if role and printed is not None:
        if same_person(printed["nama"], name):
            raise SigningError(f"{package.name}: sertifikat {visible(name)} adalah milik pejabat yang dicetak di kolom "
                               f"{visible(field)}; --atas-nama {role} hanya untuk pejabat lain yang menandatangani "
                               "atas namanya, ulangi tanpa --atas-nama")
        return printed["nama"]
    problem = manifest.signer_problem(field, printed, name, nip)
    if problem:
        hint = ("" if printed is None else "; tanda tangani dengan sertifikat pejabat itu, atau bila Anda Plt./Plh. "
                "yang menandatangani atas namanya, ulangi dengan --atas-nama Plt. atau --atas-nama Plh.")
        raise SigningError(f"{package.name}: tidak ditandatangani: {problem}{hint}")
    return ""


def _check_field(package: Path, field: str) -> None:
    states = signature_fields(package)
    if states.get(field) is not False:
        why = "sudah ditandatangani" if states.get(field) else "tidak ada di paket"
        empty = [name for name, filled in states.items() if not filled]
        raise SigningError(f"{package.name}: kolom tanda tangan '{visible(field)}' {why}; "
                           f"kolom kosong: {', '.join(empty) or '-'}")


def _check_package(package: Path) -> None:
    """Refuse what `sakip verify` would not pass; trust in earlier signers (no CA when signing)
    and changed templates or suites do not block signing."""
    result = manifest.verify(package)
    blocking = result.blocking_signing()
    if blocking:
        first = blocking[0].removeprefix(f"{package.name}: ")
        more = f" (dan {len(blocking) - 1} masalah lain)" if len(blocking) > 1 else ""
        raise SigningError(f"{package.name}: tidak ditandatangani, paket tidak lolos pemeriksaan: {first}{more}; "
                           f"periksa dengan 'sakip verify {package}'")


def _open_p12(p12: Path, passphrase: bytes | None) -> tuple[Any, Any, list[Any]]:
    """The private key, its certificate and the other certificates of a PKCS#12 file."""
    try:
        data = p12.read_bytes()
    except OSError as exc:
        raise SigningError(f"{visible(str(p12))}: berkas sertifikat tidak dapat dibaca "
                           f"({visible(exc.strerror or type(exc).__name__)})") from None
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, passphrase)
    except (ValueError, TypeError):
        raise SigningError(f"{p12}: sertifikat PKCS#12 tidak dapat dibuka (kata sandi salah atau berkas rusak)") from None
    except Exception:  # noqa: BLE001 - an unsupported algorithm inside; the passphrase is never quoted
        raise SigningError(f"{p12}: sertifikat PKCS#12 tidak dapat dibuka (format atau algoritme tidak didukung)") from None
    if key is None:
        raise SigningError(f"{p12.name}: berkas PKCS#12 tidak berisi kunci privat (hanya sertifikat); ekspor ulang "
                           "sertifikat penanda tangan bersama kunci privatnya")
    if cert is None:
        raise SigningError(f"{p12.name}: berkas PKCS#12 tidak berisi sertifikat untuk kunci privatnya")
    return key, cert, list(others)


def _who(cert: Any) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return visible(str(names[0].value) if names else cert.subject.rfc4514_string())


def check_certificate(cert: Any, key: Any, moment: dt.datetime, label: str) -> None:
    """Refuse a certificate that may not sign a document at `moment` (one Indonesian line)."""
    who = f"{label}: sertifikat {_who(cert)}"
    _check_key(cert, key, who)
    _check_validity(cert, moment, who)
    _check_usage(cert, who)


def _check_key(cert: Any, key: Any, who: str) -> None:
    def spki(public: Any) -> bytes:
        return public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)

    if spki(key.public_key()) != spki(cert.public_key()):
        raise SigningError(f"{who}: kunci privat di berkas bukan kunci sertifikat ini; ekspor ulang pasangan "
                           "sertifikat dan kuncinya")
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < MIN_RSA_BITS:
        raise SigningError(f"{who}: kunci RSA {key.key_size} bit terlalu lemah untuk tanda tangan "
                           f"(paling sedikit {MIN_RSA_BITS} bit); minta sertifikat baru")


def _check_validity(cert: Any, moment: dt.datetime, who: str) -> None:
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    span = f"berlaku {wib(start)} s.d. {wib(end)}"
    if moment > end:
        days = (moment - end).days
        raise SigningError(f"{who} sudah kedaluwarsa sejak {wib(end)} ({days} hari lalu; {span}); tanda tangani "
                           "dengan sertifikat yang masih berlaku (perpanjang di penerbitnya, mis. BSrE)")
    if moment < start:
        raise SigningError(f"{who} baru berlaku mulai {wib(start)} ({span}); periksa jam komputer ini atau "
                           "tunggu sampai sertifikat berlaku")


def _check_usage(cert: Any, who: str) -> None:
    extensions = {ext.oid: ext.value for ext in cert.extensions}
    basic = extensions.get(x509.oid.ExtensionOID.BASIC_CONSTRAINTS)
    if basic is not None and basic.ca:
        raise SigningError(f"{who} adalah sertifikat CA (penerbit sertifikat), bukan sertifikat penanda tangan")
    usage = extensions.get(x509.oid.ExtensionOID.KEY_USAGE)
    # RFC 5280 reads a missing key usage as "any", but pyHanko (and so `sakip verify`) rejects a
    # signer that does not declare one: a signature made here must verify.
    if usage is None:
        raise SigningError(f"{who}: sertifikat tidak menyatakan penggunaan kunci (key usage); sertifikat tanda tangan "
                           "elektronik menyatakan digitalSignature atau nonRepudiation")
    if not (usage.digital_signature or usage.content_commitment):
        held = [name for attr, name in _KEY_USAGES.items() if getattr(usage, attr)]
        raise SigningError(f"{who}: penggunaan kuncinya ({', '.join(held) or 'kosong'}) tidak mencakup "
                           "digitalSignature atau nonRepudiation; sertifikat ini bukan untuk tanda tangan elektronik")
    purposes = extensions.get(x509.oid.ExtensionOID.EXTENDED_KEY_USAGE)
    if purposes is not None:
        oids = [p.dotted_string for p in purposes]
        if _ANY_PURPOSE not in oids and oids and all(oid in _OTHER_PURPOSES for oid in oids):
            raise SigningError(f"{who}: penggunaan kunci lanjutannya hanya untuk "
                               f"{', '.join(_OTHER_PURPOSES[o] for o in oids)}, bukan tanda tangan dokumen")


def _sign(package: Path, key: Any, cert: Any, others: list[Any], field: str, timestamp_url: str, reason: str,
          location: str, passphrase: bytes | None, on_behalf: str = "") -> Signed:
    def asn1(certificate: Any) -> Any:
        return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))

    signer = signers.SimpleSigner(
        signing_cert=asn1(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([asn1(c) for c in others]))
    timestamper = None
    if timestamp_url:
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper  # lazy: requests (~0.4 s), --tsa only

        timestamper = RequestsHTTPTimeStamper(timestamp_url, timeout=30)
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=sig_fields.SigSeedSubFilter.PADES,
        reason=reason or None, location=location or None, use_pades_lta=False)
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper,
                                   stamp_style=TextStampStyle(stamp_text=STAMP_TEXT))
    with package.open("rb") as fh:
        original = io.BytesIO(fh.read())
    with manifest.library_logs(), atomic_path(package) as tmp:
        try:
            writer = IncrementalPdfFileWriter(original, strict=False)
            with tmp.open("wb") as out:
                # pyHanko records its signing time a moment after this; the stamp shows the minute.
                pdf_signer.sign_pdf(writer, output=out, appearance_text_params={
                    "waktu": wib(dt.datetime.now(dt.timezone.utc)), "peran": f"\n{on_behalf}" if on_behalf else ""})
        except Exception as exc:  # noqa: BLE001 - the timestamp server or the key refused; the package stays as it was
            raise SigningError(f"{package.name}: penandatanganan gagal ({_failure(exc, passphrase)}); "
                               "paket tidak diubah") from None
    return Signed(package, field, visible(signer.signing_cert.subject.human_friendly),
                  "PAdES B-T" if timestamper else "PAdES B-B", visible(on_behalf))


def _failure(exc: Exception, passphrase: bytes | None) -> str:
    """What went wrong, one line, never the passphrase."""
    detail = visible(" ".join(str(exc).split()))[:200]
    secret = passphrase.decode(errors="ignore") if passphrase else ""
    return type(exc).__name__ if not detail or (secret and secret in detail) else detail
