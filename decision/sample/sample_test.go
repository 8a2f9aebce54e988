package sample

import (
	"errors"
	"testing"
)

func TestCase(t *testing.T) {
	c, err := Case(1, "BAU", Date)
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != "BAU" || c.FileNumber == "" {
		t.Errorf("got type %q, file number %q", c.Type, c.FileNumber)
	}
	if _, err := Case(1, "GIBTSNICHT", Date); !errors.Is(err, ErrUnknownCaseType) {
		t.Errorf("unknown case type: %v", err)
	}
}

// TestLetterIsStable guards the benchmarks: two calls must give the same letter, or
// runs would measure different text.
func TestLetterIsStable(t *testing.T) {
	a, err := Letter()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Letter()
	if a.VerificationCode() != b.VerificationCode() || !a.Date.Equal(Date) {
		t.Errorf("letters differ: %s vs %s, date %v", a.VerificationCode(), b.VerificationCode(), a.Date)
	}
}
