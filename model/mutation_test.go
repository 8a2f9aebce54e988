package model

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

var (
	clerk = Clerk{ID: "anna", Name: "Anna Becker", Role: RoleSachbearbeitung}
	other = Clerk{ID: "jonas", Name: "Jonas Weber", Role: RoleSachbearbeitung}
	lead  = Clerk{ID: "lena", Name: "Lena Schulz", Role: RoleLeitung}
	t0    = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
)

func newCase(t *testing.T) *Case {
	t.Helper()
	c := &Case{}
	m := mustMutation(t, "c1", KindCreate, CreatePayload{Case: Case{
		ID: "c1", FileNumber: "BAU-2026-0001-A7", Type: "BAU", Title: "Bauantrag",
		ReceivedAt: t0, Channel: ChannelPost, Status: StatusNeu,
		Applicant: Applicant{Name: "Erika Müller", PostalCode: "12345"},
	}})
	if _, err := Apply(c, m, clerk); err != nil {
		t.Fatal(err)
	}
	return c
}

func mustMutation(t *testing.T, id string, kind MutationKind, p any) Mutation {
	t.Helper()
	m, err := NewMutation(id, kind, p)
	if err != nil {
		t.Fatal(err)
	}
	m.At = t0
	return m
}

func TestApplyRefusalLeavesCaseUnchanged(t *testing.T) {
	tests := []struct {
		name  string
		actor Clerk
		kind  MutationKind
		p     any
		want  error
	}{
		{"transition not allowed", clerk, KindTransition, TransitionPayload{Action: ActionBearbeiten}, ErrNotAllowedNow},
		{"deletion from NEU", clerk, KindTransition, TransitionPayload{Action: ActionLoeschenAnfordern}, ErrNotAllowedNow},
		{"empty comment", clerk, KindComment, CommentPayload{Comment: Comment{ID: "x", Text: "  "}}, ErrInvalid},
		{"follow-up without reason", clerk, KindFollowUpAdd, FollowUpPayload{FollowUp: FollowUp{ID: "f", Due: t0}}, ErrInvalid},
		{"message without body", clerk, KindMessage, MessagePayload{Message: Message{ID: "m", Subject: "s"}}, ErrInvalid},
		{"unknown follow-up", clerk, KindFollowUpDone, FollowUpDonePayload{FollowUpID: "nope"}, ErrNotFound},
		{"unknown kind", clerk, "case.fly", struct{}{}, ErrUnknownAction},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCase(t)
			before := *c
			_, err := Apply(c, mustMutation(t, "c1", tc.kind, tc.p), tc.actor)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if !reflect.DeepEqual(before, *c) {
				t.Error("refused mutation changed the case")
			}
		})
	}
}

func TestAssignRules(t *testing.T) {
	c := newCase(t)
	assign := func(actor Clerk, to string) error {
		_, err := Apply(c, mustMutation(t, "c1", KindAssign, AssignPayload{Assignee: to}), actor)
		return err
	}
	if err := assign(clerk, "anna"); err != nil {
		t.Fatalf("take for oneself: %v", err)
	}
	if err := assign(other, "lena"); !errors.Is(err, ErrRoleNotPermitted) {
		t.Fatalf("clerk handing on someone else's case: %v", err)
	}
	if err := assign(clerk, "jonas"); err != nil {
		t.Fatalf("hand over own case: %v", err)
	}
	if err := assign(lead, "anna"); err != nil {
		t.Fatalf("leadership reassigns: %v", err)
	}
	if c.Assignee != "anna" || c.Versions[FieldAssignee] != 3 {
		t.Errorf("assignee %q version %d", c.Assignee, c.Versions[FieldAssignee])
	}
}

func TestValidateNewNamesEveryMissingField(t *testing.T) {
	err := ValidateNew(&Case{Applicant: Applicant{PostalCode: "123", Email: "kein-at"}})
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v", err)
	}
	for _, f := range []string{"id", "type", "applicant.name", "applicant.postalCode", "applicant.email", "receivedAt", "status", "fileNumber"} {
		if ve.Fields[f] == "" {
			t.Errorf("no message for %s", f)
		}
	}
}

func TestDecisionsAreCreateOnlyAndSupersede(t *testing.T) {
	c := newCase(t)
	at := t0
	add := func(d DecisionInfo) error {
		_, err := Apply(c, mustMutation(t, "c1", KindDecision, DecisionPayload{Decision: d}), clerk)
		return err
	}
	if err := add(DecisionInfo{ID: "d1", Title: "Bewilligung", SignedAt: &at}); err != nil {
		t.Fatal(err)
	}
	if err := add(DecisionInfo{ID: "d1", Title: "again", SignedAt: &at}); !errors.Is(err, ErrNotAllowedNow) {
		t.Fatalf("duplicate decision: %v", err)
	}
	if err := add(DecisionInfo{ID: "d2", Title: "Berichtigung", SignedAt: &at, Supersedes: "d1"}); err != nil {
		t.Fatal(err)
	}
	if c.Decisions[0].SupersededBy != "d2" || len(c.Decisions) != 2 {
		t.Errorf("decisions %+v", c.Decisions)
	}
	if !c.HasSignedDecision() {
		t.Error("the correction counts as signed decision")
	}
}

func TestOverdueAndFollowUps(t *testing.T) {
	today := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	past, future := today.AddDate(0, 0, -1), today.AddDate(0, 0, 3)
	c := &Case{Status: StatusInBearbeitung, TargetDeadline: &future, LegalDeadline: &past}
	if !c.Overdue(today) {
		t.Error("legal deadline passed: overdue")
	}
	c.Status = StatusAbgeschlossen
	if c.Overdue(today) {
		t.Error("a closed case is never overdue")
	}
	done := today
	c.FollowUps = []FollowUp{{ID: "a", Due: past, DoneAt: &done}, {ID: "b", Due: future}}
	if got := c.NextFollowUp(); got == nil || !got.Equal(future) {
		t.Errorf("next follow-up %v, want %v (done ones do not count)", got, future)
	}
}

// A substitute may hand on the absent holder's case as the holder could; naming an
// absent clerk who does not hold the case gives no such right.
func TestAssignRulesForSubstitute(t *testing.T) {
	c := newCase(t)
	if _, err := Apply(c, mustMutation(t, "c1", KindAssign, AssignPayload{Assignee: "lena"}), lead); err != nil {
		t.Fatal(err)
	}
	forward := func(onBehalfOf string) error {
		m := mustMutation(t, "c1", KindAssign, AssignPayload{Assignee: "jonas"})
		m.OnBehalfOf = onBehalfOf
		_, err := Apply(c, m, clerk)
		return err
	}
	if err := forward(""); !errors.Is(err, ErrRoleNotPermitted) {
		t.Fatalf("clerk handing on lena's case in own right: %v", err)
	}
	if err := forward("someone"); !errors.Is(err, ErrRoleNotPermitted) {
		t.Fatalf("substitute of a clerk who does not hold the case: %v", err)
	}
	if err := forward("lena"); err != nil {
		t.Fatalf("substitute of lena hands her case on: %v", err)
	}
	if c.Assignee != "jonas" {
		t.Errorf("assignee %q, want jonas", c.Assignee)
	}
}
