package app

import (
	"strings"
	"testing"
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
