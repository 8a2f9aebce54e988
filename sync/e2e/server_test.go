package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// serverBin is the ozgcloud-server binary built once for this package's tests.
var serverBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ozgcloud-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin = filepath.Join(dir, "ozgcloud-server")
	build := exec.Command("go", "build", "-o", serverBin, "../../cmd/ozgcloud-server")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build ozgcloud-server:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	tenantID  = "musterstadt"
	orgUnitID = "ordnungsamt-musterstadt" // as cloud/testdata/intake/gewerbeanmeldung.multipart routes
)

// cloudServer is the real binary on a data folder, serving on a fixed loopback port
// so that restarts keep the address the desktops enrolled with.
type cloudServer struct {
	t    testing.TB
	data string
	addr string
	URL  string
	FP   string // SHA-256 fingerprint printed by init

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	stderr bytes.Buffer
	starts int

	codes map[string]string // user ID -> invitation code "user add" printed, until used
}

// run runs an admin subcommand to its end and returns its stdout.
func (s *cloudServer) run(args ...string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args = append(args, "--data", s.data)
	cmd := exec.CommandContext(ctx, serverBin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("ozgcloud-server %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

var userLine = regexp.MustCompile(`Benutzer angelegt: (\S+) \(`)

// newCloudServer runs init, adds the tenant, its org unit and the given clerks (IDs
// as the server made them, org unit filled in), and picks a free port. It does not
// start serving.
func newCloudServer(t testing.TB, clerks []model.Clerk) (*cloudServer, []model.Clerk) {
	t.Helper()
	s := &cloudServer{t: t, data: filepath.Join(t.TempDir(), "cloud"), codes: map[string]string{}}
	s.FP = lastWord(s.run("init"))
	s.run("tenant", "add", "--id", tenantID, "--name", "Stadt Musterstadt")
	s.run("orgunit", "add", "--tenant", tenantID, "--id", orgUnitID, "--name", "Ordnungsamt")
	out := make([]model.Clerk, len(clerks))
	for i, c := range clerks {
		added := s.run("user", "add", "--tenant", tenantID, "--name", c.Name, "--role", string(c.Role))
		m := userLine.FindStringSubmatch(added)
		if m == nil {
			t.Fatalf("user add %s: no ID in the output", c.Name)
		}
		c.ID, c.OrgUnit = m[1], orgUnitID
		s.codes[c.ID] = lastWord(added)
		out[i] = c
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	ln.Close()
	s.URL = "https://" + s.addr
	t.Cleanup(func() { s.kill() })
	return s, out
}

// enrollCode makes a one-time enrollment code (the server must not be running: the
// bbolt file is locked while it serves).
func (s *cloudServer) enrollCode() string {
	return lastWord(s.run("device", "enroll", "--tenant", tenantID))
}

func (s *cloudServer) intakeToken() string {
	return lastWord(s.run("intake-credential", "add", "--tenant", tenantID))
}

// start runs "serve" and waits until it prints its address. A port still held by the
// killed process's last moments is retried for a while.
func (s *cloudServer) start() {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := s.tryStart()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("serve: %v\n%s", err, s.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *cloudServer) tryStart() error {
	cmd := exec.Command(serverBin, "serve", "--data", s.data, "--addr", s.addr, "--log-level", "warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = lockedWriter{&s.mu, &s.stderr}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		cmd.Wait()
		close(exited)
	}()
	select {
	case l := <-line:
		if !strings.HasSuffix(l, s.URL) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("serve printed %q, want %s", l, s.URL)
		}
	case <-exited:
		return fmt.Errorf("serve exited at start")
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-exited
		return fmt.Errorf("serve did not start")
	}
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.starts++
	s.mu.Unlock()
	return nil
}

// kill sends SIGKILL (no chance to finish anything) and waits for the process.
func (s *cloudServer) kill() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited
}

// stop sends SIGTERM and waits for a clean exit.
func (s *cloudServer) stop() {
	s.t.Helper()
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-exited
		s.t.Errorf("serve did not stop on SIGTERM\n%s", s.logs())
	}
	if c := cmd.ProcessState.ExitCode(); c != 0 {
		s.t.Errorf("serve exited %d on SIGTERM\n%s", c, s.logs())
	}
}

func (s *cloudServer) logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// desktop is a desktop's case store enrolled at the server.
type desktop struct {
	db *store.DB
	id store.SyncIdentity
}

// password is the password every test clerk sets with their invitation code.
const password = "Rathaus-Kirsche-Treppe-7" // no run of hex letters a random user ID could hold (as cloudtest.Password)

// newDesktop is enrollDesktop with every clerk signed in there, as when each of them
// has worked on that PC.
func newDesktop(t testing.TB, s *cloudServer, dir, device, code string, clerks []model.Clerk) *desktop {
	t.Helper()
	d := enrollDesktop(t, s, dir, device, code, clerks)
	for _, c := range clerks {
		d.signIn(t, s, c)
	}
	return d
}

// signIn signs c in on the desktop at the service, as the desktop's sign-in screen
// does while online: with the clerk's invitation code the first time (which sets
// the password), else with the password. It returns the grant.
func (d *desktop) signIn(t testing.TB, s *cloudServer, c model.Clerk) wire.SignInResponse {
	t.Helper()
	r, err := client.Dial(d.id.Server, d.id.Token, client.TLS{Fingerprint: d.id.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var resp wire.SignInResponse
	if code, ok := s.codes[c.ID]; ok {
		resp, err = r.Activate(ctx, code, password)
		delete(s.codes, c.ID)
	} else {
		resp, err = r.SignIn(ctx, c.Name, password)
	}
	if err != nil || resp.User.ID != c.ID {
		t.Fatalf("sign in %s on %s: %+v %v", c.Name, d.id.DeviceCode, resp, err)
	}
	return resp
}

// enrollDesktop opens a store in dir (or a temp dir) set up for the tenant with the
// clerks and enrolls it with code, pinning the fingerprint seen, after comparing it
// with the one init printed (as the clerk does). Nobody is signed in there yet.
func enrollDesktop(t testing.TB, s *cloudServer, dir, device, code string, clerks []model.Clerk) *desktop {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	db, err := store.Open(store.Options{Dir: dir, Device: device})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SetMunicipality(store.Municipality{Name: "Stadt Musterstadt", Tenant: tenantID, OrgUnit: orgUnitID, OrgUnitName: "Ordnungsamt"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range clerks {
		if err := db.PutClerk(c); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	seen, err := client.Fingerprint(ctx, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if norm(seen) != norm(s.FP) {
		t.Fatalf("fingerprint seen %s, init printed %s", seen, s.FP)
	}
	id, err := client.Connect(ctx, db, s.URL, code, client.TLS{Fingerprint: seen})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return &desktop{db: db, id: id}
}

func norm(fp string) string {
	return strings.ToLower(strings.NewReplacer(":", "", " ", "").Replace(fp))
}
