#!/usr/bin/env bash
# Starts `wails dev` (the real Go backend, the Vite dev server for the UI) under its
# own Xvfb with a temporary data folder and demo cases, waits until the dev server
# answers, runs the Playwright tests in e2e/ with node, and always stops every process
# it started (they all share one session, which the cleanup ends by its id). Then it
# does the same once more on an empty data folder without --demo, as a production PC
# starts for the first time, for e2e/tests/first_start.test.js, on a demo folder
# whose window locks after 4 s, for e2e/tests/signin.test.js, and on an empty folder
# whose xdg-open only records, for e2e/tests/open_url.test.js.
set -euo pipefail
cd "$(dirname "$0")/.."

ART=$PWD/test-artifacts/e2e
# A cold `wails dev` compiles the WebKitGTK bindings: minutes on a busy 2-core machine.
TIMEOUT=${E2E_START_TIMEOUT:-900}
mkdir -p "$ART"
rm -f "$ART"/*.png "$ART"/*.json

tmp=$(mktemp -d /tmp/ozg-e2e.XXXXXX)
opened=$tmp/opened.txt
# A private clamd for the demo phase (e2e/tests/scan.test.js); the others run without a
# scanner, whatever ClamAV this machine has installed.
clamd=$(mktemp -d /tmp/ozg-clamd.XXXXXX)
sid=

# stop ends the dev server's session: TERM first, so wails dev stops the app and Vite.
stop() {
	if [ -n "$sid" ]; then
		pkill -TERM -s "$sid" 2>/dev/null || true
		for _ in $(seq 100); do pgrep -s "$sid" >/dev/null || break; sleep 0.1; done
		pkill -KILL -s "$sid" 2>/dev/null || true
		sid=
	fi
}

cleanup() {
	local status=$?
	stop
	if [ -f "$clamd/clamd.pid" ]; then kill "$(cat "$clamd/clamd.pid")" 2>/dev/null || true; fi
	rm -rf "$tmp" "$clamd"
	exit "$status"
}
trap cleanup EXIT

# phase NAME APPARGS TESTS...: serves the app with APPARGS and runs the tests; with
# E2E_PHASES set (say "signin"), only the phases it names.
phase() {
	local name=$1 appargs=$2
	shift 2
	if [ -n "${E2E_PHASES:-}" ] && ! grep -qw -- "$name" <<<"$E2E_PHASES"; then return 0; fi
	# A free port per run: a clerk's or developer's own `wails dev` may hold 34115.
	local port=${E2E_PORT:-$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')}
	local url=http://localhost:$port
	local log=$ART/wails-dev-$name.log
	echo "e2e ($name): starting wails dev on $url with $appargs (log: $log)"
	# -skipbindings: the bindings stage checks frontend/wailsjs; the dev run must not
	# rewrite it. -m: no `go mod tidy` (Wails v2.17.1's dev command honours it; v2.9.2
	# ignored it and needed a go wrapper). setsid makes the dev server the leader of a
	# new session; the app (own process group, Setpgid in wails dev) and Vite stay in
	# that session.
	PATH=${devpath:-$PATH} setsid xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
		bin/wails dev -tags webkit2_41 -m -nosyncgomod -s -skipbindings -nogorebuild -noreload -nocolour \
		-devserver "localhost:$port" \
		-appargs "$appargs" \
		</dev/null >"$log" 2>&1 &
	sid=$!

	local start
	start=$(date +%s)
	until curl -fs -o /dev/null "$url/" 2>/dev/null; do
		if ! kill -0 "$sid" 2>/dev/null; then
			tail -40 "$log"
			echo "e2e ($name): wails dev exited before serving $url" >&2
			exit 1
		fi
		if [ $(($(date +%s) - start)) -ge "$TIMEOUT" ]; then
			tail -40 "$log"
			echo "e2e ($name): $url did not answer within ${TIMEOUT}s" >&2
			exit 1
		fi
		sleep 1
	done
	echo "e2e ($name): dev server up after $(($(date +%s) - start))s"

	(cd e2e && E2E_URL=$url E2E_ARTIFACTS=$ART E2E_PHASE=$name E2E_DEVLOG=$log E2E_OPENED=$opened node --test --test-concurrency=1 \
		--test-reporter=spec --test-reporter-destination=stdout \
		--test-reporter=junit --test-reporter-destination="$ART/junit-$name.xml" "$@")
	stop
}

if [ -z "${E2E_PHASES:-}" ] || grep -qw demo <<<"$E2E_PHASES"; then scripts/clamd-private.sh "$clamd"; fi
phase demo "--data-dir $tmp/demo --demo --demo-cases ${DEMO_CASES:-500} --clamd $clamd/clamd.sock" tests/
phase first-start "--data-dir $tmp/empty --clamd off" tests/first_start.test.js
# Sign-in and lock with a window that locks after 4 s without input.
phase signin "--data-dir $tmp/signin --demo --demo-cases 40 --idle-lock-seconds 4 --clamd off" tests/signin.test.js
# The page asks the Wails runtime to open file: URLs and UNC paths: the dev server's
# xdg-open only records what it is asked to open, for e2e/tests/open_url.test.js.
mkdir -p "$tmp/opener"
cat >"$tmp/opener/xdg-open" <<'REC'
#!/bin/sh
printf '%s\n' "$*" >>"$E2E_OPENED"
REC
chmod +x "$tmp/opener/xdg-open"
E2E_OPENED=$opened devpath=$tmp/opener:$PATH phase open-url "--data-dir $tmp/open-url --clamd off" tests/open_url.test.js
