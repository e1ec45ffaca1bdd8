# newsmill: every target sets itself up (virtual env from the lock file, the spaCy model) on first use.
# run, server and serve use .venv-run (the runtime packages and mypyc); the other targets .venv (with the dev group).
#   make run    ingest raw/ into output/ (recorded on the `make server` server when it is up, else on a
#               temporary local Prefect server; nothing to start first)
#   make server a local Prefect server with its UI on http://127.0.0.1:4200 (state in .prefect/)
#   make serve  ingest every 60 s against that server (runs and their reports show in the UI)
#   make test   lint, type-check and the whole test suite (end-to-end with the real model) against the compiled
#               modules, then the tests that are not end-to-end again as pure Python; what CI runs
#   make test-fast  lint, type-check and the tests that are not end-to-end (no Prefect run)
#   make compile    the core's busiest modules compiled with mypyc (flows/compiled.py); run, test, bench and
#               the evaluations do it first, again whenever a core source changed
#   make bench  throughput of the whole flow against bare spaCy on the same texts (BENCH_ARTICLES=5000;
#               BENCH_ARGS="--no-baseline" for peak memory only)
#   make eval   field-extraction quality on ../shared/corpus/pages, in-sample and cross-validated by publisher
#   make train  retrain the learned block model, headline and byline rankers from ../shared/corpus/pages
#               (flows/core/page/models/blocks.json, headline.json, authors.json)
#               and the speaker ranker from ../shared/corpus/intel/polnear_dev (flows/core/intel/models/speakers.json)
#   make eval-ner    entities on CoNLL-2003 dev beside bare spaCy; quotes, amounts, dates against hand labels
#   make eval-intel  quotes and speakers (and the other intel tasks) on outside gold, ../shared/corpus/intel
#   make eval-places how many corpus place names are geocoded, and the most frequent misses

SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced
RUN_VENV := .venv-run
RUN_BIN := $(RUN_VENV)/bin
RUN_STAMP := $(RUN_VENV)/.synced
LOCAL_API := http://127.0.0.1:4200/api

export PREFECT_HOME ?= $(CURDIR)/.prefect
export UV_PYTHON ?= $(shell command -v python3.11 || command -v $(PYTHON))
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: setup compile run server serve test test-fast lint typecheck pytest pytest-fast pytest-pure bench train eval eval-ner eval-intel eval-places clean

setup: $(STAMP)

$(UV): requirements-tools.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-tools.txt
	touch $@

# spaCy and thinc from their locked source distributions, built without Cython's profiling hooks (over half of
# spaCy's CPU; the build variables in pyproject.toml, flows/core/nlp/hooks.py), where a C++ compiler is found:
# about six minutes once per machine, then uv's cache holds the wheels. Without a compiler, their wheels from the
# registry. uv does not check how an installed package was built, so a sync first removes the two: an
# environment that holds the other build gets this one (from the cache, in well under a second).
# CAN_BUILD: a C++ compiler and Python's headers (scripts/can_build.py, which tests/test_hooks.py asks too).
CAN_BUILD := $(shell $(UV_PYTHON) scripts/can_build.py)
SPACY_BUILD := $(if $(CAN_BUILD),--no-binary-package spacy --no-binary-package thinc)
define sync_environment
	@$(if $(CAN_BUILD),,echo "no C++ compiler or no Python headers: spaCy and thinc from their wheels, with Cython's profiling hooks (slower)")
	if [ -x $(1)/bin/python ]; then $(UV) pip uninstall --quiet --python $(1)/bin/python spacy thinc; fi
	UV_PROJECT_ENVIRONMENT=$(CURDIR)/$(1) $(UV) sync --frozen --quiet --compile-bytecode $(SPACY_BUILD) $(2)
	touch $(1)/.synced
endef

$(STAMP): $(UV) uv.lock pyproject.toml
	$(call sync_environment,$(VENV))

# The runtime environment: no test or lint packages; mypyc to compile with (the build group).
$(RUN_STAMP): $(UV) uv.lock pyproject.toml
	$(call sync_environment,$(RUN_VENV),--no-dev --group build)

# mypyc reads the types of the runtime packages, so it runs in .venv-run. Without a C compiler the script says
# so and newsmill runs as Python.
COMPILED := flows/.compiled.json
# flows/core and schemas: what a build reads (flows.compiled.INPUT_FOLDERS, which its manifest hashes)
CORE_SOURCES := $(shell find flows/core schemas -name '*.py') flows/compiled.py scripts/compile.py
$(COMPILED): $(RUN_STAMP) $(CORE_SOURCES)
	$(RUN_BIN)/python scripts/compile.py

compile: $(COMPILED)

# With PREFECT_API_URL unset, a run goes to the `make server` server when it answers (so it shows in its UI).
run: $(RUN_STAMP) $(COMPILED)
	@if [ -z "$$PREFECT_API_URL" ] && $(RUN_BIN)/python -c "import urllib.request as u; u.urlopen('$(LOCAL_API)/health', timeout=2)" 2>/dev/null; then \
	  echo "recording the run on the server at $(LOCAL_API)"; export PREFECT_API_URL=$(LOCAL_API); fi; \
	$(RUN_BIN)/newsmill run

server: $(RUN_STAMP) $(COMPILED)
	$(RUN_BIN)/newsmill server

serve: $(RUN_STAMP) $(COMPILED)
	$(RUN_BIN)/newsmill serve --interval 60

lint: $(STAMP)
	$(BIN)/ruff check flows schemas tests scripts
	$(BIN)/ruff format --check flows schemas tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy --strict flows schemas

pytest: $(STAMP) $(COMPILED)
	$(BIN)/python -m pytest

# The same sources as Python: what runs where nothing was compiled.
pytest-pure: $(STAMP)
	NEWSMILL_PURE_PYTHON=1 $(BIN)/python -m pytest -m "not e2e"

test: lint typecheck pytest pytest-pure

pytest-fast: $(STAMP) $(COMPILED)
	$(BIN)/python -m pytest -m "not e2e"

test-fast: lint typecheck pytest-fast

BENCH_ARTICLES ?= 5000
bench: $(STAMP) $(COMPILED)
	$(BIN)/python scripts/bench.py --articles $(BENCH_ARTICLES) $(BENCH_ARGS)

train: $(STAMP) $(COMPILED)
	$(BIN)/python scripts/train.py

eval: $(STAMP) $(COMPILED)
	$(BIN)/python scripts/eval.py

eval-ner: $(STAMP) $(COMPILED)
	$(BIN)/python scripts/eval_ner.py

eval-intel: $(STAMP) $(COMPILED)
	$(BIN)/python scripts/eval_intel.py

eval-places: $(STAMP) $(COMPILED)
	$(BIN)/python scripts/eval_places.py

clean:
	rm -rf $(VENV) $(RUN_VENV) $(TOOLS) .prefect .mypy_cache .ruff_cache .pytest_cache
	$(PYTHON) scripts/compile.py --clean
