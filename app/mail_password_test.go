package app

import (
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"
)

// recorder keeps every byte the IMAP server behind it receives.
type recorder struct {
	net.Listener
	mu    sync.Mutex
	bytes []byte
	conns int
}

func (r *recorder) Accept() (net.Conn, error) {
	c, err := r.Listener.Accept()
	if err == nil {
		r.mu.Lock()
		r.conns++
		r.mu.Unlock()
		c = &recordedConn{Conn: c, r: r}
	}
	return c, err
}

func (r *recorder) received() (string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.bytes), r.conns
}

type recordedConn struct {
	net.Conn
	r *recorder
}

func (c *recordedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.r.mu.Lock()
	c.r.bytes = append(c.r.bytes, p[:n]...)
	c.r.mu.Unlock()
	return n, err
}

// heard reports whether the recorded bytes hold the password, as LOGIN or as
// AUTHENTICATE PLAIN sends it.
func heard(got, user, password string) bool {
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	return strings.Contains(got, password) || strings.Contains(got, plain)
}

// "Verbindung testen" with an empty password uses the stored one only for the
// stored host, port, user and TLS mode: a form naming another mailbox gets a German
// request for the password, and the other server never receives it (issue 17).
func TestMailStoredPasswordOnlyForItsMailbox(t *testing.T) {
	a, _, _ := mailApp(t)
	const password = "geheim-123"
	own := &recorder{}
	ownPort := serveMemMailbox(t, func(l net.Listener) net.Listener { own.Listener = l; return own })
	other := &recorder{}
	otherPort := serveMemMailbox(t, func(l net.Listener) net.Listener { other.Listener = l; return other })
	stored := MailSettingsInput{Host: "127.0.0.1", Port: ownPort, TLS: "none", User: "amt", Password: password, Folder: "INBOX"}
	if _, err := a.SaveMailSettings(stored); err != nil {
		t.Fatal(err)
	}
	// The intake logs in to the stored mailbox and stays there (IDLE); what the own
	// server hears after that is the checks'.
	eventually(t, "the intake connected", func() bool { s, _ := a.MailStatus(); return s.State == "ok" })
	before, _ := own.received()
	changed := map[string]MailSettingsInput{
		"port": {Host: "127.0.0.1", Port: otherPort, TLS: "none", User: "amt", Folder: "INBOX"},
		"host": {Host: "127.0.0.2", Port: ownPort, TLS: "none", User: "amt", Folder: "INBOX"},
		"user": {Host: "127.0.0.1", Port: ownPort, TLS: "none", User: "amt2", Folder: "INBOX"},
		"tls":  {Host: "127.0.0.1", Port: ownPort, TLS: "starttls", User: "amt", Folder: "INBOX"},
	}
	for what, in := range changed {
		_, err := a.TestMailConnection(in)
		if e := uiError(t, err); !strings.Contains(e.Fields["password"], "Passwort erneut") {
			t.Errorf("changed %s: %+v", what, e)
		}
		_, err = a.SaveMailSettings(in)
		if e := uiError(t, err); e.Fields["password"] == "" {
			t.Errorf("saved with changed %s and the stored password: %+v", what, e)
		}
	}
	if got, conns := other.received(); conns != 0 || heard(got, "amt", password) {
		t.Fatalf("the other server was contacted %d times (password heard: %v)", conns, heard(got, "amt", password))
	}
	if got, _ := own.received(); heard(got[len(before):], "amt", password) {
		t.Fatal("the stored password went out for a changed mailbox")
	}
	// The same mailbox, with the password left empty, does use the stored one: the
	// recorder would hear it.
	same := stored
	same.Password = ""
	r, err := a.TestMailConnection(same)
	if err != nil || !r.OK {
		t.Fatalf("the stored mailbox with the stored password: %+v %v", r, err)
	}
	if got, _ := own.received(); !heard(got[len(before):], "amt", password) {
		t.Fatal("control: the recorder did not hear the password it was sent, so the test proves nothing")
	}
	if s, _ := a.db.MailSettings(); s.Password != password || s.Port != ownPort {
		t.Fatalf("stored settings changed: port %d", s.Port)
	}
}

// Without TLS, "localhost" means 127.0.0.1 and is stored so, never resolved by name;
// any other name is refused (issue 17).
func TestMailPlainLocalhostIsLoopbackIP(t *testing.T) {
	a, _, _ := mailApp(t)
	_, port := memMailbox(t)
	v, err := a.SaveMailSettings(MailSettingsInput{Host: "LocalHost", Port: port, TLS: "none", User: "amt", Password: "geheim-123", Folder: "INBOX"})
	if err != nil || v.Host != "127.0.0.1" {
		t.Fatalf("saved %+v %v", v, err)
	}
	for _, host := range []string{"localhost.example.de", "127.0.0.1.nip.io", "mail.example.de"} {
		_, err := a.TestMailConnection(MailSettingsInput{Host: host, Port: port, TLS: "none", User: "amt", Password: "x", Folder: "INBOX"})
		if e := uiError(t, err); e.Fields["tls"] == "" {
			t.Errorf("%s without TLS: %+v", host, e)
		}
	}
}
