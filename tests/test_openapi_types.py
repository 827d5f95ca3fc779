"""Every 2xx answer is declared with its fields: a client never meets an untyped object.

The FHIR exports are the one exception the contract allows: a Bundle whose resources are
FHIR's own (declared as an object with a description and its resourceType and id).
"""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

COMPOSITIONS = ("oneOf", "anyOf", "allOf")
FHIR_EXPORTS = ("/export/fhir/",)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def untyped_places(node: dict[str, Any], components: dict[str, Any], where: str) -> list[str]:
    """Where a schema leaves a value free-form: an object with no properties and no typed
    additionalProperties, or a schema that says nothing about its type."""
    seen: set[str] = set()

    def walk(node: dict[str, Any], where: str) -> list[str]:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in seen:  # a recursive component was checked on the first visit
                return []
            seen.add(name)
            return walk(components[name], f"{where}<{name}>")
        found: list[str] = []
        for key in COMPOSITIONS:
            for i, part in enumerate(node.get(key, [])):
                found += walk(part, f"{where}/{key}[{i}]")
        kind = node.get("type")
        if kind is None and not any(k in node for k in (*COMPOSITIONS, "enum")):
            return [*found, where or "(the body)"]
        if kind == "object":
            properties = node.get("properties") or {}
            extra = node.get("additionalProperties")
            if not properties and not (isinstance(extra, dict) and extra):
                found.append(where or "(the body)")
            for name, sub in properties.items():
                found += walk(sub, f"{where}.{name}")
            if isinstance(extra, dict) and extra:
                found += walk(extra, f"{where}{{*}}")
        if kind == "array":
            found += walk(node.get("items") or {}, f"{where}[]")
        return found

    return walk(node, where)


def untyped_responses(schema: dict[str, Any]) -> list[str]:
    components = schema["components"]["schemas"]
    problems = []
    for path, operations in schema["paths"].items():
        if path.endswith(FHIR_EXPORTS):
            continue
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                for media, content in response.get("content", {}).items():
                    for place in untyped_places(content.get("schema", {}), components, ""):
                        problems.append(f"{method.upper()} {path} {status} {media}: {place}")
    return problems


def test_every_2xx_response_declares_its_fields(schema):
    assert untyped_responses(schema) == []


def test_the_check_finds_an_untyped_answer_at_any_depth():
    components = {
        "Summary": {"type": "object", "properties": {"by_day": {"type": "object"}}},
        "Loop": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Loop"}}},
    }
    doc = {
        "components": {"schemas": components},
        "paths": {
            "/a/": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "additionalProperties": {}}}}}}}},
            "/b/": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "array", "items": {
                    "$ref": "#/components/schemas/Summary"}}}}}}}},
            "/c/": {"get": {"responses": {"201": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Loop"}}}}}}},
            "/d/": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"description": "anything"}}}}}}},
            "/p/export/fhir/": {"get": {"responses": {"200": {"content": {
                "application/json": {"schema": {"type": "object"}}}}}}},
            "/e/": {"get": {"responses": {"400": {"content": {"application/json": {
                "schema": {"type": "object"}}}}}}},
        },
    }  # fmt: skip
    assert untyped_responses(doc) == [
        "GET /a/ 200 application/json: (the body)",
        "GET /b/ 200 application/json: []<Summary>.by_day",
        "GET /d/ 200 application/json: (the body)",
    ]
