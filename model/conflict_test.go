package model

import (
	"encoding/json"
	"errors"
	"testing"
)

func resolve(t *testing.T, c *Case, by Clerk, field, keep, value string) (string, error) {
	t.Helper()
	p := ConflictResolvePayload{ConflictID: "cf-1", Field: field, Keep: keep}
	if value != "" {
		p.Value = json.RawMessage(value)
	}
	return Apply(c, mustMutation(t, c.ID, KindConflictResolve, p), by)
}

func TestResolveKeepServerChangesNothing(t *testing.T) {
	c := newCase(t)
	before := *c
	s, err := resolve(t, c, clerk, FieldAssignee, KeepServer, `"jonas"`)
	if err != nil || s != "Konflikt bei Zuständigkeit gelöst: Wert der OZG-Cloud behalten" {
		t.Fatal(s, err)
	}
	if c.Assignee != before.Assignee || c.Versions[FieldAssignee] != before.Versions[FieldAssignee] || c.Version != before.Version+1 {
		t.Fatalf("keep server changed the case: %+v", c)
	}
}

func TestResolveSetsValue(t *testing.T) {
	c := newCase(t)
	if _, err := resolve(t, c, clerk, FieldAssignee, KeepClient, `"anna"`); err != nil || c.Assignee != "anna" || c.Versions[FieldAssignee] != 1 {
		t.Fatalf("assignee %q v%d: %v", c.Assignee, c.Versions[FieldAssignee], err)
	}
	if _, err := resolve(t, c, other, FieldAssignee, KeepMerged, `"lena"`); !errors.Is(err, ErrRoleNotPermitted) {
		t.Fatalf("handing someone else's case on: %v", err)
	}
	if _, err := resolve(t, c, clerk, FieldLegalDeadline, KeepMerged, `"2026-12-01T00:00:00Z"`); err != nil || c.LegalDeadline == nil || c.LegalDeadline.Day() != 1 {
		t.Fatalf("deadline %v: %v", c.LegalDeadline, err)
	}
	if _, err := resolve(t, c, clerk, FieldLegalDeadline, KeepClient, `null`); err != nil || c.LegalDeadline != nil {
		t.Fatalf("deadline removed %v: %v", c.LegalDeadline, err)
	}
}

func TestResolveStatusFollowsTheTable(t *testing.T) {
	c := newCase(t)
	if _, err := resolve(t, c, clerk, FieldStatus, KeepMerged, `"BESCHIEDEN"`); !errors.Is(err, ErrNotAllowedNow) {
		t.Fatalf("NEU to BESCHIEDEN: %v", err)
	}
	if _, err := resolve(t, c, clerk, FieldStatus, KeepClient, `"VERWORFEN"`); err != nil || c.Status != StatusVerworfen || c.PrevStatus != StatusNeu {
		t.Fatalf("status %s prev %s: %v", c.Status, c.PrevStatus, err)
	}
	if _, err := resolve(t, c, clerk, FieldStatus, KeepClient, `"ZU_LOESCHEN"`); !errors.Is(err, ErrNotAllowedNow) {
		t.Fatalf("deletion request by a clerk: %v", err)
	}
	if _, err := resolve(t, c, lead, FieldStatus, KeepClient, `"ZU_LOESCHEN"`); err != nil || c.Status != StatusZuLoeschen {
		t.Fatalf("deletion request by the lead: %v", err)
	}
}

func TestResolveRefusesNonsense(t *testing.T) {
	for _, tc := range []struct{ field, keep, value string }{
		{"title", KeepClient, `"x"`},
		{FieldAssignee, "both", `"x"`},
		{FieldAssignee, KeepMerged, `42`},
		{FieldStatus, KeepMerged, `"UNBEKANNT"`},
		{FieldTargetDeadline, KeepMerged, `"morgen"`},
	} {
		c := newCase(t)
		before := *c
		if _, err := resolve(t, c, lead, tc.field, tc.keep, tc.value); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", tc, err)
		}
		if c.Version != before.Version {
			t.Errorf("%+v changed the case", tc)
		}
	}
	c := newCase(t)
	m := mustMutation(t, c.ID, KindConflictResolve, ConflictResolvePayload{Field: FieldStatus, Keep: KeepServer})
	if _, err := Apply(c, m, clerk); !errors.Is(err, ErrInvalid) {
		t.Fatalf("without conflict id: %v", err)
	}
}
