#!/usr/bin/env bash
# Counts repeated code the way issue 9 measures it: the `duplicates` tool over the
# tracked source files without tests, test fixtures, generated bindings
# (frontend/wailsjs) and testdata. Usage: scripts/duplicates.sh [MOST] (rows listed;
# default 200). Needs the `duplicates` command on PATH (not part of make deps).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v duplicates >/dev/null || { echo "duplicates: command not found" >&2; exit 2; }
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
git ls-files --cached --others --exclude-standard |
	grep -vE '(_test\.go$|\.test\.(ts|js)$|_test\.ts$|^e2e/tests/|^frontend/wailsjs/|/testdata/|^frontend/src/test/|^frontend/fixtures/|/node_modules/)' |
	while read -r f; do
		[ -f "$f" ] || continue
		mkdir -p "$copy/$(dirname "$f")"
		cp "$f" "$copy/$f"
	done
duplicates --repo "$copy" --most "${1:-200}" --seconds 120
