"""The documentation site: it builds offline with `mkdocs build --strict`, a broken internal link fails it, the API
reference covers every route, and the README's links lead somewhere."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.app import create_app
from geo.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# Any download during a build goes to a closed port and fails the build (nothing may be fetched).
OFFLINE = {
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_MKDOCS_2_WARNING": "1",
}


def _mkdocs(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **OFFLINE, "PYTHONPATH": str(ROOT)}
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once for this module into a temporary directory."""
    out = tmp_path_factory.mktemp("site")
    done = _mkdocs(ROOT / "mkdocs.yml", out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.mark.slow
def test_the_site_builds_offline_and_strict(site: Path) -> None:
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    for page in ("index.html", "getting-started.html", "guides/seeker.html", "operations/backups.html"):
        assert page in pages
    assert (site / "img" / "job-map.png").is_file()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # no script, stylesheet or font from another host: the pages work offline too
        assert not re.search(r"<script[^>]+src=\"https?://", html), page
        assert not re.search(r"<link[^>]+href=\"https?://", html), page
        assert "fonts.googleapis" not in html, page


@pytest.mark.slow
def test_the_api_reference_is_the_apps_own_document(site: Path) -> None:
    document = json.loads((site / "api" / "openapi.json").read_text(encoding="utf-8"))
    assert document == json.loads(json.dumps(create_app(Settings(_env_file=None)).openapi()))  # type: ignore[call-arg]
    reference = (site / "api" / "reference.html").read_text(encoding="utf-8")
    for path, operations in document["paths"].items():
        for operation in operations.values():
            assert f'id="op-{_slug(operation["operationId"])}"' in reference, path
    for name in document["components"]["schemas"]:
        assert f'id="schema-{_slug(name)}"' in reference, name


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "-", name.lower())


def _site_config(docs: Path, nav: list[Any]) -> Path:
    """A copy of the real mkdocs.yml (its validation rules above all) for a docs dir of our own, no hooks."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks", None)
    config["docs_dir"] = str(docs)
    config["nav"] = nav
    path = docs.parent / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    ("link", "named"),
    [("missing.md", "missing.md"), ("other.md#nowhere", "#nowhere"), ("#not-here", "#not-here")],
)
def test_a_broken_internal_link_fails_the_build(tmp_path: Path, link: str, named: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(f"# Home\n\n## Here\n\nSee [that]({link}).\n", encoding="utf-8")
    (docs / "other.md").write_text("# Other\n\n## Somewhere\n", encoding="utf-8")
    config = _site_config(docs, ["index.md", "other.md"])
    done = _mkdocs(config, tmp_path / "site")
    assert done.returncode != 0, "a broken link was accepted"
    assert named in done.stderr + done.stdout
    (docs / "index.md").write_text("# Home\n\n## Here\n\nSee [that](other.md#somewhere), [here](#here).\n")
    assert _mkdocs(config, tmp_path / "site").returncode == 0, "the repaired page must build"


@pytest.mark.slow
def test_a_page_left_out_of_the_navigation_fails_the_build(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "orphan.md").write_text("# Orphan\n", encoding="utf-8")
    done = _mkdocs(_site_config(docs, ["index.md"]), tmp_path / "site")
    assert done.returncode != 0 and "orphan.md" in done.stderr + done.stdout


def test_the_readme_is_short_and_its_links_lead_somewhere() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200, "the README stays short: details belong in docs/"
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert len(local) > 20, "the README points into the documentation"
    for target in local:
        path = target.split("#", 1)[0]
        assert (ROOT / path).exists(), f"README links to {target}, which does not exist"
