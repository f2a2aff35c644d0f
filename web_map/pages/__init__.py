"""The staff workbench: server-rendered pages (Jinja2, autoescaped) with htmx for partial updates, gettext
catalogs (中文 first, English) and one CSS toolkit (Pico), every asset vendored; under the site's
Content-Security-Policy without inline script.

Each page is a template plus a call of the same service functions the JSON API calls, inside the same
row-level-security-scoped transaction (web_map.pages.session). install_pages adds them to the site.
"""

from __future__ import annotations

from fastapi import FastAPI

from web_map.pages.handlers import install_page_errors
from web_map.pages.routes import account, policies, residents, review
from web_map.pages.templating import Pages


def install_pages(app: FastAPI) -> None:
    """Add the workbench's routes, its error pages and its templates (catalogs compiled here, once)."""
    app.state.pages = Pages()
    install_page_errors(app)
    app.include_router(account.router)
    app.include_router(residents.router)
    app.include_router(review.router)
    app.include_router(policies.router)  # 稳岗就业政策 (public), the first site page moved to the templates
