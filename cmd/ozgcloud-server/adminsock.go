//go:build !windows

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/ozgcloud/desktop/cloud"
)

// The admin socket lets the admin subcommands reach a running server: bbolt allows
// one process per file, so while serve runs, `device revoke` and the others hand
// their command line to it. The socket sits in a folder only the server's user may
// enter (0700; the socket itself 0600), inside the data folder: whoever can reach it
// could read the database file anyway. One connection carries one JSON request
// {"args": [...]} and one JSON answer {"output", "error", "usage"}.

// adminSocketPath is the socket of the server that serves the data folder.
func adminSocketPath(data string) string { return filepath.Join(data, "admin", "admin.sock") }

// maxSocketPath is what every Unix takes in sun_path (104 on BSD and macOS, 108 on
// Linux, with the terminating NUL).
const maxSocketPath = 103

type adminRequest struct {
	Args []string `json:"args"`
}

type adminAnswer struct {
	Output string `json:"output"`
	Error  string `json:"error,omitempty"`
	Usage  bool   `json:"usage,omitempty"`
}

// adminSocket serves admin commands with the server's Service.
type adminSocket struct {
	ln   net.Listener
	path string
	svc  *cloud.Service
	log  *slog.Logger
}

// listenAdmin makes the socket of the data folder. A socket file left by a server
// that was killed is removed first: the caller holds the database, so no other
// server serves this folder.
func listenAdmin(data string, svc *cloud.Service, log *slog.Logger) (*adminSocket, error) {
	path := adminSocketPath(data)
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("admin socket %s: the path is longer than %d bytes", path, maxSocketPath)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("admin socket: remove the old one: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(true)
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	return &adminSocket{ln: ln, path: path, svc: svc, log: log}, nil
}

// Run answers admin commands until ctx ends; then it closes the socket, waits for
// commands under way and returns nil.
func (a *adminSocket) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := context.AfterFunc(ctx, func() { a.ln.Close() })
	defer stop()
	for {
		conn, err := a.ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("admin socket: %w", err)
		}
		wg.Go(func() { a.serve(ctx, conn) })
	}
}

func (a *adminSocket) serve(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	var req adminRequest
	if err := json.NewDecoder(io.LimitReader(conn, 64<<10)).Decode(&req); err != nil {
		a.log.Warn("admin socket: unreadable request", slog.String("error", err.Error()))
		return
	}
	var out bytes.Buffer
	err := runAdmin(ctx, admin{svc: a.svc}, req.Args, &out)
	ans := adminAnswer{Output: out.String()}
	if err != nil {
		ans.Error, ans.Usage = err.Error(), errors.Is(err, errUsage)
	}
	// The command, never its arguments: they hold names.
	cmd := ""
	if len(req.Args) >= 2 {
		cmd = req.Args[0] + " " + req.Args[1]
	}
	a.log.Info("admin command", slog.String("command", cmd), slog.Bool("ok", err == nil))
	_ = json.NewEncoder(conn).Encode(ans)
}

// callAdmin hands a command line to the server listening on path and copies its
// output to out. sent is false when no server listens there (no socket, or one left
// by a server that died); the caller then opens the storage itself.
func callAdmin(ctx context.Context, path string, args []string, out io.Writer) (sent bool, err error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "unix", path)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("admin socket of the running server: %w", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
	if err := json.NewEncoder(conn).Encode(adminRequest{Args: args}); err != nil {
		return true, fmt.Errorf("admin socket of the running server: %w", err)
	}
	var ans adminAnswer
	if err := json.NewDecoder(conn).Decode(&ans); err != nil {
		return true, fmt.Errorf("admin socket of the running server: no answer: %w", err)
	}
	io.WriteString(out, ans.Output)
	if ans.Error != "" {
		return true, &remoteError{msg: ans.Error, usage: ans.Usage}
	}
	return true, nil
}

// remoteError is the running server's error for a command, as it said it.
type remoteError struct {
	msg   string
	usage bool
}

func (e *remoteError) Error() string        { return e.msg }
func (e *remoteError) Is(target error) bool { return e.usage && target == errUsage }
