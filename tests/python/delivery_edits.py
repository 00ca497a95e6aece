"""Edits to a landing folder between the deliveries test's refreshes
(builds.deliveries_job), each a case an incremental refresh must get right:

    python tests/python/delivery_edits.py drop-account LANDING
        the CRM export loses the account of the first event of the events
        folder: its events become orphans (the export is kept beside the landing folder)
    python tests/python/delivery_edits.py restore-account LANDING
        the account comes back: its events are staged again
    python tests/python/delivery_edits.py split-invoices LANDING
        billing/invoices.csv becomes a delivery folder of two files, each
        half of the rows (row numbers restart in the second file)
    python tests/python/delivery_edits.py redeliver LANDING
        the first events file with a row whose event_id comes again in a
        later file is delivered again without that row: the later copy, a
        duplicate until now, is staged instead
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        # Blanks stay unquoted: the loader reads them as nulls, as before.
        csv.writer(handle).writerows(rows)


def event_files(landing: Path) -> list[Path]:
    return sorted((landing / "product" / "events").glob("*.csv"))


def kept(landing: Path) -> Path:
    """Where the full CRM export waits, outside the landing folder."""
    return landing.parent / "accounts.csv.kept"


def drop_account(landing: Path) -> str:
    accounts = landing / "crm" / "accounts.csv"
    [header, first_event, *_] = read_rows(event_files(landing)[0])
    account_id = first_event[header.index("account_id")]
    rows = read_rows(accounts)
    kept(landing).write_bytes(accounts.read_bytes())
    write_rows(accounts, [row for row in rows if row[0] != account_id])
    return f"dropped {account_id} from {accounts}"


def restore_account(landing: Path) -> str:
    accounts = landing / "crm" / "accounts.csv"
    kept(landing).replace(accounts)
    return f"restored {accounts}"


def split_invoices(landing: Path) -> str:
    single = landing / "billing" / "invoices.csv"
    [header, *rows] = read_rows(single)
    folder = landing / "billing" / "invoices"
    folder.mkdir()
    middle = len(rows) // 2
    write_rows(folder / "part-1.csv", [header, *rows[:middle]])
    write_rows(folder / "part-2.csv", [header, *rows[middle:]])
    single.unlink()
    return f"split {single} into {folder}/part-1.csv and part-2.csv"


def redeliver(landing: Path) -> str:
    files = event_files(landing)
    contents = [read_rows(path) for path in files]
    last_file = {row[0]: index for index, rows in enumerate(contents) for row in rows[1:]}
    for index, [header, *rows] in enumerate(contents):
        for position, row in enumerate(rows):
            if row[0].strip() and last_file[row[0]] > index:
                write_rows(files[index], [header, *rows[:position], *rows[position + 1 :]])
                return f"redelivered {files[index]} without the first {row[0]}"
    raise SystemExit(f"no event_id in {files[0].parent} comes again in a later file")


if __name__ == "__main__":
    command, landing = sys.argv[1], Path(sys.argv[2])
    edits = {
        "drop-account": drop_account,
        "restore-account": restore_account,
        "split-invoices": split_invoices,
        "redeliver": redeliver,
    }
    edit = edits[command]
    print(edit(landing))
