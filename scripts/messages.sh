#!/usr/bin/env bash
# Re-extracts the workbench's messages (web_map/pages: Python and Jinja2 templates) into messages.pot and merges
# them into each catalog (zh_CN first, en). Translate the new entries of zh_CN/LC_MESSAGES/messages.po; the
# English catalog stays empty (English is the message id). The site compiles the .po files when it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
LOCALE=web_map/pages/locale
"$BIN/pybabel" extract -F web_map/pages/babel.cfg --no-location --sort-output --omit-header \
  --project=hongyan -o "$LOCALE/messages.pot" .
for lang in zh_CN en; do
  if [ -f "$LOCALE/$lang/LC_MESSAGES/messages.po" ]; then
    "$BIN/pybabel" update -i "$LOCALE/messages.pot" -d "$LOCALE" -l "$lang" \
      --ignore-obsolete --no-fuzzy-matching
  else
    "$BIN/pybabel" init -i "$LOCALE/messages.pot" -d "$LOCALE" -l "$lang"
  fi
done
