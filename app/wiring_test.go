package app

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/session"
	"github.com/ozgcloud/desktop/store"
)

// boundServices are the services main binds to the window, empty.
func boundServices() []any {
	return []any{&Desk{}, &Users{}, &Substitution{}, &Cases{}, &Attachments{}, &Letters{}, &Decisions{}, &Signing{}, &Printing{}, &Mailbox{}, &Sync{}}
}

// App is every service of one desktop, wired as main wires them, so that a test calls
// any bound method on one value (method names are unique across the services).
type App struct {
	*Desk
	*Users
	*Substitution
	*Cases
	*Attachments
	*Letters
	*Decisions
	*Signing
	*Printing
	*Mailbox
	*Sync

	db        *store.DB
	dataDir   string
	desk      *session.Desk
	clock     *testClock
	intake    *MailIntake
	syncr     *SyncRunner
	followUps *FollowUpWatcher
	scan      *Scan // nil: no scanner

	// What the OS would do; tests replace them.
	openPath func(path string) error
	notify   func(title, body string) error
}

func (a *App) current() model.Clerk { return a.desk.Who() }

func (a *App) letterConfig() (letterConfig, error) { return a.Letters.letterConfig() }

// SwitchClerk signs the clerk signed in out and the clerk id in with the demo
// password, as a clerk at the PC does on the sign-in screen.
func (a *App) SwitchClerk(id string) (Session, error) {
	if _, err := a.SignOut(); err != nil {
		return Session{}, err
	}
	return a.SignIn(id, demo.Password)
}

// reloadClerk signs in the first Sachbearbeitung clerk of the demo (after a test
// added the clerks).
func (a *App) reloadClerk(t *testing.T) {
	t.Helper()
	if err := demo.SeedPasswords(a.db, cloudtest.CheapParams); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SwitchClerk(demo.ClerkSachbearbeitung1); err != nil {
		t.Fatal(err)
	}
}

// testClock is the desktop's settable clock; it starts at now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newApp opens a store in a temporary folder (with demo data when demoCases > 0) and
// wires and starts a desktop on it with a fake window.
func newApp(t *testing.T, demoCases int) (*App, *fakeRuntime) {
	t.Helper()
	return newAppLogging(t, demoCases, slog.New(slog.NewTextHandler(os.Stderr, nil)))
}

func newAppLogging(t *testing.T, demoCases int, log *slog.Logger) (*App, *fakeRuntime) {
	t.Helper()
	return newAppOpts(t, demoCases, log, 0)
}

// newAppOpts is newApp with a logger and an idle time (0: the store's); opts change
// the Env before the services are made (a virus scanner: withScanner).
func newAppOpts(t *testing.T, demoCases int, log *slog.Logger, idle time.Duration, opts ...func(*Env)) (*App, *fakeRuntime) {
	t.Helper()
	dir := t.TempDir()
	clock := &testClock{t: now}
	db, err := store.Open(store.Options{Dir: dir, Device: "A7", Now: clock.Now, MaxAttachmentSize: 1 << 20, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if demoCases > 0 {
		if err := demo.Seed(db, demoCases, 1, now); err != nil {
			t.Fatal(err)
		}
	}
	rt := &fakeRuntime{}
	win := &Window{}
	win.Attach(rt)
	a := &App{db: db, dataDir: dir, clock: clock,
		openPath: func(string) error { return errors.New("no viewer in tests") },
		notify:   func(string, string) error { return nil },
	}
	a.desk = session.New(session.Options{DB: db, Remote: SignInRemote(db), Online: func() bool { return a.syncr.Online() },
		Params: cloudtest.CheapParams, Now: clock.Now, Log: log, IdleLock: idle, OnChange: SessionEvents(win)})
	env := Env{DB: db, Desk: a.desk, Window: win, DataDir: dir, Now: clock.Now, Log: log,
		OpenPath: func(p string) error { return a.openPath(p) },
		Notify:   func(title, body string) error { return a.notify(title, body) },
	}
	for _, o := range opts {
		o(&env)
	}
	a.scan = env.Scan
	a.intake, a.syncr, a.followUps = NewMailIntake(env), NewSyncRunner(env), NewFollowUpWatcher(env)
	a.Desk, a.Users, a.Substitution = NewDesk(env), NewUsers(env), NewSubstitution(env, a.syncr.SendAbsences)
	a.Cases, a.Attachments, a.Letters = NewCases(env), NewAttachments(env), NewLetters(env)
	a.Decisions, a.Signing, a.Printing = NewDecisions(env), NewSigning(env), NewPrinting(env)
	a.Mailbox, a.Sync = NewMailbox(env, a.intake), NewSync(env, a.syncr)

	forwarder, engineFeed := NewChangeForwarder(db, win), db.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{
		forwarder.Run, a.intake.Run, a.syncr.Run, a.followUps.Run, a.desk.Run,
		func(ctx context.Context) error {
			if a.scan == nil {
				return nil
			}
			return a.scan.Run(ctx)
		},
		func(ctx context.Context) error {
			return engineFeed.Run(ctx, func(c store.Change) {
				if c.Outbox {
					a.syncr.Notify()
				}
			})
		},
	} {
		wg.Go(func() { _ = run(ctx) })
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		db.Close()
	})
	if demoCases > 0 {
		a.reloadClerk(t)
	}
	return a, rt
}

// TestServicesAreSmall: no bound service has more than 30 methods, and no method name
// is bound twice (the UI composes the services into one flat API).
func TestServicesAreSmall(t *testing.T) {
	seen := map[string]string{}
	total := 0
	for _, s := range boundServices() {
		typ := reflect.TypeOf(s)
		name := typ.Elem().Name()
		if n := typ.NumMethod(); n > 30 || n == 0 {
			t.Errorf("%s has %d methods", name, n)
		}
		for i := range typ.NumMethod() {
			m := typ.Method(i).Name
			if other, ok := seen[m]; ok {
				t.Errorf("%s is bound by %s and %s", m, other, name)
			}
			seen[m] = name
		}
		total += typ.NumMethod()
		t.Logf("%s: %d methods", name, typ.NumMethod())
	}
	if total != 87 {
		t.Errorf("%d bound methods, want the 87 the UI calls", total)
	}
}
