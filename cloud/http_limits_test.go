package cloud_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/sync/wire"
)

// logBuffer collects log lines for a test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// lines returns the lines that contain every one of parts.
func (l *logBuffer) lines(parts ...string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		ok := line != ""
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// limitedHTS is the real server with limits and a log the test reads.
func limitedHTS(t *testing.T, lim cloud.RequestLimits) (*hts, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	h := newHTSWith(t, func(o *cloud.HandlerOptions) {
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
		o.Requests = lim
	})
	return h, logs
}

// rawRequest writes a request's head on a new connection to h and returns the
// connection; the body is the caller's to send.
func (h *hts) rawRequest(method, path, token string, contentLength int, hdr ...string) net.Conn {
	h.t.Helper()
	c, err := net.Dial("tcp", h.srv.Listener.Addr().String())
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Close() })
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: x\r\n%s: %d\r\nContent-Length: %d\r\n", method, path, wire.HeaderVersion, wire.Version, contentLength)
	if token != "" {
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", hdr[i], hdr[i+1])
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(c, b.String()); err != nil {
		h.t.Fatal(err)
	}
	return c
}

// answer reads the status line and the wire.Error of an answer on c.
func answer(t *testing.T, c net.Conn, within time.Duration) (*http.Response, *wire.Error) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(within))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer within %s: %v", within, err)
	}
	_, e, _ := refusal(resp)
	return resp, &e
}

// refusal reads and closes an error answer: its status, its wire.Error (empty when
// the body is none) and its Retry-After.
func refusal(resp *http.Response) (int, wire.Error, string) {
	defer resp.Body.Close()
	var e wire.Error
	if got, err := wire.DecodeError(resp.Body, wire.MaxBodySmall); err == nil {
		e = *got
	}
	return resp.StatusCode, e, resp.Header.Get("Retry-After")
}

// Issue 11, finding 5: a body cut off by the client was a read error, not a decode
// error, so the server answered 500 and wrote an ERROR line: anyone could fill the
// error log and set off alerts. Now it is the client's fault (400), counted in the
// summary line, never an ERROR.
func TestCutOffBodyIsTheClientsFault(t *testing.T) {
	h, logs := limitedHTS(t, cloud.RequestLimits{LogEvery: 200 * time.Millisecond})
	body := []byte(`{"mutations":[{"id":"x`)
	for range 5 {
		c := h.rawRequest("POST", wire.PathPush, h.devA.Token, 10_000)
		if _, err := c.Write(body); err != nil {
			t.Fatal(err)
		}
		c.(*net.TCPConn).CloseWrite() // the client's side of the body ends early
		resp, e := answer(t, c, 5*time.Second)
		if resp.StatusCode != 400 || e.Code != wire.CodeBadRequest || !strings.Contains(e.Message, "cut off") {
			t.Fatalf("cut-off push: %d %+v", resp.StatusCode, e)
		}
		c.Close()
	}
	waitFor(t, "the summary line", func() bool { return len(logs.lines("requests refused", "body_cut_off=5")) == 1 })
	if errs := logs.lines("level=ERROR"); len(errs) > 0 {
		t.Fatalf("client faults logged as errors:\n%s", strings.Join(errs, "\n"))
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// gzipSpaces is a push body of n bytes of JSON white space inside the mutations
// array: valid JSON, a few KB compressed.
func gzipSpaces(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	io.WriteString(zw, `{"mutations":[`)
	spaces := bytes.Repeat([]byte{' '}, 1<<20)
	for n > 0 {
		k := min(n, len(spaces))
		zw.Write(spaces[:k])
		n -= k
	}
	io.WriteString(zw, `]}`)
	zw.Close()
	return buf.Bytes()
}

// Issue 11, finding 2 (gzip as a multiplier): a 60 KB gzip body inflated to 60 MiB
// in the server's memory before anything was checked. Now the inflated bytes are
// limited by ratio, and the request is refused after about a megabyte.
func TestGzipBombRefusedEarly(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{})
	bomb := gzipSpaces(t, 60<<20)
	var resp *http.Response
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp = h.do("POST", wire.PathPush, h.devA.Token, bytes.NewReader(bomb), "Content-Encoding", "gzip")
	runtime.ReadMemStats(&after)
	if status, e, _ := refusal(resp); status != 413 || e.Code != wire.CodeTooLarge || e.Reason != "gzip_ratio" {
		t.Fatalf("gzip bomb of %d bytes: %d %+v", len(bomb), status, e)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Errorf("a refused gzip bomb cost %d MiB of allocations", got>>20)
	}
}

// Issue 11, finding 2 (unauthenticated bodies): enrollment took bodies of up to
// 1 MiB from anyone. Now a few KB.
func TestEnrollBodyIsSmall(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{})
	body := `{"code":"ABCD-EFGH-JKLM-NPQR"}` + strings.Repeat(" ", 8<<10)
	if status, e, _ := refusal(h.do("POST", wire.PathEnroll, "", strings.NewReader(body))); status != 413 || e.Reason != "body" {
		t.Fatalf("8 KB enrollment body: %d %+v", status, e)
	}
}

// Issue 11, finding 2 (slow bodies): a body that trickled in held its connection
// and memory for a minute plus the time its size limit took at 2 Mbit/s. Now it is
// cut off once it falls below the minimum rate after the grace time.
func TestSlowBodyCutOff(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{BodyGrace: 300 * time.Millisecond, MinUploadRate: 1000})
	c := h.rawRequest("POST", wire.PathPush, h.devA.Token, 5000)
	start := time.Now()
	go func() {
		for i := 0; i < 50; i++ {
			if _, err := c.Write([]byte{' '}); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	resp, e := answer(t, c, 3*time.Second)
	if resp.StatusCode != 400 || e.Reason != "slow" {
		t.Fatalf("slow body: %d %+v", resp.StatusCode, e)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("slow body cut off after %s", took)
	}
	// A normal push on the same server is not affected.
	if status, _, body := h.push(h.devA.Token, h.createCase(h.devA, h.userA.ID, "case-fast", "Schnell")); status != 200 {
		t.Fatalf("push: %d %s", status, body)
	}
}

// Issue 11, finding 2 (per-token concurrency): one device could hold any number of
// bodies at once. Now PerDevice; the next is refused with 429 and Retry-After.
func TestPerDeviceConcurrency(t *testing.T) {
	h, logs := limitedHTS(t, cloud.RequestLimits{PerDevice: 2, LogEvery: 100 * time.Millisecond})
	for range 2 {
		c := h.rawRequest("POST", wire.PathPush, h.devA.Token, 1000)
		c.Write([]byte(`{"mutations":[`)) // and then nothing: the request stays open
	}
	// Both held requests are inside the handler once the third is refused.
	var resp *http.Response
	waitFor(t, "a refusal", func() bool {
		resp = h.do("POST", wire.PathPush, h.devA.Token, strings.NewReader(`{"incarnation":"cloudtest-store","mutations":[]}`))
		if resp.StatusCode == 200 {
			resp.Body.Close()
			return false
		}
		return true
	})
	status, e, retry := refusal(resp)
	if status != 429 || e.Code != wire.CodeRateLimited || e.Reason != "requests_per_device" || retry != "1" {
		t.Fatalf("third request: %d %+v Retry-After %q", status, e, retry)
	}
	if !e.Code.Retryable() {
		t.Fatal("a rate limit must be retryable")
	}
	// Another device is not limited by A's requests.
	if status, _, body := h.push(h.devB.Token); status != 200 {
		t.Fatalf("device B: %d %s", status, body)
	}
	waitFor(t, "the summary line", func() bool { return len(logs.lines("requests refused", "requests_per_device=")) == 1 })
}

// Issue 11, finding 2 (memory of bodies): large bodies take from a shared budget,
// of which one tenant may take half; a body that finds its tenant's share spent is
// refused with 429, and the other tenant's bodies still pass.
func TestBodyMemoryBudget(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{BodyMemory: 256 << 10})
	// A holds a body of about 180 KB (128 KiB beyond the free 64 KiB), sent
	// slowly, most of it now.
	big := `{"incarnation":"cloudtest-store","mutations":[` + strings.Repeat(" ", 180<<10) + `]}`
	c := h.rawRequest("POST", wire.PathPush, h.devA.Token, len(big))
	if _, err := io.WriteString(c, big[:170<<10]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	// A's next large body finds its tenant's half spent.
	if status, e, _ := refusal(h.do("POST", wire.PathPush, h.devA.Token, strings.NewReader(big))); status != 429 || e.Reason != "memory" {
		t.Fatalf("large body with the tenant's share spent: %d %+v", status, e)
	}
	// B has its own half, and small bodies need none.
	if status, e, _ := refusal(h.do("POST", wire.PathPush, h.devB.Token, strings.NewReader(big))); status != 200 {
		t.Fatalf("large body of another tenant: %d %+v", status, e)
	}
	if status, _, body := h.push(h.devA.Token, h.createCase(h.devA, h.userA.ID, "case-a", "Klein")); status != 200 {
		t.Fatalf("small push: %d %s", status, body)
	}
	// A's body completes, and its memory is given back.
	if _, err := io.WriteString(c, big[170<<10:]); err != nil {
		t.Fatal(err)
	}
	if resp, _ := answer(t, c, 5*time.Second); resp.StatusCode != 200 {
		t.Fatalf("A's push: %d", resp.StatusCode)
	}
	// (The answer may come before the handler has given the memory back.)
	waitFor(t, "a large body after the budget was given back", func() bool {
		resp := h.do("POST", wire.PathPush, h.devA.Token, strings.NewReader(big))
		resp.Body.Close()
		return resp.StatusCode == 200
	})
}

// Issue 11, finding 2 (one tenant's uploads crowd out the others): a tenant's bodies
// are paced to TenantUploadRate after a burst of as much.
func TestTenantUploadRate(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{TenantUploadRate: 1 << 20})
	body := `{"incarnation":"cloudtest-store","mutations":[` + strings.Repeat(" ", 3<<20) + `]}`
	start := time.Now()
	aDone := make(chan error, 1)
	go func() {
		r, _ := http.NewRequest("POST", h.srv.URL+wire.PathPush, strings.NewReader(body))
		r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
		r.Header.Set("Authorization", "Bearer "+h.devA.Token)
		resp, err := h.srv.Client().Do(r)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
		}
		aDone <- err
	}()
	// While A is slowed down, another tenant is not.
	time.Sleep(500 * time.Millisecond)
	bStart := time.Now()
	if status, _, b := h.push(h.devB.Token); status != 200 || time.Since(bStart) > time.Second {
		t.Fatalf("other tenant: %d %s after %s", status, b, time.Since(bStart))
	}
	if err := <-aDone; err != nil {
		t.Fatalf("A's push: %v", err)
	}
	// 1 MiB at once, the other 2 MiB at 1 MiB/s.
	if took := time.Since(start); took < 1800*time.Millisecond || took > 6*time.Second {
		t.Fatalf("3 MiB at 1 MiB/s after a burst of 1 MiB took %s", took)
	}
}

// Issue 11, finding 6: cursor=2^64-1 wrapped to the start of the log on bbolt
// (after+1 == 0) and returned every change; PostgreSQL answered 500 above 2^63. Now
// a cursor over MaxCursor is refused, and MaxCursor itself is an empty page.
func TestCursorOverflow(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{})
	if status, _, body := h.push(h.devA.Token, h.createCase(h.devA, h.userA.ID, "case-1", "Eins")); status != 200 {
		t.Fatalf("push: %d %s", status, body)
	}
	for cursor, want := range map[string]int{
		"18446744073709551615": 400, "18446744073709551616": 400, "9223372036854775808": 400,
		"-1": 400, "1e3": 400, "+1": 400, "0x10": 400, " 1": 400,
		"9223372036854775807": 200, "1": 200, "": 200,
	} {
		status, body := read(t, h.do("GET", wire.PathChanges+"?cursor="+urlQuery(cursor), h.devA.Token, nil))
		if status != want {
			t.Errorf("cursor %q: %d %s", cursor, status, body)
			continue
		}
		if status != 200 {
			continue
		}
		page, err := wire.DecodeChanges(bytes.NewReader(body), int64(len(body))+1)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := strconv.ParseUint(cursor, 10, 64); n >= 1 && len(page.Changes) != 0 {
			t.Errorf("cursor %q returned %d changes", cursor, len(page.Changes))
		}
	}
}

func urlQuery(s string) string { return strings.NewReplacer(" ", "%20", "+", "%2B").Replace(s) }

// Issue 11, finding 7: enrollment had no rate limit, and every wrong code wrote two
// log lines. Now an address has an allowance of failures, then waits (429,
// Retry-After, Reason "enroll"); failures are one summary line per interval.
func TestEnrollRateLimit(t *testing.T) {
	h, logs := limitedHTS(t, cloud.RequestLimits{EnrollFailures: 5, EnrollWindow: time.Hour, LogEvery: 300 * time.Millisecond})
	var statuses []int
	var e wire.Error
	var retry string
	for range 8 {
		var status int
		status, e, retry = refusal(h.do("POST", wire.PathEnroll, "", strings.NewReader(`{"code":"ABCD-EFGH-JKLM-NPQR"}`)))
		statuses = append(statuses, status)
	}
	if fmt.Sprint(statuses) != "[403 403 403 403 403 429 429 429]" {
		t.Fatalf("statuses %v", statuses)
	}
	if e.Code != wire.CodeRateLimited || e.Reason != "enroll" {
		t.Fatalf("refusal: %+v", e)
	}
	if ra, _ := strconv.Atoi(retry); ra < 700 || ra > 720 {
		t.Fatalf("Retry-After %q, want about 12 minutes", retry)
	}
	waitFor(t, "the summary line", func() bool {
		return len(logs.lines("requests refused", "enroll=3", "enroll_failed=5")) == 1
	})
	if n := len(logs.lines("route=\"POST /v1/devices/enroll\"", "status=4")); n != 0 {
		t.Fatalf("%d access log lines for refused enrollments:\n%s", n, logs)
	}
	if n := len(logs.lines("enrollment refused")); n != 0 {
		t.Fatalf("%d lines per refused code", n)
	}
}

// Successful enrollments do not use the allowance: an office enrolls all its PCs.
func TestEnrollSuccessesNotLimited(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{EnrollFailures: 2, EnrollWindow: time.Hour})
	for range 6 {
		h.enroll(htTenantA)
	}
}

// Issue 11, finding 7 (verification): GET /v1/verify/{code} needs no token; an
// address may ask for a number of unknown codes per window.
func TestVerifyRateLimit(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{VerifyMisses: 3, VerifyWindow: time.Minute})
	var statuses []int
	for i := range 5 {
		status, e, retry := refusal(h.do("GET", wire.PathVerify+fmt.Sprintf("0000-0000-0000-%04X", i), "", nil))
		statuses = append(statuses, status)
		if status == 429 && (e.Reason != "verify" || retry != "20") {
			t.Fatalf("refusal %+v, Retry-After %q", e, retry)
		}
	}
	if fmt.Sprint(statuses) != "[200 200 200 429 429]" {
		t.Fatalf("statuses %v", statuses)
	}
}

// Issue 11, finding 9 (event streams): a device could open any number of event
// streams. Now a device has at most StreamsPerDevice (a new one ends its oldest) and
// the server at most Streams (a new one is refused).
func TestEventStreamLimits(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{StreamsPerDevice: 2, Streams: 3})
	_, closeA1 := h.events(h.devA.Token)
	defer closeA1()
	a1 := h.lastStream
	_, closeA2 := h.events(h.devA.Token)
	defer closeA2()
	_, closeA3 := h.events(h.devA.Token)
	defer closeA3()
	// A's first stream was ended by the server.
	select {
	case _, open := <-drain(a1):
		if open {
			t.Fatal("unexpected")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the oldest stream of a device was not ended")
	}
	_, closeB1 := h.events(h.devB.Token)
	defer closeB1()
	// Three streams are open in all: B's second is refused, A may replace its own.
	if status, e, retry := refusal(h.do("GET", wire.PathEvents, h.devB.Token, nil)); status != 429 || e.Reason != "streams" || retry == "" {
		t.Fatalf("stream over the total: %d %+v", status, e)
	}
	_, closeA4 := h.events(h.devA.Token)
	closeA4()
}

// drain returns a channel that is closed when lines is closed.
func drain(lines <-chan string) <-chan string {
	out := make(chan string)
	go func() {
		for range lines {
		}
		close(out)
	}()
	return out
}

// net/http cancels a connection's context for good after any read error on it, such
// as a slow body's deadline; reused, the connection then answered every later
// request with an empty 200 (found by the adversarial suite). A refused body that
// was not read to its end now ends its connection; a small one is read away and
// the connection serves the next request.
func TestRefusedBodyAndTheConnection(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{BodyGrace: 300 * time.Millisecond, MinUploadRate: 1000})
	// A slow body is cut off, and its connection ends with the answer.
	c := h.rawRequest("POST", wire.PathPush, h.devA.Token, 5000)
	c.Write([]byte(`{"mutations":[`))
	br := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 400 || !resp.Close {
		t.Fatalf("slow body: %d, Connection: close %v", resp.StatusCode, resp.Close)
	}
	c.Write([]byte(strings.Repeat(" ", 4986)))
	if rest, err := io.ReadAll(br); err != nil || len(rest) > 0 {
		t.Fatalf("the connection of a cut-off body served on: %q %v", rest, err)
	}
	// A small body refused unread (no token) is read away: the next request on
	// the connection gets a real answer.
	c = h.rawRequest("POST", wire.PathPush, "", 1000)
	c.Write([]byte(strings.Repeat(" ", 1000)))
	br = bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if resp, err = http.ReadResponse(br, nil); err != nil || resp.StatusCode != 401 || resp.Close {
		t.Fatalf("no token: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	fmt.Fprintf(c, "GET %s?cursor=0 HTTP/1.1\r\nHost: x\r\n%s: %d\r\nAuthorization: Bearer %s\r\n\r\n", wire.PathChanges, wire.HeaderVersion, wire.Version, h.devA.Token)
	if resp, err = http.ReadResponse(br, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("next request on the connection: %v %v", resp, err)
	}
	if b, _ := io.ReadAll(resp.Body); !bytes.HasPrefix(b, []byte(`{"changes":`)) {
		t.Fatalf("next request on the connection: %q", b)
	}
}

// Time a tenant's body waits for its upload rate is not the client's slowness: the
// body is not cut off for it, and the connection serves the next request (a
// deadline that fired while the server made the body wait once cancelled the
// connection's context, and every later request on it got an empty 200).
func TestUploadRateIsNotSlowness(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{TenantUploadRate: 256 << 10, BodyGrace: 300 * time.Millisecond, MinUploadRate: 1 << 20})
	body := `{"incarnation":"cloudtest-store","mutations":[` + strings.Repeat(" ", 1<<20) + `]}`
	c := h.rawRequest("POST", wire.PathPush, h.devA.Token, len(body))
	go io.WriteString(c, body) // all of it at once; the server reads it at 256 KiB/s
	br := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for i := range 2 {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"lastSeq"`)) {
			t.Fatalf("answer %d: %d %q", i, resp.StatusCode, b)
		}
		// The same push again, on the same connection, but small.
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\n%s: %d\r\nAuthorization: Bearer %s\r\nContent-Length: 48\r\n\r\n{\"incarnation\":\"cloudtest-store\",\"mutations\":[]}",
			wire.PathPush, wire.HeaderVersion, wire.Version, h.devA.Token)
	}
}

// Slow enrollment bodies (no token) once took the places of all bodies, and every
// device's push was refused with 429 "bodies" (found measuring the README's
// figures). Bodies without a token no longer count; a tenant may read a quarter of
// the places at once.
func TestBodyPlaces(t *testing.T) {
	h, _ := limitedHTS(t, cloud.RequestLimits{Bodies: 4})
	for range 6 {
		c := h.rawRequest("POST", wire.PathEnroll, "", 100)
		c.Write([]byte(`{"code":"`))
	}
	time.Sleep(100 * time.Millisecond)
	if status, _, body := h.push(h.devA.Token, h.createCase(h.devA, h.userA.ID, "case-1", "Eins")); status != 200 {
		t.Fatalf("push while enrollments trickle: %d %s", status, body)
	}
	// A holds its one place with a slow push (once the push before has given its
	// place back: the answer may come first); its next body waits, B's does not.
	time.Sleep(100 * time.Millisecond)
	c := h.rawRequest("POST", wire.PathPush, h.devA.Token, 100)
	c.Write([]byte(`{"mutations":[`))
	time.Sleep(100 * time.Millisecond)
	if status, e, _ := refusal(h.do("POST", wire.PathPush, h.devA.Token, strings.NewReader(`{"incarnation":"cloudtest-store","mutations":[]}`))); status != 429 || e.Reason != "bodies" {
		t.Fatalf("A's second body: %d %+v", status, e)
	}
	if status, _, body := h.push(h.devB.Token); status != 200 {
		t.Fatalf("B's push: %d %s", status, body)
	}
}
