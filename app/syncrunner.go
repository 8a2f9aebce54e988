package app

import (
	"context"
	"errors"
	"io"
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
	absKick  chan struct{}  // asks the directory loop to send absences now

	// For tests: engine options (Poll, MinBackoff ...; Store, Remote and the hooks are
	// set here) and the least time between two directory fetches (default 30 s).
	opts     client.Options
	dirEvery time.Duration
}

// NewSyncRunner returns the runner; main runs it.
func NewSyncRunner(e Env) *SyncRunner {
	return &SyncRunner{base: newBase(e), win: e.Window, kick: make(chan struct{}, 1), absKick: make(chan struct{}, 1)}
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

// Online reports whether the sync engine's last round went through: the OZG-Cloud
// can sign a clerk in now. (A round the service answered with a failure leaves the
// engine "online", but a sign-in would not get through either.)
func (r *SyncRunner) Online() bool {
	e := r.engine()
	if e == nil {
		return false
	}
	s := e.Status()
	return s.Online && s.LastErr == nil
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

// directoryRemote is what the directory loop needs of the OZG-Cloud.
type directoryRemote interface {
	client.Directory
	RecordAbsence(ctx context.Context, req wire.AbsenceRequest) (wire.Absence, error)
}

// SendAbsences asks the sync to send the absences recorded here now (and to fetch
// the directory after); without an engine they wait for the next one.
func (r *SyncRunner) SendAbsences() {
	select {
	case r.absKick <- struct{}{}:
	default:
	}
}

// newEngine returns the engine and the directory of the store's sync identity, nil
// when the store is not enrolled or the identity cannot be used.
func (r *SyncRunner) newEngine() (*client.Client, directoryRemote) {
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
	o.Store, o.Remote, o.Logger, o.Now = scannedStore{DB: r.db, scan: r.scan}, remote, r.log, r.now
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
func (r *SyncRunner) directoryLoop(ctx context.Context, dir directoryRemote, kick <-chan struct{}) {
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
		case <-r.absKick:
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-r.absKick:
		}
	}
}

// fetchDirectory sends the absences recorded here, puts the tenant's users into the
// store as clerks, keeps its org units, and takes over what it says about signing in
// (grant key, deactivated users, ended grants, absences); the clerk signed in is
// signed out or asked for the password again when the directory says so.
func (r *SyncRunner) fetchDirectory(ctx context.Context, dir directoryRemote) error {
	if err := r.sendAbsences(ctx, dir); err != nil {
		return err
	}
	d, err := directory(ctx, dir)
	if err != nil {
		return err
	}
	if err := applyDirectory(r.db, d, r.now()); err != nil {
		return err
	}
	r.desk.Revalidate()
	return nil
}

// mayConnect says whether the clerk may connect this PC to the OZG-Cloud: the
// administration signed in, or anyone on a PC that knows no clerk yet (a new
// installation: the one-time code from the OZG-Cloud's administration is what
// vouches for it).
func (a base) mayConnect() bool {
	if c, err := a.desk.Clerk(); err == nil && c.Role == model.RoleAdministration {
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
		MayConnect: r.mayConnect(), Notice: syncNoticeText(s.Notice, s.NoticeDetail),
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
		MayConnect: r.mayConnect(), Notice: syncNoticeText(st.Notice, st.NoticeDetail),
	}, nil
}

// scannedStore is the store as the sync engine sees it: every attachment it
// downloads goes to the virus scanner, which the engine does not wait for; until the
// verdict the file does not open (Scan.MayOpen).
type scannedStore struct {
	*store.DB
	scan *Scan
}

var _ client.Store = scannedStore{}

// PlaceBlob stores the downloaded attachment and has it scanned.
func (s scannedStore) PlaceBlob(sha string, r io.Reader) error {
	if err := s.DB.PlaceBlob(sha, r); err != nil {
		return err
	}
	s.scan.Enqueue(sha)
	return nil
}
