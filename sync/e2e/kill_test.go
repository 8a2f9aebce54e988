package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// watchedRemote tells the test when a push is on the wire, so the server can be
// killed during one.
type watchedRemote struct {
	client.Remote
	inFlight atomic.Int32
	started  chan struct{}
	pushes   atomic.Int64
	failed   atomic.Int64

	mu   sync.Mutex
	sent []string // per push attempt: the mutations with their base versions, for failures
}

func (w *watchedRemote) Push(ctx context.Context, req wire.PushRequest) (wire.PushResponse, error) {
	w.mu.Lock()
	for _, m := range req.Mutations {
		if m.Kind == model.KindAssign {
			w.sent = append(w.sent, fmt.Sprintf("push %d: %s seq %d case %s base %v payload %s", w.pushes.Load(), m.ID, m.Seq, m.CaseID, m.Base, m.Payload))
		}
	}
	w.mu.Unlock()
	w.inFlight.Add(1)
	select {
	case w.started <- struct{}{}:
	default:
	}
	resp, err := w.Remote.Push(ctx, req)
	w.inFlight.Add(-1)
	w.pushes.Add(1)
	if err != nil {
		w.failed.Add(1)
	}
	return resp, err
}

// expected is what the writer did to one case, through the store's normal write
// paths: the server must end with exactly this.
type expected struct {
	mutations int // the create and every Do
	comments  []string
	followUps []string
	assignee  string
}

var testClerks = []model.Clerk{
	{Name: "Andrea Krüger", Role: model.RoleLeitung},
	{Name: "Martina Becker", Role: model.RoleSachbearbeitung},
	{Name: "Thomas Schulz", Role: model.RoleSachbearbeitung},
}

// seedFromEnv returns E2E_SEED when set (to replay a run's choices), else a new seed.
func seedFromEnv(t *testing.T) uint64 {
	if v := os.Getenv("E2E_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("E2E_SEED=%q: %v", v, err)
		}
		return s
	}
	return uint64(time.Now().UnixNano())
}

// TestServerKilledDuringPushes is issue 4's process-level crash test: the real
// ozgcloud-server binary is killed with SIGKILL at random moments while a desktop's
// sync engine pushes a stream of clerk actions, at least 30 times during an open
// push, and restarted on the same data folder each time. At the end every action is
// on the server exactly once (the change log names each mutation once; each case's
// history, comments, follow-ups and assignee are exactly what the desktop did), and
// the desktop equals a fresh desktop that pulled everything. The seed (E2E_SEED)
// replays the actions and the kill timing choices (not the scheduler's).
func TestServerKilledDuringPushes(t *testing.T) {
	seed := seedFromEnv(t)
	t.Logf("seed %d (replay the choices with E2E_SEED=%d)", seed, seed)
	defer func() {
		if t.Failed() {
			fmt.Fprintf(os.Stderr, "TestServerKilledDuringPushes failed with E2E_SEED=%d\n", seed)
		}
	}()
	wantKills := 30
	if testing.Short() {
		wantKills = 10
	}
	begin := time.Now()
	srv, clerks := newCloudServer(t, testClerks)
	codeA, codeCheck := srv.enrollCode(), srv.enrollCode()
	srv.start()
	a := newDesktop(t, srv, "", "K1", codeA, clerks)

	r, err := client.Dial(a.id.Server, a.id.Token, client.TLS{Fingerprint: a.id.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	remote := &watchedRemote{Remote: r, started: make(chan struct{}, 1)}
	engineRand := rand.New(rand.NewPCG(seed, 1))
	var randMu sync.Mutex
	eng := client.New(client.Options{
		Store: a.db, Remote: remote,
		Rand: func() float64 {
			randMu.Lock()
			defer randMu.Unlock()
			return engineRand.Float64()
		},
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 150 * time.Millisecond,
		Poll: 300 * time.Millisecond, PushBatch: 50,
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var engWG sync.WaitGroup
	engWG.Go(func() { eng.Run(ctx) })

	// The writer: a clerk's stream of actions, never waiting for the network.
	want := map[string]*expected{}
	var order []string
	stopWriting := make(chan struct{})
	var writerErr error
	var written atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(seed, 2))
		leitung := clerks[0]
		n := 0
		for {
			select {
			case <-stopWriting:
				return
			default:
			}
			n++
			if len(order) == 0 || rng.IntN(100) < 12 {
				c, err := a.db.Create(leitung, newCase(rng, n))
				if err != nil {
					writerErr = fmt.Errorf("create %d: %w", n, err)
					return
				}
				want[c.ID] = &expected{mutations: 1}
				order = append(order, c.ID)
			} else {
				id := order[rng.IntN(len(order))]
				e := want[id]
				var err error
				switch k := rng.IntN(10); {
				case k < 5:
					by := clerks[rng.IntN(len(clerks))]
					cid := fmt.Sprintf("k-%d", n)
					_, err = a.db.Do(by, id, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: cid, By: by.ID, Text: fmt.Sprintf("Vermerk %d", n)}})
					e.comments = append(e.comments, cid)
				case k < 8:
					to := clerks[1+rng.IntN(2)].ID
					_, err = a.db.Do(leitung, id, model.KindAssign, model.AssignPayload{Assignee: to})
					e.assignee = to
				default:
					fid := fmt.Sprintf("f-%d", n)
					due := time.Date(2026, 12, 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
					_, err = a.db.Do(leitung, id, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{ID: fid, Due: due, Reason: "Unterlagen prüfen", By: leitung.ID}})
					e.followUps = append(e.followUps, fid)
				}
				if err != nil {
					writerErr = fmt.Errorf("action %d on %s: %w", n, id, err)
					return
				}
				e.mutations++
			}
			written.Add(1)
			eng.Notify()
			time.Sleep(time.Duration(rng.IntN(6000)) * time.Microsecond)
		}
	})

	// The killer: wait for a push on the wire, let it run a random moment, SIGKILL,
	// stay down a random while (the engine backs off and retries), restart.
	rng := rand.New(rand.NewPCG(seed, 3))
	kills, duringPush := 0, 0
	for duringPush < wantKills && kills < 4*wantKills {
		select {
		case <-remote.started:
		case <-time.After(30 * time.Second):
			t.Fatalf("no push for 30 s after %d kills (writer: %v)", kills, writerErr)
		}
		time.Sleep(time.Duration(rng.IntN(4000)) * time.Microsecond)
		inPush := remote.inFlight.Load() > 0
		srv.kill()
		kills++
		if inPush {
			duringPush++
		}
		time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
		srv.start()
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		// A push that started before the restart is not the one to kill.
		select {
		case <-remote.started:
		default:
		}
	}
	close(stopWriting)
	wg.Wait()
	if writerErr != nil {
		t.Fatal(writerErr)
	}
	if duringPush < wantKills {
		t.Fatalf("only %d of %d kills hit an open push", duringPush, kills)
	}

	// Quiescence: the engine empties the outbox against the last server.
	deadline := time.Now().Add(45 * time.Second)
	for {
		st := eng.Status()
		if st.Pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not empty after the kills: %+v\n%s", st, srv.logs())
		}
		eng.SyncNow()
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	engWG.Wait()
	if err := eng.Sync(context.Background()); err != nil {
		t.Fatalf("final sync: %v", err)
	}

	total := 0
	for _, e := range want {
		total += e.mutations
	}
	t.Logf("%d kills (%d during an open push), %d server starts, %d clerk actions on %d cases, %d pushes (%d failed)",
		kills, duringPush, srv.starts, total, len(want), remote.pushes.Load(), remote.failed.Load())
	if int(written.Load()) != total {
		t.Fatalf("writer counted %d actions, expected has %d", written.Load(), total)
	}

	if rej, err := a.db.Rejections(); err != nil || len(rej) != 0 {
		t.Fatalf("rejected changes %+v (%v)", rej, err)
	}
	if cf, err := a.db.Conflicts(false); err != nil || len(cf) != 0 {
		// One desktop's actions, one after the other, never conflict with each other.
		for _, c := range cf {
			t.Errorf("conflict on %s: mutation %s, server value %s, client value %s", c.CaseID, c.MutationID, c.ServerValue, c.ClientValue)
			hist, _ := a.db.History(c.CaseID)
			for _, h := range hist {
				t.Logf("  history %d %s %s %s", h.Seq, h.Kind, h.Summary, h.Mutation)
			}
			remote.mu.Lock()
			for _, l := range remote.sent {
				if strings.Contains(l, c.CaseID) {
					t.Logf("  %s", l)
				}
			}
			remote.mu.Unlock()
		}
		t.Fatalf("%d conflicts (%v)", len(cf), err)
	}

	// The server's change log names every mutation exactly once.
	check := newDesktop(t, srv, "", "K2", codeCheck, clerks)
	seen := changeLogMutations(t, check)
	for m, n := range seen {
		if n != 1 {
			t.Errorf("mutation %s is %d times in the server's change log", m, n)
		}
	}
	if len(seen) != total {
		t.Errorf("server's change log names %d mutations, the desktop made %d", len(seen), total)
	}

	// A fresh desktop pulls everything: each case is what the writer did, once.
	ce, err := client.ForStore(check.db, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ce.Sync(context.Background()); err != nil {
		t.Fatalf("checker sync: %v", err)
	}
	if n := check.db.CaseCount(); n != len(want) {
		t.Errorf("server has %d cases, the desktop created %d", n, len(want))
	}
	for _, id := range order {
		e := want[id]
		c, err := check.db.Case(id)
		if err != nil {
			t.Errorf("case %s missing on the server: %v", id, err)
			continue
		}
		hist, err := check.db.History(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != e.mutations {
			t.Errorf("case %s: %d history entries on the server, %d actions", id, len(hist), e.mutations)
		}
		muts := map[string]bool{}
		for _, h := range hist {
			if h.Mutation == "" || muts[h.Mutation] || seen[h.Mutation] != 1 {
				t.Errorf("case %s: history entry %d names mutation %q (twice, or not once in the log)", id, h.Seq, h.Mutation)
			}
			muts[h.Mutation] = true
		}
		if got := commentIDs(c); !slices.Equal(got, e.comments) {
			t.Errorf("case %s: comments %v, wrote %v", id, got, e.comments)
		}
		if got := followUpIDs(c); !slices.Equal(got, e.followUps) {
			t.Errorf("case %s: follow-ups %v, wrote %v", id, got, e.followUps)
		}
		if c.Assignee != e.assignee {
			t.Errorf("case %s: assignee %q, last assigned %q", id, c.Assignee, e.assignee)
		}
		if ja, jc := caseJSON(t, a.db, id), caseJSON(t, check.db, id); ja != jc {
			t.Errorf("case %s differs between the desktop and the server:\n%s\n%s", id, ja, jc)
		}
		ha, _ := a.db.History(id)
		if !slices.Equal(ha, hist) {
			t.Errorf("case %s: history differs between the desktop and the server", id)
		}
	}
	for _, db := range []*store.DB{a.db, check.db} {
		if err := db.Check(); err != nil {
			t.Fatal(err)
		}
	}
	srv.stop()
	t.Logf("took %v", time.Since(begin).Round(time.Millisecond))
}

// changeLogMutations reads the tenant's whole change log with d's token and counts
// the mutation each change names.
func changeLogMutations(t *testing.T, d *desktop) map[string]int {
	t.Helper()
	r, err := client.Dial(d.id.Server, d.id.Token, client.TLS{Fingerprint: d.id.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var cursor uint64
	for {
		page, err := r.Changes(context.Background(), cursor, 1000)
		if err != nil {
			t.Fatalf("changes after %d: %v", cursor, err)
		}
		for _, ch := range page.Changes {
			for _, id := range ch.Mutations {
				seen[id]++
			}
		}
		cursor = page.Cursor
		if !page.More {
			return seen
		}
	}
}
