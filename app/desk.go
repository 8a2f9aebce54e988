package app

import (
	"errors"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Desk is the bound service of who works at this PC: the session and the clerk
// switch.
type Desk struct {
	base
	dataDir string
	fatal   string // why the store could not be opened; the UI shows only this
}

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

// Session returns who works here and the lists the UI needs.
func (a *Desk) Session() (Session, error) {
	if a.fatal != "" {
		return Session{Fatal: a.fatal, DataDir: a.dataDir}, nil
	}
	m, err := a.db.Municipality()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Session{}, toError(err)
	}
	clerks, err := a.db.Clerks()
	if err != nil {
		return Session{}, toError(err)
	}
	s := Session{
		Municipality: m.Name, Device: a.db.DeviceCode(), DataDir: a.dataDir,
		Clerk: clerkView(a.current()), Demo: m.Demo, Clerks: []ClerkView{},
		// A PC without clerks was never connected to the OZG-Cloud (nor made a demo).
		NeedsSetup: len(clerks) == 0,
		CaseTypes:  options(model.CaseTypes, func(t model.CaseType) Option { return Option{t.Code, t.Name} }),
		Statuses:   options(model.Statuses, func(s model.Status) Option { return Option{string(s), s.Label()} }),
		Channels: options([]model.Channel{model.ChannelPost, model.ChannelCounter},
			func(c model.Channel) Option { return Option{string(c), c.Label()} }),
		Today:              a.today().Format(dateLayout),
		MaxAttachmentBytes: a.db.MaxAttachmentSize(),
		MayAssignOthers:    a.current().MayAssignOthers(),
	}
	for _, c := range clerks {
		s.Clerks = append(s.Clerks, clerkView(c))
	}
	return s, nil
}

// SwitchClerk makes another clerk the current one (demo stores and PCs connected to
// the OZG-Cloud, whose clerks are the tenant's).
func (a *Desk) SwitchClerk(clerkID string) (Session, error) {
	m, err := a.db.Municipality()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Session{}, toError(err)
	}
	if st, err := a.db.SyncState(); !m.Demo && (err != nil || !st.Enrolled) {
		return Session{}, &Error{Code: CodeNotAllowed, Message: msgSwitchOnlyDemo}
	}
	c, err := a.db.Clerk(clerkID)
	if err != nil {
		return Session{}, toError(err)
	}
	if err := a.clerk.switchTo(a.db, c); err != nil {
		return Session{}, toError(err)
	}
	return a.Session()
}
