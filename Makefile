# reportgen: `make report` builds every note; `make test` runs the tests.
# Both set everything up first (Debian packages, then a virtualenv in .venv).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build
JOBS   ?= 2

# python3-venv for the virtualenv on a stock Debian Python; WeasyPrint needs Pango/HarfBuzz; libharfbuzz-subset0 makes it subset fonts with
# HarfBuzz (stable, byte-identical PDFs). poppler-utils and qpdf check PDFs in tests.
APT_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
                libfontconfig1 fonts-dejavu-core poppler-utils qpdf

.PHONY: report test test-fast golden refresh-visuals lint typecheck format bench check clean distclean system venv

report: venv ## Build the notes in assumptions/ whose inputs changed since their last build (FORCE=1: all)
	$(BIN)/reportgen build assumptions --out $(OUT) --jobs $(JOBS) $(if $(FORCE),--force)

test: venv ## Run the whole test suite
	$(BIN)/python -m pytest

test-fast: venv ## Skip the tests that compile whole PDFs
	$(BIN)/python -m pytest -m "not slow"

golden: venv ## Regenerate the golden HTML after a deliberate change (review the diff!)
	$(BIN)/python -m pytest tests/test_golden.py --regen-golden

refresh-visuals: venv ## Regenerate the reference page images after a deliberate layout change
	$(BIN)/python -m pytest tests/test_visual.py --refresh-visuals

check: venv ## Validate the assumption files only
	$(BIN)/reportgen check assumptions

lint: venv
	$(BIN)/ruff check reportgen tests
	$(BIN)/ruff format --check reportgen tests

typecheck: venv
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format reportgen tests
	$(BIN)/ruff check --fix reportgen tests

bench: venv ## Benchmark against the speed targets: table on stdout, figures in build/bench/results.json
	$(BIN)/python bench/run.py $(BENCH_ARGS)

venv: system $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

system: ## Debian packages WeasyPrint and the PDF checks need (installs only what is missing)
	@if dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(APT_PACKAGES); \
	else \
	  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(APT_PACKAGES); \
	fi

clean:
	rm -rf $(OUT) tests/golden/_actual .pytest_cache

distclean: clean
	rm -rf $(VENV) *.egg-info
