package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dovecot is the Dovecot started once for this test package; dovecotErr says why
// there is none. Tests that need it fail (never skip) when it is missing.
var (
	dovecot    *dovecotServer
	dovecotErr error
)

type dovecotServer struct {
	dir       string
	conf      string
	plainPort int // IMAP, plain and STARTTLS
	tlsPort   int // IMAPS
	caFile    string
	otherCA   string // a CA that did not sign the server's certificate
}

func TestMain(m *testing.M) {
	if os.Getenv(rssChildEnv) != "" { // the child of TestDovecotLargeMailStoreRSS uses its parent's
		os.Exit(m.Run())
	}
	dovecot, dovecotErr = startDovecot()
	code := m.Run()
	if dovecot != nil {
		dovecot.stop()
	}
	os.Exit(code)
}

func needDovecot(t *testing.T) *dovecotServer {
	t.Helper()
	if dovecot == nil {
		t.Fatalf("Dovecot is needed for this test (install dovecot-imapd: apt-get install -y dovecot-imapd): %v", dovecotErr)
	}
	return dovecot
}

const dovecotPassword = "secret"

func startDovecot() (*dovecotServer, error) {
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/dovecot"); serr != nil {
			return nil, fmt.Errorf("install dovecot-imapd: %w", err)
		}
		bin = "/usr/sbin/dovecot"
	}
	dir, err := os.MkdirTemp("", "mail-dovecot-")
	if err != nil {
		return nil, err
	}
	// The mail user (65534) must reach its home below dir.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	s := &dovecotServer{dir: dir, conf: filepath.Join(dir, "dovecot.conf")}
	if err := s.writeCerts(); err != nil {
		return nil, err
	}
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		return nil, err
	}
	if err := os.Chown(home, 65534, 65534); err != nil {
		return nil, fmt.Errorf("chown mail home (tests run as root): %w", err)
	}
	if s.plainPort, err = freePort(); err != nil {
		return nil, err
	}
	if s.tlsPort, err = freePort(); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = root
default_internal_group = root
default_login_user = nobody
auth_mechanisms = plain
disable_plaintext_auth = no
passdb {
  driver = static
  args = password=%[4]s
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=%[1]s/home/%%u
}
mail_location = maildir:~/Maildir
mail_uid = 65534
mail_gid = 65534
first_valid_uid = 1
ssl = yes
ssl_cert = <%[1]s/server.pem
ssl_key = <%[1]s/server.key
ssl_min_protocol = TLSv1.2
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[3]d
    ssl = yes
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`, dir, s.plainPort, s.tlsPort, dovecotPassword)
	if err := os.WriteFile(s.conf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	for _, d := range []string{"run", "state"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	// No pipes: the daemon's children inherit them, and waiting for their end
	// would wait for Dovecot to stop.
	out, err := os.Create(filepath.Join(dir, "start.out"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-c", s.conf)
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Run()
	out.Close()
	if err != nil {
		msg, _ := os.ReadFile(out.Name())
		log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
		return nil, fmt.Errorf("start dovecot: %v: %s %s", err, msg, log)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.plainPort), time.Second)
		if err == nil {
			c.Close()
			return s, nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			s.stop()
			return nil, fmt.Errorf("dovecot did not listen: %v: %s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *dovecotServer) stop() {
	_ = exec.Command("dovecot", "-c", s.conf, "stop").Run()
	if _, err := exec.LookPath("dovecot"); err != nil {
		_ = exec.Command("/usr/sbin/dovecot", "-c", s.conf, "stop").Run()
	}
	// Dovecot removes its pid file when it is gone; give it a moment.
	for i := 0; i < 50; i++ {
		if _, err := os.Stat(filepath.Join(s.dir, "run", "master.pid")); errors.Is(err, os.ErrNotExist) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	os.RemoveAll(s.dir)
}

// config returns a mailbox configuration for a fresh user of its own, so tests do
// not see each other's mail (the static passdb takes any user name).
func (s *dovecotServer) config(t *testing.T, mode TLSMode) Config {
	return s.configFor(strings.NewReplacer("/", "-", " ", "-").Replace(strings.ToLower(t.Name())), mode)
}

func (s *dovecotServer) configFor(user string, mode TLSMode) Config {
	c := Config{Host: "127.0.0.1", Port: s.plainPort, TLS: mode, User: user, Password: dovecotPassword, Timeout: 10 * time.Second}
	switch mode {
	case TLSImplicit:
		c.Port, c.CAFile = s.tlsPort, s.caFile
	case TLSStartTLS:
		c.CAFile = s.caFile
	}
	return c
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// writeCerts makes a CA, a server certificate for 127.0.0.1 signed by it, and a
// second CA that signed nothing.
func (s *dovecotServer) writeCerts() error {
	ca, caKey, caPEM, err := newCA("Test-CA Gemeinde")
	if err != nil {
		return err
	}
	_, _, otherPEM, err := newCA("Fremde CA")
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	s.caFile = filepath.Join(s.dir, "ca.pem")
	s.otherCA = filepath.Join(s.dir, "other-ca.pem")
	files := map[string][]byte{
		s.caFile:                           caPEM,
		s.otherCA:                          otherPEM,
		filepath.Join(s.dir, "server.pem"): pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		filepath.Join(s.dir, "server.key"): pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}
	for name, b := range files {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func newCA(name string) (*x509.Certificate, *ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, err
	}
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
