package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// link is one desktop's connection to the service through the fake network. It
// implements client.Remote by calling the Service directly, with every request and
// answer passed through its JSON encoding and the wire decoders, as over HTTP.
type link struct {
	w *world
	d *desk
}

var _ client.Remote = (*link)(nil)

// delayed is a request the network held back; it reaches the service later, after
// requests sent after it, and its answer reaches no one.
type delayed struct {
	from string
	what string
	exec func() error
}

// errNet is what the engine sees when the network or the service failed it.
var errNet = errors.New("sim: connection lost")

type netError struct{ why string }

func (e *netError) Error() string        { return "sim: " + e.why }
func (e *netError) Unwrap() error        { return errNet }
func (e *netError) Is(target error) bool { return target == client.ErrOffline }

// call sends one request: the network may first deliver requests it held back, then
// lose the request, hold it back (a write), crash the service before its commit, hand
// it over twice (a write), or lose the answer after the service committed.
func (l *link) call(ctx context.Context, what string, write bool, exec func() error) error {
	w := l.w
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.deliverSome()
	p := w.p
	switch {
	case w.step < l.d.cutUntil:
		w.tracef("net %s %s: partitioned", l.d.name, what)
		return &netError{"partitioned"}
	case w.chance(p.dropReq):
		w.tracef("net %s %s: request lost", l.d.name, what)
		return &netError{"request lost"}
	case write && (w.holdNext || w.chance(p.delay)):
		w.holdNext = false
		w.tracef("net %s %s: request delayed", l.d.name, what)
		w.queue = append(w.queue, delayed{from: l.d.name, what: what, exec: exec})
		return &netError{"timeout"}
	}
	w.srv.st.armed = w.chance(p.serverCrash)
	err := exec()
	w.srv.st.armed = false
	if w.srv.st.fired {
		w.srv.st.fired = false
		w.tracef("net %s %s: server crashed before commit", l.d.name, what)
		if w.chance(p.serverRestart) {
			w.restartServer()
		}
		return &netError{"server crashed"}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.tracef("net %s %s: service error %v", l.d.name, what, err)
		w.failf("step %d: %s %s: the service failed: %v", w.step, l.d.name, what, err)
		return &wire.Error{Code: wire.CodeInternal, Message: err.Error()}
	}
	if write && w.chance(p.dup) {
		w.tracef("net %s %s: duplicated", l.d.name, what)
		w.queue = append(w.queue, delayed{from: l.d.name, what: what + " (copy)", exec: exec})
	}
	if w.chance(p.dropResp) {
		w.tracef("net %s %s: answer lost", l.d.name, what)
		if w.chance(p.serverRestart) {
			w.restartServer()
		}
		return &netError{"answer lost"}
	}
	return nil
}

func (w *world) restartServer() {
	w.tracef("server restart")
	if err := w.srv.restart(); err != nil {
		w.failf("step %d: server restart: %v", w.step, err)
	}
}

// deliverSome hands some held-back requests to the service, in random order; the
// caller holds mu.
func (w *world) deliverSome() {
	for len(w.queue) > 0 && w.chance(0.3) {
		w.deliverOne()
	}
}

func (w *world) deliverOne() {
	i := w.rng.IntN(len(w.queue))
	q := w.queue[i]
	w.queue = append(w.queue[:i], w.queue[i+1:]...)
	err := q.exec()
	w.tracef("net %s %s: delivered late (%v)", q.from, q.what, err != nil)
	if err != nil {
		w.failf("step %d: late %s of %s: the service failed: %v", w.step, q.what, q.from, err)
	}
}

// deliverAll empties the network.
func (w *world) deliverAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.queue) > 0 {
		w.deliverOne()
	}
}

func roundTrip[T any](v any, decode func(r *bytes.Reader, max int64) (T, error)) (T, error) {
	b, err := json.Marshal(v)
	if err != nil {
		var zero T
		return zero, err
	}
	return decode(bytes.NewReader(b), int64(len(b))+1)
}

func (l *link) Push(ctx context.Context, req wire.PushRequest) (wire.PushResponse, error) {
	sent, err := roundTrip(req, func(r *bytes.Reader, max int64) (wire.PushRequest, error) { return wire.DecodePush(r, max) })
	if err != nil {
		return wire.PushResponse{}, fmt.Errorf("sim: encode push: %w", err)
	}
	var resp wire.PushResponse
	first, last := uint64(0), uint64(0)
	if n := len(req.Mutations); n > 0 {
		first, last = req.Mutations[0].Seq, req.Mutations[n-1].Seq
	}
	what := fmt.Sprintf("push %d..%d", first, last)
	dev := l.d.dev // a late copy of the request still carries the token it was sent with
	err = l.call(ctx, what, true, func() error {
		r, err := l.w.srv.svc.Push(ctx, dev, sent)
		if err != nil {
			return err
		}
		l.w.record(l.d, sent, r)
		resp = r
		return nil
	})
	if err != nil {
		return wire.PushResponse{}, err
	}
	l.w.mu.Lock()
	for _, r := range resp.Results {
		if r.Status != wire.StatusSkipped {
			l.w.heard[wire.MutationID(dev.ID, r.Seq)] = true
		}
	}
	l.w.mu.Unlock()
	return roundTrip(resp, func(r *bytes.Reader, max int64) (wire.PushResponse, error) { return wire.DecodePushResponse(r, max) })
}

// record keeps what the service decided about each mutation; a second decision
// about the same mutation means it was applied twice. The caller holds mu.
func (w *world) record(d *desk, req wire.PushRequest, resp wire.PushResponse) {
	bySeq := map[uint64]string{}
	for _, m := range req.Mutations {
		bySeq[m.Seq] = m.ID
		w.renamed(m)
	}
	var b strings.Builder
	for _, r := range resp.Results {
		fmt.Fprintf(&b, " %d:%s", r.Seq, r.Status)
		if r.Status == wire.StatusSkipped {
			continue
		}
		id := bySeq[r.Seq]
		if _, ok := w.outcomes[id]; ok {
			w.twice = append(w.twice, id)
		}
		w.tick++
		w.outcomes[id], w.reasons[id], w.judged[id] = r.Status, r.Reason, w.tick
	}
	w.tracef("service %s push lastSeq %d%s", d.name, resp.LastSeq, b.String())
}

func (l *link) Changes(ctx context.Context, cursor uint64, limit int) (wire.ChangesResponse, error) {
	return l.changes(ctx, cursor, nil, limit)
}

// ChangesAt names the epoch of the change at the cursor, as the HTTP remote does.
func (l *link) ChangesAt(ctx context.Context, cursor uint64, epoch string, limit int) (wire.ChangesResponse, error) {
	return l.changes(ctx, cursor, &epoch, limit)
}

func (l *link) changes(ctx context.Context, cursor uint64, epoch *string, limit int) (wire.ChangesResponse, error) {
	var raw []byte
	err := l.call(ctx, fmt.Sprintf("changes after %d", cursor), false, func() error {
		var err error
		if epoch != nil {
			raw, err = l.w.srv.svc.ChangesAtJSON(ctx, l.d.dev, cursor, *epoch, limit)
		} else {
			raw, err = l.w.srv.svc.ChangesJSON(ctx, l.d.dev, cursor, limit)
		}
		return err
	})
	if err != nil {
		return wire.ChangesResponse{}, err
	}
	page, err := wire.DecodeChanges(bytes.NewReader(raw), int64(len(raw))+1)
	if err == nil && !page.Resync {
		l.checkPage(cursor, page)
	}
	return page, err
}

// checkPage: a page carries a case whole exactly when the log made it after the
// cursor, and otherwise what changed since the cursor, so comments, messages,
// follow-ups done and decisions reach a desktop that holds the case as patches.
func (l *link) checkPage(cursor uint64, page wire.ChangesResponse) {
	err := l.w.serverView(l.d.tenant.id, func(tx cloud.TenantTx) error {
		for _, ch := range page.Changes {
			log, err := tx.CaseChanges(ch.CaseID)
			if err != nil || len(log) == 0 {
				return fmt.Errorf("case %s of the page: %d entries, %v", ch.CaseID, len(log), err)
			}
			if made := log[0].Seq > cursor; made != (ch.Case != nil) {
				l.w.failf("step %d: %s: the page after %d carries case %s (made at %d) whole: %v",
					l.w.step, l.d.name, cursor, ch.CaseID, log[0].Seq, ch.Case != nil)
			}
		}
		return nil
	})
	if err != nil {
		l.w.failf("step %d: %s: check the page after %d: %v", l.w.step, l.d.name, cursor, err)
	}
}

func (l *link) Events(ctx context.Context) (<-chan uint64, error) {
	// The simulation drives the engine round by round; nothing listens for pokes.
	return nil, &netError{"no event stream in the simulation"}
}

func (l *link) MissingChunks(ctx context.Context, req wire.MissingChunksRequest) (wire.MissingChunksResponse, error) {
	sent, err := roundTrip(req, func(r *bytes.Reader, max int64) (wire.MissingChunksRequest, error) {
		return wire.DecodeMissingChunks(r, max)
	})
	if err != nil {
		return wire.MissingChunksResponse{}, fmt.Errorf("sim: encode missing chunks: %w", err)
	}
	var resp wire.MissingChunksResponse
	err = l.call(ctx, "missing "+req.SHA256[:8], true, func() error {
		r, err := l.w.srv.svc.MissingChunks(ctx, l.d.dev, sent)
		resp = r
		return err
	})
	if err != nil {
		return wire.MissingChunksResponse{}, err
	}
	return roundTrip(resp, func(r *bytes.Reader, max int64) (wire.MissingChunksResponse, error) {
		var out wire.MissingChunksResponse
		err := wire.Decode(r, max, &out)
		return out, err
	})
}

func (l *link) PutChunk(ctx context.Context, sha string, index int, data []byte) error {
	sent := bytes.Clone(data)
	return l.call(ctx, fmt.Sprintf("put %s/%d", sha[:8], index), true, func() error {
		return l.w.srv.svc.PutChunk(ctx, l.d.dev, sha, index, sent)
	})
}

func (l *link) Chunk(ctx context.Context, sha string, index int) ([]byte, error) {
	var out []byte
	err := l.call(ctx, fmt.Sprintf("get %s/%d", sha[:8], index), false, func() error {
		b, err := l.w.srv.svc.Chunk(ctx, l.d.dev, sha, index)
		out = bytes.Clone(b)
		return err
	})
	return out, err
}

// serverView reads one tenant's data as the service holds it.
func (w *world) serverView(tenant string, fn func(cloud.TenantTx) error) error {
	return w.srv.st.View(w.ctx, tenant, fn)
}
