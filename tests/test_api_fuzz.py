"""schemathesis over every operation of /openapi.json, anonymously and as the county administrator.

Generated requests (valid and invalid) against the real site on a private copy of the small demo: no answer
may be a 5xx, every answer must match the schema and status codes the operation documents. Bounded and
deterministic (derandomized, no shrinking) so the module takes a few minutes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from geo.core.db import create_db_engine
from geo.core.settings import Settings
from registry.accounts.store import NewAccount, create_account
from tests.accounts_world import CIPHER, COUNTY, FAST_HASHER, PASSWORD, id_number, phone
from tests.conftest import cloned_database
from tests.live_server import serve_site
from web_map.site import create_site

UNUSED_URL = "postgresql://nobody@/unused"
EXAMPLES = 10  # per operation and generation mode (positive, negative); ~110 operations, twice
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
    database=None,
)


LOGOUTS = frozenset({"/api/v1/auth/logout", "/api/v1/auth/session"})
FORGET_FAILED_LOGINS = text("DELETE FROM login_events WHERE NOT success")


class Session:
    """The base URL of the running site and the headers to send (a bearer token once logged in)."""

    def __init__(self, base_url: str, database_url: str) -> None:
        self.base_url = base_url
        self.database_url = database_url
        self.headers: dict[str, str] = {}

    def _post_login(self, login: str) -> requests.Response:
        return requests.post(
            f"{self.base_url}/api/v1/auth/login", json={"login": login, "password": PASSWORD}, timeout=30
        )

    def log_in(self, login: str) -> None:
        answer = self._post_login(login)
        if answer.status_code == 429:
            # the fuzzer's own wrong logins from this address throttle it, as they should (the throttle is
            # tested in test_login_throttle.py): forget them, as an administrator's wait would
            engine = create_engine(self.database_url)
            with engine.begin() as conn:
                conn.execute(FORGET_FAILED_LOGINS)
            engine.dispose()
            answer = self._post_login(login)
        assert answer.status_code == 200, answer.text
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}


def _county_admin(engine: Engine) -> None:
    with engine.begin() as conn:
        new = NewAccount("fuzz_admin", "测试管理员", phone(901), id_number(901), "county_admin", COUNTY)
        create_account(conn, new, PASSWORD, cipher=CIPHER, hasher=FAST_HASHER)


@pytest.fixture(scope="module")
def fuzz_db(server_url: str, small_demo_url: str) -> Iterator[str]:
    """A private copy of the small demo for the whole module (each operation is its own test item)."""
    template = make_url(small_demo_url).database
    assert template is not None
    yield from cloned_database(server_url, template, prefix="hongyan_fuzz_")


@pytest.fixture(scope="module")
def site(fuzz_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """The whole site served on the module's copy of the small demo, with a county administrator account."""
    engine = create_db_engine(fuzz_db, pool_size=1)
    try:
        _county_admin(engine)
    finally:
        engine.dispose()
    data_dir = tmp_path_factory.mktemp("fuzz")
    with serve_site(Settings(database_url=fuzz_db, data_dir=data_dir)) as base_url:
        yield Session(base_url, fuzz_db)


# the document only: building the app connects to nothing (the database is reached in its lifespan)
schema = schemathesis.openapi.from_dict(create_site(Settings(database_url=UNUSED_URL)).openapi())


def _call(case: schemathesis.Case, site: Session) -> None:
    case.call_and_validate(base_url=site.base_url, headers=dict(site.headers), checks=CHECKS, timeout=120)


@FUZZ_SETTINGS
@schema.parametrize()
def test_anonymous(case: schemathesis.Case, site: Session) -> None:
    _call(case, site)


@FUZZ_SETTINGS
@schema.parametrize()
def test_as_county_administrator(case: schemathesis.Case, site: Session) -> None:
    if not site.headers:
        site.log_in("fuzz_admin")
    _call(case, site)
    if case.operation.path in LOGOUTS and case.method.upper() in ("POST", "DELETE"):
        site.log_in("fuzz_admin")  # the generated logout ended the token: the next operations need one
