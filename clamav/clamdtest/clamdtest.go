// Package clamdtest starts a private ClamAV daemon for tests, with a signature
// database that holds only the hash of a harmless test file, so that tests see a
// finding without a real virus (production uses freshclam's databases, which
// cannot be downloaded here).
package clamdtest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// File is harmless; the private clamd's only signature is its hash.
var File = []byte("OZG-Cloud Testanhang: harmlos, nur fuer den Test des Virenscanners.\n")

// Signature is the name clamd reports for File (it may append "-0" or similar
// suffixes, so compare with strings.HasPrefix).
const Signature = "OzgCloud.Test.Harmless"

// Clamd is a private clamd on a unix socket (or a loopback TCP port) in a temp folder.
type Clamd struct {
	Socket string // "" when it listens on TCP
	TCP    string // "127.0.0.1:PORT" when the config asked for TCPSocket

	t    testing.TB
	conf string
	mu   sync.Mutex
	run  *run
}

type run struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan error
	once sync.Once
}

// Start starts clamd in the foreground with extraConf appended to its config and
// waits until it answers PING; t.Cleanup stops it. extraConf lines "TCPSocket PORT"
// and "TCPAddr 127.0.0.1" make it listen on TCP instead of the socket.
func Start(t testing.TB, extraConf string) *Clamd {
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
	sum := md5.Sum(File)
	hdb := fmt.Sprintf("%s:%d:%s\n", hex.EncodeToString(sum[:]), len(File), Signature)
	if err := os.WriteFile(filepath.Join(dir, "db", "ozgcloud-test.hdb"), []byte(hdb), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &Clamd{t: t, Socket: filepath.Join(dir, "clamd.sock"), TCP: tcpAddr(extraConf)}
	if c.TCP != "" {
		c.Socket = ""
	}
	c.conf = filepath.Join(dir, "clamd.conf")
	if err := os.WriteFile(c.conf, []byte(strings.Join([]string{
		"Foreground yes", localSocket(c.Socket), "DatabaseDirectory " + filepath.Join(dir, "db"),
		"TemporaryDirectory " + filepath.Join(dir, "tmp"), "PidFile " + filepath.Join(dir, "clamd.pid"),
		"LogFile " + filepath.Join(dir, "clamd.log"), "Bytecode no", "OfficialDatabaseOnly no",
		"SelfCheck 0", "MaxThreads 2", extraConf, "",
	}, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	c.start(bin)
	return c
}

// Restart starts the daemon again after Stop, on the same socket and database,
// and waits until it answers.
func (c *Clamd) Restart() {
	c.t.Helper()
	c.Stop()
	bin, err := exec.LookPath("clamd")
	if err != nil {
		bin = "/usr/sbin/clamd"
	}
	c.start(bin)
}

func (c *Clamd) start(bin string) {
	t := c.t
	t.Helper()
	r := &run{cmd: exec.Command(bin, "--config-file="+c.conf), out: &bytes.Buffer{}, done: make(chan error, 1)}
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	c.mu.Lock()
	c.run = r
	c.mu.Unlock()
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if c.ping() == nil {
			return
		}
		select {
		case err := <-r.done:
			r.done <- err // for Stop
			log, _ := os.ReadFile(filepath.Join(filepath.Dir(c.conf), "clamd.log"))
			t.Fatalf("clamd ended: %v\n%s\n%s", err, r.out.String(), log)
		default:
		}
		if time.Since(start) > 60*time.Second {
			t.Fatalf("clamd not ready after 60 s:\n%s", r.out.String())
		}
	}
}

// Stop kills the daemon (as a crash would) and waits for it; the socket file may
// stay behind, as after a crash.
func (c *Clamd) Stop() {
	c.mu.Lock()
	r := c.run
	c.mu.Unlock()
	if r == nil {
		return
	}
	r.once.Do(func() {
		r.cmd.Process.Kill()
		<-r.done
	})
}

// ping asks clamd for PONG itself: this package cannot import clamav, whose own
// tests use it.
func (c *Clamd) ping() error {
	network, addr := "unix", c.Socket
	if c.TCP != "" {
		network, addr = "tcp", c.TCP
	}
	conn, err := net.DialTimeout(network, addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("zPING\x00")); err != nil {
		return err
	}
	buf := make([]byte, 16)
	n, _ := io.ReadAtLeast(conn, buf, 5)
	if string(buf[:n]) != "PONG\x00" {
		return fmt.Errorf("clamd answered %q", buf[:n])
	}
	return nil
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
