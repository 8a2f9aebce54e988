#!/usr/bin/env bash
# Regenerates the Wails bindings and fails when frontend/wailsjs differs from what is
# committed (changed, deleted or new files), so the UI never calls a stale API.
set -euo pipefail
cd "$(dirname "$0")/.."

bin/wails generate module -tags webkit2_41 -nocolour
# generate writes the runtime files executable, wails build writes them 0644; keep one
# mode so that neither leaves a change behind (commit them as 100644).
find frontend/wailsjs -type f -exec chmod a-x {} +

fail=0
if ! git -c core.fileMode=false diff --exit-code --stat -- frontend/wailsjs; then
	# sed reads to the end: head would close the pipe early and, with pipefail, make
	# the script exit 141 (SIGPIPE) instead of 1 on a long diff.
	git -c core.fileMode=false --no-pager diff -- frontend/wailsjs | sed -n 1,80p
	fail=1
fi
untracked=$(git ls-files --others --exclude-standard -- frontend/wailsjs)
if [ -n "$untracked" ]; then
	echo "untracked generated files:"
	echo "$untracked"
	fail=1
fi
if [ "$fail" -ne 0 ]; then
	echo "frontend/wailsjs is stale: run 'bin/wails generate module -tags webkit2_41' and commit frontend/wailsjs" >&2
	exit 1
fi
echo "bindings: frontend/wailsjs is current"
