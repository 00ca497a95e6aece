"""Structural breaks through the real refresh (`b2b-ops build`) after a good
build: the refresh exits non-zero with ONE error line naming the file, the
column (where there is one) and the fix, and the published copy is
byte-identical to before and still opens read-only.

Each case breaks one file of a copy of the landing folder the good build
used (the hand-made folder, or demo data at the long level)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

import reliability
from reliability import Build

pytestmark = [
    pytest.mark.slow,
    pytest.mark.reliability,
    pytest.mark.usefixtures(*reliability.REFERENCE_FIXTURES),
]

# A file bigger than this is past the header check's first read, so a bad
# byte after it is only met when the refresh reads the whole file.
HEADER_READ_BYTES = 64 * 1024


@dataclass(frozen=True)
class Break:
    """What a case did: the file it broke, the column the message must name, the fix it must give."""

    path: Path
    column: str | None
    fix: str


def binary_junk(landing: Path) -> Break:
    path = landing / "crm" / "contacts.csv"
    path.write_bytes(bytes(range(256)) * 4)
    return Break(path, None, "export it again as UTF-8 CSV")


def bad_utf8_after_the_header(landing: Path) -> Break:
    # Valid rows first (so the header checks pass), then Latin-1 bytes: only
    # the full read inside the refresh job meets them.
    path = landing / "product" / "events.csv"
    with path.open("ab") as handle:
        row = 0
        while handle.tell() < HEADER_READ_BYTES * 2:
            row += 1
            handle.write(f"evt_pad_{row},acc_1,u_1,login,,2025-06-01T00:00:00Z,1\n".encode())
        handle.write(
            "evt_latin1,acc_1,u_1,login,caf\xe9,2025-06-01T00:00:00Z,1\n".encode("latin-1")
        )
    return Break(path, None, "Check that it is a UTF-8, comma-delimited CSV")


def missing_column(landing: Path) -> Break:
    path = landing / "crm" / "accounts.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # updated_at is the last column: drop it from every record.
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    return Break(path, "updated_at", "needs the columns")


def renamed_column(landing: Path) -> Break:
    path = landing / "support" / "tickets.csv"
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(header.replace("csat_score", "satisfaction") + "\n" + rest, encoding="utf-8")
    return Break(path, "csat_score", "rename it back")


def semicolon_delimiter(landing: Path) -> Break:
    path = landing / "marketing" / "campaigns.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    return Break(path, None, "export it again with ',' as the delimiter")


def truncated_parquet(landing: Path) -> Break:
    csv_path = landing / "crm" / "leads.csv"
    path = csv_path.with_suffix(".parquet")
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * from read_csv('{csv_path}', all_varchar = true)) "
            f"to '{path}' (format parquet)"
        )
    csv_path.unlink()
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    return Break(path, None, "export it again")


BREAKS: dict[str, Callable[[Path], Break]] = {
    "unreadable: binary junk": binary_junk,
    "unreadable: bad UTF-8 after the header": bad_utf8_after_the_header,
    "missing required column": missing_column,
    "renamed column": renamed_column,
    "semicolon delimiter": semicolon_delimiter,
    "truncated parquet": truncated_parquet,
}


@pytest.fixture(scope="module")
def good_build(request, tmp_path_factory) -> Build:
    """A copy of a good build, so failed refreshes never touch the shared one."""
    reference = reliability.reference_build(request, tmp_path_factory)
    return reliability.copy_build(reference, tmp_path_factory.mktemp("breaks"))


@pytest.mark.parametrize("kind", list(BREAKS))
def test_a_structural_break_fails_with_one_message_and_keeps_the_published_copy(
    good_build, tmp_path, kind
):
    with reliability.recorded(f"structural break: {kind}") as case:
        case.tried = 1
        before = reliability.file_digest(good_build.published)
        landing = reliability.copy_landing(good_build, tmp_path / "landing")
        broken = BREAKS[kind](landing)

        result = reliability.refresh(Build(landing, good_build.warehouse, good_build.as_of))

        case.published_intact = reliability.file_digest(
            good_build.published
        ) == before and reliability.opens_read_only(good_build.published)
        assert result.returncode == 1, result.stderr[-3000:]
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, result.stderr[-3000:]
        message = result.stderr[result.stderr.index(errors[0]) :]
        assert str(broken.path) in errors[0]
        if broken.column:
            assert f"'{broken.column}'" in message
        assert broken.fix in message
        assert case.published_intact
