package cloud_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// absence records a in the name of by on d, failing the test on a refusal.
func (e *env) absence(d cloud.Device, by cloud.User, a wire.Absence) wire.Absence {
	e.t.Helper()
	out, err := e.svc.RecordAbsence(e.ctx, d, wire.AbsenceRequest{Absence: a, By: by.ID})
	if err != nil {
		e.t.Fatalf("absence by %s: %v", by.Name, err)
	}
	return out
}

// onBehalf is m made by a substitute for the absent clerk owner.
func onBehalf(m model.Mutation, owner cloud.User) model.Mutation {
	m.OnBehalfOf = owner.ID
	return m
}

// Ben stands in for Anna during her leave: he may hand her case on as she could,
// and the history names both; before and after the leave he may not act for her.
func TestSubstitution(t *testing.T) {
	e := newEnv(t) // Monday 2 March 2026, 10:00 in Berlin
	setup := e.push(e.a1, e.create(e.a1, e.anna, "c-1"),
		e.mut(e.a1, e.anna, "c-1", model.KindAssign, model.AssignPayload{Assignee: e.anna.ID}, nil))
	if got := statuses(setup); !slices.Equal(got, []wire.PushStatus{wire.StatusApplied, wire.StatusApplied}) {
		t.Fatalf("set-up: %+v", setup)
	}
	leave := e.absence(e.a1, e.anna, wire.Absence{Absent: e.anna.ID, Substitute: e.ben.ID, From: "2026-03-03", To: "2026-03-06"})
	if leave.ID == "" || leave.From != "2026-03-03" {
		t.Fatalf("recorded %+v", leave)
	}
	handOn := func() model.Mutation {
		return e.mut(e.a2, e.ben, "c-1", model.KindAssign, model.AssignPayload{Assignee: e.lea.ID}, nil)
	}
	// Monday: the leave has not begun.
	rejectedWith(t, e.push(e.a2, onBehalf(handOn(), e.anna)), 0, "Vertretung für Anna Amt gilt nicht: Ben Bau ist an diesem Tag nicht als Vertretung eingetragen.")
	// Friday 23:30 in Berlin is Friday 22:30 UTC: still the leave.
	e.now = time.Date(2026, 3, 6, 22, 30, 0, 0, time.UTC)
	rejectedWith(t, e.push(e.a2, handOn()), 0, "Ben Bau darf das nicht (Rolle Sachbearbeitung).")
	r := e.push(e.a2, onBehalf(handOn(), e.anna))
	if r.Results[0].Status != wire.StatusApplied {
		t.Fatalf("substitute hands the case on: %+v", r)
	}
	if c := e.serviceCase(tenantA, "c-1"); c.Assignee != e.lea.ID {
		t.Errorf("assignee %s", c.Assignee)
	}
	hist := check(e.historyOf(tenantA, "c-1"))
	if last := hist[len(hist)-1]; last.By != e.ben.ID || last.ByName != "Ben Bau in Vertretung für Anna Amt" {
		t.Errorf("history entry %+v", last)
	}
	// Saturday 00:30 in Berlin: over.
	e.now = time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC)
	rejectedWith(t, e.push(e.a2, onBehalf(e.mut(e.a2, e.ben, "c-1", model.KindComment,
		model.CommentPayload{Comment: model.Comment{ID: "k1", At: e.now, By: e.ben.ID, Text: "zu spät"}}, nil), e.anna)), 0, "Vertretung für Anna Amt gilt nicht")
}

// Substitution does not chain: Lea stands in for Anna, Ben for Lea; Ben may not act
// for Anna.
func TestSubstitutionNoChains(t *testing.T) {
	e := newEnv(t)
	e.absence(e.a1, e.anna, wire.Absence{Absent: e.anna.ID, Substitute: e.lea.ID, From: "2026-03-02", To: "2026-03-06"})
	e.absence(e.a1, e.lea, wire.Absence{Absent: e.lea.ID, Substitute: e.ben.ID, From: "2026-03-02", To: "2026-03-06"})
	e.push(e.a1, e.create(e.a1, e.anna, "c-1"))
	comment := func(by cloud.User, id string) model.Mutation {
		return e.mut(e.a2, by, "c-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: id, At: e.now, By: by.ID, Text: "Vertretung"}}, nil)
	}
	r := e.push(e.a2, onBehalf(comment(e.lea, "k1"), e.anna), onBehalf(comment(e.ben, "k2"), e.lea), onBehalf(comment(e.ben, "k3"), e.anna))
	if r.Results[0].Status != wire.StatusApplied || r.Results[1].Status != wire.StatusApplied {
		t.Fatalf("direct substitutions: %+v", r)
	}
	rejectedWith(t, r, 2, "Vertretung für Anna Amt gilt nicht")
	// A substitution names a user the registry knows.
	r = e.push(e.a2, func() model.Mutation { m := comment(e.ben, "k4"); m.OnBehalfOf = "niemand"; return m }())
	rejectedWith(t, r, 0, "Vertretung für niemand gilt nicht")
}

// Who may record an absence, and what an absence must be.
func TestAbsenceRules(t *testing.T) {
	e := newEnv(t)
	a := wire.Absence{Absent: e.anna.ID, Substitute: e.ben.ID, From: "2026-03-10", To: "2026-03-12"}
	refused := func(d cloud.Device, by cloud.User, a wire.Absence, del bool, want, text string) {
		t.Helper()
		_, err := e.svc.RecordAbsence(e.ctx, d, wire.AbsenceRequest{Absence: a, By: by.ID, Delete: del})
		if se := reason(t, err); se.Reason != want || !strings.Contains(se.Message, text) {
			t.Errorf("got %+v, want %s with %q", se, want, text)
		}
	}
	refused(e.a1, e.ben, a, false, wire.ReasonForbidden, "nur die abwesende Person selbst und die Leitung")
	pc := e.fresh(tenantA)
	refused(pc, e.anna, a, false, wire.ReasonNotSignedIn, "nicht angemeldet")
	byLea := e.absence(e.a1, e.lea, a)
	refused(e.a1, e.anna, wire.Absence{Absent: e.anna.ID, Substitute: e.lea.ID, From: "2026-03-12", To: "2026-03-20"}, false,
		wire.ReasonAbsence, "schon eine Abwesenheit")
	refused(e.a1, e.anna, wire.Absence{Absent: e.anna.ID, Substitute: e.anna.ID, From: "2026-04-01", To: "2026-04-02"}, false,
		wire.ReasonAbsence, "eine andere Person als Vertretung")
	refused(e.a1, e.anna, wire.Absence{Absent: e.anna.ID, Substitute: e.bruno.ID, From: "2026-04-01", To: "2026-04-02"}, false,
		wire.ReasonAbsence, "aktive Benutzer")
	// Ben may not change or remove Anna's absence; Anna may.
	moved := byLea
	moved.Absent = e.ben.ID
	moved.Substitute = e.anna.ID
	refused(e.a1, e.ben, moved, false, wire.ReasonForbidden, "Leitung")
	refused(e.a1, e.ben, byLea, true, wire.ReasonForbidden, "Leitung")
	longer := byLea
	longer.To = "2026-03-13"
	if got := e.absence(e.a1, e.anna, longer); got != longer {
		t.Errorf("changed: %+v", got)
	}
	if list := check(e.svc.Absences(e.ctx, tenantA)); len(list) != 1 || list[0] != longer {
		t.Errorf("directory's absences: %+v", list)
	}
	// A deactivated substitute cannot be named, and a deactivated clerk records nothing.
	if err := e.svc.Deactivate(e.ctx, tenantA, e.ben.ID); err != nil {
		t.Fatal(err)
	}
	refused(e.a1, e.lea, wire.Absence{Absent: e.lea.ID, Substitute: e.ben.ID, From: "2026-05-01", To: "2026-05-02"}, false,
		wire.ReasonAbsence, "aktive Benutzer")
	refused(e.a1, e.ben, wire.Absence{Absent: e.ben.ID, Substitute: e.lea.ID, From: "2026-05-01", To: "2026-05-02"}, false,
		wire.ReasonNotSignedIn, "nicht angemeldet")
	if _, err := e.svc.RecordAbsence(e.ctx, e.a1, wire.AbsenceRequest{Absence: longer, Delete: true, By: e.anna.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RecordAbsence(e.ctx, e.a1, wire.AbsenceRequest{Absence: longer, Delete: true, By: e.anna.ID}); err != nil {
		t.Errorf("removing twice: %v", err)
	}
	if list := check(e.svc.Absences(e.ctx, tenantA)); len(list) != 0 {
		t.Errorf("after removal: %+v", list)
	}
}

// The directory carries current and future absences, not past ones; a desktop may
// choose the ID of a new absence, and sending it again records it once.
func TestAbsencesInDirectory(t *testing.T) {
	e := newEnv(t)
	past := e.absence(e.a1, e.anna, wire.Absence{ID: "urlaub-1", Absent: e.anna.ID, Substitute: e.ben.ID, From: "2026-02-23", To: "2026-03-01"})
	now := e.absence(e.a1, e.anna, wire.Absence{ID: "urlaub-2", Absent: e.anna.ID, Substitute: e.ben.ID, From: "2026-03-02", To: "2026-03-02"})
	again := e.absence(e.a1, e.anna, wire.Absence{ID: "urlaub-2", Absent: e.anna.ID, Substitute: e.ben.ID, From: "2026-03-02", To: "2026-03-02"})
	if past.ID != "urlaub-1" || again != now {
		t.Fatalf("recorded %+v, %+v, %+v", past, now, again)
	}
	if list := check(e.svc.Absences(e.ctx, tenantA)); len(list) != 1 || list[0].ID != "urlaub-2" {
		t.Errorf("directory's absences on 2 March: %+v", list)
	}
}

// Another tenant's device sees nothing of A's sign-in records and changes nothing:
// A's users are unknown there, A's codes are wrong there, A's absences are neither
// listed nor removable there.
func TestSignInTenantIsolation(t *testing.T) {
	e := newEnv(t)
	own := e.absence(e.a1, e.anna, wire.Absence{ID: "urlaub-1", Absent: e.anna.ID, Substitute: e.ben.ID, From: "2026-03-02", To: "2026-03-06"})
	for _, name := range []string{e.anna.ID, e.anna.Name} {
		_, err := e.svc.SignIn(e.ctx, e.b1, name, "falsch-falsch-falsch")
		if se := reason(t, err); se.Reason != wire.ReasonPassword {
			t.Errorf("B signs in A's %s: %+v", name, se)
		}
	}
	// Even the right password of A's user does not sign her in on B's device.
	_, err := e.svc.SignIn(e.ctx, e.b1, e.anna.ID, cloudtest.Password)
	if se := reason(t, err); se.Reason != wire.ReasonPassword {
		t.Errorf("B signs in A's user with her password: %+v", se)
	}
	nina := check(e.svc.AddUser(e.ctx, tenantA, "Nina Neu", model.RoleSachbearbeitung))
	code, _ := check2(e.svc.Invite(e.ctx, tenantA, nina.ID))
	_, err = e.svc.Activate(e.ctx, e.b1, code, "Bruno-uebernimmt-Nina")
	if se := reason(t, err); se.Reason != wire.ReasonInvitation {
		t.Errorf("B activates with A's code: %+v", se)
	}
	if _, err := e.svc.Activate(e.ctx, e.a1, code, "Gruene-Wiese-am-Bach"); err != nil {
		t.Errorf("A's code after B tried it: %v", err)
	}
	if list := check(e.svc.Absences(e.ctx, tenantB)); len(list) != 0 {
		t.Errorf("B's directory lists %+v", list)
	}
	// Bruno (Leitung in B) removes "urlaub-1" and records an absence naming A's users.
	if _, err := e.svc.RecordAbsence(e.ctx, e.b1, wire.AbsenceRequest{Absence: own, Delete: true, By: e.bruno.ID}); err != nil {
		t.Errorf("B removes an ID it does not have: %v", err)
	}
	_, err = e.svc.RecordAbsence(e.ctx, e.b1, wire.AbsenceRequest{Absence: wire.Absence{Absent: e.anna.ID, Substitute: e.ben.ID,
		From: "2026-03-09", To: "2026-03-10"}, By: e.bruno.ID})
	if se := reason(t, err); se.Reason != wire.ReasonForbidden && se.Reason != wire.ReasonAbsence {
		t.Errorf("B records an absence of A's users: %+v", se)
	}
	_, err = e.svc.RecordAbsence(e.ctx, e.b1, wire.AbsenceRequest{Absence: own, By: e.anna.ID})
	if se := reason(t, err); se.Reason != wire.ReasonNotSignedIn {
		t.Errorf("B acts in the name of A's user: %+v", se)
	}
	if list := check(e.svc.Absences(e.ctx, tenantA)); len(list) != 1 || list[0] != own {
		t.Errorf("A's absences after B's attempts: %+v", list)
	}
}
