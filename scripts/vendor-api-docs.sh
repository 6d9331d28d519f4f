#!/bin/sh
# Vendor the API documentation pages' front-ends (npm packages swagger-ui-dist and redoc) into
# api/static/vendor/swagger_ui/ and api/static/vendor/redoc/, so that /docs and /redoc work
# offline (FastAPI loads them from a CDN by default).
#
#   scripts/vendor-api-docs.sh                  # the versions pinned below
#   scripts/vendor-api-docs.sh 5.35.0 2.5.2     # other versions (then update api/static/vendor/README.md)
#
# Needs node + npm and access to the npm registry; nothing is fetched at run time by the app.
# Copies only the built bundles and each package's LICENSE.
set -eu

SWAGGER_VERSION="${1:-5.35.0}"
REDOC_VERSION="${2:-2.5.4}"
REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$REPO_ROOT/api/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

echo "vendor-api-docs: fetching swagger-ui-dist@$SWAGGER_VERSION and redoc@$REDOC_VERSION from the npm registry"
npm pack --silent "swagger-ui-dist@$SWAGGER_VERSION" "redoc@$REDOC_VERSION" >/dev/null
mkdir swagger redoc
tar -xzf swagger-ui-dist-"$SWAGGER_VERSION".tgz -C swagger
tar -xzf redoc-"$REDOC_VERSION".tgz -C redoc

mkdir -p "$VENDOR/swagger_ui" "$VENDOR/redoc"
rm -f "$VENDOR/swagger_ui"/* "$VENDOR/redoc"/*
cp swagger/package/swagger-ui-bundle.js swagger/package/swagger-ui.css swagger/package/LICENSE "$VENDOR/swagger_ui/"
cp redoc/package/bundles/redoc.standalone.js redoc/package/LICENSE "$VENDOR/redoc/"
# ReDoc's footer shows a logo from cdn.redoc.ly, unconditionally: point it at an empty data URL
# (its onError handler then hides it), so that the page asks no other host for anything.
sed -i 's#"https://cdn.redoc.ly/redoc/logo-mini.svg"#"data:,"#' "$VENDOR/redoc/redoc.standalone.js"
grep -q 'cdn.redoc.ly/redoc/logo-mini' "$VENDOR/redoc/redoc.standalone.js" && { echo "vendor-api-docs: the logo URL is still there" >&2; exit 1; }
# The bundles end with a sourceMappingURL comment; the maps are not vendored.
ls -l "$VENDOR/swagger_ui" "$VENDOR/redoc"
sha256sum "$VENDOR/swagger_ui"/*.js "$VENDOR/swagger_ui"/*.css "$VENDOR/redoc"/*.js
echo "vendor-api-docs: remember to update the versions in api/static/vendor/README.md"
