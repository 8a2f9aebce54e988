// Package clamav scans files through a running ClamAV daemon (clamd) over its
// local socket, with the INSTREAM command: the file's bytes go to clamd, nothing
// but the verdict comes back.
package clamav

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// Errors of a scan. A scan that failed is never a clean file: the caller marks
// the file as not checked.
var (
	// ErrUnavailable: clamd is not running, not reachable, too slow or answered
	// something that is not a verdict.
	ErrUnavailable = errors.New("clamav: scanner unavailable")
	// ErrTooLarge: the file is larger than MaxSize or than clamd's StreamMaxLength.
	ErrTooLarge = errors.New("clamav: file too large for the scanner")
)

// Defaults of a Scanner.
const (
	DefaultTimeout = 2 * time.Minute
	DefaultMaxSize = 100 << 20
	chunkSize      = 64 << 10
	maxReply       = 4 << 10
)

// Result is clamd's verdict on one file.
type Result struct {
	Infected  bool
	Signature string // the name of the signature that matched, when Infected
}

// Scanner talks to clamd at a unix socket (clamd.conf LocalSocket; Debian's
// clamav-daemon: /var/run/clamav/clamd.ctl) or, where clamd has none (ClamAV for
// Windows), at a TCP port on this PC.
type Scanner struct {
	Socket  string
	TCP     string        // "127.0.0.1:3310" instead of Socket: a loopback IP address only, files stay on the PC
	Timeout time.Duration // for the whole scan; 0: DefaultTimeout
	MaxSize int64         // bytes sent at most; 0: DefaultMaxSize. clamd's StreamMaxLength must be as large.
}

// Scan sends r to clamd and returns its verdict. Errors wrap ErrUnavailable or
// ErrTooLarge, or are those of reading r.
func (s *Scanner) Scan(ctx context.Context, r io.Reader) (Result, error) {
	conn, err := s.dial(ctx)
	if err != nil {
		return Result{}, err
	}
	defer conn.Close()
	maxSize := s.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	w := bufio.NewWriterSize(conn, chunkSize+4)
	w.WriteString("zINSTREAM\x00")
	buf := make([]byte, chunkSize)
	var sent int64
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			if sent += int64(n); sent > maxSize {
				return Result{}, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, maxSize)
			}
			var size [4]byte
			binary.BigEndian.PutUint32(size[:], uint32(n))
			w.Write(size[:])
			if _, err := w.Write(buf[:n]); err != nil {
				// clamd closes the stream when it passes StreamMaxLength; its
				// reply says so.
				return s.reply(conn, err)
			}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return Result{}, fmt.Errorf("clamav: read file: %w", rerr)
		}
	}
	w.Write([]byte{0, 0, 0, 0})
	if err := w.Flush(); err != nil {
		return s.reply(conn, err)
	}
	return s.reply(conn, nil)
}

// Ping checks that clamd answers. Errors wrap ErrUnavailable.
func (s *Scanner) Ping(ctx context.Context) error {
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("zPING\x00")); err != nil {
		return fmt.Errorf("%w: ping: %v", ErrUnavailable, err)
	}
	got, err := readReply(conn)
	if err != nil {
		return err
	}
	if got != "PONG" {
		return fmt.Errorf("%w: ping answered %q", ErrUnavailable, got)
	}
	return nil
}

func (s *Scanner) dial(ctx context.Context) (net.Conn, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	network, addr := "unix", s.Socket
	if s.TCP != "" {
		host, _, err := net.SplitHostPort(s.TCP)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("%w: %q is not a loopback address and port", ErrUnavailable, s.TCP)
		}
		network, addr = "tcp", s.TCP
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	conn.SetDeadline(deadline)
	// Cancelling ctx ends a scan at once, not only at the deadline.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	return &stoppingConn{Conn: conn, stop: stop}, nil
}

type stoppingConn struct {
	net.Conn
	stop func() bool
}

func (c *stoppingConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// reply reads clamd's answer to INSTREAM; werr is a failed write before it.
func (s *Scanner) reply(conn net.Conn, werr error) (Result, error) {
	got, err := readReply(conn)
	if err != nil {
		if werr != nil {
			return Result{}, fmt.Errorf("%w: send: %v", ErrUnavailable, werr)
		}
		return Result{}, err
	}
	return parseReply(got)
}

// readReply reads one NUL-terminated answer of at most maxReply bytes.
func readReply(conn net.Conn) (string, error) {
	b, err := bufio.NewReader(io.LimitReader(conn, maxReply)).ReadBytes(0)
	if err != nil {
		return "", fmt.Errorf("%w: read answer: %v", ErrUnavailable, err)
	}
	return string(bytes.TrimRight(b, "\x00\n")), nil
}

// parseReply reads "stream: OK", "stream: NAME FOUND" or "... ERROR".
func parseReply(got string) (Result, error) {
	switch {
	case strings.Contains(got, "size limit exceeded"):
		return Result{}, fmt.Errorf("%w: clamd: %s", ErrTooLarge, got)
	case got == "stream: OK":
		return Result{}, nil
	case strings.HasPrefix(got, "stream: ") && strings.HasSuffix(got, " FOUND"):
		name := strings.TrimSuffix(strings.TrimPrefix(got, "stream: "), " FOUND")
		if name == "" {
			break
		}
		return Result{Infected: true, Signature: name}, nil
	}
	return Result{}, fmt.Errorf("%w: clamd answered %q", ErrUnavailable, got)
}
