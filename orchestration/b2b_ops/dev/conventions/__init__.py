"""The project's conventions as a check (`make conventions`): dbt-score's
built-in rules where they fit, ours in `rules.py` for the rest, and a report
that names the file, the rule in plain words and the fix (`report.py`)."""
