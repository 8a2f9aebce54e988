// Package app is the desktop window's side of the Go code: small services bound to
// the window (Desk, Cases, Attachments, Letters, Decisions, Signing, Printing,
// Mailbox, Sync), each a thin layer that parses what the UI sends, calls the packages
// below (store, decision, sign, mail, sync/client ...) and turns their errors into a
// code and a German message (errors.go). The long-running parts (MailIntake,
// SyncRunner, FollowUpWatcher, ChangeForwarder) are started by main with one context;
// main also wires everything together. Only wails.go imports Wails.
package app

import (
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Env is what the services are made of; main fills it once.
type Env struct {
	DB      *store.DB
	Clerk   *CurrentClerk // the clerk working at this PC now
	Window  *Window       // the desktop window: events and file dialogs
	DataDir string
	Now     func() time.Time // nil = time.Now
	Log     *slog.Logger     // nil = text to stderr
	// OpenPath shows a file in the program the OS associates with it; nil = the OS's.
	OpenPath func(path string) error
	// Notify shows a desktop notification; nil = the OS's (notify-send, a toast).
	Notify func(title, body string) error
}

// base is what every service holds: the store, the clerk working here, the clock in
// the office's time zone and the logger. Its methods are unexported, so the window
// binds none of them.
type base struct {
	db    *store.DB
	clerk *CurrentClerk
	now   func() time.Time
	loc   *time.Location
	log   *slog.Logger
}

func newBase(e Env) base {
	b := base{db: e.DB, clerk: e.Clerk, now: e.Now, log: e.Log}
	if b.now == nil {
		b.now = time.Now
	}
	if b.log == nil {
		b.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if e.DB != nil {
		b.loc = e.DB.Location()
	}
	if b.clerk == nil {
		b.clerk = &CurrentClerk{}
	}
	return b
}

func (a base) current() model.Clerk { return a.clerk.Get() }

func (a base) today() time.Time { return model.Day(a.now(), a.loc) }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// CurrentClerk is the clerk working at this PC now, shared by every service.
type CurrentClerk struct {
	mu    sync.Mutex
	clerk model.Clerk
}

// LoadClerk returns the clerk the app starts as: the one chosen last, else the first
// Sachbearbeitung clerk, else the first one; nobody in a store without clerks (a new
// PC not yet connected to the OZG-Cloud).
func LoadClerk(db *store.DB) (*CurrentClerk, error) {
	clerks, err := db.Clerks()
	if err != nil {
		return nil, err
	}
	cur := &CurrentClerk{}
	if len(clerks) == 0 {
		return cur, nil
	}
	id, err := db.CurrentClerk()
	if err != nil {
		return nil, err
	}
	pick := clerks[0]
	for _, c := range clerks {
		if c.Role == model.RoleSachbearbeitung {
			pick = c
			break
		}
	}
	for _, c := range clerks {
		if c.ID == id {
			pick = c
		}
	}
	cur.clerk = pick
	return cur, nil
}

// Get returns the clerk working now; the zero Clerk when nobody is known yet.
func (c *CurrentClerk) Get() model.Clerk {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clerk
}

// switchTo makes clerk the current one, here and in the store for the next start.
func (c *CurrentClerk) switchTo(db *store.DB, clerk model.Clerk) error {
	if err := db.SetCurrentClerk(clerk.ID); err != nil {
		return err
	}
	c.set(clerk)
	return nil
}

func (c *CurrentClerk) set(clerk model.Clerk) {
	c.mu.Lock()
	c.clerk = clerk
	c.mu.Unlock()
}

// Runtime is what the app needs of the desktop window; wails.go adapts Wails' runtime
// to it, tests use a fake.
type Runtime interface {
	Emit(event string, data ...any)
	OpenFiles(title string) ([]string, error)
}

// Window is the desktop window as the services see it. Until main attaches the
// window's runtime, events go nowhere and file dialogs choose nothing.
type Window struct {
	mu sync.Mutex
	rt Runtime
}

// Attach makes rt the window's runtime.
func (w *Window) Attach(rt Runtime) {
	w.mu.Lock()
	w.rt = rt
	w.mu.Unlock()
}

func (w *Window) runtime() Runtime {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rt
}

// Emit sends an event to the UI.
func (w *Window) Emit(event string, data ...any) {
	if rt := w.runtime(); rt != nil {
		rt.Emit(event, data...)
	}
}

// OpenFiles asks the clerk for files with the OS dialog; nil when cancelled.
func (w *Window) OpenFiles(title string) ([]string, error) {
	if rt := w.runtime(); rt != nil {
		return rt.OpenFiles(title)
	}
	return nil, nil
}

// chooseOne asks for one file; "" when cancelled. The error is the German *Error of
// a dialog that could not be opened.
func (w *Window) chooseOne(title string) (string, error) {
	paths, err := w.OpenFiles(title)
	if err != nil {
		return "", &Error{Code: CodeUnreadable, Message: msgDialogFailed}
	}
	if len(paths) == 0 {
		return "", nil
	}
	return paths[0], nil
}
