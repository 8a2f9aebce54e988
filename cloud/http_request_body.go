package cloud

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// smallBody is what a body may hold in memory without taking from the shared
// budget: the pushes and chunk lists of a working day stay below it, so a client
// that fills the budget slows down only the large bodies of others.
const smallBody = 64 << 10

// ratioFloor is how much a gzip body may inflate before its ratio is checked: small
// bodies compress unevenly, and a megabyte costs nothing.
const ratioFloor = 1 << 20

// bodySpec says how body reads a request's body.
type bodySpec struct {
	max int64 // bytes after inflating
	// inMemory: the body is decoded in memory and takes what it holds beyond
	// smallBody from the shared budget; intake bodies are spooled to disk.
	inMemory bool
	// tenant whose upload rate and share of the budget the body counts against;
	// empty for requests without a token.
	tenant string
}

// decodeBody reads the request body within spec (see body) and decodes it with
// dec, which gets spec.max as its limit. Call done when the request is no longer
// needed; on an error it has been called already.
func decodeBody[T any](h *handler, w http.ResponseWriter, r *http.Request, spec bodySpec, dec func(io.Reader, int64) (T, error)) (req T, done func(), err error) {
	b, done, err := h.body(w, r, spec)
	if err != nil {
		return req, nil, err
	}
	if req, err = dec(b, spec.max); err != nil {
		done()
		return req, nil, err
	}
	return req, done, nil
}

// serveJSON answers a request whose body dec reads within spec (see decodeBody) with
// what call makes of it.
func serveJSON[Req, Resp any](h *handler, w http.ResponseWriter, r *http.Request, spec bodySpec, dec func(io.Reader, int64) (Req, error), call func(Req) (Resp, error)) {
	req, done, err := decodeBody(h, w, r, spec, dec)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer done()
	resp, err := call(req)
	h.reply(w, r, resp, err)
}

// body returns the request body for a decoder: at most spec.max bytes, inflated when
// it is gzip. Every refusal is the client's fault and says why: a raw body over the
// limit (with room for gzip's overhead), inflated bytes over max or at a ratio no
// real document has, a body that arrives slower than MinUploadRate after
// BodyGrace, one cut off, or too many bodies of tenants at once. A tenant's bodies
// are paced to TenantUploadRate. Call done when the body has been used: it gives
// back what the body took.
func (h *handler) body(w http.ResponseWriter, r *http.Request, spec bodySpec) (rd io.Reader, done func(), err error) {
	leave := func() {}
	if spec.tenant != "" {
		var ok bool
		if leave, ok = h.g.bodies.Enter(spec.tenant); !ok {
			return nil, nil, busy("bodies", "too many request bodies at once")
		}
	}
	max := spec.max
	raw := &wireBody{
		r:     http.MaxBytesReader(w, r.Body, max+max/64+4096),
		rc:    http.NewResponseController(w),
		start: time.Now(), grace: h.g.lim.BodyGrace, rate: h.g.lim.MinUploadRate,
	}
	if rec, ok := w.(*recorder); ok {
		rec.body = raw
	}
	rd = raw
	closeGz := func() {}
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		gz, err := gzip.NewReader(raw)
		if err != nil {
			leave()
			return nil, nil, gzipError(err)
		}
		closeGz = func() { _ = gz.Close() }
		rd = &inflater{gz: gz, raw: raw, max: max, ratio: int64(h.g.lim.GzipRatio)}
	default:
		leave()
		return nil, nil, badRequest(fmt.Sprintf("Content-Encoding %q wird nicht unterstützt (unsupported; use gzip or none).", truncate(enc, 40)))
	}
	ch := &charged{r: rd, g: h.g, spec: spec, ctx: r.Context()}
	return ch, func() {
		closeGz()
		ch.giveBack()
		leave()
	}, nil
}

// rateTime is how long n bytes take at rate bytes per second (none without a rate).
func rateTime(n, rate int64) time.Duration {
	if rate <= 0 {
		return 0
	}
	return time.Duration(float64(n) / float64(rate) * float64(time.Second))
}

// wireBody reads the bytes as they come off the connection and holds the client to
// a minimum rate: the time spent waiting in its reads may be at most BodyGrace
// plus what the bytes so far take at MinUploadRate. Time the server spends
// elsewhere between reads (decoding, waiting for the tenant's upload rate, or for a
// CPU) is not the client's. A body found too slow before a read is refused without
// touching the connection, and a read deadline ends one that stalls inside a read;
// a trickling body is cut off early whatever its size, a fast one never. Its errors
// are the client's fault, never the server's.
type wireBody struct {
	r        io.ReadCloser
	rc       *http.ResponseController
	start    time.Time // shifted by the time spent away from reading
	away     time.Time // when the last read returned
	grace    time.Duration
	rate     int64
	n        int64
	eof      bool
	failed   bool
	deadline time.Time
}

func (b *wireBody) Read(p []byte) (int, error) {
	if b.rate > 0 && !b.eof && !b.failed {
		now := time.Now()
		if !b.away.IsZero() {
			b.start = b.start.Add(now.Sub(b.away))
		}
		d := b.start.Add(b.grace + rateTime(b.n, b.rate))
		if !d.After(now) {
			b.failed = true
			return 0, b.slow()
		}
		// Setting a deadline costs a little: it moves in steps of a tenth of a
		// second while the one set is far enough away.
		if d.Sub(b.deadline) >= 100*time.Millisecond || b.deadline.Before(now.Add(b.grace/2)) {
			b.deadline = d
			_ = b.rc.SetReadDeadline(d)
		}
	}
	n, err := b.r.Read(p)
	b.away = time.Now()
	b.n += int64(n)
	switch {
	case err == io.EOF:
		b.eof = true
		// The server reads on after the end to notice a client that goes away,
		// and a deadline left here would cancel the request while it is handled.
		_ = b.rc.SetReadDeadline(time.Time{})
	case err != nil:
		b.failed = true
		return n, b.clientError(err)
	}
	return n, err
}

// settleBody prepares the connection of an answer for the next request. net/http
// cancels a connection's context for good after any read error on it, and a
// connection reused after that serves every later request already cancelled; and
// after the handler it reads up to 256 KB of an unread body without a deadline.
// So a body not read to its end is read here, up to 64 KiB; one with more left, or
// one that failed, ends its connection with this answer, and what net/http still
// reads of it gets a second.
func settleBody(w http.ResponseWriter, r *http.Request) {
	const settleMax = 64 << 10
	if r.Body == nil || r.Body == http.NoBody || r.ProtoMajor != 1 {
		return // HTTP/2 ends a stream, not the connection
	}
	rc := http.NewResponseController(w)
	rec, _ := w.(*recorder)
	var b *wireBody
	if rec != nil {
		b = rec.body
	}
	if b == nil {
		b = &wireBody{r: r.Body, rc: rc, start: time.Now()}
		_ = rc.SetReadDeadline(time.Now().Add(time.Second))
	}
	// A rest known to be larger is not worth reading.
	if !b.eof && !b.failed && (r.ContentLength < 0 || r.ContentLength-b.n <= settleMax) {
		if _, err := io.CopyN(io.Discard, b, settleMax); err != nil && !b.eof {
			b.failed = true
		}
	}
	if b.eof {
		_ = rc.SetReadDeadline(time.Time{})
		return
	}
	w.Header().Set("Connection", "close")
	_ = rc.SetReadDeadline(time.Now().Add(time.Second))
}

func (b *wireBody) clientError(err error) error {
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return refusal(ErrTooLarge, "body", 0, fmt.Sprintf("Die Anfrage ist größer als erlaubt (request body over %d bytes).", mb.Limit))
	case errors.Is(err, os.ErrDeadlineExceeded):
		return b.slow()
	}
	return &publicError{kind: ErrBadRequest, count: "body_cut_off",
		msg: "Die Anfrage kam nicht vollständig an (request body cut off)."}
}

func (b *wireBody) slow() error {
	return refusal(ErrBadRequest, "slow", 0, fmt.Sprintf(
		"Die Anfrage kam zu langsam an (request body slower than %d bytes per second).", b.rate))
}

// inflater inflates a gzip body and stops at max inflated bytes, or at a ratio of
// inflated to compressed bytes above ratio once ratioFloor came out.
type inflater struct {
	gz    *gzip.Reader
	raw   *wireBody
	out   int64
	max   int64
	ratio int64
}

func (f *inflater) Read(p []byte) (int, error) {
	if int64(len(p)) > f.max-f.out+1 {
		p = p[:f.max-f.out+1]
	}
	n, err := f.gz.Read(p)
	f.out += int64(n)
	if f.out > f.max {
		return 0, refusal(ErrTooLarge, "decompressed", 0, fmt.Sprintf(
			"Die Anfrage ist entpackt größer als erlaubt (decompressed body over %d bytes).", f.max))
	}
	if f.ratio > 0 && f.out > ratioFloor && f.out > f.ratio*f.raw.n {
		return 0, refusal(ErrTooLarge, "gzip_ratio", 0, fmt.Sprintf(
			"Die Anfrage ist ungewöhnlich stark komprimiert (gzip ratio over %d).", f.ratio))
	}
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

// gzipError is a read error of the gzip stream: the raw body's own refusal when it
// has one, else a corrupt stream.
func gzipError(err error) error {
	var pub *publicError
	if errors.As(err, &pub) {
		return err
	}
	return badRequest("Der gzip-komprimierte Inhalt ist beschädigt (corrupt gzip body).")
}

// charged accounts what a body reads to its tenant: it takes from the memory budget
// what a body decoded in memory holds beyond smallBody (in steps of smallBody) and
// refuses the body when the budget or the tenant's share is spent, and it paces the
// tenant's bytes to TenantUploadRate by waiting.
type charged struct {
	r     io.Reader
	g     *guard
	spec  bodySpec
	ctx   context.Context
	n     int64 // bytes read
	taken int64 // bytes taken from the budget
}

func (c *charged) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.spec.inMemory && c.n > smallBody+c.taken {
		step := (c.n - smallBody - c.taken + smallBody - 1) / smallBody * smallBody
		if !c.g.memory.Take(c.spec.tenant, step) {
			return 0, busy("memory", "too many large request bodies at once")
		}
		c.taken += step
	}
	if c.spec.tenant != "" {
		if wait := c.g.upload.Take(c.spec.tenant, n); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-c.ctx.Done():
				t.Stop()
				return 0, c.ctx.Err()
			}
		}
	}
	return n, err
}

func (c *charged) giveBack() {
	c.g.memory.Give(c.spec.tenant, c.taken)
	c.taken = 0
}
