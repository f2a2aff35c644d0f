#!/usr/bin/env bash
# Installs what Hongyan needs on a Debian/Ubuntu machine: PostgreSQL + PostGIS 3 + pgRouting, Chromium
# (browser tests), and a Python virtual environment with the package. Idempotent: it installs only what
# is missing, so `make test` and `make demo` can call it every time.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
WITH_BROWSER="${WITH_BROWSER:-1}"
WITH_BENCH="${WITH_BENCH:-0}"   # 1: also wrk, the HTTP load generator of `make bench`

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root (or sudo) to run: $*" >&2; exit 1; fi
}

missing=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

pg_major() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }

if ! command -v dpkg-query >/dev/null; then
  echo "setup: this script installs Debian packages; on another system install PostgreSQL, PostGIS 3," >&2
  echo "       pgRouting and Chromium yourself, then run: $PYTHON -m venv $VENV && $VENV/bin/pip install -e '.[dev]'" >&2
  exit 1
fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

if [ -z "$(pg_major)" ] || [ ! -x "/usr/lib/postgresql/$(pg_major)/bin/postgres" ]; then
  echo "setup: installing PostgreSQL"
  apt_install postgresql postgresql-contrib
fi
major="$(pg_major)"
for p in "postgresql-$major-postgis-3" "postgresql-$major-pgrouting"; do have_pkg "$p" || missing+=("$p"); done
have_pkg "python3-venv" || [ -x "$VENV/bin/python" ] || $PYTHON -c 'import venv, ensurepip' 2>/dev/null || missing+=("python3-venv")
if [ "$WITH_BROWSER" = "1" ]; then
  have_pkg chromium || missing+=("chromium")
  have_pkg fonts-noto-cjk || missing+=("fonts-noto-cjk")
fi
if [ "$WITH_BENCH" = "1" ]; then
  have_pkg wrk || missing+=("wrk")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  $PYTHON -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi
stamp="$VENV/.hongyan-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  echo "setup: installing the hongyan package and its dependencies into $VENV (pinned by constraints.txt)"
  "$VENV/bin/pip" install -q -c constraints.txt -e ".[dev]"
  touch "$stamp"
fi
echo "setup: ready (PostgreSQL $major with PostGIS and pgRouting; $VENV)"
