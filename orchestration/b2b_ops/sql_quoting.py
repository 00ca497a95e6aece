"""Quoting for the SQL the Python code writes for DuckDB (landing, publishing,
the spark target's Parquet export): one pair of functions for all of them."""


def quoted(name: str) -> str:
    """A quoted identifier (a table or column name)."""
    return '"' + name.replace('"', '""') + '"'


def sql_text(value: str) -> str:
    """A SQL string literal (a path, a value)."""
    return "'" + value.replace("'", "''") + "'"
