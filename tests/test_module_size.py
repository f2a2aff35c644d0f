"""No Python module over 400 lines (migrations and vendored code aside): a longer one is split by concern."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400
SKIPPED_DIRS = {"__pycache__", "node_modules", "build", "dist", "artifacts"}
SKIPPED_PATHS = ("migrations/versions/", "static/vendor/")


def modules(root: Path) -> Iterator[Path]:
    """Every .py file under root, hidden directories (.git, .venv), build output, migrations and vendor aside."""
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part.startswith(".") or part in SKIPPED_DIRS for part in rel.parts[:-1]):
            continue
        if any(skip in rel.as_posix() for skip in SKIPPED_PATHS):
            continue
        yield path


def too_long(root: Path, limit: int = LIMIT) -> list[str]:
    """The modules over the limit, with their line counts."""
    found = []
    for path in modules(root):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return found


def test_too_long_finds_a_long_module_and_skips_migrations(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / ".venv").mkdir()
    long = "x = 1\n" * (LIMIT + 1)
    (tmp_path / "pkg" / "long.py").write_text(long)
    (tmp_path / "pkg" / "short.py").write_text("x = 1\n" * LIMIT)
    (tmp_path / "pkg" / "migrations" / "versions" / "0001.py").write_text(long)
    (tmp_path / ".venv" / "site.py").write_text(long)
    assert too_long(tmp_path) == [f"pkg/long.py: {LIMIT + 1} lines"]


def test_no_module_over_the_limit() -> None:
    found = too_long(ROOT)
    assert not found, f"modules over {LIMIT} lines (split them by concern):\n" + "\n".join(found)
