"""Check one entry against its JSON Schema and explain each failure in plain words.

A compiled Rust validator (jsonschema-rs) answers "valid?" for every file, which keeps
whole-register validation fast; only an invalid entry is re-checked with the reference
Python implementation, whose errors carry the keyword and schema needed for good messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from .errors import Problem
from .load import Document
from .schemas import load_schema

if TYPE_CHECKING:
    import jsonschema

KINDS = ("employer", "opportunity")


@cache
def _schemas() -> list[dict[str, Any]]:
    return [load_schema(name) for name in ("common", "employer", "opportunity")]


@cache
def _fast(kind: str) -> Any:
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in _schemas()])
    return jsonschema_rs.validator_for(load_schema(kind), registry=registry, validate_formats=True)


@cache
def _reference(kind: str) -> jsonschema.Draft202012Validator:
    # Imported only to explain a file that is not valid: the Python validator's import costs
    # ~70 ms of every build, and the Rust one answers "valid?".
    import jsonschema
    from referencing import Registry, Resource

    registry: Registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in _schemas())
    return jsonschema.Draft202012Validator(
        load_schema(kind), registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(kind: str, data: Any) -> Iterator[jsonschema.ValidationError]:
    if _fast(kind).is_valid(data):
        return iter(())
    return _reference(kind).iter_errors(data)


def field_name(path: Iterable[str | int]) -> str:
    """Dotted field path as an employer would read it: locations[0].postcode."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


# When one value breaks several keywords, the first of these explains it best ("'no' is not
# a real date" rather than also "does not match ^[0-9]{4}-...").
_PRIORITY = ("type", "required", "additionalProperties", "oneOf", "anyOf", "not", "format", "visible")
# The schemas' pattern for text that must have something to read: spaces alone are refused.
VISIBLE = "\\S"


def check_schema(kind: str, doc: Document, source: str) -> list[Problem]:
    best: dict[tuple[str | int, ...], jsonschema.ValidationError] = {}
    for error in schema_errors(kind, doc.data):
        where = tuple(error.absolute_path)
        if error.validator in ("required", "additionalProperties", "anyOf"):
            where += (error.validator, str(error.validator_value))  # several per object are all useful
        if where not in best or _rank(error) < _rank(best[where]):
            best[where] = error
    problems = []
    for error in best.values():
        message, field_path, on_key = _explain(error, list(error.absolute_path))
        line, column = doc.position(field_path, key=on_key)
        problems.append(Problem(source, line, column, field_name(field_path), message))
    return problems


def _only_spaces(error: jsonschema.ValidationError) -> bool:
    return error.validator == "pattern" and error.validator_value == VISIBLE


def _rank(error: jsonschema.ValidationError) -> int:
    v = "visible" if _only_spaces(error) else str(error.validator)
    return _PRIORITY.index(v) if v in _PRIORITY else len(_PRIORITY)


def _explain(e: jsonschema.ValidationError, path: list[str | int]) -> tuple[str, list[str | int], bool]:
    """(message, field path to report, point at the key rather than the value)."""
    v, value, schema = e.validator, e.instance, e.schema
    described = schema.get("description", "")
    if v == "required":
        missing = _missing(e)
        return f"required field '{missing}' is missing", path + [missing], True
    if v == "additionalProperties":
        extra = sorted(set(value) - set(schema.get("properties", {})))
        allowed = sorted(schema.get("properties", {}))
        first = extra[0]
        hint = difflib.get_close_matches(first, allowed, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; allowed fields: {', '.join(allowed)}"
        names = ", ".join(f"'{x}'" for x in extra)
        return f"unknown field {names}{suggestion}", path + [first], True
    if v == "type":
        return f"must be {_type_words(e.validator_value)}, not {_show(value)}", path, False
    if v == "oneOf" and all("const" in s for s in e.validator_value):
        codes = [s["const"] for s in e.validator_value]
        hint = difflib.get_close_matches(str(value).lower().replace(" ", "-"), codes, n=1, cutoff=0.6)
        if hint:
            return f"{_show(value)} is not an allowed value; did you mean '{hint[0]}'?", path, False
        return f"{_show(value)} is not an allowed value; use one of: {', '.join(codes)}", path, False
    if v == "anyOf" and all(list(s) == ["required"] for s in e.validator_value):
        options = " or ".join(f"'{s['required'][0]}'" for s in e.validator_value)
        return f"give at least one of {options}", path, True
    if v == "not" and e.validator_value == {"required": ["dates"]}:
        return "remove 'dates' when kind is 'on-request', or set kind to 'dates'", path + ["dates"], True
    if v == "format":
        fmt = e.validator_value
        if fmt == "date":
            return f"{_show(value)} is not a real date; write it as YYYY-MM-DD", path, False
        return f"{_show(value)} is not a valid {fmt}", path, False
    if _only_spaces(e):
        return "has only spaces; write some text", path, False
    if v == "pattern":
        return f"{_show(value)} is not in the expected form: {described}".rstrip(": "), path, False
    if v == "minLength":
        return f"is too short ({len(value)} characters; at least {e.validator_value})", path, False
    if v == "maxLength":
        return f"is too long ({len(value):,} characters; at most {e.validator_value:,})", path, False
    if v == "minItems":
        return f"needs at least {e.validator_value} item(s)", path, False
    if v == "maxItems":
        return f"has {len(value)} items; at most {e.validator_value} allowed", path, False
    if v == "uniqueItems":
        return "lists the same value more than once", path, False
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "exclusiveMinimum": "more than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }
        return f"must be {words[v]} {e.validator_value}, not {_show(value)}", path, False
    return e.message, path, False


def _missing(e: jsonschema.ValidationError) -> str:
    present = e.instance if isinstance(e.instance, dict) else {}
    return next((name for name in e.validator_value if name not in present), str(e.validator_value[0]))


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a set of 'field: value' lines",
    "null": "empty",
}


def _type_words(expected: str | list[str]) -> str:
    names = [expected] if isinstance(expected, str) else expected
    return " or ".join(_TYPE_WORDS.get(n, n) for n in names)


def _show(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "...'"
