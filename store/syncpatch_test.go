package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
)

// sameAsServer fails unless the store's case equals the server's, as JSON.
func sameAsServer(t *testing.T, s *fakeServer, db *DB, id string) {
	t.Helper()
	if got, want := mustJSON(t, mustCase(t, db, id)), mustJSON(t, s.cases[id]); string(got) != string(want) {
		t.Fatalf("case %s here\n%s\nserver\n%s", id, got, want)
	}
}

// TestPatchAfterAckAppliesToServerState: after a push is acknowledged and before its
// change is pulled, the case here shows the clerk's comment, which the server's
// state at the cursor does not have; the pulled patches (the comment as the server
// sealed it, then a colleague's) apply to that state, which the base keeps, not to
// the case shown. With the base dropped at the acknowledgement, the first patch
// would meet the clerk's own history entry and fail.
func TestPatchAfterAckAppliesToServerState(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	pull(t, s, db)
	mustDo(t, db, clerkAnna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Rückfrage"}})
	if err := db.AckPush(s.push(db)); err != nil {
		t.Fatal(err)
	}
	if c := mustCase(t, db, "case-1"); len(c.Comments) != 1 {
		t.Fatalf("the acknowledged comment is not shown: %+v", c.Comments)
	}
	s.do(clerkBernd, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k2", Text: "Antwort"}})
	for range 2 {
		p, _ := s.page(mustCursor(t, db), 1)
		if p.Changes[0].Patch == nil {
			t.Fatal("the fake server should send a patch")
		}
		if _, err := db.ApplyPulled(p); err != nil {
			t.Fatalf("apply %d: %v", p.Cursor, err)
		}
	}
	sameAsServer(t, s, db, "case-1")
	mustCheck(t, db)
}

// TestStalePatch: a patch for a state of a case this PC does not hold is refused
// with ErrStale and changes nothing; after ResetSyncCursor a pull from the start
// brings the case whole and the store equals the server again.
func TestStalePatch(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	pull(t, s, db)
	s.do(clerkBernd, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "eins"}})
	s.do(clerkBernd, "case-1", model.KindAssign, model.AssignPayload{Assignee: clerkBernd.ID})
	cur := mustCursor(t, db)
	// The first change after the cursor is lost: the second does not fit.
	skipped := s.pageAfter(cur+1, 0)
	unknown := s.pageAfter(cur, 1)
	unknown.Changes[0].CaseID = "case-9"
	unknown.Changes[0].History = nil
	for name, p := range map[string]PulledPage{"wrong state": skipped, "unknown case": unknown} {
		before := dump(t, db)
		if _, err := db.ApplyPulled(p); !errors.Is(err, ErrStale) {
			t.Fatalf("%s: %v, want ErrStale", name, err)
		}
		if d := diff(before, dump(t, db)); d != "" {
			t.Fatalf("%s: the refused page changed the file:\n%s", name, d)
		}
	}
	// Damage the case here behind the store's back, as a bug would.
	if err := db.ResetSyncCursor(); err != nil {
		t.Fatal(err)
	}
	pull(t, s, db)
	sameAsServer(t, s, db, "case-1")
	mustCheck(t, db)
}

// TestPageMergesCaseChanges: a page holding a case's creation and later changes of it
// (the service merges them; a page of the fake server does not) stores the case as
// the server has it, new or not.
func TestPageMergesCaseChanges(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	for _, text := range []string{"eins", "zwei", "drei"} {
		s.do(clerkBernd, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k-" + text, Text: text}})
	}
	if n, err := db.ApplyPulled(s.pageAfter(0, 0)); err != nil || n != 4 {
		t.Fatalf("%d, %v", n, err)
	}
	sameAsServer(t, s, db, "case-1")
	s.do(clerkBernd, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen})
	s.do(clerkBernd, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k-vier", Text: strings.Repeat("vier ", 10)}})
	pull(t, s, db)
	sameAsServer(t, s, db, "case-1")
	mustCheck(t, db)
}
