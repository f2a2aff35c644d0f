"""The error table in the OpenAPI document: each operation lists the errors it can answer with.

A route names the domain errors its handler raises with ``responses=raises(...)`` (api.errors); what its
dependencies and the middleware can answer is added here from the route itself:

- 422 on every operation (api.input_guard checks every path and query string; FastAPI's own validation);
- 413 on an operation with a body (api.upload_limit);
- 401 and 403 when it reads the session (a missing or dead token, a page write without its CSRF token, scope);
- 503 when it takes a database connection or engine;
- 404 when its path names something (an id, a code, a layer) that may not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.auth import app_transaction, bearer_token, get_app_engine, optional_token
from api.deps import get_connection, get_engine
from api.errors import ErrorOut, raises
from geo.core.errors import DatabaseUnavailable, HongyanError, InvalidInput, NotFound, PermissionDenied
from registry.accounts.auth import AuthenticationFailed
from registry.intake.read import UploadTooLarge

SESSION_DEPENDENCIES: frozenset[Callable[..., Any]] = frozenset({bearer_token, optional_token})
DATABASE_DEPENDENCIES: frozenset[Callable[..., Any]] = frozenset(
    {get_engine, get_connection, get_app_engine, app_transaction}
)
VALIDATION_REF = {"$ref": "#/components/schemas/HTTPValidationError"}
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
RETRY_AFTER = {"Retry-After": {"description": "秒 seconds", "schema": {"type": "integer"}}}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def implied_errors(route: APIRoute) -> list[type[HongyanError]]:
    """The errors a route can answer with through its dependencies, body and path (see the module's list)."""
    calls = set(_calls(route.dependant))
    implied: list[type[HongyanError]] = [InvalidInput]
    if route.body_field is not None:
        implied.append(UploadTooLarge)
    if calls & SESSION_DEPENDENCIES:
        implied += [AuthenticationFailed, PermissionDenied]
    if calls & DATABASE_DEPENDENCIES:
        implied.append(DatabaseUnavailable)
    if route.dependant.path_params:
        implied.append(NotFound)
    return implied


def _answers_error_out(documented: dict[str, Any]) -> None:
    """An error status the route documents with its own shape (a 503 Health, a 404 without content) may also
    answer ErrorOut: the schema becomes either."""
    media = documented.setdefault("content", {}).setdefault("application/json", {})
    schema = media.get("schema")
    if not schema:
        media["schema"] = ERROR_REF
    elif schema != ERROR_REF and ERROR_REF not in schema.get("anyOf", []):
        media["schema"] = {"anyOf": [*schema.get("anyOf", [schema]), ERROR_REF]}


def _with_validation(documented: dict[str, Any]) -> dict[str, Any]:
    """A 422 answers either ErrorOut (the domain's InvalidInput) or FastAPI's list of invalid fields."""
    out = dict(documented)
    media = dict(out.get("content", {}).get("application/json") or {})
    shapes = [media.get("schema"), VALIDATION_REF, ERROR_REF]
    kept = [s for n, s in enumerate(shapes) if s and s not in shapes[:n]]
    media["schema"] = kept[0] if len(kept) == 1 else {"anyOf": kept}
    out["content"] = {**out.get("content", {}), "application/json": media}
    return out


def _error_entry(status: int, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def document_errors(app: FastAPI) -> None:
    """Add each route's implied errors to its operation when the document is first built, then the 422's two
    shapes and the Retry-After header of 429 and 503."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        paths = schema.get("paths", {})
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            implied = raises(*implied_errors(route))
            for method in context.methods or ():
                responses = paths[context.path_format][method.lower()].setdefault("responses", {})
                for status, entry in implied.items():
                    documented = responses.setdefault(
                        str(status), _error_entry(int(status), entry["description"])
                    )
                    _answers_error_out(documented)
        for operations in paths.values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                responses["422"] = _with_validation(
                    responses.get("422", {"description": "输入有误 invalid input"})
                )
                for status in ("429", "503"):
                    if status in responses:
                        responses[status]["headers"] = RETRY_AFTER
                operation["responses"] = dict(sorted(responses.items()))
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = (
            ErrorOut.model_json_schema()
        )
        app.openapi_schema = schema
        return schema

    setattr(app, "openapi", openapi)  # noqa: B010 (FastAPI's documented way to extend the document)
