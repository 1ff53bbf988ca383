"""The submit pages: how to submit (submit/), one form per kind of entry (submit/employer/,
submit/opportunity/), what happens next (submit/next/), and the employer picker's files.

Each form is rendered from forms.form_description, the same questions as the issue forms
and `python build.py new`, and static/submit.js reads and checks the answers with the same
description (which carries, for each answer, where it goes in the entry): nothing repeats
the schema. The pages send nothing anywhere: they offer the answers by email (to the
register's inbox, read back by `build.py from-email`), through GitHub's issue form, or as
the entry's file. Without JavaScript the form page explains those routes.
"""

from __future__ import annotations

import json
from operator import itemgetter
from typing import Any

from markupsafe import Markup

from ..config import BuildConfig
from ..content import FOLDERS
from ..model import Register
from ..output import Writer
from ..schemas import vocabularies
from .answers import slug
from .forms import form_description
from .issue_forms import CHANGE_FORM, FORMS

# Split so that no file holds more than SHARD_LIMIT names, unless they all share one whole word.
SHARD_LIMIT = 400
HEADINGS = {"employer": "Register your organisation's support", "opportunity": "Add an opportunity"}


def github_links(repository: str) -> dict[str, Any]:
    base = f"https://github.com/{repository}"
    return {
        "repository": base,
        "contributing": f"{base}/blob/main/CONTRIBUTING.md",
        "new_file": {kind: f"{base}/new/main/content/{folder}" for kind, folder in FOLDERS.items()},
        "issue_forms": {kind: f"{base}/issues/new?template={file}" for kind, (file, _, _) in FORMS.items()},
        "change_form": f"{base}/issues/new?template={CHANGE_FORM}",
    }


def description_attribute(kind: str) -> Markup:
    """The form's description as JSON for a data- attribute (autoescaped there; sorted keys keep pages byte-stable)."""
    return Markup.escape(json.dumps(form_description(kind), ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def employer_shards(register: Register) -> dict[str, list[list[str]]]:
    """The employers by the words of their names, for the opportunity form's picker: one small
    file per word prefix (two letters, longer where many names share it), so the page fetches
    the few hundred names that can match what is typed, never the whole register. A prefix
    that is a whole word ends in "$" (its longer words have files of their own)."""
    v = vocabularies()
    # What the picker shows of each employer, not the employers: a national register makes
    # them one at a time (entrystore.py). Sorted by name, stably (names alike stay in id order).
    shown = sorted(
        (
            (
                e.name.lower(),
                e.id,
                e.name,
                e.place.name if e.place else ", ".join(v.label("region", r) for r in e.regions_served[:2]),
            )
            for e in register.employers.values()
        ),
        key=itemgetter(0),
    )
    by_word: dict[str, list[list[str]]] = {}
    for _, employer_id, name, where in shown:
        row = [employer_id, name, where]  # one per employer, whichever of its words' files it goes in
        for word in sorted({w for w in slug(name).split("-") if len(w) >= 2}):
            by_word.setdefault(word, []).append(row)
    del shown  # before the files are made: ~50 MB at 150,000 employers
    shards: dict[str, list[list[str]]] = {}

    def place(prefix: str, words: list[str]) -> None:
        rows = list({row[0]: row for w in words for row in by_word[w]}.values())  # a name once per file
        if len(rows) <= SHARD_LIMIT or words == [prefix]:
            shards[prefix] = rows
            return
        longer: dict[str, list[str]] = {}
        for w in words:
            longer.setdefault(w[: len(prefix) + 1] if len(w) > len(prefix) else w + "$", []).append(w)
        for key, group in longer.items():
            if key.endswith("$"):
                shards[key] = by_word[group[0]]
            else:
                place(key, group)

    starts: dict[str, list[str]] = {}
    for word in sorted(by_word):
        starts.setdefault(word[:2], []).append(word)
    for prefix, words in starts.items():
        place(prefix, words)
    return shards


def write_submit_pages(register: Register, write: Writer, config: BuildConfig) -> None:
    """Write submit/, a form per kind of entry, submit/next/ and the employer picker's files.
    The links point to config.repository ("owner/name") and the email route to config.inbox."""
    links = github_links(config.repository)
    # The pages are made from the settings and the schemas alone (no inputs: kept while those
    # stay the same), the picker's files from the employers' names and places (kept when equal).
    write.page(
        "submit/",
        "submit.html",
        (),
        inbox=config.inbox,
        github=links["repository"],
        issue_forms=links["issue_forms"],
        change_form=links["change_form"],
    )
    write.page("submit/next/", "submit_next.html", (), inbox=config.inbox, change_form=links["change_form"])
    for kind in FOLDERS:
        write.page(
            f"submit/{kind}/",
            "submit_form.html",
            (),
            kind=kind,
            heading=HEADINGS[kind],
            form=form_description(kind),
            form_name=FORMS[kind][1],
            data=description_attribute(kind),
            inbox=config.inbox,
            links=links,
            new_file=links["new_file"][kind],
            issue_form=links["issue_forms"][kind],
        )
    write_picker(register, write)


def write_picker(register: Register, write: Writer) -> None:
    """The employer picker's files, each kept when the published one was made with the same
    text; while no employer's file has changed, kept without being made (0.2 s at 10,000 employers)."""
    digests = [register.digest(e) for e in register.employers.values()]
    key = None if None in digests else write.group_key((list(register.employers), digests), dated=False)
    last: list[tuple[str, bytes | None]] | None = write.previous(key) if key is not None else None
    kept = {file for file, made in last or () if write.reused(file, made)}
    if last is None or len(kept) < len(last):
        shards = employer_shards(register)
        last = []

        def put(file: str, text: str) -> None:  # one file's text at a time, not all of them at once
            made = write.key(file, (text,))
            last.append((file, made))
            if file not in kept and not write.reused(file, made):
                write.text(file, text, made)

        for prefix, rows in shards.items():
            put(f"submit/employers/{prefix}.json", json.dumps(rows, ensure_ascii=False, separators=(",", ":")))
        # which files exist and how many names each holds: the page asks only for files that
        # exist, and for the smallest one among the words typed
        index = {prefix: len(rows) for prefix, rows in sorted(shards.items())}
        put("submit/employers/index.json", json.dumps(index, separators=(",", ":")))
    write.remember(key, last)
