"""The project's conventions as dbt-score rules, for what dbt-score's own rules
do not check. Every rule is CRITICAL: a convention is met or the check fails
(pyproject.toml sets fail_any_item_under = 10). The messages say what is wrong;
b2b_ops.dev.conventions.report adds the file and the fix.

No `from __future__ import annotations` here: dbt-score reads the type of a
rule's argument at run time to know what the rule checks (Model, Seed, ...)."""

import re
from pathlib import PurePosixPath

from dbt_score import Exposure, Model, RuleViolation, Severity, rule

from b2b_ops.dev.conventions.thresholds import find_thresholds

WORDS = r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"
MART_NAME = re.compile(rf"(dim|fct|mart)_{WORDS}")
INTERMEDIATE_NAME = re.compile(rf"int_{WORDS}")
QUARANTINE_NAME = re.compile(rf"(quarantined|landing)_{WORDS}")
SEMANTIC_NAME = re.compile(rf"sem_{WORDS}")
VAR_WITH_DEFAULT = re.compile(r"""\bvar\(\s*(['"])([A-Za-z0-9_]+)\1\s*,""")

# The layers, bottom to top: models/<layer>/... A model reads (ref) models of
# its own layer or of lower ones; staging also holds the base models and
# quarantine sits beside it. The final layer holds the marts built on marts
# (the playbook's), its steps in models/playbook/intermediate/ and its marts
# in models/playbook/marts/.
# The semantic layer (models/semantic) sits on top: MetricFlow's time spine
# and the inputs its metrics read, named sem_<subject>.
FINAL_LAYER = "playbook"
SEMANTIC_LAYER = "semantic"
LAYER_RANKS = {
    "staging": 1,
    "quarantine": 1,
    "intermediate": 2,
    "marts": 3,
    FINAL_LAYER: 4,
    SEMANTIC_LAYER: 5,
}
FINAL_LAYER_KINDS = ("intermediate", "marts")


def layer_of(model: Model) -> str:
    """The layer folder a model lives in: models/<layer>/..."""
    parts = PurePosixPath(model.original_file_path).parts
    return parts[1] if len(parts) > 2 else ""


def kind_of(model: Model) -> str:
    """What a model is (staging, intermediate, marts, quarantine): its layer,
    or in the final layer its folder models/playbook/<kind>/."""
    layer = layer_of(model)
    if layer != FINAL_LAYER:
        return layer
    parts = PurePosixPath(model.original_file_path).parts
    return parts[2] if len(parts) > 3 and parts[2] in FINAL_LAYER_KINDS else ""


def expected_name(model: Model, mart_names_allowed: list[str]) -> str | None:
    """The naming pattern the model's folder asks for, or None when its name fits."""
    layer = layer_of(model)
    kind = kind_of(model)
    parts = PurePosixPath(model.original_file_path).parts
    if layer == "staging":
        system = parts[2] if len(parts) > 3 else "<system>"
        prefix = "base" if "base" in parts[3:-1] else "stg"
        fits = re.fullmatch(rf"{prefix}_{re.escape(system)}__{WORDS}", model.name)
        return None if fits else f"{prefix}_{system}__<table> (folder models/staging/{system})"
    if kind == "intermediate":
        return None if INTERMEDIATE_NAME.fullmatch(model.name) else "int_<entity>_<verb>"
    if kind == "marts":
        fits = MART_NAME.fullmatch(model.name) or model.name in mart_names_allowed
        return None if fits else "dim_<entity>, fct_<event> or mart_<subject>"
    if layer == "quarantine":
        return (
            None
            if QUARANTINE_NAME.fullmatch(model.name)
            else "quarantined_<what> or landing_<what>"
        )
    if layer == SEMANTIC_LAYER:
        return None if SEMANTIC_NAME.fullmatch(model.name) else "sem_<subject>"
    if layer == FINAL_LAYER:
        kinds = ",".join(FINAL_LAYER_KINDS)
        return f"a model in models/{FINAL_LAYER}/{{{kinds}}}/"
    return f"a model in one of the layer folders models/{{{','.join(LAYER_RANKS)}}}/"


@rule(severity=Severity.CRITICAL)
def named_by_layer(
    model: Model, mart_names_allowed: list[str] | None = None
) -> RuleViolation | None:
    """A model is named after its layer: stg_/base_<system>__<table>, int_, dim_/fct_/mart_, quarantined_/landing_."""
    expected = expected_name(model, mart_names_allowed or [])
    if expected:
        return RuleViolation(message=f"named {model.name}; expected {expected}.")
    return None


@rule(severity=Severity.CRITICAL)
def mart_contract_enforced(model: Model) -> RuleViolation | None:
    """A mart enforces its dbt contract, with a data_type for every column."""
    if kind_of(model) != "marts":
        return None
    if not model.config.get("contract", {}).get("enforced"):
        return RuleViolation(message="the contract is not enforced.")
    untyped = [column.name for column in model.columns if not column.data_type]
    if untyped:
        return RuleViolation(message=f"columns without a data_type: {', '.join(untyped)}.")
    return None


@rule(severity=Severity.CRITICAL)
def source_only_in_staging(model: Model) -> RuleViolation | None:
    """Only staging models read sources; every other layer reads models with ref()."""
    if layer_of(model) == "staging":
        return None
    sources = [
        node.removeprefix("source.").split(".", 1)[1]
        for node in model.depends_on.get("nodes", [])
        if node.startswith("source.")
    ]
    if sources:
        return RuleViolation(message=f"reads source(s) {', '.join(sources)} outside staging.")
    return None


def _has_column_key_test(model: Model) -> bool:
    return any(
        {"unique", "not_null"} <= {test.type for test in column.tests} for column in model.columns
    )


@rule(severity=Severity.CRITICAL)
def primary_key_tested(model: Model) -> RuleViolation | None:
    """A model's primary key is tested: unique + not_null on its key column, or a unique_key test for a key of several columns."""
    if _has_column_key_test(model) or any(test.type == "unique_key" for test in model.tests):
        return None
    return RuleViolation(message="no primary-key test.")


@rule(severity=Severity.CRITICAL)
def columns_documented(model: Model) -> RuleViolation | None:
    """A model lists its columns in its yml, each with a description."""
    if not model.columns:
        return RuleViolation(message="no columns listed in its yml.")
    undescribed = [column.name for column in model.columns if not column.description.strip()]
    if undescribed:
        return RuleViolation(message=f"columns without a description: {', '.join(undescribed)}.")
    return None


@rule(severity=Severity.CRITICAL)
def no_hardcoded_thresholds(
    model: Model, allowed: dict[str, list[str]] | None = None
) -> RuleViolation | None:
    """A threshold compared in a model's SQL is a var or a seed row, not a number written in the SQL."""
    allowed_here = set((allowed or {}).get(model.name, []))
    found = [
        threshold
        for threshold in find_thresholds(model.raw_code)
        if threshold.text not in allowed_here
    ]
    if found:
        where = ", ".join(f"{threshold.text} (line {threshold.line})" for threshold in found)
        return RuleViolation(message=f"numbers compared in the SQL: {where}.")
    return None


def upward_refs(model: Model) -> list[str]:
    """The refs of a model that read a higher layer, or another mart from models/marts."""
    layer = layer_of(model)
    if layer not in LAYER_RANKS:
        return []
    found = []
    # Sources sit in models/staging and seeds outside models/: neither is above anything.
    for parent in model.parents:
        parent_layer = layer_of(parent)
        if LAYER_RANKS.get(parent_layer, 0) > LAYER_RANKS[layer]:
            found.append(
                f"ref('{parent.name}') reads {parent.original_file_path}, "
                f"in the higher layer {parent_layer}"
            )
        elif layer == parent_layer == "marts":
            found.append(f"ref('{parent.name}') reads the mart {parent.original_file_path}")
    return found


@rule(severity=Severity.CRITICAL)
def refs_point_down(model: Model) -> RuleViolation | None:
    """Data flows one way: a model reads its own layer or lower ones
    (staging -> intermediate -> marts -> playbook), and a mart in models/marts
    reads no other mart."""
    found = upward_refs(model)
    if found:
        return RuleViolation(message="; ".join(found) + ".")
    return None


@rule(severity=Severity.CRITICAL)
def python_only_model_has_no_dbt_children(model: Model) -> RuleViolation | None:
    """A model documented as read only by Python (meta read_only_by) has no dbt model reading it."""
    reader = model.meta.get("read_only_by")
    if not reader:
        return None
    children = sorted(child.name for child in model.children if not isinstance(child, Exposure))
    if children:
        return RuleViolation(
            message=f"read by {', '.join(children)}; it is documented as read only by {reader}."
        )
    return None


def inline_var_defaults(sql: str) -> list[str]:
    """The vars a model's SQL reads with an inline default, var('name', default)."""
    return sorted({match.group(2) for match in VAR_WITH_DEFAULT.finditer(sql)})


@rule(severity=Severity.CRITICAL)
def var_defaults_in_dbt_project(model: Model) -> RuleViolation | None:
    """A var's default is set once, in dbt_project.yml `vars:`, never inline in var('name', default)."""
    names = inline_var_defaults(model.raw_code)
    if names:
        return RuleViolation(message=f"vars read with an inline default: {', '.join(names)}.")
    return None
