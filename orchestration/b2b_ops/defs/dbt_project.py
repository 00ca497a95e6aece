"""The dbt project as Dagster sees it: parsed once into a manifest, models
grouped by their folder, and the marts (every model in schema `marts`)."""

from __future__ import annotations

import fcntl
import json
import subprocess
from pathlib import Path
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtProject

from b2b_ops.dbt_runner import dbt_executable, project_arguments
from b2b_ops.settings import PROJECT_DIR, dagster_dbt_target_path

MARTS_SCHEMA = "marts"
# What dbt reads to build the manifest; an edit to any makes it stale.
PROJECT_INPUTS = ("models", "macros", "seeds", "tests")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
PROJECT_SUFFIXES = (".sql", ".yml", ".yaml", ".csv", ".md")
# Folders in those that dbt does not read (pytest's files and caches).
NOT_DBT = {"python", "fixtures", "__pycache__"}


class ManifestError(RuntimeError):
    """dbt could not parse the project; the message is dbt's."""


def parse(project: DbtProject) -> None:
    """`dbt parse` with the dbt of this virtual environment, into the project's target."""
    result = subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
            *project_arguments(project.project_dir, project.target_path),
        ],
        cwd=project.project_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ManifestError(f"dbt parse failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")


def is_stale(project: DbtProject) -> bool:
    """No manifest, or a project file (or folder: a file added, removed or
    renamed) newer than it."""
    if not project.manifest_path.exists():
        return True
    parsed_at = project.manifest_path.stat().st_mtime
    project_dir = Path(project.project_dir)
    inputs = [project_dir / name for name in PROJECT_FILES] + [
        path
        for folder in PROJECT_INPUTS
        for path in [project_dir / folder, *(project_dir / folder).rglob("*")]
        if (path.is_dir() or path.suffix in PROJECT_SUFFIXES)
        and not NOT_DBT.intersection(path.relative_to(project_dir).parts)
    ]
    return any(path.stat().st_mtime > parsed_at for path in inputs if path.exists())


def load_manifest(project: DbtProject) -> dict[str, Any]:
    """The manifest, parsed first when stale. Processes that load the
    definitions at the same moment (parallel builds in the tests, a run
    worker beside the UI) take turns: two parses writing one manifest.json
    at once left it corrupt, and every later load failed on its JSON."""
    target = Path(project.project_dir) / project.target_path
    target.mkdir(parents=True, exist_ok=True)
    with (target / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_stale(project):
            parse(project)
        return json.loads(project.manifest_path.read_text())


DBT_PROJECT = DbtProject(
    project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR, target_path=dagster_dbt_target_path()
)
# Parsed only when the manifest is missing or older than the project, in
# every process that loads the definitions (the CLI, `dagster dev` and its
# run workers, tests): an edit is picked up on the next load or "Reload
# definitions", and an unchanged project costs nothing. (dagster-dbt's
# prepare_if_dev() parses at every load under `dagster dev`: about 40 s of
# every `make ui` start and every run launched from the UI on 2 cores.)
MANIFEST: dict[str, Any] = load_manifest(DBT_PROJECT)


class FolderGroups(DagsterDbtTranslator):
    """Asset groups follow the dbt folders (staging, intermediate, marts, ...); seeds are reference."""

    def get_group_name(self, dbt_resource_props: dict[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "default"


TRANSLATOR = FolderGroups()


def model_nodes(schema: str | None = None) -> list[dict[str, Any]]:
    """The manifest's models, those built in `schema` when given."""
    return [
        node
        for node in MANIFEST["nodes"].values()
        if node["resource_type"] == "model" and schema in (None, node["schema"])
    ]


def mart_keys() -> list[AssetKey]:
    """Every mart: each model built in schema `marts`, wherever its folder."""
    return [TRANSLATOR.get_asset_key(node) for node in model_nodes(MARTS_SCHEMA)]


def relation_of(model: str) -> str:
    """schema.table of a model, as dbt builds it."""
    [node] = [node for node in model_nodes() if node["name"] == model]
    return f"{node['schema']}.{node['alias']}"
