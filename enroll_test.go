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

	code, _, err := svc.NewEnrollment(ctx, mh.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	o := store.Options{Dir: filepath.Join(t.TempDir(), "desktop"), Device: "D1"}
	if _, err := enrollStore(ctx, o, srv.URL+","+code+","+strings.Repeat("ab", 32)); err == nil {
		t.Fatal("a wrong fingerprint enrolled")
	}
	msg, err := enrollStore(ctx, o, srv.URL+","+code+","+fp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "verbunden als Gerät") {
		t.Errorf("message %q", msg)
	}
	if msg, err := enrollStore(ctx, o, srv.URL+",used-code,"+fp); err != nil || !strings.Contains(msg, "bereits") {
		t.Errorf("second run: %q %v", msg, err)
	}
	db, err := store.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.Municipality()
	if err != nil || m.Tenant != mh.Tenant || m.OrgUnit != mh.OrgUnit || m.Name != mh.Name {
		t.Errorf("municipality %+v %v", m, err)
	}
	c, err := db.Clerk(demo.ClerkSachbearbeitung1)
	if err != nil || c.Role != model.RoleSachbearbeitung || c.OrgUnit != mh.OrgUnit || c.Email == "" {
		t.Errorf("clerk %+v %v", c, err)
	}
	if id, err := db.SyncIdentity(); err != nil || id.Tenant != mh.Tenant {
		t.Errorf("identity %+v %v", id, err)
	}
}
