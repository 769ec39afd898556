#!/usr/bin/env bash
# Builds iblfake's release archives: a static binary for linux, darwin and
# windows on amd64 and arm64, each packed with the README (tar.gz, zip for
# windows), and SHA256SUMS over them. Every binary is stamped with the
# version, the commit and the commit's time (-ldflags -X, as the Dockerfile
# does), so `iblfake --version` says what it is.
#
#   scripts/release.sh [-o DIR] [VERSION]
#
# DIR defaults to dist/. VERSION defaults to the tag at HEAD (v1.2.3); without
# one, a Go pseudo-version of HEAD (v0.0.0-20261207191007-b73ec72e9199), with
# +dirty when the tree has uncommitted changes. The archives are reproducible:
# the same commit and version give the same bytes (file times are the
# commit's, owners are 0, gzip stores no name or time).
#
# .ci/run runs it into a temporary directory and checks the sums and that the
# linux/amd64 binary runs; .github/workflows/release.yml runs it on a tag.
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist
while getopts "o:" opt; do
  case "$opt" in
    o) out="$OPTARG" ;;
    *) echo "usage: scripts/release.sh [-o DIR] [VERSION]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

for tool in git go tar gzip zip sha256sum; do
  command -v "$tool" >/dev/null || { echo "release.sh: $tool is not on PATH" >&2; exit 1; }
done

revision="$(git rev-parse HEAD)"
created="$(TZ=UTC git show -s --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ HEAD)"
dirty=""
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  dirty="+dirty"
fi
version="${1:-}"
if [ -z "$version" ]; then
  if tag="$(git describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null)"; then
    version="$tag$dirty"
  else
    version="v0.0.0-$(TZ=UTC git show -s --format=%cd --date=format-local:%Y%m%d%H%M%S HEAD)-${revision:0:12}$dirty"
  fi
fi
case "$version" in
  *[!A-Za-z0-9.+_-]*) echo "release.sh: version \"$version\" may hold only letters, digits and . + _ -" >&2; exit 2 ;;
esac

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The archives' file times are the commit's, so a rebuild gives the same bytes.
epoch="$(git show -s --format=%ct HEAD)"

targets="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
archives=()
for target in $targets; do
  goos="${target%/*}" goarch="${target#*/}"
  name="iblfake_${version#v}_${goos}_${goarch}"
  dir="$work/$name"
  mkdir -p "$dir"
  exe=iblfake
  [ "$goos" = windows ] && exe=iblfake.exe
  echo "== $name"
  # -buildvcs=false: the stamp below says what the build is, whatever the
  # environment's GOFLAGS; the same flags as the Dockerfile's build line.
  CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" go build -buildvcs=false -trimpath \
    -ldflags "-s -w -X main.version=$version -X main.revision=$revision -X main.created=$created" \
    -o "$dir/$exe" .
  cp README.md "$dir/README.md"
  touch -d "@$epoch" "$dir" "$dir"/*
  if [ "$goos" = windows ]; then
    # Entries in a fixed order, DOS times in UTC, no extra attributes.
    (cd "$work" && rm -f "$out/$name.zip" && TZ=UTC zip -q -X "$out/$name.zip" "$name/" "$name/README.md" "$name/$exe")
    archives+=("$name.zip")
  else
    tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - "$name" |
      gzip -n -9 >"$out/$name.tar.gz"
    archives+=("$name.tar.gz")
  fi
done

(cd "$out" && sha256sum "${archives[@]}" >SHA256SUMS)
echo "== $out (version $version, commit ${revision:0:12})"
(cd "$out" && ls -l "${archives[@]}" SHA256SUMS)
