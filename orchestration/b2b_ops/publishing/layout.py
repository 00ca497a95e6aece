"""The published folder: whole versions, one pointer, and fixed names that
go through it.

    published/
      b2b_ops.duckdb -> current/b2b_ops.duckdb   (what BI tools open)
      parquet        -> current/parquet           (one Parquet file per table)
      published.json -> current/published.json    (as-of date, tables, rows)
      current        -> versions/<id>             (the one pointer)
      versions/<id>/                              (a publish's whole output)

A publish writes a new version folder completely, then points `current` at
it with one rename, which POSIX makes atomic. Every path above resolves
through `current` when it is opened, so a reader that opens the DuckDB file
and the Parquet set gets one refresh's, old or new, never a mix, as long as
it resolves `current` once (opening both within one refresh's time; to be
sure, read `published.json` and open the files under the version folder it
sits in). The version before the current one is kept for readers still
scanning it; older ones are removed by the next publish. A publish that
dies leaves a version folder without published.json, which the next
publish removes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path

VERSIONS = "versions"
POINTER = "current"
MANIFEST = "published.json"


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_of(name: str) -> int | None:
    """The publishing process's id in a version folder's or a temporary's name:
    p<pid>, or a bare <pid> in the temporaries of publishes before versions."""
    for part in name.split("."):
        digits = part[1:] if part.startswith("p") else part
        if digits.isdigit():
            return int(digits)
    return None


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.p{os.getpid()}.{uuid.uuid4().hex}.tmp")


def remove_stale_temporaries(root: Path) -> list[Path]:
    """Delete temporaries (a half-made link, an older publish's temporary DuckDB
    file and its WAL) left by publishes whose process is gone."""
    removed = []
    for leftover in root.glob(".*.tmp*"):
        pid = _pid_of(leftover.name)
        if pid is not None and not _is_running(pid):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def new_version(root: Path) -> Path:
    """An empty version folder, named by the time and the process writing it."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = root / VERSIONS / f"{stamp}.p{os.getpid()}.{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def write_manifest(version: Path, manifest: dict) -> None:
    """published.json, written last: a version folder without it is incomplete."""
    temporary = version / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, version / MANIFEST)


def read_manifest(root: Path) -> dict | None:
    """The current version's published.json; None before the first publish
    (or for a copy published before versions existed)."""
    path = root / POINTER / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None


def _move_aside(path: Path) -> Path:
    """Move a real folder standing where a link belongs (a copy of the published
    folder that followed the links) into versions/, where pruning finds it."""
    aside = path.parent / VERSIONS / f"{path.name}-moved.{uuid.uuid4().hex[:8]}"
    aside.parent.mkdir(parents=True, exist_ok=True)
    os.rename(path, aside)
    return aside


def _point(link: Path, target: str) -> None:
    """Make `link` a symbolic link to `target` (relative), replacing what is there atomically."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    if link.is_dir() and not link.is_symlink():
        _move_aside(link)
    temporary = _temporary(link)
    os.symlink(target, temporary)
    os.replace(temporary, link)


def swap_in(root: Path, version: Path, linked_names: tuple[str, ...]) -> Path | None:
    """Point `current` at the version (the atomic step), then make sure each
    linked name at the root goes through `current`. Returns the version that
    was current before, if any."""
    pointer = root / POINTER
    previous: Path | None = None
    if pointer.is_symlink():
        previous = (root / os.readlink(pointer)).resolve()
    elif pointer.is_dir():
        previous = _move_aside(pointer)
    _point(pointer, os.path.relpath(version, root))
    for name in linked_names:
        _point(root / name, f"{POINTER}/{name}")
    return previous


def prune(root: Path, keep: set[Path]) -> list[Path]:
    """Remove version folders other than `keep`: complete ones, and incomplete
    ones whose publishing process is gone (a running publish's is left alone)."""
    removed = []
    kept = {path.resolve() for path in keep}
    for folder in sorted((root / VERSIONS).glob("*")):
        if folder.resolve() in kept or not folder.is_dir():
            continue
        pid = _pid_of(folder.name)
        in_progress = (
            not (folder / MANIFEST).exists()
            and pid is not None
            and pid != os.getpid()
            and _is_running(pid)
        )
        if not in_progress:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
