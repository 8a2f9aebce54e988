package cloud_test

import (
	"encoding/json"
	"fmt"
	"strings"
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
	// Every limit gives the same cases, each once per page, and every case's
	// history chains.
	for _, limit := range []int{1, 2, 7, 31, 500} {
		chs, cursor := e.pullAll(e.a2, 0, limit)
		if cursor != 35 {
			t.Fatalf("limit %d: cursor %d", limit, cursor)
		}
		if limit == 500 && len(chs) != 3 {
			t.Fatalf("one page of 3 cases: %d changes", len(chs))
		}
		hist := map[string][]model.HistoryEntry{}
		view := map[string]model.Case{}
		fold(t, view, chs)
		for _, ch := range chs {
			hist[ch.CaseID] = append(hist[ch.CaseID], ch.History...)
		}
		for id, c := range view {
			if err := model.VerifyHistory(hist[id], c.HistoryHead); err != nil {
				t.Fatalf("limit %d, case %s: %v", limit, id, err)
			}
			if a, b := js(c), js(e.serviceCase(tenantA, id)); a != b {
				t.Fatalf("limit %d, case %s: pulled\n%s\nservice\n%s", limit, id, a, b)
			}
		}
	}
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
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

// TestChangesPageBytes: a page holds about wire.MaxPageBytes of the log, whatever the
// limit, so serving it holds no more than that in memory; a transaction larger than
// that comes whole as a page of its own.
func TestChangesPageBytes(t *testing.T) {
	e := newEnv(t)
	big := func(id string) model.Mutation {
		e.files++
		c := newCase(id, model.FileNumber("BAU", 2026, e.files, e.a1.Code))
		c.Form = []model.FormField{{Name: "beschreibung", Label: "Beschreibung", Value: strings.Repeat("Gartenhaus ", 400_000/11)}}
		return e.mut(e.a1, e.anna, id, model.KindCreate, model.CreatePayload{Case: c}, nil)
	}
	// 25 cases of 400 KB in pushes of their own (10 MB), then one push of 22 (9 MB).
	for i := range 25 {
		e.push(e.a1, big(fmt.Sprintf("case-%02d", i)))
	}
	var batch []model.Mutation
	for i := range 22 {
		batch = append(batch, big(fmt.Sprintf("batch-%02d", i)))
	}
	e.push(e.a1, batch...)

	var cursor uint64
	var pages []int
	for {
		b := check(e.svc.ChangesJSON(e.ctx, e.a2, cursor, wire.MaxLimit))
		var p wire.ChangesResponse
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		if cursor < 25 && len(b) > wire.MaxPageBytes+500_000 {
			t.Fatalf("page after %d: %d bytes, %d changes", cursor, len(b), len(p.Changes))
		}
		pages = append(pages, len(p.Changes))
		cursor = p.Cursor
		if !p.More {
			break
		}
	}
	if cursor != 47 || len(pages) != 3 || pages[len(pages)-1] != 22 {
		t.Fatalf("pages of %v changes up to %d; want pages of about 20 and the batch of 22 whole", pages, cursor)
	}
}
