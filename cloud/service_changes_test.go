package cloud_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

func TestChangesPagesKeepTransactionsWhole(t *testing.T) {
	e := newEnv(t)
	// Three single pushes, then one push of 30 mutations (one transaction), then two
	// more singles: seqs 1-3, 4-33 (Tx 4), 34, 35.
	for i := range 3 {
		e.push(e.a1, e.create(e.a1, e.anna, fmt.Sprintf("case-%d", i)))
	}
	var batch []model.Mutation
	for i := range 30 {
		batch = append(batch, e.mut(e.a1, e.anna, fmt.Sprintf("case-%d", i%3), model.KindComment,
			model.CommentPayload{Comment: model.Comment{ID: fmt.Sprint("c", i), Text: "Notiz"}}, nil))
	}
	e.push(e.a1, batch...)
	for i := range 2 {
		e.push(e.a1, e.mut(e.a1, e.anna, fmt.Sprintf("case-%d", i), model.KindComment,
			model.CommentPayload{Comment: model.Comment{ID: fmt.Sprint("d", i), Text: "Notiz"}}, nil))
	}

	page := func(cursor uint64, limit int) wire.ChangesResponse {
		t.Helper()
		p := check(e.svc.Changes(e.ctx, e.a2, cursor, limit))
		if err := p.ValidateAfter(cursor); err != nil {
			t.Fatal(err)
		}
		return p
	}
	seqs := func(p wire.ChangesResponse) (first, last uint64, n int) {
		return p.Changes[0].Seq, p.Changes[len(p.Changes)-1].Seq, len(p.Changes)
	}
	// The limit falls inside the batch: the page stops before it.
	if p := page(0, 10); p.Cursor != 3 || !p.More || len(p.Changes) != 3 {
		t.Fatalf("page(0,10): cursor %d more %v n %d", p.Cursor, p.More, len(p.Changes))
	}
	// The batch is the first of the page and longer than the limit: it comes whole.
	if p := page(3, 10); p.Cursor != 33 || !p.More {
		f, l, n := seqs(p)
		t.Fatalf("page(3,10): %d..%d (%d)", f, l, n)
	}
	if p := page(33, 10); p.Cursor != 35 || p.More || len(p.Changes) != 2 {
		t.Fatalf("page(33,10): cursor %d more %v", p.Cursor, p.More)
	}
	// At the end: an empty page keeps the cursor and says no more.
	if p := page(35, 10); p.Cursor != 35 || p.More || len(p.Changes) != 0 {
		t.Fatalf("page(35,10): %+v", p)
	}
	// A cursor past the end (a client restored from another server) changes nothing.
	if p := page(99, 10); p.Cursor != 99 || p.More {
		t.Fatalf("page(99,10): %+v", p)
	}
	for _, ch := range page(3, 10).Changes {
		if ch.Tx != 4 {
			t.Fatalf("change %d has Tx %d, want 4", ch.Seq, ch.Tx)
		}
	}
	// Every limit gives the same log, and every case's history chains.
	for _, limit := range []int{1, 2, 7, 31, 500} {
		chs, cursor := e.pullAll(e.a2, 0, limit)
		if len(chs) != 35 || cursor != 35 {
			t.Fatalf("limit %d: %d changes, cursor %d", limit, len(chs), cursor)
		}
		hist := map[string][]model.HistoryEntry{}
		last := map[string]model.Case{}
		for _, ch := range chs {
			hist[ch.CaseID] = append(hist[ch.CaseID], ch.History...)
			last[ch.CaseID] = ch.Case
		}
		for id, c := range last {
			if err := model.VerifyHistory(hist[id], c.HistoryHead); err != nil {
				t.Fatalf("limit %d, case %s: %v", limit, id, err)
			}
		}
	}
}

func TestSubscribeCoalesces(t *testing.T) {
	e := newEnv(t)
	pokes, cancel := e.svc.Subscribe(tenantA)
	defer cancel()
	other, cancelB := e.svc.Subscribe(tenantB)
	defer cancelB()
	for i := range 5 {
		e.push(e.a1, e.create(e.a1, e.anna, fmt.Sprint("case-", i)))
	}
	select {
	case seq := <-pokes:
		if seq != 5 {
			t.Fatalf("poke %d, want the newest (5)", seq)
		}
	case <-time.After(time.Second):
		t.Fatal("no poke")
	}
	select {
	case seq := <-pokes:
		t.Fatalf("second poke %d: not coalesced", seq)
	case seq := <-other:
		t.Fatalf("tenant B poked with %d", seq)
	default:
	}
	cancel()
	cancel()
}
