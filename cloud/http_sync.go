package cloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/ozgcloud/desktop/sync/wire"
)

// enroll exchanges a one-time code for a device identity. Each address has an
// allowance of failed attempts (taken before the body is read, given back on
// success); failures are counted in the summary line, not logged one by one.
func (h *handler) enroll(w http.ResponseWriter, r *http.Request) {
	addr, err := attempt(h.g.enroll, r, "enroll", "enrollment")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp, err := h.enrollBody(w, r)
	if errors.Is(err, ErrEnrollment) {
		err = &publicError{kind: ErrEnrollment, count: "enroll_failed"}
	} else if err == nil {
		h.g.enroll.Give(addr)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if rec, ok := w.(*recorder); ok {
		rec.tenant, rec.device = resp.Tenant, resp.DeviceID
	}
	h.writeJSON(w, r, http.StatusOK, resp)
}

func (h *handler) enrollBody(w http.ResponseWriter, r *http.Request) (wire.EnrollResponse, error) {
	req, done, err := decodeBody(h, w, r, bodySpec{max: h.g.lim.EnrollBody, inMemory: true}, wire.DecodeEnroll)
	if err != nil {
		return wire.EnrollResponse{}, err
	}
	defer done()
	return h.s.Enroll(r.Context(), req.Code)
}

// reenroll gives a PC of a copied data folder a device identity of its own
// (Service.Reenroll), authenticated by the token of the device it was copied from.
func (h *handler) reenroll(w http.ResponseWriter, r *http.Request, d Device) {
	serveJSON(h, w, r, bodySpec{max: wire.MaxBodySmall, inMemory: true, tenant: d.Tenant}, wire.DecodeReenroll,
		func(req wire.ReenrollRequest) (wire.EnrollResponse, error) {
			resp, err := h.s.Reenroll(r.Context(), d, req)
			if rec, ok := w.(*recorder); ok && err == nil {
				rec.device = resp.DeviceID
			}
			return resp, err
		})
}

func (h *handler) push(w http.ResponseWriter, r *http.Request, d Device) {
	serveJSON(h, w, r, bodySpec{max: wire.MaxBodyPush, inMemory: true, tenant: d.Tenant}, wire.DecodePush,
		func(req wire.PushRequest) (wire.PushResponse, error) { return h.s.Push(r.Context(), d, req) })
}

func (h *handler) changes(w http.ResponseWriter, r *http.Request, d Device) {
	q := r.URL.Query()
	cursor, err := parseCursor(q.Get(wire.QueryCursor))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	limit := wire.DefaultLimit
	if v := q.Get(wire.QueryLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			h.fail(w, r, badRequest("limit muss eine positive ganze Zahl sein (limit must be a positive integer)."))
			return
		}
		limit = min(n, wire.MaxLimit)
	}
	pq := pageQuery{cursor: cursor, limit: limit}
	if q.Has(wire.QueryEpoch) {
		pq.epoch, pq.check = q.Get(wire.QueryEpoch), true
		if len(pq.epoch) > wire.MaxIncarnation {
			h.fail(w, r, badRequest("epoch ist zu lang (epoch too long)."))
			return
		}
	}
	// The stored bytes of the changes go out as they are: decoding and encoding
	// 100,000 cases would cost the initial sync most of its time.
	a, ok := h.s.(changesAppender)
	if !ok {
		b, err := h.s.ChangesJSON(r.Context(), d, cursor, limit)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.writeBody(w, r, http.StatusOK, b)
		return
	}
	var buf []byte
	select {
	case buf = <-pageBufs:
	default:
	}
	b, err := a.appendChangesJSON(r.Context(), buf, d, pq)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// writeBody has handed every byte to the connection when it returns, so the
	// buffer can serve the next page.
	h.writeBody(w, r, http.StatusOK, b)
	if cap(b) <= maxPooledPage {
		select {
		case pageBufs <- b[:0]:
		default:
		}
	}
}

// changesAppender is the Service's ChangesJSON into a reused buffer.
type changesAppender interface {
	appendChangesJSON(ctx context.Context, dst []byte, d Device, q pageQuery) ([]byte, error)
}

// pageBufs keeps the buffers of recent pages. Not a sync.Pool: the many
// collections while a large tenant is synced empty a pool between two pages.
var pageBufs = make(chan []byte, 2)

// maxPooledPage bounds the buffers kept (a page of wire.MaxLimit cases of a few KB).
const maxPooledPage = 64 << 20

// events streams the tenant's latest change seq (see wire.EventSeq) until the client
// goes away, the server shuts down or the device's token stops being valid.
//
// A device has at most StreamsPerDevice streams (a new one ends its oldest: a PC
// that lost its network opens a new stream before the server notices the old one
// is dead), and the server at most Streams in all.
func (h *handler) events(w http.ResponseWriter, r *http.Request, d Device) {
	ctx := r.Context()
	ended, unregister, ok := h.g.streams.open(d.ID)
	if !ok {
		h.fail(w, r, refusal(ErrRateLimited, "streams", 10*time.Second,
			"Der Server hat zu viele offene Ereignisströme (too many event streams). Bitte später erneut versuchen."))
		return
	}
	defer unregister()
	// Subscribe before reading the latest seq, so a change committed in between is
	// not missed: at worst it is sent twice.
	pokes, cancel := h.s.Subscribe(d.Tenant)
	defer cancel()
	last, err := h.s.lastChange(ctx, d.Tenant)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no") // nginx in front would otherwise hold the pokes back
	w.WriteHeader(http.StatusOK)

	rc := http.NewResponseController(w)
	// The server has no write timeout, so a deadline left behind would hit the next
	// request on this connection.
	defer func() { _ = rc.SetWriteDeadline(time.Time{}) }()
	send := func(s string) bool {
		// A client that stops reading must not hold a goroutine forever.
		_ = rc.SetWriteDeadline(time.Now().Add(h.heartbeat * 2))
		if _, err := io.WriteString(w, s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(wire.FormatSeqEvent(last)) {
		return
	}
	token, _ := bearer(r)
	tick := time.NewTicker(h.heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.done:
			return
		case <-ended:
			return
		case seq, ok := <-pokes:
			if !ok {
				return
			}
			if seq <= last {
				continue
			}
			last = seq
			if !send(wire.FormatSeqEvent(seq)) {
				return
			}
		case <-tick.C:
			if _, err := h.s.Authenticate(ctx, token); errors.Is(err, ErrUnauthorized) {
				return
			}
			if !send(": heartbeat\n\n") {
				return
			}
		}
	}
}

// MaxCursor is the largest change seq a cursor may name: what PostgreSQL's bigint
// holds, so both storages answer alike, and far more than a tenant will ever write.
const MaxCursor = math.MaxInt64

// parseCursor reads the cursor of a changes request: empty is 0, otherwise decimal
// digits of a number up to MaxCursor. Anything else is the client's error, never a
// page from another seq (a cursor of 2^64-1 once wrapped to the start of the log).
func parseCursor(v string) (uint64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	var ne *strconv.NumError
	switch {
	case err == nil && n <= MaxCursor:
		return n, nil
	case err == nil, errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange):
		return 0, badRequest(fmt.Sprintf("cursor ist zu groß (cursor over %d).", uint64(MaxCursor)))
	}
	return 0, badRequest("cursor muss eine nicht negative ganze Zahl sein (cursor must be a non-negative integer).")
}
