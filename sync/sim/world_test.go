// Package sim is the deterministic simulation of sync (issue 4): several desktop
// stores (store.DB with the real sync/client engine) and the central service
// (cloud.Service on cloud/boltstore) in one process, connected by a fake network that
// drops, duplicates, delays and reorders requests and partitions clients, with crash
// points on both sides and seeded random clerk actions; clerks sign in and out,
// online or offline with the grants their desktop holds, grants end during
// partitions, and clerks stand in for absent ones (identity_test.go). At quiescence
// it checks the promises of DESIGN.md (Sync, Who acted). Everything random comes from one seed, so a failing
// seed replays exactly: SIM_SEED=S go test ./sync/sim/ -run TestSim -v
package sim

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// params size one seed's run; sized so that 1,000 seeds take well under a minute on
// two cores.
type params struct {
	steps int // clerk actions and sync steps before quiescence
	// Probabilities of the network's and the crash points' faults, per call.
	dropReq, dropResp, dup, delay, serverCrash, serverRestart, clientCrash float64
	partition                                                              float64 // per step
	// restore is the chance per step that a desktop's data folder is backed up or,
	// when it has a backup, restored from it; clone that a desktop's data folder is
	// copied to another PC (only with nothing pending unless clonePending);
	// serviceRestore that the service's storage is backed up or, when it has a
	// backup, restored from it (restore_test.go).
	restore, clone, serviceRestore float64
	clonePending                   bool
}

// world is one seed's simulation.
type world struct {
	seed uint64
	p    params
	dir  string
	ctx  context.Context

	// mu serializes everything the fake network touches: the engine's pull fetches
	// the next page in a goroutine while it writes the current one.
	mu    sync.Mutex
	rng   *rand.Rand
	clock atomic.Int64 // unix nanoseconds; moved only between steps
	step  int

	srv     *server
	tenants []*tenant
	clients []*desk
	queue   []delayed // requests held back in the network
	// holdNext makes the network hold back the next write (scripted scenarios).
	holdNext bool

	// What the simulation knows independently of the parts under test.
	blobs    map[string][]byte          // sha -> content, every blob made
	blobTen  map[string]string          // sha -> tenant
	outcomes map[string]wire.PushStatus // mutation ID -> the one non-skipped outcome
	twice    []string                   // mutation IDs with two outcomes
	heard    map[string]bool            // mutation IDs whose outcome reached their desktop
	reasons  map[string]string          // mutation ID -> the reason of its rejection
	// known lists findings of the known bug TestSimLostRejection shows: a rejection
	// whose answer was lost is never shown to the clerk.
	known []string
	// Who acted (identity_test.go): the grant windows the service issued each
	// desktop per clerk, as the simulation saw the sign-ins reach the service, the
	// absences it recorded per tenant, and the key that signs grants.
	windows  map[string][]window
	absences map[string][]recorded
	judged   map[string]int // mutation ID -> tick when the service decided it
	tick     int            // counts service decisions and recorded absences, in order
	grantKey ed25519.PublicKey
	counts   map[string]int          // sign-ins, absences, substitutions: proof that they happened
	made     map[string]madeMutation // mutation ID -> what a clerk did
	intakes  map[string]bool         // case IDs made by intake
	netErr   []string                // unexpected service errors
	traceH   hash.Hash
	trace    []string // the last lines, for a failure report
	ids      map[string]int
	failures []string
	snaps    map[*desk]string // the backups of restorePoint
	asides   int              // made mutations kept under a key of their own
	// restoreRng decides the restore crash points apart from rng, copyRng the
	// clones and the service's backups.
	restoreRng, copyRng *rand.Rand
	srvSnap             *serverSnapshot // the service's backup of copyPoints
	clones              int
}

// madeMutation is a mutation a clerk made, read back from the outbox after the commit.
type madeMutation struct {
	m      model.Mutation
	client *desk
	item   string // ID of the comment, follow-up, message, attachment or decision
}

type tenant struct {
	id, name, orgUnit string
	marker            string // in every applicant name: no other tenant's client may hold it
	users             []model.Clerk
	intake            cloud.IntakeCredential
	nIntake           int
	offline           time.Duration // how long its grants last
}

var quiet = slog.New(slog.DiscardHandler)

func (w *world) now() time.Time { return time.Unix(0, w.clock.Load()).UTC() }

func (w *world) advance(d time.Duration) { w.clock.Add(int64(d)) }

// tracef adds a line to the trace hash. UUIDs (made by the parts under test from
// the wall clock and seeded bits) are replaced by their order of first appearance,
// so the same seed gives the same hash.
func (w *world) tracef(format string, args ...any) {
	line := fmt.Sprintf("%d ", w.step) + fmt.Sprintf(format, args...)
	line = uuidRE.ReplaceAllStringFunc(line, func(s string) string {
		n, ok := w.ids[s]
		if !ok {
			n = len(w.ids) + 1
			w.ids[s] = n
		}
		return fmt.Sprintf("#%d", n)
	})
	w.traceH.Write([]byte(line + "\n"))
	w.trace = append(w.trace, line)
	if len(w.trace) > 400 {
		w.trace = w.trace[len(w.trace)-300:]
	}
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func (w *world) failf(format string, args ...any) {
	w.failures = append(w.failures, fmt.Sprintf(format, args...))
}

// uuid returns a random UUID (version 4 layout) drawn from the seed.
func (w *world) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(w.rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (w *world) chance(p float64) bool { return w.rng.Float64() < p }

// seededReader is an io.Reader of the seed's randomness for the parts under test.
type seededReader struct{ r *rand.ChaCha8 }

func (s seededReader) Read(p []byte) (int, error) { return s.r.Read(p) }

func newSeeded(seed uint64, salt byte) io.Reader {
	var k [32]byte
	for i := 0; i < 8; i++ {
		k[i] = byte(seed >> (8 * i))
	}
	k[31] = salt
	return seededReader{rand.NewChaCha8(k)}
}

// server is the central service with a storage whose commits can be made to fail.
type server struct {
	w     *world
	path  string
	st    *crashStore
	svc   *cloud.Service
	count int // restarts
}

// crashStore is boltstore with a crash point before the commit: when armed, an
// Update runs its whole function and then fails, so bbolt rolls everything back, as
// if the process had died before the commit.
type crashStore struct {
	*boltstore.Store
	armed bool
	fired bool
}

var errServerCrash = errors.New("sim: server crashed before its commit")

func (c *crashStore) Update(ctx context.Context, tenant string, fn func(cloud.TenantTx) error) error {
	return c.Store.Update(ctx, tenant, func(tx cloud.TenantTx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if c.armed {
			c.armed, c.fired = false, true
			return errServerCrash
		}
		return nil
	})
}

func (s *server) open() error {
	st, err := boltstore.Open(s.path)
	if err != nil {
		return err
	}
	st.SetNoSync(true)
	s.st = &crashStore{Store: st}
	s.svc = cloud.New(s.st, cloud.Options{
		Now:      s.w.now,
		Rand:     newSeeded(s.w.seed, byte(100+s.count)),
		Logger:   quiet,
		Password: cloudtest.CheapParams,
	})
	return nil
}

// restart closes and reopens the service's storage: nothing but what was committed
// survives.
func (s *server) restart() error {
	if err := s.st.Store.Close(); err != nil {
		return err
	}
	s.count++
	return s.open()
}

// desk is one desktop PC: a store, its sync engine and its link to the service.
type desk struct {
	w      *world
	name   string
	tenant *tenant
	// clerk is who is signed in (as this desktop knows the clerk, role included),
	// when signedIn; tokens are the grants the desktop holds, by user ID.
	clerk    model.Clerk
	signedIn bool
	tokens   map[string]string
	dir      string
	db       *store.DB
	eng      *client.Client
	link     *link
	ident    store.SyncIdentity
	dev      cloud.Device
	opts     client.Options
	// partitioned until this step (exclusive).
	cutUntil int
	nStore   int
	crashes  int
	origin   *desk // the desktop whose data folder this one's was copied from
}

func (d *desk) openStore() error {
	db, err := store.Open(store.Options{
		Dir: d.dir, Now: d.w.now, Rand: newSeeded(d.w.seed, byte(d.nStore)), NoSync: true, Logger: quiet,
	})
	if err != nil {
		return fmt.Errorf("open store of %s: %w", d.name, err)
	}
	d.nStore++
	d.db = db
	o := d.opts
	o.Store, o.Remote = resyncFails{DB: db, d: d}, d.link
	d.eng = client.New(o)
	return nil
}

// resyncFails is the desktop's store for its engine, failing the run when the engine
// has to pull everything again: a pulled patch that does not fit the state the store
// holds (store.ErrStale) means the store lost track of the server's state.
type resyncFails struct {
	*store.DB
	d *desk
}

func (r resyncFails) ResetSyncCursor() error {
	r.d.w.failf("step %d: %s: a pulled change did not fit its case; the engine pulls everything again", r.d.w.step, r.d.name)
	return r.DB.ResetSyncCursor()
}

// crash closes the store and builds store and engine again, as after the PC lost
// power: whatever the engine held in memory is gone.
func (d *desk) crash() error {
	d.crashes++
	d.w.tracef("crash %s", d.name)
	if err := d.db.Close(); err != nil {
		return err
	}
	return d.openStore()
}

// newWorld sets up the service with two tenants and the desktops: three in tenant A
// (two clerks, one head of office), one in tenant B.
func newWorld(seed uint64, dir string, p params) (*world, error) {
	w := &world{
		seed: seed, p: p, dir: dir, ctx: context.Background(),
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		blobs:    map[string][]byte{},
		blobTen:  map[string]string{},
		outcomes: map[string]wire.PushStatus{},
		heard:    map[string]bool{},
		made:     map[string]madeMutation{},
		intakes:  map[string]bool{},
		traceH:   sha256.New(),
		ids:      map[string]int{},
		reasons:  map[string]string{},
		windows:  map[string][]window{},
		absences: map[string][]recorded{},
		judged:   map[string]int{},
		counts:   map[string]int{},
		snaps:    map[*desk]string{},
	}
	w.clock.Store(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).UnixNano())
	w.srv = &server{w: w, path: filepath.Join(dir, "cloud.db")}
	if err := w.srv.open(); err != nil {
		return nil, err
	}
	svc, ctx := w.srv.svc, w.ctx
	// Musterstadt's grants last a day, so the nights of a run end them, during
	// partitions too; Beispielhausen keeps the default.
	w.tenants = []*tenant{
		{id: "musterstadt", name: "Musterstadt", orgUnit: "ou-bauamt-muster", marker: "Musterstaedter", offline: 24 * time.Hour},
		{id: "beispielhausen", name: "Beispielhausen", orgUnit: "ou-ordnung-beispiel", marker: "Beispielhaeuser", offline: identity.DefaultOfflinePeriod},
	}
	roles := map[string][]model.Role{
		"musterstadt":    {model.RoleSachbearbeitung, model.RoleSachbearbeitung, model.RoleLeitung},
		"beispielhausen": {model.RoleLeitung},
	}
	names := []string{"Anna Amt", "Ben Bau", "Lea Leitung", "Bruno Beispiel"}
	ni := 0
	for _, t := range w.tenants {
		if _, err := svc.AddTenant(ctx, t.id, t.name); err != nil {
			return nil, err
		}
		if _, err := svc.AddOrgUnit(ctx, t.id, t.orgUnit, "Amt "+t.name); err != nil {
			return nil, err
		}
		if err := svc.SetOfflineDays(ctx, t.id, int(t.offline/(24*time.Hour))); err != nil {
			return nil, err
		}
		for _, r := range roles[t.id] {
			u, err := svc.AddUser(ctx, t.id, names[ni], r)
			if err != nil {
				return nil, err
			}
			ni++
			t.users = append(t.users, model.Clerk{ID: u.ID, Name: u.Name, Role: u.Role, OrgUnit: t.orgUnit})
		}
		cred, _, err := svc.AddIntakeCredential(ctx, t.id)
		if err != nil {
			return nil, err
		}
		t.intake = cred
	}
	for i, t := range w.tenants {
		for j, u := range t.users {
			d := &desk{w: w, name: fmt.Sprintf("%c%d", 'A'+i, j+1), tenant: t, clerk: u, tokens: map[string]string{}}
			if i == 0 && j == 0 {
				d.clerk.Role = model.RoleLeitung
			}
			d.dir = filepath.Join(dir, d.name)
			d.link = &link{w: w, d: d}
			d.opts = client.Options{
				Now:       w.now,
				Rand:      func() float64 { return 0.5 },
				PageLimit: 1 + w.rng.IntN(12),
				PushBatch: 1 + w.rng.IntN(6),
				Logger:    quiet,
			}
			if err := d.openStore(); err != nil {
				return nil, err
			}
			if err := d.db.SetMunicipality(store.Municipality{Name: t.name, Tenant: t.id, OrgUnit: t.orgUnit}); err != nil {
				return nil, err
			}
			for _, c := range t.users {
				if c.ID == t.users[0].ID && c.Role == model.RoleSachbearbeitung && t.id == "musterstadt" && j == 0 {
					// This desktop believes its clerk heads the office, which the
					// service does not: what it does beyond her role is rejected.
					c.Role = model.RoleLeitung
				}
				if err := d.db.PutClerk(c); err != nil {
					return nil, err
				}
			}
			code, _, err := svc.NewEnrollment(ctx, t.id)
			if err != nil {
				return nil, err
			}
			resp, err := svc.Enroll(ctx, code)
			if err != nil {
				return nil, err
			}
			d.ident = store.SyncIdentity{Server: "https://sim.invalid", DeviceID: resp.DeviceID, Token: resp.Token,
				Tenant: resp.Tenant, DeviceCode: resp.DeviceCode}
			if err := d.db.Enroll(d.ident); err != nil {
				return nil, err
			}
			if d.dev, err = svc.Authenticate(ctx, resp.Token); err != nil {
				return nil, err
			}
			if w.grantKey, err = wire.GrantKeyBytes(resp.GrantKey); err != nil {
				return nil, err
			}
			// The desktop's own clerk sets a password and signs in there.
			g, err := cloudtest.SignIn(ctx, svc, d.dev, u.ID)
			if err != nil {
				return nil, err
			}
			w.granted(d, u.ID, g)
			d.tokens[u.ID], d.signedIn = g.Grant, true
			d.clerk, err = d.db.Clerk(u.ID)
			if err != nil {
				return nil, err
			}
			w.clients = append(w.clients, d)
		}
	}
	return w, nil
}

func (w *world) close() {
	for _, d := range w.clients {
		if d.db != nil {
			d.db.Close()
		}
	}
	if w.srv.st != nil {
		w.srv.st.Store.Close()
	}
}

func (w *world) tenantOf(id string) *tenant {
	for _, t := range w.tenants {
		if t.id == id {
			return t
		}
	}
	return nil
}

func short(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return strings.ReplaceAll(s, "\n", " ")
}
