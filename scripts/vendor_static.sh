#!/usr/bin/env bash
# Refresh the third-party front-end files kept in static/vendor/.
#
# The platform runs offline behind a strict Content-Security-Policy, so nothing
# is loaded from a CDN: each package is fetched once from the npm registry with
# `npm pack` (no node_modules, no install scripts), and only the built files we
# serve are copied into static/vendor/<name>-<version>/ next to the package's
# LICENSE. Older versions of the same package are removed.
#
# To upgrade: change a version below, run `bash scripts/vendor_static.sh`,
# update the paths in templates/base.html (grep for the old version), check
# static/vendor/VERSIONS.md, and review the diff.
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"
BOOTSTRAP_ICONS_VERSION="1.13.2"
ECHARTS_VERSION="6.1.0"
HTMX_VERSION="2.0.11"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
mkdir -p "$VENDOR"

# fetch NPM_NAME VERSION -> prints the directory holding the unpacked package/
fetch() {
    local name="$1" version="$2" dir="$WORK/$1-$2"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$name@$version" >/dev/null)
    tar -xzf "$dir"/*.tgz -C "$dir"
    echo "$dir/package"
}

# replace LOCAL_NAME VERSION: removes every other version, (re)creates this one
replace() {
    local name="$1" version="$2" old
    for old in "$VENDOR/$name"-[0-9]*; do
        [ -e "$old" ] || continue
        [ "$old" = "$VENDOR/$name-$version" ] && continue
        echo "removing $(basename "$old")" >&2
        rm -rf "$old"
    done
    rm -rf "${VENDOR:?}/$name-$version"
    mkdir -p "$VENDOR/$name-$version"
    echo "$VENDOR/$name-$version"
}

# Bootstrap: CSS, JS bundle (includes Popper) and their source maps. The maps
# are kept because the minified files reference them and the manifest static
# storage used in production refuses a missing referenced file.
pkg="$(fetch bootstrap "$BOOTSTRAP_VERSION")"
dest="$(replace bootstrap "$BOOTSTRAP_VERSION")"
cp "$pkg/dist/css/bootstrap.min.css" "$pkg/dist/css/bootstrap.min.css.map" "$dest/"
cp "$pkg/dist/js/bootstrap.bundle.min.js" "$pkg/dist/js/bootstrap.bundle.min.js.map" "$dest/"
cp "$pkg/LICENSE" "$dest/LICENSE"

# Bootstrap Icons: the icon font, served locally (no web font from elsewhere).
pkg="$(fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION")"
dest="$(replace bootstrap-icons "$BOOTSTRAP_ICONS_VERSION")"
cp "$pkg/font/bootstrap-icons.min.css" "$dest/"
mkdir -p "$dest/fonts"
cp "$pkg/font/fonts/bootstrap-icons.woff2" "$pkg/font/fonts/bootstrap-icons.woff" "$dest/fonts/"
cp "$pkg/LICENSE" "$dest/LICENSE"

# Apache ECharts: the full minified build (no source map is referenced).
pkg="$(fetch echarts "$ECHARTS_VERSION")"
dest="$(replace echarts "$ECHARTS_VERSION")"
cp "$pkg/dist/echarts.min.js" "$dest/"
cp "$pkg/LICENSE" "$dest/LICENSE"
[ -f "$pkg/NOTICE" ] && cp "$pkg/NOTICE" "$dest/NOTICE"

# htmx 2.0.x (the 4.x line is a different API: do not move to it here).
pkg="$(fetch htmx.org "$HTMX_VERSION")"
dest="$(replace htmx "$HTMX_VERSION")"
cp "$pkg/dist/htmx.min.js" "$dest/"
cp "$pkg/LICENSE" "$dest/LICENSE"

# Any sourceMappingURL left in a copied file must point at a file we ship.
status=0
while IFS= read -r -d '' file; do
    map="$(grep -ao 'sourceMappingURL=[^ *]*' "$file" | tail -n1 | cut -d= -f2- || true)"
    if [ -n "$map" ] && [ ! -f "$(dirname "$file")/$map" ]; then
        echo "missing source map $map referenced by $file" >&2
        status=1
    fi
done < <(find "$VENDOR" -type f \( -name '*.js' -o -name '*.css' \) -print0)

cat > "$VENDOR/VERSIONS.md" <<EOF
# Vendored front-end packages

Fetched from the npm registry with \`npm pack\` by \`scripts/vendor_static.sh\`;
do not edit these files by hand. Each folder keeps the package's LICENSE.

| Package | Version | License | Files | Folder |
| --- | --- | --- | --- | --- |
| bootstrap | $BOOTSTRAP_VERSION | MIT | bootstrap.min.css, bootstrap.bundle.min.js (+ source maps) | static/vendor/bootstrap-$BOOTSTRAP_VERSION/ |
| bootstrap-icons | $BOOTSTRAP_ICONS_VERSION | MIT | bootstrap-icons.min.css, fonts/bootstrap-icons.woff2, fonts/bootstrap-icons.woff | static/vendor/bootstrap-icons-$BOOTSTRAP_ICONS_VERSION/ |
| echarts | $ECHARTS_VERSION | Apache-2.0 (see LICENSE and NOTICE) | echarts.min.js | static/vendor/echarts-$ECHARTS_VERSION/ |
| htmx.org | $HTMX_VERSION | 0BSD (Zero-Clause BSD) | htmx.min.js | static/vendor/htmx-$HTMX_VERSION/ |

Templates refer to these paths in \`templates/base.html\` (Bootstrap, Bootstrap
Icons, htmx) and in the pages that draw charts (ECharts); update them together
with the versions at the top of the script.
EOF

echo "vendored: bootstrap $BOOTSTRAP_VERSION, bootstrap-icons $BOOTSTRAP_ICONS_VERSION, echarts $ECHARTS_VERSION, htmx $HTMX_VERSION"
exit $status
