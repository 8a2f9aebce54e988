package cloud

import (
	"compress/gzip"
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

// body returns the request body for a decoder: at most max bytes, inflated when it
// is gzip. Every refusal is the client's fault and says why: a raw body over the
// limit (with room for gzip's overhead), inflated bytes over max or at a ratio no
// real document has, a body that arrives slower than MinUploadRate after
// BodyGrace, one cut off, or too many bodies at once. A body decoded in memory
// (inMemory) takes what it holds beyond smallBody from the shared budget and gives
// it back when done is called; one spooled to disk (intake) does not.
func (h *handler) body(w http.ResponseWriter, r *http.Request, max int64, inMemory bool) (io.Reader, func(), error) {
	leave, ok := h.g.bodies.Enter("")
	if !ok {
		return nil, nil, busy("bodies", "too many request bodies at once")
	}
	raw := &wireBody{
		r:     http.MaxBytesReader(w, r.Body, max+max/64+4096),
		rc:    http.NewResponseController(w),
		start: time.Now(), grace: h.g.lim.BodyGrace, rate: h.g.lim.MinUploadRate,
	}
	raw.extend()
	var rd io.Reader = raw
	closeGz := func() {}
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		gz, err := gzip.NewReader(raw)
		if err != nil {
			raw.done()
			leave()
			return nil, nil, gzipError(err)
		}
		closeGz = func() { _ = gz.Close() }
		rd = &inflater{gz: gz, raw: raw, max: max, ratio: int64(h.g.lim.GzipRatio)}
	default:
		raw.done()
		leave()
		return nil, nil, badRequest(fmt.Sprintf("Content-Encoding %q wird nicht unterstützt (unsupported; use gzip or none).", truncate(enc, 40)))
	}
	ch := &charged{r: rd, h: h, inMemory: inMemory}
	return ch, func() {
		closeGz()
		ch.giveBack()
		raw.done()
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

// wireBody reads the bytes as they come off the connection. Its read deadline grows
// with what arrived: BodyGrace from the start plus the time the bytes so far take
// at the minimum rate, so a body that trickles is cut off early whatever its size,
// while a fast one is never interrupted. Its errors are the client's fault, never
// the server's.
type wireBody struct {
	r        io.ReadCloser
	rc       *http.ResponseController
	start    time.Time
	grace    time.Duration
	rate     int64
	n        int64
	eof      bool
	deadline time.Time
}

func (b *wireBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	switch {
	case err == io.EOF:
		b.eof = true
		// The server reads on after the end to notice a client that goes away,
		// and a deadline left here would cancel the request while it is handled.
		_ = b.rc.SetReadDeadline(time.Time{})
	case err != nil:
		return n, b.clientError(err)
	case n > 0:
		b.extend()
	}
	return n, err
}

// extend moves the read deadline to what the bytes so far allow, in steps of at
// least a tenth of a second (setting a deadline costs a little each time).
func (b *wireBody) extend() {
	if b.rate <= 0 {
		return
	}
	d := b.start.Add(b.grace + rateTime(b.n, b.rate))
	if d.Sub(b.deadline) < 100*time.Millisecond {
		return
	}
	b.deadline = d
	_ = b.rc.SetReadDeadline(d)
}

// done leaves the connection as the next request needs it. A body not read to its
// end keeps a short deadline: the server reads a small rest away before it reuses
// the connection, and a client that trickles must not hold it with that.
func (b *wireBody) done() {
	if b.eof {
		return
	}
	_ = b.rc.SetReadDeadline(time.Now().Add(time.Second))
}

func (b *wireBody) clientError(err error) error {
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return refusal(ErrTooLarge, "body", 0, fmt.Sprintf("Die Anfrage ist größer als erlaubt (request body over %d bytes).", mb.Limit))
	case errors.Is(err, os.ErrDeadlineExceeded):
		return refusal(ErrBadRequest, "slow", 0, fmt.Sprintf(
			"Die Anfrage kam zu langsam an (request body slower than %d bytes per second).", b.rate))
	}
	return &publicError{kind: ErrBadRequest, count: "body_cut_off",
		msg: "Die Anfrage kam nicht vollständig an (request body cut off)."}
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

// charged takes from the handler's memory budget what a body decoded in memory
// holds beyond smallBody, in steps of smallBody, and refuses the body when the
// budget is spent.
type charged struct {
	r        io.Reader
	h        *handler
	inMemory bool
	n        int64 // bytes read
	taken    int64 // bytes taken from the budget
}

func (c *charged) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.inMemory && c.n > smallBody+c.taken {
		step := (c.n - smallBody - c.taken + smallBody - 1) / smallBody * smallBody
		if !c.h.g.memory.Take(step) {
			return 0, busy("memory", "too many large request bodies at once")
		}
		c.taken += step
	}
	return n, err
}

func (c *charged) giveBack() {
	c.h.g.memory.Give(c.taken)
	c.taken = 0
}
