package cloud

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// gzipMin is the size below which an answer is not worth compressing.
const gzipMin = 1024

// Answers are compressed at BestSpeed: a page of changes is large and compresses
// well already at that level, and the initial sync of 100,000 cases must not wait
// for the compressor.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// reply answers with v as JSON, or with err when it is not nil: the one place where
// what a handler's call returned becomes the answer.
func (h *handler) reply(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeJSON(w, r, http.StatusOK, v)
}

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
// The server has no write timeout (event streams would break it), so the answer
// gets a deadline from its size: a client that stops reading cannot hold a page of
// changes in memory for ever.
func (h *handler) writeBody(w http.ResponseWriter, r *http.Request, status int, b []byte) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(h.g.lim.BodyGrace + rateTime(int64(len(b)), h.g.lim.MinUploadRate)))
	defer func() {
		// Flushed here, within the deadline; a deadline left behind would hit the
		// next request on this connection.
		_ = rc.Flush()
		_ = rc.SetWriteDeadline(time.Time{})
	}()
	settleBody(w, r)
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
