#!/usr/bin/env bash
# Install what sakip needs on a fresh Debian 12 machine with Python 3.11: uv, the locked Python
# environment (.venv), and the Debian packages for conversion, fonts and PDF checks.
# Safe to rerun: each step only acts when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# libreoffice-calc-nogui: tests open the workbooks sakip writes the way Calc does (formula injection).
# python3-uno: the warm converter drives LibreOffice over UNO from Debian's /usr/bin/python3.
# postgresql: the database Prefect advises for a server with many workers (README, "A Prefect
# server, a work pool and workers"); the fan-out test runs its server on a private cluster of it.
# chromium: the status page (index.html) is tested in a real browser (tests/outputs/test_page.py).
APT_PACKAGES=(libreoffice-writer-nogui libreoffice-calc-nogui python3-uno fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea poppler-utils qpdf postgresql chromium)

as_root() { [ "$(id -u)" = 0 ]; }

find_uv() {
  if command -v uv >/dev/null 2>&1; then command -v uv
  elif [ -x "$HOME/.local/bin/uv" ]; then echo "$HOME/.local/bin/uv"
  fi
}

uv_bin=$(find_uv)
if [ -z "$uv_bin" ]; then
  echo "sakip: memasang uv ..."
  if ! python3 -m pip --version >/dev/null 2>&1; then
    if as_root; then
      apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-pip >/dev/null
    else
      echo "sakip: pip tidak tersedia; jalankan: sudo apt-get install -y python3-pip" >&2; exit 1
    fi
  fi
  # Debian's own Python refuses user installs without --break-system-packages (PEP 668).
  python3 -m pip install --user -q uv 2>/dev/null || python3 -m pip install --user -q --break-system-packages uv
  uv_bin=$(find_uv)
  # The uv wheel knows where it put its binary, wherever pip's scheme for this user put it.
  [ -n "$uv_bin" ] || uv_bin=$(python3 -c 'import uv; print(uv.find_uv_bin())' 2>/dev/null || true)
  if [ -z "$uv_bin" ]; then
    echo "sakip: uv terpasang tetapi programnya tidak ditemukan; tambahkan ~/.local/bin ke PATH lalu ulangi" >&2
    exit 1
  fi
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if as_root; then
    echo "sakip: memasang paket Debian: ${missing[*]} ..."
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "sakip: paket Debian belum terpasang; jalankan: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (it is on these machines)
# every import would otherwise compile from source, seconds of every run's start.
UV_PYTHON_DOWNLOADS=never "$uv_bin" sync --frozen --quiet --compile-bytecode
.venv/bin/python -m compileall -q sakip flows >/dev/null
