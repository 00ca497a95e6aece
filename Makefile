# The everyday tasks. `make demo` and `make test` work on a fresh clone: they
# create the virtual environment and install the pinned dependencies first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# SIZE, SEED (make demo, make benchmark), UI_PORT and DOCS_PORT are optional:
# the commands' own defaults apply (size S, seed 42, ports 3000 and 8080).
# Runs started by make demo/build are recorded here, so `make ui` shows them.
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: setup setup-spark java test-spark browser demo build test test-fast reliability ui benchmark clean lint lint-fix

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

setup: $(VENV)/.installed ## create .venv and install the pinned dependencies

# The Spark target's extra (dbt-spark, pyspark: about 500 MB); make setup
# stays without it.
$(VENV)/.installed-spark: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,spark]'
	touch $@

setup-spark: $(VENV)/.installed-spark java ## install the Spark extra (and Debian's Java 17 when root)

java: ## Debian's Java 17 for Spark (installed when running as root, as CI does)
	@command -v java >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } || \
		echo "note: Java 17 not installed; the Spark tests will be skipped"

# Not part of make test: it builds the hand-made fixture on Spark (minutes).
test-spark: setup-spark ## build the hand-made fixture on DuckDB and Spark; compare every mart row by row
	$(BIN)/python -m pytest -m spark $(PYTEST_ARGS)

browser: ## Debian's chromium for the UI test (installed when running as root, as CI does)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "note: chromium not installed; the browser test will be skipped"

# demo and build print progress, a few warning lines and the summary; the
# full Dagster and dbt log goes to a file beside the warehouse, whose path
# they print. B2B_OPS_LOG_LEVEL=debug shows the full log as well.
demo: setup ## generate demo data, full refresh, print the summary and what to do next
	@$(BIN)/b2b-ops demo $(if $(SIZE),--size $(SIZE)) $(if $(SEED),--seed $(SEED))

# FULL_REFRESH=1 lands every file again and rebuilds the incremental models.
build: setup ## refresh from $$B2B_OPS_LANDING_DIR at $$B2B_OPS_AS_OF_DATE (FULL_REFRESH=1: from scratch)
	@$(BIN)/b2b-ops build $(if $(filter 1 true yes,$(FULL_REFRESH)),--full-refresh)

test: setup browser ## every test: dbt unit tests, data tests and pytest
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: setup ## the tests that build no warehouse (not slow, not reliability): a few minutes
	$(BIN)/python -m pytest -m "not slow and not reliability" $(PYTEST_ARGS)

# The long crash, fuzz and structural-break tests (demo size S, more kills and
# fuzz examples than `make test`), then the table of what they tried.
RELIABILITY_REPORT := test-artifacts/reliability.jsonl
reliability: setup ## long reliability tests (about 20 minutes); prints a table per case
	mkdir -p $(dir $(RELIABILITY_REPORT)) && rm -f $(RELIABILITY_REPORT)
	B2B_OPS_RELIABILITY_LEVEL=long B2B_OPS_RELIABILITY_REPORT=$(CURDIR)/$(RELIABILITY_REPORT) \
		$(BIN)/python -m pytest -m reliability $(PYTEST_ARGS); status=$$?; \
		$(BIN)/python tests/python/reliability.py $(RELIABILITY_REPORT); exit $$status

ui: setup ## the Dagster UI on 127.0.0.1 (port UI_PORT, else 3000) with the project loaded
	mkdir -p $(DAGSTER_HOME) && cp -n orchestration/dagster.yaml $(DAGSTER_HOME)/
	$(BIN)/dagster dev -m b2b_ops.definitions -h 127.0.0.1 $(if $(UI_PORT),-p $(UI_PORT))

# BENCHMARK_ARGS="--workdir DIR [--skip-generate]" keeps (and reuses) the data.
# ENGINE=spark: the full refresh on DuckDB and on Spark at each size from XS up to SIZE.
benchmark: setup $(if $(filter spark,$(ENGINE)),setup-spark) ## the floor, a full and a daily refresh at SIZE, the daily one at S: times, memory, ratios (ENGINE=spark: DuckDB and Spark side by side)
	$(BIN)/python -m b2b_ops.dev.benchmark $(if $(SIZE),--size $(SIZE)) $(if $(ENGINE),--engine $(ENGINE)) $(BENCHMARK_ARGS)

clean: ## remove generated data, the warehouse, dbt's output and Superset's metadata
	rm -rf data warehouse target logs .dagster .superset

# Conventions, slim CI and the docs site.
STATE_DIR ?= .state/main
BASE_REF ?= main

.PHONY: conventions slim-ci-baseline slim-ci docs

conventions: setup ## check the dbt project's conventions; names the file, the rule and the fix
	$(BIN)/python -m b2b_ops.dev.conventions

slim-ci-baseline: setup ## build $(BASE_REF)'s dbt project on the hand-made fixture into $(STATE_DIR)
	rm -rf $(STATE_DIR)/source && mkdir -p $(STATE_DIR)/source
	git archive $(BASE_REF) | tar -x -C $(STATE_DIR)/source
	$(BIN)/python -m b2b_ops.dev.slim_ci --state-dir $(STATE_DIR) --project-dir $(STATE_DIR)/source baseline
	rm -rf $(STATE_DIR)/source

slim-ci: setup ## build and test only what changed since the baseline; ends with the list of what it ran
	$(BIN)/python -m b2b_ops.dev.slim_ci --state-dir $(STATE_DIR) run

docs: setup ## dbt docs of the built warehouse (lineage, columns, exposures) on 127.0.0.1 (port DOCS_PORT, else 8080)
	$(BIN)/b2b-ops docs --host 127.0.0.1 $(if $(DOCS_PORT),--port $(DOCS_PORT))

# What `make lint` checks; narrow it to one file with LINT_SQL=models/x.sql.
LINT_SQL ?= models tests
LINT_PYTHON ?= orchestration tests bi
SQLFLUFF := $(BIN)/sqlfluff

lint: setup ## check SQL (sqlfluff), Python (ruff) and YAML; every check runs, then it fails if one did
	@status=0; \
	echo "==> SQL style (sqlfluff, rules in .sqlfluff) on $(LINT_SQL)"; \
	$(SQLFLUFF) lint $(LINT_SQL) --processes 2 || { status=1; \
		echo "SQL lint failed: each problem above gives the file (== [...]), the line (L:), the"; \
		echo "position (P:) and the rule. Fix them all with 'make lint-fix', or one file with"; \
		echo "'$(SQLFLUFF) fix <file>'; explain a rule with '$(SQLFLUFF) rules <code>'."; \
		echo "Common ones: CP01 write the keyword in lower case; LT04 put the comma at the end"; \
		echo "of the line; AL01/AL02 write 'as' before the alias; CV13 end with 'select * from final'."; }; \
	echo "==> Python errors and import order (ruff check) on $(LINT_PYTHON)"; \
	$(BIN)/ruff check $(LINT_PYTHON) || status=1; \
	echo "==> Python layout (ruff format --check) on $(LINT_PYTHON)"; \
	$(BIN)/ruff format --check $(LINT_PYTHON) || { status=1; echo "fix with 'make lint-fix'"; }; \
	echo "==> YAML syntax (check-yaml) on every .yml and .yaml file"; \
	find . \( -name .venv -o -name .git -o -name target -o -name dbt_packages -o -name logs \) -prune \
		-o \( -name '*.yml' -o -name '*.yaml' \) -print | xargs $(BIN)/check-yaml || status=1; \
	if [ $$status = 0 ]; then echo "lint: all checks passed"; else echo "lint: FAILED (see above)"; fi; \
	exit $$status

lint-fix: setup ## rewrite SQL (sqlfluff fix) and Python (ruff) to pass `make lint`
	$(SQLFLUFF) fix $(LINT_SQL) --processes 2
	$(BIN)/ruff check --fix $(LINT_PYTHON)
	$(BIN)/ruff format $(LINT_PYTHON)

# Dashboards in Apache Superset (bi/README.md). Superset gets its own virtual
# environment, apart from .venv (it needs SQLAlchemy < 2 and an older sqlglot
# than dbt), installed once and again when its pins change.
BI_VENV ?= bi/superset/.venv
BI_PORT ?= 8088

.PHONY: bi bi-setup

$(BI_VENV)/.installed: bi/superset/requirements.txt bi/superset/constraints.txt
	test -x $(BI_VENV)/bin/python || $(PYTHON) -m venv $(BI_VENV)
	$(BI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r bi/superset/requirements.txt -c bi/superset/constraints.txt
	touch $@

bi-setup: $(BI_VENV)/.installed ## Superset's own virtual environment (bi/superset/.venv)

bi: bi-setup ## Superset on 127.0.0.1:$(BI_PORT) with the five dashboards, reading the published marts (after make demo)
	B2B_OPS_BI_PORT=$(BI_PORT) $(BI_VENV)/bin/python bi/superset/serve.py serve

# The semantic layer and the published copy's readers.
# `make metrics` answers metrics through MetricFlow from the published copy:
# the KPI scorecard by month, or SAVED_QUERY=name, or METRICS=a,b with
# GROUP_BY=metric_time__quarter,account__industry (models/semantic/).
.PHONY: metrics duckdb1-client

metrics: setup ## metrics through the semantic layer, from the published copy (SAVED_QUERY, METRICS, GROUP_BY)
	@$(BIN)/python -m b2b_ops.publishing.metrics $(if $(SAVED_QUERY),--saved-query $(SAVED_QUERY)) \
		$(if $(METRICS),--metrics $(METRICS)) $(if $(GROUP_BY),--group-by $(GROUP_BY))

# A DuckDB 1.x client in its own virtual environment, for the test that
# opens the published copy as BI connectors that embed DuckDB 1.x do.
DUCKDB1_VERSION ?= 1.5.6
DUCKDB1_VENV := .cache/duckdb-$(DUCKDB1_VERSION)

$(DUCKDB1_VENV)/.installed:
	test -x $(DUCKDB1_VENV)/bin/python || $(PYTHON) -m venv $(DUCKDB1_VENV)
	$(DUCKDB1_VENV)/bin/python -m pip install --quiet --disable-pip-version-check duckdb==$(DUCKDB1_VERSION)
	touch $@

duckdb1-client: $(DUCKDB1_VENV)/.installed ## a DuckDB $(DUCKDB1_VERSION) client in .cache/ (the published copy's reader test)
	@echo $(DUCKDB1_VENV)/bin/python
