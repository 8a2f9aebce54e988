// Package loadtest runs simulated desktops against the real handler and Service over
// TLS on loopback, once per storage backend, and prints latency percentiles.
//
// `make load` (LOAD=1) runs the load test: 200 devices in 50 tenants (small
// town halls: four PCs each) for 20 s, each pushing about once a second, ten times
// what a busy clerk does.
// Without LOAD a smoke run of a few devices for a second keeps the code working in
// `make test`. LOAD_DEVICES, LOAD_TENANTS, LOAD_SECONDS, LOAD_WARMUP_S,
// LOAD_THINK_MS and LOAD_BACKENDS (bolt,pg) change the run.
//
// Each device behaves like sync/client: it holds an event stream (SSE) open, pulls
// changes from its cursor whenever it is poked, and pushes one mutation at a time
// after a think time (uniform between 0 and twice LOAD_THINK_MS): every tenth push
// creates a case, the others comment on it. Every request is timed from sending to
// the end of the body; requests started in the warm-up (the first 3 s: TLS
// handshakes, database connections, everyone's first pull at once) are not counted.
// An error is a transport error, a status other than 200, or a push result other
// than applied, warm-up or not. At the end every tenant's change log must hold
// exactly one change per applied push.
package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/cloud/pgstore"
	"github.com/ozgcloud/desktop/cloud/pgstore/pgtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

type config struct {
	devices, tenants        int
	duration, think, warmup time.Duration
	backends                []string
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func loadConfig() (config, bool) {
	full := os.Getenv("LOAD") != ""
	c := config{devices: 8, tenants: 2, duration: time.Second, think: 100 * time.Millisecond}
	if full {
		c = config{devices: 200, tenants: 50, duration: 20 * time.Second, think: time.Second, warmup: 3 * time.Second}
	}
	c.warmup = time.Duration(envInt("LOAD_WARMUP_S", int(c.warmup/time.Second))) * time.Second
	c.devices = envInt("LOAD_DEVICES", c.devices)
	c.tenants = min(envInt("LOAD_TENANTS", c.tenants), c.devices)
	c.duration = time.Duration(envInt("LOAD_SECONDS", int(c.duration/time.Second))) * time.Second
	c.think = time.Duration(envInt("LOAD_THINK_MS", int(c.think/time.Millisecond))) * time.Millisecond
	c.backends = []string{"bolt", "pg"}
	if b := os.Getenv("LOAD_BACKENDS"); b != "" {
		c.backends = strings.Split(b, ",")
	}
	return c, full
}

func TestLoad(t *testing.T) {
	cfg, full := loadConfig()
	for _, backend := range cfg.backends {
		t.Run(backend, func(t *testing.T) {
			st := openBackend(t, backend)
			r := run(t, st, cfg)
			fmt.Print(r.report(backend, cfg))
			if full {
				verdict := "met"
				if r.all.p(0.99) > 100*time.Millisecond || r.errors > 0 {
					verdict = "MISSED"
				}
				fmt.Printf("  goal p99 <= 100ms and 0 errors: %s\n", verdict)
			}
			if r.errors > 0 {
				t.Errorf("%d errors, first: %s", r.errors, strings.Join(r.firstErrs, "; "))
			}
		})
	}
}

func openBackend(t *testing.T, backend string) cloud.Storage {
	t.Helper()
	var st cloud.Storage
	var err error
	switch backend {
	case "bolt":
		st, err = boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
	case "pg":
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		st, err = pgstore.Open(ctx, pgtest.URL(t)+os.Getenv("LOAD_PGPARAMS"))
	default:
		t.Fatalf("unknown backend %q (bolt, pg)", backend)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// latencies collects durations of one kind of request.
type latencies []time.Duration

func (l latencies) p(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := append(latencies(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(i, 0)]
}

type result struct {
	from        time.Time // requests that start earlier are warm-up, not counted
	mu          sync.Mutex
	push, pull  latencies
	all         latencies
	errors      int
	firstErrs   []string
	applied     map[string]uint64 // tenant -> applied pushes
	elapsed     time.Duration
	cpu         time.Duration // of this process (clients and server) in the window
	lastChanges map[string]uint64
}

func (r *result) record(kind string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil && time.Now().Add(-d).Before(r.from) {
		return
	}
	if err != nil {
		r.errors++
		if len(r.firstErrs) < 3 {
			r.firstErrs = append(r.firstErrs, err.Error())
		}
		return
	}
	if kind == "push" {
		r.push = append(r.push, d)
	} else {
		r.pull = append(r.pull, d)
	}
	r.all = append(r.all, d)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func (r *result) report(backend string, cfg config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "load %s: %d devices in %d tenants, %s (after %s warm-up), think 0-%s, TLS on loopback\n",
		backend, cfg.devices, cfg.tenants, cfg.duration, cfg.warmup, 2*cfg.think)
	for _, k := range []struct {
		name string
		l    latencies
	}{{"push", r.push}, {"pull", r.pull}, {"all", r.all}} {
		fmt.Fprintf(&b, "  %-5s n=%-6d p50=%-8s p99=%-8s max=%s\n", k.name, len(k.l), ms(k.l.p(0.5)), ms(k.l.p(0.99)), ms(k.l.p(1)))
	}
	fmt.Fprintf(&b, "  %.0f requests/s, %d errors; process CPU %.1f s (%.2f ms per request, clients and server)\n",
		float64(len(r.all))/r.elapsed.Seconds(), r.errors, r.cpu.Seconds(), float64(r.cpu.Microseconds())/1000/float64(max(len(r.all), 1)))
	return b.String()
}

type device struct {
	wire.EnrollResponse
	user   string
	client *http.Client
	base   string
	rng    *rand.Rand
	seq    uint64
	cursor uint64
	caseID string
	cases  int
}

func (d *device) request(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	req.Header.Set("Authorization", "Bearer "+d.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// signIn signs the device's clerk in with cloudtest.Password: with the invitation
// code when there is one, else with the password it set.
func (d *device) signIn(ctx context.Context, code string) error {
	path, body := wire.PathSignIn, any(wire.SignInRequest{User: d.user, Password: cloudtest.Password})
	if code != "" {
		path, body = wire.PathActivate, wire.ActivateRequest{Code: code, Password: cloudtest.Password}
	}
	b, _ := json.Marshal(body)
	status, answer, err := d.request(ctx, "POST", path, b)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("sign in: %v %d %s", err, status, answer)
	}
	return nil
}

// nextMutation is a create every tenth push, else a comment on the device's case.
func (d *device) nextMutation() (model.Mutation, error) {
	d.seq++
	var m model.Mutation
	var err error
	now := time.Now().UTC().Truncate(time.Second)
	if d.caseID == "" || d.seq%10 == 1 {
		d.cases++
		d.caseID = fmt.Sprintf("%s-c%d", d.DeviceID, d.cases)
		c := model.Case{
			ID: d.caseID, OrgUnit: "ou-" + d.Tenant, FileNumber: fmt.Sprintf("LT-2026-%04d-%s", d.cases, d.DeviceCode),
			Type: "GEWERBE", Title: "Gewerbeanmeldung Lasttest", ReceivedAt: now, Channel: model.ChannelCounter,
			Applicant: model.Applicant{Name: "Erika Mustermann"}, Status: model.StatusNeu,
		}
		m, err = model.NewMutation(d.caseID, model.KindCreate, model.CreatePayload{Case: c})
	} else {
		m, err = model.NewMutation(d.caseID, model.KindComment, model.CommentPayload{Comment: model.Comment{
			ID: fmt.Sprintf("%s-k%d", d.DeviceID, d.seq), At: now, By: d.user, Text: "Rückfrage zum Antrag " + strconv.FormatUint(d.seq, 10),
		}})
	}
	m.Device, m.Seq, m.ID, m.User, m.At = d.DeviceID, d.seq, wire.MutationID(d.DeviceID, d.seq), d.user, now
	return m, err
}

func (d *device) push(ctx context.Context, r *result) {
	m, err := d.nextMutation()
	if err != nil {
		r.record("push", 0, err)
		return
	}
	body, err := json.Marshal(cloudtest.Push(m))
	if err != nil {
		r.record("push", 0, err)
		return
	}
	start := time.Now()
	status, b, err := d.request(ctx, "POST", wire.PathPush, body)
	took := time.Since(start)
	if ctx.Err() != nil {
		return // the run ended during the request: neither a sample nor an error
	}
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("push: status %d: %.200s", status, b)
	}
	if err == nil {
		var resp wire.PushResponse
		if resp, err = wire.DecodePushResponse(bytes.NewReader(b), wire.MaxBodyPush); err == nil {
			if len(resp.Results) != 1 || resp.Results[0].Status != wire.StatusApplied {
				err = fmt.Errorf("push: not applied: %.200s", b)
			} else {
				r.mu.Lock()
				r.applied[d.Tenant]++
				r.mu.Unlock()
			}
		}
	}
	r.record("push", took, err)
}

// pull reads pages from the cursor until the server says there is no more.
func (d *device) pull(ctx context.Context, r *result) {
	for {
		start := time.Now()
		status, b, err := d.request(ctx, "GET", fmt.Sprintf("%s?cursor=%d&limit=500", wire.PathChanges, d.cursor), nil)
		took := time.Since(start)
		if ctx.Err() != nil {
			return
		}
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("changes: status %d: %.200s", status, b)
		}
		var page wire.ChangesResponse
		if err == nil {
			if page, err = wire.DecodeChanges(bytes.NewReader(b), int64(len(b))+1); err == nil {
				err = page.ValidateAfter(d.cursor)
			}
		}
		r.record("pull", took, err)
		if err != nil {
			return
		}
		d.cursor = page.Cursor
		if !page.More {
			return
		}
	}
}

// events holds the device's event stream open and pokes on every event line.
func (d *device) events(ctx context.Context, poke chan<- struct{}, r *result) {
	req, err := http.NewRequestWithContext(ctx, "GET", d.base+wire.PathEvents, nil)
	if err != nil {
		r.record("pull", 0, err)
		return
	}
	req.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	req.Header.Set("Authorization", "Bearer "+d.Token)
	resp, err := d.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			r.record("pull", 0, fmt.Errorf("events: %w", err))
		}
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.record("pull", 0, fmt.Errorf("events: status %d", resp.StatusCode))
		return
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data:") {
			select {
			case poke <- struct{}{}:
			default: // a pull is pending already
			}
		}
	}
}

func run(t *testing.T, st cloud.Storage, cfg config) *result {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := cloud.New(st, cloud.Options{Logger: log, Password: cloudtest.CheapParams})
	users := map[string]string{}
	codes := map[string]string{} // invitation code of each tenant's clerk
	for i := 0; i < cfg.tenants; i++ {
		tenant := fmt.Sprintf("gemeinde-%02d", i)
		if _, err := svc.AddTenant(ctx, tenant, "Gemeinde "+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddOrgUnit(ctx, tenant, "ou-"+tenant, "Ordnungsamt"); err != nil {
			t.Fatal(err)
		}
		u, err := svc.AddUser(ctx, tenant, "Anna Amt", model.RoleSachbearbeitung)
		if err != nil {
			t.Fatal(err)
		}
		users[tenant] = u.ID
		if codes[tenant], _, err = svc.Invite(ctx, tenant, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	srv := httptest.NewUnstartedServer(cloud.NewHandler(svc, cloud.HandlerOptions{Logger: log, TempDir: t.TempDir(), Done: done}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	defer close(done)

	devs := make([]*device, cfg.devices)
	for i := range devs {
		tenant := fmt.Sprintf("gemeinde-%02d", i%cfg.tenants)
		code, _, err := svc.NewEnrollment(ctx, tenant)
		if err != nil {
			t.Fatal(err)
		}
		// Every device has its own connections, as separate PCs would.
		tr := srv.Client().Transport.(*http.Transport).Clone()
		d := &device{client: &http.Client{Transport: tr}, base: srv.URL, user: users[tenant],
			rng: rand.New(rand.NewPCG(uint64(i), 42))}
		status, b, err := d.request(ctx, "POST", wire.PathEnroll, []byte(`{"code":"`+code+`"}`))
		if err != nil || status != http.StatusOK {
			t.Fatalf("enroll device %d: %v %d %s", i, err, status, b)
		}
		if d.EnrollResponse, err = wire.DecodeEnrollResponse(bytes.NewReader(b), wire.MaxBodySmall); err != nil {
			t.Fatal(err)
		}
		// The clerk signs in on the PC, as on every desktop, so its pushes count:
		// the first PC of a tenant with the invitation code.
		if err := d.signIn(ctx, codes[tenant]); err != nil {
			t.Fatalf("device %d: %v", i, err)
		}
		delete(codes, tenant)
		devs[i] = d
		t.Cleanup(tr.CloseIdleConnections)
	}

	start := time.Now()
	r := &result{applied: map[string]uint64{}, lastChanges: map[string]uint64{}, from: start.Add(cfg.warmup)}
	runCtx, cancel := context.WithTimeout(ctx, cfg.warmup+cfg.duration)
	defer cancel()
	var wg sync.WaitGroup
	var cpuFrom time.Duration
	go func() {
		// The CPU clock starts with the measured window.
		select {
		case <-time.After(cfg.warmup):
			r.mu.Lock()
			cpuFrom = cpuTime()
			r.mu.Unlock()
		case <-runCtx.Done():
		}
	}()
	for _, d := range devs {
		poke := make(chan struct{}, 1)
		poke <- struct{}{} // the first pull, as after starting the app
		wg.Add(3)
		go func() { defer wg.Done(); d.events(runCtx, poke, r) }()
		go func() {
			defer wg.Done()
			for {
				select {
				case <-runCtx.Done():
					return
				case <-poke:
					d.pull(runCtx, r)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for {
				think := time.Duration(d.rng.Int64N(int64(2*cfg.think) + 1))
				select {
				case <-runCtx.Done():
					return
				case <-time.After(think):
				}
				d.push(runCtx, r)
			}
		}()
	}
	<-runCtx.Done()
	r.elapsed = time.Since(r.from)
	r.mu.Lock()
	r.cpu = cpuTime() - cpuFrom
	r.mu.Unlock()
	wg.Wait()

	// Nothing lost, nothing twice: one change per applied push in each tenant.
	for tenant, n := range r.applied {
		var last uint64
		err := st.View(ctx, tenant, func(tx cloud.TenantTx) error {
			var err error
			last, err = tx.LastChange()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// A push cut off by the end of the run may have committed without its answer.
		if last < n || last > n+uint64(cfg.devices) {
			t.Errorf("%s: %d changes after %d applied pushes", tenant, last, n)
		}
	}
	return r
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
