package adversarial

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Addresses on loopback: the good tenant, and the attackers' own (Linux answers
// on all of 127/8), so per-address limits meet the attackers and not the good
// tenant, as they would on the internet.
const (
	goodAddr     = "127.0.0.2"
	attackerAddr = "127.0.0.3"
)

// target is the service under attack.
type target struct {
	t        *testing.T
	svc      *cloud.Service
	srv      *httptest.Server
	ln       interface{ Open() int }
	logs     *logCount
	good     wire.EnrollResponse
	goodUser cloud.User
	attacker []wire.EnrollResponse
	full     wire.EnrollResponse // a device of a tenant with a small storage quota
	intake   string              // an intake credential of the attackers' tenant
}

// logCount counts log lines by level and keeps the last ERROR lines.
type logCount struct {
	mu     sync.Mutex
	lines  map[string]int
	errors []string
}

func (l *logCount) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		level := "other"
		if i := strings.Index(line, "level="); i >= 0 {
			level, _, _ = strings.Cut(line[i+6:], " ")
		}
		l.lines[level]++
		if level == "ERROR" && len(l.errors) < 5 {
			l.errors = append(l.errors, line)
		}
	}
	return len(p), nil
}

func (l *logCount) count(level string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lines[level]
}

// limits are the production defaults, except a shorter grace for slow bodies, so
// that slowloris attackers cycle within a short run.
var limits = cloud.RequestLimits{BodyGrace: 2 * time.Second}

func newTarget(t *testing.T) *target {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logs := &logCount{lines: map[string]int{}}
	log := slog.New(slog.NewTextHandler(logs, nil))
	tg := &target{t: t, svc: cloud.New(st, cloud.Options{Logger: log, Password: cloudtest.CheapParams}), logs: logs}
	ctx := context.Background()
	for _, tenant := range []string{"gut", "angreifer", "voll"} {
		if _, err := tg.svc.AddTenant(ctx, tenant, tenant); err != nil {
			t.Fatal(err)
		}
		if _, err := tg.svc.AddOrgUnit(ctx, tenant, "ou-"+tenant, "Ordnungsamt"); err != nil {
			t.Fatal(err)
		}
	}
	if tg.goodUser, err = tg.svc.AddUser(ctx, "gut", "Anna Amt", model.RoleSachbearbeitung); err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{})
	h := cloud.NewHandler(tg.svc, cloud.HandlerOptions{Logger: log, TempDir: t.TempDir(), Done: done, Requests: limits})
	so := cloud.ServerOptions{Logger: log, TLS: cloud.ServerTLS(ecdsaCert(t))}
	tg.srv = httptest.NewUnstartedServer(h)
	real := cloud.NewServer(h, so)
	tg.srv.Config.ReadHeaderTimeout, tg.srv.Config.IdleTimeout, tg.srv.Config.MaxHeaderBytes = real.ReadHeaderTimeout, real.IdleTimeout, real.MaxHeaderBytes
	tg.srv.Config.ErrorLog = real.ErrorLog
	ln := cloud.Listen(tg.srv.Listener, so)
	tg.srv.Listener, tg.ln = ln, ln
	tg.srv.TLS = so.TLS
	tg.srv.StartTLS()
	t.Cleanup(func() { close(done); tg.srv.Close() })

	// The tenant "voll" has room for a few small files only.
	if _, err := tg.svc.UpdateTenantQuota(ctx, "voll", func(q *cloud.Quota) { q.MaxStorage = 1 << 20 }); err != nil {
		t.Fatal(err)
	}
	tg.full = tg.enroll("voll", attackerAddr)
	tg.good = tg.enroll("gut", goodAddr)
	goodDev, err := tg.svc.Authenticate(ctx, tg.good.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cloudtest.SignIn(ctx, tg.svc, goodDev, tg.goodUser.ID); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		tg.attacker = append(tg.attacker, tg.enroll("angreifer", attackerAddr))
	}
	_, tg.intake, err = tg.svc.AddIntakeCredential(ctx, "angreifer")
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// client returns an HTTP client whose connections come from addr.
func (tg *target) client(addr string, timeout time.Duration) *http.Client {
	tr := tg.srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // the server's own test certificate
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 5 * time.Second}
	tr.DialContext = d.DialContext
	tr.MaxIdleConnsPerHost = 4
	return &http.Client{Transport: tr, Timeout: timeout}
}

// dialTLS opens a TLS connection from addr, for attackers that write requests by
// hand.
func (tg *target) dialTLS(addr string) (net.Conn, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 5 * time.Second}
	return tls.DialWithDialer(d, "tcp", tg.srv.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true})
}

func (tg *target) enroll(tenant, addr string) wire.EnrollResponse {
	tg.t.Helper()
	code, _, err := tg.svc.NewEnrollment(context.Background(), tenant)
	if err != nil {
		tg.t.Fatal(err)
	}
	status, b, err := request(tg.client(addr, 30*time.Second), "POST", tg.srv.URL+wire.PathEnroll, "", strings.NewReader(`{"code":"`+code+`"}`))
	if err != nil || status != 200 {
		tg.t.Fatalf("enroll: %d %s %v", status, b, err)
	}
	resp, err := wire.DecodeEnrollResponse(bytes.NewReader(b), wire.MaxBodySmall)
	if err != nil {
		tg.t.Fatal(err)
	}
	return resp
}

// request sends one request and reads the answer whole.
func request(c *http.Client, method, url, token string, body io.Reader, hdr ...string) (int, []byte, error) {
	r, err := http.NewRequest(method, url, body)
	if err != nil {
		return 0, nil, err
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
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, err
}

// goodTenant pushes like a busy clerk: a case, then one comment after another,
// each push timed.
type goodTenant struct {
	tg        *target
	client    *http.Client
	seq       uint64
	latencies []time.Duration
	applied   int
	comments  int
	failures  []string
}

func (g *goodTenant) push(m model.Mutation) {
	g.seq++
	m.Device, m.Seq, m.ID = g.tg.good.DeviceID, g.seq, wire.MutationID(g.tg.good.DeviceID, g.seq)
	m.User, m.At = g.tg.goodUser.ID, time.Now().UTC().Truncate(time.Second)
	body, _ := json.Marshal(cloudtest.Push(m))
	for attempt := 0; ; attempt++ {
		start := time.Now()
		status, b, err := request(g.client, "POST", g.tg.srv.URL+wire.PathPush, g.tg.good.Token, bytes.NewReader(body))
		took := time.Since(start)
		if err == nil && status == 200 {
			resp, err := wire.DecodePushResponse(bytes.NewReader(b), wire.MaxBodyPush)
			if err != nil || len(resp.Results) != 1 || resp.Results[0].Status != wire.StatusApplied {
				g.failures = append(g.failures, fmt.Sprintf("push %d: %v %s", g.seq, err, b))
				return
			}
			g.latencies = append(g.latencies, took)
			g.applied++
			return
		}
		// A retry is what the desktop would do; the failed try still counts
		// against the latency goal.
		g.latencies = append(g.latencies, took)
		g.failures = append(g.failures, fmt.Sprintf("push %d try %d: %d %v %.200s", g.seq, attempt, status, err, b))
		if attempt == 3 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// run creates the case and comments on it until ctx ends.
func (g *goodTenant) run(ctx context.Context, caseID string, every time.Duration) {
	c := model.Case{ID: caseID, OrgUnit: "ou-gut", FileNumber: "GUT-2026-0001-" + g.tg.good.DeviceCode, Type: "GEWERBE",
		Title: "Gewerbeanmeldung", ReceivedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Channel: model.ChannelCounter,
		Applicant: model.Applicant{Name: "Erika Mustermann"}, Status: model.StatusNeu}
	m, _ := model.NewMutation(caseID, model.KindCreate, model.CreatePayload{Case: c})
	g.push(m)
	g.comment(ctx, caseID, every)
}

// comment adds a comment to the case every interval until ctx ends.
func (g *goodTenant) comment(ctx context.Context, caseID string, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		g.comments++
		m, _ := model.NewMutation(caseID, model.KindComment, model.CommentPayload{Comment: model.Comment{
			ID: fmt.Sprintf("k-%d", g.comments), At: time.Now().UTC().Truncate(time.Second), By: g.tg.goodUser.ID, Text: "Rückfrage " + strconv.Itoa(g.comments)}})
		g.push(m)
	}
}

// heap samples the process's heap while an attack runs.
type heap struct {
	peakObjects, peakLive atomic.Uint64
}

func (h *heap) run(ctx context.Context) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	for {
		metrics.Read(s)
		if v := s[0].Value.Uint64(); v > h.peakObjects.Load() {
			h.peakObjects.Store(v)
		}
		if v := s[1].Value.Uint64(); v > h.peakLive.Load() {
			h.peakLive.Store(v)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ecdsaCert is a self-signed P-256 certificate for 127.0.0.1, the kind
// "ozgcloud-server init" makes: its handshakes cost a fraction of RSA's, which
// matters when attackers reconnect by the hundred.
func ecdsaCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
