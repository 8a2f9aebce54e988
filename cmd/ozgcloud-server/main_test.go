package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud/pgstore/pgtest"
	"github.com/ozgcloud/desktop/sync/wire"
)

// bin is the ozgcloud-server binary built once for the tests in this package.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ozgcloud-server-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "ozgcloud-server")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := pgtest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli runs the binary to its end and returns its stdout, stderr and exit code.
func cli(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// ok runs the binary and fails the test unless it exits 0; it returns stdout.
func ok(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := cli(t, args...)
	if code != 0 {
		t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// lastWord is how scripts take a secret from a command's output.
func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// server is a running "ozgcloud-server serve".
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
	exited chan error
}

func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &bytes.Buffer{}, exited: make(chan error, 1)}
	cmd.Stderr = syncWriter{s.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.exited
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { s.exited <- cmd.Wait() }()
	select {
	case line := <-lines:
		s.url = lastWord(line)
	case err := <-s.exited:
		t.Fatalf("serve exited: %v\n%s", err, s.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start\n%s", s.stderr)
	}
	return s
}

// syncWriter lets the test read stderr while the process writes it.
type syncWriter struct{ b *bytes.Buffer }

var stderrMu = make(chan struct{}, 1)

func (w syncWriter) Write(p []byte) (int, error) {
	stderrMu <- struct{}{}
	defer func() { <-stderrMu }()
	return w.b.Write(p)
}

func (s *server) logs() string {
	stderrMu <- struct{}{}
	defer func() { <-stderrMu }()
	return s.stderr.String()
}

// stop sends SIGTERM and returns the exit code.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not stop after SIGTERM\n%s", s.logs())
	}
	return s.cmd.ProcessState.ExitCode()
}

// pinned is a client that trusts exactly the certificate with the fingerprint, as the
// desktop does after the clerk confirmed it.
func pinned(fingerprint string, maxVersion uint16) *http.Client {
	// HTTP/2 as a browser would use it; the event stream must end on shutdown there too.
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin below
		MaxVersion:         maxVersion,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || Fingerprint(cs.PeerCertificates[0].Raw) != fingerprint {
				return fmt.Errorf("certificate does not match the pinned fingerprint")
			}
			return nil
		},
	}}}
}

func request(t *testing.T, c *http.Client, method, url, token string, body io.Reader, hdr ...string) (int, []byte) {
	t.Helper()
	r, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func TestServerLifecycle(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	out := ok(t, "init", "--data", data)
	fp := lastWord(out)
	if len(fp) != 95 || strings.Count(fp, ":") != 31 {
		t.Fatalf("init did not end with a fingerprint: %q", out)
	}
	if _, errOut, code := cli(t, "init", "--data", data); code == 0 || !strings.Contains(errOut, "already") {
		t.Fatalf("second init: exit %d %s", code, errOut)
	}
	if st, err := os.Stat(filepath.Join(data, "tls", "key.pem")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	ok(t, "tenant", "add", "--data", data, "--id", "musterstadt", "--name", "Musterstadt")
	ok(t, "orgunit", "add", "--data", data, "--tenant", "musterstadt", "--id", "ordnungsamt-musterstadt", "--name", "Ordnungsamt")
	if out := ok(t, "user", "add", "--data", data, "--tenant", "musterstadt", "--name", "Anna Amt", "--role", "sachbearbeitung"); !strings.Contains(out, "Anna Amt") {
		t.Fatalf("user add: %q", out)
	}
	if _, errOut, code := cli(t, "user", "add", "--data", data, "--tenant", "musterstadt", "--name", "X", "--role", "chef"); code != 2 || !strings.Contains(errOut, "--role") {
		t.Fatalf("bad role: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "tenant", "add", "--data", data, "--id", "x"); code != 2 || !strings.Contains(errOut, "--name") {
		t.Fatalf("missing --name: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "tenant", "add", "--data", filepath.Join(data, "typo"), "--id", "x", "--name", "X"); code != 1 || !strings.Contains(errOut, "init") {
		t.Fatalf("data folder without init: exit %d %s", code, errOut)
	}
	code := lastWord(ok(t, "device", "enroll", "--data", data, "--tenant", "musterstadt"))
	code2 := lastWord(ok(t, "device", "enroll", "--data", data, "--tenant", "musterstadt"))
	intakeToken := lastWord(ok(t, "intake-credential", "add", "--data", data, "--tenant", "musterstadt"))
	if len(code) < 16 || len(intakeToken) < 32 {
		t.Fatalf("secrets: code %q, token %q", code, intakeToken)
	}

	srv := startServer(t, "--data", data, "--addr", "127.0.0.1:0")
	if !strings.HasPrefix(srv.url, "https://127.0.0.1:") {
		t.Fatalf("url %q", srv.url)
	}
	c := pinned(fp, 0)
	if status, body := request(t, c, "GET", srv.url+wire.PathHealth, "", nil); status != 200 || string(body) != "ok\n" {
		t.Fatalf("healthz: %d %q", status, body)
	}
	// Another certificate than the confirmed one, and TLS 1.1, are refused.
	if _, err := pinned(strings.Repeat("AB:", 31)+"AB", 0).Get(srv.url + wire.PathHealth); err == nil {
		t.Fatal("a wrong pin connected")
	}
	if _, err := pinned(fp, tls.VersionTLS11).Get(srv.url + wire.PathHealth); err == nil {
		t.Fatal("TLS 1.1 connected")
	}

	status, body := request(t, c, "POST", srv.url+wire.PathEnroll, "", strings.NewReader(`{"code":"`+code+`"}`))
	enr, err := wire.DecodeEnrollResponse(bytes.NewReader(body), wire.MaxBodySmall)
	if status != 200 || err != nil || enr.Tenant != "musterstadt" {
		t.Fatalf("enroll: %d %s %v", status, body, err)
	}
	if status, _ := request(t, c, "POST", srv.url+wire.PathEnroll, "", strings.NewReader(`{"code":"`+code+`"}`)); status != 403 {
		t.Fatalf("second use of the code: %d", status)
	}
	sample, err := os.ReadFile(filepath.Join("..", "..", "cloud", "testdata", "intake", "gewerbeanmeldung.multipart"))
	if err != nil {
		t.Fatal(err)
	}
	status, body = request(t, c, "POST", srv.url+wire.PathIntake, intakeToken, bytes.NewReader(sample),
		"Content-Type", "multipart/form-data; boundary=----OZGCloudFormBoundary7MA4YWxkTrZu0gW")
	if status != 201 {
		t.Fatalf("intake: %d %s", status, body)
	}
	status, body = request(t, c, "GET", srv.url+wire.PathChanges+"?cursor=0", enr.Token, nil)
	page, err := wire.DecodeChanges(bytes.NewReader(body), int64(len(body))+1)
	if status != 200 || err != nil || len(page.Changes) != 1 || page.Changes[0].Case.Applicant.Postfach == nil {
		t.Fatalf("changes: %d %v %+v", status, err, page)
	}

	// bbolt has one process: administration while serving goes through the server.
	if out := ok(t, "tenant", "add", "--data", data, "--id", "b", "--name", "B"); !strings.Contains(out, "Mandant angelegt: b") {
		t.Fatalf("admin while serving: %q", out)
	}

	// SIGTERM with an event stream open: the stream ends and the process exits 0.
	r, _ := http.NewRequest("GET", srv.url+wire.PathEvents, nil)
	r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	r.Header.Set("Authorization", "Bearer "+enr.Token)
	stream, err := c.Do(r)
	if err != nil || stream.StatusCode != 200 || stream.ProtoMajor != 2 {
		t.Fatalf("events: %v %v", stream, err)
	}
	br := bufio.NewReader(stream.Body)
	if line, _ := br.ReadString('\n'); line != "event: seq\n" {
		t.Fatalf("first line of the stream %q", line)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d after SIGTERM\n%s", code, srv.logs())
	}
	if _, err := io.ReadAll(br); err != nil && !strings.Contains(err.Error(), "EOF") {
		t.Logf("stream after shutdown: %v", err)
	}
	stream.Body.Close()

	// The logs are JSON lines without citizens' data or secrets.
	logs := srv.logs()
	if !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("no stop in the logs:\n%s", logs)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("log line is not JSON: %q", line)
		}
	}
	for _, secret := range []string{"Erika", "Mustermann", "Hauptstraße", "4f8e2c1a", code, enr.Token, intakeToken} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold %q", secret)
		}
	}

	// A revoked device is refused after a restart; the second code still works.
	ok(t, "device", "revoke", "--data", data, "--id", enr.DeviceID)
	srv = startServer(t, "--data", data, "--addr", "127.0.0.1:0")
	if status, _ := request(t, c, "GET", srv.url+wire.PathChanges, enr.Token, nil); status != 401 {
		t.Fatalf("revoked device: %d", status)
	}
	if status, _ := request(t, c, "POST", srv.url+wire.PathEnroll, "", strings.NewReader(`{"code":"`+code2+`"}`)); status != 200 {
		t.Fatalf("second code: %d", status)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d after SIGTERM", code)
	}
}

func TestServePlainHTTPOnlyOnLoopback(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ok(t, "init", "--data", data)
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8443", "[::]:0"} {
		_, errOut, code := cli(t, "serve", "--data", data, "--addr", addr, "--insecure-loopback")
		if code != 2 || !strings.Contains(errOut, "loopback") {
			t.Errorf("--insecure-loopback on %s: exit %d %s", addr, code, errOut)
		}
	}
	srv := startServer(t, "--data", data, "--addr", "127.0.0.1:0", "--insecure-loopback")
	if !strings.HasPrefix(srv.url, "http://127.0.0.1:") {
		t.Fatalf("url %q", srv.url)
	}
	if status, _ := request(t, http.DefaultClient, "GET", srv.url+wire.PathHealth, "", nil); status != 200 {
		t.Fatalf("healthz over HTTP: %d", status)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	// Without init there is no certificate: a clear error, not plain HTTP.
	if _, errOut, code := cli(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"); code == 0 || !strings.Contains(errOut, "init") {
		t.Errorf("serve without init: exit %d %s", code, errOut)
	}
}

func TestInitWithGivenCertificate(t *testing.T) {
	// A certificate from elsewhere (here: one init made) is used, not copied.
	first := filepath.Join(t.TempDir(), "first")
	fp := lastWord(ok(t, "init", "--data", first))
	cert, key := filepath.Join(first, "tls", "cert.pem"), filepath.Join(first, "tls", "key.pem")
	second := filepath.Join(t.TempDir(), "second")
	if got := lastWord(ok(t, "init", "--data", second, "--cert", cert, "--key", key)); got != fp {
		t.Fatalf("fingerprint %s, want %s", got, fp)
	}
	if _, err := os.Stat(filepath.Join(second, "tls")); !os.IsNotExist(err) {
		t.Errorf("init made its own certificate although one was given: %v", err)
	}
	if _, errOut, code := cli(t, "init", "--data", filepath.Join(t.TempDir(), "x"), "--cert", cert); code != 2 || !strings.Contains(errOut, "--key") {
		t.Errorf("--cert without --key: exit %d %s", code, errOut)
	}
	srv := startServer(t, "--data", second, "--addr", "127.0.0.1:0")
	if status, _ := request(t, pinned(fp, 0), "GET", srv.url+wire.PathHealth, "", nil); status != 200 {
		t.Fatalf("healthz: %d", status)
	}
	srv.stop(t)
}

func TestServerOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	// Through the environment, as an operator would pass a URL with a password.
	t.Setenv("OZGCLOUD_POSTGRES", url)
	data := filepath.Join(t.TempDir(), "data")
	fp := lastWord(ok(t, "init", "--data", data))
	if _, err := os.Stat(filepath.Join(data, dbFile)); !os.IsNotExist(err) {
		t.Fatalf("init with PostgreSQL made a bbolt file: %v", err)
	}
	ok(t, "tenant", "add", "--id", "musterstadt", "--name", "Musterstadt")
	ok(t, "orgunit", "add", "--tenant", "musterstadt", "--id", "ordnungsamt-musterstadt", "--name", "Ordnungsamt")
	intakeToken := lastWord(ok(t, "intake-credential", "add", "--tenant", "musterstadt"))

	srv := startServer(t, "--data", data, "--addr", "127.0.0.1:0")
	c := pinned(fp, 0)
	// PostgreSQL serves several processes: administration goes on while serving.
	code := lastWord(ok(t, "device", "enroll", "--tenant", "musterstadt"))
	status, body := request(t, c, "POST", srv.url+wire.PathEnroll, "", strings.NewReader(`{"code":"`+code+`"}`))
	enr, err := wire.DecodeEnrollResponse(bytes.NewReader(body), wire.MaxBodySmall)
	if status != 200 || err != nil {
		t.Fatalf("enroll: %d %s %v", status, body, err)
	}
	sample, err := os.ReadFile(filepath.Join("..", "..", "cloud", "testdata", "intake", "bayernid-bauantrag.multipart"))
	if err != nil {
		t.Fatal(err)
	}
	status, body = request(t, c, "POST", srv.url+wire.PathIntake, intakeToken, bytes.NewReader(sample),
		"Content-Type", "multipart/form-data; boundary=----OZGCloudFormBoundary7MA4YWxkTrZu0gW")
	if status != 400 || !strings.Contains(string(body), "bauamt-musterdorf") {
		t.Fatalf("intake to an unknown org unit: %d %s", status, body)
	}
	ok(t, "orgunit", "add", "--tenant", "musterstadt", "--id", "bauamt-musterdorf", "--name", "Bauamt")
	if status, body = request(t, c, "POST", srv.url+wire.PathIntake, intakeToken, bytes.NewReader(sample),
		"Content-Type", "multipart/form-data; boundary=----OZGCloudFormBoundary7MA4YWxkTrZu0gW"); status != 201 {
		t.Fatalf("intake: %d %s", status, body)
	}
	status, body = request(t, c, "GET", srv.url+wire.PathChanges+"?cursor=0", enr.Token, nil)
	page, err := wire.DecodeChanges(bytes.NewReader(body), int64(len(body))+1)
	if status != 200 || err != nil || len(page.Changes) != 1 || page.Changes[0].Case.Applicant.Postfach == nil {
		t.Fatalf("changes: %d %v %+v", status, err, page)
	}
	// Quotas too: set by another process, in force at once; no admin socket.
	if out := ok(t, "tenant", "set", "musterstadt", "--max-attachment", "1KiB"); !strings.Contains(out, "Größte Anlage:         1 KiB") {
		t.Errorf("tenant set on PostgreSQL:\n%s", out)
	}
	if status, body := announce(t, c, srv.url, enr.Token, make([]byte, 2000)); status != 413 || !strings.Contains(string(body), `"reason":"attachment"`) {
		t.Errorf("an attachment over the quota set while serving: %d %s", status, body)
	}
	if _, err := os.Stat(filepath.Join(data, "admin")); !os.IsNotExist(err) {
		t.Errorf("a server on PostgreSQL made an admin socket folder: %v", err)
	}
	// Users too: an invitation made by another process is good at once, and so is
	// a deactivation.
	invitation := lastWord(ok(t, "user", "add", "--tenant", "musterstadt", "--name", "Anna Amt", "--role", "sachbearbeitung", "--id", "anna"))
	const pw = "Rathaus-Kaffee-Treppe-7"
	if status, _, e := signInPost(t, c, srv.url, enr.Token, wire.PathActivate, wire.ActivateRequest{Code: invitation, Password: pw}); status != 200 {
		t.Fatalf("activation on PostgreSQL: %d %+v", status, e)
	}
	ok(t, "user", "deactivate", "--tenant", "musterstadt", "anna")
	if status, _, e := signInPost(t, c, srv.url, enr.Token, wire.PathSignIn, wire.SignInRequest{User: "anna", Password: pw}); status != 403 || e.Reason != wire.ReasonDeactivated {
		t.Fatalf("sign-in after a deactivation on PostgreSQL: %d %+v", status, e)
	}
	ok(t, "device", "revoke", "--id", enr.DeviceID)
	if status, _ := request(t, c, "GET", srv.url+wire.PathChanges, enr.Token, nil); status != 401 {
		t.Fatalf("revoked while serving: %d", status)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d after SIGTERM\n%s", code, srv.logs())
	}
}
