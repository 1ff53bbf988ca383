"""Frictionless Table Schemas generated from the JSON Schemas: types, descriptions, enums."""

from __future__ import annotations

from typing import Any

from ..schemas import load_schema
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
    if column.vocabulary or "oneOf" in prop:
        from ..schemas import vocabularies

        codes = vocabularies().codes(column.vocabulary) if column.vocabulary else [o["const"] for o in prop["oneOf"]]
        constraints["enum"] = list(codes)
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
