"""Writing an entry as YAML for people to read and review: the safe dumper, in the register's style.

Entries written by the issue-form parser and `python build.py new` go through here. The
dumper is PyYAML's SafeDumper (plain data only, every value escaped or quoted as YAML needs),
with two readability choices: prose with line breaks is written as a literal block, as in the
hand-written files, and times such as 09:30 are quoted, as the schema asks.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_TIME = re.compile(r"^\d{1,2}:\d{2}$")


class EntryDumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        # PyYAML falls back to a quoted style by itself when a literal block cannot hold the text.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if _TIME.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


EntryDumper.add_representer(str, _str)


def dump_entry(entry: dict[str, Any], header: str) -> str:
    """The file's text: a comment line, then the entry's keys in the order given."""
    body = yaml.dump(entry, Dumper=EntryDumper, sort_keys=False, allow_unicode=True, width=100)
    return f"# {header}\n{body}"
