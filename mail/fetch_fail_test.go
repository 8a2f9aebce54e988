package mail

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// importOnce runs the importer once over a fresh connection through wrap.
func importOnce(t *testing.T, cfg Config, im *Importer, wrap func(Mailbox) Mailbox) Result {
	t.Helper()
	ctx := context.Background()
	m, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var mb Mailbox = m
	if wrap != nil {
		mb = wrap(m)
	}
	res, err := im.Run(ctx, mb)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

func onlyFailure(t *testing.T, res Result, uid imap.UID, kind error, reason Reason) {
	t.Helper()
	if len(res.Failed) != 1 {
		t.Fatalf("failures %+v, want only UID %d", res.Failed, uid)
	}
	f := res.Failed[0]
	var e *Error
	if f.UID != uid || !f.Unfetched || !errors.Is(f.Err, kind) || !errors.As(f.Err, &e) || e.Reason != reason {
		t.Fatalf("failure %+v, want UID %d, %v, %s", f, uid, kind, reason)
	}
}

// refuse answers a FETCH naming one UID as a server answering NO for it would.
type refuse struct {
	Mailbox
	uid imap.UID
}

func (r refuse) Fetch(ctx context.Context, uids []imap.UID, dir string) ([]Fetched, error) {
	for _, u := range uids {
		if u == r.uid {
			return nil, fail(ErrProtocol, ReasonRefused, "FETCH", errors.New("NO message unavailable"))
		}
	}
	return r.Mailbox.Fetch(ctx, uids, dir)
}

// One mail the server refuses to hand out is listed with a reason; the mails of the
// same batch before and after it are imported, and Skip leaves it out next time.
func TestFetchFailureRefusedMessage(t *testing.T) {
	cfg := memServer(t)
	appendMails(t, rawClient(t, cfg), "INBOX", nil, corpus(t, "mutt.eml", "spaces.eml", "thunderbird.eml")...)
	store := newCaseStore()
	im := &Importer{Ledger: NewMemLedger(), Commit: store, Folder: "INBOX", TempDir: t.TempDir()}
	res := importOnce(t, cfg, im, func(m Mailbox) Mailbox { return refuse{Mailbox: m, uid: 2} })
	if res.Imported != 2 || len(store.cases) != 2 {
		t.Fatalf("%+v, %d cases", res, len(store.cases))
	}
	onlyFailure(t, res, 2, ErrProtocol, ReasonRefused)

	im.Skip = func(u imap.UID) bool { return u == 2 }
	res = importOnce(t, cfg, im, func(m Mailbox) Mailbox { return refuse{Mailbox: m, uid: 2} })
	if res.Imported != 0 || len(res.Failed) != 0 || len(res.Skipped) != 1 || res.Skipped[0] != 2 {
		t.Fatalf("with Skip: %+v", res)
	}
	// Tried again (no Skip) once the server hands it out.
	im.Skip = nil
	res = importOnce(t, cfg, im, nil)
	if res.Imported != 1 || len(res.Failed) != 0 || len(store.cases) != 3 {
		t.Fatalf("retry: %+v, %d cases", res, len(store.cases))
	}
}

// A message larger than Config.MaxSize stays in the mailbox, listed as too large;
// the others are imported.
func TestFetchFailureTooLarge(t *testing.T) {
	cfg := memServer(t)
	mails := corpus(t, "mutt.eml", "thunderbird.eml", "spaces.eml")
	cfg.MaxSize = int64(max(len(mails[0]), len(mails[2]))) + 1
	if int64(len(mails[1])) <= cfg.MaxSize {
		mails[1] = append(mails[1], []byte(strings.Repeat("x", int(cfg.MaxSize))+"\r\n")...)
	}
	appendMails(t, rawClient(t, cfg), "INBOX", nil, mails...)
	store := newCaseStore()
	im := &Importer{Ledger: NewMemLedger(), Commit: store, Folder: "INBOX", TempDir: t.TempDir()}
	res := importOnce(t, cfg, im, nil)
	if res.Imported != 2 {
		t.Fatalf("%+v", res)
	}
	onlyFailure(t, res, 2, ErrTooLarge, ReasonTooLarge)
	if files, _ := os.ReadDir(im.TempDir); len(files) != 0 {
		t.Fatalf("%d temp files left", len(files))
	}
}

// A temporary folder that cannot be written (a full disk) fails every mail with its
// own reason instead of ending the check; once it is writable, the mails come in.
func TestFetchFailureTempNotWritable(t *testing.T) {
	cfg := memServer(t)
	appendMails(t, rawClient(t, cfg), "INBOX", nil, corpus(t, "mutt.eml", "spaces.eml")...)
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		// root writes anywhere: a folder below a regular file cannot be written by anyone.
		if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		tmp = filepath.Join(dir, "file", "tmp")
	}
	store := newCaseStore()
	im := &Importer{Ledger: NewMemLedger(), Commit: store, Folder: "INBOX", TempDir: tmp}
	res := importOnce(t, cfg, im, nil)
	if res.Imported != 0 || len(res.Failed) != 2 {
		t.Fatalf("%+v", res)
	}
	for _, f := range res.Failed {
		if !f.Unfetched || !errors.Is(f.Err, ErrTempFile) {
			t.Fatalf("failure %+v", f)
		}
	}
	im.TempDir = t.TempDir()
	if res := importOnce(t, cfg, im, nil); res.Imported != 2 || len(res.Failed) != 0 {
		t.Fatalf("after freeing the disk: %+v", res)
	}
}

// A server that never delivers one message: the watchdog cuts the connection, the
// connection is dialled again, and the other mails are imported.
func TestFetchFailureTimeout(t *testing.T) {
	cfg := memServer(t)
	appendMails(t, rawClient(t, cfg), "INBOX", nil, corpus(t, "mutt.eml", "spaces.eml", "thunderbird.eml")...)
	proxied := stallProxy(t, cfg, 2)
	proxied.Timeout = 2 * time.Second // long enough that the other mails never hit it on a busy machine
	store := newCaseStore()
	im := &Importer{Ledger: NewMemLedger(), Commit: store, Folder: "INBOX", TempDir: t.TempDir()}
	res := importOnce(t, proxied, im, nil)
	if res.Imported != 2 || len(store.cases) != 2 {
		t.Fatalf("%+v, %d cases", res, len(store.cases))
	}
	onlyFailure(t, res, 2, ErrTimeout, ReasonTimeout)
}

// stallProxy forwards IMAP between client and the server of cfg, but once the
// client asks to FETCH a set containing uid, the server's answers are no longer
// passed on: a server silent about one message.
func stallProxy(t *testing.T, cfg Config, uid uint32) Config {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	target := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				s, err := net.Dial("tcp", target)
				if err != nil {
					c.Close()
					return
				}
				defer c.Close()
				defer s.Close()
				var (
					mu      sync.Mutex
					stalled bool
				)
				go func() {
					buf := make([]byte, 32<<10)
					for {
						n, err := s.Read(buf)
						mu.Lock()
						st := stalled
						mu.Unlock()
						if n > 0 && !st {
							if _, err := c.Write(buf[:n]); err != nil {
								return
							}
						}
						if err != nil {
							return
						}
					}
				}()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if set, ok := fetchSet(line); ok && inSet(set, uid) {
						mu.Lock()
						stalled = true
						mu.Unlock()
					}
					if _, err := io.WriteString(s, line); err != nil {
						return
					}
				}
			}()
		}
	}()
	out := cfg
	out.Port = l.Addr().(*net.TCPAddr).Port
	return out
}

// fetchSet returns the UID set of a "tag UID FETCH set ..." command line.
func fetchSet(line string) (string, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.EqualFold(f[1], "UID") || !strings.EqualFold(f[2], "FETCH") {
		return "", false
	}
	return f[3], true
}

func inSet(set string, uid uint32) bool {
	for _, part := range strings.Split(set, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, err := strconv.ParseUint(lo, 10, 32)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if hi == "*" {
				b = 1<<32 - 1
			} else if b, err = strconv.ParseUint(hi, 10, 32); err != nil {
				continue
			}
		}
		if a > b {
			a, b = b, a
		}
		if uint64(uid) >= a && uint64(uid) <= b {
			return true
		}
	}
	return false
}
