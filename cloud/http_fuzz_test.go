package cloud

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/sync/wire"
)

// FuzzParseCursor: a cursor is accepted exactly when it is empty or decimal digits
// of a number up to MaxCursor, and every refusal is the client's error (400).
func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"", "0", "1", "42", "007", "9223372036854775807", "9223372036854775808",
		"18446744073709551615", "18446744073709551616", "-1", "+1", "1e3", "0x10", " 1", "1 ", "1_000", "١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseCursor(s)
		digits := s != "" && strings.Trim(s, "0123456789") == ""
		want, perr := strconv.ParseUint(s, 10, 64)
		ok := s == "" || digits && perr == nil && want <= MaxCursor
		if (err == nil) != ok {
			t.Fatalf("parseCursor(%q) = %d, %v; want accepted %v", s, n, err, ok)
		}
		if err != nil {
			if status, _ := errorFor(err); status != 400 {
				t.Fatalf("parseCursor(%q): status %d", s, status)
			}
			return
		}
		if n != want {
			t.Fatalf("parseCursor(%q) = %d, want %d", s, n, want)
		}
	})
}

// FuzzBodyPush runs the handlers' body reader (plain, gzip of the input, or the
// input taken as a gzip stream) and the push decoder over arbitrary bytes: no
// refusal is the server's fault (5xx), and what is accepted is exactly what the
// push decoder makes of the inflated bytes.
func FuzzBodyPush(f *testing.F) {
	valid := `{"incarnation":"cloudtest-store","mutations":[{"id":"d:1","device":"d","seq":1,"caseId":"c","kind":"case.assign","payload":{"assignee":"u"},"user":"u","at":"2026-01-01T00:00:00Z"}]}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(valid))
	zw.Close()
	for _, s := range []struct {
		mode byte
		b    []byte
	}{
		{0, []byte(valid)}, {1, []byte(valid)}, {2, gz.Bytes()}, {2, gz.Bytes()[:len(gz.Bytes())/2]},
		{0, []byte(`{"incarnation":"cloudtest-store","mutations":[]}`)}, {1, []byte(`{"mutations":[` + strings.Repeat(" ", 5000) + `]}`)},
		{1, []byte(`null`)}, {2, []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")}, {0, []byte(`{"mutations":[{}],"x":1}`)},
	} {
		f.Add(s.mode, s.b)
	}
	const max = 4096
	f.Fuzz(func(t *testing.T, mode byte, in []byte) {
		h := &handler{log: quietLog()}
		h.g = newGuard(RequestLimits{GzipRatio: 8}, h)
		body, plain := in, in
		switch mode % 3 {
		case 1:
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(in)
			zw.Close()
			body = buf.Bytes()
		case 2:
			zr, err := gzip.NewReader(bytes.NewReader(in))
			if err != nil {
				plain = nil
				break
			}
			if plain, err = io.ReadAll(io.LimitReader(zr, 1<<20)); err != nil {
				plain = nil
			}
		}
		r := httptest.NewRequest("POST", wire.PathPush, bytes.NewReader(body))
		if mode%3 != 0 {
			r.Header.Set("Content-Encoding", "gzip")
		}
		rd, done, err := h.body(httptest.NewRecorder(), r, bodySpec{max: max, inMemory: true, tenant: "t"})
		var got wire.PushRequest
		if err == nil {
			got, err = wire.DecodePush(rd, max)
			done()
			if left := h.g.memory.Left(); left != h.g.lim.BodyMemory {
				t.Fatalf("memory budget not given back: %d of %d", left, h.g.lim.BodyMemory)
			}
		}
		if err != nil {
			if status, e := errorFor(err); status >= 500 {
				t.Fatalf("mode %d: the client's bytes made a server error: %v (%+v)", mode%3, err, e)
			}
			return
		}
		if plain == nil {
			t.Fatalf("accepted a stream that does not inflate: %q", in)
		}
		want, werr := wire.DecodePush(bytes.NewReader(plain), max)
		if werr != nil {
			t.Fatalf("accepted %q, which the decoder alone refuses: %v", plain, werr)
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		if !bytes.Equal(a, b) {
			t.Fatalf("read differently through the body reader:\n%s\n%s", a, b)
		}
	})
}
