"""`make conventions`: compile the dbt project against an in-memory target,
lint it with dbt-score (its built-in rules and ours in
b2b_ops.dev.conventions.rules, configured in pyproject.toml [tool.dbt-score]),
compare every model's output columns with its yml
(b2b_ops.dev.conventions.columns) and print, for every model or seed that
breaks a rule, its file, the rule in plain words and the fix. The warehouse
file is never opened.

    python -m b2b_ops.dev.conventions [--project-dir DIR] [--target-path DIR]

Exit status: 0 when everything follows the conventions, 1 when something
breaks one, 2 when the project cannot be parsed or linted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from b2b_ops.dbt_runner import dbt_executable
from b2b_ops.dev.conventions.columns import column_mismatches
from b2b_ops.settings import PROJECT_DIR, dbt_target_path

OURS = "b2b_ops.dev.conventions.rules."
COLUMNS = "b2b_ops.dev.conventions.columns."
# The profile's in-memory target: compiling opens a connection, never the warehouse file.
COMPILE_TARGET = "lint"
BUILT_IN = "dbt_score.rules.generic."
THRESHOLDS_ALLOW_LIST = 'pyproject.toml [tool.dbt-score.rules."b2b_ops.dev.conventions.rules.no_hardcoded_thresholds".allowed]'

# Rule -> (the rule in plain words, the fix). {name}, {sql} and {yml} are the
# model's name, its SQL file and the yml that documents it.
PLAIN_RULES: dict[str, tuple[str, str]] = {
    BUILT_IN + "has_description": (
        "every model has a description",
        "write a `description:` for {name} in {yml}: what one row is (the grain) and where it comes from.",
    ),
    BUILT_IN + "has_owner": (
        "every model names the team that owns it",
        "give the folder of {sql} an owner in dbt_project.yml (`+meta: {{owner: <team>}}`), "
        "or {name} one in {yml} (`config: {{meta: {{owner: <team>}}}}`).",
    ),
    OURS + "columns_documented": (
        "every column of a model is listed in its yml with a description",
        "list every column of {name} under `columns:` in {yml}, each with a `description:`.",
    ),
    OURS + "primary_key_tested": (
        "every model's primary key is tested",
        "in {yml}, give the key column `data_tests: [unique, not_null]`; for a key of several "
        "columns add under {name}: `data_tests: [{{unique_key: {{arguments: {{column_names: [col_a, col_b]}}}}}}]`.",
    ),
    OURS + "named_by_layer": (
        "a model is named after its layer (stg_<system>__<table>, base_<system>__<table>, int_, "
        "dim_/fct_/mart_, quarantined_/landing_)",
        "rename {sql} and its entry in {yml} to the name its folder expects, and every ref() to it.",
    ),
    OURS + "mart_contract_enforced": (
        "every mart enforces its dbt contract",
        "under {name} in {yml} add `config: {{contract: {{enforced: true}}}}` and a `data_type:` for every column.",
    ),
    OURS + "source_only_in_staging": (
        "only staging models read sources (source()); other layers use ref()",
        "in {sql}, replace source('<system>', '<table>') with ref('stg_<system>__<table>'); "
        "if that staging model does not exist yet, add it in models/staging/<system>/.",
    ),
    OURS + "no_hardcoded_thresholds": (
        "no threshold is a number written in the SQL: thresholds are vars or seed rows with a name",
        "in {sql}, replace each number by {{{{ var('<name>') }}}} with the value in dbt_project.yml "
        "`vars:` (a comment there and a row in the README's settings table), or read it from a seed; "
        "a number that is not a threshold (a position, a metric's definition) goes with the reason "
        "in " + THRESHOLDS_ALLOW_LIST + ".",
    ),
    OURS + "refs_point_down": (
        "data flows one way: a model reads (ref) only its own layer or lower ones "
        "(staging -> intermediate -> marts -> playbook), and a mart in models/marts reads no other mart",
        "move the shared logic to an intermediate model (models/intermediate/<area>/) that both read, "
        "or move {name} to the final layer (models/playbook/marts/; a step to models/playbook/intermediate/).",
    ),
    OURS + "python_only_model_has_no_dbt_children": (
        "a model documented as read only by Python (meta read_only_by) has no dbt model reading it",
        "read the models {name} reads instead, or, if {name} is now shared, remove `read_only_by` "
        "from its meta in {yml}.",
    ),
    OURS + "var_defaults_in_dbt_project": (
        "a var's default is set once, in dbt_project.yml `vars:`",
        "in {sql}, write var('<name>') without the default, and set the default in "
        "dbt_project.yml `vars:` with a comment (and a row in the README's settings table).",
    ),
    COLUMNS + "undocumented_column": (
        "every column a model outputs is listed in its yml",
        "add the column to {yml} under {name}, with a description (and a data_type in a mart), "
        "or remove it from {sql}.",
    ),
    COLUMNS + "stale_column": (
        "every column a model's yml lists is one its SQL outputs",
        "remove the column from {name} in {yml}, or output it in {sql}.",
    ),
    COLUMNS + "unbound_sql": (
        "a model's SQL binds against the columns of what it reads",
        "fix {sql} where the error says; a column read from a source must be listed in its "
        "sources yml, and one read from a model in that model's SQL.",
    ),
    BUILT_IN + "seed_has_description": (
        "every seed has a description",
        "write a `description:` for {name} in {yml}.",
    ),
    BUILT_IN + "seed_has_owner": (
        "every seed names the team that owns it",
        "give {name} an owner in dbt_project.yml under `seeds:` (`+meta: {{owner: <team>}}`).",
    ),
    BUILT_IN + "seed_columns_have_description": (
        "every column of a seed has a description",
        "describe every column of {name} under `columns:` in {yml}.",
    ),
}


class ConventionsCheckError(RuntimeError):
    """The project could not be parsed or linted; the message says why."""


@dataclass(frozen=True)
class Breach:
    """One rule an item (model or seed) breaks."""

    item: str
    sql_file: str
    yml_file: str
    rule: str
    message: str


def compile_project(project_dir: Path, target_path: Path) -> Path:
    """`dbt compile` of the models against the in-memory target (no data
    needed); returns the manifest's path, with each model's compiled SQL."""
    result = subprocess.run(
        [
            dbt_executable(),
            "compile",
            "--select",
            "resource_type:model",
            "--target",
            COMPILE_TARGET,
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
            "--target-path",
            str(target_path),
        ],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ConventionsCheckError(
            f"dbt compile failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
        )
    return target_path / "manifest.json"


def lint(project_dir: Path, manifest_path: Path) -> dict:
    """dbt-score's JSON verdict; run in the project so it reads its pyproject.toml."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dbt_score",
            "lint",
            "--format",
            "json",
            "--manifest",
            str(manifest_path),
        ],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise ConventionsCheckError(
            f"dbt-score did not run (exit {result.returncode}):\n{result.stderr[-3000:]}"
        ) from error


def _yml_file(node: dict) -> str:
    patch_path = node.get("patch_path") or ""
    return patch_path.split("://", 1)[-1] if patch_path else "a yml beside it (none yet)"


def breaches(verdict: dict, manifest: dict) -> list[Breach]:
    """Every rule result that is not OK, with the files of the item it concerns."""
    found = []
    for unique_id, evaluation in verdict["evaluables"].items():
        node = manifest["nodes"].get(unique_id, {})
        for rule, result in evaluation["results"].items():
            if result["result"] == "OK":
                continue
            message = result["message"] or ""
            if result["result"] == "ERR":
                message = f"the rule could not run: {message}"
            found.append(
                Breach(
                    item=node.get("name", unique_id),
                    sql_file=node.get("original_file_path", unique_id),
                    yml_file=_yml_file(node),
                    rule=rule,
                    message=message,
                )
            )
    return sorted(found, key=lambda breach: (breach.sql_file, breach.rule))


def column_breaches(manifest: dict, project_dir: Path) -> list[Breach]:
    """Every model whose output columns differ from its yml's."""
    return [
        Breach(
            item=mismatch.model,
            sql_file=mismatch.sql_file,
            yml_file=mismatch.yml_file,
            rule=COLUMNS + mismatch.kind,
            message=mismatch.message,
        )
        for mismatch in column_mismatches(manifest, project_dir)
    ]


def format_breaches(found: list[Breach]) -> str:
    """The report: per file, each rule it breaks, what is wrong and the fix."""
    lines: list[str] = []
    current_file = None
    for breach in found:
        if breach.sql_file != current_file:
            current_file = breach.sql_file
            lines += ["", f"{breach.sql_file}  (documented in {breach.yml_file})"]
        plain, fix = PLAIN_RULES.get(breach.rule, (breach.rule, "see the rule's message."))
        lines += [
            f"  rule:  {plain}",
            f"  found: {breach.item}: {breach.message}",
            "  fix:   " + fix.format(name=breach.item, sql=breach.sql_file, yml=breach.yml_file),
        ]
    return "\n".join(lines)


def checked_items(verdict: dict) -> str:
    """How many items of each kind a rule checked, e.g. "72 models, 8 seeds"."""
    kinds = Counter(
        evaluation["type"] for evaluation in verdict["evaluables"].values() if evaluation["results"]
    )
    return ", ".join(f"{count} {kind}s" for kind, count in sorted(kinds.items()))


def check(project_dir: Path, target_path: Path) -> tuple[list[Breach], str]:
    """The breaches of the project's conventions, and what was checked."""
    manifest_path = compile_project(project_dir, target_path)
    verdict = lint(project_dir, manifest_path)
    manifest = json.loads(manifest_path.read_text())
    found = breaches(verdict, manifest) + column_breaches(manifest, project_dir)
    return sorted(found, key=lambda breach: (breach.sql_file, breach.rule)), checked_items(verdict)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m b2b_ops.dev.conventions",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR)
    parser.add_argument(
        "--target-path",
        type=Path,
        default=None,
        help="default: $DBT_TARGET_PATH or <project>/target",
    )
    arguments = parser.parse_args(argv)
    project_dir = arguments.project_dir.resolve()
    target_path = arguments.target_path or dbt_target_path()
    try:
        found, checked = check(project_dir, project_dir / target_path)
    except ConventionsCheckError as error:
        print(f"conventions: {error}", file=sys.stderr)
        return 2
    if not found:
        print(f"conventions: checked {checked}: all follow the project's conventions.")
        return 0
    items = len({breach.sql_file for breach in found})
    print(format_breaches(found))
    print(
        f"\nconventions: {items} file(s) break {len(found)} rule(s), listed above with the fix. "
        "The rules: orchestration/b2b_ops/dev/conventions/ (rules.py, columns.py) and "
        "pyproject.toml [tool.dbt-score]."
    )
    return 1
