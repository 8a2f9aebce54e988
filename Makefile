# OZG-Cloud Desktop: `make run` sets up a fresh Debian machine and starts the app;
# `make test` runs every test the project has. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run
# Stages share build outputs (frontend/dist, build/bin); they must not run in parallel.
.NOTPARALLEL:

# Go lives in /usr/local/go on this kind of machine; a login shell may not have it.
export PATH := $(PATH):/usr/local/go/bin

WAILS     := bin/wails
TAGS      := webkit2_41
APP       := build/bin/ozgcloud-desktop
ARGS      ?=
STAGE     := scripts/stage

APT_PACKAGES := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev \
	xvfb xauth xdotool imagemagick chromium poppler-utils qpdf \
	tesseract-ocr tesseract-ocr-deu libnotify-bin ca-certificates openssl git curl \
	softhsm2 default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java \
	dovecot-imapd postgresql clamav-daemon

# npm ci runs only when the lock file is newer than the last install; the stamp lives
# inside node_modules so that deleting node_modules forces a reinstall.
FRONTEND_STAMP := frontend/node_modules/.npm-ci-stamp
E2E_STAMP      := e2e/node_modules/.npm-ci-stamp

.PHONY: deps apt tools build frontend-build run test bench windows clean

## deps: install what is missing (apt packages, the pinned Wails CLI, npm packages)
deps: apt tools $(WAILS) $(FRONTEND_STAMP) $(E2E_STAMP)

apt:
	@scripts/deps-apt.sh $(APT_PACKAGES)

tools:
	@scripts/check-tools.sh

$(WAILS): tools/wails/go.mod tools/wails/go.sum
	@echo "wails: building the pinned CLI (tools/wails)"
	cd tools/wails && go build -o ../../$(WAILS) github.com/wailsapp/wails/v2/cmd/wails
	@touch $(WAILS)

$(FRONTEND_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

$(E2E_STAMP): e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund
	@touch $@

## build: the production Linux binary build/bin/ozgcloud-desktop. The UI is bundled
## first, so the build uses the committed bindings (frontend/wailsjs, regenerated with
## `bin/wails generate module -tags webkit2_41` and checked by `make test`).
build: $(WAILS) $(FRONTEND_STAMP) frontend-build
	$(WAILS) build -tags $(TAGS) -m -nosyncgomod -trimpath -s -skipbindings -nocolour
	@ls -l $(APP)

frontend-build: $(FRONTEND_STAMP)
	cd frontend && npm run build

## run: set up, build and start the app with the demo municipality (extra flags:
## make run ARGS="--demo-cases 2000"; the demo data is made when the data folder is new)
run: deps build
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
		echo ""; \
		echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset)."; \
		echo "OZG-Cloud Desktop is a desktop application: run 'make run' in a desktop session,"; \
		echo "or over SSH with X forwarding (ssh -X), or start it invisibly for a test with"; \
		echo "  xvfb-run -a $(APP) --demo $(ARGS)"; \
		exit 1; \
	fi
	$(APP) --demo $(ARGS)

## test: every test, in order, stopping at the first failure (stages: scripts/test.sh)
test: deps
	@scripts/test.sh

## bench: the store and index benchmarks on 100,000 demo cases, then the side-by-side
## comparison with SQLite (bench/, a module of its own); see README.md
bench:
	go test -run '^$$' -bench . -benchmem -timeout 60m ./store/...
	@if [ -f bench/go.mod ]; then cd bench && go run . ; fi

.PHONY: bench-libreoffice sample-decision load demo-sync bench-sync

## demo-sync: a local OZG-Cloud server with the demo municipality and two desktops with
## separate data folders (build/demo-sync); scripts/demo-sync.sh intake then sends an
## online application to watch it arrive in both (see README.md)
demo-sync: build
	go build -o build/bin/ozgcloud-server ./cmd/ozgcloud-server
	scripts/demo-sync.sh

## bench-sync: the sync benchmarks of issue 4 once each (initial sync of 100,000 cases,
## push of 1,000, change pages of 100,000 on the server, propagation A to B, 50 MB
## upload interrupted 5 times); figures in README.md
bench-sync:
	go test -run '^$$' -bench 'InitialSync100k|Push1000' -benchtime 1x -timeout 30m -v ./sync/client/
	go test -run '^$$' -bench 'Changes100k' -benchtime 1x -timeout 30m ./cloud/
	go test -run '^$$' -bench Propagation -benchtime 1x -v ./sync/e2e/
	go test -run Upload50MB -count=1 -v ./sync/client/

## load: 200 simulated desktops push and pull for 20 s against the central service
## over TLS on loopback, once on bbolt and once on PostgreSQL (started like the
## tests do); prints p50/p99 latency and errors (cloud/loadtest; LOAD_* to vary)
load:
	@scripts/deps-apt.sh postgresql
	LOAD=1 go test -run TestLoad -count=1 -v -timeout 10m ./cloud/loadtest/

## bench-libreoffice: our signed decision letter next to LibreOffice converting the
## same letter from .odt (3 runs, medians, ratio); installs libreoffice-writer-nogui
## on first use (not part of make deps: it is large and no test needs it)
bench-libreoffice:
	@scripts/deps-apt.sh libreoffice-writer-nogui poppler-utils
	go run ./cmd/bench-libreoffice -dir test-artifacts/bench-libreoffice

## sample-decision: a signed sample decision in test-artifacts/sample-bescheid.pdf,
## checked with pdfsig and qpdf
sample-decision:
	@scripts/deps-apt.sh poppler-utils qpdf
	@mkdir -p test-artifacts
	go run ./cmd/decision-sample -out test-artifacts/sample-bescheid.pdf
	@out=$$(pdfsig test-artifacts/sample-bescheid.pdf); echo "$$out"; \
		grep -q "Signature is Valid." <<<"$$out" && grep -q "Total document signed" <<<"$$out" \
		|| { echo "sample-decision: pdfsig does not report a valid signature over the whole document"; exit 1; }
	qpdf --check test-artifacts/sample-bescheid.pdf

## windows: cross-build the Windows exe and its NSIS installer into build/bin/
windows: $(WAILS) $(FRONTEND_STAMP) frontend-build
	@scripts/deps-apt.sh nsis
	$(WAILS) build -platform windows/amd64 -nsis -m -nosyncgomod -trimpath -s -skipbindings -nocolour
	@ls -l build/bin/*.exe

clean:
	rm -rf build/bin test-artifacts frontend/dist/assets frontend/dist/index.html
