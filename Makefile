# The everyday tasks. `make demo` and `make test` work on a fresh clone: they
# create the virtual environment and install the pinned dependencies first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SIZE ?= S
SEED ?= 42
PYTEST_ARGS ?=
UI_PORT ?= 3000
# Runs started by make demo/build are recorded here, so `make ui` shows them.
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: setup browser demo build test reliability ui benchmark clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

setup: $(VENV)/.installed ## create .venv and install the pinned dependencies

browser: ## Debian's chromium for the UI test (installed when running as root, as CI does)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "note: chromium not installed; the browser test will be skipped"

demo: setup ## generate demo data, full refresh, print the summary
	$(BIN)/b2b-ops demo --size $(SIZE) --seed $(SEED)

build: setup ## full refresh from $$B2B_OPS_LANDING_DIR at $$B2B_OPS_AS_OF_DATE
	$(BIN)/b2b-ops build

test: setup browser ## every test: dbt unit tests, data tests and pytest
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The long crash, fuzz and structural-break tests (demo size S, more kills and
# fuzz examples than `make test`), then the table of what they tried.
RELIABILITY_REPORT := test-artifacts/reliability.jsonl
reliability: setup ## long reliability tests (about 20 minutes); prints a table per case
	mkdir -p $(dir $(RELIABILITY_REPORT)) && rm -f $(RELIABILITY_REPORT)
	B2B_OPS_RELIABILITY_LEVEL=long B2B_OPS_RELIABILITY_REPORT=$(CURDIR)/$(RELIABILITY_REPORT) \
		$(BIN)/python -m pytest -m reliability $(PYTEST_ARGS); status=$$?; \
		$(BIN)/python tests/python/reliability.py $(RELIABILITY_REPORT); exit $$status

ui: setup ## the Dagster UI on 127.0.0.1:$(UI_PORT) with the project loaded
	mkdir -p $(DAGSTER_HOME) && cp -n orchestration/dagster.yaml $(DAGSTER_HOME)/
	$(BIN)/dagster dev -m b2b_ops.definitions -h 127.0.0.1 -p $(UI_PORT)

benchmark: setup ## time generate + load + build at SIZE (prints figures)
	$(BIN)/python -m b2b_ops.benchmark --size $(SIZE)

clean: ## remove generated data, the warehouse and dbt's output
	rm -rf data warehouse target logs .dagster
