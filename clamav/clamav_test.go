package clamav

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/clamav/clamdtest"
)

var testFile = clamdtest.File

const testSignature = clamdtest.Signature

func TestScanWithClamd(t *testing.T) {
	d := clamdtest.Start(t, "StreamMaxLength 1M")
	s := &Scanner{Socket: d.Socket, Timeout: 30 * time.Second, MaxSize: 4 << 20}
	ctx := context.Background()

	got, err := s.Scan(ctx, bytes.NewReader(testFile))
	if err != nil || !got.Infected || !strings.HasPrefix(got.Signature, testSignature) {
		t.Fatalf("Scan(test file) = %+v, %v", got, err)
	}
	if got, err = (&Scanner{Socket: d.Socket}).Scan(ctx, bytes.NewReader(testFile)); err != nil || !got.Infected {
		t.Fatalf("Scan(test file, default limits) = %+v, %v", got, err)
	}
	clean := append(bytes.Clone(testFile), '!')
	if got, err = s.Scan(ctx, bytes.NewReader(clean)); err != nil || got.Infected {
		t.Fatalf("Scan(clean) = %+v, %v", got, err)
	}
	big := bytes.Repeat([]byte("Bauantrag "), 200_000) // 2 MB, several chunks
	if got, err = s.Scan(ctx, bytes.NewReader(big)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Scan(2 MB) past clamd's StreamMaxLength = %+v, %v", got, err)
	}
	small := &Scanner{Socket: d.Socket, MaxSize: 100_000}
	if got, err = small.Scan(ctx, bytes.NewReader(big)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Scan(2 MB) past MaxSize = %+v, %v", got, err)
	}

	// A scanner that is down is an error, never a clean file.
	d.Stop()
	if got, err = s.Scan(ctx, bytes.NewReader(clean)); !errors.Is(err, ErrUnavailable) || got.Infected {
		t.Fatalf("Scan with clamd stopped = %+v, %v", got, err)
	}
	if err := s.Ping(ctx); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Ping with clamd stopped = %v", err)
	}
	// Back on the same socket, it answers again.
	d.Restart()
	if got, err = s.Scan(ctx, bytes.NewReader(testFile)); err != nil || !got.Infected {
		t.Fatalf("Scan after restart = %+v, %v", got, err)
	}
}

// ClamAV for Windows listens on TCP: the same scan over a loopback port.
func TestScanWithClamdOverTCP(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	clamdtest.Start(t, "TCPSocket "+port+"\nTCPAddr 127.0.0.1")
	s := &Scanner{TCP: "127.0.0.1:" + port}
	got, err := s.Scan(context.Background(), bytes.NewReader(testFile))
	if err != nil || !got.Infected {
		t.Fatalf("Scan over TCP = %+v, %v", got, err)
	}
	// Files never leave the PC: only loopback IP addresses.
	for _, addr := range []string{"localhost:" + port, "10.0.0.5:3310", "127.0.0.1"} {
		if _, err := (&Scanner{TCP: addr}).Scan(context.Background(), bytes.NewReader(testFile)); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Scan via %s = %v", addr, err)
		}
	}
}

func TestScanNoSocket(t *testing.T) {
	s := &Scanner{Socket: filepath.Join(t.TempDir(), "fehlt.sock")}
	if _, err := s.Scan(context.Background(), bytes.NewReader(testFile)); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Scan = %v", err)
	}
}

// A scanner that takes the file and never answers ends in ErrUnavailable at the
// timeout or when ctx is cancelled. Nothing real hangs on demand: this is a fake.
func TestScanHungScanner(t *testing.T) {
	dir, err := os.MkdirTemp("", "hung")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	l, err := net.Listen("unix", filepath.Join(dir, "s"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
				}
			}()
		}
	}()
	s := &Scanner{Socket: l.Addr().String(), Timeout: 200 * time.Millisecond}
	start := time.Now()
	if _, err := s.Scan(context.Background(), bytes.NewReader(testFile)); !errors.Is(err, ErrUnavailable) || time.Since(start) > 5*time.Second {
		t.Fatalf("Scan = %v after %v", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.Timeout = time.Minute
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	if _, err := s.Scan(ctx, bytes.NewReader(testFile)); !errors.Is(err, ErrUnavailable) || time.Since(start) > 5*time.Second {
		t.Fatalf("Scan cancelled = %v after %v", err, time.Since(start))
	}
}

func TestParseReply(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Result
		err  error
	}{
		{"stream: OK", Result{}, nil},
		{"stream: Win.Test.EICAR_HDB-1 FOUND", Result{Infected: true, Signature: "Win.Test.EICAR_HDB-1"}, nil},
		{"INSTREAM size limit exceeded. ERROR", Result{}, ErrTooLarge},
		{"stream:  FOUND", Result{}, ErrUnavailable},
		{"Can't allocate memory ERROR", Result{}, ErrUnavailable},
		{"", Result{}, ErrUnavailable},
		{"OK", Result{}, ErrUnavailable},
	} {
		got, err := parseReply(tc.in)
		if got != tc.want || (tc.err == nil) != (err == nil) || (tc.err != nil && !errors.Is(err, tc.err)) {
			t.Errorf("parseReply(%q) = %+v, %v", tc.in, got, err)
		}
	}
}

func FuzzParseReply(f *testing.F) {
	for _, s := range []string{"stream: OK", "stream: X FOUND", "INSTREAM size limit exceeded. ERROR", "stream: FOUND", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := parseReply(in)
		if err == nil && got.Infected && got.Signature == "" {
			t.Fatalf("infected without a name: %q", in)
		}
		if err == nil && !got.Infected && in != "stream: OK" {
			t.Fatalf("clean verdict from %q", in)
		}
	})
}
