"""The written docs stay true to the repository: every relative link in the
README, CONTRIBUTING, docs/ and bi/ resolves to a file in the repository
(none points outside it), and docs/settings.md lists every environment
variable of the settings module and every dbt var of dbt_project.yml with
the default dbt_project.yml gives it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from b2b_ops.settings import PROJECT_DIR, VARIABLES

DOCS = [
    PROJECT_DIR / "README.md",
    PROJECT_DIR / "CONTRIBUTING.md",
    *sorted((PROJECT_DIR / "docs").glob("*.md")),
    PROJECT_DIR / "bi" / "README.md",
]
SETTINGS_DOC = PROJECT_DIR / "docs" / "settings.md"
# [text](target): the target up to a closing parenthesis or a #fragment.
LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+)(?:#[^)]*)?\)")
# A table row of docs/settings.md: | `name` | default | meaning |
TABLE_ROW = re.compile(r"^\|\s*`([a-z0-9_]+|B2B_OPS_[A-Z_]+)`\s*\|\s*([^|]*?)\s*\|", re.M)


def relative_links(markdown: str) -> list[str]:
    return [target for target in LINK.findall(markdown) if "://" not in target]


def test_the_link_pattern_finds_relative_links_and_skips_web_ones():
    text = "see [rules](docs/rules.md#tiers), [site](https://example.org) and [x](../y.md)"
    assert relative_links(text) == ["docs/rules.md", "../y.md"]


@pytest.mark.parametrize("document", DOCS, ids=lambda path: str(path.relative_to(PROJECT_DIR)))
def test_every_relative_link_resolves_inside_the_repository(document: Path):
    assert document.exists(), f"{document} is missing"
    problems = []
    for target in relative_links(document.read_text()):
        resolved = (document.parent / target).resolve()
        if not resolved.is_relative_to(PROJECT_DIR):
            problems.append(f"{target}: points outside the repository")
        elif not resolved.exists():
            problems.append(f"{target}: no such file")
    assert not problems, f"{document.relative_to(PROJECT_DIR)}: " + "; ".join(problems)


def documented_settings() -> dict[str, str]:
    """Each name in docs/settings.md's tables and the default written beside it."""
    return {
        name: default.strip("` ") for name, default in TABLE_ROW.findall(SETTINGS_DOC.read_text())
    }


def test_the_settings_doc_lists_every_environment_variable():
    missing = sorted(set(VARIABLES.values()) - set(documented_settings()))
    assert not missing, f"add to {SETTINGS_DOC.name}: {missing}"


def written(value: object) -> str:
    """A dbt var's default as the settings doc writes it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(written(item) for item in value) + "]"
    return "null" if value is None else str(value)


def test_the_settings_doc_gives_every_dbt_var_its_default_from_dbt_project_yml():
    defaults = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    documented = documented_settings()
    wrong = [
        f"{name}: dbt_project.yml says {written(value)}, the doc says "
        f"{documented.get(name, '(not listed)')}"
        for name, value in defaults.items()
        if documented.get(name) != written(value)
    ]
    assert not wrong, f"{SETTINGS_DOC.name} and dbt_project.yml disagree: " + "; ".join(wrong)
