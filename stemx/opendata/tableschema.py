"""Frictionless Table Schemas generated from the JSON Schemas: types, descriptions, enums."""

from __future__ import annotations

from typing import Any

from ..schemas import load_schema, vocabularies
from .tables import Column, Table


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref into common.schema.json, keeping local titles and descriptions."""
    while "$ref" in node:
        ref = node["$ref"]
        target = load_schema("common")["$defs"][ref.rsplit("/", 1)[1]]
        local = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **local}
    return node


def json_schema_property(source: str) -> dict[str, Any]:
    """The JSON Schema of a column's source, e.g. "employer:contact.email" or "common:place.name"."""
    schema_name, path = source.split(":", 1)
    steps = path.split(".")
    node = load_schema("common")["$defs"][steps.pop(0)] if schema_name == "common" else load_schema(schema_name)
    for step in steps:
        node = _resolve(node)
        if node.get("type") == "array":
            node = _resolve(node["items"])
        node = node["properties"][step]
    node = _resolve(node)
    if node.get("type") == "array":  # a link-table column holds one item of the list
        node = {**_resolve(node["items"]), "description": node.get("description", "")}
    return node


def _type(prop: dict[str, Any]) -> str:
    if prop.get("format") == "date":
        return "date"
    return {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}[prop["type"]]


def allowed_values(column: Column) -> list[tuple[str, str]]:
    """(code, label) pairs a column may hold: a controlled list, a oneOf in the schema, or
    the column's own fixed values; empty when any value of its type is allowed."""
    if column.vocabulary:
        return [(t.code, t.label) for t in vocabularies().terms(column.vocabulary)]
    if column.values:
        return list(column.values)
    prop = json_schema_property(column.source) if column.source else {}
    return [(o["const"], o.get("title", "")) for o in prop.get("oneOf", ())]


def example(column: Column) -> Any:
    """The schema's own example for the property, if it gives one."""
    prop = json_schema_property(column.source) if column.source else {}
    examples = prop.get("examples") or []
    return examples[0] if examples else None


def field(column: Column) -> dict[str, Any]:
    prop = json_schema_property(column.source) if column.source else {}
    result: dict[str, Any] = {
        "name": column.name,
        "type": _type(prop) if prop else column.type,
        "description": column.description or prop.get("description", ""),
    }
    if prop.get("title"):
        result["title"] = prop["title"]
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    allowed = allowed_values(column)
    if allowed:
        constraints["enum"] = [code for code, _ in allowed]
    # Numeric bounds carry over exactly; string lengths and patterns do not, because a CSV
    # cell may carry the spreadsheet-safety apostrophe (see csvfiles).
    for bound in ("minimum", "maximum"):
        if bound in prop and result["type"] in ("integer", "number"):
            constraints[bound] = prop[bound]
    if constraints:
        result["constraints"] = constraints
    return result


def table_schema(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [field(c) for c in table.columns], "primaryKey": list(table.primary_key)}
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": column, "reference": {"resource": resource, "fields": target}}
            for column, resource, target in table.foreign_keys
        ]
    schema["missingValues"] = [""]
    return schema
