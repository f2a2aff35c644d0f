#!/usr/bin/env bash
# Re-pins every Python package CI installs: resolves pyproject.toml's dependencies (with the dev and bench
# extras) in a fresh throwaway venv and writes the exact versions to constraints.txt, which setup.sh applies.
# Run it (`make lock`) when a dependency is added or should move; commit constraints.txt with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --upgrade pip
"$tmp/venv/bin/pip" install -q -e ".[dev,bench]"
{
  echo "# Exact versions of every Python package CI installs; written by \`make lock\` (scripts/lock.sh)."
  echo "# Python $("$tmp/venv/bin/python" -c 'import platform; print(platform.python_version())'), $(date -u +%Y-%m-%d)."
  "$tmp/venv/bin/pip" freeze --exclude-editable --all | grep -v -E '^(pip|setuptools|wheel)==' | LC_ALL=C sort -f
} > constraints.txt.new
mv constraints.txt.new constraints.txt
echo "lock: wrote constraints.txt ($(grep -vc '^#' constraints.txt) packages)"
