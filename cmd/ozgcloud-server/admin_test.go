package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ozgcloud/desktop/sync/wire"
)

// TestAdminWhileServingOnBolt: with serve running on a bbolt data folder, the admin
// commands reach the server through its admin socket: a device revoked while the
// server runs is refused at its next request, a quota set while it runs holds at
// once. Regression for the admin part of issue 11, finding 9: the command could
// not open the store while serve ran.
func TestAdminWhileServingOnBolt(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	fp := lastWord(ok(t, "init", "--data", data))
	ok(t, "tenant", "add", "--data", data, "--id", "musterstadt", "--name", "Musterstadt")
	srv := startServer(t, "--data", data, "--addr", "127.0.0.1:0")
	c := pinned(fp, 0)

	dir, sock := filepath.Join(data, "admin"), filepath.Join(data, "admin", "admin.sock")
	for path, want := range map[string]os.FileMode{dir: 0o700, sock: 0o600} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Fatalf("%s: %v %v, want mode %v", path, st, err, want)
		}
	}
	code := lastWord(ok(t, "device", "enroll", "--data", data, "--tenant", "musterstadt"))
	status, body := request(t, c, "POST", srv.url+wire.PathEnroll, "", strings.NewReader(`{"code":"`+code+`"}`))
	enr, err := wire.DecodeEnrollResponse(bytes.NewReader(body), wire.MaxBodySmall)
	if status != 200 || err != nil {
		t.Fatalf("enroll: %d %s %v", status, body, err)
	}
	if status, _ := request(t, c, "GET", srv.url+wire.PathChanges, enr.Token, nil); status != 200 {
		t.Fatalf("changes before the revocation: %d", status)
	}
	if out := ok(t, "device", "revoke", "--data", data, "--id", enr.DeviceID); !strings.Contains(out, "Gerät gesperrt") {
		t.Fatalf("revoke: %q", out)
	}
	if status, _ := request(t, c, "GET", srv.url+wire.PathChanges, enr.Token, nil); status != 401 {
		t.Fatalf("the revoked device's next request: %d, want 401", status)
	}
	// Errors of the server come back as they are; usage errors stay local.
	if _, errOut, code := cli(t, "device", "revoke", "--data", data, "--id", "unknown"); code != 1 || !strings.Contains(errOut, "not found") {
		t.Errorf("revoke of an unknown device: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "tenant", "set", "musterstadt", "--data", data); code != 2 || !strings.Contains(errOut, "--max-storage") {
		t.Errorf("tenant set without a quota: exit %d %s", code, errOut)
	}

	// A quota set while serving holds at once.
	out := ok(t, "tenant", "set", "musterstadt", "--data", data, "--max-attachment", "1MiB", "--max-storage", "20GiB")
	for _, want := range []string{"Kontingent gesetzt", "0 B von 20 GiB belegt (0 %)", "Größte Anlage:         1 MiB\n", "Größter Online-Antrag: 50 MiB (Standard)"} {
		if !strings.Contains(out, want) {
			t.Errorf("tenant set: no %q in\n%s", want, out)
		}
	}
	code = lastWord(ok(t, "device", "enroll", "--data", data, "--tenant", "musterstadt"))
	_, body = request(t, c, "POST", srv.url+wire.PathEnroll, "", strings.NewReader(`{"code":"`+code+`"}`))
	enr, _ = wire.DecodeEnrollResponse(bytes.NewReader(body), wire.MaxBodySmall)
	status, body = announce(t, c, srv.url, enr.Token, make([]byte, 2<<20))
	var we wire.Error
	if json.Unmarshal(body, &we); status != 413 || we.Code != wire.CodeQuota || we.Reason != "attachment" {
		t.Errorf("a 2 MiB attachment over the 1 MiB quota: %d %s", status, body)
	}
	if status, body := announce(t, c, srv.url, enr.Token, []byte("klein")); status != 200 {
		t.Errorf("a small attachment: %d %s", status, body)
	}
	out = ok(t, "tenant", "show", "--data", data, "musterstadt")
	if !strings.Contains(out, "Unfertige Uploads:     1, der älteste angekündigt") || !strings.Contains(out, "Mandant musterstadt (Musterstadt)") {
		t.Errorf("tenant show:\n%s", out)
	}
	if !strings.Contains(srv.logs(), `"msg":"admin command","command":"device revoke"`) {
		t.Errorf("the server did not log the admin commands:\n%s", srv.logs())
	}

	// A server killed leaves its socket file; the commands then open the store.
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.exited
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("socket after SIGKILL: %v", err)
	}
	if out := ok(t, "tenant", "show", "musterstadt", "--data", data); !strings.Contains(out, "Größte Anlage:         1 MiB") {
		t.Errorf("tenant show with the server dead:\n%s", out)
	}
	srv = startServer(t, "--data", data, "--addr", "127.0.0.1:0")
	ok(t, "tenant", "set", "musterstadt", "--data", data, "--max-attachment", "default")
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d\n%s", code, srv.logs())
	}
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket after SIGTERM: %v", err)
	}
	if out := ok(t, "tenant", "show", "musterstadt", "--data", data); !strings.Contains(out, "Größte Anlage:         100 MiB (Standard)") {
		t.Errorf("quota set through the restarted server:\n%s", out)
	}
}

// announce asks the server which chunks of data it misses.
func announce(t *testing.T, c *http.Client, url, token string, data []byte) (int, []byte) {
	t.Helper()
	sum := sha256.Sum256(data)
	req := wire.MissingChunksRequest{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	for off := 0; off < len(data); off += wire.ChunkSize {
		c := sha256.Sum256(data[off:min(off+wire.ChunkSize, len(data))])
		req.ChunkHashes = append(req.ChunkHashes, hex.EncodeToString(c[:]))
	}
	b, _ := json.Marshal(req)
	return request(t, c, "POST", url+wire.PathChunks+req.SHA256+"/missing", token, bytes.NewReader(b))
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"20GiB": 20 << 30, "100 MiB": 100 << 20, "1.5GB": 1_500_000_000, "500mb": 500_000_000,
		"1048576": 1 << 20, "1kib": 1024, "2TB": 2e12, "default": 0, " Default ": 0, "7b": 7,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "GiB", "-1GiB", "0", "0.1", "1 PB", "1e3", "10 GiBs", "9EiB", "99999999999TB", "1..2MB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestTenantArg(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"musterstadt", "--max-storage", "1GiB"}, "musterstadt"},
		{[]string{"--max-storage", "1GiB", "musterstadt"}, "musterstadt"},
		{[]string{"musterstadt"}, "musterstadt"},
		{[]string{"--max-storage", "1GiB", "musterstadt", "--data", "x"}, "musterstadt"},
		{[]string{"--max-storage", "1GiB"}, ""},
		{[]string{"a", "b"}, ""},
		{[]string{"a", "--max-storage", "1GiB", "b"}, ""},
	} {
		f := newAdminFlags("tenant set")
		var size sizeFlag
		f.Var(&size, "max-storage", "")
		got, err := f.parseArg(tc.args, "the tenant ID")
		if got != tc.want || (tc.want == "") != errors.Is(err, errUsage) {
			t.Errorf("parseArg(%q) = %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
}
