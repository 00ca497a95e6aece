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
    python tests/python/delivery_edits.py late-trial-logins LANDING
        a new events file with two late logins of the first trial with a
        login in its window: one at the window's last moment (ends_at, in
        it), one a day later (out of it); their days are long past
    python tests/python/delivery_edits.py shorten-trial LANDING
        the trials export ends the last trial with a login in its window a
        second before that trial's last login, so the login leaves the window
"""

from __future__ import annotations

import csv
import datetime as dt
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


def parse_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def format_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def trials_file(landing: Path) -> Path:
    return landing / "product" / "trials.csv"


def trials_with_logins(landing: Path) -> list[tuple[int, list[str]]]:
    """(row index in the trials file, the trial's last login row inside its
    window) for each trial with one, in the trials file's order."""
    logins: dict[str, list[tuple[dt.datetime, list[str]]]] = {}
    for path in event_files(landing):
        [header, *rows] = read_rows(path)
        for row in rows:
            moment = parse_time(row[header.index("occurred_at")])
            if row[header.index("event_type")] == "login" and moment is not None:
                logins.setdefault(row[header.index("account_id")], []).append((moment, row))
    [header, *trials] = read_rows(trials_file(landing))
    found = []
    for index, trial in enumerate(trials):
        started = parse_time(trial[header.index("started_at")])
        ends = parse_time(trial[header.index("ends_at")])
        inside = [
            (moment, row)
            for moment, row in logins.get(trial[header.index("account_id")], [])
            if started is not None and ends is not None and started < moment <= ends
        ]
        if inside:
            found.append((index, max(inside)[1]))
    if len(found) < 2:
        raise SystemExit(
            f"fewer than two trials in {trials_file(landing)} have a login in their window"
        )
    return found


def late_trial_logins(landing: Path) -> str:
    [(index, login), *_] = trials_with_logins(landing)
    [header, *trials] = read_rows(trials_file(landing))
    ends_at = trials[index][header.index("ends_at")]
    [events_header, *_] = read_rows(event_files(landing)[0])
    late = []
    for number, occurred_at in enumerate(
        [ends_at, format_time(parse_time(ends_at) + dt.timedelta(days=1))], start=1
    ):
        row = list(login)
        row[events_header.index("event_id")] = f"evt_late_trial_{number}"
        row[events_header.index("occurred_at")] = occurred_at
        late.append(row)
    path = landing / "product" / "events" / "late-trial-logins.csv"
    write_rows(path, [events_header, *late])
    return f"wrote {path}: logins at {ends_at} (the window's last moment) and a day later"


def shorten_trial(landing: Path) -> str:
    [*_, (index, login)] = trials_with_logins(landing)
    [events_header, *_] = read_rows(event_files(landing)[0])
    last_login = parse_time(login[events_header.index("occurred_at")])
    path = trials_file(landing)
    [header, *trials] = read_rows(path)
    trials[index][header.index("ends_at")] = format_time(last_login - dt.timedelta(seconds=1))
    write_rows(path, [header, *trials])
    return f"{trials[index][0]} now ends a second before its last login in {path}"


if __name__ == "__main__":
    command, landing = sys.argv[1], Path(sys.argv[2])
    edits = {
        "drop-account": drop_account,
        "restore-account": restore_account,
        "split-invoices": split_invoices,
        "redeliver": redeliver,
        "late-trial-logins": late_trial_logins,
        "shorten-trial": shorten_trial,
    }
    edit = edits[command]
    print(edit(landing))
