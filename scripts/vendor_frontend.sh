#!/usr/bin/env bash
# Refresh the front end's vendored libraries from their npm packages.
#
#   scripts/vendor_frontend.sh                        # the pinned versions below
#   scripts/vendor_frontend.sh 3.5.45 5.6.0 6.4.2     # other versions of Vue, ECharts, graphql-ws
#
# GraphiQL (the API explorer at /graphql, off in production) is vendored too, with the React
# it runs on and its explorer plugin, at the versions Strawberry's own page pins
# (GRAPHIQL_VERSION etc. below): the API explorer then works on an intranet without a CDN.
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
REACT_VERSION="18.2.0"
GRAPHIQL_VERSION="3.8.3"
EXPLORER_VERSION="1.0.2"

cd "$(dirname "$0")/.."
VENDOR="frontend/vendor"

command -v npm >/dev/null || { echo "npm is needed to fetch the packages" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch PACKAGE VERSION: unpack into $work/PACKAGE
    local package="$1" version="$2"
    local tarball
    tarball="$(cd "$work" && npm pack --silent "$package@$version")"
    mkdir -p "$work/$package"
    tar -xzf "$work/$tarball" -C "$work/$package" --strip-components=1
}

fetch vue "$VUE_VERSION"
fetch echarts "$ECHARTS_VERSION"
fetch graphql-ws "$GRAPHQL_WS_VERSION"
fetch react "$REACT_VERSION"
fetch react-dom "$REACT_VERSION"
fetch graphiql "$GRAPHIQL_VERSION"
fetch @graphiql/plugin-explorer "$EXPLORER_VERSION"

mkdir -p "$VENDOR"
rm -f "$VENDOR"/*.js "$VENDOR"/*LICENSE* "$VENDOR"/*NOTICE*
rm -rf "$VENDOR/graphql-ws" "$VENDOR/graphiql"
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

# GraphiQL's UMD builds (frontend/graphiql.html loads them as classic scripts).
mkdir -p "$VENDOR/graphiql"
cp "$work/react/umd/react.production.min.js" "$VENDOR/graphiql/"
cp "$work/react/LICENSE" "$VENDOR/graphiql/react.LICENSE"
cp "$work/react-dom/umd/react-dom.production.min.js" "$VENDOR/graphiql/"
cp "$work/react-dom/LICENSE" "$VENDOR/graphiql/react-dom.LICENSE"
cp "$work/graphiql/graphiql.min.js" "$work/graphiql/graphiql.min.css" "$VENDOR/graphiql/"
cp "$work/graphiql/LICENSE" "$VENDOR/graphiql/graphiql.LICENSE"
cp "$work/@graphiql/plugin-explorer/dist/index.umd.js" "$VENDOR/graphiql/plugin-explorer.umd.js"
cp "$work/@graphiql/plugin-explorer/dist/style.css" "$VENDOR/graphiql/plugin-explorer.css"

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
    echo "react $REACT_VERSION, react-dom $REACT_VERSION (MIT), for GraphiQL"
    echo "  integrity: react $(integrity react "$REACT_VERSION")"
    echo "  integrity: react-dom $(integrity react-dom "$REACT_VERSION")"
    echo "  files: umd/*.production.min.js -> graphiql/"
    echo
    echo "graphiql $GRAPHIQL_VERSION (MIT)"
    echo "  integrity: $(integrity graphiql "$GRAPHIQL_VERSION")"
    echo "  files: graphiql.min.js, graphiql.min.css -> graphiql/"
    echo
    echo "@graphiql/plugin-explorer $EXPLORER_VERSION (MIT)"
    echo "  integrity: $(integrity @graphiql/plugin-explorer "$EXPLORER_VERSION")"
    echo "  files: dist/index.umd.js, dist/style.css -> graphiql/plugin-explorer.*"
    echo
    echo "# sha256 of the files as vendored"
    (cd "$VENDOR" && sha256sum vue.esm-browser.prod.js echarts.esm.min.js graphql-ws/*.js graphiql/*.js graphiql/*.css)
} >"$VENDOR/VERSIONS.txt"

echo "vendored vue $VUE_VERSION, echarts $ECHARTS_VERSION and graphql-ws $GRAPHQL_WS_VERSION into $VENDOR:"
ls -lR "$VENDOR"

# Fingerprint the pages' references to the vendored files (…?v=<sha256 prefix>): the server
# lets browsers keep such a URL for a year (api/static.py), so it must change with the bytes.
fingerprint() {  # fingerprint FILE (relative to frontend/vendor): rewrite its URLs in the pages
    local file="$1" hash
    hash="$(sha256sum "$VENDOR/$file" | cut -c1-12)"
    sed -E -i "s#(vendor/${file//./\\.})(\?v=[0-9a-f]*)?\"#\1?v=$hash\"#g" \
        frontend/index.html frontend/graphiql.html
}
for file in vue.esm-browser.prod.js echarts.esm.min.js graphql-ws/client.js graphiql/react.production.min.js \
    graphiql/react-dom.production.min.js graphiql/graphiql.min.js graphiql/graphiql.min.css \
    graphiql/plugin-explorer.umd.js graphiql/plugin-explorer.css; do
    fingerprint "$file"
done
