package sim

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// defaultParams is one seed's size and fault rates in `go test`.
var defaultParams = params{
	steps:         45,
	dropReq:       0.08,
	dropResp:      0.08,
	dup:           0.08,
	delay:         0.06,
	serverCrash:   0.05,
	serverRestart: 0.3,
	clientCrash:   0.08,
	partition:     0.07,
	restore:       0.03,
	clone:         0.01,
}

// result is what one seed's run leaves.
type result struct {
	hash     string
	failures []string
	known    []string // findings of the known bug TestSimLostRejection shows
	trace    []string
	stats    string
}

// runSeed runs one seed in dir.
func runSeed(seed uint64, dir string, p params) result {
	w, err := newWorld(seed, dir, p)
	if err != nil {
		return result{failures: []string{"setup: " + err.Error()}}
	}
	defer w.close()
	for w.step = 1; w.step <= p.steps; w.step++ {
		w.advance(time.Duration(1+w.rng.IntN(600)) * time.Second)
		if w.chance(0.04) {
			// A night or a weekend: grants of a day end.
			w.advance(time.Duration(8+w.rng.IntN(60)) * time.Hour)
			w.tracef("night")
		}
		if w.chance(p.partition) {
			d := w.clients[w.rng.IntN(len(w.clients))]
			d.cutUntil = w.step + 1 + w.rng.IntN(10)
			w.tracef("partition %s until %d", d.name, d.cutUntil)
		}
		d := w.clients[w.rng.IntN(len(w.clients))]
		w.restorePoint(d)
		w.copyPoint(d)
		switch r := w.rng.IntN(100); {
		case r < 8:
			w.meet(d)
		case r < 56:
			w.act(d)
			if w.chance(p.clientCrash) {
				// Between the local commit and the push.
				w.crashDesk(d)
			}
		case r < 62:
			w.switchClerk(d)
		case r < 65:
			w.recordAbsence(d)
		case r < 91:
			w.sync(d)
		case r < 93:
			t := w.tenants[w.rng.IntN(len(w.tenants))]
			if w.srvSnap != nil {
				// An application that arrives after the service's backup is gone
				// from it after a restore but stays on the PCs that pulled it
				// (README: not covered yet): none while a backup may come back.
				w.tracef("intake %s held back", t.id)
				break
			}
			w.intake(t)
		case r < 97:
			w.mu.Lock()
			if len(w.queue) > 0 {
				w.deliverOne()
			}
			w.mu.Unlock()
		default:
			w.crashDesk(d)
		}
	}
	w.step++
	w.quiesce()
	if len(w.failures) == 0 {
		w.check()
	}
	w.summary()
	return result{hash: hex.EncodeToString(w.traceH.Sum(nil)), failures: w.failures, known: w.known, trace: w.trace, stats: w.stats()}
}

// meet has two clerks of d's tenant change fields of the same case, each on their
// own desktop, before either syncs: the stuff conflicts are made of.
func (w *world) meet(d *desk) {
	var other []*desk
	for _, o := range w.clients {
		if o != d && o.tenant == d.tenant {
			other = append(other, o)
		}
	}
	if len(other) == 0 {
		w.act(d)
		return
	}
	o := other[w.rng.IntN(len(other))]
	mine := map[string]bool{}
	for _, id := range d.caseIDs() {
		mine[id] = true
	}
	var both []string
	for _, id := range o.caseIDs() {
		if mine[id] {
			both = append(both, id)
		}
	}
	if len(both) == 0 {
		w.act(d)
		return
	}
	id := both[w.rng.IntN(len(both))]
	w.tracef("meet %s %s on %s", d.name, o.name, id)
	w.actOn(d, id, true)
	w.actOn(o, id, true)
}

func (w *world) crashDesk(d *desk) {
	if err := d.crash(); err != nil {
		w.failf("step %d: crash %s: %v", w.step, d.name, err)
	}
}

// sync runs one round of d's engine.
func (w *world) sync(d *desk) {
	err := d.eng.Sync(w.ctx)
	var we *wire.Error
	switch {
	case err == nil:
		w.tracef("sync %s: ok", d.name)
	case errors.Is(err, client.ErrOffline):
		w.tracef("sync %s: offline", d.name)
		if w.chance(w.p.clientCrash * 2) {
			// The answer was lost (or never came): the PC goes down before it
			// hears what the service did.
			w.crashDesk(d)
		}
	case errors.As(err, &we):
		w.tracef("sync %s: service error", d.name) // reported where it happened
	default:
		w.tracef("sync %s: failed", d.name)
		w.failf("step %d: sync %s: %v", w.step, d.name, err)
	}
}

// quiesce heals every partition, delivers what the network held back, stops all
// faults, and syncs every desktop until a whole round changes nothing.
func (w *world) quiesce() {
	w.p = params{steps: w.p.steps}
	for _, d := range w.clients {
		d.cutUntil = 0
	}
	w.deliverAll()
	w.tracef("quiesce")
	for round := 0; ; round++ {
		if round == 10 {
			w.failf("no quiescence after 10 rounds of syncing every desktop")
			return
		}
		moved := false
		for _, d := range w.clients {
			before, _ := d.db.SyncState()
			if err := d.eng.Sync(w.ctx); err != nil {
				w.failf("quiescence: sync %s: %v", d.name, err)
				return
			}
			after, _ := d.db.SyncState()
			before.LastSync, after.LastSync = time.Time{}, time.Time{}
			if before != after {
				moved = true
			}
		}
		if !moved {
			return
		}
	}
}

// summary adds the end state to the trace, without the IDs and hashes that depend on
// the wall clock.
func (w *world) summary() {
	for _, d := range w.clients {
		s, _ := d.db.SyncState()
		w.tracef("end %s cases %d cursor %d rejected %d conflicts %d crashes %d", d.name, len(d.caseIDs()), s.Cursor, s.Rejected, s.OpenConflicts, d.crashes)
	}
	var ids []string
	for id := range w.outcomes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		w.tracef("outcome %s %s", id, w.outcomes[id])
	}
}

func (w *world) stats() string {
	counts := map[string]int{}
	for _, o := range w.outcomes {
		counts[string(o)]++
	}
	crashes := 0
	for _, d := range w.clients {
		crashes += d.crashes
	}
	total.Lock()
	defer total.Unlock()
	total.made += len(w.made)
	total.applied += counts["applied"]
	total.rejected += counts["rejected"]
	total.conflict += counts["conflict"]
	total.crashes += crashes
	total.restarts += w.srv.count
	if len(w.known) > 0 {
		total.known++
	}
	for k, n := range w.counts {
		total.identity[k] += n
	}
	return fmt.Sprintf("mutations %d (applied %d, rejected %d, conflict %d), desktop crashes %d, service restarts %d; %s",
		len(w.made), counts["applied"], counts["rejected"], counts["conflict"], crashes, w.srv.count, w.identityStats())
}

// simDir is a folder for one run, in memory (/dev/shm) where there is one: the
// simulation crashes by closing files, never by losing the page cache, so what fsync
// and unlink cost on a disk would only slow it down.
func simDir(t *testing.T) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() && os.Getenv("SIM_DISK") == "" {
		dir, err := os.MkdirTemp("/dev/shm", "ozgcloud-sim-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

// total sums what the seeds of one test did, to show that the faults happened.
var total = struct {
	sync.Mutex
	made, applied, rejected, conflict, crashes, restarts, known int
	identity                                                    map[string]int
}{identity: map[string]int{}}

func (w *world) totals() string {
	total.Lock()
	defer total.Unlock()
	return fmt.Sprintf("mutations %d (applied %d, rejected %d, conflict %d), desktop crashes %d, service restarts %d; seeds with a lost rejection (TestSimLostRejection) %d; %s",
		total.made, total.applied, total.rejected, total.conflict, total.crashes, total.restarts, total.known,
		(&world{counts: total.identity}).identityStats())
}

func stepsEnv(p params) string {
	env := ""
	if p.steps != defaultParams.steps {
		env += fmt.Sprintf(" SIM_STEPS=%d", p.steps)
	}
	for _, k := range []string{"SIM_FAULTS", "SIM_CLONE_PENDING", "SIM_SERVICE_RESTORE"} {
		if v := os.Getenv(k); v != "" {
			env += " " + k + "=" + v
		}
	}
	return env
}

func envInt(name string, def uint64) uint64 {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err == nil {
			return n
		}
	}
	return def
}

// TestSim runs 1,000 seeds (SIM_SEEDS=N for more or fewer, SIM_SEED=S for one).
func TestSim(t *testing.T) {
	first, n := uint64(1), envInt("SIM_SEEDS", defaultSeeds)
	if s := os.Getenv("SIM_SEED"); s != "" {
		first, n = envInt("SIM_SEED", 1), 1
	}
	if testing.Short() && os.Getenv("SIM_SEEDS") == "" && os.Getenv("SIM_SEED") == "" {
		n = 50
	}
	// SIM_STEPS makes each seed's run longer (more offline work piling up).
	p := defaultParams
	p.steps = int(envInt("SIM_STEPS", uint64(p.steps)))
	// SIM_FAULTS=K multiplies every fault rate by K (at most 1 each).
	if k := envInt("SIM_FAULTS", 1); k > 1 {
		for _, f := range []*float64{&p.dropReq, &p.dropResp, &p.dup, &p.delay, &p.serverCrash, &p.clientCrash, &p.partition} {
			*f = min(1, *f*float64(k))
		}
	}
	// SIM_CLONE_PENDING=1 clones desktops with changes pending too, and
	// SIM_SERVICE_RESTORE=P backs the service up or restores it with chance P per
	// step: both find what README lists as not covered yet.
	p.clonePending = os.Getenv("SIM_CLONE_PENDING") != ""
	if v := os.Getenv("SIM_SERVICE_RESTORE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("SIM_SERVICE_RESTORE=%q: %v", v, err)
		}
		p.serviceRestore = f
	}
	start := time.Now()
	for seed := first; seed < first+n; seed++ {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			t.Parallel()
			r := runSeed(seed, simDir(t), p)
			if n == 1 || testing.Verbose() && len(r.failures) > 0 {
				t.Logf("seed %d: %s", seed, r.stats)
			}
			if len(r.failures) > 0 {
				if n == 1 {
					t.Logf("trace (last %d lines):\n%s", len(r.trace), strings.Join(r.trace, "\n"))
				}
				t.Errorf("seed %d: %d failures:\n  %s\nreplay: SIM_SEED=%d%s go test ./sync/sim/ -run 'TestSim$' -v",
					seed, len(r.failures), strings.Join(r.failures[:min(len(r.failures), 12)], "\n  "), seed, stepsEnv(p))
			}
		})
	}
	t.Cleanup(func() {
		t.Logf("%d seeds in %v: %s", n, time.Since(start).Round(time.Millisecond), (*world)(nil).totals())
	})
}

// TestSimLostRejection is a bug the simulation found (seed 23 of its first
// version), kept as a scripted scenario: A1's push of mutation 5 is held back by the
// network and the engine gives up on it; the service gets it late and rejects it (a
// deletion request beyond the clerk's role at the service); A1 resends it, the
// service answers "skipped" (the seq is consumed), and AckPush removed it from the
// outbox without a trace, the case still showing the refused status. Fixed by
// store.SettleUnsure, which lists a skipped mutation the change log never names as
// rejected and rebuilds the case from the server's state (for that, the service now
// names a mutation applied without a change in the log too); until then the case
// keeps showing it, as it must when the lost answer said applied (see
// TestLostPushAnswerKeepsOwnWork in sync/e2e). TestSim counts runs that still lose a
// rejection.
func TestSimLostRejection(t *testing.T) {
	w, err := newWorld(1, simDir(t), params{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	a1 := w.clients[0] // head of office here, a clerk at the service
	c, err := a1.db.Create(a1.clerk, model.Case{ID: w.uuid(), Type: "BAU", Title: "Bauantrag", ReceivedAt: w.now(),
		Channel: model.ChannelCounter, Applicant: model.Applicant{Name: a1.tenant.marker + " 1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a1.db.Do(a1.clerk, c.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionVerwerfen}); err != nil {
		t.Fatal(err)
	}
	w.sync(a1)
	if _, err := a1.db.Do(a1.clerk, c.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionLoeschenAnfordern}); err != nil {
		t.Fatal(err)
	}
	w.holdNext = true
	w.sync(a1)     // the push is held back; the engine sees a timeout
	w.deliverAll() // the service rejects it; the answer reaches no one
	w.sync(a1)     // the resent push is answered "skipped"
	if len(w.failures) > 0 {
		t.Fatal(strings.Join(w.failures, "\n"))
	}
	got, err := a1.db.Case(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != model.StatusVerworfen {
		t.Errorf("the desktop shows status %s after the service rejected the deletion request", got.Status)
	}
	rs, err := a1.db.Rejections()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Errorf("known bug: the rejected deletion request is not in the rejected list (%d entries): "+
			"a rejection whose answer was lost is never shown", len(rs))
	}
}

// TestSimDeterministic runs one seed twice: the same trace, to the byte.
func TestSimDeterministic(t *testing.T) {
	seed := envInt("SIM_SEED", 7)
	a := runSeed(seed, simDir(t), defaultParams)
	b := runSeed(seed, simDir(t), defaultParams)
	if a.hash != b.hash {
		for i := range min(len(a.trace), len(b.trace)) {
			if a.trace[i] != b.trace[i] {
				t.Fatalf("seed %d does not replay: first difference\n  %s\n  %s", seed, a.trace[i], b.trace[i])
			}
		}
		t.Fatalf("seed %d does not replay: trace hashes %s and %s", seed, a.hash, b.hash)
	}
	if len(a.trace) < 50 {
		t.Fatalf("trace of %d lines: the simulation did little", len(a.trace))
	}
}
