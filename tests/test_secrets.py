"""Signing secrets never leave the signer: a known test passphrase and the key it opens are
searched for in every output file, the Prefect server's database (logs and artifacts), every
manifest and everything printed, after signing (right and wrong passphrase, with --verbose) and
after a run made with the passphrase in the environment."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.conftest import ROOT, SAKIP
from tests.pki import NURUL, PKI

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")

PASSPHRASE = "Sandi-Uji-Rahasia-93c1e7"


def needles(p12: Path) -> dict[str, bytes]:
    """The passphrase and the private key in every form it could leak in."""
    key, _, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), PASSPHRASE.encode())
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    blob = p12.read_bytes()
    return {
        "kata sandi": PASSPHRASE.encode(), "kata sandi (UTF-16)": PASSPHRASE.encode("utf-16-le"),
        "kata sandi (base64)": base64.b64encode(PASSPHRASE.encode()).rstrip(b"="),
        "kunci privat (mentah)": scalar, "kunci privat (heks)": scalar.hex().encode(),
        "kunci privat (DER)": der, "kunci privat (PEM)": base64.b64encode(der)[:40],
        "berkas p12": blob[len(blob) // 2:len(blob) // 2 + 48],
        "blok PEM": b"PRIVATE KEY-----",
    }


def leaks(data: bytes, found: dict[str, bytes]) -> list[str]:
    return [name for name, needle in found.items() if needle in data]


def test_no_passphrase_or_key_material_in_any_output_log_artifact_or_message(run_tw2, tmp_path):
    _, out, inputs, _ = run_tw2
    shutil.copytree(inputs, tmp_path / "inputs")
    shutil.copytree(out, tmp_path / "outputs", symlinks=True)
    (tmp_path / "pki").mkdir()
    pki = PKI.make(tmp_path / "pki")
    p12 = pki.p12(NURUL, PASSPHRASE.encode())
    found = needles(p12)
    # the search finds what it looks for (a search that never matches would pass anything)
    assert leaks(f"galat: {PASSPHRASE}.".encode(), found) == ["kata sandi"]
    assert "berkas p12" in leaks(p12.read_bytes(), found)
    key, _, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), PASSPHRASE.encode())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    assert {"kunci privat (PEM)", "blok PEM"} <= set(leaks(pem, found))
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)  # a temporary server whose database lands in PREFECT_HOME
    package = tmp_path / "outputs/2026/TW2/PK-SEK/latest/paket_PK-SEK_2026_TW2.pdf"

    def sakip(*args: str, secret: str | None) -> subprocess.CompletedProcess:
        extra = {"SAKIP_P12_PASSPHRASE": secret} if secret is not None else {}
        return subprocess.run([*SAKIP, *args], cwd=tmp_path, env={**env, **extra}, capture_output=True, text=True,
                              timeout=400)

    printed = []
    wrong = sakip("--verbose", "sign", str(package), "--p12", str(p12), "--field", "ttd_pejabat", secret=PASSPHRASE[:-1])
    assert wrong.returncode != 0 and "kata sandi salah" in wrong.stdout + wrong.stderr
    good = sakip("sign", str(package), "--p12", str(p12), "--field", "ttd_pejabat", secret=PASSPHRASE)
    assert good.returncode == 0, good.stderr
    verify = sakip("verify", str(package), "--ca", str(pki.ca_pem), secret=None)
    assert verify.returncode == 0 and "ttd_pejabat" in verify.stdout, verify.stdout + verify.stderr
    # An operator with the passphrase still exported runs the quarter again: it makes the bundle
    # and the recap anew (a package's signature changed them), logs and records artifacts.
    rerun = sakip("run", "2026", "2", "--inputs", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "outputs"),
                  "--templates", str(ROOT / "templates"), "--expectations", str(ROOT / "expectations"),
                  "--tanggal", "2026-07-06", secret=PASSPHRASE)
    assert rerun.returncode == 2, rerun.stderr[-2000:]  # the demo returns PK-IRBAN3
    status = sakip("status", "2026", "2", "--outputs", str(tmp_path / "outputs"), "--json", secret=PASSPHRASE)
    printed += [wrong, good, verify, rerun, status]

    for proc in printed:
        assert leaks((proc.stdout + proc.stderr).encode(), found) == [], proc.args
    searched = 0
    for folder in (tmp_path / "outputs", tmp_path / "prefect"):
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                assert leaks(path.read_bytes(), found) == [], path
                searched += 1
    manifests = list((tmp_path / "outputs").rglob("*manifest*.json"))
    databases = list((tmp_path / "prefect").rglob("*.db"))
    assert manifests and databases and searched > 50  # the search did reach manifests, logs and artifacts
    # the signed package is searched too, and it does carry the signature the key made
    assert b"/ByteRange" in package.read_bytes()
