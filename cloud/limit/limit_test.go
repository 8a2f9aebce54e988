package limit

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestListenerCapsConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	refused := map[string]int{}
	l := NewListener(ln, ListenerOptions{Max: 3, PerAddr: 2, Refused: func(r string) { mu.Lock(); refused[r]++; mu.Unlock() }})
	defer l.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	// A refused connection may already fail to connect (reset): nil then.
	dial := func(local string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
		c, err := d.Dial("tcp", ln.Addr().String())
		if err != nil {
			return nil
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// closedByServer tells whether the server closed c at once.
	closedByServer := func(c net.Conn) bool {
		if c == nil {
			return true
		}
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		var ne net.Error
		return err != nil && !(errorAs(err, &ne) && ne.Timeout())
	}
	a1, a2, a3 := dial("127.0.0.1"), dial("127.0.0.1"), dial("127.0.0.1")
	if closedByServer(a1) || closedByServer(a2) {
		t.Fatal("connections within the per-address limit were closed")
	}
	if !closedByServer(a3) {
		t.Fatal("a third connection from one address was kept")
	}
	b1 := dial("127.0.0.2")
	if closedByServer(b1) {
		t.Fatal("another address was refused below the total")
	}
	if b2 := dial("127.0.0.3"); !closedByServer(b2) {
		t.Fatal("a connection over the total was kept")
	}
	if l.Open() != 3 {
		t.Fatalf("open = %d, want 3", l.Open())
	}
	// Closing a server side connection frees its place.
	(<-accepted).Close()
	if c := dial("127.0.0.3"); closedByServer(c) {
		t.Fatal("a freed place was not given again")
	}
	mu.Lock()
	defer mu.Unlock()
	if refused["connections_per_addr"] != 1 || refused["connections"] != 1 {
		t.Fatalf("refused = %v", refused)
	}
}

func errorAs(err error, ne *net.Error) bool {
	e, ok := err.(net.Error)
	if ok {
		*ne = e
	}
	return ok
}

func TestAddrKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7:443":              "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:1":   "2001:db8:1:2::/64",
		"[::ffff:192.0.2.7]:80":      "192.0.2.7",
		"192.0.2.8":                  "192.0.2.8",
		"not an address":             "not an address",
	} {
		if got := HostKey(in); got != want {
			t.Errorf("HostKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGate(t *testing.T) {
	g := NewGate(2, 3)
	a1, ok1 := g.Enter("a")
	_, ok2 := g.Enter("a")
	if _, ok := g.Enter("a"); !ok1 || !ok2 || ok {
		t.Fatal("per-key limit of 2 not kept")
	}
	b1, ok := g.Enter("b")
	if !ok {
		t.Fatal("b refused below the total")
	}
	if _, ok := g.Enter("c"); ok {
		t.Fatal("total of 3 not kept")
	}
	a1()
	a1() // a second call changes nothing
	if g.Inside() != 2 {
		t.Fatalf("inside = %d, want 2", g.Inside())
	}
	if _, ok := g.Enter("c"); !ok {
		t.Fatal("a freed place was not given again")
	}
	b1()
	if len(g.b.byKey) != 2 {
		t.Fatalf("keys remembered: %v", g.b.byKey)
	}
	if _, ok := NewGate(0, 0).Enter("x"); !ok {
		t.Fatal("a gate without limits refused")
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(100, 70)
	if !b.Take("a", 60) || b.Take("b", 50) || !b.Take("b", 40) || b.Take("c", 1) {
		t.Fatal("budget of 100 not kept")
	}
	b.Give("a", 60)
	if b.Left() != 60 || b.Take("b", 31) || !b.Take("b", 30) {
		t.Fatalf("cap of 70 per key not kept (left %d)", b.Left())
	}
	b.Give("b", 70)
	if len(b.byKey) != 0 || b.Left() != 100 {
		t.Fatalf("keys remembered: %v, left %d", b.byKey, b.Left())
	}
	var none *Budget
	if !none.Take("x", 1<<40) {
		t.Fatal("a nil budget limited")
	}
}

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	th := NewThrottle(1000, 2000, func() time.Time { return now })
	if w := th.Take("a", 2000); w != 0 {
		t.Fatalf("the burst waited %s", w)
	}
	if w := th.Take("a", 500); w != 500*time.Millisecond {
		t.Fatalf("over the burst: wait %s, want 500ms", w)
	}
	if w := th.Take("b", 100); w != 0 {
		t.Fatalf("another key waited %s", w)
	}
	now = now.Add(10 * time.Second)
	if w := th.Take("a", 1000); w != 0 {
		t.Fatalf("after a quiet spell: wait %s", w)
	}
	if w := NewThrottle(0, 0, nil).Take("a", 1<<30); w != 0 {
		t.Fatal("a throttle without a rate waited")
	}
}

func TestRate(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r := NewRate(RateOptions{Burst: 3, Every: 10 * time.Second, MaxKeys: 2, Now: func() time.Time { return now }})
	for i := range 3 {
		if _, ok := r.Take("a"); !ok {
			t.Fatalf("attempt %d of a burst of 3 refused", i+1)
		}
	}
	if wait, ok := r.Take("a"); ok || wait != 10*time.Second {
		t.Fatalf("fourth attempt: ok %v, wait %s", ok, wait)
	}
	now = now.Add(4 * time.Second)
	if wait, _ := r.Take("a"); wait != 6*time.Second {
		t.Fatalf("wait after 4 s: %s, want 6s", wait)
	}
	now = now.Add(6 * time.Second)
	if _, ok := r.Take("a"); !ok {
		t.Fatal("no attempt after the refill")
	}
	// Successes are given back: any number of them passes.
	for i := range 10 {
		if _, ok := r.Take("b"); !ok {
			t.Fatalf("success %d refused", i)
		}
		r.Give("b")
	}
	if _, ok := r.Take("b"); !ok {
		t.Fatal("b refused")
	}
	// The table is full (a and b waiting): a new key waits, an old one is served.
	if _, ok := r.Take("c"); ok {
		t.Fatal("a new key passed a full table")
	}
	now = now.Add(time.Minute)
	if _, ok := r.Take("c"); !ok {
		t.Fatal("keys with whole allowances were not forgotten")
	}
	if _, ok := NewRate(RateOptions{}).Take("x"); !ok {
		t.Fatal("a rate without limits refused")
	}
}

func TestTallyLogsOneLinePerInterval(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, nil))
	ta := NewTally(log, "refused", 100*time.Millisecond)
	for range 500 {
		ta.Add("enroll")
	}
	ta.Add("gzip_ratio")
	time.Sleep(300 * time.Millisecond)
	ta.Add("enroll")
	ta.Flush()
	mu.Lock()
	defer mu.Unlock()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "enroll=500") || !strings.Contains(lines[0], "gzip_ratio=1") || !strings.Contains(lines[1], "enroll=1") {
		t.Fatalf("counts:\n%s", buf.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
