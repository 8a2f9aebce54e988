package session

import (
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
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
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// The password of the tests' clerks; it passes identity.CheckPassword.
const password = "Amtsstube-Fenster-Linde-4"

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is the real central service (cloud.Service on boltstore behind its HTTP
// handler, over TLS) and one desktop store connected to it, with a Desk.
type env struct {
	t          *testing.T
	svc        *cloud.Service
	srv        *httptest.Server
	anna, lea  cloud.User
	service    *clock // the service's clock
	pc         *clock // the desktop's clock
	db         *store.DB
	desk       *Desk
	unreached  bool // the desktop cannot reach the service
	online     bool // what the sync engine reports
	changes    []State
	changeLock sync.Mutex
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, service: &clock{t: t0}, pc: &clock{t: t0}}
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	e.svc = cloud.New(st, cloud.Options{Logger: quiet, Password: cloudtest.CheapParams, Now: e.service.Now})
	ctx := context.Background()
	if _, err := e.svc.AddTenant(ctx, "t-muster", "Gemeinde Musterhausen"); err != nil {
		t.Fatal(err)
	}
	if e.anna, err = e.svc.AddUser(ctx, "t-muster", "Anna Schmidt", model.RoleSachbearbeitung); err != nil {
		t.Fatal(err)
	}
	if e.lea, err = e.svc.AddUser(ctx, "t-muster", "Lea Vogt", model.RoleLeitung); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	e.srv = httptest.NewUnstartedServer(cloud.NewHandler(e.svc, cloud.HandlerOptions{Logger: quiet, Done: done}))
	e.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	e.srv.StartTLS()
	t.Cleanup(func() {
		close(done)
		e.srv.Close()
		st.Close()
	})
	e.db = openStore(t, e.pc)
	code, _, err := e.svc.NewEnrollment(ctx, "t-muster")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Connect(ctx, e.db, e.srv.URL, code, client.TLS{Fingerprint: client.CertFingerprint(e.srv.Certificate())}); err != nil {
		t.Fatal(err)
	}
	dir := e.directory()
	for _, u := range dir.Users {
		if err := e.db.PutClerk(model.Clerk{ID: u.ID, Name: u.Name, Role: u.Role}); err != nil {
			t.Fatal(err)
		}
	}
	e.desk = New(Options{DB: e.db, Remote: e.remote, Online: func() bool { return e.online }, Params: cloudtest.CheapParams,
		Now: e.pc.Now, OnChange: func(s State) { e.changeLock.Lock(); e.changes = append(e.changes, s); e.changeLock.Unlock() }})
	return e
}

func openStore(t *testing.T, c *clock) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{Dir: t.TempDir(), Device: "A7", Now: c.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// remote is the service as the desktop reaches it: a closed port while unreached.
func (e *env) remote() (Remote, error) {
	id, err := e.db.SyncIdentity()
	if err != nil {
		return nil, err
	}
	server := id.Server
	if e.unreached {
		server = "https://127.0.0.1:1"
	}
	return client.Dial(server, id.Token, client.TLS{Fingerprint: id.Fingerprint})
}

func (e *env) directory() wire.DirectoryResponse {
	e.t.Helper()
	id, err := e.db.SyncIdentity()
	if err != nil {
		e.t.Fatal(err)
	}
	r, err := client.Dial(id.Server, id.Token, client.TLS{Fingerprint: id.Fingerprint})
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := r.Directory(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// syncDirectory does what the sync runner does after a round.
func (e *env) syncDirectory() {
	e.t.Helper()
	if err := ApplyDirectory(e.db, e.directory(), e.pc.Now()); err != nil {
		e.t.Fatal(err)
	}
	e.desk.Revalidate()
}

// activate sets the user's password with a new invitation code through the desk.
func (e *env) activate(u cloud.User) model.Clerk {
	e.t.Helper()
	code, _, err := e.svc.Invite(context.Background(), "t-muster", u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := e.desk.Activate(context.Background(), code, password)
	if err != nil {
		e.t.Fatalf("activate %s: %v", u.Name, err)
	}
	return c
}

// setIdle sets the idle time as the test flag does.
func (e *env) setIdle(d time.Duration) {
	e.desk.override = d
	e.desk.change(func(st *State) { st.IdleLock = d })
}

func (e *env) signIn(user, pw string) (model.Clerk, error) {
	return e.desk.SignIn(context.Background(), user, pw)
}

// storeBytes returns the store file and everything beside it.
func storeBytes(t *testing.T, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(db.Dir(), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			raw, _ := os.ReadFile(p)
			b.Write(raw)
		}
		return nil
	})
	return b.String()
}

// TestSignInOnlineAndOffline: a clerk who signed in on this PC online signs in
// offline with the grant it keeps and the local verifier; a clerk who never did
// cannot; wrong passwords count; the password is stored nowhere.
func TestSignInOnlineAndOffline(t *testing.T) {
	e := newEnv(t)
	if _, err := e.desk.Clerk(); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("before sign-in: %v", err)
	}
	anna := e.activate(e.anna)
	st := e.desk.State()
	if anna.ID != e.anna.ID || st.Clerk.ID != e.anna.ID || st.Offline || st.Locked || !st.GrantExpires.Equal(t0.Add(identity.DefaultOfflinePeriod)) {
		t.Fatalf("after activation %+v", st)
	}
	u, _ := e.db.LocalUser(e.anna.ID)
	if u.Verifier == "" || u.Grant == "" || !u.GrantExpires.Equal(st.GrantExpires) {
		t.Fatalf("kept %+v", u)
	}
	e.desk.SignOut()
	if _, err := e.desk.Clerk(); !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("after sign-out: %v", err)
	}

	// Online by name, any case.
	if c, err := e.signIn("anna schmidt", password); err != nil || c.ID != e.anna.ID || e.desk.State().Offline {
		t.Fatalf("online sign-in by name: %+v %v", c, err)
	}
	e.desk.SignOut()
	// Wrong password online: the service's message, and it counts here too.
	_, err := e.signIn(e.anna.ID, "Falsches-Passwort-123")
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Wire.Reason != wire.ReasonPassword || refused.Wire.Message == "" {
		t.Fatalf("wrong password online: %v", err)
	}
	if u, _ := e.db.LocalUser(e.anna.ID); u.Lockout.Failures != 1 {
		t.Fatalf("failures here %+v", u.Lockout)
	}

	e.unreached = true
	e.pc.Add(3 * 24 * time.Hour)
	e.service.Add(3 * 24 * time.Hour)
	if _, err := e.signIn("Anna Schmidt", "Falsches-Passwort-123"); !errors.Is(err, identity.ErrWrongPassword) {
		t.Fatalf("wrong password offline: %v", err)
	}
	c, err := e.signIn("Anna Schmidt", password)
	if err != nil || c.ID != e.anna.ID || !e.desk.State().Offline {
		t.Fatalf("offline sign-in: %+v %v %+v", c, err, e.desk.State())
	}
	if u, _ := e.db.LocalUser(e.anna.ID); u.Lockout.Failures != 0 {
		t.Errorf("failures after a good sign-in %+v", u.Lockout)
	}
	e.desk.SignOut()
	// Lea never signed in here while the PC was online.
	if _, err := e.signIn("Lea Vogt", password); !errors.Is(err, ErrNeverOnline) {
		t.Fatalf("offline sign-in of a clerk without a grant: %v", err)
	}
	if _, err := e.signIn("Niemand", password); !errors.Is(err, ErrNeverOnline) {
		t.Fatalf("offline sign-in of an unknown name: %v", err)
	}
	if strings.Contains(storeBytes(t, e.db), password) {
		t.Error("the password is in the store")
	}
}

// TestOfflineGrantEnds: offline, a grant that has ended refuses with the day it
// ended; one from the future (the PC's clock behind) says the clock is off.
func TestOfflineGrantEnds(t *testing.T) {
	e := newEnv(t)
	e.activate(e.anna)
	e.desk.SignOut()
	e.unreached = true
	end := t0.Add(identity.DefaultOfflinePeriod)
	e.pc.Add(identity.DefaultOfflinePeriod)
	_, err := e.signIn(e.anna.ID, password)
	var expired *ExpiredError
	if !errors.As(err, &expired) || !expired.At.Equal(end) {
		t.Fatalf("offline after the grant ended: %v", err)
	}
	e.pc.Add(-identity.DefaultOfflinePeriod - 10*time.Minute)
	if _, err := e.signIn(e.anna.ID, password); !errors.Is(err, ErrClock) {
		t.Fatalf("offline with the clock 10 minutes behind the grant: %v", err)
	}
}

// TestClockSkewOnline: a PC whose clock is more than five minutes off the service's
// is told so, in both directions, and keeps nothing of the sign-in.
func TestClockSkewOnline(t *testing.T) {
	for _, off := range []time.Duration{-6 * time.Minute, 6 * time.Minute} {
		e := newEnv(t)
		e.activate(e.anna)
		e.desk.SignOut()
		kept, _ := e.db.LocalUser(e.anna.ID)
		e.pc.Add(off)
		if _, err := e.signIn(e.anna.ID, password); !errors.Is(err, ErrClock) {
			t.Fatalf("clock off by %s: %v", off, err)
		}
		if u, _ := e.db.LocalUser(e.anna.ID); u.Grant != kept.Grant || e.desk.State().SignedIn() {
			t.Errorf("clock off by %s: a grant was kept or the clerk signed in", off)
		}
		e.pc.Add(-off + 4*time.Minute)
		if _, err := e.signIn(e.anna.ID, password); err != nil {
			t.Errorf("clock off by 4 minutes: %v", err)
		}
	}
}

// TestIdleLockAndUnlock: without input for the idle time the window locks; only the
// same clerk's password unlocks it; input resets the time.
func TestIdleLockAndUnlock(t *testing.T) {
	e := newEnv(t)
	e.setIdle(10 * time.Minute)
	e.activate(e.anna)
	e.pc.Add(9 * time.Minute)
	e.desk.Touch()
	e.pc.Add(9 * time.Minute)
	if c, err := e.desk.Clerk(); err != nil || c.ID != e.anna.ID {
		t.Fatalf("after input 9 minutes ago: %+v %v", c, err)
	}
	e.pc.Add(time.Minute)
	if _, err := e.desk.Clerk(); !errors.Is(err, ErrScreenLocked) {
		t.Fatalf("after 10 minutes without input: %v", err)
	}
	st := e.desk.State()
	if !st.Locked || st.LockReason != LockIdle || st.Clerk.ID != e.anna.ID {
		t.Fatalf("state %+v", st)
	}
	e.desk.Touch() // input on the lock screen does not unlock
	if _, err := e.desk.Clerk(); !errors.Is(err, ErrScreenLocked) {
		t.Fatalf("touched while locked: %v", err)
	}
	if _, err := e.desk.Unlock(context.Background(), "Falsches-Passwort-123"); err == nil {
		t.Fatal("unlocked with a wrong password")
	}
	// Lea's password does not unlock Anna's window.
	e.lea.Name = "Lea Vogt"
	e.unreached = true
	if _, err := e.desk.Unlock(context.Background(), password+"x"); !errors.Is(err, identity.ErrWrongPassword) {
		t.Fatalf("offline unlock with a wrong password: %v", err)
	}
	if c, err := e.desk.Unlock(context.Background(), password); err != nil || c.ID != e.anna.ID {
		t.Fatalf("unlock: %+v %v", c, err)
	}
	if _, err := e.desk.Clerk(); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	e.desk.Lock(LockManual)
	e.desk.SignOut() // "anderer Benutzer"
	if st := e.desk.State(); st.SignedIn() || st.Locked {
		t.Fatalf("after sign-out from the lock screen %+v", st)
	}
	e.changeLock.Lock()
	n := len(e.changes)
	e.changeLock.Unlock()
	if n < 5 {
		t.Errorf("%d changes told", n)
	}
}

// TestGrantEndsWhileSignedIn: the clerk's grant ends while signed in. Online, the
// next action asks for the password, which renews the grant; cut off, the clerk
// finishes the work.
func TestGrantEndsWhileSignedIn(t *testing.T) {
	e := newEnv(t)
	e.setIdle(30 * 24 * time.Hour)
	e.activate(e.anna)
	e.pc.Add(identity.DefaultOfflinePeriod)
	e.service.Add(identity.DefaultOfflinePeriod)
	if _, err := e.desk.Clerk(); err != nil {
		t.Fatalf("offline after the grant ended: %v", err)
	}
	e.online = true
	if _, err := e.desk.Clerk(); !errors.Is(err, ErrScreenLocked) || e.desk.State().LockReason != LockGrant {
		t.Fatalf("online after the grant ended: %v %+v", err, e.desk.State())
	}
	if _, err := e.desk.Unlock(context.Background(), password); err != nil {
		t.Fatal(err)
	}
	if st := e.desk.State(); st.Locked || !st.GrantExpires.After(e.pc.Now()) {
		t.Fatalf("after unlocking online %+v", st)
	}
	// Locked for idleness while cut off after the grant ended: the local password
	// unlocks, so the clerk can finish.
	e.online, e.unreached = false, true
	e.pc.Add(identity.DefaultOfflinePeriod)
	e.desk.Lock(LockIdle)
	if _, err := e.desk.Unlock(context.Background(), password); err != nil {
		t.Fatalf("unlock offline after the grant ended: %v", err)
	}
}

// TestDeactivatedAndReset: deactivated at the service, the clerk is signed out when
// the directory says so and cannot sign in on or offline; a password reset at the
// service ends the grant and the local password that came with it.
func TestDeactivatedAndReset(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.activate(e.lea)
	e.desk.SignOut()
	e.activate(e.anna)
	if err := e.svc.Deactivate(ctx, "t-muster", e.anna.ID); err != nil {
		t.Fatal(err)
	}
	e.syncDirectory()
	if st := e.desk.State(); st.SignedIn() || st.Notice != NoticeDeactivated {
		t.Fatalf("after the directory %+v", st)
	}
	e.unreached = true
	if _, err := e.signIn(e.anna.ID, password); !errors.Is(err, ErrDeactivated) {
		t.Fatalf("offline sign-in of a deactivated clerk: %v", err)
	}
	e.unreached = false
	if u, _ := e.db.LocalUser(e.anna.ID); u.Grant != "" || u.Verifier != "" {
		t.Fatalf("kept for a deactivated clerk %+v", u)
	}

	// Lea's password is reset at the service while she works here.
	if _, err := e.signIn(e.lea.ID, password); err != nil {
		t.Fatal(err)
	}
	e.service.Add(time.Minute)
	if _, _, err := e.svc.Invite(ctx, "t-muster", e.lea.ID); err != nil {
		t.Fatal(err)
	}
	e.syncDirectory()
	if st := e.desk.State(); !st.Locked || st.LockReason != LockRevoked {
		t.Fatalf("after the reset %+v", st)
	}
	e.unreached = true
	if _, err := e.desk.Unlock(ctx, password); !errors.Is(err, ErrNeverOnline) {
		t.Fatalf("offline unlock after the reset: %v", err)
	}
	e.desk.SignOut()
	if _, err := e.signIn(e.lea.ID, password); !errors.Is(err, ErrNeverOnline) {
		t.Fatalf("offline sign-in with the old password after the reset: %v", err)
	}
	e.unreached = false
	_, err := e.signIn(e.lea.ID, password)
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Wire.Reason != wire.ReasonNoPassword {
		t.Fatalf("online sign-in after the reset: %v", err)
	}
}

// TestUserGoneFromTheDirectory: a user the directory no longer names (deleted at the
// service while this PC was offline) is signed out and cannot sign in here again,
// offline either; an empty directory (an older service) ends nothing.
func TestUserGoneFromTheDirectory(t *testing.T) {
	e := newEnv(t)
	e.activate(e.lea)
	e.desk.SignOut()
	e.activate(e.anna)
	dir := e.directory()
	if err := ApplyDirectory(e.db, wire.DirectoryResponse{GrantKey: dir.GrantKey}, e.pc.Now()); err != nil {
		t.Fatal(err)
	}
	if u, _ := e.db.LocalUser(e.anna.ID); !u.Active() || u.Grant == "" {
		t.Fatalf("an empty directory ended Anna's sign-in: %+v", u)
	}
	var others []wire.DirectoryUser
	for _, u := range dir.Users {
		if u.ID != e.anna.ID {
			others = append(others, u)
		}
	}
	dir.Users = others
	if err := ApplyDirectory(e.db, dir, e.pc.Now()); err != nil {
		t.Fatal(err)
	}
	e.desk.Revalidate()
	if st := e.desk.State(); st.SignedIn() || st.Notice != NoticeDeactivated {
		t.Fatalf("Anna still signed in: %+v", st)
	}
	e.unreached = true
	if _, err := e.signIn(e.anna.ID, password); !errors.Is(err, ErrDeactivated) {
		t.Fatalf("offline sign-in of a user gone from the directory: %v", err)
	}
	if _, err := e.signIn(e.lea.ID, password); err != nil {
		t.Fatalf("Lea, still in the directory, offline: %v", err)
	}
}

// TestRateLimited: the service limits failed sign-ins per name; the desktop passes
// the refusal on as such (the app words it).
func TestRateLimited(t *testing.T) {
	e := newEnv(t)
	var err error
	for range 12 {
		if _, err = e.signIn("Niemand Bekannt", "Falsches-Passwort-123"); err == nil {
			t.Fatal("signed in")
		}
	}
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Wire.Code != wire.CodeRateLimited {
		t.Fatalf("the 12th failure: %v", err)
	}
}

// TestActivationNeedsTheService: an invitation code of the OZG-Cloud works only
// while it answers; a weak password is refused before it is sent.
func TestActivationNeedsTheService(t *testing.T) {
	e := newEnv(t)
	code, _, err := e.svc.Invite(context.Background(), "t-muster", e.anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Activate(context.Background(), code, "Sommer2024!"); !errors.Is(err, identity.ErrPasswordCommon) {
		t.Fatalf("weak password: %v", err)
	}
	e.unreached = true
	if _, err := e.desk.Activate(context.Background(), code, password); !errors.Is(err, ErrNeedsConnection) {
		t.Fatalf("activation offline: %v", err)
	}
	e.unreached = false
	if _, err := e.desk.Activate(context.Background(), "AAAA-BBBB-CCCC-DDDD", password); err == nil {
		t.Fatal("a wrong code was taken")
	} else if refused := (*RefusedError)(nil); !errors.As(err, &refused) || refused.Wire.Reason != wire.ReasonInvitation {
		t.Fatalf("wrong code: %v", err)
	}
	if _, err := e.desk.Activate(context.Background(), code, password); err != nil {
		t.Fatal(err)
	}
}
