#!/usr/bin/env bash
# Re-vendors the web map's front-end libraries, reproducibly: `npm ci` installs exactly the versions pinned in
# web_map/vendor/package-lock.json, then the dist files the page uses (and each package's LICENSE) are copied into
# web_map/static/vendor/<pkg>/, which is committed and shipped. Nothing is fetched when the app runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=web_map/vendor
DEST=web_map/static/vendor

command -v npm >/dev/null || { echo "vendor_js: npm is needed (apt-get install npm)" >&2; exit 1; }
(cd "$SRC" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

# leaflet: the script, its stylesheet, the control/marker images the stylesheet refers to, the licence.
pkg="$SRC/node_modules/leaflet"
rm -rf "$DEST/leaflet"
mkdir -p "$DEST/leaflet/images"
cp "$pkg/dist/leaflet.js" "$pkg/dist/leaflet.css" "$DEST/leaflet/"
cp "$pkg"/dist/images/*.png "$DEST/leaflet/images/"
cp "$pkg/LICENSE" "$DEST/leaflet/LICENSE"
node -e 'const p=require(process.argv[1]); process.stdout.write(JSON.stringify({name:p.name,version:p.version,license:p.license})+"\n")' \
  "$(pwd)/$pkg/package.json" >"$DEST/leaflet/VERSION.json"

echo "vendor_js: copied into $DEST:"
find "$DEST" -type f | sort
