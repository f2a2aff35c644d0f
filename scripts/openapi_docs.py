"""The API reference of the documentation site, generated from the application's own OpenAPI document.

mkdocs.yml runs this file as a hook: on every `mkdocs build` (`make docs`) it builds the API app (`api.app`'s
`create_app`, no database needed), and adds two generated files to the site: `api/openapi.json` (the document)
and `api/reference.md` (every operation, its parameters, body and responses, and every schema, as Markdown).
Nothing is written into docs/ and nothing is downloaded, so the reference is always the code's.

    python scripts/openapi_docs.py --out openapi.json     # the document alone
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("get", "post", "put", "patch", "delete")
Schema = dict[str, Any]


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of this checkout's API app (its code first on the path)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from api.app import create_app
    from geo.core.settings import Settings

    return create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _slug(name: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in name.lower())


def _anchor(name: str) -> str:
    return "schema-" + _slug(name)


def type_of(schema: Schema) -> str:
    """A short Markdown type: a link for a named schema, `a or b` for unions, `array of x` for arrays."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(type_of(s) for s in schema[key])
    if "allOf" in schema:
        return " and ".join(type_of(s) for s in schema["allOf"])
    if "enum" in schema:
        return " \\| ".join(f"`{json.dumps(v, ensure_ascii=False)}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{json.dumps(schema['const'], ensure_ascii=False)}`"
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {type_of(schema['additionalProperties'])}"
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def limits_of(schema: Schema) -> str:
    """Bounds, lengths and patterns a value must keep, in a few words."""
    found = [
        f"{word} {schema[key]}"
        for key, word in (
            ("minimum", "≥"),
            ("exclusiveMinimum", ">"),
            ("maximum", "≤"),
            ("exclusiveMaximum", "<"),
            ("minLength", "length ≥"),
            ("maxLength", "length ≤"),
            ("minItems", "items ≥"),
            ("maxItems", "items ≤"),
        )
        if key in schema
    ]
    if "pattern" in schema:
        found.append(f"pattern `{schema['pattern']}`")
    for part in schema.get("anyOf", []):
        inner = limits_of(part)
        if inner:
            found.append(inner)
    return ", ".join(found)


def value_cell(schema: Schema) -> str:
    """Type, limits and default of a value in one table cell."""
    parts = [type_of(schema)]
    limits = limits_of(schema)
    if limits:
        parts.append(_cell(limits))
    if "default" in schema:
        parts.append(f"default `{json.dumps(schema['default'], ensure_ascii=False)}`")
    return "; ".join(parts)


def _name(name: str, required: bool) -> str:
    return f"`{name}` (required)" if required else f"`{name}`"


def parameters_table(parameters: list[Schema]) -> list[str]:
    lines = ["| parameter | in | value | description |", "|---|---|---|---|"]
    for p in parameters:
        lines.append(
            f"| {_name(p['name'], bool(p.get('required')))} | {p['in']} | {value_cell(p.get('schema', {}))} | "
            f"{_cell(p.get('description', ''))} |"
        )
    return lines


def body_lines(body: Schema) -> list[str]:
    lines = []
    for media, content in body.get("content", {}).items():
        required = " (required)" if body.get("required") else ""
        lines.append(f"Body{required}: `{media}` {type_of(content.get('schema', {}))}")
    return lines


def responses_table(responses: dict[str, Schema]) -> list[str]:
    lines = ["| status | meaning | body |", "|---|---|---|"]
    for status, answer in responses.items():
        bodies = [
            f"`{media}` {type_of(content.get('schema', {}))}"
            for media, content in answer.get("content", {}).items()
        ]
        lines.append(f"| {status} | {_cell(answer.get('description', ''))} | {'<br>'.join(bodies)} |")
    return lines


def operation_lines(path: str, method: str, op: Schema) -> list[str]:
    """One operation: heading, summary, who may call it, parameters, body, responses."""
    ident = op.get("operationId", f"{method}-{path}")
    lines = [f"### {method.upper()} `{path}` {{#op-{_slug(ident)}}}", ""]
    if op.get("description") or op.get("summary"):
        lines += [op.get("description") or op["summary"], ""]
    if op.get("security"):
        schemes = " or ".join(name for req in op["security"] for name in req)
        lines += [f"Login: {schemes} ([authentication](index.md#authentication)).", ""]
    if op.get("parameters"):
        lines += [*parameters_table(op["parameters"]), ""]
    if op.get("requestBody"):
        lines += [*body_lines(op["requestBody"]), ""]
    lines += [*responses_table(op.get("responses", {})), ""]
    return lines


def schema_lines(name: str, schema: Schema) -> list[str]:
    lines = [f"### {name} {{#{_anchor(name)}}}", ""]
    if schema.get("description"):
        lines += [_cell(schema["description"]), ""]
    properties = schema.get("properties", {})
    if not properties:
        return [*lines, f"Type: {type_of(schema)}", ""]
    required = set(schema.get("required", []))
    lines += ["| field | value | description |", "|---|---|---|"]
    for field, prop in properties.items():
        lines.append(
            f"| {_name(field, field in required)} | {value_cell(prop)} | {_cell(prop.get('description', ''))} |"
        )
    return [*lines, ""]


def reference_markdown(doc: dict[str, Any]) -> str:
    """The whole reference page: operations grouped by tag (in order of first use), then the schemas."""
    by_tag: dict[str, list[tuple[str, str, Schema]]] = {}
    for path, ops in doc["paths"].items():
        for method in METHODS:
            if method in ops:
                tag = (ops[method].get("tags") or ["other"])[0]
                by_tag.setdefault(tag, []).append((path, method, ops[method]))
    info = doc["info"]
    count = sum(len(ops) for ops in by_tag.values())
    lines = [
        "# API reference",
        "",
        f"{info['title']} {info['version']} (OpenAPI {doc['openapi']}): {count} operations. {info.get('description', '')}",
        "",
        "Generated from the application's OpenAPI document when the site is built, so it always matches the code;",
        "the same document, as JSON: [openapi.json](openapi.json). A running server serves it at `/openapi.json` and",
        "as Swagger UI at `/docs`.",
        "",
    ]
    for tag, operations in by_tag.items():
        lines += [f"## {tag}", ""]
        for path, method, op in operations:
            lines += operation_lines(path, method, op)
    lines += ["## Schemas", ""]
    for name, schema in sorted(doc.get("components", {}).get("schemas", {}).items()):
        lines += schema_lines(name, schema)
    return "\n".join(lines)


def on_files(files: Any, config: Any) -> Any:
    """mkdocs hook: add the generated reference page and the OpenAPI document to the site's files."""
    from mkdocs.structure.files import File

    doc = openapi_document()
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    files.append(File.generated(config, "api/openapi.json", content=text))
    files.append(File.generated(config, "api/reference.md", content=reference_markdown(doc)))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the API's OpenAPI document (JSON).")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--markdown", type=Path, help="also write the reference page here")
    args = parser.parse_args()
    doc = openapi_document()
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(reference_markdown(doc), encoding="utf-8")


if __name__ == "__main__":
    main()
