package cloud

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// minUploadRate (bytes per second, about 2 Mbit/s) is the slowest upload a body's
// read deadline allows for.
const minUploadRate = 256 << 10

// gzipMin is the size below which an answer is not worth compressing.
const gzipMin = 1024

// Answers are compressed at BestSpeed: a page of changes is large and compresses
// well already at that level, and the initial sync of 100,000 cases must not wait
// for the compressor.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// writeJSON answers with v as JSON, gzip-compressed when the client accepts it.
func (h *handler) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		h.fail(w, r, fmt.Errorf("cloud: encode answer: %w", err))
		return
	}
	h.writeBody(w, r, status, b)
}

// writeBody answers with b, a JSON body, gzip-compressed when the client accepts it.
func (h *handler) writeBody(w http.ResponseWriter, r *http.Request, status int, b []byte) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Cache-Control", "no-store")
	hd.Add("Vary", "Accept-Encoding")
	if len(b) < gzipMin || !acceptsGzip(r) {
		hd.Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(status)
		_, _ = w.Write(b)
		return
	}
	hd.Set("Content-Encoding", "gzip")
	hd.Del("Content-Length")
	w.WriteHeader(status)
	gz := gzipWriters.Get().(*gzip.Writer)
	gz.Reset(w)
	_, _ = gz.Write(b)
	_ = gz.Close()
	gz.Reset(io.Discard)
	gzipWriters.Put(gz)
}

// acceptsGzip reads Accept-Encoding; "gzip;q=0" refuses it.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// body returns the request body, decompressed when it is gzip. max bounds the
// decompressed bytes the caller will read (the wire decoders and the intake parser
// count those themselves); the raw body is bounded too, with room for gzip's
// overhead on incompressible data, so neither a huge upload nor a gzip bomb gets
// further than max bytes into the server.
//
// The server has no read timeout (event streams and large uploads would break it),
// so each body gets a deadline of a minute plus the time max bytes take at
// minUploadRate: a client that trickles cannot hold a connection for ever.
func body(w http.ResponseWriter, r *http.Request, max int64) (io.Reader, func(), error) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Minute + time.Duration(max/minUploadRate)*time.Second))
	raw := http.MaxBytesReader(w, r.Body, max+max/64+4096)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return raw, func() {}, nil
	case "gzip":
		gz, err := gzip.NewReader(raw)
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, nil, err
			}
			return nil, nil, badRequest("Der gzip-komprimierte Inhalt ist beschädigt (corrupt gzip body).")
		}
		return gzipErrors{gz}, func() { _ = gz.Close() }, nil
	default:
		return nil, nil, badRequest(fmt.Sprintf("Content-Encoding %q wird nicht unterstützt (unsupported; use gzip or none).", truncate(enc, 40)))
	}
}

// gzipErrors turns a corrupt stream into a bad request instead of a server error.
type gzipErrors struct{ r *gzip.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		var mb *http.MaxBytesError
		if !errors.As(err, &mb) {
			err = badRequest("Der gzip-komprimierte Inhalt ist beschädigt (corrupt gzip body).")
		}
	}
	return n, err
}

// truncate shortens s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
