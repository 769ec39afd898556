#!/usr/bin/env bash
# regenerate.sh rebuilds spec/vendor.json (the modelled part) and
# spec/longtail.json (every other operation) from the vendor's published npm
# package, pinned by version and integrity hash. With --check it rebuilds into
# temporary files and fails if the committed ones differ (CI runs it).
#
# To move to a newer vendor version: change VERSION and INTEGRITY (from
# `npm view @iblai/iblai-api@NEW dist.integrity`), run this script (it also
# regenerates the served documents), then run `go test ./spec/`: every correction in
# corrections/*.yaml must still apply and be listed in FIDELITY.md.
set -euo pipefail

PACKAGE="@iblai/iblai-api"
VERSION="4.90.4-ai"
INTEGRITY="sha512-16syN8NpUlbvWSqB/gbYbbjX6a7KHWt5hylQQ4tj3Rjyc75Sp++YgA1S1tSPtWpHQc4zzyCIGT9smCdVHuoWqg=="

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "regenerate: fetching $PACKAGE@$VERSION" >&2
(cd "$tmp" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
tgz="$(ls "$tmp"/*.tgz)"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$got" != "$INTEGRITY" ]; then
  echo "regenerate: integrity mismatch for $PACKAGE@$VERSION: got $got, want $INTEGRITY" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$tmp" package/sdk_schema.yml

out="$here/vendor.json"
tail="$here/longtail.json"
if [ "${1:-}" = "--check" ]; then
  out="$tmp/vendor.json"
  tail="$tmp/longtail.json"
fi
(cd "$root" && go run ./spec/gen -in "$tmp/package/sdk_schema.yml" -out "$out" -longtail "$tail")
if [ "${1:-}" != "--check" ]; then
  # Re-apply the corrections to the new vendor document.
  (cd "$root" && go generate ./spec)
fi

if [ "${1:-}" = "--check" ]; then
  for f in vendor.json longtail.json; do
    if ! cmp -s "$tmp/$f" "$here/$f"; then
      echo "regenerate: spec/$f is stale; run spec/regenerate.sh and commit the result" >&2
      diff <(head -c 2000 "$here/$f") <(head -c 2000 "$tmp/$f") >&2 || true
      exit 1
    fi
  done
  echo "regenerate: spec/vendor.json and spec/longtail.json are up to date with $PACKAGE@$VERSION" >&2
fi
