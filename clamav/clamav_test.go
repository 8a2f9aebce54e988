package clamav

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testFile is harmless; the private clamd's only signature is its hash, so that
// intake tests can see a finding without a real virus (production uses
// freshclam's databases, which cannot be downloaded here).
var testFile = []byte("OZG-Cloud Testanhang: harmlos, nur fuer den Test des Virenscanners.\n")

const testSignature = "OzgCloud.Test.Harmless"

// clamd is a private ClamAV daemon on a socket in a temp folder.
type clamd struct {
	socket string
	cmd    *exec.Cmd
	done   chan error
	once   sync.Once
}

// startClamd starts clamd in the foreground with a database holding only the
// test file's hash, and waits until it answers PING.
func startClamd(t *testing.T, extraConf string) *clamd {
	t.Helper()
	bin, err := exec.LookPath("clamd")
	if err != nil {
		bin = "/usr/sbin/clamd"
		if _, err := os.Stat(bin); err != nil {
			t.Fatal("clamd not found: install clamav-daemon (scripts/deps-apt.sh clamav-daemon)")
		}
	}
	// Unix socket paths are short (108 bytes): keep the folder near the root.
	dir, err := os.MkdirTemp("", "clamd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{"db", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	sum := md5.Sum(testFile)
	hdb := fmt.Sprintf("%s:%d:%s\n", hex.EncodeToString(sum[:]), len(testFile), testSignature)
	if err := os.WriteFile(filepath.Join(dir, "db", "ozgcloud-test.hdb"), []byte(hdb), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &clamd{socket: filepath.Join(dir, "clamd.sock"), done: make(chan error, 1)}
	if strings.Contains(extraConf, "TCPSocket") {
		c.socket = ""
	}
	conf := filepath.Join(dir, "clamd.conf")
	if err := os.WriteFile(conf, []byte(strings.Join([]string{
		"Foreground yes", localSocket(c.socket), "DatabaseDirectory " + filepath.Join(dir, "db"),
		"TemporaryDirectory " + filepath.Join(dir, "tmp"), "PidFile " + filepath.Join(dir, "clamd.pid"),
		"LogFile " + filepath.Join(dir, "clamd.log"), "Bytecode no", "OfficialDatabaseOnly no",
		"SelfCheck 0", "MaxThreads 2", extraConf, "",
	}, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	c.cmd = exec.Command(bin, "--config-file="+conf)
	var out bytes.Buffer
	c.cmd.Stdout, c.cmd.Stderr = &out, &out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	t.Cleanup(c.stop)
	s := &Scanner{Socket: c.socket, TCP: tcpAddr(extraConf), Timeout: time.Second}
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if s.Ping(context.Background()) == nil {
			return c
		}
		select {
		case err := <-c.done:
			c.done <- err // for stop
			log, _ := os.ReadFile(filepath.Join(dir, "clamd.log"))
			t.Fatalf("clamd ended: %v\n%s\n%s", err, out.String(), log)
		default:
		}
		if time.Since(start) > 60*time.Second {
			t.Fatalf("clamd not ready after 60 s:\n%s", out.String())
		}
	}
}

func localSocket(path string) string {
	if path == "" {
		return ""
	}
	return "LocalSocket " + path
}

// tcpAddr returns the address a config's TCPSocket and TCPAddr lines make.
func tcpAddr(conf string) string {
	var port, addr string
	for _, l := range strings.Split(conf, "\n") {
		if v, ok := strings.CutPrefix(l, "TCPSocket "); ok {
			port = v
		}
		if v, ok := strings.CutPrefix(l, "TCPAddr "); ok {
			addr = v
		}
	}
	if port == "" {
		return ""
	}
	return net.JoinHostPort(addr, port)
}

// stop kills the daemon (as a crash would) and waits for it.
func (c *clamd) stop() {
	c.once.Do(func() {
		c.cmd.Process.Kill()
		<-c.done
	})
}

func TestScanWithClamd(t *testing.T) {
	d := startClamd(t, "StreamMaxLength 1M")
	s := &Scanner{Socket: d.socket, Timeout: 30 * time.Second, MaxSize: 4 << 20}
	ctx := context.Background()

	got, err := s.Scan(ctx, bytes.NewReader(testFile))
	if err != nil || !got.Infected || !strings.HasPrefix(got.Signature, testSignature) {
		t.Fatalf("Scan(test file) = %+v, %v", got, err)
	}
	if got, err = (&Scanner{Socket: d.socket}).Scan(ctx, bytes.NewReader(testFile)); err != nil || !got.Infected {
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
	small := &Scanner{Socket: d.socket, MaxSize: 100_000}
	if got, err = small.Scan(ctx, bytes.NewReader(big)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Scan(2 MB) past MaxSize = %+v, %v", got, err)
	}

	// A scanner that is down is an error, never a clean file.
	d.stop()
	if got, err = s.Scan(ctx, bytes.NewReader(clean)); !errors.Is(err, ErrUnavailable) || got.Infected {
		t.Fatalf("Scan with clamd stopped = %+v, %v", got, err)
	}
	if err := s.Ping(ctx); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Ping with clamd stopped = %v", err)
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
	startClamd(t, "TCPSocket "+port+"\nTCPAddr 127.0.0.1")
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
