"""The one error table: every domain error class the site can raise has its status, and raises() documents it."""

from __future__ import annotations

from api.errors import ERROR_TABLE, FALLBACK, ErrorOut, error_response, raises, rule_for
from geo.core.errors import Conflict, HongyanError, InvalidInput, NotFound, TooManyAttempts
from geo.core.settings import Settings
from registry.accounts.auth import AuthenticationFailed
from registry.accounts.page_sessions import SessionIdle
from registry.intake.read import UploadTooLarge
from web_map.site import create_site


def _subclasses(cls: type[HongyanError]) -> set[type[HongyanError]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_domain_error_of_the_site_has_a_status() -> None:
    create_site(Settings(database_url="postgresql://nobody@/unused"))  # imports every route and its domain
    unmapped = sorted(c.__qualname__ for c in _subclasses(HongyanError) if rule_for(c) is FALLBACK)
    assert unmapped == []
    assert rule_for(UploadTooLarge).status == 413 and rule_for(InvalidInput).status == 422
    assert rule_for(SessionIdle).status == 401  # the nearest listed ancestor wins


def test_answers_carry_their_headers() -> None:
    refused = error_response(AuthenticationFailed("未登录 not logged in"))
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert refused.body == '{"detail":"未登录 not logged in","error":"AuthenticationFailed"}'.encode()
    throttled = error_response(TooManyAttempts("稍后再试 wait", retry_after=42))
    assert throttled.status_code == 429 and throttled.headers["retry-after"] == "42"
    assert "www-authenticate" not in error_response(NotFound("x")).headers


def test_raises_documents_each_status_once_with_the_error_model() -> None:
    documented = raises(NotFound, Conflict, InvalidInput, UploadTooLarge, AuthenticationFailed, SessionIdle)
    assert sorted(documented) == [401, 404, 409, 413, 422]
    assert all(entry["model"] is ErrorOut for entry in documented.values())
    assert documented[401]["description"].count("；") == 1  # two classes share the 401, both described
    assert set(ERROR_TABLE) >= {InvalidInput, NotFound, Conflict, UploadTooLarge, AuthenticationFailed}
