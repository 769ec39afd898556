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
# The vendor's Python SDK, generated from documents npm never got, is judged
# the same way, by spec/sdkgen (-judge), against what the pinned SDK gave
# (spec/sdk.sh): the long tail's generated corrections that would be new,
# changed or gone, the methods, and every difference in the modelled area,
# which is never generated and is settled by hand:
#
#   spec/drift.sh --sdk COMMIT         # a commit of iblai/iblai-python-sdk (git fetch)
#   spec/drift.sh --sdk DIR            # a checkout of it (the directory holding iblai/)
#
# It exits 0 whatever the drift; it is for reading before moving the pin
# (spec/regenerate.sh, spec/sdk.sh).
set -euo pipefail

PACKAGE="@iblai/iblai-api"
here="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = "--sdk" ]; then
  arg="${2:?--sdk needs a commit or a directory}"
  if [ -d "$arg" ]; then
    sdk="$arg"
    commit="$(git -C "$arg" rev-parse HEAD 2>/dev/null || echo 0000000000000000000000000000000000000000)"
  else
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    echo "drift: fetching iblai/iblai-python-sdk@$arg" >&2
    git -C "$tmp" init -q sdk
    git -C "$tmp/sdk" fetch -q --depth 1 https://github.com/iblai/iblai-python-sdk.git "$arg"
    git -C "$tmp/sdk" checkout -q FETCH_HEAD
    sdk="$tmp/sdk"
    commit="$(git -C "$sdk" rev-parse HEAD)"
  fi
  cd "$here/.."
  exec go run ./spec/sdkgen -sdk "$sdk" -commit "$commit" -spec spec -judge
fi
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
