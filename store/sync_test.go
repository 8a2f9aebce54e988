package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// fakeServer is the central service's sync logic in miniature, enough to produce the
// pages and push answers the store must handle: it applies mutations with model.Apply,
// seals its own history entries, keeps lastSeq per device and a change log whose
// entries carry the whole case when they made it and a patch otherwise. Its pages do
// not merge a case's entries (the service does), so the store's own merging is
// tested too.
type fakeServer struct {
	t       *testing.T
	cases   map[string]model.Case
	log     []PulledChange
	lastSeq map[string]uint64
	at      time.Time
}

func newFakeServer(t *testing.T) *fakeServer {
	return &fakeServer{t: t, cases: map[string]model.Case{}, lastSeq: map[string]uint64{}, at: testNow.Add(time.Hour)}
}

func clerkByID(id string) model.Clerk {
	for _, c := range append(testClerks, systemClerk) {
		if c.ID == id {
			return c
		}
	}
	return model.Clerk{ID: id, Name: id, Role: model.RoleSachbearbeitung}
}

// roundTrip passes v through JSON, as the wire does.
func roundTrip[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// apply applies m on the server and logs the change; the error is model.Apply's.
func (s *fakeServer) apply(m model.Mutation) (PulledChange, error) {
	actor := clerkByID(m.User)
	var prev model.Case
	if m.Kind != model.KindCreate {
		var ok bool
		if prev, ok = s.cases[m.CaseID]; !ok {
			return PulledChange{}, fmt.Errorf("no case %s", m.CaseID)
		}
	}
	c := roundTrip(s.t, prev)
	summary, err := model.Apply(&c, m, actor)
	if err != nil {
		return PulledChange{}, err
	}
	e := model.HistoryEntry{CaseID: c.ID, At: m.At, By: actor.ID, ByName: actor.Name, Kind: string(m.Kind), Summary: summary, Mutation: m.ID}
	c.HistoryHead = e.Seal(c.HistoryHead)
	s.cases[c.ID] = c
	ch := PulledChange{Seq: uint64(len(s.log) + 1), CaseID: c.ID, History: []model.HistoryEntry{e}}
	if m.Kind == model.KindCreate {
		ch.Case = ptr(roundTrip(s.t, c))
	} else {
		ch.Patch = s.diff(prev, c)
	}
	if m.Device != "" {
		ch.Mutations = []string{m.ID}
	}
	s.log = append(s.log, ch)
	return ch, nil
}

// diff is the patch from prev to next, through JSON as it travels.
func (s *fakeServer) diff(prev, next model.Case) *model.CasePatch {
	s.t.Helper()
	p, err := model.Diff(&prev, &next)
	if err != nil {
		s.t.Fatal(err)
	}
	return ptr(roundTrip(s.t, p))
}

func ptr[T any](v T) *T { return &v }

// do applies a colleague's action on the server.
func (s *fakeServer) do(actor model.Clerk, caseID string, kind model.MutationKind, p any) PulledChange {
	s.t.Helper()
	m, err := model.NewMutation(caseID, kind, p)
	if err != nil {
		s.t.Fatal(err)
	}
	s.at = s.at.Add(time.Minute)
	m.At, m.User = s.at, actor.ID
	ch, err := s.apply(m)
	if err != nil {
		s.t.Fatalf("server %s: %v", kind, err)
	}
	return ch
}

// intake makes a case on the server, as an online application would.
func (s *fakeServer) intake(id, fileNumber, name string) PulledChange {
	s.t.Helper()
	c := newTestCase("BAU", name, testNow.Add(-24*time.Hour))
	c.ID, c.FileNumber, c.Tenant, c.OrgUnit, c.Status = id, fileNumber, "t-muster", "ou-1", model.StatusNeu
	c.Channel = model.ChannelOnline
	return s.do(systemClerk, id, model.KindCreate, model.CreatePayload{Case: c})
}

// push plays the server's side of a push of the whole outbox.
func (s *fakeServer) push(db *DB) PushAck {
	s.t.Helper()
	out, err := db.Outbox(0, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	var resp PushAck
	for _, m := range out {
		last := s.lastSeq[m.Device]
		if m.Seq <= last {
			resp.Results = append(resp.Results, PushOutcome{Seq: m.Seq, Outcome: OutcomeSkipped})
			continue
		}
		if m.Seq != last+1 {
			break
		}
		s.lastSeq[m.Device] = m.Seq
		res := PushOutcome{Seq: m.Seq, Outcome: OutcomeApplied}
		if cur, ok := s.cases[m.CaseID]; ok {
			for f, v := range m.Base {
				if cur.Versions[f] != v {
					cf := &model.Conflict{ID: "cf-" + m.ID, CaseID: m.CaseID, Field: f, ServerValue: json.RawMessage(`"` + cur.Assignee + `"`),
						ClientValue: json.RawMessage(`"` + m.User + `"`), ServerAuthor: "c-bernd", ClientAuthor: m.User,
						ServerAt: cur.UpdatedAt, ClientAt: m.At, MutationID: m.ID}
					res = PushOutcome{Seq: m.Seq, Outcome: OutcomeConflict, Reason: "Geändert von Bernd Müller", Conflict: cf}
					s.log = append(s.log, PulledChange{Seq: uint64(len(s.log) + 1), CaseID: m.CaseID, Patch: s.diff(cur, cur),
						Mutations: []string{m.ID}, Conflicts: []model.Conflict{*cf}})
				}
			}
		}
		if res.Outcome == OutcomeApplied {
			if _, err := s.apply(m); err != nil {
				res = PushOutcome{Seq: m.Seq, Outcome: OutcomeRejected, Reason: "Nicht mehr erlaubt: " + err.Error()}
			}
		}
		resp.Results = append(resp.Results, res)
		resp.LastSeq = m.Seq
	}
	if resp.LastSeq == 0 && len(out) > 0 {
		resp.LastSeq = s.lastSeq[out[0].Device]
	}
	return roundTrip(s.t, resp)
}

// page returns the log after cursor as one page (or limit changes), and whether
// more follow.
func (s *fakeServer) page(cursor uint64, limit int) (PulledPage, bool) {
	p := PulledPage{Cursor: cursor}
	for _, ch := range s.log {
		if ch.Seq <= cursor {
			continue
		}
		if limit > 0 && len(p.Changes) == limit {
			return roundTrip(s.t, p), true
		}
		p.Changes = append(p.Changes, ch)
		p.Cursor = ch.Seq
	}
	return roundTrip(s.t, p), false
}

// pageAfter is page without its more.
func (s *fakeServer) pageAfter(cursor uint64, limit int) PulledPage {
	p, _ := s.page(cursor, limit)
	return p
}

// pull applies every page after the store's cursor.
func pull(t *testing.T, s *fakeServer, db *DB) {
	t.Helper()
	for {
		cur, err := db.SyncCursor()
		if err != nil {
			t.Fatal(err)
		}
		p, more := s.page(cur, 3)
		if _, err := db.ApplyPulled(p); err != nil {
			t.Fatalf("apply changes: %v", err)
		}
		if !more {
			return
		}
	}
}

var testIdentity = SyncIdentity{
	Server: "https://ozg.test:8443", DeviceID: "dev-7", Token: "secret-token", Tenant: "t-muster", DeviceCode: "K3",
}

func enrolledStore(t *testing.T) *DB {
	t.Helper()
	db, _ := openTest(t, "")
	t.Cleanup(func() { db.Close() })
	setupTest(t, db)
	if err := db.Enroll(testIdentity); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestEnrollRestampsOutbox(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	if _, err := db.SyncIdentity(); !errors.Is(err, ErrNotEnrolled) {
		t.Fatalf("before enrollment: %v", err)
	}
	local := db.DeviceID()
	c := mustCreate(t, db, newTestCase("BAU", "Jürgen Köhler", testNow))
	mustDo(t, db, clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Rückfrage"}})
	if err := db.Enroll(testIdentity); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db)
	if db.DeviceID() != "dev-7" || db.DeviceCode() != "K3" {
		t.Fatalf("device %s code %s", db.DeviceID(), db.DeviceCode())
	}
	out, _ := db.Outbox(0, 0)
	if len(out) != 2 || out[0].ID != "dev-7:1" || out[1].ID != "dev-7:2" || out[1].Device != "dev-7" {
		t.Fatalf("outbox %+v", out)
	}
	h, _ := db.History(c.ID)
	for _, e := range h {
		if strings.HasPrefix(e.Mutation, local) {
			t.Errorf("history still names %s", e.Mutation)
		}
	}
	if got, _ := db.Case(c.ID); got.FileNumber != "BAU-2026-0001-A7" {
		t.Errorf("old file number changed to %s", got.FileNumber)
	}
	c2 := mustCreate(t, db, newTestCase("BAU", "Käthe Jäger", testNow))
	if c2.FileNumber != "BAU-2026-0001-K3" {
		t.Errorf("new file number %s", c2.FileNumber)
	}
	id := testIdentity
	id.Token = "new-token"
	if err := db.Enroll(id); err != nil {
		t.Fatalf("re-enroll same device: %v", err)
	}
	if got, _ := db.SyncIdentity(); got.Token != "new-token" {
		t.Errorf("token %q", got.Token)
	}
	id.DeviceID = "dev-8"
	if err := db.Enroll(id); !errors.Is(err, ErrEnrolled) {
		t.Errorf("enroll as another device: %v", err)
	}
	mustCheck(t, db)
}

func TestApplyChangesNewCases(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	s.intake("case-2", "BAU-2026-0002-S1", "Käthe Jäger")
	s.do(clerkBernd, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen})
	s.do(clerkBernd, "case-1", model.KindAssign, model.AssignPayload{Assignee: clerkBernd.ID})
	s.intake("case-3", "BAU-2026-0003-S1", "Sören Groß")

	tests := []struct {
		name   string
		cursor uint64
		limit  int
		want   int // new changes
	}{
		{"first two", 0, 2, 2},
		{"the same page again", 0, 2, 0},
		{"an overlapping page", 1, 2, 1},
		{"the rest", 3, 0, 2},
		{"an empty page", 5, 0, 0},
	}
	for _, tt := range tests {
		before := dump(t, db)
		n, err := db.ApplyPulled(s.pageAfter(tt.cursor, tt.limit))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if n != tt.want {
			t.Errorf("%s: %d new changes, want %d", tt.name, n, tt.want)
		}
		if n == 0 {
			if d := diff(before, dump(t, db)); d != "" {
				t.Errorf("%s changed the file:\n%s", tt.name, d)
			}
		}
		mustCheck(t, db)
	}
	for id, want := range s.cases {
		got, err := db.Case(id)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := string(mustJSON(t, got)), string(mustJSON(t, want)); g != w {
			t.Errorf("case %s differs from the server:\n%s\n%s", id, g, w)
		}
	}
	if cur, _ := db.SyncCursor(); cur != 5 {
		t.Errorf("cursor %d", cur)
	}
	p := db.List(listQuery("Köhler"))
	if p.Total != 1 {
		t.Errorf("search finds %d", p.Total)
	}
	st, _ := db.SyncState()
	if !st.Enrolled || st.Cursor != 5 || st.LastSync.IsZero() || st.Pending != 0 {
		t.Errorf("state %+v", st)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestApplyChangesRebasesPending(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	pull(t, s, db)

	// Offline: Anna comments and takes the case; meanwhile Bernd accepts it.
	mustDo(t, db, clerkAnna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Unterlagen fehlen"}})
	mustDo(t, db, clerkAnna, "case-1", model.KindAssign, model.AssignPayload{Assignee: clerkAnna.ID})
	s.do(clerkBernd, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen})
	pull(t, s, db)
	mustCheck(t, db)
	c, _ := db.Case("case-1")
	if c.Status != model.StatusAngenommen || c.Assignee != clerkAnna.ID || len(c.Comments) != 1 {
		t.Fatalf("rebased case: status %s assignee %s comments %d", c.Status, c.Assignee, len(c.Comments))
	}
	h, _ := db.History("case-1")
	if len(h) != 4 || h[1].By != clerkBernd.ID || h[2].Mutation != "dev-7:1" || h[3].Mutation != "dev-7:2" {
		t.Fatalf("history %+v", h)
	}

	// The server applies the first of the two; the change names it, so pulling it
	// before the push answer arrives does not apply the comment twice.
	resp := s.push(db)
	pull(t, s, db)
	mustCheck(t, db)
	c, _ = db.Case("case-1")
	if len(c.Comments) != 1 || c.Assignee != clerkAnna.ID {
		t.Fatalf("after pull: comments %d assignee %s", len(c.Comments), c.Assignee)
	}
	if err := db.AckPush(resp); err != nil {
		t.Fatal(err)
	}
	if err := db.AckPush(resp); err != nil {
		t.Fatalf("repeated answer: %v", err)
	}
	mustCheck(t, db)
	if got, want := mustJSON(t, mustCase(t, db, "case-1")), mustJSON(t, s.cases["case-1"]); string(got) != string(want) {
		t.Errorf("client and server differ:\n%s\n%s", got, want)
	}
	if n, _ := db.PendingCount(); n != 0 {
		t.Errorf("pending %d", n)
	}
}

func mustCase(t *testing.T, db *DB, id string) model.Case {
	t.Helper()
	c, err := db.Case(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestApplyChangesChainBroken(t *testing.T) {
	tests := []struct {
		name   string
		caseID string
		damage func(p *PulledPage)
	}{
		{"altered entry", "case-1", func(p *PulledPage) { p.Changes[1].History[0].Summary = "anders" }},
		{"missing entry", "case-1", func(p *PulledPage) { p.Changes[1].History = nil }},
		{"wrong head", "case-1", func(p *PulledPage) {
			p.Changes[1].Patch.Fields["historyHead"] = json.RawMessage(`{"seq":2,"hash":"` + strings.Repeat("0", 64) + `"}`)
		}},
		{"altered entry of a new case", "case-2", func(p *PulledPage) { p.Changes[0].History[0].By = "c-bernd" }},
		{"new case without history", "case-2", func(p *PulledPage) { p.Changes[0].History = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := enrolledStore(t)
			s := newFakeServer(t)
			s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
			pull(t, s, db)
			mustDo(t, db, clerkAnna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Notiz"}})
			s.intake("case-2", "BAU-2026-0002-S1", "Käthe Jäger")
			s.do(clerkBernd, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen})
			p := s.pageAfter(1, 0)
			tt.damage(&p)
			before := dump(t, db)
			_, err := db.ApplyPulled(p)
			if !errors.Is(err, ErrChainBroken) || !errors.Is(err, model.ErrHistoryBroken) {
				t.Fatalf("error %v", err)
			}
			if !strings.Contains(err.Error(), tt.caseID) {
				t.Errorf("error does not name the case: %v", err)
			}
			if d := diff(before, dump(t, db)); d != "" {
				t.Errorf("a refused page changed the file:\n%s", d)
			}
			mustCheck(t, db)
			if db.List(listQuery("Jäger")).Total != 0 {
				t.Error("the refused page's new case is listed")
			}
		})
	}
}

func TestAckPush(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	s.intake("case-2", "BAU-2026-0002-S1", "Käthe Jäger")
	s.do(clerkBernd, "case-1", model.KindFollowUpAdd, followUp("f1"))
	pull(t, s, db)

	// 1 applied; 2 conflicts (Claudia assigned case-2 meanwhile); 3 rejected (Bernd
	// finished the follow-up meanwhile, so it cannot be finished again).
	mustDo(t, db, clerkAnna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Notiz"}})
	mustDo(t, db, clerkAnna, "case-2", model.KindAssign, model.AssignPayload{Assignee: clerkAnna.ID})
	mustDo(t, db, clerkAnna, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	s.do(clerkClaudi, "case-2", model.KindAssign, model.AssignPayload{Assignee: clerkBernd.ID})
	s.do(clerkBernd, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	if c := mustCase(t, db, "case-1"); c.FollowUps[0].DoneBy != clerkAnna.ID {
		t.Fatalf("local follow-up %+v", c.FollowUps[0])
	}
	resp := s.push(db)
	wantStatus := []Outcome{OutcomeApplied, OutcomeConflict, OutcomeRejected}
	for i, r := range resp.Results {
		if r.Outcome != wantStatus[i] {
			t.Fatalf("result %d: %s (%s), want %s", i, r.Outcome, r.Reason, wantStatus[i])
		}
	}
	if err := db.AckPush(resp); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db)
	st, _ := db.SyncState()
	if st.Pending != 0 || st.Rejected != 1 || st.OpenConflicts != 1 {
		t.Errorf("state %+v", st)
	}
	rej, _ := db.Rejections()
	if len(rej) != 1 || rej[0].Mutation.Seq != 3 || !strings.HasPrefix(rej[0].Reason, "Nicht mehr erlaubt") {
		t.Fatalf("rejections %+v", rej)
	}
	// The refused change no longer shows; neither does the applied comment until the
	// pull brings the server's case with it.
	if c := mustCase(t, db, "case-1"); !c.FollowUps[0].Open() || len(c.Comments) != 0 {
		t.Errorf("case-1 after rejection: %+v, %d comments", c.FollowUps[0], len(c.Comments))
	}
	if c := mustCase(t, db, "case-2"); c.Assignee != "" {
		t.Errorf("case-2 after conflict: assignee %q", c.Assignee)
	}
	pull(t, s, db)
	mustCheck(t, db)
	for _, id := range []string{"case-1", "case-2"} {
		if got, want := mustJSON(t, mustCase(t, db, id)), mustJSON(t, s.cases[id]); string(got) != string(want) {
			t.Errorf("%s: client and server differ:\n%s\n%s", id, got, want)
		}
	}
	cf, _ := db.Conflicts(true)
	if len(cf) != 1 || cf[0].Field != model.FieldAssignee || cf[0].CaseID != "case-2" {
		t.Fatalf("conflicts %+v", cf)
	}
	c2, err := db.ResolveConflict(clerkAnna, cf[0].ID, model.KeepClient, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Assignee != clerkAnna.ID {
		t.Errorf("resolved for the client's value: assignee %q", c2.Assignee)
	}
	mustCheck(t, db)
	if err := db.DismissRejected(3); err != nil {
		t.Fatal(err)
	}
	if err := db.DismissRejected(3); !errors.Is(err, ErrNotFound) {
		t.Errorf("second dismissal: %v", err)
	}
	// The conflict arrives again with the change log; it stays resolved.
	if _, err := db.ApplyPulled(s.pageAfter(0, 0)); err != nil {
		t.Fatal(err)
	}
	st, _ = db.SyncState()
	if st.Rejected != 0 || st.OpenConflicts != 0 || st.Pending != 1 {
		t.Errorf("state after resolving %+v", st)
	}
	if all, _ := db.Conflicts(false); len(all) != 1 || all[0].ResolvedBy != clerkAnna.ID {
		t.Errorf("all conflicts %+v", all)
	}
}

func TestRebaseSkipsWhatTheServerConsumed(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	s.do(clerkBernd, "case-1", model.KindFollowUpAdd, followUp("f1"))
	pull(t, s, db)
	// 1 is rejected by the server, 2 applied; the push answer is lost, the pull
	// shows only 2. Neither may show twice or at all beyond what the server did.
	s.do(clerkBernd, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	mustDo(t, db, clerkAnna, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	mustDo(t, db, clerkAnna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Notiz"}})
	resp := s.push(db)
	pull(t, s, db)
	mustCheck(t, db)
	if got, want := mustJSON(t, mustCase(t, db, "case-1")), mustJSON(t, s.cases["case-1"]); string(got) != string(want) {
		t.Errorf("client and server differ:\n%s\n%s", got, want)
	}
	if err := db.AckPush(resp); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db)
	if got, want := mustJSON(t, mustCase(t, db, "case-1")), mustJSON(t, s.cases["case-1"]); string(got) != string(want) {
		t.Errorf("after the answer, client and server differ:\n%s\n%s", got, want)
	}
}

func TestRebaseKeepsUnapplicable(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	s.do(clerkBernd, "case-1", model.KindFollowUpAdd, followUp("f1"))
	pull(t, s, db)
	mustDo(t, db, clerkAnna, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	s.do(clerkBernd, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
	pull(t, s, db)
	mustCheck(t, db)
	if c := mustCase(t, db, "case-1"); c.FollowUps[0].DoneBy != clerkBernd.ID {
		t.Errorf("follow-up %+v", c.FollowUps[0])
	}
	if n, _ := db.PendingCount(); n != 1 {
		t.Errorf("the unapplicable mutation left the outbox: %d pending", n)
	}
	if err := db.AckPush(s.push(db)); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db)
	if rej, _ := db.Rejections(); len(rej) != 1 {
		t.Errorf("rejections %+v", rej)
	}
}

func TestPulledFileNumberRaisesCounter(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	// A case this device made before a reinstall comes back from the server.
	s.intake("case-1", "BAU-2026-0005-K3", "Jürgen Köhler")
	pull(t, s, db)
	c := mustCreate(t, db, newTestCase("BAU", "Käthe Jäger", testNow))
	if c.FileNumber != "BAU-2026-0006-K3" {
		t.Errorf("file number %s", c.FileNumber)
	}
	mustCheck(t, db)
}

func TestWantedBlobs(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	body := []byte("%PDF-1.7 Antrag")
	sha, _, err := db.PutBlob(strings.NewReader("schon da"))
	if err != nil {
		t.Fatal(err)
	}
	missing := fmt.Sprintf("%x", sha256Sum(body))
	c := newTestCase("BAU", "Jürgen Köhler", testNow)
	c.ID, c.FileNumber, c.Status = "case-1", "BAU-2026-0001-S1", model.StatusNeu
	c.Representation = &model.Attachment{ID: "a1", Name: "antrag.pdf", SHA256: missing, Size: int64(len(body))}
	c.Attachments = []model.Attachment{{ID: "a2", Name: "plan.pdf", SHA256: sha, Size: 8}}
	s.do(systemClerk, "case-1", model.KindCreate, model.CreatePayload{Case: c})
	pull(t, s, db)
	w, _ := db.WantedBlobs(0)
	if len(w) != 1 || w[0].SHA256 != missing || w[0].Size != int64(len(body)) {
		t.Fatalf("wanted %+v", w)
	}
	if err := db.PlaceBlob(missing, strings.NewReader("falsch")); !errors.Is(err, ErrBlobMismatch) {
		t.Errorf("wrong content: %v", err)
	}
	if err := db.PlaceBlob(missing, strings.NewReader(string(body))); err != nil {
		t.Fatal(err)
	}
	if w, _ := db.WantedBlobs(0); len(w) != 0 {
		t.Errorf("still wanted %+v", w)
	}
	if _, err := db.BlobPath(missing); err != nil {
		t.Error(err)
	}
}

func listQuery(text string) index.Query { return index.Query{Text: text} }

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

func followUp(id string) model.FollowUpPayload {
	return model.FollowUpPayload{FollowUp: model.FollowUp{ID: id, Due: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), Reason: "Unterlagen nachfordern", By: clerkBernd.ID}}
}

// TestLostAnswers: the server decided mutations in an answer that was lost; the
// resent push comes back "skipped". An applied one shows by its change, pulled before
// or after the answer; a rejected one is listed once a complete pull shows no change
// for it.
func TestLostAnswers(t *testing.T) {
	for _, early := range []bool{true, false} {
		t.Run(fmt.Sprintf("change pulled before the answer %v", early), func(t *testing.T) {
			db := enrolledStore(t)
			s := newFakeServer(t)
			s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
			s.do(clerkBernd, "case-1", model.KindFollowUpAdd, followUp("f1"))
			pull(t, s, db)
			// 1 is rejected (Bernd finishes the follow-up first), 2 applied.
			s.do(clerkBernd, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
			mustDo(t, db, clerkAnna, "case-1", model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: "f1"})
			mustDo(t, db, clerkAnna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "eins"}})
			s.push(db) // the answer is lost
			if early {
				pull(t, s, db)
			}
			mustDo(t, db, clerkAnna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k2", Text: "zwei"}})
			resp := s.push(db)
			if resp.Results[0].Outcome != OutcomeSkipped || resp.Results[1].Outcome != OutcomeSkipped {
				t.Fatalf("results %+v", resp.Results)
			}
			if err := db.AckPush(resp); err != nil {
				t.Fatal(err)
			}
			mustCheck(t, db)
			pull(t, s, db)
			n, err := db.SettleUnsure()
			if err != nil || n != 1 {
				t.Fatalf("settled %d: %v", n, err)
			}
			rej, _ := db.Rejections()
			if len(rej) != 1 || rej[0].Mutation.ID != "dev-7:1" || rej[0].Reason != ReasonLost {
				t.Fatalf("rejections %+v", rej)
			}
			if n, _ := db.SettleUnsure(); n != 0 {
				t.Errorf("settled again: %d", n)
			}
			mustCheck(t, db)
			if got, want := mustJSON(t, mustCase(t, db, "case-1")), mustJSON(t, s.cases["case-1"]); string(got) != string(want) {
				t.Errorf("client and server differ:\n%s\n%s", got, want)
			}
		})
	}
}

func mustCursor(t *testing.T, db *DB) uint64 {
	t.Helper()
	c, err := db.SyncCursor()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestApplyPulledKeepsCaseJSON: new cases are stored as the JSON they arrived in
// (here indented, unlike what the store would write), read back as the server's
// cases, and pass the consistency check; a shorter list leaves the rest encoded.
func TestApplyPulledKeepsCaseJSON(t *testing.T) {
	db := enrolledStore(t)
	s := newFakeServer(t)
	s.intake("case-1", "BAU-2026-0001-S1", "Jürgen Köhler")
	s.intake("case-2", "BAU-2026-0002-S1", "Käthe Jäger")
	s.intake("case-3", "BAU-2026-0003-S1", "Sören Groß")
	page := s.pageAfter(0, 0)
	raw := make([][]byte, 2)
	for i := range raw {
		b, err := json.MarshalIndent(page.Changes[i].Case, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		raw[i] = b
		page.Changes[i].CaseJSON = b
	}
	if n, err := db.ApplyPulled(page); err != nil || n != 3 {
		t.Fatalf("%d new, %v", n, err)
	}
	mustCheck(t, db)
	for i, ch := range page.Changes {
		var stored []byte
		if err := db.bolt.View(func(tx *bolt.Tx) error {
			stored = bytes.Clone(tx.Bucket(bucketCases).Get([]byte(ch.CaseID)))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := mustJSON(t, page.Changes[i].Case)
		if i < len(raw) {
			want = raw[i]
		}
		if !bytes.Equal(stored, want) {
			t.Errorf("case %s stored as\n%s\nwant\n%s", ch.CaseID, stored, want)
		}
		if g, w := string(mustJSON(t, mustCase(t, db, ch.CaseID))), string(mustJSON(t, s.cases[ch.CaseID])); g != w {
			t.Errorf("case %s differs from the server:\n%s\n%s", ch.CaseID, g, w)
		}
	}
	if p := db.List(listQuery("Jäger")); p.Total != 1 {
		t.Errorf("search finds %d", p.Total)
	}
}
