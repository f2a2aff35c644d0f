"""The OpenAPI document is a contract: every operation says what it answers, in types, and which errors it gives.

- every 2xx JSON answer has a typed schema (a ``$ref``, or a type with its properties or items): never ``{}``
  nor a bare object; a file, tile or page names its media type with a schema;
- every operation lists its error answers with the shared ErrorOut model: 422 always (with FastAPI's list of
  invalid fields), 413 with a body, 401 and 403 behind a login, 404 when its path names something.

``python -m tests.test_openapi_contract`` prints the operations that break it (one a line).
"""

from __future__ import annotations

from typing import Any

from geo.core.settings import Settings
from web_map.site import create_site

UNUSED_URL = "postgresql://nobody@/unused"
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
JSON_MEDIA = ("application/json", "application/geo+json")


def document() -> dict[str, Any]:
    """The site's OpenAPI document (building the app connects to nothing)."""
    return create_site(Settings(database_url=UNUSED_URL)).openapi()


def typed(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    """Whether a JSON schema says what the value holds (following $refs)."""
    if "$ref" in schema:
        return typed(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return all(typed(s, components) or s == {"type": "null"} for s in schema[key])
    kind = schema.get("type")
    if kind == "object":
        extra = schema.get("additionalProperties")
        return bool(schema.get("properties")) or (isinstance(extra, dict) and typed(extra, components))
    if kind == "array":
        return typed(schema.get("items", {}), components)
    return kind is not None or "enum" in schema or "const" in schema


def untyped_answers(operation: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """What is wrong with an operation's 2xx answers (empty when every one is typed)."""
    problems = []
    answers = {s: r for s, r in operation.get("responses", {}).items() if s.startswith("2")}
    if not answers:
        problems.append("no 2xx answer")
    for status, answer in answers.items():
        content = answer.get("content")
        if status == "204" or (content is None and status in ("201", "202") and "description" in answer):
            continue
        if not content:
            problems.append(f"{status} has no content")
            continue
        for media, spec in content.items():
            schema = spec.get("schema")
            if not schema:
                problems.append(f"{status} {media} has no schema")
            elif media in JSON_MEDIA and not typed(schema, components):
                problems.append(f"{status} {media} is untyped: {schema}")
    return problems


def missing_errors(operation: dict[str, Any]) -> list[str]:
    """The error answers an operation should list and does not (or lists without ErrorOut)."""
    responses = operation.get("responses", {})
    needed = {"422"}
    if "requestBody" in operation:
        needed.add("413")
    if operation.get("security"):
        needed |= {"401", "403"}
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        needed.add("404")
    problems = [f"no {status}" for status in sorted(needed - set(responses))]
    for status, answer in responses.items():
        if status[0] not in "45":
            continue
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if schema != ERROR_REF and ERROR_REF not in schema.get("anyOf", []):
            problems.append(f"{status} without ErrorOut")
    return problems


def broken_operations(doc: dict[str, Any]) -> list[str]:
    """Every operation that breaks the contract, with what is wrong."""
    components = doc.get("components", {}).get("schemas", {})
    broken = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            problems = untyped_answers(operation, components) + missing_errors(operation)
            if problems:
                broken.append(f"{method.upper()} {path}: {'; '.join(problems)}")
    return broken


def test_every_operation_is_typed_and_lists_its_errors() -> None:
    doc = document()
    assert len(doc["paths"]) > 90
    assert broken_operations(doc) == []


def test_the_checks_catch_an_untyped_answer() -> None:
    components = {"Out": {"type": "object", "properties": {"a": {"type": "integer"}}}}
    loose = {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}
    assert untyped_answers(loose, components) == ["200 application/json is untyped: {'type': 'object'}"]
    empty = {"responses": {"200": {"content": {"application/json": {"schema": {}}}}}}
    assert untyped_answers(empty, components) == ["200 application/json has no schema"]
    good = {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/x/Out"}}}}}}
    assert untyped_answers(good, components) == []
    guarded = {"security": [{"b": []}], "responses": {"422": {"content": {}}}}
    assert missing_errors(guarded) == ["no 401", "no 403", "422 without ErrorOut"]


if __name__ == "__main__":
    found = broken_operations(document())
    print("\n".join(found))
    print(f"{len(found)} operations break the contract")
