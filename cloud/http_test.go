package cloud

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

type req struct {
	method, path, token string
	body                []byte
	header              map[string]string
	noVersion           bool
}

func serve(t *testing.T, h http.Handler, q req) *http.Response {
	t.Helper()
	r := httptest.NewRequest(q.method, q.path, bytes.NewReader(q.body))
	if !q.noVersion {
		r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	}
	if q.token != "" {
		r.Header.Set("Authorization", "Bearer "+q.token)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func wireError(t *testing.T, resp *http.Response) *wire.Error {
	t.Helper()
	e, err := wire.DecodeError(resp.Body, wire.MaxBodySmall)
	if err != nil {
		t.Fatalf("status %d: body is no wire.Error: %v", resp.StatusCode, err)
	}
	return e
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func fakeHandler(t *testing.T) (*fakeBackend, http.Handler) {
	f := newFake()
	return f, newHandler(f, HandlerOptions{Logger: quietLog(), TempDir: t.TempDir()})
}

func pushBody(t *testing.T, device string, seqs ...uint64) []byte {
	t.Helper()
	p := wire.PushRequest{Incarnation: "cloudtest-store"}
	for _, s := range seqs {
		m, err := model.NewMutation("case-1", model.KindAssign, model.AssignPayload{Assignee: "clerk-1"})
		if err != nil {
			t.Fatal(err)
		}
		m.ID, m.Device, m.Seq, m.User, m.At = wire.MutationID(device, s), device, s, "clerk-1", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		p.Mutations = append(p.Mutations, m)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVersionHeader(t *testing.T) {
	_, h := fakeHandler(t)
	for _, q := range []req{
		{method: "POST", path: wire.PathEnroll, body: []byte(`{"code":"good-code"}`), noVersion: true},
		{method: "POST", path: wire.PathPush, token: "tok-a", body: pushBody(t, "dev-a", 1), noVersion: true},
		{method: "GET", path: wire.PathChanges, token: "tok-a", noVersion: true},
		{method: "GET", path: wire.PathEvents, token: "tok-a", noVersion: true},
		{method: "GET", path: wire.PathChanges, token: "tok-a", header: map[string]string{wire.HeaderVersion: strconv.Itoa(wire.Version + 1)}},
		{method: "GET", path: wire.PathChanges, token: "tok-a", header: map[string]string{wire.HeaderVersion: "eins"}},
	} {
		resp := serve(t, h, q)
		if resp.StatusCode != 400 || resp.Header.Get(wire.HeaderVersion) != strconv.Itoa(wire.Version) {
			t.Errorf("%s %s: status %d, version header %q", q.method, q.path, resp.StatusCode, resp.Header.Get(wire.HeaderVersion))
			continue
		}
		if e := wireError(t, resp); e.Code != wire.CodeVersion || e.Version != wire.Version || !errors.Is(e, wire.ErrVersion) {
			t.Errorf("%s %s: %+v", q.method, q.path, e)
		}
	}
	// Every answer carries the version, also those that need none.
	for _, q := range []req{
		{method: "GET", path: wire.PathHealth, noVersion: true},
		{method: "GET", path: wire.PathVerify + "K7M2-Q9XD", noVersion: true},
		{method: "GET", path: "/nothing-here", noVersion: true},
		{method: "DELETE", path: wire.PathPush, noVersion: true},
		{method: "GET", path: wire.PathChanges},
	} {
		if resp := serve(t, h, q); resp.Header.Get(wire.HeaderVersion) != strconv.Itoa(wire.Version) {
			t.Errorf("%s %s: status %d without version header", q.method, q.path, resp.StatusCode)
		}
	}
}

func TestAuth(t *testing.T) {
	_, h := fakeHandler(t)
	for _, q := range []req{
		{method: "POST", path: wire.PathPush, body: pushBody(t, "dev-a", 1)},
		{method: "POST", path: wire.PathPush, token: "wrong", body: pushBody(t, "dev-a", 1)},
		{method: "GET", path: wire.PathChanges, header: map[string]string{"Authorization": "Basic dG9rLWE6"}},
		{method: "GET", path: wire.PathChanges, header: map[string]string{"Authorization": "Bearer"}},
		{method: "GET", path: wire.PathEvents, token: "intake-a"},
		{method: "POST", path: wire.PathChunks + strings.Repeat("a", 64) + "/missing", body: []byte(`{}`)},
		{method: "GET", path: wire.PathChunks + strings.Repeat("a", 64) + "/chunks/0"},
		{method: "PUT", path: wire.PathChunks + strings.Repeat("a", 64) + "/chunks/0", body: []byte("x")},
		{method: "POST", path: wire.PathIntake, token: "tok-a", body: []byte("x")}, // a device token is no intake token
		{method: "POST", path: wire.PathIntake},
	} {
		resp := serve(t, h, q)
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s (token %q): status %d", q.method, q.path, q.token, resp.StatusCode)
			continue
		}
		if e := wireError(t, resp); e.Code != wire.CodeUnauthorized {
			t.Errorf("%s %s: %+v", q.method, q.path, e)
		}
	}
	// The scheme name is case-insensitive (RFC 9110).
	if resp := serve(t, h, req{method: "GET", path: wire.PathChanges, header: map[string]string{"Authorization": "bearer tok-a"}}); resp.StatusCode != 200 {
		t.Errorf("lower-case bearer: status %d", resp.StatusCode)
	}
}

// TestErrorMapping checks the one place that turns errors into answers, with the
// error chains the service and storage produce.
func TestErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   wire.ErrorCode
	}{
		{fmt.Errorf("boltstore: case x: %w", ErrNotFound), 404, wire.CodeNotFound},
		{fmt.Errorf("%w: batch of another device", ErrBadRequest), 400, wire.CodeBadRequest},
		{fmt.Errorf("%w: blob over 1 GB", ErrTooLarge), 413, wire.CodeTooLarge},
		{fmt.Errorf("%w: revoked", ErrUnauthorized), 401, wire.CodeUnauthorized},
		{fmt.Errorf("cloud: enroll: %w", ErrEnrollment), 403, wire.CodeEnrollment},
		{fmt.Errorf("cloud: push: %w", errSecret), 500, wire.CodeInternal},
		{fmt.Errorf("cloud: push: %w", ErrExists), 500, wire.CodeInternal},
	} {
		f, h := fakeHandler(t)
		f.err = tc.err
		for _, q := range []req{
			{method: "POST", path: wire.PathPush, token: "tok-a", body: pushBody(t, "dev-a", 1)},
			{method: "GET", path: wire.PathChanges, token: "tok-a"},
			{method: "GET", path: wire.PathChunks + strings.Repeat("a", 64) + "/chunks/0", token: "tok-a"},
			{method: "GET", path: wire.PathVerify + "CODE"},
		} {
			resp := serve(t, h, q)
			e := wireError(t, resp)
			if resp.StatusCode != tc.status || e.Code != tc.code {
				t.Errorf("%v on %s %s: %d %+v, want %d %s", tc.err, q.method, q.path, resp.StatusCode, e, tc.status, tc.code)
			}
			if strings.Contains(e.Message, "secret") || strings.Contains(e.Message, "10.0.0.7") {
				t.Errorf("%v: message leaks internals: %q", tc.err, e.Message)
			}
			if e.Message == "" {
				t.Errorf("%v: empty message", tc.err)
			}
		}
	}
}

func TestEnroll(t *testing.T) {
	_, h := fakeHandler(t)
	resp := serve(t, h, req{method: "POST", path: wire.PathEnroll, body: []byte(`{"code":"good-code"}`)})
	got, err := wire.DecodeEnrollResponse(resp.Body, wire.MaxBodySmall)
	if resp.StatusCode != 200 || err != nil || got.Token != "tok-new" {
		t.Fatalf("enroll: %d %+v %v", resp.StatusCode, got, err)
	}
	for body, want := range map[string]int{
		`{"code":"bad-code"}`:               403,
		`{"code":""}`:                       400,
		`{"code":"good-code","tenant":"b"}`: 400,
		`[]`:                                400,
		`{"code":"good-code"} {"code":"x"}`: 400,
		`{"code":"` + strings.Repeat("x", wire.MaxBodySmall) + `"}`: 413,
	} {
		resp := serve(t, h, req{method: "POST", path: wire.PathEnroll, body: []byte(body)})
		if e := wireError(t, resp); resp.StatusCode != want || e.Code.HTTPStatus() != want {
			t.Errorf("enroll %.40s: %d %+v, want %d", body, resp.StatusCode, e, want)
		}
	}
}

func TestPushAndChanges(t *testing.T) {
	_, h := fakeHandler(t)
	resp := serve(t, h, req{method: "POST", path: wire.PathPush, token: "tok-a", body: pushBody(t, "dev-a", 1, 2, 3)})
	got, err := wire.DecodePushResponse(resp.Body, wire.MaxBodySmall)
	if resp.StatusCode != 200 || err != nil || got.LastSeq != 3 {
		t.Fatalf("push: %d %+v %v", resp.StatusCode, got, err)
	}
	for name, q := range map[string]req{
		"gap in seq":     {method: "POST", path: wire.PathPush, token: "tok-a", body: pushBody(t, "dev-a", 1, 3)},
		"unknown field":  {method: "POST", path: wire.PathPush, token: "tok-a", body: []byte(`{"mutations":[],"tenant":"b"}`)},
		"other device":   {method: "POST", path: wire.PathPush, token: "tok-a", body: pushBody(t, "dev-b", 1)},
		"bad cursor":     {method: "GET", path: wire.PathChanges + "?cursor=-1", token: "tok-a"},
		"bad limit":      {method: "GET", path: wire.PathChanges + "?limit=0", token: "tok-a"},
		"limit not int":  {method: "GET", path: wire.PathChanges + "?limit=x", token: "tok-a"},
		"cursor not int": {method: "GET", path: wire.PathChanges + "?cursor=1e3", token: "tok-a"},
	} {
		resp := serve(t, h, q)
		if e := wireError(t, resp); resp.StatusCode != 400 || e.Code != wire.CodeBadRequest {
			t.Errorf("%s: %d %+v", name, resp.StatusCode, e)
		}
	}
	resp = serve(t, h, req{method: "GET", path: wire.PathChanges + "?cursor=17&limit=99999", token: "tok-a"})
	page, err := wire.DecodeChanges(resp.Body, wire.MaxBodySmall)
	if resp.StatusCode != 200 || err != nil || page.ValidateAfter(17) != nil {
		t.Fatalf("changes: %d %+v %v", resp.StatusCode, page, err)
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGzip(t *testing.T) {
	_, h := fakeHandler(t)
	var seqs []uint64
	for i := uint64(1); i <= 50; i++ {
		seqs = append(seqs, i)
	}
	body := pushBody(t, "dev-a", seqs...)

	// A gzip request body is accepted, and a large answer comes back gzip when asked.
	resp := serve(t, h, req{method: "POST", path: wire.PathPush, token: "tok-a", body: gzipped(t, body),
		header: map[string]string{"Content-Encoding": "gzip", "Accept-Encoding": "br, gzip;q=0.8"}})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := wire.DecodePushResponse(zr, wire.MaxBodySmall)
	if err != nil || got.LastSeq != 50 {
		t.Fatalf("gzip answer: %+v %v", got, err)
	}
	// Not asked, or refused with q=0: plain.
	for _, ae := range []string{"", "identity", "gzip;q=0"} {
		resp := serve(t, h, req{method: "POST", path: wire.PathPush, token: "tok-a", body: body, header: map[string]string{"Accept-Encoding": ae}})
		if resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: answer encoded %q", ae, resp.Header.Get("Content-Encoding"))
		}
	}
	// A gzip bomb: 1 KB on the wire, far over the limit once inflated.
	bomb := gzipped(t, bytes.Repeat([]byte{' '}, wire.MaxBodySmall*4))
	resp = serve(t, h, req{method: "POST", path: wire.PathEnroll, body: bomb, header: map[string]string{"Content-Encoding": "gzip"}})
	if e := wireError(t, resp); resp.StatusCode != 413 || e.Code != wire.CodeTooLarge {
		t.Errorf("gzip bomb: %d %+v", resp.StatusCode, e)
	}
	// Corrupt gzip and unknown encodings are the client's fault.
	for name, q := range map[string]req{
		"corrupt header": {method: "POST", path: wire.PathEnroll, body: []byte("not gzip"), header: map[string]string{"Content-Encoding": "gzip"}},
		"truncated":      {method: "POST", path: wire.PathEnroll, body: gzipped(t, []byte(`{"code":"good-code"}`))[:20], header: map[string]string{"Content-Encoding": "gzip"}},
		"br":             {method: "POST", path: wire.PathEnroll, body: []byte(`{"code":"good-code"}`), header: map[string]string{"Content-Encoding": "br"}},
	} {
		resp := serve(t, h, q)
		if e := wireError(t, resp); resp.StatusCode != 400 {
			t.Errorf("%s: %d %+v", name, resp.StatusCode, e)
		}
	}
	// An oversized raw body is cut off before it is read whole.
	resp = serve(t, h, req{method: "POST", path: wire.PathEnroll, body: bytes.Repeat([]byte{' '}, 3*wire.MaxBodySmall)})
	if resp.StatusCode != 413 {
		t.Errorf("oversized body: %d", resp.StatusCode)
	}
}

func TestChunks(t *testing.T) {
	_, h := fakeHandler(t)
	data := bytes.Repeat([]byte("0123456789"), 1000)
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	base := wire.PathChunks + sha

	missing := func(token string) []int {
		b, _ := json.Marshal(wire.MissingChunksRequest{SHA256: sha, Size: int64(len(data)), ChunkHashes: []string{sha}})
		resp := serve(t, h, req{method: "POST", path: base + "/missing", token: token, body: b})
		var m wire.MissingChunksResponse
		if err := wire.Decode(resp.Body, wire.MaxBodySmall, &m); resp.StatusCode != 200 || err != nil || m.Missing == nil {
			t.Fatalf("missing: %d %v %+v", resp.StatusCode, err, m)
		}
		return m.Missing
	}
	if got := missing("tok-a"); len(got) != 1 {
		t.Fatalf("before upload: missing %v", got)
	}
	if resp := serve(t, h, req{method: "PUT", path: base + "/chunks/0", token: "tok-a", body: data}); resp.StatusCode != 204 {
		t.Fatalf("put: %d", resp.StatusCode)
	}
	if got := missing("tok-a"); len(got) != 0 {
		t.Fatalf("after upload: missing %v", got)
	}
	resp := serve(t, h, req{method: "GET", path: base + "/chunks/0", token: "tok-a"})
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Equal(got, data) || resp.Header.Get("ETag") == "" {
		t.Fatalf("get: %d, %d bytes", resp.StatusCode, len(got))
	}
	resp = serve(t, h, req{method: "GET", path: base + "/chunks/0", token: "tok-a", header: map[string]string{"Range": "bytes=9000-"}})
	got, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 206 || !bytes.Equal(got, data[9000:]) {
		t.Fatalf("range: %d, %d bytes", resp.StatusCode, len(got))
	}
	// Another tenant's device sees nothing of it.
	if resp := serve(t, h, req{method: "GET", path: base + "/chunks/0", token: "tok-b"}); resp.StatusCode != 404 {
		t.Errorf("other tenant: %d", resp.StatusCode)
	}
	for name, q := range map[string]req{
		"upper-case sha": {method: "GET", path: wire.PathChunks + strings.ToUpper(sha) + "/chunks/0", token: "tok-a"},
		"short sha":      {method: "GET", path: wire.PathChunks + "abc/chunks/0", token: "tok-a"},
		"negative index": {method: "GET", path: base + "/chunks/-1", token: "tok-a"},
		"index +1":       {method: "GET", path: base + "/chunks/+1", token: "tok-a"},
		"sha differs":    {method: "POST", path: wire.PathChunks + strings.Repeat("b", 64) + "/missing", token: "tok-a", body: []byte(`{"sha256":"` + sha + `","size":1,"chunkHashes":["` + sha + `"]}`)},
		"bad request":    {method: "POST", path: base + "/missing", token: "tok-a", body: []byte(`{"sha256":"` + sha + `","size":1,"chunkHashes":[]}`)},
	} {
		resp := serve(t, h, q)
		if e := wireError(t, resp); resp.StatusCode != 400 {
			t.Errorf("%s: %d %+v", name, resp.StatusCode, e)
		}
	}
	resp = serve(t, h, req{method: "PUT", path: base + "/chunks/1", token: "tok-a", body: make([]byte, wire.ChunkSize+1)})
	if resp.StatusCode != 413 {
		t.Errorf("oversized chunk: %d", resp.StatusCode)
	}
}

func TestVerifyAndHealth(t *testing.T) {
	_, h := fakeHandler(t)
	resp := serve(t, h, req{method: "GET", path: wire.PathVerify + "K7M2-Q9XD", noVersion: true})
	var v wire.VerifyResponse
	if err := wire.Decode(resp.Body, wire.MaxBodySmall, &v); resp.StatusCode != 200 || err != nil || !v.Found {
		t.Fatalf("verify: %d %v %+v", resp.StatusCode, err, v)
	}
	resp = serve(t, h, req{method: "GET", path: wire.PathVerify + strings.Repeat("X", 101), noVersion: true})
	if resp.StatusCode != 400 {
		t.Errorf("long code: %d", resp.StatusCode)
	}
	resp = serve(t, h, req{method: "GET", path: wire.PathHealth, noVersion: true})
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || string(b) != "ok\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, b)
	}
	for _, q := range []req{{method: "GET", path: wire.PathPush}, {method: "DELETE", path: wire.PathChunks + strings.Repeat("a", 64) + "/chunks/0"}, {method: "POST", path: wire.PathHealth}} {
		resp := serve(t, h, q)
		if e := wireError(t, resp); resp.StatusCode != 405 || e.Code != wire.CodeBadRequest || resp.Header.Get("Allow") == "" {
			t.Errorf("%s %s: %d %+v", q.method, q.path, resp.StatusCode, e)
		}
	}
	resp = serve(t, h, req{method: "GET", path: "/v1/unknown"})
	if e := wireError(t, resp); resp.StatusCode != 404 || e.Code != wire.CodeNotFound {
		t.Errorf("unknown path: %d %+v", resp.StatusCode, e)
	}
}

// readEvent returns the next event's data, skipping heartbeats, or "heartbeat".
func readEvent(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	var event, data string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("event stream: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && event != "":
			if event != wire.EventSeq {
				t.Fatalf("event %q", event)
			}
			return data
		case line == "":
		case strings.HasPrefix(line, ":"):
			return "heartbeat"
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
}

func TestEvents(t *testing.T) {
	f := newFake()
	f.last = 7
	done := make(chan struct{})
	srv := httptest.NewServer(newHandler(f, HandlerOptions{Logger: quietLog(), Heartbeat: 50 * time.Millisecond, Done: done}))
	defer srv.Close()

	open := func() (*http.Response, *bufio.Reader) {
		r, _ := http.NewRequest("GET", srv.URL+wire.PathEvents, nil)
		r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
		r.Header.Set("Authorization", "Bearer tok-a")
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return resp, bufio.NewReader(resp.Body)
	}
	resp, br := open()
	if got := readEvent(t, br); got != "7" {
		t.Fatalf("first event %q, want the latest seq 7", got)
	}
	f.poke(9)
	for {
		got := readEvent(t, br)
		if got == "heartbeat" {
			continue
		}
		if got != "9" {
			t.Fatalf("after poke: %q", got)
		}
		break
	}
	if got := readEvent(t, br); got != "heartbeat" {
		t.Fatalf("idle stream: %q, want a heartbeat", got)
	}

	// A client that goes away ends its stream and its subscription.
	resp.Body.Close()
	waitFor(t, "unsubscribe after disconnect", func() bool { return f.subscribers() == 0 })

	// A revoked token ends the stream at the next heartbeat.
	resp, br = open()
	readEvent(t, br)
	f.mu.Lock()
	delete(f.devices, "tok-a")
	f.mu.Unlock()
	if _, err := io.ReadAll(br); err != nil {
		t.Fatalf("revoked: %v", err)
	}
	resp.Body.Close()
	f.mu.Lock()
	f.devices["tok-a"] = Device{ID: "dev-a", Tenant: "a"}
	f.mu.Unlock()

	// Shutdown ends open streams.
	resp, br = open()
	readEvent(t, br)
	close(done)
	if _, err := io.ReadAll(br); err != nil {
		t.Fatalf("after shutdown: %v", err)
	}
	resp.Body.Close()
	waitFor(t, "unsubscribe after shutdown", func() bool { return f.subscribers() == 0 })
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
