#!/usr/bin/env bash
# Runs the test stages of `make test` in order and stops at the first failure.
# Usage: scripts/test.sh [STAGE...]   (default: all; stages: dist vet go nocgo
# adversarial frontend bindings build screenshot e2e). Prints a summary with timings
# and artifact paths.
set -euo pipefail
cd "$(dirname "$0")/.."

ART=test-artifacts
all=(dist vet go nocgo adversarial frontend bindings build screenshot e2e)
if [ $# -gt 0 ]; then stages=("$@"); else stages=("${all[@]}"); fi

mkdir -p "$ART"
rm -f "$ART/timings.txt"
started=$(date +%s)

summary() {
	local status=$?
	echo
	echo "==== summary ($(($(date +%s) - started))s) ===="
	[ -f "$ART/timings.txt" ] && awk '{ t=$(NF-1); s=$NF; $(NF-1)=""; $NF=""; printf "  %-48s %6s  %s\n", $0, t, s }' "$ART/timings.txt"
	echo "artifacts:  $PWD/$ART/"
	echo "  screenshot:  $PWD/$ART/screenshot-list.png, screenshot-second-instance.png (app log: screenshot-app.log)"
	echo "  e2e:         $PWD/$ART/e2e/ (screenshots, axe reports, junit-*.xml, wails-dev-*.log)"
	local what="make test"
	[ ${#stages[@]} -eq ${#all[@]} ] || what="test stages ${stages[*]}"
	if [ "$status" -eq 0 ]; then echo "$what: PASSED"; else echo "$what: FAILED"; fi
}
trap summary EXIT

for s in "${stages[@]}"; do
	case "$s" in
	dist)
		# A fresh clone has no frontend/dist, and //go:embed all:frontend/dist needs it.
		scripts/stage "frontend/dist placeholder" bash -c 'mkdir -p frontend/dist && touch frontend/dist/.gitkeep'
		;;
	vet)
		# CGO_ENABLED=0 also proves that nothing outside the Wails build needs cgo or GTK.
		scripts/stage "go vet (CGO_ENABLED=0)" env CGO_ENABLED=0 go vet ./...
		;;
	go)
		# -race needs cgo; without the desktop tags Wails pulls in no GTK, so no display.
		scripts/stage "go test -race" env CGO_ENABLED=1 DISPLAY= WAYLAND_DISPLAY= go test -race ./...
		;;
	nocgo)
		# The store, model and app must work where no C compiler is (the server, Windows
		# cross builds): the same tests once more without cgo.
		scripts/stage "go test (CGO_ENABLED=0)" env CGO_ENABLED=0 DISPLAY= WAYLAND_DISPLAY= go test ./...
		;;
	adversarial)
		# The central service under attack, alone on the machine, so that the good
		# tenant's latency goal is checked (in the go stages it is only logged).
		scripts/stage "adversarial suite, race detector" env CGO_ENABLED=1 ADVERSARIAL=1 go test -race -count=1 -run TestAdversarial ./cloud/adversarial/
		scripts/stage "adversarial suite, latency checked" env CGO_ENABLED=0 ADVERSARIAL=1 ADVERSARIAL_LATENCY=1 go test -count=1 -run TestAdversarial ./cloud/adversarial/
		;;
	frontend)
		scripts/stage "frontend tests (npm test)" bash -c 'cd frontend && CI=true npm test'
		;;
	bindings)
		scripts/stage "bindings in frontend/wailsjs are current" scripts/check-bindings.sh
		;;
	build)
		scripts/stage "production build" "${MAKE:-make}" --no-print-directory build
		;;
	screenshot)
		scripts/stage "production app under Xvfb (screenshot)" scripts/screenshot.sh
		;;
	e2e)
		scripts/stage "e2e: Playwright against wails dev" scripts/e2e.sh
		;;
	*)
		echo "unknown stage $s (stages: ${all[*]})" >&2
		exit 2
		;;
	esac
done
