package app

import (
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/demo"
)

func actionOf(d CaseDetail, action string) (ActionView, bool) {
	for _, a := range d.Actions {
		if a.Action == action {
			return a, true
		}
	}
	return ActionView{}, false
}

// TestDestructiveActionsMarked: the actions that give a case up say so and say what
// the UI asks first; the harmless ones do not.
func TestDestructiveActionsMarked(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	v, ok := actionOf(d, "verwerfen")
	if !ok || !v.Destructive || !strings.Contains(v.Confirm, "verworfen") || !v.NeedsReason {
		t.Errorf("verwerfen: %+v", v)
	}
	if v, _ := actionOf(d, "annehmen"); v.Destructive || v.Confirm != "" {
		t.Errorf("annehmen marked destructive: %+v", v)
	}
	d, err := a.Transition(d.ID, "verwerfen", "Doppelt eingegangen")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := actionOf(d, "zurueckholen"); v.Destructive {
		t.Errorf("zurückholen marked destructive: %+v", v)
	}
}

// TestBulkAssignAsksSkipsAndSaysWhy: a bulk assignment leaves a colleague's case
// alone until the clerk confirms, never touches finished or forwarded cases, and says
// per case why, naming its status.
func TestBulkAssignAsksSkipsAndSaysWhy(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	me := a.current().ID
	free := mustCase(t, a, postInput)
	closed := mustCase(t, a, postInput)
	discarded := mustCase(t, a, postInput)
	if _, err := a.Transition(discarded.ID, "verwerfen", "Doppelt"); err != nil {
		t.Fatal(err)
	}
	for _, act := range []string{"annehmen", "bearbeiten", "abschliessen"} {
		if _, err := a.Transition(closed.ID, act, ""); err != nil {
			t.Fatal(act, err)
		}
	}
	// A colleague takes a case and works on it.
	if _, err := a.SwitchClerk(demo.ClerkSachbearbeitung2); err != nil {
		t.Fatal(err)
	}
	held := mustCase(t, a, postInput)
	if _, err := a.Assign(held.ID, demo.ClerkSachbearbeitung2); err != nil {
		t.Fatal(err)
	}
	for _, act := range []string{"annehmen", "bearbeiten"} {
		if _, err := a.Transition(held.ID, act, ""); err != nil {
			t.Fatal(act, err)
		}
	}
	if _, err := a.SwitchClerk(me); err != nil {
		t.Fatal(err)
	}

	ids := []string{free.ID, held.ID, closed.ID, discarded.ID}
	res, err := a.BulkAssign(ids, me, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Done != 1 || len(res.Ask) != 1 || res.Ask[0].ID != held.ID || len(res.Failed) != 2 {
		t.Fatalf("bulk assign: %+v", res)
	}
	if r := res.Ask[0]; !strings.Contains(r.Reason, "Thomas Schulz") || !strings.Contains(r.Reason, "„In Bearbeitung“") || r.Status != "In Bearbeitung" || !r.Ask {
		t.Errorf("ask: %+v", r)
	}
	why := map[string]string{}
	for _, f := range res.Failed {
		why[f.ID] = f.Reason
	}
	if !strings.Contains(why[closed.ID], "„Abgeschlossen“") || !strings.Contains(why[discarded.ID], "„Verworfen“") {
		t.Errorf("reasons do not name the status: %q", why)
	}
	if d, _ := a.GetCase(held.ID); d.Assignee != demo.ClerkSachbearbeitung2 {
		t.Errorf("the colleague's case was taken without asking: %s", d.Assignee)
	}
	if d, _ := a.GetCase(closed.ID); d.Assignee != "" {
		t.Errorf("a closed case was assigned: %s", d.Assignee)
	}

	// Confirmed: the colleague's case is taken; the others are left alone again.
	res, err = a.BulkAssign([]string{held.ID, closed.ID}, me, true)
	if err != nil || res.Done != 1 || len(res.Ask) != 0 || len(res.Failed) != 1 {
		t.Fatalf("confirmed: %+v %v", res, err)
	}
	if d, _ := a.GetCase(held.ID); d.Assignee != me {
		t.Errorf("after confirming, the case is %s's", d.Assignee)
	}
	// Again: already mine, said so.
	res, _ = a.BulkAssign([]string{held.ID}, me, false)
	if res.Done != 0 || len(res.Failed) != 1 || !strings.Contains(res.Failed[0].Reason, "bereits zuständig") {
		t.Errorf("already mine: %+v", res)
	}
}

// TestBulkTransitionNamesTheStatus: a refused case says which status it is in.
func TestBulkTransitionNamesTheStatus(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	if _, err := a.Transition(d.ID, "annehmen", ""); err != nil {
		t.Fatal(err)
	}
	res, err := a.BulkTransition([]string{d.ID}, "annehmen")
	if err != nil || len(res.Failed) != 1 || res.Failed[0].Reason != "„Annehmen“ ist im Status „Angenommen“ nicht möglich; nicht geändert." {
		t.Fatalf("%+v %v", res, err)
	}
}
