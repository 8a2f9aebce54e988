package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Store is the local case store as the engine uses it; *store.DB implements it. The
// engine never holds a store transaction across a network call.
type Store interface {
	outbox
	changeLog
	files
	// SyncState returns the store's sync counters for the status bar.
	SyncState() (store.SyncState, error)
	// Dir is the store's folder; downloads in progress go below it.
	Dir() string
}

// outbox is the store as push uses it.
type outbox interface {
	Outbox(after uint64, limit int) ([]model.Mutation, error)
	AckPush(store.PushAck) error
	fence
}

// changeLog is the store as pull uses it.
type changeLog interface {
	SyncCursor() (uint64, error)
	SyncEpoch() (string, error)
	ResetSyncCursor() error
	Resync() error
	ApplyPulled(store.PulledPage) (int, error)
	SettleUnsure() (int, error)
}

var _ Store = (*store.DB)(nil)

// Options configure New; zero values take the defaults named.
type Options struct {
	Store  Store
	Remote Remote
	Logger *slog.Logger // nil = discard
	Now    func() time.Time
	// Rand returns a number in [0, 1) for the backoff jitter; nil = math/rand/v2.
	Rand func() float64
	// After is the timer; nil = time.After. Tests inject a fake clock here.
	After func(time.Duration) <-chan time.Time
	// Poll is how often the engine pulls without a poke (the fallback when the event
	// stream is down or a proxy swallows it); 0 = 1 minute.
	Poll time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed round; the wait doubles
	// from MinBackoff with every failure in a row. 0 = 2 s and 5 min.
	MinBackoff, MaxBackoff time.Duration
	// PageLimit is the number of changes asked for per page; 0 = 2000.
	PageLimit int
	// PushBatch is the number of mutations per push; 0 (or more than the protocol
	// allows) = wire.MaxPushBatch.
	PushBatch int
	// PartialDir holds downloads in progress; "" = <store dir>/sync-partial.
	PartialDir string
	// OnStatus, when set, is called (from the engine's goroutine) whenever the state
	// the status bar shows may have changed.
	OnStatus func(Status)
}

// Client is the sync engine of one store. Run drives it; Notify and SyncNow wake it.
// The store stays fully usable while it runs: the engine never holds a store
// transaction across a network call, so a clerk's save never waits for the network.
type Client struct {
	o       Options
	db      Store
	remote  Remote
	log     *slog.Logger
	partial string

	wake chan struct{} // a local commit, a poke or "Jetzt synchronisieren"
	now  chan struct{} // "Jetzt synchronisieren" during backoff

	mu       sync.Mutex
	online   bool
	syncing  bool
	lastErr  error
	lastOK   time.Time // end of the last successful round
	nextTry  time.Time
	requeued bool                // a probe put acknowledged work back into the outbox
	uploaded map[string]bool     // blobs the server has whole
	hashes   map[string][]string // chunk hashes of blobs being uploaded
}

// New returns an engine for o.Store and o.Remote.
func New(o Options) *Client {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Poll <= 0 {
		o.Poll = time.Minute
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 2 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.PageLimit <= 0 {
		o.PageLimit = 2000
	}
	if o.PushBatch <= 0 || o.PushBatch > wire.MaxPushBatch {
		o.PushBatch = wire.MaxPushBatch
	}
	if o.PartialDir == "" {
		o.PartialDir = filepath.Join(o.Store.Dir(), "sync-partial")
	}
	return &Client{
		o:        o,
		db:       o.Store,
		remote:   o.Remote,
		log:      o.Logger,
		partial:  o.PartialDir,
		wake:     make(chan struct{}, 1),
		now:      make(chan struct{}, 1),
		uploaded: map[string]bool{},
		hashes:   map[string][]string{},
	}
}

// Notify tells the engine that a local commit added to the outbox; it pushes at once
// (unless it is waiting out a backoff). The app calls it after every write.
func (c *Client) Notify() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// SyncNow asks for a round at once, even during a backoff ("Jetzt synchronisieren").
func (c *Client) SyncNow() {
	c.Notify()
	select {
	case c.now <- struct{}{}:
	default:
	}
}

// Status is what the status bar shows.
type Status struct {
	Enrolled      bool
	Online        bool // the last round reached the server
	Syncing       bool // a round is running
	Pending       int  // local changes not yet at the server
	Rejected      int  // changes the server refused, not dismissed yet
	OpenConflicts int
	WantedBlobs   int       // attachments still to download
	LastSync      time.Time // zero: never
	LastErr       error     // why the last round failed; nil when it succeeded (the app words it)
	NextTry       time.Time // when a failed round is retried; zero when not waiting
	// Notice is the kind of the note about a restored or copied data folder, a
	// restored central service or a duplicate file number (NoticeDetail: the file
	// numbers), until the clerk dismisses it (store.DB.DismissNotice); the app
	// words it.
	Notice       store.NoticeKind
	NoticeDetail string
}

// Status returns the engine's and the store's state.
func (c *Client) Status() Status {
	st, err := c.db.SyncState()
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Status{
		Enrolled: st.Enrolled, Online: c.online, Syncing: c.syncing,
		Pending: st.Pending, Rejected: st.Rejected, OpenConflicts: st.OpenConflicts,
		WantedBlobs: st.WantedBlobs, LastSync: st.LastSync, NextTry: c.nextTry,
		Notice: st.Notice, NoticeDetail: st.NoticeDetail,
	}
	// The store records the last round that changed something; a round that found
	// nothing to do is a sync too.
	if c.lastOK.After(s.LastSync) {
		s.LastSync = c.lastOK
	}
	if c.lastErr != nil {
		s.LastErr = c.lastErr
	} else if err != nil {
		s.LastErr = fmt.Errorf("%w: %w", ErrState, err)
	}
	return s
}

func (c *Client) changed() {
	if c.o.OnStatus != nil {
		c.o.OnStatus(c.Status())
	}
}

// Run syncs until ctx ends, then returns nil. It runs a round at once, then after
// every Notify, every poke of the event stream, every Poll interval and every
// SyncNow; a failed round is retried after an exponential backoff with jitter. An
// error that retrying cannot fix (a revoked token, another protocol version) is shown
// in Status and retried at the longest backoff, in case an administrator fixes it.
func (c *Client) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wg.Go(func() { c.events(ctx) })

	failures := 0
	for {
		err := c.Sync(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var wait time.Duration
		if err != nil {
			failures++
			wait = c.Backoff(failures)
			if !Retryable(err) {
				wait = c.o.MaxBackoff
			}
			c.log.Warn("sync: round failed", "err", err, "retry", wait)
			c.mu.Lock()
			c.nextTry = c.o.Now().Add(wait)
			c.mu.Unlock()
			c.changed()
			select {
			case <-ctx.Done():
				return nil
			case <-c.o.After(wait):
			case <-c.now:
			}
			continue
		}
		failures = 0
		select {
		case <-ctx.Done():
			return nil
		case <-c.wake:
		case <-c.now:
		case <-c.o.After(c.o.Poll):
		}
	}
}

// Backoff returns the wait after the n-th failure in a row (n >= 1): MinBackoff
// doubled n-1 times, at most MaxBackoff, then jittered to between half and all of it,
// so PCs that lost the network together do not return together.
func (c *Client) Backoff(n int) time.Duration {
	d := c.o.MinBackoff
	for i := 1; i < n && d < c.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.o.MaxBackoff)
	return d/2 + time.Duration(c.o.Rand()*float64(d/2))
}

// events keeps the event stream open and wakes the engine when the tenant's log grows
// beyond the store's cursor.
func (c *Client) events(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		ch, err := c.remote.Events(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
			select {
			case <-ctx.Done():
				return
			case <-c.o.After(c.Backoff(failures)):
			}
			continue
		}
		failures = 0
		for seq := range ch {
			if cur, err := c.db.SyncCursor(); err == nil && seq <= cur {
				continue
			}
			c.Notify()
		}
	}
}

// Sync runs one round: upload and push the whole outbox, pull until the log has no
// more, download missing attachments. Run calls it; tests and benchmarks call it
// directly.
func (c *Client) Sync(ctx context.Context) error {
	c.mu.Lock()
	c.syncing = true
	c.mu.Unlock()
	c.changed()
	err := c.push(ctx)
	if err == nil {
		err = c.pull(ctx)
	}
	if err == nil {
		// This pull started after every push answer of the round and reached the
		// end of the log: a mutation answered "skipped" without a change in it was
		// rejected in an answer that got lost.
		_, err = c.db.SettleUnsure()
	}
	if err == nil {
		// The pull may have seen a new run of the service, which may be a restore.
		err = c.probe(ctx)
	}
	if err == nil && c.requeued {
		// A restored service lost acknowledged work, which went back into the
		// outbox while this round pulled everything again.
		c.requeued = false
		err = c.push(ctx)
	}
	if err == nil {
		err = c.downloads(ctx)
	}
	c.mu.Lock()
	c.syncing = false
	c.lastErr = err
	// Online means the server answered; a refusal is an answer too.
	c.online = err == nil || isServerAnswer(err) || errors.Is(err, ErrProtocol)
	if err == nil {
		c.nextTry = time.Time{}
		c.lastOK = c.o.Now()
	}
	c.mu.Unlock()
	c.changed()
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func isServerAnswer(err error) bool {
	var we *wire.Error
	return errors.As(err, &we)
}

// push sends the outbox in order, in batches, until it is empty. Each mutation is
// consumed once by the server whatever happens to the answers, because it carries
// its seq: a batch resent after a lost answer comes back as skipped. A push the
// service fences (a restored or copied data folder, a restored service: see
// fence.go) is sent again once the store has done what the fence asks.
func (c *Client) push(ctx context.Context) error {
	if err := c.probe(ctx); err != nil {
		return err
	}
	fences := 0
	for {
		batch, err := c.db.Outbox(0, c.o.PushBatch)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, m := range batch {
			for _, sha := range blobsOf(m) {
				if err := c.upload(ctx, sha); err != nil {
					return fmt.Errorf("client: upload attachment of %s: %w", m.ID, err)
				}
			}
		}
		f, err := c.db.SyncFence()
		if err != nil {
			return err
		}
		req := wire.PushRequest{Incarnation: f.Incarnation, Replaces: f.Replaces, Acked: f.Acked, Mutations: batch}
		resp, err := c.remote.Push(ctx, req)
		if err != nil {
			return fmt.Errorf("client: push: %w", err)
		}
		if resp.Fence != "" {
			if fences++; fences > maxFences {
				return fmt.Errorf("%w: push fenced %d times in a row (%s)", ErrProtocol, fences, resp.Fence)
			}
			if err := c.fenced(ctx, resp); err != nil {
				return err
			}
			c.changed()
			continue
		}
		if resp.LastSeq < batch[0].Seq {
			return fmt.Errorf("%w: server is at seq %d, the outbox starts at %d", ErrProtocol, resp.LastSeq, batch[0].Seq)
		}
		ack := ackOf(resp)
		if end := batch[len(batch)-1].Seq; ack.LastSeq > end {
			// The service consumed seqs after this batch; whether they are the
			// outbox's (a lost answer) or another store's (a copy of this data
			// folder) only their sums tell, so they are sent, not taken as done.
			ack.LastSeq = end
		}
		if err := c.db.AckPush(ack); err != nil {
			return err
		}
		c.changed()
	}
}

// pull applies pages of the change log until the server has no more. A page that
// does not fit the cases here (store.ErrStale: a patch of a state this PC does not
// hold, which the store's rules should never let happen) is not applied; the store's
// cursor goes back to the start and everything is pulled again, which brings every
// case whole.
func (c *Client) pull(ctx context.Context) error {
	err := c.pullPages(ctx)
	if errors.Is(err, errResync) {
		c.log.Warn("sync: the central service no longer holds the change at this PC's cursor (restored from a backup); pulling everything again")
		if err := c.db.Resync(); err != nil {
			return err
		}
		if err := c.probe(ctx); err != nil {
			return err
		}
		err = c.pullPages(ctx)
	}
	if errors.Is(err, store.ErrStale) {
		c.log.Warn("sync: a pulled change does not fit a case here; pulling everything again", "err", err)
		if err := c.db.ResetSyncCursor(); err != nil {
			return err
		}
		err = c.pullPages(ctx)
	}
	return err
}

// pullPages applies pages from the store's cursor on. The next page is fetched while
// the current one is written, so the network and the disk work at the same time (an
// initial sync is mostly these two).
func (c *Client) pullPages(ctx context.Context) error {
	cur, err := c.db.SyncCursor()
	if err != nil {
		return err
	}
	epoch, err := c.db.SyncEpoch()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type fetched struct {
		page  wire.ChangesResponse
		cases [][]byte // case JSON as received, when the remote gives it
		err   error
	}
	fetch := func(after uint64, epoch string) <-chan fetched {
		ch := make(chan fetched, 1)
		go func() {
			var (
				page  wire.ChangesResponse
				cases [][]byte
				err   error
			)
			switch r := c.remote.(type) {
			case rawPager:
				page, cases, err = r.changesRaw(ctx, after, epoch, c.o.PageLimit)
			case epochPager:
				page, err = r.ChangesAt(ctx, after, epoch, c.o.PageLimit)
			default:
				page, err = c.remote.Changes(ctx, after, c.o.PageLimit)
			}
			if err != nil {
				err = fmt.Errorf("client: pull after %d: %w", after, err)
			} else if verr := page.ValidateAfter(after); verr != nil {
				err = fmt.Errorf("%w: %w", ErrProtocol, verr)
			}
			ch <- fetched{page, cases, err}
		}()
		return ch
	}
	next := fetch(cur, epoch)
	for {
		f := <-next
		if f.err != nil {
			return f.err
		}
		if f.page.Resync {
			return errResync
		}
		if f.page.More {
			next = fetch(f.page.Cursor, f.page.Epoch)
		}
		if _, err := c.db.ApplyPulled(pageOf(f.page, f.cases)); err != nil {
			return err
		}
		if len(f.page.Changes) > 0 {
			c.changed()
		}
		if !f.page.More {
			return nil
		}
	}
}

// rawPager is a Remote that also hands out each change's case JSON as received, so
// the store need not encode the cases again (HTTP does), and names the epoch of
// the change at the cursor (see epochPager).
type rawPager interface {
	changesRaw(ctx context.Context, cursor uint64, epoch string, limit int) (wire.ChangesResponse, [][]byte, error)
}

// epochPager is a Remote that names the epoch of the change at the cursor with a
// pull (wire.QueryEpoch), so a restored service answers Resync instead of a page
// that does not continue what this PC holds.
type epochPager interface {
	ChangesAt(ctx context.Context, cursor uint64, epoch string, limit int) (wire.ChangesResponse, error)
}

// ForStore returns an engine for an enrolled store: it dials the server the store's
// sync identity names, with its token and its pinned certificate or CA file. The
// error wraps store.ErrNotEnrolled before enrollment. o.Store and o.Remote are set
// here.
func ForStore(db *store.DB, o Options) (*Client, error) {
	id, err := db.SyncIdentity()
	if err != nil {
		return nil, err
	}
	r, err := Dial(id.Server, id.Token, TLS{Fingerprint: id.Fingerprint, CAFile: id.CAFile})
	if err != nil {
		return nil, err
	}
	o.Store, o.Remote = db, r
	return New(o), nil
}

// Connect enrolls the store's PC at server with a one-time code ("Mit OZG-Cloud
// verbinden"): t should pin the fingerprint the clerk confirmed (see Fingerprint) or
// name a CA file. The identity, with the certificate seen, is stored with
// store.DB.Enroll, which also re-stamps the pending outbox. Errors are German-able
// with Message.
func Connect(ctx context.Context, db *store.DB, server, code string, t TLS) (store.SyncIdentity, error) {
	resp, fp, err := Enroll(ctx, server, code, t)
	if err != nil {
		return store.SyncIdentity{}, err
	}
	id := store.SyncIdentity{
		Server: server, DeviceID: resp.DeviceID, Token: resp.Token, Tenant: resp.Tenant,
		DeviceCode: resp.DeviceCode, CAFile: t.CAFile, GrantKey: resp.GrantKey,
	}
	if t.CAFile == "" {
		id.Fingerprint = fp
	}
	if err := db.Enroll(id); err != nil {
		return store.SyncIdentity{}, err
	}
	return id, nil
}
