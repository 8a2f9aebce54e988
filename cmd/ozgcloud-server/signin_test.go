package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/sync/wire"
)

var userLine = regexp.MustCompile(`Benutzer angelegt: (\S+) \(`)

// signInPost sends a sign-in or activation body of a device and returns the status,
// the answer when 200, and the refusal otherwise.
func signInPost(t *testing.T, c *http.Client, url, token, path string, v any) (int, wire.SignInResponse, wire.Error) {
	t.Helper()
	b, _ := json.Marshal(v)
	status, body := request(t, c, "POST", url+path, token, bytes.NewReader(b))
	var resp wire.SignInResponse
	var e wire.Error
	if status == 200 {
		var err error
		if resp, err = wire.DecodeSignInResponse(bytes.NewReader(body), wire.MaxBodyAuth); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	} else {
		_ = json.Unmarshal(body, &e)
	}
	return status, resp, e
}

// The user commands against a running server on bbolt: user add prints the
// invitation code last, a clerk sets a password with it on a desktop, user list
// shows where each stands (never a verifier), a reset voids the password, a
// deactivation ends the sign-ins, tenant set --offline-days shortens new grants.
func TestUserCommandsWhileServing(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	out := ok(t, "init", "--data", data)
	if !strings.Contains(out, "Anmeldeberechtigungen (Ed25519): angelegt") {
		t.Fatalf("init:\n%s", out)
	}
	fp := lastWord(out)
	ok(t, "tenant", "add", "--data", data, "--id", "musterstadt", "--name", "Musterstadt")
	srv := startServer(t, "--data", data, "--addr", "127.0.0.1:0")
	c := pinned(fp, 0)

	out = ok(t, "user", "add", "--data", data, "--tenant", "musterstadt", "--name", "Anna Amt", "--role", "sachbearbeitung")
	m := userLine.FindStringSubmatch(out)
	code := lastWord(out)
	if m == nil || !strings.Contains(out, "Einladungscode") || len(code) != 19 {
		t.Fatalf("user add:\n%s", out)
	}
	anna := m[1]
	ok(t, "user", "add", "--data", data, "--tenant", "musterstadt", "--name", "Ben Bau", "--role", "leitung", "--id", "ben")
	enrCode := lastWord(ok(t, "device", "enroll", "--data", data, "--tenant", "musterstadt"))
	_, body := request(t, c, "POST", srv.url+wire.PathEnroll, "", strings.NewReader(`{"code":"`+enrCode+`"}`))
	enr, err := wire.DecodeEnrollResponse(bytes.NewReader(body), wire.MaxBodySmall)
	if err != nil || enr.GrantKey == "" {
		t.Fatalf("enroll: %s %v", body, err)
	}
	const pw = "Rathaus-Kirsche-Treppe-7" // no run of hex letters an ID could hold (cloudtest.Password)
	status, resp, e := signInPost(t, c, srv.url, enr.Token, wire.PathActivate, wire.ActivateRequest{Code: code, Password: pw})
	if status != 200 || resp.User.ID != anna {
		t.Fatalf("activate: %d %+v %+v", status, resp, e)
	}
	if !resp.Expires.After(time.Now().Add(13 * 24 * time.Hour)) {
		t.Errorf("grant of the default period expires %s", resp.Expires)
	}

	out = ok(t, "user", "list", "--data", data, "--tenant", "musterstadt")
	for _, want := range []string{anna + "\tAnna Amt\tSachbearbeitung\taktiv\n", "ben\tBen Bau\tSachgebietsleitung\twartet auf das erste Passwort (Einladungscode gültig bis "} {
		if !strings.Contains(out, want) {
			t.Errorf("user list: no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "argon2") {
		t.Errorf("user list shows a verifier:\n%s", out)
	}

	out = ok(t, "tenant", "set", "musterstadt", "--data", data, "--offline-days", "3")
	if !strings.Contains(out, "Offline-Anmeldung:     3 Tage") {
		t.Errorf("tenant set --offline-days:\n%s", out)
	}
	status, resp, _ = signInPost(t, c, srv.url, enr.Token, wire.PathSignIn, wire.SignInRequest{User: "Anna Amt", Password: pw})
	if status != 200 || resp.Expires.After(time.Now().Add(3*24*time.Hour+time.Minute)) {
		t.Fatalf("sign-in after the offline period was shortened: %d, expires %s", status, resp.Expires)
	}

	out = ok(t, "user", "reset-password", "--data", data, "--tenant", "musterstadt", anna)
	if newCode := lastWord(out); len(newCode) != 19 || newCode == code {
		t.Fatalf("reset-password:\n%s", out)
	}
	if status, _, e := signInPost(t, c, srv.url, enr.Token, wire.PathSignIn, wire.SignInRequest{User: anna, Password: pw}); status != 403 || e.Reason != wire.ReasonNoPassword {
		t.Errorf("old password after the reset: %d %+v", status, e)
	}
	if out := ok(t, "user", "deactivate", "--data", data, "--tenant", "musterstadt", "ben"); !strings.Contains(out, "Benutzer deaktiviert: ben") {
		t.Errorf("deactivate: %s", out)
	}
	if out := ok(t, "user", "list", "--data", data, "--tenant", "musterstadt"); !strings.Contains(out, "ben\tBen Bau\tSachgebietsleitung\tdeaktiviert seit ") {
		t.Errorf("user list after the deactivation:\n%s", out)
	}
	if _, errOut, code := cli(t, "user", "reset-password", "--data", data, "--tenant", "musterstadt", "ben"); code != 1 || !strings.Contains(errOut, "deactivated") {
		t.Errorf("reset of a deactivated user: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "user", "deactivate", "--data", data, "--tenant", "musterstadt"); code != 2 || !strings.Contains(errOut, "user ID") {
		t.Errorf("deactivate without a user: exit %d %s", code, errOut)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d\n%s", code, srv.logs())
	}
	for _, secret := range []string{pw, code} {
		if strings.Contains(srv.logs(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// A data folder from before sign-in has no grant key; serve makes it at its start,
// before any device asks.
func TestServeMakesGrantKeyOfOlderInstallation(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ok(t, "init", "--data", data)
	// The layout of a server from before sign-in: no bucket for keys.
	db, err := bolt.Open(filepath.Join(data, dbFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("registry")).DeleteBucket([]byte("keys")) })
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "--data", data, "--addr", "127.0.0.1:0")
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d\n%s", code, srv.logs())
	}
	st, err := boltstore.Open(filepath.Join(data, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Registry(t.Context(), func(r cloud.RegistryTx) error {
		k, err := r.GrantKey()
		if err == nil && len(k) != 64 {
			t.Errorf("grant key of %d bytes", len(k))
		}
		return err
	})
	if err != nil {
		t.Fatalf("no grant key after serve started: %v", err)
	}
}
