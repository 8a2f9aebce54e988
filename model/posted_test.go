package model

import (
	"errors"
	"testing"
	"time"
)

func TestPostedOncePerSignedDecision(t *testing.T) {
	c := newCase(t)
	at := t0
	for _, d := range []DecisionInfo{{ID: "d1", Title: "Bewilligung", SignedAt: &at}, {ID: "d2", Title: "Entwurf"}} {
		if _, err := Apply(c, mustMutation(t, "c1", KindDecision, DecisionPayload{Decision: d}), clerk); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	post := func(ids ...string) (string, error) {
		return Apply(c, mustMutation(t, "c1", KindPosted, PostedPayload{DecisionIDs: ids, Date: day}), clerk)
	}
	for _, tc := range []struct {
		ids  []string
		want error
	}{
		{nil, ErrInvalid},
		{[]string{"d2"}, ErrNotAllowedNow}, // not signed
		{[]string{"nope"}, ErrNotFound},
	} {
		before := c.Version
		if _, err := post(tc.ids...); !errors.Is(err, tc.want) {
			t.Errorf("post %v: %v, want %v", tc.ids, err, tc.want)
		}
		if c.Version != before || c.Decisions[0].PostedAt != nil {
			t.Errorf("post %v changed the case", tc.ids)
		}
	}
	summary, err := post("d1")
	if err != nil {
		t.Fatal(err)
	}
	if summary != "Bewilligung per Post versandt am 28.11.2026" {
		t.Errorf("summary %q", summary)
	}
	if p := c.Decisions[0].PostedAt; p == nil || !p.Equal(day) {
		t.Errorf("PostedAt %v", p)
	}
	if _, err := post("d1"); !errors.Is(err, ErrNotAllowedNow) {
		t.Errorf("posted twice: %v", err)
	}
}
