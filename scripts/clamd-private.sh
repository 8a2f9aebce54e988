#!/usr/bin/env bash
# clamd-private.sh DIR: starts a private ClamAV daemon (clamd) on DIR/clamd.sock whose
# only signature is the MD5 hash of a harmless test file (DIR/testfile, the same bytes
# as clamav/clamdtest.File and e2e/tests/scan.test.js), writes its pid to DIR/clamd.pid
# and waits until the socket is there. The caller kills it. Production uses
# freshclam's databases, which cannot be downloaded here. Keep DIR short: a unix
# socket path has at most 107 bytes.
set -euo pipefail
dir=$1
bin=$(command -v clamd || echo /usr/sbin/clamd)
mkdir -p "$dir/db" "$dir/tmp"
printf 'OZG-Cloud Testanhang: harmlos, nur fuer den Test des Virenscanners.\n' >"$dir/testfile"
echo "$(md5sum <"$dir/testfile" | cut -d' ' -f1):$(stat -c %s "$dir/testfile"):OzgCloud.Test.Harmless" >"$dir/db/ozgcloud-test.hdb"
cat >"$dir/clamd.conf" <<CONF
Foreground yes
LocalSocket $dir/clamd.sock
DatabaseDirectory $dir/db
TemporaryDirectory $dir/tmp
PidFile $dir/clamd.run.pid
LogFile $dir/clamd.log
Bytecode no
OfficialDatabaseOnly no
SelfCheck 0
MaxThreads 2
CONF
"$bin" --config-file="$dir/clamd.conf" </dev/null >"$dir/clamd.out" 2>&1 &
echo $! >"$dir/clamd.pid"
for _ in $(seq 600); do
	[ -S "$dir/clamd.sock" ] && exit 0
	kill -0 "$(cat "$dir/clamd.pid")" 2>/dev/null || { cat "$dir/clamd.out" "$dir/clamd.log" >&2 || true; exit 1; }
	sleep 0.1
done
echo "clamd-private: no socket after 60 s" >&2
exit 1
