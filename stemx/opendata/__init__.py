"""The open-data stage: the whole register under data/ as CSV with a Frictionless data
package, JSON (flat tables and nested entries), SQLite, XLSX, the JSON Schemas and, when a
previous release is given, the list of changes since it.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import shutil
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from ..cache import cache_file
from ..config import BuildConfig
from ..model import Register
from ..output import Writer
from ..schemas import SCHEMA_DIR, SCHEMA_FILES
from .bundle import ZIP_NAME, write_bundle
from .changes import changes_resource, previous_version, write_changes
from .entryrows import Share, encode_rows, make_share, shares, tables_of
from .package import LICENCE, NAME, TITLE, citation, table_resource, version, write_package
from .readme import write_readme
from .splice import DataFile, Layout
from .sqlite import Database, copy_ahead, datasette_metadata
from .tables import TABLES, Entity, Entry, by_id, entries
from .tableschema import table_schema
from .xlsx import write_xlsx

__all__ = ["LICENCE", "write_open_data", "version"]

SQLITE = "stem-exchange.sqlite"
XLSX = "stem-exchange.xlsx"
DATASETTE = "datasette-metadata.json"

# The entries as whole JSON documents, one file per kind.
_WHOLE: tuple[tuple[Entity, str], ...] = (("employer", "employers.json"), ("opportunity", "opportunities.json"))


@dataclass(frozen=True, slots=True)
class OpenData:
    """What the open-data stage made: rows per resource, each file under data/ with its size,
    and the id of the layout (splice.py) that describes its files in the cache folder."""

    rows: dict[str, int]
    downloads: tuple[tuple[str, int], ...]
    layout: str | None = None


def write_open_data(register: Register, out: Writer, config: BuildConfig) -> OpenData:
    """Write data/, or carry it over from the published site when no entry has changed (the
    settings, a previous release among them, are in every key)."""
    key = out.entries_key(register)
    if (carried := out.carry(key)) is not None:
        return carried
    made = _write_open_data(register, out.output.folder / "data", config, out, key is not None)
    for name in made.files:
        out.wrote(f"data/{name}", key)
    sizes = tuple(sorted((name, (out.output.folder / "data" / name).stat().st_size) for name in made.files))
    result = OpenData(made.rows, sizes, made.layout)
    return out.remember(key, result)


@dataclass(frozen=True, slots=True)
class _Made:
    rows: dict[str, int]  # rows per resource
    files: list[str]  # below data/
    layout: str | None


def _write_open_data(register: Register, data: Path, config: BuildConfig, out: Writer, reusing: bool) -> _Made:
    (data / "json").mkdir(parents=True, exist_ok=True)
    schemas = {t.name: table_schema(t) for t in TABLES}
    types = {name: [f["type"] for f in s["fields"]] for name, s in schemas.items()}
    # With a manifest to reuse from, the layout of the files is kept in the cache folder.
    path = (
        cache_file(config.cache_dir, "data-layout", config.out_dir, ".sqlite") if reusing and config.cache_dir else None
    )
    layout = Layout(path, out.group_key(("layout",), dated=False).hex())
    try:
        rows = _write_tables(register, data, types, config, layout, *_splice_from(register, out, layout, data))
        layout_id = layout.finish()
    finally:
        layout.close()
    resources: list[dict[str, Any]] = [table_resource(t, schemas[t.name], rows[t.name]) for t in TABLES]

    other: list[dict[str, str]] = []
    for name in ("employers.json", "opportunities.json"):  # written with the tables
        other.append(
            _file(name, "json", "application/json", f"{name[:-5].capitalize()} in the nested form of their YAML files")
        )
    for table in TABLES:
        other.append(_file(f"json/{table.name}.json", "json", "application/json", f"{table.title} (JSON records)"))
    other.append(_file(SQLITE, "sqlite", "application/vnd.sqlite3", "All tables in one SQLite database"))
    metadata = datasette_metadata(TABLES, TITLE, LICENCE)
    (data / DATASETTE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    other.append(_file(DATASETTE, "json", "application/json", "Datasette settings: code columns shown with labels"))
    about = [
        ("Title", TITLE), ("Version", version(config)), ("Created", config.today.isoformat()),
        ("Licence", f"{LICENCE['title']}: {LICENCE['path']}"), ("Cite as", citation(config)),
        ("Documentation", config.absolute_url("data/")), ("Data dictionary", config.absolute_url("data/dictionary/")),
    ]  # fmt: skip
    if write_xlsx(register, data / XLSX, rows, about):
        other.append(_file(XLSX, "xlsx", _XLSX_TYPE, "All tables in one workbook, a sheet per table"))
    (data / "schemas").mkdir(exist_ok=True)
    for name in sorted(SCHEMA_FILES.values()):
        shutil.copyfile(SCHEMA_DIR / name, data / "schemas" / name)
        other.append(
            _file(f"schemas/{name}", "json", "application/schema+json", "JSON Schema every entry is checked against")
        )

    if config.previous_data is not None:
        resources.append(
            changes_resource(write_changes(data, config.previous_data), previous_version(config.previous_data))
        )

    write_readme(data / "README.md", config, resources)
    other.append(_file("README.md", "md", "text/markdown", "What the files are, licence, citation and notes"))
    # The zip holds the tabular package itself, so it cannot list itself: it is described
    # on the data page and in the metadata rather than in otherFiles.
    write_package(data / "datapackage.json", config, resources, other)
    members = ["datapackage.json", "README.md", *(r["path"] for r in resources)]
    members += [f["path"] for f in other if f["path"].startswith("schemas/")]
    segments = cache_file(config.cache_dir, "zip-segments", config.out_dir, ".sqlite") if config.cache_dir else None
    write_bundle(data, members, segments)
    files = [*(r["path"] for r in resources), *(f["path"] for f in other), "datapackage.json", ZIP_NAME]
    return _Made({r["name"]: r["rows"] for r in resources}, files, layout_id)


def _write_tables(
    register: Register,
    data: Path,
    types: dict[str, list[str]],
    config: BuildConfig,
    layout: Layout,
    old: Path | None,
    changed: Changed,
    copied: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Every table as CSV, JSON records and SQLite, and the nested JSON, in one pass over the
    entries. Each entry's part of every file is either made (or taken from the cache of encoded
    rows) or, given the published data folder `old`, copied from its files unless the entry is
    among those `changed`; memory stays flat however large the register."""
    rows = dict.fromkeys((t.name for t in TABLES), 0)
    db = Database(data / SQLITE, TABLES, types, old=old / SQLITE if old else None, copied=copied)
    if old is None:
        layout.clear()
    files: list[DataFile] = []
    try:

        def open_(path: Path, header: str, footer: str, sep: str, entity: Entity | None) -> DataFile:
            was = old / path.relative_to(data) if old and entity else None  # code lists are written afresh
            files.append(DataFile(path, header.encode(), footer.encode(), sep.encode(), was))
            return files[-1]

        csvs = {
            t.name: open_(data / f"{t.name}.csv", ",".join(c.name for c in t.columns) + "\r\n", "", "", t.entity)
            for t in TABLES
        }
        jsons = {t.name: open_(data / "json" / f"{t.name}.json", "[", "\n]\n", ",", t.entity) for t in TABLES}
        for table in TABLES:
            if table.entity is None:  # the code lists
                encoded = encode_rows(table, table.rows(register))
                csvs[table.name].add(encoded.csv.encode())
                jsons[table.name].add(b"\n" + encoded.json)
                rows[table.name] += len(encoded.values)
                if old is None:
                    db.insert(table, encoded.values)
        for entity, name in _WHOLE:
            part = _Parts(
                entity,
                [(csvs[t.name], jsons[t.name]) for t in tables_of(entity)],
                open_(data / name, "[", "\n]\n", ",", entity),
                db,
                rows,
            )
            if old is None:
                made = shares(register, entity)
                each: Iterable[Entry] = entries(register, entity)
                for entry, share in zip(each, made, strict=True):
                    layout.put(entity, entry.id, register.entry_key(entry), part.write(share))
                continue
            # The published files' entries, in id order, a chunk at a time; each changed one (in
            # id order too) ends a run of unchanged ones, copied in one piece.
            remade: list[tuple[str, bytes | None, array[int] | None]] = []  # written once the layout is read
            todo = sorted(i for e, i in changed if e == entity)
            n, width = 0, part.width  # n: the changed entries done
            for ids, kept in layout.lengths(entity):
                done = 0  # the chunk's entries copied or passed over
                while n < len(todo) and todo[n] <= ids[-1]:
                    at = bisect.bisect_left(ids, todo[n], done)
                    part.keep(kept, done, at)
                    if at < len(ids) and ids[at] == todo[n]:  # its old part goes
                        part.skip(todo[n], kept[at * width : (at + 1) * width])
                        at += 1
                    done = at
                    remade.append(part.remake(register, todo[n]))
                    n += 1
                part.keep(kept, done, len(ids))
            remade += [part.remake(register, entry_id) for entry_id in todo[n:]]  # past the last published one
            for entry_id, key, lengths in remade:
                if lengths is None:
                    layout.drop(entity, entry_id)
                else:
                    layout.put(entity, entry_id, key, lengths)
    except BaseException:
        db.close()
        for f in files:
            f.close()
        raise
    for f in files:
        f.close()
    db.finish()
    return rows


class _Parts:
    """An entity's part of every file: a DataFile pair (CSV, JSON) per table, the nested JSON,
    the SQLite tables, and the rows counted per table."""

    def __init__(
        self,
        entity: Entity,
        files: list[tuple[DataFile, DataFile]],
        whole: DataFile,
        db: Database,
        rows: dict[str, int],
    ) -> None:
        self.entity, self.tables, self.files, self.whole = entity, tables_of(entity), files, whole
        self.db, self.rows = db, rows
        self.width = 3 * len(self.tables) + 1  # numbers per entry in the layout (write)

    def write(self, share: Share) -> array[int]:
        """Write an entry's share; returns the lengths of its parts (and its rows per table) for the layout."""
        lengths = array("q")
        for table, encoded, (csv, json_) in zip(self.tables, share.tables, self.files, strict=True):
            lengths.append(csv.add(encoded.csv.encode()))
            lengths.append(json_.add(b"\n" + encoded.json if encoded.values else b""))
            lengths.append(len(encoded.values))
            if encoded.values:
                self.db.insert(table, encoded.values)
                self.rows[table.name] += len(encoded.values)
        lengths.append(self.whole.add(b"\n" + share.nested))
        return lengths

    def remake(self, register: Register, entry_id: str) -> tuple[str, bytes | None, array[int] | None]:
        """Write a changed entry's share anew (nothing for one that went); returns its layout row."""
        entry = by_id(register, self.entity).get(entry_id)
        if entry is None:
            return entry_id, None, None
        return entry_id, register.entry_key(entry), self.write(make_share(register, self.entity, entry))

    def keep(self, kept: array[int], start: int, end: int) -> None:
        """Copy the parts of the published entries from `start` to `end` (unchanged: their
        SQLite rows stay), their lengths added up per file (`kept`: width numbers an entry)."""
        if start >= end:
            return
        w = self.width
        column = [kept[start * w + n : end * w + n : w] for n in range(w)]
        for n, (table, (csv, json_)) in enumerate(zip(self.tables, self.files, strict=True)):
            for file, lengths in ((csv, column[3 * n]), (json_, column[3 * n + 1])):
                file.keep_run(sum(lengths), len(lengths) - lengths.count(0))
            self.rows[table.name] += sum(column[3 * n + 2])
        self.whole.keep_run(sum(column[-1]), len(column[-1]) - column[-1].count(0))

    def skip(self, entry_id: str, lengths: array[int]) -> None:
        """Pass over the parts of an entry that changed or went, and delete its SQLite rows."""
        for n, (table, (csv, json_)) in enumerate(zip(self.tables, self.files, strict=True)):
            csv.skip(lengths[3 * n])
            json_.skip(lengths[3 * n + 1])
            self.db.remove(table, entry_id)
        self.whole.skip(lengths[-1])


K = TypeVar("K", bound=tuple[Any, ...])  # a layout row: the entry's id first


def _compare(register: Register, entity: Entity, kept: Iterator[K]) -> Iterator[tuple[Entry | None, K | None]]:
    """The entity's entries beside what the layout has of each (rows whose first value is the
    id), both in id order: (entry, its row), (a new entry, None) or (None, the row of an entry
    that went)."""
    last = next(kept, None)
    for entry in entries(register, entity):
        while last is not None and last[0] < entry.id:
            yield None, last
            last = next(kept, None)
        if last is not None and last[0] == entry.id:
            yield entry, last
            last = next(kept, None)
        else:
            yield entry, None
    while last is not None:
        yield None, last
        last = next(kept, None)


# Splice when at most one entry in SPLICE_SHARE changed: beyond that, patching the SQLite file
# row by row costs more than writing it afresh.
SPLICE_SHARE = 20


Changed = frozenset[tuple[Entity, str]]  # the entries (by entity and id) that came, went or changed


def _splice_from(
    register: Register, out: Writer, layout: Layout, staged: Path
) -> tuple[Path, Changed, Callable[[], None]] | tuple[None, Changed]:
    """The published data folder, the entries changed since and what waits for the SQLite
    file's copy into `staged`, if this build can splice its files: the layout describes them
    (its id is the published result's), they are as that build left them (by size), and few
    entries changed."""
    previous, data = out.previous(), out.output.published / "data"
    if previous is None or layout.id is None or previous.layout != layout.id:
        return None, frozenset()
    try:
        if any((data / name).stat().st_size != size for name, size in previous.downloads):
            return None, frozenset()
    except OSError:
        return None, frozenset()
    # Copied while the changes are found: a build that then finds too many to splice (one in
    # SPLICE_SHARE or more, rare) has copied it for nothing.
    copied = copy_ahead(data / SQLITE, staged / SQLITE)
    try:
        changed = _changed(register, layout)
    except BaseException:
        with contextlib.suppress(Exception):
            copied()  # not left writing into a staging folder that is being removed
        raise
    if changed is None:
        copied()
        return None, frozenset()
    return data, changed, copied


def _changed(register: Register, layout: Layout) -> Changed | None:
    """The entries that changed, each entry's key computed once; None beyond one in SPLICE_SHARE."""
    most = (len(register.employers) + len(register.opportunities)) // SPLICE_SHARE
    changed: set[tuple[Entity, str]] = set()
    for entity, _ in _WHOLE:
        for entry, row in _compare(register, entity, layout.keys(entity)):
            if entry is None or row is None or row[1] is None or row[1] != register.entry_key(entry):
                changed.add((entity, entry.id if entry is not None else cast(tuple[str, bytes], row)[0]))
                if len(changed) > most:
                    return None
    return frozenset(changed)


_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(path: str, fmt: str, mediatype: str, title: str) -> dict[str, str]:
    return {"path": path, "format": fmt, "mediatype": mediatype, "title": title}


# Re-exported for the pages.
PACKAGE_NAME = NAME
