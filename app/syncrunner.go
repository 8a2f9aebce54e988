package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// SyncRunner runs the sync engine of an enrolled store while the app runs (Run),
// starts it when the PC is connected, fetches the tenant's directory after rounds
// that synced, and reports the status bar's state ("sync:status").
type SyncRunner struct {
	base
	win *Window

	mu       sync.Mutex
	kick     chan struct{}
	eng      *client.Client
	last     SyncStatusView // last emitted
	lastSync time.Time      // LastSync seen last, to fetch the directory after a round
	dirKick  chan struct{}  // asks the directory loop for a fetch

	// For tests: engine options (Poll, MinBackoff ...; Store, Remote and the hooks are
	// set here) and the least time between two directory fetches (default 30 s).
	opts     client.Options
	dirEvery time.Duration
}

// NewSyncRunner returns the runner; main runs it.
func NewSyncRunner(e Env) *SyncRunner {
	return &SyncRunner{base: newBase(e), win: e.Window, kick: make(chan struct{}, 1)}
}

func (r *SyncRunner) engine() *client.Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.eng
}

// restart asks the running sync to start over with the stored identity (after
// enrollment); it never waits for the network.
func (r *SyncRunner) restart() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Notify tells the engine that a local commit added to the outbox, so it pushes at
// once. Without an engine (not enrolled) it does nothing. main calls it for every
// change on the store's feed that queued mutations.
func (r *SyncRunner) Notify() {
	if e := r.engine(); e != nil {
		e.Notify()
	}
}

// Run runs the engine of an enrolled store until ctx ends, starting it anew on every
// restart, and returns nil; a store that is not enrolled waits for one.
func (r *SyncRunner) Run(ctx context.Context) error {
	for {
		var wg sync.WaitGroup
		wctx, cancel := context.WithCancel(ctx)
		if eng, dir := r.newEngine(); eng != nil {
			dirKick := make(chan struct{}, 1)
			r.mu.Lock()
			r.eng = eng
			r.dirKick = dirKick
			r.mu.Unlock()
			wg.Go(func() { _ = eng.Run(wctx) })
			wg.Go(func() { r.directoryLoop(wctx, dir, dirKick) })
		}
		r.emitStatus()
		select {
		case <-ctx.Done():
		case <-r.kick:
		}
		cancel()
		wg.Wait()
		r.mu.Lock()
		r.eng, r.dirKick = nil, nil
		r.mu.Unlock()
		if ctx.Err() != nil {
			return nil
		}
	}
}

// newEngine returns the engine and the directory of the store's sync identity, nil
// when the store is not enrolled or the identity cannot be used.
func (r *SyncRunner) newEngine() (*client.Client, client.Directory) {
	id, err := r.db.SyncIdentity()
	if err != nil {
		if !errors.Is(err, store.ErrNotEnrolled) {
			r.log.Error("sync identity", "err", err)
		}
		return nil, nil
	}
	remote, err := client.Dial(id.Server, id.Token, client.TLS{Fingerprint: id.Fingerprint, CAFile: id.CAFile})
	if err != nil {
		r.log.Error("sync: dial", "err", err)
		return nil, nil
	}
	r.mu.Lock()
	o := r.opts
	r.mu.Unlock()
	o.Store, o.Remote, o.Logger, o.Now = r.db, remote, r.log, r.now
	o.OnStatus = func(s client.Status) { r.onStatus(s) }
	return client.New(o), remote
}

func (r *SyncRunner) onStatus(s client.Status) {
	r.mu.Lock()
	advanced := s.LastSync.After(r.lastSync)
	if advanced {
		r.lastSync = s.LastSync
	}
	dirKick := r.dirKick
	r.mu.Unlock()
	if advanced && dirKick != nil {
		select {
		case dirKick <- struct{}{}:
		default:
		}
	}
	r.emitStatusView(r.view(s))
}

func (r *SyncRunner) emitStatus() {
	v, err := r.status()
	if err == nil {
		r.emitStatusView(v)
	}
}

func (r *SyncRunner) emitStatusView(v SyncStatusView) {
	r.mu.Lock()
	same := r.last == v
	r.last = v
	r.mu.Unlock()
	if !same {
		r.win.Emit(EventSyncStatus, v)
	}
}

// directoryLoop fetches the tenant's clerks and org units at start and after rounds
// that synced, at most every dirEvery.
func (r *SyncRunner) directoryLoop(ctx context.Context, dir client.Directory, kick <-chan struct{}) {
	r.mu.Lock()
	every := r.dirEvery
	r.mu.Unlock()
	if every == 0 {
		every = 30 * time.Second
	}
	for {
		fctx, cancel := context.WithTimeout(ctx, time.Minute)
		if err := r.fetchDirectory(fctx, dir); err != nil && ctx.Err() == nil {
			r.log.Warn("sync: directory", "err", err)
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

// fetchDirectory puts the tenant's users into the store as clerks, keeps its org
// units and makes sure the current clerk is one of them.
func (r *SyncRunner) fetchDirectory(ctx context.Context, dir client.Directory) error {
	d, err := directory(ctx, dir)
	if err != nil {
		return err
	}
	if err := applyDirectory(r.db, d); err != nil {
		return err
	}
	r.adoptClerk(d.Users)
	return nil
}

// adoptClerk makes sure the current clerk is one the server knows, because the server
// refuses changes by anyone else: a clerk not in the directory is replaced by the
// user of the same name, else the first user of the same role.
func (r *SyncRunner) adoptClerk(users []wire.DirectoryUser) {
	if len(users) == 0 {
		return
	}
	cur := r.current()
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
	c, err := r.db.Clerk(users[pick].ID)
	if err != nil {
		return
	}
	if err := r.clerk.switchTo(r.db, c); err != nil {
		r.log.Warn("sync: keep clerk", "err", err)
	}
}

// mayConnect says whether the clerk may connect this PC to the OZG-Cloud: the
// administration, or anyone on a PC that knows no clerk yet (a new installation: the
// one-time code from the OZG-Cloud's administration is what vouches for it).
func (a base) mayConnect() bool {
	if a.current().Role == model.RoleAdministration {
		return true
	}
	clerks, err := a.db.Clerks()
	return err == nil && len(clerks) == 0
}

func (r *SyncRunner) view(s client.Status) SyncStatusView {
	v := SyncStatusView{
		Enrolled: s.Enrolled, Online: s.Online, Syncing: s.Syncing, Pending: s.Pending,
		Rejected: s.Rejected, OpenConflicts: s.OpenConflicts, WantedBlobs: s.WantedBlobs,
		LastSync: stamp(s.LastSync, r.loc), LastError: syncMessage(s.LastErr), NextTry: stamp(s.NextTry, r.loc),
		MayConnect: r.mayConnect(),
	}
	if st, err := r.db.SyncState(); err == nil {
		v.Server, v.Tenant = st.Server, st.Tenant
	}
	return v
}

// status returns the sync state for the status bar.
func (r *SyncRunner) status() (SyncStatusView, error) {
	if e := r.engine(); e != nil {
		return r.view(e.Status()), nil
	}
	st, err := r.db.SyncState()
	if err != nil {
		return SyncStatusView{}, toError(err)
	}
	return SyncStatusView{
		Enrolled: st.Enrolled, Server: st.Server, Tenant: st.Tenant, Pending: st.Pending,
		Rejected: st.Rejected, OpenConflicts: st.OpenConflicts, WantedBlobs: st.WantedBlobs,
		LastSync:   stamp(st.LastSync, r.loc),
		MayConnect: r.mayConnect(),
	}, nil
}
