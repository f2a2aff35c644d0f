#!/usr/bin/env bash
# Re-vendors the web map's front-end libraries, reproducibly: `npm ci` installs exactly the versions pinned in
# web_map/vendor/package-lock.json, then the dist files the page uses (and each package's LICENSE) are copied into
# web_map/static/vendor/<pkg>/, which is committed and shipped. Nothing is fetched when the app runs.
# --ignore-scripts: no package's install script runs (swagger-ui-dist depends on @scarf/scarf, which reports installs).
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

# leaflet.vectorgrid: the minified bundle (it carries pbf, vector-tile, point-geometry, ieee754, topojson-client and
# whatwg-fetch inside). The package ships no LICENSE file: its Beerware notice is in the README's "Legalese"
# section, so that section and the licences of the bundled packages are written to LICENSE.
pkg="$SRC/node_modules/leaflet.vectorgrid"
rm -rf "$DEST/leaflet.vectorgrid"
mkdir -p "$DEST/leaflet.vectorgrid"
cp "$pkg/dist/Leaflet.VectorGrid.bundled.min.js" "$DEST/leaflet.vectorgrid/"
{
  echo "Leaflet.VectorGrid (leaflet.vectorgrid, from its README):"
  sed -n '/^## Legalese/,$p' "$pkg/README.md" | sed '1d'
  for dep in pbf vector-tile ieee754 topojson-client whatwg-fetch; do
    lic=$(find "$SRC/node_modules/$dep" -maxdepth 1 -iname 'licen[cs]e*' | head -n 1)
    printf '\n===== bundled: %s =====\n' "$dep"
    cat "$lic"
  done
  printf '\n===== bundled: point-geometry (ISC, from its package.json) =====\n'
  node -e 'const p=require(process.argv[1]); console.log(p.name+" "+p.version+" by "+JSON.stringify(p.author||"")+", licence "+p.license)' \
    "$(pwd)/$SRC/node_modules/point-geometry/package.json"
} >"$DEST/leaflet.vectorgrid/LICENSE"
node -e 'const p=require(process.argv[1]); process.stdout.write(JSON.stringify({name:p.name,version:p.version,license:p.license})+"\n")' \
  "$(pwd)/$pkg/package.json" >"$DEST/leaflet.vectorgrid/VERSION.json"

# swagger-ui-dist: the API documentation page (/docs) without a CDN: the bundle, its stylesheet, licence and notice
# (our own static/docs.js starts it: no inline script, so the page runs under the site's Content-Security-Policy).
pkg="$SRC/node_modules/swagger-ui-dist"
rm -rf "$DEST/swagger-ui-dist"
mkdir -p "$DEST/swagger-ui-dist"
cp "$pkg/swagger-ui-bundle.js" "$pkg/swagger-ui.css" "$pkg/LICENSE" "$pkg/NOTICE" "$DEST/swagger-ui-dist/"
cp "$pkg/swagger-ui-bundle.js.LICENSE.txt" "$DEST/swagger-ui-dist/"
# the bundle's source map is not shipped: drop the comment that would make developer tools ask for it
sed -i '/^\/\/# sourceMappingURL=/d' "$DEST/swagger-ui-dist/swagger-ui-bundle.js" "$DEST/swagger-ui-dist/swagger-ui.css"
sed -i '/^\/\*# sourceMappingURL=.*\*\/$/d' "$DEST/swagger-ui-dist/swagger-ui.css"
node -e 'const p=require(process.argv[1]); process.stdout.write(JSON.stringify({name:p.name,version:p.version,license:p.license})+"\n")' \
  "$(pwd)/$pkg/package.json" >"$DEST/swagger-ui-dist/VERSION.json"

# htmx.org: the workbench pages' partial updates (web_map/pages). Only the minified script and the licence; its
# configuration comes from the pages' <meta name="htmx-config"> (no eval, no injected indicator <style>).
pkg="$SRC/node_modules/htmx.org"
rm -rf "$DEST/htmx.org"
mkdir -p "$DEST/htmx.org"
cp "$pkg/dist/htmx.min.js" "$pkg/LICENSE" "$DEST/htmx.org/"
node -e 'const p=require(process.argv[1]); process.stdout.write(JSON.stringify({name:p.name,version:p.version,license:p.license})+"\n")' \
  "$(pwd)/$pkg/package.json" >"$DEST/htmx.org/VERSION.json"

# @picocss/pico: the workbench's one CSS toolkit (semantic HTML styled without classes; no script).
pkg="$SRC/node_modules/@picocss/pico"
rm -rf "$DEST/@picocss/pico"
mkdir -p "$DEST/@picocss/pico"
cp "$pkg/css/pico.min.css" "$pkg/LICENSE.md" "$DEST/@picocss/pico/"
mv "$DEST/@picocss/pico/LICENSE.md" "$DEST/@picocss/pico/LICENSE"
sed -i '/^\/\*# sourceMappingURL=.*\*\/$/d' "$DEST/@picocss/pico/pico.min.css"
node -e 'const p=require(process.argv[1]); process.stdout.write(JSON.stringify({name:p.name,version:p.version,license:p.license})+"\n")' \
  "$(pwd)/$pkg/package.json" >"$DEST/@picocss/pico/VERSION.json"

echo "vendor_js: copied into $DEST:"
find "$DEST" -type f | sort
