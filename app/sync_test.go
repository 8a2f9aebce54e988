package app

import (
	"context"
	"github.com/ozgcloud/desktop/store"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/client"
)

// cloudEnv is the real central service (cloud.Service on boltstore behind
// cloud.NewHandler) over TLS, with a switch per device token that cuts a desktop off
// (503) to make concurrent offline edits.
type cloudEnv struct {
	t                  *testing.T
	svc                *cloud.Service
	srv                *httptest.Server
	anna, bernd, clara cloud.User
	clock              *testClock // the service's; it starts at now, as the desktops'

	mu      sync.Mutex
	blocked map[string]bool
}

func newCloudEnv(t *testing.T) *cloudEnv {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	// The service's clock is the desktops': grants must cover the mutations' times.
	clock := &testClock{t: now}
	svc := cloud.New(st, cloud.Options{Logger: quiet, Password: cloudtest.CheapParams, Now: clock.Now})
	ctx := context.Background()
	e := &cloudEnv{t: t, svc: svc, blocked: map[string]bool{}, clock: clock}
	if _, err := svc.AddTenant(ctx, "t-muster", "Gemeinde Musterhausen"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddOrgUnit(ctx, "t-muster", "ou-1", "Bürgerbüro"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		p    *cloud.User
		name string
		role model.Role
	}{{&e.anna, "Anna Schmidt", model.RoleSachbearbeitung}, {&e.bernd, "Bernd Müller", model.RoleSachbearbeitung}, {&e.clara, "Clara Vogt", model.RoleAdministration}} {
		if *u.p, err = svc.AddUser(ctx, "t-muster", u.name, u.role); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	h := cloud.NewHandler(svc, cloud.HandlerOptions{Logger: quiet, Done: done})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		off := e.blocked[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		e.mu.Unlock()
		if off {
			http.Error(w, "offline", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	e.srv = srv
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	t.Cleanup(func() { close(done) })
	return e
}

// signIn signs the user in on a through the window's methods, as the clerk does:
// with the password at the service, or first with an invitation code the service's
// administration made.
func (e *cloudEnv) signIn(a *App, user string) Session {
	e.t.Helper()
	a.SignOut()
	s, err := a.SignIn(user, cloudtest.Password)
	if err == nil {
		return s
	}
	if !strings.Contains(uiError(e.t, err).Message, "Einladungscode") {
		e.t.Fatalf("sign-in of %s: %v", user, err)
	}
	code, _, err := e.svc.Invite(context.Background(), "t-muster", user)
	if err != nil {
		e.t.Fatal(err)
	}
	if s, err = a.Activate(code, cloudtest.Password); err != nil {
		e.t.Fatalf("activation of %s: %v", user, err)
	}
	return s
}

func (e *cloudEnv) setOffline(a *App, off bool) {
	id, err := a.db.SyncIdentity()
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.blocked[id.Token] = off
	e.mu.Unlock()
	if !off {
		a.SyncNow()
	}
}

// desktop is a demo app connected to the service through the UI's two steps, working
// as clerk.
func (e *cloudEnv) desktop(clerk string) (*App, *fakeRuntime) {
	e.t.Helper()
	return e.desktopPolling(clerk, 200*time.Millisecond)
}

// desktopPolling is desktop with an engine that pulls every poll without a poke;
// opts change its Env (newAppOpts).
func (e *cloudEnv) desktopPolling(clerk string, poll time.Duration, opts ...func(*Env)) (*App, *fakeRuntime) {
	t := e.t
	t.Helper()
	a, rt := newAppOpts(t, 2, slog.New(slog.NewTextHandler(os.Stderr, nil)), 0, opts...)
	a.syncr.mu.Lock()
	a.syncr.opts = client.Options{Poll: poll, MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}
	a.syncr.dirEvery = 10 * time.Millisecond
	a.syncr.mu.Unlock()

	if _, err := a.ProbeSyncServer(e.srv.URL); err == nil || uiError(t, err).Code != CodeNotAllowed {
		t.Fatalf("a Sachbearbeitung clerk may probe: %v", err)
	}
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	p, err := a.ProbeSyncServer(strings.TrimPrefix(e.srv.URL, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	if want := groupFingerprint(client.CertFingerprint(e.srv.Certificate())); p.Fingerprint != want || p.Server != e.srv.URL {
		t.Fatalf("probe %+v, want %s", p, want)
	}
	code, _, err := e.svc.NewEnrollment(context.Background(), "t-muster")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSync(SyncConnectInput{Server: p.Server, Code: code}); err == nil || uiError(t, err).Fields["fingerprint"] == "" {
		t.Fatalf("connect without a confirmed fingerprint: %v", err)
	}
	st, err := a.ConnectSync(SyncConnectInput{Server: p.Server, Code: code, Fingerprint: p.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Enrolled || st.Tenant != "t-muster" {
		t.Fatalf("status %+v", st)
	}
	// Connected, the PC signs clerks in at the OZG-Cloud: the administrator who
	// connected it was signed out, and the clerk signs in there (first with an
	// invitation code).
	if s, _ := a.Session(); s.SignedIn {
		t.Fatalf("still signed in after connecting: %+v", s.Clerk)
	}
	e.signIn(a, clerk)
	if units, err := a.SyncOrgUnits(); err != nil || len(units) != 1 || units[0].Value != "ou-1" {
		t.Fatalf("org units %v %v", units, err)
	}
	eventually(t, "online", func() bool { s, _ := a.SyncStatus(); return s.Online && s.LastSync != "" })
	return a, rt
}

// TestSyncTwoDesktops: two apps enrolled in one tenant. A case made on one appears on
// the other; a concurrent assign makes one conflict shown in both apps; resolving it
// on one closes it on both; a change the server refuses is listed with its reason.
func TestSyncTwoDesktops(t *testing.T) {
	e := newCloudEnv(t)
	a, rtA := e.desktop(e.anna.ID)
	b, _ := e.desktop(e.bernd.ID)

	// A case made on A reaches B, with a comment made afterwards.
	d := mustCase(t, a, postInput)
	eventually(t, "case on B", func() bool { _, err := b.GetCase(d.ID); return err == nil })
	if _, err := a.AddComment(d.ID, "Unterlagen vollständig"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "comment on B", func() bool { c, err := b.GetCase(d.ID); return err == nil && len(c.Comments) == 1 })
	if rtA.count(EventSyncStatus) == 0 {
		t.Error("no sync:status event")
	}

	// Both take the case while cut off: A's assign reaches the server first.
	e.setOffline(a, true)
	e.setOffline(b, true)
	if _, err := a.Assign(d.ID, e.anna.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Assign(d.ID, e.bernd.ID); err != nil {
		t.Fatal(err)
	}
	if s, _ := b.SyncStatus(); s.Pending == 0 {
		t.Fatalf("B pending %+v", s)
	}
	e.setOffline(a, false)
	eventually(t, "A pushed", func() bool { s, _ := a.SyncStatus(); return s.Pending == 0 && s.LastError == "" })
	e.setOffline(b, false)
	var conflict ConflictView
	eventually(t, "conflict on both", func() bool {
		ca, _ := a.SyncConflicts("")
		cb, _ := b.SyncConflicts(d.ID)
		if len(ca) != 1 || len(cb) != 1 || ca[0].ID != cb[0].ID {
			return false
		}
		conflict = cb[0]
		return true
	})
	if conflict.Field != model.FieldAssignee || conflict.Kind != "assignee" || conflict.ServerRaw != e.anna.ID || conflict.ClientRaw != e.bernd.ID ||
		conflict.ServerAuthor != "Anna Schmidt" || conflict.ClientAuthor != "Bernd Müller" || conflict.ServerValue != "Anna Schmidt" ||
		conflict.FileNumber != d.FileNumber || conflict.ServerAt == "" || !conflict.Open {
		t.Fatalf("conflict %+v", conflict)
	}
	if s, _ := a.SyncStatus(); s.OpenConflicts != 1 {
		t.Fatalf("A status %+v", s)
	}
	// B shows what the server kept once it pulled.
	eventually(t, "anna on B", func() bool { c, _ := b.GetCase(d.ID); return c.Assignee == e.anna.ID })

	// B keeps its own value; the resolution reaches A and closes the conflict there.
	if _, err := b.ResolveConflict(ResolveConflictInput{ID: conflict.ID, Keep: "bogus"}); err == nil {
		t.Fatal("a bogus choice was taken")
	}
	c, err := b.ResolveConflict(ResolveConflictInput{ID: conflict.ID, Keep: model.KeepClient})
	if err != nil {
		t.Fatal(err)
	}
	if c.Assignee != e.bernd.ID {
		t.Fatalf("resolved case %+v", c.Assignee)
	}
	eventually(t, "resolution on A", func() bool {
		ca, _ := a.SyncConflicts("")
		cb, _ := b.SyncConflicts("")
		c, _ := a.GetCase(d.ID)
		sa, _ := a.SyncStatus()
		return len(ca) == 0 && len(cb) == 0 && c.Assignee == e.bernd.ID && sa.OpenConflicts == 0
	})

	// A demo case exists only on this PC: the server refuses a change to it.
	page, err := a.ListCases(ListQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var local string
	for _, r := range page.Rows {
		if r.ID != d.ID {
			local = r.ID
		}
	}
	if _, err := a.AddComment(local, "Rückruf vereinbart"); err != nil {
		t.Fatal(err)
	}
	var rej []RejectedView
	eventually(t, "rejected on A", func() bool { rej, _ = a.RejectedChanges(); return len(rej) == 1 })
	if r := rej[0]; r.CaseID != local || r.Reason != "Den Vorgang gibt es in der OZG-Cloud nicht." || r.What != "Notiz hinzugefügt" || r.By != "Anna Schmidt" || r.FileNumber == "" {
		t.Fatalf("rejected %+v", r)
	}
	if s, _ := a.SyncStatus(); s.Rejected != 1 {
		t.Fatalf("status %+v", s)
	}
	left, err := a.DismissRejected(rej[0].Seq)
	if err != nil || len(left) != 0 {
		t.Fatalf("dismiss: %v %v", left, err)
	}
	if s, _ := a.SyncStatus(); s.Rejected != 0 {
		t.Fatalf("status after dismiss %+v", s)
	}
}

func TestSyncNotEnrolled(t *testing.T) {
	a, _ := newApp(t, 1)
	s, err := a.SyncStatus()
	if err != nil || s.Enrolled || s.MayConnect {
		t.Fatalf("%+v %v", s, err)
	}
	if _, err := a.SyncNow(); uiError(t, err).Code != CodeNotAllowed {
		t.Fatal(err)
	}
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	if s, _ := a.SyncStatus(); !s.MayConnect {
		t.Fatalf("%+v", s)
	}
	for in, field := range map[string]string{"": "server", "ftp://x": "server", "https://": "server"} {
		if _, err := a.ConnectSync(SyncConnectInput{Server: in, Code: "X"}); uiError(t, err).Fields[field] == "" {
			t.Errorf("%q: %v", in, err)
		}
	}
	if _, err := a.ConnectSync(SyncConnectInput{Server: "https://127.0.0.1:1", Fingerprint: "AB"}); uiError(t, err).Fields["code"] == "" {
		t.Error(err)
	}
	// Nothing listens there: a German reason, nothing stored.
	_, err = a.ProbeSyncServer("127.0.0.1:1")
	if e := uiError(t, err); !strings.Contains(e.Message, "OZG-Cloud") {
		t.Fatalf("%+v", e)
	}
	if s, _ := a.SyncStatus(); s.Enrolled {
		t.Fatal("enrolled after a failed probe")
	}
	if c, err := a.SyncConflicts(""); err != nil || len(c) != 0 {
		t.Fatal(c, err)
	}
	if r, err := a.RejectedChanges(); err != nil || len(r) != 0 {
		t.Fatal(r, err)
	}
}

// TestSyncMergedDeadline: a conflict on a deadline is settled with a third date,
// which both desktops then show.
func TestSyncMergedDeadline(t *testing.T) {
	e := newCloudEnv(t)
	a, _ := e.desktop(e.anna.ID)
	b, _ := e.desktop(e.bernd.ID)
	d := mustCase(t, a, postInput)
	eventually(t, "case on B", func() bool { _, err := b.GetCase(d.ID); return err == nil })
	e.setOffline(a, true)
	e.setOffline(b, true)
	for app, day := range map[*App]time.Time{a: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), b: time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)} {
		if _, err := app.db.Do(app.current(), d.ID, model.KindDeadline, model.DeadlinePayload{Field: model.FieldTargetDeadline, Date: &day}); err != nil {
			t.Fatal(err)
		}
	}
	e.setOffline(a, false)
	eventually(t, "A pushed", func() bool { s, _ := a.SyncStatus(); return s.Pending == 0 })
	e.setOffline(b, false)
	var c ConflictView
	eventually(t, "conflict on B", func() bool {
		cs, _ := b.SyncConflicts(d.ID)
		if len(cs) == 1 {
			c = cs[0]
		}
		return len(cs) == 1
	})
	if c.Kind != "date" || c.ServerRaw != "2026-12-10" || c.ClientRaw != "2026-12-20" || c.ServerValue != "10.12.2026" || c.FieldLabel != "Zielfrist" {
		t.Fatalf("conflict %+v", c)
	}
	if _, err := b.ResolveConflict(ResolveConflictInput{ID: c.ID, Keep: model.KeepMerged, Value: "24.12.2026"}); uiError(t, err).Fields["value"] == "" {
		t.Fatal(err)
	}
	if _, err := b.ResolveConflict(ResolveConflictInput{ID: c.ID, Keep: model.KeepMerged, Value: "2026-12-24"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "merged date on A", func() bool {
		x, _ := a.GetCase(d.ID)
		cs, _ := a.SyncConflicts("")
		return x.TargetDeadline == "2026-12-24" && len(cs) == 0
	})

	// Weiterleiten goes to an org unit the directory named.
	if _, err := a.Forward(d.ID, "ou-unbekannt", "zuständig ist das Bürgerbüro"); uiError(t, err).Fields["orgUnit"] == "" {
		t.Fatal(err)
	}
	if _, err := a.Forward(d.ID, "ou-1", ""); uiError(t, err).Fields["reason"] == "" {
		t.Fatal(err)
	}
	if _, err := a.Forward(d.ID, "ou-1", "zuständig ist das Bürgerbüro"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "forwarded on B", func() bool {
		x, _ := b.GetCase(d.ID)
		return x.Status == string(model.StatusWeitergeleitet) && x.OrgUnit == "ou-1"
	})
}

// TestSyncNotice: the store's note about a restored or copied data folder reaches the
// status bar until the clerk dismisses it.
func TestSyncNotice(t *testing.T) {
	a, _ := newApp(t, 1)
	if s, err := a.SyncStatus(); err != nil || s.Notice != "" {
		t.Fatalf("a new store has a notice: %+v %v", s, err)
	}
	if _, err := a.Sync.runner.db.RenumberOutbox(0, store.NoticeCopied); err != nil {
		t.Fatal(err)
	}
	s, err := a.SyncStatus()
	if err != nil || !strings.Contains(s.Notice, "kopiert") {
		t.Fatalf("the notice is not shown: %+v %v", s, err)
	}
	if s, err = a.DismissSyncNotice(); err != nil || s.Notice != "" {
		t.Fatalf("after Verstanden: %+v %v", s, err)
	}
	if s, _ = a.SyncStatus(); s.Notice != "" {
		t.Fatalf("the notice came back: %+v", s)
	}
}
