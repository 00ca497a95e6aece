"""Data quality: Great Expectations suites, kept as YAML files in suites/,
run as Dagster asset checks on the landing tables and the marts."""
