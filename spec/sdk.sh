#!/usr/bin/env bash
# sdk.sh regenerates the corrections the vendor's newer contract brings to
# the long tail (spec/corrections/50-sdk.yaml) and the SDK's method list
# (spec/pysdk.methods.json) from the vendor's Python SDK, pinned by commit,
# then the served documents (go generate ./spec). No newer OpenAPI document
# is published; the SDK, generated from one, is read instead (spec/sdkgen).
#
#   spec/sdk.sh                 # clone the pinned commit and regenerate
#   spec/sdk.sh --check         # fail if the committed output is not what the pinned commit gives
#   spec/sdk.sh --sdk DIR       # use a checkout already at the pinned commit (no network)
#
# To move to a newer SDK: judge it first (spec/drift.sh --sdk NEW_COMMIT),
# then change COMMIT, run this script, `go test ./...`, and record what
# changed in FIDELITY.md. CI cannot reach the SDK's repository: it checks
# that the committed output names this commit and is what the served
# documents hold (go test ./spec/).
set -euo pipefail

REPO="https://github.com/iblai/iblai-python-sdk.git"
COMMIT="6626839af50803d5148858f17c3c7d346de291b8" # iblai 4.202.2, document 4.202.2-ai-plus

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
check=""
sdk=""
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check="-check" ;;
    --sdk) sdk="$2"; shift ;;
    --commit) COMMIT="$2"; shift ;;
    *) echo "sdk.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [ -z "$sdk" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "sdk: fetching iblai/iblai-python-sdk@$COMMIT" >&2
  git -C "$tmp" init -q sdk
  git -C "$tmp/sdk" fetch -q --depth 1 "$REPO" "$COMMIT"
  git -C "$tmp/sdk" checkout -q FETCH_HEAD
  sdk="$tmp/sdk"
fi
if [ -d "$sdk/.git" ] && [ "$(git -C "$sdk" rev-parse HEAD)" != "$COMMIT" ]; then
  echo "sdk: $sdk is at $(git -C "$sdk" rev-parse HEAD), not the pinned $COMMIT" >&2
  exit 1
fi
(cd "$root" && go run ./spec/sdkgen -sdk "$sdk" -commit "$COMMIT" -spec spec $check)
if [ -z "$check" ]; then
  (cd "$root" && go generate ./spec)
fi
