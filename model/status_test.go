package model

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// expected is the status table of DESIGN.md written out independently of
// model.Transitions: for each action, the statuses it may start from and where it leads.
var expected = map[Action]struct {
	from []Status
	to   Status // "" = back to the previous status
}{
	ActionAnnehmen:                       {[]Status{StatusNeu}, StatusAngenommen},
	ActionVerwerfen:                      {[]Status{StatusNeu}, StatusVerworfen},
	ActionZurueckholen:                   {[]Status{StatusVerworfen}, StatusNeu},
	ActionBearbeiten:                     {[]Status{StatusAngenommen}, StatusInBearbeitung},
	ActionZurueckstellen:                 {[]Status{StatusInBearbeitung}, StatusAngenommen},
	ActionBescheiden:                     {[]Status{StatusInBearbeitung}, StatusBeschieden},
	ActionAbschliessen:                   {[]Status{StatusBeschieden, StatusInBearbeitung}, StatusAbgeschlossen},
	ActionWiedereroeffnen:                {[]Status{StatusBeschieden, StatusAbgeschlossen}, StatusInBearbeitung},
	ActionWeiterleiten:                   {[]Status{StatusNeu, StatusAngenommen, StatusInBearbeitung}, StatusWeitergeleitet},
	ActionLoeschenAnfordern:              {[]Status{StatusAbgeschlossen, StatusVerworfen}, StatusZuLoeschen},
	ActionLoeschanforderungZuruecknehmen: {[]Status{StatusZuLoeschen}, ""},
}

func signedDecision() []DecisionInfo {
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	return []DecisionInfo{{ID: "d1", Title: "Bewilligung", SignedAt: &at}}
}

// TestTransitionTable tries every action from every status with every role and checks
// the outcome against the table above: allowed exactly where the table says, refused
// with the right error everywhere else.
func TestTransitionTable(t *testing.T) {
	if len(Transitions) != len(expected) {
		t.Fatalf("model has %d transitions, the design %d", len(Transitions), len(expected))
	}
	for action, want := range expected {
		for _, from := range Statuses {
			for _, role := range Roles {
				c := &Case{ID: "c1", Status: from, PrevStatus: StatusAbgeschlossen, Decisions: signedDecision()}
				err := Check(c, action, role)
				inTable := slices.Contains(want.from, from)
				roleOK := !(action == ActionLoeschenAnfordern || action == ActionLoeschanforderungZuruecknehmen) || role != RoleSachbearbeitung
				switch {
				case !inTable:
					if !errors.Is(err, ErrNotAllowedNow) {
						t.Errorf("%s from %s as %s: got %v, want ErrNotAllowedNow", action, from, role, err)
					}
				case !roleOK:
					if !errors.Is(err, ErrRoleNotPermitted) {
						t.Errorf("%s from %s as %s: got %v, want ErrRoleNotPermitted", action, from, role, err)
					}
				default:
					if err != nil {
						t.Errorf("%s from %s as %s: refused: %v", action, from, role, err)
						continue
					}
					to := want.to
					if to == "" {
						to = c.PrevStatus
					}
					if got := Target(c, action); got != to {
						t.Errorf("%s from %s: target %s, want %s", action, from, got, to)
					}
				}
			}
		}
	}
}

func TestBescheidenNeedsSignedDecision(t *testing.T) {
	at := time.Now()
	cases := []struct {
		name      string
		decisions []DecisionInfo
		wantErr   error
	}{
		{"none", nil, ErrNeedsDecision},
		{"draft only", []DecisionInfo{{ID: "d1", Title: "x"}}, ErrNeedsDecision},
		{"signed but superseded", []DecisionInfo{{ID: "d1", Title: "x", SignedAt: &at, SupersededBy: "d2"}}, ErrNeedsDecision},
		{"signed", []DecisionInfo{{ID: "d1", Title: "x", SignedAt: &at}}, nil},
	}
	for _, tc := range cases {
		c := &Case{Status: StatusInBearbeitung, Decisions: tc.decisions}
		if err := Check(c, ActionBescheiden, RoleSachbearbeitung); !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.wantErr)
		}
	}
}

func TestWithdrawDeletionReturnsToPreviousStatus(t *testing.T) {
	lead := Clerk{ID: "lead", Role: RoleLeitung}
	for _, before := range []Status{StatusAbgeschlossen, StatusVerworfen} {
		c := &Case{ID: "c", Status: before}
		apply := func(a Action) {
			t.Helper()
			m, _ := NewMutation("c", KindTransition, TransitionPayload{Action: a})
			if _, err := Apply(c, m, lead); err != nil {
				t.Fatalf("%s: %v", a, err)
			}
		}
		apply(ActionLoeschenAnfordern)
		if c.Status != StatusZuLoeschen {
			t.Fatalf("status %s", c.Status)
		}
		apply(ActionLoeschanforderungZuruecknehmen)
		if c.Status != before {
			t.Errorf("withdraw led to %s, want %s", c.Status, before)
		}
		if c.Versions[FieldStatus] != 2 {
			t.Errorf("status version %d, want 2", c.Versions[FieldStatus])
		}
	}
}

func TestAllowedIsWhatCheckAllows(t *testing.T) {
	c := &Case{Status: StatusNeu}
	got := Allowed(c, RoleSachbearbeitung)
	want := []Action{ActionAnnehmen, ActionVerwerfen, ActionWeiterleiten}
	if !slices.Equal(got, want) {
		t.Errorf("Allowed(NEU) = %v, want %v", got, want)
	}
	c.Status = StatusAbgeschlossen
	if slices.Contains(Allowed(c, RoleSachbearbeitung), ActionLoeschenAnfordern) {
		t.Error("Sachbearbeitung offered löschen anfordern")
	}
	if !slices.Contains(Allowed(c, RoleLeitung), ActionLoeschenAnfordern) {
		t.Error("Sachgebietsleitung not offered löschen anfordern")
	}
}

func TestEveryStatusHasGermanLabel(t *testing.T) {
	for _, s := range Statuses {
		if s.Label() == string(s) {
			t.Errorf("status %s has no German label", s)
		}
	}
}
