package store

import (
	"testing"

	"github.com/ozgcloud/desktop/model"
)

// TestSkippedKeepsOwnWork: the server applied an assignment whose answer was lost;
// the resent push is answered "skipped". The case keeps showing the assignment until
// a pull decides it, a change made on top carries the base the server holds, so it
// applies without a conflict, and rebuilds (another pulled change, another answer)
// keep the unsure one until the change log names it.
func TestSkippedKeepsOwnWork(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	pull(t, s, db)
	mustDo(t, db, clerkClaudi, "case-1", model.KindAssign, model.AssignPayload{Assignee: clerkBernd.ID})
	s.push(db) // applied; the answer is lost
	resp := s.push(db)
	if len(resp.Results) != 1 || resp.Results[0].Outcome != OutcomeSkipped {
		t.Fatalf("results %+v", resp.Results)
	}
	if err := db.AckPush(resp); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db)
	if c := mustCase(t, db, "case-1"); c.Assignee != clerkBernd.ID {
		t.Fatalf("after the skipped answer the case shows assignee %q, not the clerk's own %q", c.Assignee, clerkBernd.ID)
	}
	// A colleague's comment is pulled before the assignment's change would be: the
	// rebase keeps the unsure assignment on top.
	s.do(clerkAnna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "eins"}})
	cur := mustCursor(t, db)
	if _, err := db.ApplyPulled(s.pageAfter(cur, 0)); err != nil {
		t.Fatal(err)
	}
	c := mustCase(t, db, "case-1")
	if c.Assignee != clerkBernd.ID || len(c.Comments) != 1 {
		t.Fatalf("after a pull: assignee %q, %d comments", c.Assignee, len(c.Comments))
	}
	mustDo(t, db, clerkClaudi, "case-1", model.KindAssign, model.AssignPayload{Assignee: clerkAnna.ID})
	resp = s.push(db)
	if len(resp.Results) != 1 || resp.Results[0].Outcome != OutcomeApplied {
		t.Fatalf("the assignment on top of the unsure one: %+v", resp.Results)
	}
	if err := db.AckPush(resp); err != nil {
		t.Fatal(err)
	}
	pull(t, s, db)
	if n, err := db.SettleUnsure(); err != nil || n != 0 {
		t.Fatalf("settled %d: %v", n, err)
	}
	if cf, _ := db.Conflicts(false); len(cf) != 0 {
		t.Errorf("conflicts %+v", cf)
	}
	if rej, _ := db.Rejections(); len(rej) != 0 {
		t.Errorf("rejections %+v", rej)
	}
	mustCheck(t, db)
	if got, want := mustJSON(t, mustCase(t, db, "case-1")), mustJSON(t, s.cases["case-1"]); string(got) != string(want) {
		t.Errorf("client and server differ:\n%s\n%s", got, want)
	}
}

// TestSkippedRejectedShowsUntilSettled: a skipped mutation the server rejected keeps
// showing until SettleUnsure lists it; then the case is the server's again.
func TestSkippedRejectedShowsUntilSettled(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	s.do(clerkBernd, "case-1", model.KindFollowUpAdd, followUp("f1"))
	pull(t, s, db)
	s.do(clerkBernd, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	mustDo(t, db, clerkAnna, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	s.push(db) // rejected; the answer is lost
	if err := db.AckPush(s.push(db)); err != nil {
		t.Fatal(err)
	}
	pull(t, s, db)
	mustCheck(t, db)
	if n, err := db.SettleUnsure(); err != nil || n != 1 {
		t.Fatalf("settled %d: %v", n, err)
	}
	mustCheck(t, db)
	if got, want := mustJSON(t, mustCase(t, db, "case-1")), mustJSON(t, s.cases["case-1"]); string(got) != string(want) {
		t.Errorf("client and server differ after settling:\n%s\n%s", got, want)
	}
	if st, err := db.SyncState(); err != nil || st.Rejected != 1 || st.Pending != 0 {
		t.Errorf("sync state %+v, %v", st, err)
	}
}
