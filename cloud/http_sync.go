package cloud

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/ozgcloud/desktop/sync/wire"
)

func (h *handler) enroll(w http.ResponseWriter, r *http.Request) {
	b, done, err := body(w, r, wire.MaxBodySmall)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer done()
	req, err := wire.DecodeEnroll(b, wire.MaxBodySmall)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp, err := h.s.Enroll(r.Context(), req.Code)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if rec, ok := w.(*recorder); ok {
		rec.tenant, rec.device = resp.Tenant, resp.DeviceID
	}
	h.writeJSON(w, r, http.StatusOK, resp)
}

func (h *handler) push(w http.ResponseWriter, r *http.Request, d Device) {
	b, done, err := body(w, r, wire.MaxBodyPush)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer done()
	req, err := wire.DecodePush(b, wire.MaxBodyPush)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp, err := h.s.Push(r.Context(), d, req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeJSON(w, r, http.StatusOK, resp)
}

func (h *handler) changes(w http.ResponseWriter, r *http.Request, d Device) {
	q := r.URL.Query()
	var cursor uint64
	if v := q.Get(wire.QueryCursor); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			h.fail(w, r, badRequest("cursor muss eine nicht negative ganze Zahl sein (cursor must be a non-negative integer)."))
			return
		}
		cursor = n
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
	b, err := a.appendChangesJSON(r.Context(), buf, d, cursor, limit)
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
	appendChangesJSON(ctx context.Context, dst []byte, d Device, cursor uint64, limit int) ([]byte, error)
}

// pageBufs keeps the buffers of recent pages. Not a sync.Pool: the many
// collections while a large tenant is synced empty a pool between two pages.
var pageBufs = make(chan []byte, 2)

// maxPooledPage bounds the buffers kept (a page of wire.MaxLimit cases of a few KB).
const maxPooledPage = 64 << 20

// events streams the tenant's latest change seq (see wire.EventSeq) until the client
// goes away, the server shuts down or the device's token stops being valid.
func (h *handler) events(w http.ResponseWriter, r *http.Request, d Device) {
	ctx := r.Context()
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
