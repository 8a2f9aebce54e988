package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

func TestLocalUsers(t *testing.T) {
	dir := t.TempDir()
	db, _ := openTest(t, dir)
	setupTest(t, db)
	if u, err := db.LocalUser(clerkAnna.ID); err != nil || !reflect.DeepEqual(u, LocalUser{}) {
		t.Fatalf("user without a record: %+v %v", u, err)
	}
	until := testNow.Add(time.Minute)
	if err := db.UpdateLocalUser(clerkAnna.ID, func(u *LocalUser) error {
		u.Verifier = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
		u.Lockout = identity.Lockout{Failures: 2, Locks: 1, Until: until}
		u.Grant, u.GrantIssued, u.GrantExpires = "token", testNow, testNow.Add(14*24*time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	if err := db.UpdateLocalUser(clerkAnna.ID, func(u *LocalUser) error { u.Verifier = ""; return refused }); !errors.Is(err, refused) {
		t.Fatalf("refused update: %v", err)
	}
	if err := db.UpdateLocalUser("nobody", func(*LocalUser) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("user of no clerk: %v", err)
	}
	lena := model.Clerk{ID: "c-lena", Name: "Lena Vogt", Role: model.RoleSachbearbeitung}
	_, inv, _ := identity.NewInvitation(lena.ID, testNow, 0, strings.NewReader(strings.Repeat("x", 16)))
	if err := db.AddLocalUser(lena, LocalUser{Invitation: &inv}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddLocalUser(lena, LocalUser{}); !errors.Is(err, ErrExists) {
		t.Fatalf("the same user twice: %v", err)
	}
	if err := db.AddLocalUser(model.Clerk{ID: "c-x"}, LocalUser{}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("a user without name and role: %v", err)
	}
	db.Close()
	db, _ = openTest(t, dir)
	defer db.Close()
	all, err := db.LocalUsers()
	if err != nil || len(all) != 2 {
		t.Fatalf("users %+v %v", all, err)
	}
	if a := all[clerkAnna.ID]; a.Verifier == "" || a.Lockout.Failures != 2 || !a.Lockout.Until.Equal(until) || a.Grant != "token" || !a.Active() {
		t.Errorf("anna %+v", a)
	}
	if l := all[lena.ID]; l.Invitation == nil || l.Invitation.Hash != inv.Hash || l.Verifier != "" {
		t.Errorf("lena %+v", l)
	}
	if c, err := db.Clerk(lena.ID); err != nil || c.Name != "Lena Vogt" {
		t.Errorf("clerk of the new user %+v %v", c, err)
	}
	// Nothing of it may hold a password: the file holds the verifier only.
	if strings.Contains(dumpString(t, db), "Rathaus") {
		t.Error("a password in the store")
	}
}

func dumpString(t *testing.T, db *DB) string {
	t.Helper()
	var b strings.Builder
	for k, v := range dump(t, db) {
		b.WriteString(k + "=" + v + "\n")
	}
	return b.String()
}

func TestGrantKey(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	if err := db.SetGrantKey("k"); !errors.Is(err, ErrNotEnrolled) {
		t.Fatalf("grant key before enrollment: %v", err)
	}
	id := testIdentity
	id.GrantKey = "first"
	if err := db.Enroll(id); err != nil {
		t.Fatal(err)
	}
	if k, err := db.GrantKey(); err != nil || k != "first" {
		t.Fatalf("key after enrollment %q %v", k, err)
	}
	before := commits(t, db)
	if err := db.SetGrantKey("first"); err != nil || commits(t, db) != before {
		t.Fatalf("the same key cost a commit: %v", err)
	}
	if err := db.SetGrantKey("second"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.SyncIdentity(); got.GrantKey != "second" || got.Token != testIdentity.Token {
		t.Errorf("identity %+v", got)
	}
}

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

func TestAbsences(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	fromService := identity.Absence{ID: "a1", Absent: "c-anna", Substitute: "c-bernd", From: day(3, 10), To: day(3, 12)}
	gone := identity.Absence{ID: "a0", Absent: "c-bernd", Substitute: "c-anna", From: day(3, 1), To: day(3, 2)}
	if err := db.SetDirectoryAbsences([]identity.Absence{gone, fromService}); err != nil {
		t.Fatal(err)
	}
	mine := Absence{Absence: identity.Absence{ID: "a2", Absent: "c-bernd", Substitute: "c-anna", From: day(3, 20), To: day(3, 21)}, By: "c-bernd", Pending: true}
	refused := Absence{Absence: identity.Absence{ID: "a3", Absent: "c-anna", Substitute: "c-claudia", From: day(4, 1), To: day(4, 2)}, By: "c-bernd", Pending: true}
	changed := Absence{Absence: fromService, By: "c-anna", Pending: true}
	changed.To = day(3, 14)
	for _, a := range []Absence{mine, refused, changed} {
		if err := db.PutAbsence(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AbsenceSent("a3", nil, "Eine Abwesenheit können nur die abwesende Person selbst und die Leitung eintragen."); err != nil {
		t.Fatal(err)
	}
	// The next directory no longer has a0 and still has a1 as it was: what was done
	// here and not yet answered wins, refused ones stay listed.
	if err := db.SetDirectoryAbsences([]identity.Absence{fromService}); err != nil {
		t.Fatal(err)
	}
	all, err := db.Absences()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, a := range all {
		ids = append(ids, a.ID)
	}
	if !reflect.DeepEqual(ids, []string{"a1", "a2", "a3"}) || !all[0].To.Equal(day(3, 14)) || !all[0].Pending || all[2].Refused == "" || all[2].Pending {
		t.Fatalf("absences %+v", all)
	}
	// The service's answers: a1 recorded as sent, a2 removed.
	stored := changed.Absence
	if err := db.AbsenceSent("a1", &stored, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.AbsenceSent("a2", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteAbsence("a3"); err != nil {
		t.Fatal(err)
	}
	all, _ = db.Absences()
	if len(all) != 1 || all[0].ID != "a1" || all[0].Pending || !all[0].To.Equal(day(3, 14)) {
		t.Fatalf("after the answers %+v", all)
	}
}

// rejectAll answers a push of the whole outbox with every mutation rejected.
func rejectAll(t *testing.T, db *DB, reason string) {
	t.Helper()
	out, err := db.Outbox(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ack PushAck
	for _, m := range out {
		ack.Results = append(ack.Results, PushOutcome{Seq: m.Seq, Outcome: OutcomeRejected, Reason: reason})
		ack.LastSeq = m.Seq
	}
	if err := db.AckPush(ack); err != nil {
		t.Fatal(err)
	}
}

// TestNotAcceptedCases: a case whose creation the service rejected stays on the PC
// that made it, marked with the reason; it cannot be changed; it can be submitted
// again by the clerk signed in now, which the service then applies, or discarded.
// Either way the PC ends up holding what the service holds.
func TestNotAcceptedCases(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	kept := mustCreate(t, db, newTestCase("BAU", "Jürgen Köhler", testNow))
	mustDo(t, db, clerkAnna, kept.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Rückfrage"}})
	dropped := mustCreate(t, db, newTestCase("BAU", "Käthe Jäger", testNow))
	reason := "Anna Schmidt war auf diesem PC nicht angemeldet."
	rejectAll(t, db, reason)

	list, err := db.NotAcceptedCases()
	if err != nil || len(list) != 2 {
		t.Fatalf("not accepted %+v %v", list, err)
	}
	n, err := db.NotAcceptedCase(kept.ID)
	if err != nil || n.Reason != reason || n.Create.Kind != model.KindCreate || n.Create.User != clerkAnna.ID {
		t.Fatalf("mark %+v %v", n, err)
	}
	if c, err := db.Case(kept.ID); err != nil || len(c.Comments) != 1 {
		t.Fatalf("the case is no longer shown as it was made: %+v %v", c, err)
	}
	_, err = db.Do(clerkBernd, kept.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k2", Text: "noch eine"}})
	if !errors.Is(err, ErrNotAccepted) {
		t.Fatalf("a change to a case the service does not have: %v", err)
	}
	if _, err := db.NotAcceptedCase("x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unmarked case: %v", err)
	}

	// Bernd, signed in now, submits it again in his name: the case is its creation.
	c, err := db.ResubmitCase(clerkBernd, kept.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Comments) != 0 || c.FileNumber != kept.FileNumber || c.Applicant.Name != "Jürgen Köhler" {
		t.Fatalf("resubmitted %+v", c)
	}
	h, _ := db.History(kept.ID)
	if len(h) != 1 || h[0].By != clerkBernd.ID {
		t.Fatalf("history after resubmitting %+v", h)
	}
	out, _ := db.Outbox(0, 0)
	if len(out) != 1 || out[0].Kind != model.KindCreate || out[0].User != clerkBernd.ID {
		t.Fatalf("outbox %+v", out)
	}
	if _, err := db.ResubmitCase(clerkBernd, kept.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("resubmitted twice: %v", err)
	}
	// The refused comment stays listed for the clerk to do again.
	rej, _ := db.Rejections()
	if len(rej) != 3 {
		t.Fatalf("rejections %+v", rej)
	}

	if _, err := db.ResubmitCase(clerkBernd, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("resubmit of an unmarked case: %v", err)
	}
	// The other one is discarded.
	if err := db.DiscardCase(dropped.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Case(dropped.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("discarded case: %v", err)
	}
	if _, err := db.CaseByFileNumber(dropped.FileNumber); !errors.Is(err, ErrNotFound) {
		t.Fatalf("discarded case's file number: %v", err)
	}
	if p := db.List(index.Query{Text: dropped.FileNumber}); p.Total != 0 {
		t.Fatalf("discarded case listed: %+v", p)
	}
	if err := db.DiscardCase(dropped.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("discarded twice: %v", err)
	}
	if err := db.DiscardCase(kept.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a resubmitted case discarded: %v", err)
	}

	// The service applies the resubmission (it decided the three before); after a
	// pull the PC holds its state.
	s.lastSeq[testIdentity.DeviceID] = 3
	ack := s.push(db)
	if len(ack.Results) != 1 || ack.Results[0].Outcome != OutcomeApplied {
		t.Fatalf("push %+v", ack)
	}
	if err := db.AckPush(ack); err != nil {
		t.Fatal(err)
	}
	pull(t, s, db)
	got, _ := db.Case(kept.ID)
	want := s.cases[kept.ID]
	if got.HistoryHead != want.HistoryHead || got.Assignee != want.Assignee || len(got.Comments) != 0 {
		t.Errorf("after the pull %+v, server %+v", got.HistoryHead, want.HistoryHead)
	}
	if l, _ := db.NotAcceptedCases(); len(l) != 0 {
		t.Errorf("still marked: %+v", l)
	}
	mustCheck(t, db)
}

// TestDiscardWaitsForPendingChanges: a change made before the refusal arrived is
// still on its way; discarding waits for its answer.
func TestDiscardWaitsForPendingChanges(t *testing.T) {
	db := enrolledStore(t)
	c := mustCreate(t, db, newTestCase("BAU", "Jürgen Köhler", testNow))
	out, _ := db.Outbox(0, 0)
	mustDo(t, db, clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Rückfrage"}})
	if err := db.AckPush(PushAck{LastSeq: out[0].Seq, Results: []PushOutcome{{Seq: out[0].Seq, Outcome: OutcomeRejected, Reason: "nein"}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.DiscardCase(c.ID); !errors.Is(err, ErrPending) {
		t.Fatalf("discard with a change pending: %v", err)
	}
	rejectAll(t, db, "Den Vorgang gibt es in der OZG-Cloud nicht.")
	if err := db.DiscardCase(c.ID); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db)
}
