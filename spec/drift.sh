#!/usr/bin/env bash
# drift.sh judges a vendor OpenAPI document against the document the fake
# serves (spec/openapi.json): per operation of the fake's area, what the
# fake adds, lacks or changes in parameters, request bodies, responses and
# security, with oasdiff (spec/drift, a module of its own). Rows of a
# document other than the pinned one say whether each difference is new
# since spec/vendor.json (the vendor changed), known (a correction already
# makes it) or gone (the vendor now agrees with the fake).
#
#   spec/drift.sh                      # the pinned document (spec/vendor.json)
#   spec/drift.sh 4.205.0-ai           # a version of @iblai/iblai-api from npm
#   spec/drift.sh path/to/sdk_schema.yml
#   spec/drift.sh 4.205.0-ai -summary  # one row per operation (flags go to spec/drift)
#
# It exits 0 whatever the drift; it is for reading before moving the pin
# (spec/regenerate.sh).
set -euo pipefail

PACKAGE="@iblai/iblai-api"
here="$(cd "$(dirname "$0")" && pwd)"
vendor="$here/vendor.json"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  arg="$1"
  shift
  if [ -f "$arg" ]; then
    vendor="$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")"
  else
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    echo "drift: fetching $PACKAGE@$arg" >&2
    (cd "$tmp" && npm pack --silent "$PACKAGE@$arg" >/dev/null)
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/sdk_schema.yml
    vendor="$tmp/package/sdk_schema.yml"
  fi
fi
go -C "$here/drift" run . -vendor "$vendor" -fake "$here/openapi.json" -pinned "$here/vendor.json" "$@"
