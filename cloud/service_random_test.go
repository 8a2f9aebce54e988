package cloud_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// TestRandomPushesAndPulls drives two devices of one tenant with seeded random clerk
// actions, pushes windows of their outboxes that repeat, overlap and leave gaps, and
// pulls with random page sizes. It checks that every mutation gets exactly one final
// outcome, that the log replayed from scratch with any page size ends in the
// service's own cases, and that every case's history chains.
func TestRandomPushesAndPulls(t *testing.T) {
	seeds := 8
	if testing.Short() {
		seeds = 2
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { randomRun(t, uint64(seed)) })
	}
}

type simDevice struct {
	d      cloud.Device
	users  []cloud.User
	outbox []model.Mutation
	view   map[string]model.Case // as last pulled
	cursor uint64
	done   map[uint64]wire.PushStatus
}

func randomRun(t *testing.T, seed uint64) {
	e := newEnv(t)
	r := rand.New(rand.NewPCG(seed, 7))
	devs := []*simDevice{
		{d: e.a1, users: []cloud.User{e.anna, e.lea}, view: map[string]model.Case{}, done: map[uint64]wire.PushStatus{}},
		{d: e.a2, users: []cloud.User{e.ben, e.lea}, view: map[string]model.Case{}, done: map[uint64]wire.PushStatus{}},
	}
	ncase := 0
	act := func(sd *simDevice) {
		u := sd.users[r.IntN(len(sd.users))]
		var ids []string
		for id := range sd.view {
			ids = append(ids, id)
		}
		if len(ids) == 0 || r.IntN(8) == 0 {
			ncase++
			id := fmt.Sprintf("case-%s-%d", sd.d.Code, ncase)
			sd.outbox = append(sd.outbox, e.mut(sd.d, u, id, model.KindCreate,
				model.CreatePayload{Case: newCase(id, fmt.Sprintf("BAU-2026-%04d-%s", ncase, sd.d.Code))}, nil))
			return
		}
		slices.Sort(ids) // map order is random; the seed alone decides
		id := ids[r.IntN(len(ids))]
		c := sd.view[id]
		base := func(f string) map[string]uint64 { return map[string]uint64{f: c.Versions[f]} }
		var m model.Mutation
		switch r.IntN(5) {
		case 0:
			who := []string{"", e.anna.ID, e.ben.ID, e.lea.ID}[r.IntN(4)]
			m = e.mut(sd.d, u, id, model.KindAssign, model.AssignPayload{Assignee: who}, base(model.FieldAssignee))
		case 1:
			a := model.Transitions[r.IntN(len(model.Transitions))].Action
			m = e.mut(sd.d, u, id, model.KindTransition, model.TransitionPayload{Action: a}, base(model.FieldStatus))
		case 2:
			d := t0.AddDate(0, 0, r.IntN(60))
			m = e.mut(sd.d, u, id, model.KindDeadline, model.DeadlinePayload{Field: model.FieldLegalDeadline, Date: &d}, base(model.FieldLegalDeadline))
		default:
			m = e.mut(sd.d, u, id, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: fmt.Sprint("c", r.Uint64()), Text: "Notiz"}}, nil)
		}
		sd.outbox = append(sd.outbox, m)
	}
	push := func(sd *simDevice) {
		if len(sd.outbox) == 0 {
			return
		}
		// A window that may start before what the service has (a lost answer) or
		// after it (a gap).
		from := max(0, r.IntN(len(sd.outbox)+1)-1)
		if r.IntN(4) == 0 {
			from = 0
		}
		to := min(len(sd.outbox), from+1+r.IntN(6))
		resp := e.push(sd.d, sd.outbox[from:to]...)
		for _, res := range resp.Results {
			if res.Status == wire.StatusSkipped {
				if _, ok := sd.done[res.Seq]; !ok {
					t.Fatalf("seq %d skipped without an outcome", res.Seq)
				}
				continue
			}
			if prev, ok := sd.done[res.Seq]; ok {
				t.Fatalf("seq %d decided twice: %s then %s", res.Seq, prev, res.Status)
			}
			sd.done[res.Seq] = res.Status
		}
		// The client drops what the service has consumed; a lost answer keeps all.
		if r.IntN(5) > 0 {
			keep := sd.outbox[:0]
			for _, m := range sd.outbox {
				if m.Seq > resp.LastSeq {
					keep = append(keep, m)
				}
			}
			sd.outbox = keep
		}
	}
	pull := func(sd *simDevice) {
		chs, cursor := e.pullAll(sd.d, sd.cursor, 1+r.IntN(20))
		fold(t, sd.view, chs)
		sd.cursor = cursor
	}
	for range 150 {
		sd := devs[r.IntN(2)]
		switch r.IntN(4) {
		case 0, 1:
			act(sd)
		case 2:
			push(sd)
		case 3:
			pull(sd)
		}
		e.now = e.now.Add(time.Minute)
	}
	for _, sd := range devs {
		for len(sd.outbox) > 0 {
			resp := e.push(sd.d, sd.outbox...)
			for _, res := range resp.Results {
				if res.Status != wire.StatusSkipped {
					sd.done[res.Seq] = res.Status
				}
			}
			keep := sd.outbox[:0]
			for _, m := range sd.outbox {
				if m.Seq > resp.LastSeq {
					keep = append(keep, m)
				}
			}
			sd.outbox = keep
		}
		for seq := uint64(1); seq <= e.seq[sd.d.ID]; seq++ {
			if _, ok := sd.done[seq]; !ok {
				t.Fatalf("device %s seq %d has no outcome", sd.d.Code, seq)
			}
		}
	}
	// Replay the whole log with a page size of its own and compare with the service.
	chs, _ := e.pullAll(e.a1, 0, 1+r.IntN(50))
	last := map[string]model.Case{}
	hist := map[string][]model.HistoryEntry{}
	fold(t, last, chs)
	for _, ch := range chs {
		hist[ch.CaseID] = append(hist[ch.CaseID], ch.History...)
	}
	err := e.store.View(e.ctx, tenantA, func(tx cloud.TenantTx) error {
		for id, c := range last {
			want, err := cloud.ReadCase(tx, id)
			if err != nil {
				return err
			}
			if h, err := tx.CaseHead(id); err != nil || js(h) != js(head(want)) {
				return fmt.Errorf("case %s: head %s, the whole case %s (%v)", id, js(h), js(want), err)
			}
			a, _ := json.Marshal(c)
			b, _ := json.Marshal(want)
			if string(a) != string(b) {
				return fmt.Errorf("case %s: log ends in\n%s\nservice has\n%s", id, a, b)
			}
			h, err := tx.History(id)
			if err != nil {
				return err
			}
			if err := model.VerifyHistory(h, want.HistoryHead); err != nil {
				return fmt.Errorf("case %s stored history: %w", id, err)
			}
			if err := model.VerifyHistory(hist[id], c.HistoryHead); err != nil {
				return fmt.Errorf("case %s history from the log: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := map[wire.PushStatus]int{}
	for _, sd := range devs {
		for _, s := range sd.done {
			n[s]++
		}
	}
	t.Logf("%d cases, %d changes, outcomes %v", len(last), len(chs), n)
}

func head(c model.Case) model.Case {
	c.Comments, c.Messages = nil, nil
	return c
}
