package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// EventSyncStatus ("sync:status", payload SyncStatusView) is emitted whenever what the
// status bar shows about the sync may have changed. Pulled cases emit "cases:changed".
const EventSyncStatus = "sync:status"

// syncRunner is the state of the sync engine between its goroutine and the UI.
type syncRunner struct {
	mu       sync.Mutex
	kick     chan struct{}
	engine   *client.Client
	last     SyncStatusView // last emitted
	lastSync time.Time      // LastSync seen last, to fetch the directory after a round
	dirKick  chan struct{}  // asks the directory loop for a fetch

	// For tests: engine options (Poll, MinBackoff ...; Store, Remote and the hooks are
	// set here) and the least time between two directory fetches (default 30 s).
	opts     client.Options
	dirEvery time.Duration
}

func (r *syncRunner) kicker() chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kick == nil {
		r.kick = make(chan struct{}, 1)
	}
	return r.kick
}

func (r *syncRunner) current() *client.Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.engine
}

// restartSync asks the running sync to start over with the stored identity (after
// enrollment); it never waits for the network.
func (a *App) restartSync() {
	select {
	case a.syncr.kicker() <- struct{}{}:
	default:
	}
}

// syncNotify tells the engine that a local commit added to the outbox, so it pushes
// at once. Without an engine (not enrolled) it does nothing.
func (a *App) syncNotify() {
	if e := a.syncr.current(); e != nil {
		e.Notify()
	}
}

// runSync runs the engine of an enrolled store until ctx ends, starting it anew on
// every restartSync; a store that is not enrolled waits for one.
func (a *App) runSync(ctx context.Context) {
	kick := a.syncr.kicker()
	for {
		var wg sync.WaitGroup
		wctx, cancel := context.WithCancel(ctx)
		if eng, dir := a.newEngine(); eng != nil {
			dirKick := make(chan struct{}, 1)
			a.syncr.mu.Lock()
			a.syncr.engine = eng
			a.syncr.dirKick = dirKick
			a.syncr.mu.Unlock()
			wg.Go(func() { _ = eng.Run(wctx) })
			wg.Go(func() { a.directoryLoop(wctx, dir, dirKick) })
		}
		a.emitSyncStatus()
		select {
		case <-ctx.Done():
		case <-kick:
		}
		cancel()
		wg.Wait()
		a.syncr.mu.Lock()
		a.syncr.engine, a.syncr.dirKick = nil, nil
		a.syncr.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
	}
}

// newEngine returns the engine and the directory of the store's sync identity, nil
// when the store is not enrolled or the identity cannot be used.
func (a *App) newEngine() (*client.Client, client.Directory) {
	id, err := a.db.SyncIdentity()
	if err != nil {
		if !errors.Is(err, store.ErrNotEnrolled) {
			a.log.Error("sync identity", "err", err)
		}
		return nil, nil
	}
	r, err := client.Dial(id.Server, id.Token, client.TLS{Fingerprint: id.Fingerprint, CAFile: id.CAFile})
	if err != nil {
		a.log.Error("sync: dial", "err", err)
		return nil, nil
	}
	a.syncr.mu.Lock()
	o := a.syncr.opts
	a.syncr.mu.Unlock()
	o.Store, o.Remote, o.Logger, o.Now = a.db, r, a.log, a.now
	o.OnStatus = func(s client.Status) { a.onSyncStatus(s) }
	return client.New(o), r
}

func (a *App) onSyncStatus(s client.Status) {
	a.syncr.mu.Lock()
	advanced := s.LastSync.After(a.syncr.lastSync)
	if advanced {
		a.syncr.lastSync = s.LastSync
	}
	dirKick := a.syncr.dirKick
	a.syncr.mu.Unlock()
	if advanced && dirKick != nil {
		select {
		case dirKick <- struct{}{}:
		default:
		}
	}
	a.emitStatusView(a.statusView(s))
}

func (a *App) emitSyncStatus() {
	v, err := a.syncStatus()
	if err == nil {
		a.emitStatusView(v)
	}
}

func (a *App) emitStatusView(v SyncStatusView) {
	a.syncr.mu.Lock()
	same := a.syncr.last == v
	a.syncr.last = v
	a.syncr.mu.Unlock()
	if !same {
		a.runtime().Emit(EventSyncStatus, v)
	}
}

// directoryLoop fetches the tenant's clerks and org units at start and after rounds
// that synced, at most every dirEvery.
func (a *App) directoryLoop(ctx context.Context, dir client.Directory, kick <-chan struct{}) {
	a.syncr.mu.Lock()
	every := a.syncr.dirEvery
	a.syncr.mu.Unlock()
	if every == 0 {
		every = 30 * time.Second
	}
	for {
		fctx, cancel := context.WithTimeout(ctx, time.Minute)
		if err := a.fetchDirectory(fctx, dir); err != nil && ctx.Err() == nil {
			a.log.Warn("sync: directory", "err", err)
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
		select {
		case <-ctx.Done():
			return
		case <-kick:
		}
	}
}

// fetchDirectory puts the tenant's users into the store as clerks and keeps its org
// units. An older server without the directory answers 404; the clerks stay as they
// are then.
func (a *App) fetchDirectory(ctx context.Context, dir client.Directory) error {
	d, err := dir.Directory(ctx)
	var we *wire.Error
	if errors.As(err, &we) && we.Code == wire.CodeNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	return a.applyDirectory(d)
}

func (a *App) applyDirectory(d wire.DirectoryResponse) error {
	m, err := a.db.Municipality()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	for _, u := range d.Users {
		old, err := a.db.Clerk(u.ID)
		if err == nil && old.Name == u.Name && old.Role == u.Role {
			continue
		}
		c := model.Clerk{ID: u.ID, Name: u.Name, Role: u.Role, OrgUnit: m.OrgUnit}
		if err == nil {
			c.OrgUnit, c.Email, c.Phone = old.OrgUnit, old.Email, old.Phone
		}
		if err := a.db.PutClerk(c); err != nil {
			return fmt.Errorf("app: directory clerk %s: %w", u.ID, err)
		}
	}
	units := make([]store.OrgUnit, 0, len(d.OrgUnits))
	for _, o := range d.OrgUnits {
		units = append(units, store.OrgUnit{ID: o.ID, Name: o.Name})
	}
	if err := a.db.SetOrgUnits(units); err != nil {
		return fmt.Errorf("app: directory org units: %w", err)
	}
	a.adoptClerk(d.Users)
	return nil
}

// adoptClerk makes sure the current clerk is one the server knows, because the server
// refuses changes by anyone else: a clerk not in the directory is replaced by the
// user of the same name, else the first user of the same role.
func (a *App) adoptClerk(users []wire.DirectoryUser) {
	if len(users) == 0 {
		return
	}
	cur := a.current()
	pick := -1
	for i, u := range users {
		if u.ID == cur.ID {
			return
		}
		if pick < 0 && u.Name == cur.Name {
			pick = i
		}
	}
	for i, u := range users {
		if pick < 0 && u.Role == cur.Role {
			pick = i
		}
	}
	if pick < 0 {
		pick = 0
	}
	c, err := a.db.Clerk(users[pick].ID)
	if err != nil {
		return
	}
	if err := a.db.SetCurrentClerk(c.ID); err != nil {
		a.log.Warn("sync: keep clerk", "err", err)
	}
	a.mu.Lock()
	a.clerk = c
	a.mu.Unlock()
}

// --- status ---

func (a *App) statusView(s client.Status) SyncStatusView {
	v := SyncStatusView{
		Enrolled: s.Enrolled, Online: s.Online, Syncing: s.Syncing, Pending: s.Pending,
		Rejected: s.Rejected, OpenConflicts: s.OpenConflicts, WantedBlobs: s.WantedBlobs,
		LastSync: stamp(s.LastSync, a.loc), LastError: s.LastError, NextTry: stamp(s.NextTry, a.loc),
		MayConnect: a.current().Role == model.RoleAdministration,
	}
	if st, err := a.db.SyncState(); err == nil {
		v.Server, v.Tenant = st.Server, st.Tenant
	}
	return v
}

func (a *App) syncStatus() (SyncStatusView, error) {
	if err := a.ready(); err != nil {
		return SyncStatusView{}, err
	}
	if e := a.syncr.current(); e != nil {
		return a.statusView(e.Status()), nil
	}
	st, err := a.db.SyncState()
	if err != nil {
		return SyncStatusView{}, toError(err)
	}
	return SyncStatusView{
		Enrolled: st.Enrolled, Server: st.Server, Tenant: st.Tenant, Pending: st.Pending,
		Rejected: st.Rejected, OpenConflicts: st.OpenConflicts, WantedBlobs: st.WantedBlobs,
		LastSync:   stamp(st.LastSync, a.loc),
		MayConnect: a.current().Role == model.RoleAdministration,
	}, nil
}

func (a *App) syncNow() (SyncStatusView, error) {
	if err := a.ready(); err != nil {
		return SyncStatusView{}, err
	}
	e := a.syncr.current()
	if e == nil {
		return SyncStatusView{}, &Error{Code: CodeNotAllowed, Message: "Dieser PC ist noch nicht mit der OZG-Cloud verbunden."}
	}
	e.SyncNow()
	return a.statusView(e.Status()), nil
}

// --- connect ---

func (a *App) requireSyncAdmin() error {
	if err := a.ready(); err != nil {
		return err
	}
	if a.current().Role != model.RoleAdministration {
		return &Error{Code: CodeNotAllowed, Message: "Mit der OZG-Cloud verbinden darf nur die Administration."}
	}
	return nil
}

// serverAddress accepts "host:port" or an https URL and returns the base URL.
func serverAddress(s string) (string, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "/")
	bad := &Error{Code: CodeInvalid, Message: "Bitte prüfen Sie die Adresse des Servers.",
		Fields: map[string]string{"server": "Bitte eine Adresse wie https://ozg.example.de:8443 angeben."}}
	if s == "" {
		return "", bad
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" || strings.HasSuffix(u.Host, ":") || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.User != nil {
		return "", bad
	}
	return u.Scheme + "://" + u.Host + u.Path, nil
}

// groupFingerprint writes a hex fingerprint as "AB:CD:...", as administrators compare
// it with what the server printed.
func groupFingerprint(hex string) string {
	hex = strings.ToUpper(hex)
	var b strings.Builder
	for i := 0; i < len(hex); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(hex[i:min(i+2, len(hex))])
	}
	return b.String()
}

func syncError(err error, field string) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	out := &Error{Code: CodeInvalid, Message: client.Message(err)}
	if field != "" {
		out.Fields = map[string]string{field: out.Message}
	}
	return out
}

func (a *App) probeSync(server string) (SyncProbe, error) {
	if err := a.requireSyncAdmin(); err != nil {
		return SyncProbe{}, err
	}
	addr, err := serverAddress(server)
	if err != nil {
		return SyncProbe{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fp, err := client.Fingerprint(ctx, addr)
	if err != nil {
		return SyncProbe{}, syncError(err, "server")
	}
	return SyncProbe{Server: addr, Fingerprint: groupFingerprint(fp)}, nil
}

func (a *App) chooseSyncCAFile() (string, error) {
	if err := a.requireSyncAdmin(); err != nil {
		return "", err
	}
	paths, err := a.runtime().OpenFiles("Zertifikat der Zertifizierungsstelle (PEM) wählen")
	if err != nil {
		return "", &Error{Code: CodeUnreadable, Message: "Die Dateiauswahl konnte nicht geöffnet werden."}
	}
	if len(paths) == 0 {
		return "", nil
	}
	return paths[0], nil
}

func (a *App) connectSync(in SyncConnectInput) (SyncStatusView, error) {
	if err := a.requireSyncAdmin(); err != nil {
		return SyncStatusView{}, err
	}
	addr, err := serverAddress(in.Server)
	if err != nil {
		return SyncStatusView{}, err
	}
	code := strings.TrimSpace(in.Code)
	if code == "" {
		return SyncStatusView{}, &Error{Code: CodeInvalid, Message: "Bitte geben Sie den Anmeldecode ein.",
			Fields: map[string]string{"code": "Bitte den Anmeldecode eingeben."}}
	}
	t := client.TLS{Fingerprint: strings.TrimSpace(in.Fingerprint), CAFile: strings.TrimSpace(in.CAFile)}
	if t.Fingerprint == "" && t.CAFile == "" && strings.HasPrefix(addr, "https://") {
		return SyncStatusView{}, &Error{Code: CodeInvalid, Message: "Bitte bestätigen Sie den Fingerabdruck des Servers oder wählen Sie eine Zertifikatsdatei.",
			Fields: map[string]string{"fingerprint": "Bitte den Fingerabdruck bestätigen."}}
	}
	if t.Fingerprint != "" {
		t.CAFile = ""
	}
	if st, err := a.db.SyncState(); err == nil && st.Enrolled {
		return SyncStatusView{}, &Error{Code: CodeNotAllowed, Message: "Dieser PC ist bereits mit der OZG-Cloud verbunden (" + st.Server + ")."}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id, err := client.Connect(ctx, a.db, addr, code, t)
	if err != nil {
		a.log.Warn("sync: connect", "err", err)
		return SyncStatusView{}, syncError(err, "code")
	}
	a.log.Info("sync: enrolled", "tenant", id.Tenant, "device", id.DeviceCode)
	if m, err := a.db.Municipality(); err == nil && m.Tenant != id.Tenant {
		m.Tenant = id.Tenant
		if err := a.db.SetMunicipality(m); err != nil {
			a.log.Warn("sync: municipality tenant", "err", err)
		}
	}
	// The clerks come before the first push, which the server checks against them.
	if r, err := client.Dial(id.Server, id.Token, client.TLS{Fingerprint: id.Fingerprint, CAFile: id.CAFile}); err == nil {
		if err := a.fetchDirectory(ctx, r); err != nil {
			a.log.Warn("sync: directory", "err", err)
		}
	}
	a.restartSync()
	return a.syncStatus()
}

// orgUnits returns the tenant's org units from the last directory fetch.
func (a *App) orgUnits() ([]Option, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	units, err := a.db.OrgUnits()
	if err != nil {
		return nil, toError(err)
	}
	out := make([]Option, 0, len(units))
	for _, u := range units {
		out = append(out, Option{Value: u.ID, Label: u.Name})
	}
	return out, nil
}
