"""changes.csv: what was added, changed or removed since a previous release.

Entries are compared by id and record_hash, a fingerprint of each published entry that
covers its link-table rows too (a new subject or date is a change). The status column is
not compared: an opportunity becoming past on a later date is not an edit. A previous
package from before record_hash existed is compared on its common columns instead.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ENTITIES = (("employer", "employers.csv"), ("opportunity", "opportunities.csv"))
DERIVED = {"status", "opportunity_count"}


def _fingerprints(path: Path, columns: list[str] | None) -> Iterator[tuple[str, str]]:
    """(id, fingerprint) for each row: its record_hash, or a hash of the given columns."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        picks = [header.index("record_hash")] if columns is None else [header.index(c) for c in columns]
        key = header.index("id")
        for row in reader:
            if len(picks) == 1:
                yield row[key], row[picks[0]]
            else:
                yield row[key], hashlib.blake2b("\x1f".join(row[i] for i in picks).encode(), digest_size=16).hexdigest()


def _header(path: Path) -> list[str]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f), [])


def previous_version(previous: Path) -> str | None:
    try:
        return json.loads((previous / "datapackage.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def write_changes(data: Path, previous: Path) -> int:
    """Write data/changes.csv; returns its number of rows."""
    rows = 0
    with (data / "changes.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["entity", "id", "change"])
        for entity, file in ENTITIES:
            old_header, new_header = _header(previous / file), _header(data / file)
            columns = None
            if "record_hash" not in old_header:
                columns = [c for c in old_header if c in new_header and c not in DERIVED]
            # Only the previous release is held in memory (an id and a 32-character hash per row);
            # the new one is streamed. Both are sorted by id, but nothing here relies on that.
            old = dict(_fingerprints(previous / file, columns))
            changes: list[tuple[str, str]] = []
            for entry_id, fingerprint in _fingerprints(data / file, columns):
                before = old.pop(entry_id, None)
                if before is None:
                    changes.append((entry_id, "added"))
                elif before != fingerprint:
                    changes.append((entry_id, "changed"))
            changes += [(entry_id, "removed") for entry_id in old]
            for entry_id, change in sorted(changes):
                writer.writerow([entity, entry_id, change])
                rows += 1
    return rows


def changes_resource(rows: int, since: str | None) -> dict[str, Any]:
    release = f"release {since}" if since else "the previous release"
    return {
        "name": "changes", "path": "changes.csv", "title": f"Changes since {release}",
        "description": (
            f"Every employer and opportunity added, changed or removed since {release}. "
            "A change of status that only follows from the date (an opportunity closing or passing) is not listed."
        ),
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "rows": rows,
        "schema": {"fields": [
            {"name": "entity", "type": "string", "description": "employer or opportunity",
             "constraints": {"required": True, "enum": ["employer", "opportunity"]}},
            {"name": "id", "type": "string", "description": "The entry's id.", "constraints": {"required": True}},
            {"name": "change", "type": "string", "description": "added, changed or removed",
             "constraints": {"required": True, "enum": ["added", "changed", "removed"]}},
        ], "primaryKey": ["entity", "id"]},
    }  # fmt: skip
