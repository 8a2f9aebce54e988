package store

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// takeOne waits for exactly one change on s and fails on none or more.
func takeOne(t *testing.T, s *Subscription) Change {
	t.Helper()
	select {
	case <-s.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("no change published")
	}
	got := s.Take()
	if len(got) != 1 {
		t.Fatalf("%d changes published, want 1: %+v", len(got), got)
	}
	return got[0]
}

func noChange(t *testing.T, s *Subscription, what string) {
	t.Helper()
	if got := s.Take(); len(got) != 0 {
		t.Fatalf("%s published %+v", what, got)
	}
}

func headOf(t *testing.T, db *DB, id string) model.HistoryHead {
	t.Helper()
	c, err := db.Case(id)
	if err != nil {
		t.Fatal(err)
	}
	return c.HistoryHead
}

// TestFeedOneChangePerTransaction: each way a case is written publishes exactly one
// change with the IDs and history heads of the cases written: a clerk's action, a
// mail import (a batch of three mails), a pulled page, an import (the intake of many
// cases at once), a push answer that undoes a refused change, a renamed clerk. What
// writes no case, or is refused, publishes nothing.
func TestFeedOneChangePerTransaction(t *testing.T) {
	db := enrolledStore(t)
	sub := db.Subscribe()
	defer sub.Close()

	c := mustCreate(t, db, newTestCase("BAU", "Jürgen Köhler", testNow))
	if ch := takeOne(t, sub); !slices.Equal(ch.IDs(), []string{c.ID}) || ch.Cases[0].Head != c.HistoryHead || !ch.Outbox {
		t.Errorf("create: %+v", ch)
	}
	c = mustDo(t, db, clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Notiz"}})
	if ch := takeOne(t, sub); !slices.Equal(ch.IDs(), []string{c.ID}) || ch.Cases[0].Head != c.HistoryHead || !ch.Outbox {
		t.Errorf("clerk action: %+v", ch)
	}
	if _, err := db.Do(clerkAnna, c.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionBescheiden}); err == nil {
		t.Fatal("a transition not allowed now went through")
	}
	noChange(t, sub, "a refused action")

	// A mail import: two new cases and a message on the case above, one transaction.
	var mails []MailImport
	for i, name := range []string{"Erika Mustermann", "Max Mustermann"} {
		nc := newTestCase("SONSTIGES", name, testNow)
		mails = append(mails, MailImport{New: &nc, Entry: MailEntry{Folder: "INBOX", Validity: 1, UID: uint32(i + 1), SHA256: strings.Repeat(string(rune('a'+i)), 64), At: testNow}})
	}
	mails = append(mails, MailImport{CaseID: c.ID, Message: model.Message{Direction: model.MessageIncoming, State: model.MessageReceived, Subject: "Nachtrag", Body: "Anbei die Unterlagen."},
		Entry: MailEntry{Folder: "INBOX", Validity: 1, UID: 3, SHA256: strings.Repeat("c", 64), At: testNow}})
	ids, err := db.ImportMails(clerkAnna, mails)
	if err != nil {
		t.Fatal(err)
	}
	if ch := takeOne(t, sub); !slices.Equal(ch.IDs(), ids) || !ch.Outbox || ch.Cases[2].Head != headOf(t, db, c.ID) {
		t.Errorf("mail import of %v: %+v", ids, ch)
	}
	if _, err := db.ImportMails(clerkAnna, mails); err != nil {
		t.Fatal(err)
	}
	noChange(t, sub, "mails imported before")

	// A pulled page with two cases new to this PC, one of them changed twice.
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Käthe Jäger")
	s.intake("case-2", "BAU-2026-0002-S1", "Jörg Schäfer")
	s.do(clerkBernd, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k2", Text: "Rückfrage"}})
	if _, err := db.ApplyPulled(s.pageAfter(0, 0)); err != nil {
		t.Fatal(err)
	}
	ch := takeOne(t, sub)
	if !slices.Equal(ch.IDs(), []string{"case-1", "case-2"}) || ch.Outbox || ch.Cases[0].Head != s.cases["case-1"].HistoryHead {
		t.Errorf("pulled page: %+v", ch)
	}
	if _, err := db.ApplyPulled(s.pageAfter(0, 0)); err != nil {
		t.Fatal(err)
	}
	noChange(t, sub, "a page applied before")

	// An import (the intake of a batch, as the demo data and a bulk load do it).
	batch := synthBatches(7, 40, 40, testNow)[0]
	if err := db.Import(batch, systemClerk); err != nil {
		t.Fatal(err)
	}
	if ch := takeOne(t, sub); len(ch.Cases) != 40 || ch.Outbox {
		t.Errorf("import of 40: %d cases, outbox %v", len(ch.Cases), ch.Outbox)
	}

	// A push answer that refuses a change undoes it on the case (Bernd finished the
	// follow-up first, so Anna's finishing it is refused).
	s.do(clerkBernd, "case-1", model.KindFollowUpAdd, followUp("f1"))
	if _, err := db.ApplyPulled(s.pageAfter(3, 0)); err != nil {
		t.Fatal(err)
	}
	takeOne(t, sub)
	mustDo(t, db, clerkAnna, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	takeOne(t, sub)
	s.do(clerkBernd, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	if err := db.AckPush(s.push(db)); err != nil {
		t.Fatal(err)
	}
	if ch := takeOne(t, sub); !slices.Equal(ch.IDs(), []string{"case-1"}) || ch.Outbox || ch.Cases[0].Head != headOf(t, db, "case-1") {
		t.Errorf("push answer with a refusal: %+v", ch)
	}

	// A clerk renamed: the rows of their cases change, not the cases.
	mustDo(t, db, clerkAnna, c.ID, model.KindAssign, model.AssignPayload{Assignee: clerkBernd.ID})
	takeOne(t, sub)
	var berndsCases []string
	for _, r := range db.List(index.Query{Assignee: clerkBernd.ID, Limit: index.MaxLimit}).Rows {
		berndsCases = append(berndsCases, r.ID)
	}
	renamed := clerkBernd
	renamed.Name = "Bernd Müller-Lüdenscheidt"
	if err := db.PutClerk(renamed); err != nil {
		t.Fatal(err)
	}
	ch = takeOne(t, sub)
	got := ch.IDs()
	slices.Sort(got)
	slices.Sort(berndsCases)
	if !slices.Contains(got, c.ID) || !slices.Equal(got, berndsCases) || ch.Cases[0].Head != (model.HistoryHead{}) || ch.Outbox {
		t.Errorf("renamed clerk: %v, want %v", ch, berndsCases)
	}

	// Settings and the municipality are no case.
	if err := db.SetIdleLock(time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := db.PutDraft(clerkAnna.ID, c.ID, DecisionDraft{TemplateID: "ablehnung"}); err != nil {
		t.Fatal(err)
	}
	noChange(t, sub, "settings")

	// A closed subscription gets nothing more.
	sub.Close()
	mustDo(t, db, clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k3", Text: "später"}})
	noChange(t, sub, "a closed subscription")
}

// TestFeedSubscribersSeeTheIndex: when a subscriber takes a change, the store's reads
// already show it, although subscribers run on their own goroutines, racing the
// writer: the k-th case created is listed when its change is taken.
func TestFeedSubscribersSeeTheIndex(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	const n = 200
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		behind int
		taken  = make(chan struct{}, 2*n)
	)
	for range 2 {
		sub := db.Subscribe()
		k := 0
		wg.Go(func() {
			_ = sub.Run(ctx, func(c Change) {
				k++
				if db.List(listQuery("")).Total < k {
					mu.Lock()
					behind++
					mu.Unlock()
				}
				taken <- struct{}{}
			})
		})
	}
	for range n {
		mustCreate(t, db, newTestCase("BAU", "Jürgen Köhler", testNow))
	}
	for i := range 2 * n {
		select {
		case <-taken:
		case <-time.After(10 * time.Second):
			t.Fatalf("subscribers took %d of %d changes", i, 2*n)
		}
	}
	cancel()
	wg.Wait()
	if behind > 0 {
		t.Errorf("%d changes taken before the list showed their case", behind)
	}
}
