package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// bigPush is a push of n comments of size bytes each.
func bigPush(t testing.TB, n, size int) []byte {
	t.Helper()
	p := PushRequest{Incarnation: "0b6e9f2c41d87a35"}
	for i := range n {
		p.Mutations = append(p.Mutations, mutation(t, "dev-a", uint64(i+1), model.KindComment,
			model.CommentPayload{Comment: model.Comment{ID: "c-" + strings.Repeat("x", i%7), At: t0, By: "clerk-1", Text: strings.Repeat("Unterlagen vollständig. ", size/25)}}))
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// allocated returns the bytes fn allocated.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Issue 11, finding 2: a push was read whole into memory (io.ReadAll, then a second
// copy in the JSON decoder) before a byte was decoded, so each push in flight held
// two to three times its size. Streamed, the decoder holds one mutation's JSON at a
// time and the allocations stay near the size of what was decoded.
func TestDecodePushStreams(t *testing.T) {
	body := bigPush(t, 500, 8<<10)
	var p PushRequest
	var err error
	got := allocated(func() { p, err = DecodePush(bytes.NewReader(body), MaxBodyPush) })
	if err != nil || len(p.Mutations) != 500 {
		t.Fatalf("decode: %d mutations, %v", len(p.Mutations), err)
	}
	t.Logf("decoding a %d byte push allocated %d bytes", len(body), got)
	// What stays is about the body's size (the payloads are raw JSON); the old
	// decoder allocated about four times that.
	if limit := uint64(len(body)) * 2; got > limit {
		t.Errorf("decoding a %d byte push allocated %d bytes, want at most %d", len(body), got, limit)
	}
}

// cutReader returns b and then fails as a connection that broke would.
type cutReader struct {
	b   []byte
	err error
}

func (c *cutReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, c.err
	}
	n := copy(p, c.b)
	c.b = c.b[n:]
	return n, nil
}

// A body cut off by the network is not a malformed body: the error wraps the
// reader's, so the server can answer 400 for the sender's broken upload and the
// client can retry a broken download.
func TestDecodeReadErrorIsNotDecodeError(t *testing.T) {
	body := bigPush(t, 20, 100)
	for name, dec := range map[string]func(io.Reader) error{
		"push":   func(r io.Reader) error { _, err := DecodePush(r, MaxBodyPush); return err },
		"enroll": func(r io.Reader) error { _, err := DecodeEnroll(r, MaxBodySmall); return err },
	} {
		err := dec(&cutReader{b: body[:len(body)/2], err: io.ErrUnexpectedEOF})
		if !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrDecode) || errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestDecodePushStrictness(t *testing.T) {
	valid := bigPush(t, 3, 50)
	for _, tt := range []struct {
		name, body string
		want       error
	}{
		{"other case of the key", `{"MUTATIONS":[]}`, ErrDecode},
		{"key twice", `{"mutations":[],"mutations":[]}`, ErrDecode},
		{"not an array", `{"mutations":{}}`, ErrDecode},
		{"string", `"x"`, ErrDecode},
		{"array after blanks", " \n\t[]", ErrDecode},
		{"unclosed", `{"mutations":[`, ErrDecode},
		{"over the batch", `{"mutations":[` + strings.Repeat(`{},`, MaxPushBatch) + `{}]}`, ErrTooMany},
		{"acked not a number", `{"acked":"1","incarnation":"0b6e9f2c41d87a35","mutations":[]}`, ErrDecode},
		{"incarnation twice", `{"incarnation":"0b6e9f2c41d87a35","incarnation":"0b6e9f2c41d87a35"}`, ErrDecode},
		{"no incarnation", `{"mutations":[]}`, ErrFence},
	} {
		if _, err := DecodePush(strings.NewReader(tt.body), MaxBodyPush); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	for _, ok := range []string{`{"incarnation":"0b6e9f2c41d87a35","mutations":null}`, `{"incarnation":"0b6e9f2c41d87a35"}`,
		` {"mutations":[], "acked":0,"incarnation":"0b6e9f2c41d87a35"} ` + "\n", string(valid)} {
		if _, err := DecodePush(strings.NewReader(ok), MaxBodyPush); err != nil {
			t.Errorf("%.60s: %v", ok, err)
		}
	}
}

// chunked hands out at most 16 KB per Read, as a TLS connection does.
type chunked struct{ r io.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), 16<<10)]) }

// json.Decoder skips white space between tokens without consuming it, rescanning
// the run at each refill: a push of a few MB of blanks cost seconds of CPU (found
// by the adversarial suite). The decoder's input now carries each run as one byte,
// so the time grows with the size, not its square.
func TestDecodePushWhitespaceLinear(t *testing.T) {
	best := func(n int) time.Duration {
		body := `{"incarnation":"0b6e9f2c41d87a35","mutations":[` + strings.Repeat(" \n", n/2) + `]}`
		b := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			if _, err := DecodePush(chunked{strings.NewReader(body)}, MaxBodyPush); err != nil {
				t.Fatal(err)
			}
			b = min(b, time.Since(start))
		}
		return b
	}
	small, large := best(1<<20), best(8<<20)
	t.Logf("1 MiB of blanks: %s, 8 MiB: %s", small, large)
	if large > 24*small && large > 100*time.Millisecond {
		t.Errorf("8 times the blanks took %.0f times as long", float64(large)/float64(small))
	}
}

// White space inside strings is kept as it is.
func TestDecodeKeepsBlanksInStrings(t *testing.T) {
	body := `{"incarnation":"0b6e9f2c41d87a35","mutations" : [ {"id":"d:1","device":"d","seq":1,"caseId":"c","kind":"comment.add",` +
		`"payload":{"comment":{"id":"k","text":"a  \"  \\"}},   "user":"u","at":"2026-01-01T00:00:00Z"} ] }`
	p, err := DecodePush(chunked{strings.NewReader(body)}, MaxBodyPush)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(p.Mutations[0].Payload); got != `{"comment":{"id":"k","text":"a  \"  \\"}}` {
		t.Fatalf("payload %s", got)
	}
}
