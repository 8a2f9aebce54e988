package main

import (
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
)

func TestParseEnroll(t *testing.T) {
	s, c, f, err := parseEnroll(" https://127.0.0.1:8443 , ABCD-1234 , AB:CD:EF ")
	if err != nil || s != "https://127.0.0.1:8443" || c != "ABCD-1234" || f != "AB:CD:EF" {
		t.Errorf("%q %q %q %v", s, c, f, err)
	}
	for _, bad := range []string{"", "https://x", "https://x,code", "https://x,,fp", "a,b,c,d"} {
		if _, _, _, err := parseEnroll(bad); !errors.Is(err, errEnrollSpec) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestEnrollStore: --enroll makes a fresh store an enrolled one of the demo tenant with
// the server's clerks (demo IDs kept) and org unit; a second run changes nothing; a
// wrong fingerprint enrolls nothing.
func TestEnrollStore(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	quiet := slog.New(slog.DiscardHandler)
	svc := cloud.New(st, cloud.Options{Logger: quiet})
	ctx := context.Background()
	mh := demo.Musterhausen()
	if _, err := svc.AddTenant(ctx, mh.Tenant, mh.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddOrgUnit(ctx, mh.Tenant, mh.OrgUnit, mh.OrgUnitName); err != nil {
		t.Fatal(err)
	}
	for _, c := range demo.Clerks() {
		if _, err := svc.AddUserWithID(ctx, mh.Tenant, c.ID, c.Name, c.Role); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	srv := httptest.NewUnstartedServer(cloud.NewHandler(svc, cloud.HandlerOptions{Logger: quiet, Done: done}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	defer close(done)
	fp := client.CertFingerprint(srv.Certificate())

	quietCfg := func(dir string, demoStore bool) config {
		return config{dataDir: dir, demo: demoStore, device: "D1", now: time.Now, log: quiet}
	}
	enrollNew := func(cfg config) *store.DB {
		t.Helper()
		code, _, err := svc.NewEnrollment(ctx, mh.Tenant)
		if err != nil {
			t.Fatal(err)
		}
		cfg.enroll = srv.URL + "," + code + "," + fp
		db, err := openStore(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}

	// A production store: the tenant's clerks as the server names them, nothing of
	// the demo's even where the IDs are the demo's; the municipality is the tenant.
	dir := filepath.Join(t.TempDir(), "desktop")
	code, _, err := svc.NewEnrollment(ctx, mh.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(store.Options{Dir: dir, Device: "D1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enrollStore(ctx, db, srv.URL+","+code+","+strings.Repeat("ab", 32)); err == nil {
		t.Fatal("a wrong fingerprint enrolled")
	}
	msg, err := enrollStore(ctx, db, srv.URL+","+code+","+fp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "verbunden als Gerät") || !strings.Contains(msg, "(4 Benutzer)") {
		t.Errorf("message %q", msg)
	}
	if msg, err := enrollStore(ctx, db, srv.URL+",used-code,"+fp); err != nil || !strings.Contains(msg, "bereits") {
		t.Errorf("second run: %q %v", msg, err)
	}
	m, err := db.Municipality()
	if err != nil || m.Tenant != mh.Tenant || m.OrgUnit != mh.OrgUnit || m.Name != mh.Tenant || m.Demo || m.Street != "" {
		t.Errorf("municipality %+v %v", m, err)
	}
	c, err := db.Clerk(demo.ClerkSachbearbeitung1)
	if err != nil || c.Role != model.RoleSachbearbeitung || c.OrgUnit != mh.OrgUnit || c.Email != "" || c.Phone != "" {
		t.Errorf("clerk %+v %v", c, err)
	}
	if id, err := db.SyncIdentity(); err != nil || id.Tenant != mh.Tenant {
		t.Errorf("identity %+v %v", id, err)
	}
	db.Close()

	// A demo store (--demo --enroll on a new folder, as make demo-sync starts its
	// desktops): the demo municipality and clerks stay as seeded.
	demoDB := enrollNew(quietCfg(filepath.Join(t.TempDir(), "demo"), true))
	if m, err := demoDB.Municipality(); err != nil || m.Name != mh.Name || !m.Demo || m.Tenant != mh.Tenant {
		t.Errorf("demo municipality %+v %v", m, err)
	}
	if c, err := demoDB.Clerk(demo.ClerkSachbearbeitung1); err != nil || c.Email == "" {
		t.Errorf("demo clerk %+v %v", c, err)
	}
	if n := demoDB.CaseCount(); n != 0 {
		t.Errorf("%d cases, want the --demo-cases 0 of the config", n)
	}
}
