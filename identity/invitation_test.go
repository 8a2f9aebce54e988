package identity

import (
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestInvitationCode(t *testing.T) {
	format := regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$`)
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 2000 {
		code, inv, err := NewInvitation("u-erika", t0, 0, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !format.MatchString(code) {
			t.Fatalf("code %q is not four groups of four unambiguous characters", code)
		}
		if seen[code] {
			t.Fatalf("code %q came twice", code)
		}
		seen[code] = true
		if strings.Contains(inv.Hash, code) || len(inv.Hash) != 64 {
			t.Fatalf("stored hash %q is not a SHA-256 hex digest", inv.Hash)
		}
		if !inv.Expires.Equal(t0.Add(InvitationValidity)) || !inv.Used.IsZero() || inv.UserID != "u-erika" {
			t.Fatalf("invitation %+v", inv)
		}
		for _, r := range strings.ReplaceAll(code, "-", "") {
			counts[r]++
		}
	}
	// 32,000 characters over 32 symbols: each about 1,000 times. A biased picker
	// (modulo a length that does not divide 256) would skew some by a third.
	for _, r := range codeAlphabet {
		if c := counts[r]; c < 800 || c > 1200 {
			t.Errorf("character %c appeared %d times in 32,000; want about 1,000", r, c)
		}
	}
	if _, _, err := NewInvitation("u", t0, 0, strings.NewReader("short")); err == nil {
		t.Error("NewInvitation with a failing rand: no error")
	}
}

func TestInvitationRedeem(t *testing.T) {
	code, inv, err := NewInvitation("u-erika", t0, 48*time.Hour, seeded(7))
	if err != nil {
		t.Fatal(err)
	}
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	other, _, _ := NewInvitation("u-erika", t0, 0, seeded(8))

	for _, tc := range []struct {
		name string
		code string
		now  time.Time
		want error
	}{
		{"malformed", "ABCD-EFGH", t0, ErrInvitationMalformed},
		{"ambiguous letter", strings.Replace(code, code[:1], "O", 1), t0, ErrInvitationMalformed},
		{"wrong", other, t0, ErrInvitationWrong},
		{"expired", code, t0.Add(48 * time.Hour), ErrInvitationExpired},
	} {
		try := inv
		if err := try.Redeem(tc.code, tc.now); !errors.Is(err, tc.want) {
			t.Errorf("%s: Redeem = %v; want %v", tc.name, err, tc.want)
		}
		if !try.Used.IsZero() {
			t.Errorf("%s: a refused code marked the invitation used", tc.name)
		}
	}

	// Typed in lower case with blanks, just before it expires: accepted once.
	now := t0.Add(48*time.Hour - time.Second)
	if err := inv.Redeem(typed, now); err != nil {
		t.Fatalf("Redeem(%q) = %v", typed, err)
	}
	if !inv.Used.Equal(now) {
		t.Errorf("Used = %s; want %s", inv.Used, now)
	}
	if err := inv.Redeem(code, now); !errors.Is(err, ErrInvitationUsed) {
		t.Errorf("second Redeem = %v; want ErrInvitationUsed", err)
	}
	// A wrong code on a used invitation says "wrong", not "used".
	if err := inv.Redeem(other, now); !errors.Is(err, ErrInvitationWrong) {
		t.Errorf("wrong code on a used invitation = %v; want ErrInvitationWrong", err)
	}
}

func TestInvitationHash(t *testing.T) {
	h1, err1 := InvitationHash("ABCD-EFGH-JKLM-NPQR")
	h2, err2 := InvitationHash(" abcd efgh\tjklm-npqr")
	if err1 != nil || err2 != nil || h1 != h2 {
		t.Errorf("spellings of one code hash differently: %s %v / %s %v", h1, err1, h2, err2)
	}
	for _, bad := range []string{"", "ABCD-EFGH-JKLM-NPQ", "ABCD-EFGH-JKLM-NPQRS", "ABCD-EFGH-JKLM-NPQ1", "ÄBCD-EFGH-JKLM-NPQR", "ABCD_EFGH_JKLM_NPQR"} {
		if _, err := InvitationHash(bad); !errors.Is(err, ErrInvitationMalformed) {
			t.Errorf("InvitationHash(%q) = %v; want ErrInvitationMalformed", bad, err)
		}
	}
}
