#!/usr/bin/env bash
# Builds the OCI runtime-tools validation suite for tests/cgroup2/runtime-tools.sh (issue 16), on the host.
#
#   tests/cgroup2/build-runtime-tools.sh SOURCE [DEST]
#
# SOURCE is a checkout of github.com/opencontainers/runtime-tools, or its git directory (a bare clone or mirror: the
# commit $RUNTIME_TOOLS_COMMIT, default 5e639034dcdc, is exported from it). DEST defaults to out/runtime-tools. Go comes
# from Debian's bookworm-backports (golang-go 1.23: the module needs 1.21; bookworm's own 1.19 is too old): install it
# with `apt-get install -t bookworm-backports golang-go` once. The module ships its vendor/ tree, so the build is
# offline (GOFLAGS=-mod=vendor, GOPROXY=off). Makes DEST/runtimetest and DEST/validation/*/*.t.
set -euo pipefail
src=${1:?usage: build-runtime-tools.sh SOURCE [DEST]}
repo=$(cd "$(dirname "$0")/../.." && pwd)
dest=${2:-$repo/out/runtime-tools}
commit=${RUNTIME_TOOLS_COMMIT:-5e639034dcdc}
command -v go >/dev/null || { echo "build-runtime-tools.sh: no go (apt-get install -t bookworm-backports golang-go)" >&2; exit 2; }
mkdir -p "$dest"
if [ -f "$src/Makefile" ]; then
    [ "$(cd "$src" && pwd)" = "$(cd "$dest" && pwd)" ] || cp -a "$src/." "$dest/"
else
    git --git-dir="$src" archive "$commit" | tar -x -C "$dest"
fi
cd "$dest"
GOFLAGS=-mod=vendor GOPROXY=off make runtimetest validation-executables
echo "runtime-tools built in $dest ($(ls validation/*/*.t | wc -l) tests)"
