# The two commands of README.md; both set everything up first on a fresh Debian 12 machine.
SHELL := /bin/bash
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export UV_PYTHON_DOWNLOADS := never

VENV := .venv/bin

.PHONY: setup demo test bench fuzz

setup:
	@scripts/setup.sh

# Exit code 2 means "packages ready, some PKs returned for correction": the demo's PK-IRBAN3
# is returned on purpose, so that code is success here; 1 and 3 still stop make.
demo: setup
	$(VENV)/sakip run 2026 1 || [ $$? -eq 2 ]
	$(VENV)/sakip run 2026 2 || [ $$? -eq 2 ]
	@echo
	@echo "Paket siap tanda tangan:"
	@find -L outputs -path '*/latest/paket_*.pdf' | sort | sed 's/^/  /'
	@echo "Berkas koreksi untuk unit yang dikembalikan:"
	@find outputs -name 'KOREKSI_*.xlsx' | sort | sed 's/^/  /'
	@echo "Bundel paket per triwulan, untuk dibaca kepala (ditandatangani per paket):"
	@find outputs -name 'bundel_paket_*.pdf' | sort | sed 's/^/  /'
	@echo "Periksa paket terhadap manifest-nya:  .venv/bin/sakip verify <paket.pdf>"
	@echo "Rekap instansi per triwulan:"
	@find -L outputs -path '*/latest/rekap_instansi_*.pdf' | sort | sed 's/^/  /'
	@echo "Halaman status per triwulan, untuk dibuka di peramban (juga di ponsel):"
	@find outputs -name 'index.html' | sort | sed 's/^/  /'
	@echo "Hasil pemeriksaan (paraf) per triwulan, untuk dibuka di peramban:"
	@find outputs -name 'validasi.html' | sort | sed 's/^/  /'

test: setup
	$(VENV)/pytest -n 2

# New random draws for the damaged-file and code fuzz tests (make test draws fixed ones).
FUZZ ?= 3000
fuzz: setup
	SAKIP_HYPOTHESIS=fuzz SAKIP_FUZZ_EXAMPLES=$(FUZZ) $(VENV)/pytest -n 2 tests/ingest/test_bad_inputs.py -k "damaged or accepted_pk_code"

# A regency-sized quarter (480 PKs) against the conversion floor and the naive pipeline;
# prints a table and writes bench/results.json. PKS=5 for a quick look.
PKS ?= 480
# The peer renderers (docxtemplater, Carbone) come from npm into bench/peers/node_modules; without
# node and npm (a fresh Debian 12 has neither) the bench skips them and says so in results.json.
bench: setup
	@if [ ! -d bench/peers/node_modules ]; then \
	  if command -v npm >/dev/null 2>&1; then \
	    npm ci --prefix bench/peers --no-audit --no-fund --loglevel=error || echo "sakip: npm ci gagal; pembanding docxtemplater dan Carbone dilewati"; \
	  else echo "sakip: node/npm tidak terpasang; pembanding docxtemplater dan Carbone dilewati (Debian: sudo apt-get install -y nodejs npm)"; fi; \
	fi
	$(VENV)/python -m bench.run --pks $(PKS)
