package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// dump returns every key and value of every bucket, to compare the whole file.
func dump(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"/"+string(k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustCreate(t *testing.T, db *DB, c model.Case) model.Case {
	t.Helper()
	out, err := db.Create(clerkAnna, c)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return out
}

func mustDo(t *testing.T, db *DB, actor model.Clerk, id string, kind model.MutationKind, p any) model.Case {
	t.Helper()
	c, err := db.Do(actor, id, kind, p)
	if err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
	return c
}

func mustCheck(t *testing.T, db *DB) {
	t.Helper()
	if err := db.Check(); err != nil {
		t.Fatalf("check: %v", err)
	}
}

func TestCreateCommitsEverything(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	c := mustCreate(t, db, newTestCase("BAU", "Jürgen Köhler", testNow.Add(-48*time.Hour)))
	if c.ID == "" || c.FileNumber != "BAU-2026-0001-A7" || c.Status != model.StatusNeu {
		t.Fatalf("created %+v", c)
	}
	if c.Tenant != "t-muster" || c.OrgUnit != "ou-1" {
		t.Errorf("tenant/org unit from municipality: %q %q", c.Tenant, c.OrgUnit)
	}
	if c.TargetDeadline == nil || !c.TargetDeadline.Equal(time.Date(2026, 6, 6, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("target deadline %v", c.TargetDeadline)
	}
	if c.HistoryHead.Seq != 1 || c.Version != 1 {
		t.Errorf("head %+v version %d", c.HistoryHead, c.Version)
	}
	got, err := db.Case(c.ID)
	if err != nil || got.FileNumber != c.FileNumber {
		t.Fatalf("read back: %v %+v", err, got)
	}
	if byFN, err := db.CaseByFileNumber(c.FileNumber); err != nil || byFN.ID != c.ID {
		t.Fatalf("by file number: %v", err)
	}
	h, err := db.History(c.ID)
	if err != nil || len(h) != 1 || h[0].Kind != string(model.KindCreate) || h[0].By != clerkAnna.ID {
		t.Fatalf("history %v %+v", err, h)
	}
	ob, _ := db.Outbox(0, 0)
	if len(ob) != 1 || ob[0].Kind != model.KindCreate || ob[0].CaseID != c.ID || h[0].Mutation != ob[0].ID {
		t.Fatalf("outbox %+v", ob)
	}
	p := db.List(index.Query{Text: "kohl"})
	if p.Total != 1 || p.Rows[0].ID != c.ID {
		t.Fatalf("search: %+v", p)
	}
	mustCheck(t, db)
}

func TestDoCommitsEverything(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	c := mustCreate(t, db, newTestCase("GEWERBE", "Käthe Groß", testNow.Add(-24*time.Hour)))
	due := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	legal := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	signed := testNow
	steps := []struct {
		actor   model.Clerk
		kind    model.MutationKind
		payload any
		base    map[string]uint64
		check   func(c model.Case) bool
	}{
		{clerkAnna, model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen},
			map[string]uint64{model.FieldStatus: 0}, func(c model.Case) bool { return c.Status == model.StatusAngenommen }},
		{clerkAnna, model.KindAssign, model.AssignPayload{Assignee: clerkAnna.ID},
			map[string]uint64{model.FieldAssignee: 0}, func(c model.Case) bool { return c.Assignee == clerkAnna.ID }},
		{clerkAnna, model.KindTransition, model.TransitionPayload{Action: model.ActionBearbeiten},
			map[string]uint64{model.FieldStatus: 1}, func(c model.Case) bool { return c.Status == model.StatusInBearbeitung }},
		{clerkAnna, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Rückfrage gestellt"}},
			nil, func(c model.Case) bool { return len(c.Comments) == 1 }},
		{clerkAnna, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{ID: "f1", Due: due, Reason: "Nachweis"}},
			nil, func(c model.Case) bool { return c.NextFollowUp() != nil }},
		{clerkAnna, model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"},
			nil, func(c model.Case) bool { return c.NextFollowUp() == nil }},
		{clerkAnna, model.KindMessage, model.MessagePayload{Message: model.Message{ID: "m1", Direction: model.MessageOutgoing, State: model.MessagePending, Subject: "Nachweis", Body: "Bitte senden Sie uns ..."}},
			nil, func(c model.Case) bool { return len(c.Messages) == 1 }},
		{clerkAnna, model.KindAttachment, model.AttachmentPayload{Attachment: model.Attachment{ID: "a1", Name: "plan.pdf", SHA256: strings.Repeat("ab", 32), Size: 3}},
			nil, func(c model.Case) bool { return len(c.Attachments) == 1 }},
		{clerkAnna, model.KindDeadline, model.DeadlinePayload{Field: model.FieldLegalDeadline, Date: &legal},
			map[string]uint64{model.FieldLegalDeadline: 0}, func(c model.Case) bool { return c.LegalDeadline != nil }},
		{clerkAnna, model.KindDecision, model.DecisionPayload{Decision: model.DecisionInfo{ID: "d1", Title: "Gewerbeschein", SignedAt: &signed}},
			nil, func(c model.Case) bool { return c.HasSignedDecision() }},
		{clerkClaudi, model.KindAssign, model.AssignPayload{Assignee: clerkBernd.ID},
			map[string]uint64{model.FieldAssignee: 1}, func(c model.Case) bool { return c.Assignee == clerkBernd.ID }},
		{clerkBernd, model.KindTransition, model.TransitionPayload{Action: model.ActionBescheiden},
			map[string]uint64{model.FieldStatus: 2}, func(c model.Case) bool { return c.Status == model.StatusBeschieden }},
	}
	for i, s := range steps {
		before := dump(t, db)
		next := mustDo(t, db, s.actor, c.ID, s.kind, s.payload)
		if !s.check(next) {
			t.Fatalf("step %d %s: case not changed: %+v", i, s.kind, next)
		}
		if next.Version != c.Version+1 || next.HistoryHead.Seq != c.HistoryHead.Seq+1 {
			t.Fatalf("step %d: version %d head %+v", i, next.Version, next.HistoryHead)
		}
		after := dump(t, db)
		changed := map[string]bool{}
		for k, v := range after {
			if before[k] != v {
				changed[strings.SplitN(k, "/", 2)[0]] = true
			}
		}
		// The row is rewritten only when the list shows something new; Check
		// compares it with the case below.
		for _, b := range []string{"cases", "history", "outbox", "meta"} {
			if !changed[b] {
				t.Errorf("step %d %s: bucket %s unchanged", i, s.kind, b)
			}
		}
		ob, _ := db.Outbox(uint64(i+1), 0)
		if len(ob) != 1 {
			t.Fatalf("step %d: outbox after %d has %d", i, i+1, len(ob))
		}
		m := ob[0]
		if m.Kind != s.kind || m.CaseID != c.ID || m.User != s.actor.ID || m.Seq != uint64(i+2) ||
			m.ID != fmt.Sprintf("%s:%d", db.DeviceID(), i+2) || m.Device != db.DeviceID() {
			t.Errorf("step %d: mutation %+v", i, m)
		}
		if !maps.Equal(m.Base, s.base) {
			t.Errorf("step %d %s: base %v, want %v", i, s.kind, m.Base, s.base)
		}
		h, _ := db.History(c.ID)
		last := h[len(h)-1]
		if last.Mutation != m.ID || last.Kind != string(s.kind) || last.ByName != s.actor.Name || !last.At.Equal(m.At) {
			t.Errorf("step %d: history %+v", i, last)
		}
		r, _ := db.index().Get(c.ID)
		if want := index.RowOf(&next, map[string]string{"": "", clerkAnna.ID: clerkAnna.Name, clerkBernd.ID: clerkBernd.Name}[next.Assignee]); !r.Equal(want) {
			t.Errorf("step %d: in-memory row %+v", i, r)
		}
		mustCheck(t, db)
		c = next
	}
	h, _ := db.History(c.ID)
	if h[2].Summary != "Zugewiesen an Anna Schmidt" {
		t.Errorf("assign summary %q", h[2].Summary)
	}
	if n, err := db.VerifyHistory(c.ID); err != nil || n != len(steps)+1 {
		t.Errorf("verify: %d %v", n, err)
	}
}

func TestRefusedChangesNothing(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	c := mustCreate(t, db, newTestCase("HUND", "Sören Weiß", testNow))
	closed := mustCreate(t, db, newTestCase("MELDE", "Olga Braun", testNow))
	for _, a := range []model.Action{model.ActionAnnehmen, model.ActionBearbeiten, model.ActionAbschliessen} {
		closed = mustDo(t, db, clerkAnna, closed.ID, model.KindTransition, model.TransitionPayload{Action: a})
	}
	cases := []struct {
		name    string
		do      func() error
		wantErr error
	}{
		{"transition not allowed now", func() error {
			_, err := db.Do(clerkAnna, c.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionBearbeiten})
			return err
		}, model.ErrNotAllowedNow},
		{"role not permitted", func() error {
			_, err := db.Do(clerkAnna, closed.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionLoeschenAnfordern})
			return err
		}, model.ErrRoleNotPermitted},
		{"decide without decision", func() error {
			_, err := db.Do(clerkAnna, closed.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionBescheiden})
			return err
		}, model.ErrNotAllowedNow},
		{"unknown action", func() error {
			_, err := db.Do(clerkAnna, c.ID, model.KindTransition, model.TransitionPayload{Action: "zaubern"})
			return err
		}, model.ErrUnknownAction},
		{"empty comment", func() error {
			_, err := db.Do(clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k", Text: "  "}})
			return err
		}, model.ErrInvalid},
		{"follow-up without date", func() error {
			_, err := db.Do(clerkAnna, c.ID, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{ID: "f", Reason: "x"}})
			return err
		}, model.ErrInvalid},
		{"unknown follow-up", func() error {
			_, err := db.Do(clerkAnna, c.ID, model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "nope"})
			return err
		}, model.ErrNotFound},
		{"unknown deadline field", func() error {
			_, err := db.Do(clerkAnna, c.ID, model.KindDeadline, model.DeadlinePayload{Field: "x"})
			return err
		}, model.ErrInvalid},
		{"assign a case held by someone else", func() error {
			if _, err := db.Do(clerkBernd, closed.ID, model.KindAssign, model.AssignPayload{Assignee: clerkBernd.ID}); err != nil {
				return fmt.Errorf("setup: %v", err)
			}
			before := dump(t, db)
			_, err := db.Do(clerkAnna, closed.ID, model.KindAssign, model.AssignPayload{Assignee: clerkClaudi.ID})
			if d := diff(before, dump(t, db)); d != "" {
				return fmt.Errorf("changed: %s", d)
			}
			return err
		}, model.ErrRoleNotPermitted},
		{"unknown case", func() error {
			_, err := db.Do(clerkAnna, "no-such-case", model.KindComment, model.CommentPayload{Comment: model.Comment{Text: "x"}})
			return err
		}, ErrNotFound},
		{"create via Do", func() error {
			_, err := db.Do(clerkAnna, c.ID, model.KindCreate, model.CreatePayload{})
			return err
		}, model.ErrUnknownAction},
		{"create without name", func() error {
			_, err := db.Create(clerkAnna, newTestCase("BAU", " ", testNow))
			return err
		}, model.ErrInvalid},
		{"create with unknown type", func() error {
			_, err := db.Create(clerkAnna, newTestCase("RAKETE", "Hans Wolf", testNow))
			return err
		}, model.ErrInvalid},
		{"create with an existing file number", func() error {
			in := newTestCase("BAU", "Hans Wolf", testNow)
			in.FileNumber = c.FileNumber
			_, err := db.Create(clerkAnna, in)
			return err
		}, ErrDuplicateFileNumber},
		{"create with an existing ID", func() error {
			in := newTestCase("BAU", "Hans Wolf", testNow)
			in.ID = c.ID
			_, err := db.Create(clerkAnna, in)
			return err
		}, ErrExists},
		{"import with one bad case", func() error {
			good := Import{Case: newTestCase("BAU", "Ida Lange", testNow)}
			bad := Import{Case: newTestCase("BAU", "Uwe Lange", testNow), Steps: []Step{
				{Actor: clerkAnna, Kind: model.KindTransition, Payload: model.TransitionPayload{Action: model.ActionAbschliessen}}}}
			return db.Import([]Import{good, bad}, systemClerk)
		}, model.ErrNotAllowedNow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := dump(t, db)
			n, pending := db.CaseCount(), db.List(index.Query{Limit: 500})
			err := tc.do()
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.name == "assign a case held by someone else" {
				return // compared inside, after its own setup write
			}
			if d := diff(before, dump(t, db)); d != "" {
				t.Fatalf("store changed: %s", d)
			}
			if db.CaseCount() != n || db.List(index.Query{Limit: 500}).Total != pending.Total {
				t.Fatalf("index changed")
			}
			mustCheck(t, db)
		})
	}
	var ve *model.ValidationError
	_, err := db.Create(clerkAnna, newTestCase("BAU", "", testNow))
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields["applicant.name"] == "" {
		t.Errorf("validation error should name only the missing field: %v", err)
	}
}

func diff(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			out = append(out, "removed "+k)
		} else if w != v {
			out = append(out, "changed "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "added "+k)
		}
	}
	return strings.Join(out, ", ")
}

func TestFileNumbers(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	seen := map[string]bool{}
	last := map[string]int{}
	add := func(fn string) {
		if seen[fn] {
			t.Fatalf("file number %s twice", fn)
		}
		seen[fn] = true
		prefix, year, seq, dev, ok := parseFileNumber(fn)
		if !ok || dev != "A7" {
			t.Fatalf("bad file number %s", fn)
		}
		k := fmt.Sprintf("%s-%d", prefix, year)
		if int(seq) != last[k]+1 {
			t.Fatalf("%s: seq %d after %d", fn, seq, last[k])
		}
		last[k] = int(seq)
	}
	years := []time.Time{testNow, testNow.AddDate(-1, 0, 0), time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)}
	for i := 0; i < 30; i++ {
		ct := model.CaseTypes[i%3]
		c := mustCreate(t, db, newTestCase(ct.Code, "Paul Klein", years[i%len(years)]))
		add(c.FileNumber)
	}
	// 2025-12-31 23:30 UTC is already 2026 in Berlin.
	if last["HST-2026"] != 10 || last["HST-2025"] != 0 || last["BAU-2025"] != 10 {
		t.Errorf("years: %v", last)
	}
	var batch []Import
	for i := 0; i < 20; i++ {
		batch = append(batch, Import{Case: newTestCase(model.CaseTypes[i%2].Code, "Ida Wolf", testNow)})
	}
	if err := db.Import(batch, systemClerk); err != nil {
		t.Fatal(err)
	}
	p := db.List(index.Query{Text: "wolf", Limit: 500, Sort: index.SortFileNumber})
	for _, r := range p.Rows {
		add(r.FileNumber)
	}
	// A file number taken by a case from elsewhere is skipped, not reused.
	next := fmt.Sprintf("BAU-2026-%04d-A7", last["BAU-2026"]+1)
	in := newTestCase("BAU", "Rita Koch", testNow)
	in.FileNumber = next
	mustCreate(t, db, in)
	c := mustCreate(t, db, newTestCase("BAU", "Rita Koch", testNow))
	if want := fmt.Sprintf("BAU-2026-%04d-A7", last["BAU-2026"]+2); c.FileNumber != want {
		t.Errorf("after a taken number: %s, want %s", c.FileNumber, want)
	}
	mustCheck(t, db)
	other, err := Open(Options{Dir: t.TempDir(), Device: "B2"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	oc, err := other.Create(clerkAnna, newTestCase("BAU", "Rita Koch", testNow))
	if err != nil || oc.FileNumber != "BAU-2026-0001-B2" {
		t.Errorf("second device: %v %s", err, oc.FileNumber)
	}
}

func TestImport(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	batches := synthBatches(7, 500, 100, testNow)
	for _, b := range batches {
		if err := db.Import(b, systemClerk); err != nil {
			t.Fatal(err)
		}
	}
	if db.CaseCount() != 500 {
		t.Fatalf("count %d", db.CaseCount())
	}
	if n, _ := db.PendingCount(); n != 0 {
		t.Errorf("import wrote %d outbox entries", n)
	}
	mustCheck(t, db)
	p := db.List(index.Query{Statuses: []model.Status{model.StatusInBearbeitung}, Limit: 1})
	if p.Total == 0 {
		t.Fatal("no case in work")
	}
	h, err := db.History(p.Rows[0].ID)
	if err != nil || len(h) < 5 || h[0].Kind != string(model.KindCreate) || h[0].By != systemClerk.ID {
		t.Fatalf("history %v %+v", err, h)
	}
	c, _ := db.Case(p.Rows[0].ID)
	if !h[0].At.Equal(c.ReceivedAt) || !c.CreatedAt.Equal(c.ReceivedAt) {
		t.Errorf("create recorded at %v, received %v", h[0].At, c.ReceivedAt)
	}
	if due, _ := db.DueFollowUps(testNow); len(due) == 0 {
		t.Error("no due follow-ups among imported cases")
	}
}

func TestPutClerkRenamesRows(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	c := mustCreate(t, db, newTestCase("BAU", "Jonas Bauer", testNow))
	mustDo(t, db, clerkAnna, c.ID, model.KindAssign, model.AssignPayload{Assignee: "c-new"})
	if r, _ := db.index().Get(c.ID); r.AssigneeName != "c-new" {
		t.Fatalf("unknown clerk shown as %q", r.AssigneeName)
	}
	if err := db.PutClerk(model.Clerk{ID: "c-new", Name: "Neue Kollegin", Role: model.RoleSachbearbeitung}); err != nil {
		t.Fatal(err)
	}
	if r, _ := db.index().Get(c.ID); r.AssigneeName != "Neue Kollegin" {
		t.Fatalf("after put: %q", r.AssigneeName)
	}
	renamed := clerkAnna
	renamed.Name = "Anna Schmidt-Lange"
	mustDo(t, db, clerkAnna, c.ID, model.KindAssign, model.AssignPayload{Assignee: clerkAnna.ID})
	if err := db.PutClerk(renamed); err != nil {
		t.Fatal(err)
	}
	if r, _ := db.index().Get(c.ID); r.AssigneeName != renamed.Name {
		t.Fatalf("after rename: %q", r.AssigneeName)
	}
	mustCheck(t, db)
	cl, err := db.Clerks()
	if err != nil || len(cl) != 6 || cl[0].ID != clerkAnna.ID {
		t.Errorf("clerks %v %+v", err, cl)
	}
	if err := db.PutClerk(model.Clerk{ID: "x"}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("invalid clerk: %v", err)
	}
	if _, err := db.Clerk("nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing clerk: %v", err)
	}
}

func TestOutbox(t *testing.T) {
	dir := t.TempDir()
	db, _ := openTest(t, dir)
	setupTest(t, db)
	var ids []string
	for i := 0; i < 5; i++ {
		c := mustCreate(t, db, newTestCase("MELDE", fmt.Sprintf("Person %d", i), testNow))
		ids = append(ids, c.ID)
		mustDo(t, db, clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k", Text: "Hinweis"}})
	}
	all, err := db.Outbox(0, 0)
	if err != nil || len(all) != 10 {
		t.Fatalf("outbox %v %d", err, len(all))
	}
	for i, m := range all {
		if m.Seq != uint64(i+1) || m.ID != fmt.Sprintf("%s:%d", db.DeviceID(), i+1) || m.CaseID != ids[i/2] {
			t.Fatalf("entry %d: %+v", i, m)
		}
		if i > 0 && m.At.Before(all[i-1].At) {
			t.Fatalf("entry %d earlier than the one before", i)
		}
	}
	page, _ := db.Outbox(3, 4)
	if len(page) != 4 || page[0].Seq != 4 || page[3].Seq != 7 {
		t.Fatalf("page %+v", page)
	}
	if n, _ := db.PendingCount(); n != 10 {
		t.Fatalf("pending %d", n)
	}
	devID := db.DeviceID()
	db.Close()
	db, _ = openTest(t, dir)
	defer db.Close()
	if db.DeviceID() != devID {
		t.Fatal("device ID changed on reopen")
	}
	mustDo(t, db, clerkAnna, ids[0], model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k2", Text: "Noch einer"}})
	last, _ := db.Outbox(10, 0)
	if len(last) != 1 || last[0].Seq != 11 {
		t.Fatalf("seq after reopen: %+v", last)
	}
	if n, err := db.AckOutbox(4); err != nil || n != 4 {
		t.Fatalf("ack: %d %v", n, err)
	}
	if rest, _ := db.Outbox(0, 0); len(rest) != 7 || rest[0].Seq != 5 {
		t.Fatalf("after ack: %d entries", len(rest))
	}
	if n, _ := db.AckOutbox(100); n != 7 {
		t.Fatalf("ack all: %d", n)
	}
	if n, _ := db.PendingCount(); n != 0 {
		t.Fatalf("pending after ack %d", n)
	}
	mustDo(t, db, clerkAnna, ids[1], model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k3", Text: "Nach dem Senden"}})
	if ob, _ := db.Outbox(0, 0); len(ob) != 1 || ob[0].Seq != 12 {
		t.Fatalf("seq after an empty outbox: %+v", ob)
	}
	mustCheck(t, db)
}

func TestDueFollowUps(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	a := mustCreate(t, db, newTestCase("BAU", "Greta Hartmann", testNow))
	b := mustCreate(t, db, newTestCase("HUND", "Felix Jäger", testNow))
	add := func(id, fid string, due time.Time) {
		mustDo(t, db, clerkAnna, id, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{ID: fid, Due: due, Reason: "Prüfen " + fid}})
	}
	add(a.ID, "a1", day(3, 12))
	add(b.ID, "b1", day(3, 5))
	add(a.ID, "a2", day(3, 11))
	add(b.ID, "b2", day(3, 13))
	add(a.ID, "a3", day(1, 2))
	mustDo(t, db, clerkAnna, a.ID, model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "a3"})
	ids := func(today time.Time) string {
		due, err := db.DueFollowUps(today)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, d := range due {
			s = append(s, d.FollowUp.ID)
			if d.FileNumber == "" || d.Applicant == "" {
				t.Errorf("incomplete %+v", d)
			}
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		today time.Time
		want  string
	}{
		{time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC), ""},
		{time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC), "b1"},
		{time.Date(2026, 3, 11, 23, 30, 0, 0, time.UTC), "b1,a2,a1"}, // already March 12 in Berlin
		{time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC), "b1,a2,a1,b2"},
	} {
		if got := ids(tc.today); got != tc.want {
			t.Errorf("due on %v: %q, want %q", tc.today, got, tc.want)
		}
	}
	mustCheck(t, db)
}

func TestCaseNotFound(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	for _, err := range []error{
		func() error { _, err := db.Case("x"); return err }(),
		func() error { _, err := db.CaseByFileNumber("x"); return err }(),
		func() error { _, err := db.History("x"); return err }(),
		func() error { _, err := db.VerifyHistory("x"); return err }(),
		func() error { _, err := db.Municipality(); return err }(),
		func() error { _, err := db.Draft("c-anna", "x"); return err }(),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	}
}

func TestIndexKeepsCommitOrderAfterImport(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	for _, b := range synthBatches(5, 300, 150, testNow) {
		if err := db.Import(b, systemClerk); err != nil {
			t.Fatal(err)
		}
	}
	// No read has built the index yet; a clerk action on an imported case must win.
	c, err := db.CaseByFileNumber(fmt.Sprintf("BAU-%d-0001-A7", testNow.Year()))
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, db, clerkClaudi, c.ID, model.KindAssign, model.AssignPayload{Assignee: clerkDieter.ID})
	if r, ok := db.index().Get(c.ID); !ok || r.AssigneeName != clerkDieter.Name {
		t.Fatalf("row after import and assign: %+v", r)
	}
	mustCheck(t, db)

	dup := newTestCase("BAU", "Ida Lange", testNow)
	dup.ID = "0190aaaa-0000-7000-8000-000000000001"
	if err := db.Import([]Import{{Case: dup}, {Case: dup}}, systemClerk); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate ID in a batch: %v", err)
	}
	dup2 := newTestCase("BAU", "Ida Lange", testNow)
	dup2.FileNumber = "BAU-2020-0001-X1"
	dup3 := dup2
	if err := db.Import([]Import{{Case: dup2}, {Case: dup3}}, systemClerk); !errors.Is(err, ErrDuplicateFileNumber) {
		t.Errorf("duplicate file number in a batch: %v", err)
	}
	if db.CaseCount() != 300 {
		t.Errorf("count %d", db.CaseCount())
	}
	mustCheck(t, db)
}

// A caller-given file number of this device's pattern raises the counter: the next
// drawn number comes after it and Check finds no lagging counter.
func TestCreateWithGivenFileNumberRaisesCounter(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	clerk := model.Clerk{ID: "anna", Name: "Anna", Role: model.RoleSachbearbeitung}
	if err := db.PutClerk(clerk); err != nil {
		t.Fatal(err)
	}
	received := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	given := model.Case{Type: "BAU", Title: "Carport", ReceivedAt: received, Channel: model.ChannelPost,
		Applicant: model.Applicant{Name: "Erika Muster"}, FileNumber: "BAU-2026-0042-A7"}
	if _, err := db.Create(clerk, given); err != nil {
		t.Fatal(err)
	}
	next := given
	next.FileNumber = ""
	c, err := db.Create(clerk, next)
	if err != nil {
		t.Fatal(err)
	}
	if c.FileNumber != "BAU-2026-0043-A7" {
		t.Errorf("next number %s, want BAU-2026-0043-A7", c.FileNumber)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestDoCleansAttachmentNames: every file added to a case by hand has its name
// cleaned in Do, and the outbox carries the cleaned name to the other PCs.
// Regression for finding 8 of issue 11 on the desktop: "gnp.\u202eexe.pdf" shows as
// "...fdp.exe" disguised as a picture.
func TestDoCleansAttachmentNames(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	c := mustCreate(t, db, newTestCase("GEWERBE", "Käthe Groß", testNow.Add(-24*time.Hour)))
	for i, tc := range []struct{ name, want string }{
		{"gnp.\u202eexe.pdf", "gnp.exe.pdf"},
		{`C:\Users\käthe\Grundriss Ä.pdf`, "Grundriss Ä.pdf"},
		{"\u200b\u2066", "Anlage"},
	} {
		next := mustDo(t, db, clerkAnna, c.ID, model.KindAttachment, model.AttachmentPayload{Attachment: model.Attachment{
			ID: fmt.Sprint("a", i), Name: tc.name, SHA256: strings.Repeat("ab", 32), Size: 3}})
		if got := next.Attachments[i].Name; got != tc.want {
			t.Errorf("%q stored as %q, want %q", tc.name, got, tc.want)
		}
		ob, _ := db.Outbox(0, 0)
		var p model.AttachmentPayload
		if err := json.Unmarshal(ob[len(ob)-1].Payload, &p); err != nil || p.Attachment.Name != tc.want {
			t.Errorf("outbox payload of %q: %q %v", tc.name, p.Attachment.Name, err)
		}
		h, _ := db.History(c.ID)
		if s := h[len(h)-1].Summary; strings.ContainsRune(s, '\u202e') || !strings.Contains(s, tc.want) {
			t.Errorf("history %q", s)
		}
	}
}

// A substitute hands on the absent clerk's case: the outbox names the absent clerk,
// the history both, and the holder rule lets the substitute do what only the
// holder may.
func TestDoForSubstitute(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	c := mustCreate(t, db, newTestCase("BAU", "Jürgen Köhler", testNow.Add(-48*time.Hour)))
	mustDo(t, db, clerkAnna, c.ID, model.KindAssign, model.AssignPayload{Assignee: clerkAnna.ID})
	if _, err := db.Do(clerkBernd, c.ID, model.KindAssign, model.AssignPayload{Assignee: clerkClaudi.ID}); !errors.Is(err, model.ErrRoleNotPermitted) {
		t.Fatalf("bernd hands on anna's case in his own right: %v", err)
	}
	got, err := db.DoFor(clerkBernd, clerkAnna.ID, c.ID, model.KindAssign, model.AssignPayload{Assignee: clerkClaudi.ID})
	if err != nil || got.Assignee != clerkClaudi.ID {
		t.Fatalf("bernd for anna: %+v %v", got.Assignee, err)
	}
	ob, _ := db.Outbox(0, 0)
	if last := ob[len(ob)-1]; last.User != clerkBernd.ID || last.OnBehalfOf != clerkAnna.ID {
		t.Errorf("outbox %+v", last)
	}
	h, _ := db.History(c.ID)
	if last := h[len(h)-1]; last.By != clerkBernd.ID || last.ByName != "Bernd Müller in Vertretung für Anna Schmidt" {
		t.Errorf("history %+v", last)
	}
	mustCheck(t, db)
}
