#!/usr/bin/env bash
# Fails early with a clear message when Go or Node are missing or too old: both come
# with this kind of machine (Go in /usr/local/go, Node 20 from Debian or NodeSource) and
# are not installed by `make deps`.
set -euo pipefail

fail() {
	echo "deps: $*" >&2
	exit 1
}

command -v go >/dev/null || fail "Go not found (expected Go 1.26 in /usr/local/go/bin)"
gov=$(go env GOVERSION | sed 's/^go//')
case "$gov" in
1.2[6-9]* | 1.[3-9]* | [2-9].*) ;;
*) fail "Go $gov is too old: go.mod needs Go 1.26" ;;
esac

command -v node >/dev/null || fail "Node.js not found (expected Node 20 or newer)"
command -v npm >/dev/null || fail "npm not found"
nodev=$(node -p 'process.versions.node.split(".")[0]')
[ "$nodev" -ge 20 ] || fail "Node $nodev is too old: Vite needs Node 20 or newer"
echo "tools: go $gov, node $(node --version), npm $(npm --version)"
