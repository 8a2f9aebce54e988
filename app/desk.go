package app

import (
	"context"
	"errors"
	"time"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/session"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
)

// Desk is the bound service of who works at this PC: the session, the sign-in and
// lock screens (signing in online or offline, invitation codes, unlocking, signing
// out) and the input that keeps the window from locking. These are the only methods
// the window may call before a clerk signed in.
type Desk struct {
	base
	dataDir string
	fatal   string // why the store could not be opened; the UI shows only this
}

// signInTimeout bounds how long a sign-in waits for the OZG-Cloud before the PC
// signs the clerk in offline.
const signInTimeout = 15 * time.Second

// NewDesk returns the Desk of an open store.
func NewDesk(e Env) *Desk { return &Desk{base: newBase(e), dataDir: e.DataDir} }

// NewFatalDesk returns the Desk of a store that could not be opened: its Session says
// why, in German, and nothing else is bound.
func NewFatalDesk(dataDir string, err error) *Desk {
	return &Desk{dataDir: dataDir, fatal: fatalMessage(err, dataDir)}
}

func options[T any](items []T, f func(T) Option) []Option {
	out := make([]Option, 0, len(items))
	for _, it := range items {
		out = append(out, f(it))
	}
	return out
}

// Session returns who works here and what the sign-in screen and the UI need. Before
// a clerk signs in it holds nothing of the cases.
func (a *Desk) Session() (Session, error) {
	if a.fatal != "" {
		return Session{Fatal: a.fatal, DataDir: a.dataDir}, nil
	}
	m, err := a.db.Municipality()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Session{}, toError(err)
	}
	clerks, users, err := a.clerksAndUsers()
	if err != nil {
		return Session{}, err
	}
	_, enrollErr := a.db.SyncIdentity()
	st := a.desk.State()
	s := Session{
		Municipality: m.Name, Device: a.db.DeviceCode(), DataDir: a.dataDir,
		Clerk: clerkView(st.Clerk), Demo: m.Demo, Clerks: []ClerkView{}, SignInClerks: []ClerkView{},
		// A PC without clerks was never connected to the OZG-Cloud (nor made a demo).
		NeedsSetup: len(clerks) == 0,
		Connected:  enrollErr == nil,
		SignedIn:   st.SignedIn(), Locked: st.Locked, LockReason: lockReasonText(st.LockReason),
		Offline: st.Offline, Notice: noticeText(st.Notice), IdleLockSeconds: int(st.IdleLock / time.Second),
		StandsInFor: []ClerkView{},
		CaseTypes:   options(model.CaseTypes, func(t model.CaseType) Option { return Option{t.Code, t.Name} }),
		Statuses:    options(model.Statuses, func(s model.Status) Option { return Option{string(s), s.Label()} }),
		Channels: options([]model.Channel{model.ChannelPost, model.ChannelCounter},
			func(c model.Channel) Option { return Option{string(c), c.Label()} }),
		Today:              model.FormatDate(a.today()),
		MaxAttachmentBytes: a.db.MaxAttachmentSize(),
		MayAssignOthers:    st.Clerk.MayAssignOthers(),
	}
	if m.Demo {
		s.DemoPassword = demo.Password
	}
	if !st.GrantExpires.IsZero() {
		s.GrantExpires = st.GrantExpires.In(a.loc).Format(layoutDateTimeGerman)
	}
	for _, c := range clerks {
		if u := users[c.ID]; u.Active() {
			s.SignInClerks = append(s.SignInClerks, clerkView(c))
		}
	}
	if !st.SignedIn() || st.Locked {
		// The sign-in and lock screens need no more; the clerks' names of the
		// sign-in list are this PC's users, not case data.
		return s, nil
	}
	for _, c := range clerks {
		s.Clerks = append(s.Clerks, clerkView(c))
	}
	for _, id := range a.standsInFor(st.Clerk.ID) {
		if c, err := a.db.Clerk(id); err == nil {
			s.StandsInFor = append(s.StandsInFor, clerkView(c))
		}
	}
	return s, nil
}

// SignIn signs a clerk in by user name (or a clerk ID of the sign-in list) and
// password: at the OZG-Cloud when the PC is connected and reaches it, else offline
// with what this PC keeps, or against this PC's users.
func (a *Desk) SignIn(user, password string) (Session, error) {
	return a.attempt(map[string]string{"user": user, "password": password}, func(ctx context.Context) error {
		_, err := a.desk.SignIn(ctx, user, password)
		return err
	})
}

// Activate sets the password of a new (or reset) clerk with the one-time invitation
// code of the administration and signs the clerk in.
func (a *Desk) Activate(code, password string) (Session, error) {
	return a.attempt(map[string]string{"code": code, "password": password}, func(ctx context.Context) error {
		_, err := a.desk.Activate(ctx, code, password)
		return err
	})
}

// SetUpLocal makes the first user of a new PC that is not to be connected to the
// OZG-Cloud: an administrator, signed in at once, who then adds the other users.
func (a *Desk) SetUpLocal(name, password string) (Session, error) {
	return a.attempt(map[string]string{"name": name, "password": password}, func(context.Context) error {
		_, err := a.desk.SetUpFirst(name, password)
		return err
	})
}

// Unlock unlocks the window with the password of the clerk signed in.
func (a *Desk) Unlock(password string) (Session, error) {
	return a.attempt(map[string]string{"password": password}, func(ctx context.Context) error {
		_, err := a.desk.Unlock(ctx, password)
		return err
	})
}

// attempt runs a sign-in of the screens with the values it needs (each must be
// given) and a time limit for the OZG-Cloud, and returns the session after it.
func (a *Desk) attempt(values map[string]string, fn func(ctx context.Context) error) (Session, error) {
	if fields := required(values); fields != nil {
		return Session{}, &Error{Code: CodeInvalid, Message: msgCheckFields, Fields: fields}
	}
	ctx, cancel := context.WithTimeout(context.Background(), signInTimeout)
	defer cancel()
	if err := fn(ctx); err != nil {
		return Session{}, a.signInError(err)
	}
	return a.Session()
}

// Lock locks the window now ("Sperren"); the clerk stays signed in.
func (a *Desk) Lock() (Session, error) {
	a.desk.Lock(session.LockManual)
	return a.Session()
}

// SignOut signs the clerk out ("Abmelden", or "Anderer Benutzer" on the lock screen).
func (a *Desk) SignOut() (Session, error) {
	a.desk.SignOut()
	return a.Session()
}

// Touch tells that the clerk used the window (keys, mouse): the idle time starts
// again. The window calls it now and then while the clerk works.
func (a *Desk) Touch() error {
	a.desk.Touch()
	return nil
}

// SignInRemote returns how the Desk reaches the OZG-Cloud of db to sign clerks in:
// nil while the PC is not connected.
func SignInRemote(db *store.DB) func() (session.Remote, error) {
	return func() (session.Remote, error) {
		id, err := db.SyncIdentity()
		if errors.Is(err, store.ErrNotEnrolled) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return client.Dial(id.Server, id.Token, client.TLS{Fingerprint: id.Fingerprint, CAFile: id.CAFile})
	}
}

// SessionEvents tells the window of every change of who works here (signed in,
// locked, signed out), so it shows the right screen.
func SessionEvents(win *Window) func(session.State) {
	return func(session.State) { win.Emit(EventSessionChanged) }
}

// required returns a field message for each empty value, nil when none is empty.
func required(values map[string]string) map[string]string {
	var fields map[string]string
	for k, v := range values {
		if v == "" {
			if fields == nil {
				fields = map[string]string{}
			}
			fields[k] = fieldRequired
		}
	}
	return fields
}
