#!/usr/bin/env bash
# Starts `wails dev` (the real Go backend, the Vite dev server for the UI) under its
# own Xvfb with a temporary data folder and demo cases, waits until the dev server
# answers, runs the Playwright tests in e2e/ with node, and always stops every process
# it started (they all share one session, which the cleanup ends by its id).
set -euo pipefail
cd "$(dirname "$0")/.."

ART=$PWD/test-artifacts/e2e
# A cold `wails dev` compiles the WebKitGTK bindings: minutes on a busy 2-core machine.
TIMEOUT=${E2E_START_TIMEOUT:-900}
mkdir -p "$ART"
rm -f "$ART"/*.png "$ART"/*.json

tmp=$(mktemp -d /tmp/ozg-e2e.XXXXXX)
# A free port per run: a clerk's or developer's own `wails dev` may hold 34115.
port=${E2E_PORT:-$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')}
url=http://localhost:$port
log=$ART/wails-dev.log
sid=

cleanup() {
	local status=$?
	if [ -n "$sid" ]; then
		# TERM first: wails dev then stops the app and Vite itself.
		pkill -TERM -s "$sid" 2>/dev/null || true
		for _ in $(seq 100); do pgrep -s "$sid" >/dev/null || break; sleep 0.1; done
		pkill -KILL -s "$sid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT

echo "e2e: starting wails dev on $url (log: $log)"
# -skipbindings: the bindings stage checks frontend/wailsjs; the dev run must not
# rewrite it. setsid makes the dev server the leader of a new session; the app (own process
# group, Setpgid in wails dev) and Vite stay in that session.
setsid xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
	bin/wails dev -tags webkit2_41 -m -nosyncgomod -s -skipbindings -nogorebuild -noreload -nocolour \
	-compiler "$PWD/scripts/go-notidy" \
	-devserver "localhost:$port" \
	-appargs "--data-dir $tmp/data --demo-cases ${DEMO_CASES:-500}" \
	</dev/null >"$log" 2>&1 &
sid=$!

start=$(date +%s)
until curl -fs -o /dev/null "$url/" 2>/dev/null; do
	if ! kill -0 "$sid" 2>/dev/null; then
		tail -40 "$log"
		echo "e2e: wails dev exited before serving $url" >&2
		exit 1
	fi
	if [ $(($(date +%s) - start)) -ge "$TIMEOUT" ]; then
		tail -40 "$log"
		echo "e2e: $url did not answer within ${TIMEOUT}s" >&2
		exit 1
	fi
	sleep 1
done
echo "e2e: dev server up after $(($(date +%s) - start))s"

cd e2e
E2E_URL=$url E2E_ARTIFACTS=$ART node --test --test-concurrency=1 \
	--test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=junit --test-reporter-destination="$ART/junit.xml" tests/
