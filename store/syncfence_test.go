package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// Two cases of the service with one file number (a duplicate stored before the
// service checked) do not stop the pull: both are stored, the pages after them
// too, and the clerk is told the number. Before, ApplyPulled failed with
// ErrDuplicateFileNumber at that page on every PC, for good.
func TestPulledDuplicateFileNumber(t *testing.T) {
	s := newFakeServer(t)
	db := enrolledStore(t)
	s.intake("case-a", "BAU-2026-0001-SV", "Erika Mustermann")
	s.intake("case-b", "BAU-2026-0001-SV", "Hans Weiß")
	s.intake("case-c", "BAU-2026-0002-SV", "Luisa Brandt")
	pull(t, s, db)
	for _, id := range []string{"case-a", "case-b", "case-c"} {
		mustCase(t, db, id)
	}
	st, err := db.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	if st.Notice != NoticeDuplicate || st.NoticeDetail != "BAU-2026-0001-SV" {
		t.Errorf("notice %q, detail %q", st.Notice, st.NoticeDetail)
	}
	if err := db.Check(); err != nil {
		t.Errorf("the store does not check out: %v", err)
	}
	// The number still finds the first case; a case entered here may not take it.
	c := newTestCase("BAU", "Neu", testNow)
	c.FileNumber = "BAU-2026-0001-SV"
	if _, err := db.Create(clerkAnna, c); err == nil {
		t.Error("a local case took the duplicated number")
	}
}

// RenumberOutbox moves the outbox above the service's seq under a new incarnation
// that replaces the old one, renames the history entries and keeps the chains
// sealed, and the seq counter continues above.
func TestRenumberOutbox(t *testing.T) {
	db := enrolledStore(t)
	c, err := db.Create(clerkAnna, newTestCase("BAU", "Erika Mustermann", testNow))
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"eins", "zwei"} {
		if _, err := db.Do(clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k-" + text, Text: text, By: clerkAnna.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	before, err := db.SyncFence()
	if err != nil || before.Incarnation == "" || before.Acked != 0 {
		t.Fatalf("fence %+v, %v", before, err)
	}
	if n, err := db.RenumberOutbox(10, NoticeRestored); err != nil || n != 3 {
		t.Fatalf("renumbered %d: %v", n, err)
	}
	out, err := db.Outbox(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range out {
		if m.Seq != uint64(11+i) || m.ID != model.MutationID(testIdentity.DeviceID, m.Seq) {
			t.Errorf("mutation %d: seq %d, id %s", i, m.Seq, m.ID)
		}
	}
	after, err := db.SyncFence()
	if err != nil || after.Incarnation == before.Incarnation || after.Replaces != before.Incarnation || after.Acked != 10 {
		t.Errorf("fence after %+v (before %+v), %v", after, before, err)
	}
	if err := db.Check(); err != nil {
		t.Errorf("the store does not check out: %v", err)
	}
	got := mustCase(t, db, c.ID)
	hist, err := db.History(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hist {
		if h.Mutation != "" && !strings.HasSuffix(h.Mutation, ":11") && !strings.HasSuffix(h.Mutation, ":12") && !strings.HasSuffix(h.Mutation, ":13") {
			t.Errorf("history entry names %s", h.Mutation)
		}
	}
	if len(got.Comments) != 2 {
		t.Errorf("comments %v", got.Comments)
	}
	if _, err := db.Do(clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k-drei", Text: "drei", By: clerkAnna.ID}}); err != nil {
		t.Fatal(err)
	}
	if out, _ := db.Outbox(13, 0); len(out) != 1 || out[0].Seq != 14 {
		t.Errorf("the next mutation after renumbering: %+v", out)
	}
	st, _ := db.SyncState()
	if st.Notice != NoticeRestored {
		t.Errorf("notice %q, want %q", st.Notice, NoticeRestored)
	}
}

// An acknowledgement keeps the seq counter at least at the service's LastSeq: a
// store restored from a backup numbers its next mutations after what the service
// consumed.
func TestAckRaisesSeqCounter(t *testing.T) {
	db := enrolledStore(t)
	c, err := db.Create(clerkAnna, newTestCase("BAU", "Erika Mustermann", testNow))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AckPush(PushAck{LastSeq: 7, Results: []PushOutcome{{Seq: 1, Outcome: OutcomeApplied}}}); err != nil {
		t.Fatal(err)
	}
	if f, err := db.SyncFence(); err != nil || f.Acked != 7 {
		t.Fatalf("fence %+v, %v", f, err)
	}
	if _, err := db.Do(clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "x", By: clerkAnna.ID}}); err != nil {
		t.Fatal(err)
	}
	if out, _ := db.Outbox(0, 0); len(out) != 1 || out[0].Seq != 8 {
		t.Errorf("after an acknowledgement of 7 the next seq is %+v", out)
	}
}

// A page appended by a run of the service this store has not seen asks for a
// probe (a restart, or a restore behind the cursor); runs it has seen do not, so
// several instances of the service, each with its own epoch, cost one probe each.
func TestNewEpochAsksForProbe(t *testing.T) {
	s := newFakeServer(t)
	db := enrolledStore(t)
	probe := func() bool {
		t.Helper()
		f, err := db.SyncFence()
		if err != nil {
			t.Fatal(err)
		}
		return f.Probe
	}
	for i, tt := range []struct {
		epoch string
		want  bool
	}{{"run-a", true}, {"run-b", true}, {"run-a", false}, {"", false}, {"run-c", true}} {
		s.intake(fmt.Sprintf("case-%d", i), fmt.Sprintf("BAU-2026-%04d-SV", i+1), "Erika Mustermann")
		cur, _ := db.SyncCursor()
		p := s.pageAfter(cur, 0)
		p.Epoch = tt.epoch
		if _, err := db.ApplyPulled(p); err != nil {
			t.Fatal(err)
		}
		if got := probe(); got != tt.want {
			t.Errorf("page %d with epoch %q: probe %v, want %v", i, tt.epoch, got, tt.want)
		}
		if err := db.ProbeDone(); err != nil {
			t.Fatal(err)
		}
		if e, _ := db.SyncEpoch(); e != tt.epoch {
			t.Errorf("page %d: epoch stored %q, want %q", i, e, tt.epoch)
		}
	}
}

// A case the service refused (its file number was taken) is entered again with a
// new number, as a new case, and leaves the rejected list; anything else listed
// there is not a case to enter again.
func TestRecreateRejected(t *testing.T) {
	db := enrolledStore(t)
	c, err := db.Create(clerkAnna, newTestCase("BAU", "Erika Mustermann", testNow))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Do(clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "x", By: clerkAnna.ID}}); err != nil {
		t.Fatal(err)
	}
	err = db.AckPush(PushAck{LastSeq: 2, Results: []PushOutcome{
		{Seq: 1, Outcome: OutcomeRejected, Reason: "Das Aktenzeichen " + c.FileNumber + " hat schon ein anderer Vorgang."},
		{Seq: 2, Outcome: OutcomeRejected, Reason: "Vorgang unbekannt."},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecreateRejected(clerkAnna, 2); !errors.Is(err, ErrNotFound) {
		t.Errorf("a rejected comment entered again: %v", err)
	}
	if _, err := db.RecreateRejected(clerkAnna, 9); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown rejection: %v", err)
	}
	again, err := db.RecreateRejected(clerkAnna, 1)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID == c.ID || again.FileNumber == c.FileNumber || again.Title != c.Title || again.Applicant.Name != c.Applicant.Name {
		t.Errorf("entered again as %s %s %q, was %s %s %q", again.ID, again.FileNumber, again.Title, c.ID, c.FileNumber, c.Title)
	}
	if rs, _ := db.Rejections(); len(rs) != 1 || rs[0].Mutation.Seq != 2 {
		t.Errorf("rejections left: %+v", rs)
	}
	if out, _ := db.Outbox(0, 0); len(out) != 1 || out[0].Kind != model.KindCreate || out[0].CaseID != again.ID {
		t.Errorf("outbox %+v", out)
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
}

// A case made here whose creation the service has not accepted (still in the
// outbox, or refused) holds a file number the service gave to another case (a
// restored or copied data folder numbered it): the service's case, pulled, takes
// the number here and no duplicate at the service is reported, since there is
// none; the case made here stays. Before, the clerk was told to have the
// administration clean up a duplicate in the OZG-Cloud, and that note replaced
// the one about the copied data folder.
func TestPulledNumberOfCaseMadeHere(t *testing.T) {
	s := newFakeServer(t)
	db := enrolledStore(t)
	mine, err := db.Create(clerkAnna, newTestCase("BAU", "Erika Mustermann", testNow))
	if err != nil {
		t.Fatal(err)
	}
	s.intake("case-service", mine.FileNumber, "Hans Weiß")
	pull(t, s, db)
	st, err := db.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	if st.Notice != "" {
		t.Errorf("notice %q (%q): the service holds no duplicate", st.Notice, st.NoticeDetail)
	}
	got, err := db.CaseByFileNumber(mine.FileNumber)
	if err != nil || got.ID != "case-service" {
		t.Errorf("the number finds %q (%v), want the service's case", got.ID, err)
	}
	mustCase(t, db, mine.ID)
	if err := db.Check(); err != nil {
		t.Errorf("the store does not check out: %v", err)
	}
}

// A PC that re-enrolls (its data folder's copy kept the identity) keeps the
// rejections of its old identity listed: the new identity's seqs start at 1 again,
// and the rejection of its seq 1 used to overwrite the old one's, so a refused
// change vanished from the list without a word (found by sync/sim with a cloned
// desktop, seed 341). Both stay, each dismissable by its Seq.
func TestReenrollKeepsRejections(t *testing.T) {
	db := enrolledStore(t)
	rejectFirst := func(reason string) {
		t.Helper()
		out, err := db.Outbox(0, 0)
		if err != nil || len(out) == 0 {
			t.Fatalf("outbox %v, %v", out, err)
		}
		if err := db.AckPush(PushAck{LastSeq: out[0].Seq, Results: []PushOutcome{{Seq: out[0].Seq, Outcome: OutcomeRejected, Reason: reason}}}); err != nil {
			t.Fatal(err)
		}
	}
	old, err := db.Create(clerkAnna, newTestCase("BAU", "Erika Mustermann", testNow))
	if err != nil {
		t.Fatal(err)
	}
	rejectFirst("alt")
	id := testIdentity
	id.DeviceID, id.DeviceCode, id.Token = "device-neu", "N9", "token-neu"
	if err := db.Reenroll(id); err != nil {
		t.Fatal(err)
	}
	c, err := db.Create(clerkAnna, newTestCase("BAU", "Hans Weiß", testNow.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := db.Outbox(0, 0); len(out) != 1 || out[0].Seq != 1 {
		t.Fatalf("the new identity's outbox %+v", out)
	}
	rejectFirst("neu")
	rs, err := db.Rejections()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Mutation.CaseID != old.ID || rs[0].Reason != "alt" || rs[1].Mutation.CaseID != c.ID || rs[1].Reason != "neu" {
		var got []string
		for _, r := range rs {
			got = append(got, fmt.Sprintf("%s %q", r.Mutation.ID, r.Reason))
		}
		t.Fatalf("rejections %q, want the old identity's and the new one's, oldest first", got)
	}
	if rs[0].Seq == rs[1].Seq {
		t.Fatalf("both rejections have Seq %d", rs[0].Seq)
	}
	if err := db.DismissRejected(rs[0].Seq); err != nil {
		t.Fatal(err)
	}
	if rs, _ := db.Rejections(); len(rs) != 1 || rs[0].Reason != "neu" {
		t.Errorf("after dismissing the old one: %+v", rs)
	}
}
