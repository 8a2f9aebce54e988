package app

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/mail"
	"github.com/ozgcloud/desktop/store/index"
)

// lockedBuffer collects the app's log, written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// mailApp is an app of the demo municipality whose current clerk is the
// administration, with its log captured and a fast poll for the intake.
func mailApp(t *testing.T) (*App, *fakeRuntime, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	a, rt := newAppLogging(t, 3, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	a.intake.mu.Lock()
	a.intake.poll = 100 * time.Millisecond
	a.intake.mu.Unlock()
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	return a, rt, logs
}

// memMailbox starts go-imap's in-memory server (no MOVE, no UIDPLUS: the keyword
// path, but IDLE) with the user "amt" and password "geheim-123". Without IDLE its
// sessions never learn of mail appended by others (it polls only on some commands).
func memMailbox(t *testing.T) (host string, port int) {
	t.Helper()
	return "127.0.0.1", serveMemMailbox(t, func(l net.Listener) net.Listener { return l })
}

// serveMemMailbox serves memMailbox's server on a loopback listener passed through
// wrap (for TLS) and returns its port.
func serveMemMailbox(t *testing.T, wrap func(net.Listener) net.Listener) int {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("amt", "geheim-123")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIdle: {}},
		InsecureAuth: true,
		Logger:       quietLogger{},
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(wrap(l))
	t.Cleanup(func() { srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

func appendMail(t *testing.T, port int, msgs ...string) {
	t.Helper()
	c, err := imapclient.DialInsecure(fmt.Sprintf("127.0.0.1:%d", port), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("amt", "geheim-123").Wait(); err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		m = strings.ReplaceAll(m, "\n", "\r\n")
		cmd := c.Append("INBOX", int64(len(m)), nil)
		cmd.Write([]byte(m))
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
}

func mailText(from, subject, body string) string {
	return fmt.Sprintf("From: %s\nSubject: %s\nDate: Fri, 27 Nov 2026 09:15:42 +0100\nContent-Type: text/plain; charset=utf-8\n\n%s\n", from, subject, body)
}

func eventually(t *testing.T, what string, cond func() bool, logs ...*lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			for _, l := range logs {
				t.Log(l.String())
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestMailSettingsAdministrationOnly(t *testing.T) {
	a, _ := newApp(t, 3)
	if _, err := a.SwitchClerk(demo.ClerkSachbearbeitung1); err != nil {
		t.Fatal(err)
	}
	_, err := a.MailSettings()
	if e := uiError(t, err); e.Code != CodeNotAllowed || !strings.Contains(e.Message, "Administration") {
		t.Fatalf("MailSettings as Sachbearbeitung: %+v", e)
	}
	_, err = a.SaveMailSettings(MailSettingsInput{Host: "127.0.0.1", Port: 143, TLS: "none", User: "x", Password: "y"})
	if e := uiError(t, err); e.Code != CodeNotAllowed {
		t.Fatalf("SaveMailSettings as Sachbearbeitung: %+v", e)
	}
	// The status bar is for everyone.
	if s, err := a.MailStatus(); err != nil || s.State != "off" || s.Configured {
		t.Fatalf("MailStatus %+v %v", s, err)
	}
}

func TestMailSettingsRoundTripAndFieldErrors(t *testing.T) {
	a, rt, logs := mailApp(t)
	pendingBefore, err := a.db.PendingCount()
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.MailSettings()
	if err != nil || v.Configured || v.Folder != "INBOX" || v.TLS != "tls" || v.Port != 993 || len(v.TLSModes) != 3 {
		t.Fatalf("empty settings %+v %v", v, err)
	}

	// Field errors, nothing saved.
	_, err = a.SaveMailSettings(MailSettingsInput{Host: "imap.musterhausen.de", Port: 0, TLS: "none", Folder: "Importiert"})
	e := uiError(t, err)
	if e.Code != CodeInvalid {
		t.Fatalf("code %s", e.Code)
	}
	for _, f := range []string{"port", "tls", "user", "password", "folder"} {
		if e.Fields[f] == "" {
			t.Errorf("no field error for %s: %v", f, e.Fields)
		}
	}
	if !strings.Contains(e.Fields["tls"], "nur ein Server auf diesem Rechner") {
		t.Errorf("tls message %q", e.Fields["tls"])
	}
	notPEM := filepath.Join(t.TempDir(), "ca.txt")
	os.WriteFile(notPEM, []byte("kein Zertifikat"), 0o600)
	rt.files = []string{notPEM}
	if _, err := a.ChooseMailCAFile(); !strings.Contains(uiError(t, err).Fields["ca"], "PEM") {
		t.Fatalf("a file without PEM was chosen: %v", err)
	}
	// A name that was not just chosen (nor stored) is no CA: the page cannot name a file.
	_, err = a.SaveMailSettings(MailSettingsInput{Host: "imaps://x", Port: 993, TLS: "tls", User: "amt", Password: "pw", CA: notPEM})
	if e := uiError(t, err); e.Fields["host"] == "" || e.Fields["ca"] == "" {
		t.Fatalf("fields %v", e.Fields)
	}
	if v, _ := a.MailSettings(); v.Configured {
		t.Fatal("invalid settings were saved")
	}

	// A valid save keeps the password in the store but never shows it.
	const secret = "Sehr-Geheim-4711"
	caFile := writeCA(t)
	ca := chooseCA(t, a, rt, caFile)
	v, err = a.SaveMailSettings(MailSettingsInput{Host: " imap.musterhausen.de ", Port: 993, TLS: "tls", User: "poststelle", Password: secret, CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Configured || !v.PasswordSet || v.Host != "imap.musterhausen.de" || v.Folder != "INBOX" || v.CA != "ca.pem" {
		t.Fatalf("saved %+v", v)
	}
	for _, x := range []any{v, mustView(t, a)} {
		b, _ := json.Marshal(x)
		if strings.Contains(string(b), secret) {
			t.Fatalf("password sent to the UI: %s", b)
		}
	}
	// Saving again with an empty password keeps it for the same mailbox; the CA stays
	// even when the file is gone.
	os.Remove(caFile)
	if v, err = a.SaveMailSettings(MailSettingsInput{Host: "imap.musterhausen.de", Port: 993, TLS: "tls", User: "poststelle", CA: v.CA, Folder: "Anträge"}); err != nil {
		t.Fatal(err)
	}
	stored, err := a.db.MailSettings()
	if err != nil || stored.Password != secret || stored.TLS != "tls" || stored.Folder != "Anträge" || !strings.Contains(stored.CAPEM, "BEGIN CERTIFICATE") {
		t.Fatalf("stored %+v %v", stored.TLS, err)
	}

	// Settings are local: no mutation, nothing in the outbox; never in the log.
	if n, _ := a.db.PendingCount(); n != pendingBefore {
		t.Fatalf("saving settings queued %d mutations", n-pendingBefore)
	}
	muts, err := a.db.Outbox(0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range muts {
		b, _ := json.Marshal(m)
		if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte("poststelle")) {
			t.Fatalf("mail settings in the outbox: %s", b)
		}
	}
	// The intake tried the (unreachable) server: its error is in the status, the
	// password is nowhere in the log.
	eventually(t, "a connection attempt", func() bool { s, _ := a.MailStatus(); return s.Errors > 0 })
	if strings.Contains(logs.String(), secret) {
		t.Fatalf("password logged:\n%s", logs)
	}

	if v, err := a.ClearMailSettings(); err != nil || v.Configured || v.PasswordSet {
		t.Fatalf("cleared %+v %v", v, err)
	}
	eventually(t, "the intake to stop", func() bool { s, _ := a.MailStatus(); return s.State == "off" })
}

func mustView(t *testing.T, a *App) MailSettingsView {
	t.Helper()
	v, err := a.MailSettings()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// writeCA writes a self-signed CA certificate as PEM.
// chooseCA picks path as the clerk would in the native dialog and returns the name
// the form sends back.
func chooseCA(t *testing.T, a *App, rt *fakeRuntime, path string) string {
	t.Helper()
	rt.files = []string{path}
	c, err := a.ChooseMailCAFile()
	if err != nil || c.Name != filepath.Base(path) {
		t.Fatalf("choose CA %s: %+v %v", path, c, err)
	}
	return c.Name
}

func writeCA(t *testing.T) string {
	t.Helper()
	_, pemBytes := testCert(t)
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMailConnectionMessages(t *testing.T) {
	a, _, logs := mailApp(t)
	host, port := memMailbox(t)
	in := MailSettingsInput{Host: host, Port: port, TLS: "none", User: "amt", Password: "falsch-999"}

	r, err := a.TestMailConnection(in)
	if err != nil || r.OK || !strings.Contains(r.Problem, "Anmeldung als „amt“ ist fehlgeschlagen") || r.Summary == "" {
		t.Fatalf("wrong password: %+v %v", r, err)
	}
	in.Password = "geheim-123"
	r, err = a.TestMailConnection(in)
	if err != nil || !r.OK || len(r.Passed) == 0 {
		t.Fatalf("right password: %+v %v", r, err)
	}
	if len(r.Warnings) == 0 || !strings.Contains(strings.Join(r.Warnings, " "), "weder MOVE noch UIDPLUS") {
		t.Fatalf("keyword mode not explained: %+v", r)
	}
	// Testing does not save.
	if v := mustView(t, a); v.Configured {
		t.Fatal("test saved the settings")
	}

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	r, err = a.TestMailConnection(MailSettingsInput{Host: "127.0.0.1", Port: closedPort, TLS: "none", User: "amt", Password: "x"})
	if err != nil || r.OK || !strings.Contains(r.Problem, "nicht erreichbar") {
		t.Fatalf("unreachable: %+v %v", r, err)
	}
	// With a stored password, an empty one in the form means the stored one.
	in.Password = "geheim-123"
	if _, err := a.SaveMailSettings(in); err != nil {
		t.Fatal(err)
	}
	in.Password = ""
	if r, err := a.TestMailConnection(in); err != nil || !r.OK {
		t.Fatalf("stored password: %+v %v", r, err)
	}
	_, err = a.TestMailConnection(MailSettingsInput{Host: "mail.example.org", Port: 143, TLS: "none", User: "amt"})
	if e := uiError(t, err); e.Fields["tls"] == "" {
		t.Fatalf("plain to a remote host: %+v", e)
	}
	if strings.Contains(logs.String(), "geheim-123") || strings.Contains(logs.String(), "falsch-999") {
		t.Fatalf("password logged:\n%s", logs)
	}
}

// failing is a committer that fails for mails whose subject names "Defekt" while
// broken is set, as a full disk would.
type failing struct {
	mail.Committer
	broken *atomic.Bool
}

func (f failing) Commit(ctx context.Context, raw mail.Fetched, m *mail.Message, files []string, e mail.Entry) (string, error) {
	if f.broken.Load() && strings.Contains(m.Subject, "Defekt") {
		return "", errors.New("disk full")
	}
	return f.Committer.Commit(ctx, raw, m, files, e)
}

func TestMailIntakeImportsListsFailuresAndRetries(t *testing.T) {
	a, rt, logs := mailApp(t)
	host, port := memMailbox(t)
	var broken atomic.Bool
	broken.Store(true)
	a.intake.mu.Lock()
	a.intake.wrap = func(c mail.Committer) mail.Committer { return failing{Committer: c, broken: &broken} }
	a.intake.mu.Unlock()
	casesBefore := a.db.List(index.Query{}).Total

	appendMail(t, port,
		mailText("Erika Mustermann <erika@example.org>", "Antrag auf Hundesteuerbefreiung", "Sehr geehrte Damen und Herren,\nanbei mein Antrag."),
		mailText("Max Muster <max@example.org>", "Defekt", "Diese E-Mail kann nicht gespeichert werden."))
	if _, err := a.SaveMailSettings(MailSettingsInput{Host: host, Port: port, TLS: "none", User: "amt", Password: "geheim-123"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first check", func() bool { s, _ := a.MailStatus(); return s.LastCheck != "" })
	s, _ := a.MailStatus()
	if s.State != "ok" || s.ImportedToday != 1 || s.Failed != 1 || s.Errors != 0 {
		t.Fatalf("status after the first check %+v", s)
	}
	if got := a.db.List(index.Query{}).Total; got != casesBefore+1 {
		t.Fatalf("%d cases, want %d", got, casesBefore+1)
	}
	eventually(t, "cases:changed and mail:status", func() bool { return rt.count(EventCasesChanged) > 0 && rt.count(EventMailStatus) > 0 })
	page, err := a.ListCases(ListQuery{Search: "Erika Mustermann", Limit: 10})
	if err != nil || len(page.Rows) != 1 {
		t.Fatalf("imported case not found: %+v %v", page, err)
	}
	d, err := a.GetCase(page.Rows[0].ID)
	if err != nil || d.Channel != "EMAIL" || d.Applicant.Name != "Erika Mustermann" || d.Applicant.Email != "erika@example.org" {
		t.Fatalf("case %+v %v", d, err)
	}
	if len(d.Attachments) != 1 || d.Attachments[0].Name != mail.OriginalName {
		t.Fatalf("attachments %+v", d.Attachments)
	}

	fails, err := a.MailFailures()
	if err != nil || len(fails) != 1 || fails[0].UID != 2 || fails[0].Folder != "INBOX" ||
		!strings.Contains(fails[0].Reason, "nicht als Vorgang gespeichert") || fails[0].Attempts < 1 {
		t.Fatalf("failures %+v %v", fails, err)
	}

	// A mail arriving while the app runs becomes a case. The in-memory server tells
	// an IDLE session only of mail appended after IDLE began (Dovecot also of mail
	// before), so give the watcher a moment to start IDLE.
	time.Sleep(300 * time.Millisecond)
	appendMail(t, port, mailText("Jana Neu <jana@example.org>", "Anmeldung Straßenfest", "Bitte um Genehmigung."))
	eventually(t, "the new mail", func() bool { return a.db.List(index.Query{}).Total == casesBefore+2 }, logs)
	if p, _ := a.ListCases(ListQuery{Search: "Jana Neu", Limit: 10}); len(p.Rows) != 1 {
		t.Fatalf("new mail not found: %+v", p)
	}

	// Retry: the failed mail goes in once the cause is gone.
	if _, err := a.RetryMail(99); uiError(t, err).Code != CodeNotFound {
		t.Fatalf("retry unknown: %v", err)
	}
	broken.Store(false)
	list, err := a.RetryMail(2)
	if err != nil || len(list) != 1 || !list[0].Retrying {
		t.Fatalf("retry %+v %v", list, err)
	}
	eventually(t, "the retried mail", func() bool { f, _ := a.MailFailures(); return len(f) == 0 })
	eventually(t, "the retried mail's case", func() bool { return a.db.List(index.Query{}).Total == casesBefore+3 })
	s, _ = a.MailStatus()
	if s.ImportedToday != 3 || s.Failed != 0 {
		t.Fatalf("status at the end %+v", s)
	}
	// Nothing twice after a restart of the intake.
	if _, err := a.RetryAllMail(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if got := a.db.List(index.Query{}).Total; got != casesBefore+3 {
		t.Fatalf("%d cases after a restart, want %d", got, casesBefore+3)
	}
	if day, n, _ := a.db.MailImported(); day != "2026-11-28" || n != 3 {
		t.Fatalf("imported today stored as %s %d", day, n)
	}
}

// testCert returns a self-signed CA certificate and its PEM.
func testCert(t *testing.T) (*x509.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test-CA Musterhausen"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// The CA certificate file is read once and kept in the store: the intake trusts the
// server with it even after the file is gone, and a wrong CA is named as such.
func TestMailCAKeptInStore(t *testing.T) {
	a, rt, _ := mailApp(t)
	caCert, caKey, caPEM := testCA(t)
	port := tlsMailbox(t, caCert, caKey)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	otherFile := writeCA(t)
	in := MailSettingsInput{Host: "127.0.0.1", Port: port, TLS: "tls", User: "amt", Password: "geheim-123", CA: chooseCA(t, a, rt, otherFile)}

	r, err := a.TestMailConnection(in)
	if err != nil || r.OK || !strings.Contains(r.Problem, "Zertifikat") {
		t.Fatalf("wrong CA: %+v %v", r, err)
	}
	in.CA = chooseCA(t, a, rt, caFile)
	if r, err := a.TestMailConnection(in); err != nil || !r.OK {
		t.Fatalf("right CA: %+v %v", r, err)
	}
	if _, err := a.SaveMailSettings(in); err != nil {
		t.Fatal(err)
	}
	os.Remove(caFile)
	eventually(t, "a check over TLS", func() bool { s, _ := a.MailStatus(); return s.State == "ok" })
	in.Password = ""
	if r, err := a.TestMailConnection(in); err != nil || !r.OK {
		t.Fatalf("stored CA after the file is gone: %+v %v", r, err)
	}
}

// testCA returns a CA certificate, its key and its PEM.
func testCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(10), Subject: pkix.Name{CommonName: "Gemeinde-CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// tlsMailbox is memMailbox behind implicit TLS with a certificate for 127.0.0.1
// signed by ca.
func tlsMailbox(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey) int {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(11), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	return serveMemMailbox(t, func(l net.Listener) net.Listener { return tls.NewListener(l, cfg) })
}
