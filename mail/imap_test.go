package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// rawClient logs in with go-imap directly, to set up and inspect mailboxes the way
// another mail program would.
func rawClient(t *testing.T, cfg Config) *imapclient.Client {
	t.Helper()
	c, err := dialRaw(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func dialRaw(cfg Config) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)), nil)
	if err != nil {
		return nil, err
	}
	if err := c.Login(cfg.User, cfg.Password).Wait(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func appendMails(t *testing.T, c *imapclient.Client, folder string, flags []imap.Flag, mails ...[]byte) {
	t.Helper()
	for _, m := range mails {
		cmd := c.Append(folder, int64(len(m)), &imap.AppendOptions{Flags: flags})
		if _, err := cmd.Write(m); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("append: %v", err)
		}
	}
}

// folderState returns the flags of every message in folder by UID.
func folderState(t *testing.T, c *imapclient.Client, folder string) map[imap.UID][]imap.Flag {
	t.Helper()
	sel, err := c.Select(folder, nil).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", folder, err)
	}
	out := map[imap.UID][]imap.Flag{}
	if sel.NumMessages == 0 {
		return out
	}
	all := imap.SeqSet{}
	all.AddRange(1, 0)
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		out[m.UID] = m.Flags
	}
	return out
}

func corpus(t *testing.T, names ...string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		// IMAP wants CRLF; the corpus files are written with LF.
		out = append(out, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	}
	return out
}

func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	for _, x := range flags {
		if strings.EqualFold(string(x), string(f)) {
			return true
		}
	}
	return false
}

func TestDovecotFetchAndMove(t *testing.T) {
	s := needDovecot(t)
	cfg := s.config(t, TLSNone)
	raw := rawClient(t, cfg)
	mails := corpus(t, "outlook.eml", "thunderbird.eml", "applemail.eml")
	for i := 0; i < 120; i++ { // more than one batch
		mails = append(mails, []byte(fmt.Sprintf("From: a@example.org\r\nSubject: Nr. %d\r\n\r\nText %d\r\n", i, i)))
	}
	appendMails(t, raw, "INBOX", nil, mails...)
	// Someone else's mail marked for deletion must survive.
	appendMails(t, raw, "INBOX", []imap.Flag{imap.FlagDeleted}, []byte("From: b@example.org\r\nSubject: fremd\r\n\r\nbleibt\r\n"))

	ctx := context.Background()
	m, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Dial: %v ", err)
	}
	defer m.Close()
	if m.KeywordMode() || m.UIDValidity() == 0 || !m.CanIdle() {
		t.Fatalf("keyword %v, validity %d, idle %v", m.KeywordMode(), m.UIDValidity(), m.CanIdle())
	}
	uids, err := m.Search(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(uids) != len(mails) {
		t.Fatalf("%d UIDs, want %d (not the one flagged \\Deleted)", len(uids), len(mails))
	}
	dir := t.TempDir()
	got, err := m.Fetch(ctx, uids, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer RemoveFetched(got)
	if len(got) != len(mails) {
		t.Fatalf("fetched %d, want %d", len(got), len(mails))
	}
	for i, f := range got {
		b, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if f.UID != uids[i] || !bytes.Equal(b, mails[i]) || f.Size != int64(len(b)) || f.SHA256 != sum(b) {
			t.Fatalf("message %d (UID %d/%d): %d bytes, want %d", i, f.UID, uids[i], len(b), len(mails[i]))
		}
	}
	msg, err := Parse(bytes.NewReader(mails[0]))
	if err != nil || msg.Subject != "Antrag auf Sondernutzung – Straßenfest" {
		t.Fatalf("parse fetched: %v %q", err, msg.Subject)
	}

	if err := m.MarkImported(ctx, uids); err != nil {
		t.Fatalf("MarkImported: %v ", err)
	}
	left, err := m.Search(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("INBOX still offers %d messages", len(left))
	}
	imported := folderState(t, raw, ImportedFolder)
	if len(imported) != len(mails) {
		t.Fatalf("%s has %d messages, want %d", ImportedFolder, len(imported), len(mails))
	}
	for uid, flags := range imported {
		if hasFlag(flags, imap.FlagSeen) {
			t.Errorf("UID %d got \\Seen", uid)
		}
	}
	inbox := folderState(t, raw, "INBOX")
	if len(inbox) != 1 {
		t.Fatalf("INBOX has %d messages, want 1", len(inbox))
	}
	for _, flags := range inbox {
		if !hasFlag(flags, imap.FlagDeleted) {
			t.Errorf("other message lost \\Deleted: %v", flags)
		}
	}
}

func TestDovecotErrors(t *testing.T) {
	s := needDovecot(t)
	ctx := context.Background()
	closed, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     func(Config) Config
		mode    TLSMode
		kind    error
		reason  Reason
		subject string // "" for the server's address, "user" for the login
	}{
		{"password", func(c Config) Config { c.Password = "falsch"; return c }, TLSNone, ErrLogin, ReasonLogin, "user"},
		{"folder", func(c Config) Config { c.Folder = "Gibtsnicht"; return c }, TLSNone, ErrFolder, ReasonNoFolder, "Gibtsnicht"},
		{"unreachable", func(c Config) Config { c.Port = closed; return c }, TLSNone, ErrUnreachable, ReasonDial, ""},
		{"plain-remote", func(c Config) Config { c.Host = "192.0.2.1"; return c }, TLSNone, ErrConfig, ReasonPlainRemote, "192.0.2.1"},
		{"wrong-ca", func(c Config) Config { c.CAFile = s.otherCA; return c }, TLSImplicit, ErrCertificate, ReasonCertificate, ""},
		{"wrong-ca-starttls", func(c Config) Config { c.CAFile = s.otherCA; return c }, TLSStartTLS, ErrCertificate, ReasonCertificate, ""},
		{"system-ca", func(c Config) Config { c.CAFile = ""; return c }, TLSImplicit, ErrCertificate, ReasonCertificate, ""},
		{"tls-on-plain-port", func(c Config) Config { c.Port = s.plainPort; return c }, TLSImplicit, ErrUnreachable, ReasonNoTLS, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg(s.config(t, tt.mode))
			m, err := Dial(ctx, cfg)
			if err == nil {
				m.Close()
				t.Fatal("no error")
			}
			var e *Error
			subject := tt.subject
			switch subject {
			case "":
				subject = net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
			case "user":
				subject = cfg.User
			}
			if !errors.Is(err, tt.kind) || !errors.As(err, &e) || e.Reason != tt.reason || e.Subject != subject {
				t.Fatalf("err %v (%+v); want %v, %s about %q", err, e, tt.kind, tt.reason, subject)
			}
			if strings.Contains(fmt.Sprintf("%v %+v", err, e), dovecotPassword) {
				t.Fatal("password in error")
			}
		})
	}
}

func TestDovecotTLS(t *testing.T) {
	s := needDovecot(t)
	for _, mode := range []TLSMode{TLSImplicit, TLSStartTLS} {
		t.Run(string(mode), func(t *testing.T) {
			cfg := s.config(t, mode)
			raw := rawClient(t, s.config(t, TLSNone))
			appendMails(t, raw, "INBOX", nil, corpus(t, "mutt.eml")...)
			m, err := Dial(context.Background(), cfg)
			if err != nil {
				t.Fatalf("Dial: %v ", err)
			}
			defer m.Close()
			uids, err := m.Search(context.Background())
			if err != nil || len(uids) != 1 {
				t.Fatalf("search: %v %v", uids, err)
			}
		})
	}
}

// A server that accepts the connection and then says nothing must not hang Dial.
func TestDialSilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
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
			defer c.Close()
		}
	}()
	start := time.Now()
	_, err = Dial(context.Background(), Config{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: TLSNone, Timeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonTimeout {
		t.Fatalf("error %+v", e)
	}
}

// memServer runs go-imap's in-memory server with IMAP4rev1 only: no MOVE, no UIDPLUS.
func memServer(t *testing.T) Config {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("amt", "pw")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       discardLogger{},
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return Config{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: TLSNone, User: "amt", Password: "pw", Timeout: 5 * time.Second}
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

func TestKeywordModeWithoutMoveOrUIDPlus(t *testing.T) {
	cfg := memServer(t)
	raw := rawClient(t, cfg)
	mails := corpus(t, "windows1252.eml", "nofrom.eml", "spaces.eml")
	appendMails(t, raw, "INBOX", nil, mails...)
	// Another clerk's mail, deleted in Thunderbird but not yet expunged.
	appendMails(t, raw, "INBOX", []imap.Flag{imap.FlagDeleted}, []byte("From: b@example.org\r\nSubject: fremd\r\n\r\nbleibt\r\n"))

	ctx := context.Background()
	m, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Dial: %v ", err)
	}
	defer m.Close()
	if !m.KeywordMode() {
		t.Fatal("not in keyword mode")
	}
	uids, err := m.Search(ctx)
	if err != nil || len(uids) != 3 {
		t.Fatalf("search: %v %v", uids, err)
	}
	got, err := m.Fetch(ctx, uids, t.TempDir())
	if err != nil || len(got) != 3 {
		t.Fatalf("fetch: %d %v", len(got), err)
	}
	RemoveFetched(got)
	if err := m.MarkImported(ctx, uids); err != nil {
		t.Fatalf("MarkImported: %v", err)
	}
	left, err := m.Search(ctx)
	if err != nil || len(left) != 0 {
		t.Fatalf("after marking, search gives %v (%v)", left, err)
	}
	state := folderState(t, raw, "INBOX")
	if len(state) != 4 {
		t.Fatalf("INBOX has %d messages, want all 4 (nothing expunged)", len(state))
	}
	for uid, flags := range state {
		if hasFlag(flags, imap.FlagSeen) {
			t.Errorf("UID %d got \\Seen", uid)
		}
		if uid > uids[2] {
			if !hasFlag(flags, imap.FlagDeleted) || hasFlag(flags, ImportedKeyword) {
				t.Errorf("other message changed: %v", flags)
			}
		} else if !hasFlag(flags, ImportedKeyword) {
			t.Errorf("UID %d lacks %s: %v", uid, ImportedKeyword, flags)
		}
	}
	mailboxes, err := raw.List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, mb := range mailboxes {
		if mb.Mailbox == ImportedFolder {
			t.Errorf("%s created in keyword mode", ImportedFolder)
		}
	}
}

func TestCheck(t *testing.T) {
	s := needDovecot(t)
	r, err := Check(context.Background(), s.config(t, TLSImplicit))
	if err != nil || r != (CheckResult{Folder: "INBOX", Moves: true, Idle: true}) {
		t.Fatalf("Dovecot: %+v %v", r, err)
	}
	r, err = Check(context.Background(), memServer(t))
	if err != nil || r.Moves || r.Folder != "INBOX" {
		t.Fatalf("memory server: %+v %v", r, err)
	}
	_, err = Check(context.Background(), func() Config { c := s.config(t, TLSNone); c.Password = "x"; return c }())
	if !errors.Is(err, ErrLogin) {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestDovecotIdle(t *testing.T) {
	s := needDovecot(t)
	cfg := s.config(t, TLSNone)
	raw := rawClient(t, cfg)
	ctx := context.Background()
	m, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	start := time.Now()
	if err := m.WaitNew(ctx, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("returned after %s without news", d)
	}

	done := make(chan time.Time, 1)
	go func() {
		if err := m.WaitNew(ctx, 10*time.Second); err != nil {
			t.Error(err)
		}
		done <- time.Now()
	}()
	time.Sleep(200 * time.Millisecond) // let IDLE start
	sent := time.Now()
	appendMails(t, raw, "INBOX", nil, corpus(t, "nofrom.eml")...)
	select {
	case at := <-done:
		if d := at.Sub(sent); d > 2*time.Second {
			t.Fatalf("IDLE reported new mail after %s", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("IDLE did not report the new mail")
	}
	uids, err := m.Search(ctx)
	if err != nil || len(uids) != 1 {
		t.Fatalf("after IDLE: %v %v", uids, err)
	}

	// Cancelling the context ends the wait.
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	if err := m.WaitNew(cctx, 10*time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
	if _, err := m.Search(ctx); err != nil {
		t.Fatalf("connection unusable after cancelled IDLE: %v", err)
	}
}
