// Package app is the desktop window's side of the Go code: small services bound to
// the window (Desk, Users, Substitution, Cases, Attachments, Letters, Decisions,
// Signing, Printing, Mailbox, Sync), each a thin layer that parses what the UI
// sends, calls the packages below (session, store, decision, sign, mail,
// sync/client ...) and turns their errors into a code and a German message
// (errors.go). Who works at the PC is package session's Desk, which every service
// asks first (base.me). The long-running parts (MailIntake, SyncRunner,
// FollowUpWatcher, ChangeForwarder, the Desk's idle lock) are started by main with
// one context; main also wires everything together. Only wails.go imports Wails.
package app

import (
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/session"
	"github.com/ozgcloud/desktop/store"
)

// Env is what the services are made of; main fills it once.
type Env struct {
	DB      *store.DB
	Desk    *session.Desk // who works at this PC now: signed in, locked, or nobody
	Window  *Window       // the desktop window: events and file dialogs
	DataDir string
	Now     func() time.Time // nil = time.Now
	Log     *slog.Logger     // nil = text to stderr
	// OpenPath shows a file in the program the OS associates with it; nil = the OS's.
	OpenPath func(path string) error
	// Notify shows a desktop notification; nil = the OS's (notify-send, a toast).
	Notify func(title, body string) error
	// Scan is the virus scanning of this PC (NewScan); nil = no scanner.
	Scan *Scan
}

// base is what every service holds: the store, who works here, the clock in the
// office's time zone and the logger. Its methods are unexported, so the window binds
// none of them.
type base struct {
	db   *store.DB
	desk *session.Desk
	now  func() time.Time
	loc  *time.Location
	log  *slog.Logger
	scan *Scan // never nil: one that scans nothing when the PC has no scanner
}

func newBase(e Env) base {
	b := base{db: e.DB, desk: e.Desk, now: e.Now, log: e.Log}
	if b.now == nil {
		b.now = time.Now
	}
	if b.log == nil {
		b.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if e.DB != nil {
		b.loc = e.DB.Location()
	}
	b.scan = e.Scan
	if b.scan == nil {
		b.scan = &Scan{base: b, win: e.Window, state: "off"}
	}
	return b
}

// me returns the clerk signed in, for anything a bound method does: every bound
// method but those of the sign-in and lock screens asks it first, so that nothing of
// the cases is shown or changed before a clerk signed in, nor while the window is
// locked. The error is the *Error that sends the window to those screens.
func (a base) me() (model.Clerk, error) {
	c, err := a.desk.Clerk()
	switch {
	case errors.Is(err, session.ErrNotSignedIn):
		return model.Clerk{}, &Error{Code: CodeNotSignedIn, Message: msgNotSignedIn}
	case errors.Is(err, session.ErrScreenLocked):
		return model.Clerk{}, &Error{Code: CodeLocked, Message: msgScreenLocked}
	case err != nil:
		return model.Clerk{}, toError(err)
	}
	return c, nil
}

// admin returns the clerk signed in when they are the administration; else the
// *Error of me or one saying msg.
func (a base) admin(msg string) (model.Clerk, error) {
	me, err := a.me()
	if err != nil {
		return model.Clerk{}, err
	}
	if me.Role != model.RoleAdministration {
		return model.Clerk{}, &Error{Code: CodeNotAllowed, Message: msg}
	}
	return me, nil
}

// meOrSetup is me, or nobody on a PC that knows no clerk yet: a new installation,
// whose first start connects it to the OZG-Cloud or makes its first administrator.
func (a base) meOrSetup() (model.Clerk, error) {
	me, err := a.me()
	if err == nil {
		return me, nil
	}
	if clerks, cerr := a.db.Clerks(); cerr == nil && len(clerks) == 0 {
		return model.Clerk{}, nil
	}
	return model.Clerk{}, err
}

// current returns the clerk signed in (locked or not), or nobody: for what a view
// shows, never as the author of a change (me is).
func (a base) current() model.Clerk { return a.desk.Who() }

func (a base) today() time.Time { return model.Day(a.now(), a.loc) }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

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
