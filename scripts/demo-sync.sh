#!/usr/bin/env bash
# demo-sync.sh: a local OZG-Cloud server with the demo municipality (tenant
# musterhausen, org unit musterhausen-ordnungsamt, the demo's four clerks with their
# IDs) and two desktops with separate data folders, to watch a change travel.
#
#   scripts/demo-sync.sh            server and both desktops (Ctrl-C ends all three)
#   scripts/demo-sync.sh intake     a form server sends an online application
#   scripts/demo-sync.sh server     only the server, in the foreground
#   scripts/demo-sync.sh desktops   only the two desktops (the server runs elsewhere)
#   scripts/demo-sync.sh reset      remove the demo folder
#
# DEMO_DIR (default build/demo-sync) holds everything; DEMO_ADDR (default
# 127.0.0.1:8443) is where the server listens. Without a display the desktops start
# only with DEMO_HEADLESS=1, under xvfb-run (nothing to see; for checking the script).
# The clerks sign in with DEMO_PASSWORD (default Musterhausen-Demo-2026): the first
# start sets it for each of them with the invitation code "user add" printed, through
# a setup device that is revoked afterwards, so the service has a verifier for each.
# The desktop binary is build/bin/ozgcloud-desktop (make build); make demo-sync builds
# both binaries first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

DIR=${DEMO_DIR:-build/demo-sync}
ADDR=${DEMO_ADDR:-127.0.0.1:8443}
SERVER_BIN=${DEMO_SERVER_BIN:-build/bin/ozgcloud-server}
DESKTOP_BIN=${DEMO_DESKTOP_BIN:-build/bin/ozgcloud-desktop}
SAMPLE=cloud/testdata/intake/gewerbeanmeldung.multipart
BOUNDARY=----OZGCloudFormBoundary7MA4YWxkTrZu0gW
TENANT=musterhausen
ORGUNIT=musterhausen-ordnungsamt
URL="https://$ADDR"
PASSWORD=${DEMO_PASSWORD:-Musterhausen-Demo-2026}

srv() { "$SERVER_BIN" "$@" --data "$DIR/cloud"; }
last_word() { awk '{w=$NF} END {print w}'; }

# setup makes the server's data folder once: tenant, org unit, the demo clerks (IDs as
# in demo/municipality.go), two enrollment codes and a form server's token.
setup() {
	if [ ! -x "$SERVER_BIN" ]; then
		mkdir -p "$(dirname "$SERVER_BIN")"
		go build -o "$SERVER_BIN" ./cmd/ozgcloud-server
	fi
	[ -f "$DIR/fingerprint" ] && return
	rm -rf "$DIR/cloud"
	mkdir -p "$DIR"
	srv init | tee "$DIR/init.txt"
	last_word <"$DIR/init.txt" >"$DIR/fingerprint.tmp"
	srv tenant add --id "$TENANT" --name "Gemeinde Musterhausen"
	srv orgunit add --tenant "$TENANT" --id "$ORGUNIT" --name "Bürgerbüro und Ordnungsamt"
	mkdir -p "$DIR/invitations"
	srv user add --tenant "$TENANT" --id mbecker --name "Martina Becker" --role sachbearbeitung | last_word >"$DIR/invitations/mbecker"
	srv user add --tenant "$TENANT" --id tschulz --name "Thomas Schulz" --role sachbearbeitung | last_word >"$DIR/invitations/tschulz"
	srv user add --tenant "$TENANT" --id akrueger --name "Andrea Krüger" --role leitung | last_word >"$DIR/invitations/akrueger"
	srv user add --tenant "$TENANT" --id jwagner --name "Jens Wagner" --role administration | last_word >"$DIR/invitations/jwagner"
	srv device enroll --tenant "$TENANT" | last_word >"$DIR/code-a"
	srv device enroll --tenant "$TENANT" | last_word >"$DIR/code-b"
	srv device enroll --tenant "$TENANT" | last_word >"$DIR/code-setup"
	srv intake-credential add --tenant "$TENANT" | last_word >"$DIR/intake-token"
	mv "$DIR/fingerprint.tmp" "$DIR/fingerprint"
}

# start_server runs the server in the background and waits until it listens.
start_server() {
	"$SERVER_BIN" serve --data "$DIR/cloud" --addr "$ADDR" >"$DIR/server.out" 2>"$DIR/server.log" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		grep -q "erreichbar" "$DIR/server.out" 2>/dev/null && { cat "$DIR/server.out"; return; }
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
		sleep 0.1
	done
	echo "demo-sync: the server did not start; see $DIR/server.log" >&2
	exit 1
}

# api PATH TOKEN BODY posts BODY to the server's API as a desktop would and prints the
# answer; the protocol version is the one this checkout speaks.
api() {
	local version cert
	version=$(sed -n 's/^const Version = \([0-9]*\)$/\1/p' sync/wire/wire.go)
	cert=$(sed -n 's/^TLS-Zertifikat: //p' "$DIR/init.txt")
	curl --silent --show-error --fail-with-body --cacert "$cert" \
		-H "OZG-Sync-Version: $version" -H "Content-Type: application/json" \
		${2:+-H "Authorization: Bearer $2"} --data "$3" "$URL$1"
}

# set_passwords gives every demo clerk the demo password, once: a setup device
# enrolls, sets each password with the clerk's invitation code (which signs the clerk
# in on that device only), and is revoked again, which ends those sign-ins.
set_passwords() {
	[ -f "$DIR/passwords-set" ] && return
	local answer token device user
	answer=$(api /v1/devices/enroll "" "{\"code\":\"$(cat "$DIR/code-setup")\"}")
	token=$(printf '%s' "$answer" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	device=$(printf '%s' "$answer" | sed -n 's/.*"deviceId":"\([^"]*\)".*/\1/p')
	for user in mbecker tschulz akrueger jwagner; do
		api /v1/auth/activate "$token" "{\"code\":\"$(cat "$DIR/invitations/$user")\",\"password\":\"$PASSWORD\"}" >/dev/null
	done
	srv device revoke --id "$device" >/dev/null
	rm -rf "$DIR/invitations" "$DIR/code-setup"
	touch "$DIR/passwords-set"
	echo "Passwort der Demo-Sachbearbeitung (alle vier): $PASSWORD"
}

# desktop NAME DEVICE CODEFILE starts one desktop with its own data folder; the first
# start enrolls it (--enroll is ignored once the store is enrolled).
desktop() {
	local name=$1 device=$2 code
	code=$(cat "$3")
	local run=()
	if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
		run=(xvfb-run -a)
	fi
	"${run[@]}" "$DESKTOP_BIN" --data-dir "$DIR/desktop-$name" --demo --demo-cases 0 --device "$device" \
		--enroll "$URL,$code,$(cat "$DIR/fingerprint")" >"$DIR/desktop-$name.log" 2>&1 &
	PIDS+=($!)
	echo "Desktop $name: Daten in $DIR/desktop-$name, Log $DIR/desktop-$name.log"
}

start_desktops() {
	if [ ! -x "$DESKTOP_BIN" ]; then
		echo "demo-sync: $DESKTOP_BIN is missing; run make build (or make demo-sync)" >&2
		exit 1
	fi
	if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${DEMO_HEADLESS:-}" ]; then
		echo "demo-sync: no display; the desktops are windows. Run this in a desktop session," >&2
		echo "or with DEMO_HEADLESS=1 to start them invisibly under xvfb-run." >&2
		exit 1
	fi
	desktop a A1 "$DIR/code-a"
	desktop b B1 "$DIR/code-b"
}

# intake sends the sample Gewerbeanmeldung as a form server would, routed to the demo
# org unit, with a new transactionId each time (the same one would be the same case).
intake() {
	local body tx
	body=$(mktemp)
	tx="demo-$(date +%Y%m%d-%H%M%S)-$$"
	LC_ALL=C perl -pe "s/\"ordnungsamt-musterstadt\"/\"$ORGUNIT\"/; s/\"20260302-GA-7f3c9e21\"/\"$tx\"/" "$SAMPLE" >"$body"
	local cert
	cert=$(sed -n 's/^TLS-Zertifikat: //p' "$DIR/init.txt")
	curl --silent --show-error --fail-with-body --cacert "$cert" \
		-H "Authorization: Bearer $(cat "$DIR/intake-token")" \
		-H "Content-Type: multipart/form-data; boundary=$BOUNDARY" \
		--data-binary "@$body" "$URL/v1/intake"
	echo
	rm -f "$body"
	echo "Online-Antrag gesendet (transactionId $tx): er erscheint gleich in beiden Fenstern unter Neu."
}

explain() {
	cat <<EOF

So sehen Sie eine Änderung reisen:
  1. In einem zweiten Terminal: scripts/demo-sync.sh intake
     Ein Online-Antrag (Gewerbeanmeldung mit PDF und zwei Anlagen) erscheint in beiden
     Fenstern in der Vorgangsliste.
  2. Im Fenster A den Vorgang öffnen und einen Kommentar schreiben oder ihn annehmen:
     Fenster B zeigt die Änderung nach etwa einer Sekunde.
  3. Offline: den Server beenden (kill $SERVER_PID; die Statusleisten zeigen offline),
     in beiden Fenstern denselben Vorgang verschiedenen Personen zuweisen, dann den
     Server wieder starten (scripts/demo-sync.sh server in einem zweiten Terminal):
     beide Fenster zeigen denselben Konflikt.
Beide Fenster beginnen als Martina Becker; oben rechts lässt sich die Person wechseln.
Die OZG-Cloud übernimmt Änderungen nur von Personen, die sich an diesem PC angemeldet
haben (Passwort aller vier: $PASSWORD).
Ende mit Ctrl-C.
EOF
}

PIDS=()
SERVER_PID=""
cleanup() {
	# xvfb-run does not pass the signal on to the desktop it started.
	for p in "${PIDS[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
	wait 2>/dev/null || true
}

case "${1:-all}" in
all)
	setup
	trap cleanup EXIT INT TERM
	start_server
	set_passwords
	start_desktops
	explain
	wait "${PIDS[@]}"
	;;
server)
	setup
	exec "$SERVER_BIN" serve --data "$DIR/cloud" --addr "$ADDR"
	;;
desktops)
	setup
	trap cleanup EXIT INT TERM
	set_passwords
	start_desktops
	wait
	;;
intake)
	intake
	;;
reset)
	rm -rf "$DIR"
	;;
*)
	sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
