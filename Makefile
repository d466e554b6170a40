# Train-to-Test: `make book` builds the HTML book, `make test` runs the whole test suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= 2
# Use the project's local copy of the public data sets when it is there (nothing is downloaded then).
ifeq ($(origin T2LIB_DATA_DIR), undefined)
  ifneq ($(wildcard ../shared/data),)
    export T2LIB_DATA_DIR := $(abspath ../shared/data)
  endif
endif

.PHONY: install book book-student test test-unit bench chromium clean clean-notebooks

$(STAMP): requirements/book.txt requirements/constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/book.txt -c requirements/constraints.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

book: install
	$(BIN)/python -m t2lib build --jobs $(JOBS)

book-student: install
	$(BIN)/python -m t2lib build --jobs $(JOBS) --student --out _build/student

# Headless Chromium for the page checks (Debian package); installed when running as root and missing.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium (apt)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found and not root: the browser tests will skip (they fail when CI=true)"; fi; \
	fi

test: install chromium
	$(BIN)/python -m pytest

test-unit: install
	$(BIN)/python -m pytest -m "not book"

bench: install
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean-notebooks: install
	$(BIN)/python -m t2lib clean book/*.ipynb

clean:
	rm -rf _build
