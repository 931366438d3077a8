"""A throwaway PKI made in the test: a root CA, signers' PKCS#12 files (good ones, and the bad
ones `sakip sign` must refuse: expired, not yet valid, wrong key usage or extended key usage, a
CA certificate, a weak key, no private key, a key of another certificate) and a RFC 3161
timestamp server on loopback (pyHanko's DummyTimeStamper answering real HTTP requests)."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime.now(dt.timezone.utc)

# The demo's officials (inputs/2026/instansi.toml) as their certificates name them: no titles.
NURUL = "NURUL HIDAYATI"  # PK-SEK's official: ttd_pejabat, ttd_pk_pihak_pertama, ttd_ra of PK-SEK
HERU = "HERU PRASETYO"  # the Inspektur: PK-INSP's official, the pihak kedua of PK-SEK and the irban PKs
DEWI = "DEWI LESTARI"  # the checker: paraf_pemeriksa and paraf_laporan of PK-SEK, PK-INSP and the irban PKs
AGUS = "AGUS WIDODO"  # PK-IRBAN1's official
NIP = {NURUL: "197808232003122005", HERU: "197104121996031003", DEWI: "198709102010012015"}


def _name(cn: str, serial: str = "") -> x509.Name:
    """A subject; `serial` is its serialNumber attribute, where a signing certificate may carry the NIP."""
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CA Uji sakip"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)]
                     + ([x509.NameAttribute(NameOID.SERIAL_NUMBER, serial)] if serial else []))


SIGNING = ("digital_signature", "content_commitment")  # a signer's key usage
_USAGE_BITS = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
               "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")


def usage(*bits: str) -> x509.KeyUsage:
    """A key usage extension with exactly these bits (cryptography's attribute names)."""
    return x509.KeyUsage(**{bit: bit in bits for bit in _USAGE_BITS})


def _cert(subject: str, key, issuer: x509.Name, issuer_key, ca: bool, eku=None, *,
          valid: tuple[dt.datetime, dt.datetime] | None = None, key_usage: tuple[str, ...] | None = None,
          with_key_usage: bool = True, serial: str = "") -> x509.Certificate:
    start, end = valid or (NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=30))
    bits = key_usage if key_usage is not None else (("key_cert_sign", "crl_sign") if ca else SIGNING)
    builder = (x509.CertificateBuilder().subject_name(_name(subject, serial)).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if with_key_usage:
        builder = builder.add_extension(usage(*bits), critical=True)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class PKI:
    folder: Path
    ca_pem: Path
    ca_key: ec.EllipticCurvePrivateKey
    ca_cert: x509.Certificate

    @classmethod
    def make(cls, folder: Path) -> "PKI":
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _cert("Root CA Uji", key, _name("Root CA Uji"), key, ca=True)
        pem = folder / "ca.pem"
        pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cls(folder, pem, key, cert)

    def p12(self, who: str, passphrase: bytes, *, name: str = "", valid: tuple[dt.datetime, dt.datetime] | None = None,
            key_usage: tuple[str, ...] | None = None, with_key_usage: bool = True, eku=None, ca: bool = False,
            rsa_bits: int = 0, with_key: bool = True, other_key: bool = False, serial: str = "") -> Path:
        """A signer's PKCS#12 file; the keywords make the certificates `sakip sign` must refuse
        (`valid` is (not before, not after); `other_key` stores another key, the certificate beside it
        unpaired, as a careless export does); `serial` is the subject's serialNumber (a NIP)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits) if rsa_bits \
            else ec.generate_private_key(ec.SECP256R1())
        cert = _cert(who, key, self.ca_cert.subject, self.ca_key, ca=ca, eku=eku, valid=valid, key_usage=key_usage,
                     with_key_usage=with_key_usage, serial=serial)
        path = self.folder / f"{name or who.split()[0].lower()}.p12"
        if other_key:  # cryptography refuses to pair a key with a certificate that is not its own
            stored, paired, extra = ec.generate_private_key(ec.SECP256R1()), None, [cert, self.ca_cert]
        else:
            stored, paired, extra = (key if with_key else None), cert, [self.ca_cert]
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            who.encode(), stored, paired, extra, serialization.BestAvailableEncryption(passphrase)))
        return path

    def timestamp_server(self) -> "TimestampServer":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test TSA signs with RSA only
        cert = _cert("TSA Uji", key, self.ca_cert.subject, self.ca_key, ca=False, eku=[ExtendedKeyUsageOID.TIME_STAMPING])
        return TimestampServer(cert, key, self.ca_cert)


class TimestampServer:
    """A real RFC 3161 endpoint over HTTP on 127.0.0.1, signing with a certificate of this PKI."""

    def __init__(self, cert: x509.Certificate, key, ca: x509.Certificate) -> None:
        from pyhanko.sign.timestamps import DummyTimeStamper

        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
            certs_to_embed=[asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))])
        self.requests = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(response)))
                self.end_headers()
                self.wfile.write(response)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
