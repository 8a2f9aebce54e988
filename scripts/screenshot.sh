#!/usr/bin/env bash
# Starts the production binary under its own Xvfb with a temporary data folder and
# demo cases, waits for the sign-in screen (saved as screenshot-signin.png), signs the
# demo clerk in by keyboard with the demo password, waits until the window shows the
# case list, saves
# test-artifacts/screenshot-list.png and checks it: the window has the right title and
# size, the picture is not blank, and OCR finds the list's column header and file
# numbers of demo cases. Then it starts a second instance on the same data folder and
# checks that its window says the app is already running. Everything it starts, it
# stops.
set -euo pipefail
cd "$(dirname "$0")/.."

APP=${APP:-build/bin/ozgcloud-desktop}
ART=test-artifacts
OUT=$ART/screenshot-list.png
TIMEOUT=${SCREENSHOT_TIMEOUT:-120}
W=1280
H=800

[ -x "$APP" ] || { echo "screenshot: $APP missing: run 'make build' first" >&2; exit 1; }
mkdir -p "$ART"
rm -f "$OUT" "$ART"/screenshot-*.png
tmp=$(mktemp -d /tmp/ozg-screenshot.XXXXXX)
xvfb_pid=
app_pid=
second_pid=

cleanup() {
	local status=$?
	if [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; then
		# The app closes its store on SIGTERM; give it a moment before SIGKILL.
		for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$app_pid" 2>/dev/null || true
	fi
	if [ -n "$second_pid" ]; then kill -9 "$second_pid" 2>/dev/null || true; fi
	if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
	wait 2>/dev/null || true
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT

# -displayfd lets Xvfb pick a free display, so parallel runs never collide.
Xvfb -displayfd 3 -screen 0 ${W}x${H}x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { cat "$tmp/xvfb.log"; echo "screenshot: Xvfb did not start" >&2; exit 1; }
export DISPLAY=:$(cat "$tmp/display")
echo "screenshot: Xvfb on $DISPLAY"

start=$(date +%s)
"$APP" --data-dir "$tmp/data" --demo --demo-cases "${DEMO_CASES:-500}" --clamd off >"$ART/screenshot-app.log" 2>&1 &
app_pid=$!

elapsed() { echo $(($(date +%s) - start)); }
alive() { kill -0 "$app_pid" 2>/dev/null; }

# GTK also maps a 10x10 helper window with the same title: pick the big one.
win=
while [ "$(elapsed)" -lt "$TIMEOUT" ] && alive; do
	for id in $(xdotool search --name '^OZG-Cloud Desktop$' 2>/dev/null || true); do
		WIDTH=0 HEIGHT=0
		eval "$(xdotool getwindowgeometry --shell "$id" 2>/dev/null || true)"
		if [ "$WIDTH" -ge 1024 ] && [ "$HEIGHT" -ge 600 ]; then win=$id; break 2; fi
	done
	sleep 0.5
done
alive || { cat "$ART/screenshot-app.log"; echo "screenshot: the app exited early" >&2; exit 1; }
[ -n "$win" ] || { echo "screenshot: no window 'OZG-Cloud Desktop' after ${TIMEOUT}s" >&2; exit 1; }
eval "$(xdotool getwindowgeometry --shell "$win")"
echo "screenshot: window $win '$(xdotool getwindowname "$win")' ${WIDTH}x${HEIGHT} after $(elapsed)s"
if [ "$WIDTH" -ne $W ] || [ "$HEIGHT" -ne $H ]; then
	echo "screenshot: window is ${WIDTH}x${HEIGHT}, want ${W}x${H}" >&2
	exit 1
fi

# The window opens on the sign-in screen, its password field focused: type the demo
# password (demo/password.go) as a clerk would.
ocr() {
	# Upscaled grey text reads far better than the 1:1 screen.
	convert "$1" -colorspace Gray -resize 200% "$tmp/ocr.png"
	tesseract "$tmp/ocr.png" - -l deu+eng --psm 3 2>/dev/null || true
}
seen=
while [ "$(elapsed)" -lt "$TIMEOUT" ] && alive; do
	import -window root "$tmp/signin.png"
	if grep -q 'Anmeldung' <<<"$(ocr "$tmp/signin.png")"; then seen=1; break; fi
	sleep 1
done
cp "$tmp/signin.png" "$ART/screenshot-signin.png" 2>/dev/null || true
[ -n "$seen" ] || { echo "screenshot: no sign-in screen within ${TIMEOUT}s ($ART/screenshot-signin.png)" >&2; exit 1; }
sleep 1
xdotool windowfocus --sync "$win" 2>/dev/null || true
xdotool type --delay 40 'Musterhausen-Demo-2026'
xdotool key Return
echo "screenshot: signed in on the sign-in screen after $(elapsed)s"

# The list is there when OCR reads the column header and several file numbers
# (PREFIX-YEAR-SEQ-DEVICE); the first demo start also creates the store, so poll.
ok=
n=0
while [ "$(elapsed)" -lt "$TIMEOUT" ] && alive; do
	import -window root "$tmp/shot.png"
	text=$(ocr "$tmp/shot.png")
	n=$(grep -Eo '(GEW|BAU|HST|SNE|WOG|MEB|ALG)-20[0-9]{2}-[0-9]{4}' <<<"$text" | wc -l || true)
	if grep -q 'Aktenzeichen' <<<"$text" && [ "$n" -ge 5 ]; then
		ok=1
		break
	fi
	sleep 2
done
cp "$tmp/shot.png" "$OUT" 2>/dev/null || true
printf '%s\n' "${text:-}" >"$ART/screenshot-list.ocr.txt"

colours=$(identify -format '%k' "$OUT" 2>/dev/null || echo 0)
echo "screenshot: $OUT (${colours} colours, ${n} file numbers read by OCR, $(elapsed)s)"
if [ "$colours" -lt 50 ]; then
	echo "screenshot: the window looks blank (${colours} colours)" >&2
	exit 1
fi
if [ -z "$ok" ]; then
	echo "screenshot: the case list did not appear within ${TIMEOUT}s (OCR text: $ART/screenshot-list.ocr.txt, app log: $ART/screenshot-app.log)" >&2
	exit 1
fi
alive || { echo "screenshot: the app died" >&2; exit 1; }
echo "screenshot: the case list shows demo cases"

# A second instance on the same data folder must say so in its window, not hang.
"$APP" --data-dir "$tmp/data" >"$ART/screenshot-second.log" 2>&1 &
second_pid=$!
start=$(date +%s)
said=
while [ "$(elapsed)" -lt 60 ] && kill -0 "$second_pid" 2>/dev/null; do
	sleep 2
	# Without a window manager the newest window is on top.
	import -window root "$tmp/second.png"
	second_text=$(ocr "$tmp/second.png" | tr '\n' ' ')
	if grep -Eq 'l.{1,2}uft bereits' <<<"$second_text"; then
		said=1
		break
	fi
done
cp "$tmp/second.png" "$ART/screenshot-second-instance.png" 2>/dev/null || true
kill "$second_pid" 2>/dev/null || true
if [ -z "$said" ]; then
	echo "screenshot: a second instance did not say 'OZG-Cloud Desktop läuft bereits' within 60s ($ART/screenshot-second-instance.png)" >&2
	exit 1
fi
alive || { echo "screenshot: the first instance died when the second started" >&2; exit 1; }
echo "screenshot: a second instance says 'läuft bereits' ($ART/screenshot-second-instance.png, $(elapsed)s)"
