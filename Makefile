# The everyday tasks. `make demo` and `make test` work on a fresh clone: they
# create the virtual environment and install the pinned dependencies first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SIZE ?= S
SEED ?= 42
PYTEST_ARGS ?=

.PHONY: setup demo build test benchmark clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

setup: $(VENV)/.installed ## create .venv and install the pinned dependencies

demo: setup ## generate demo data, full refresh, print the summary
	$(BIN)/b2b-ops demo --size $(SIZE) --seed $(SEED)

build: setup ## full refresh from $$B2B_OPS_LANDING_DIR at $$B2B_OPS_AS_OF_DATE
	$(BIN)/b2b-ops build

test: setup ## every test: dbt unit tests, data tests and pytest
	$(BIN)/python -m pytest $(PYTEST_ARGS)

benchmark: setup ## time generate + load + build at SIZE (prints figures)
	$(BIN)/python -m b2b_ops.benchmark --size $(SIZE)

clean: ## remove generated data, the warehouse and dbt's output
	rm -rf data warehouse target logs
