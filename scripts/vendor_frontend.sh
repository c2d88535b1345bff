#!/usr/bin/env bash
# Refresh the front end's vendored libraries from their npm packages.
#
#   scripts/vendor_frontend.sh                 # the pinned versions below
#   scripts/vendor_frontend.sh 3.5.45 5.6.0    # other versions of Vue and ECharts
#
# The front end has no build step: it loads Vue's browser ES module build and
# ECharts' ES module build as plain files from frontend/vendor/. This script fetches
# the packages with `npm pack` (npm checks each tarball against the registry's
# integrity hash), copies the few files the pages load plus the licences, and
# writes frontend/vendor/VERSIONS.txt. Commit the result; nothing is fetched at run time.
set -euo pipefail

VUE_VERSION="${1:-3.5.45}"
ECHARTS_VERSION="${2:-5.6.0}"

cd "$(dirname "$0")/.."
VENDOR="frontend/vendor"

command -v npm >/dev/null || { echo "npm is needed to fetch the packages" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch PACKAGE VERSION: unpack into $work/PACKAGE
    local package="$1" version="$2"
    (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
    mkdir -p "$work/$package"
    tar -xzf "$work/$package-$version.tgz" -C "$work/$package" --strip-components=1
}

fetch vue "$VUE_VERSION"
fetch echarts "$ECHARTS_VERSION"

mkdir -p "$VENDOR"
rm -f "$VENDOR"/*.js "$VENDOR"/*LICENSE* "$VENDOR"/*NOTICE*
cp "$work/vue/dist/vue.esm-browser.prod.js" "$VENDOR/"
cp "$work/vue/LICENSE" "$VENDOR/vue.LICENSE"
cp "$work/echarts/dist/echarts.esm.min.js" "$VENDOR/"
cp "$work/echarts/LICENSE" "$VENDOR/echarts.LICENSE"
cp "$work/echarts/NOTICE" "$VENDOR/echarts.NOTICE"

integrity() {  # the registry's integrity hash of PACKAGE@VERSION
    npm view --silent "$1@$2" dist.integrity
}

{
    echo "# Vendored front-end libraries, taken from their npm packages."
    echo "# Refresh with scripts/vendor_frontend.sh [VUE_VERSION] [ECHARTS_VERSION]."
    echo
    echo "vue $VUE_VERSION (MIT)"
    echo "  package: https://registry.npmjs.org/vue/-/vue-$VUE_VERSION.tgz"
    echo "  integrity: $(integrity vue "$VUE_VERSION")"
    echo "  file: dist/vue.esm-browser.prod.js -> vue.esm-browser.prod.js"
    echo
    echo "echarts $ECHARTS_VERSION (Apache-2.0)"
    echo "  package: https://registry.npmjs.org/echarts/-/echarts-$ECHARTS_VERSION.tgz"
    echo "  integrity: $(integrity echarts "$ECHARTS_VERSION")"
    echo "  file: dist/echarts.esm.min.js -> echarts.esm.min.js"
    echo
    echo "# sha256 of the files as vendored"
    (cd "$VENDOR" && sha256sum vue.esm-browser.prod.js echarts.esm.min.js)
} >"$VENDOR/VERSIONS.txt"

echo "vendored vue $VUE_VERSION and echarts $ECHARTS_VERSION into $VENDOR:"
ls -l "$VENDOR"
