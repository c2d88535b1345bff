#!/usr/bin/env bash
# Refresh the front end's vendored libraries from their npm packages.
#
#   scripts/vendor_frontend.sh                        # the pinned versions below
#   scripts/vendor_frontend.sh 3.5.45 5.6.0 6.4.2     # other versions of Vue, ECharts, graphql-ws
#
# The front end has no build step: it loads Vue's browser ES module build, ECharts'
# ES module build and graphql-ws's client (its ES module and the one chunk it imports;
# the client has no dependencies) as plain files from frontend/vendor/. This script fetches
# the packages with `npm pack` (npm checks each tarball against the registry's
# integrity hash), copies the few files the pages load plus the licences, and
# writes frontend/vendor/VERSIONS.txt. Commit the result; nothing is fetched at run time.
set -euo pipefail

VUE_VERSION="${1:-3.5.45}"
ECHARTS_VERSION="${2:-5.6.0}"
GRAPHQL_WS_VERSION="${3:-6.4.2}"

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
fetch graphql-ws "$GRAPHQL_WS_VERSION"

mkdir -p "$VENDOR"
rm -f "$VENDOR"/*.js "$VENDOR"/*LICENSE* "$VENDOR"/*NOTICE*
rm -rf "$VENDOR/graphql-ws"
cp "$work/vue/dist/vue.esm-browser.prod.js" "$VENDOR/"
cp "$work/vue/LICENSE" "$VENDOR/vue.LICENSE"
cp "$work/echarts/dist/echarts.esm.min.js" "$VENDOR/"
cp "$work/echarts/LICENSE" "$VENDOR/echarts.LICENSE"
cp "$work/echarts/NOTICE" "$VENDOR/echarts.NOTICE"

# graphql-ws: dist/client.js imports its shared code from hashed chunks ("./common-….js");
# copy the client and every file it reaches through relative imports, as they are.
mkdir -p "$VENDOR/graphql-ws"
pending=(client.js)
while ((${#pending[@]})); do
    file="${pending[0]}"
    pending=("${pending[@]:1}")
    [[ -e "$VENDOR/graphql-ws/$file" ]] && continue
    cp "$work/graphql-ws/dist/$file" "$VENDOR/graphql-ws/$file"
    while read -r imported; do
        pending+=("$imported")
    done < <(grep -oE "from '\./[^']+'" "$work/graphql-ws/dist/$file" | sed -E "s/from '\.\/([^']+)'/\1/")
done
cp "$work/graphql-ws/LICENSE.md" "$VENDOR/graphql-ws.LICENSE"

integrity() {  # the registry's integrity hash of PACKAGE@VERSION
    npm view --silent "$1@$2" dist.integrity
}

{
    echo "# Vendored front-end libraries, taken from their npm packages."
    echo "# Refresh with scripts/vendor_frontend.sh [VUE_VERSION] [ECHARTS_VERSION] [GRAPHQL_WS_VERSION]."
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
    echo "graphql-ws $GRAPHQL_WS_VERSION (MIT)"
    echo "  package: https://registry.npmjs.org/graphql-ws/-/graphql-ws-$GRAPHQL_WS_VERSION.tgz"
    echo "  integrity: $(integrity graphql-ws "$GRAPHQL_WS_VERSION")"
    echo "  files: dist/client.js and the chunks it imports -> graphql-ws/"
    echo
    echo "# sha256 of the files as vendored"
    (cd "$VENDOR" && sha256sum vue.esm-browser.prod.js echarts.esm.min.js graphql-ws/*.js)
} >"$VENDOR/VERSIONS.txt"

echo "vendored vue $VUE_VERSION, echarts $ECHARTS_VERSION and graphql-ws $GRAPHQL_WS_VERSION into $VENDOR:"
ls -lR "$VENDOR"
