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

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// App is every service of one desktop, wired as main wires them, so that a test calls
// any bound method on one value (method names are unique across the services).
type App struct {
	*Desk
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
	clerk     *CurrentClerk
	intake    *MailIntake
	syncr     *SyncRunner
	followUps *FollowUpWatcher

	// What the OS would do; tests replace them.
	openPath func(path string) error
	notify   func(title, body string) error
}

func (a *App) current() model.Clerk { return a.clerk.Get() }

func (a *App) letterConfig() (letterConfig, error) { return a.Letters.letterConfig() }

// reloadClerk picks the clerk again as a start would (after a test added clerks).
func (a *App) reloadClerk(t *testing.T) {
	t.Helper()
	c, err := LoadClerk(a.db)
	if err != nil {
		t.Fatal(err)
	}
	a.clerk.set(c.Get())
}

// newApp opens a store in a temporary folder (with demo data when demoCases > 0) and
// wires and starts a desktop on it with a fake window.
func newApp(t *testing.T, demoCases int) (*App, *fakeRuntime) {
	t.Helper()
	return newAppLogging(t, demoCases, slog.New(slog.NewTextHandler(os.Stderr, nil)))
}

func newAppLogging(t *testing.T, demoCases int, log *slog.Logger) (*App, *fakeRuntime) {
	t.Helper()
	dir := t.TempDir()
	clock := func() time.Time { return now }
	db, err := store.Open(store.Options{Dir: dir, Device: "A7", Now: clock, MaxAttachmentSize: 1 << 20, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if demoCases > 0 {
		if err := demo.Seed(db, demoCases, 1, now); err != nil {
			t.Fatal(err)
		}
	}
	clerk, err := LoadClerk(db)
	if err != nil {
		t.Fatal(err)
	}
	rt := &fakeRuntime{}
	win := &Window{}
	win.Attach(rt)
	a := &App{db: db, dataDir: dir, clerk: clerk,
		openPath: func(string) error { return errors.New("no viewer in tests") },
		notify:   func(string, string) error { return nil },
	}
	env := Env{DB: db, Clerk: clerk, Window: win, DataDir: dir, Now: clock, Log: log,
		OpenPath: func(p string) error { return a.openPath(p) },
		Notify:   func(title, body string) error { return a.notify(title, body) },
	}
	a.intake, a.syncr, a.followUps = NewMailIntake(env), NewSyncRunner(env), NewFollowUpWatcher(env)
	a.Desk, a.Cases, a.Attachments, a.Letters = NewDesk(env), NewCases(env), NewAttachments(env), NewLetters(env)
	a.Decisions, a.Signing, a.Printing = NewDecisions(env), NewSigning(env), NewPrinting(env)
	a.Mailbox, a.Sync = NewMailbox(env, a.intake), NewSync(env, a.syncr)

	forwarder, engineFeed := NewChangeForwarder(db, win), db.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{
		forwarder.Run, a.intake.Run, a.syncr.Run, a.followUps.Run,
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
	return a, rt
}

// TestServicesAreSmall: no bound service has more than 30 methods, and no method name
// is bound twice (the UI composes the services into one flat API).
func TestServicesAreSmall(t *testing.T) {
	seen := map[string]string{}
	total := 0
	for _, s := range []any{&Desk{}, &Cases{}, &Attachments{}, &Letters{}, &Decisions{}, &Signing{}, &Printing{}, &Mailbox{}, &Sync{}} {
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
	if total != 63 {
		t.Errorf("%d bound methods, want the 63 the UI calls", total)
	}
}
