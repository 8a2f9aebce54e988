package identity

import (
	"errors"
	"strings"
	"testing"
	"unicode"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		password string
		personal []string
		want     error
	}{
		// Good: long enough, not built from a listed word or a pattern.
		{"Rathaus-Kaffee-Treppe", nil, nil},
		{"Kx9#mQ2$vL", nil, nil},
		{"der Hund bellt leise", nil, nil},
		{"Straßenbahn7", nil, nil}, // 12 characters, 13 bytes
		{"Grünkohl&Pinkel", []string{"Maria Müller", "mmueller"}, nil},
		{"8#2k!9$4@1x", nil, nil},
		{"6419-2085-3377", nil, nil}, // 14 characters, no letters, not a pattern

		// Length, counted in characters.
		{"", nil, ErrPasswordTooShort},
		{"kurz", nil, ErrPasswordTooShort},
		{"Gänsefüß", nil, ErrPasswordTooShort}, // 8 characters, 11 bytes
		{strings.Repeat("Xq7!", 64) + "a", nil, ErrPasswordTooLong},

		// On the list as a whole.
		{"1q2w3e4r5t", nil, ErrPasswordCommon},
		{"passwort123", nil, ErrPasswordCommon},
		{"Passwort123", nil, ErrPasswordCommon},
		{"ICHLIEBEDICH", nil, ErrPasswordCommon},
		{"qwertzuiop", nil, ErrPasswordCommon},
		// A listed word with digits and symbols around it.
		{"Sommer2024!", nil, ErrPasswordCommon},
		{"!!Schalke04!!", nil, ErrPasswordCommon},
		{"Fußball1234", nil, ErrPasswordCommon},
		{"Fussball1234", nil, ErrPasswordCommon},
		{"Bürgeramt2026", nil, ErrPasswordCommon},
		{"2026Rathaus", nil, ErrPasswordCommon},
		{"Bayern München 1900", nil, ErrPasswordCommon},
		// Substitutions.
		{"P@ssw0rd2024", nil, ErrPasswordCommon},
		{"H4ll0-H4ll0!", nil, ErrPasswordCommon},
		{"he11o1234567", nil, ErrPasswordCommon},
		// Repetition, runs and keyboard rows.
		{"aaaaaaaaaa", nil, ErrPasswordCommon},
		{"          ", nil, ErrPasswordCommon},
		{"abcabcabca", nil, ErrPasswordCommon},
		{"Katzenklo!Katzenklo", nil, ErrPasswordCommon},
		{"1234567890", nil, ErrPasswordCommon},
		{"0987654321", nil, ErrPasswordCommon},
		{"5678901234", nil, ErrPasswordCommon},
		{"abcdefghijk", nil, ErrPasswordCommon},
		{"asdfghjklö", nil, ErrPasswordCommon},
		{"poiuztrewq", nil, ErrPasswordCommon},
		{"qwe1234567", nil, ErrPasswordCommon},
		// No letters and short.
		{"01.01.1980", nil, ErrPasswordCommon},
		{"24121975!", nil, ErrPasswordTooShort},
		{"2412197512", nil, ErrPasswordCommon},

		// Personal words, four letters or more, in any spelling.
		{"Zuckerwatte-Hinterhuber", []string{"Anton Hinterhuber"}, ErrPasswordPersonal},
		{"HINTERHUBER_ist_da", []string{"a.hinterhuber@amt.example"}, ErrPasswordPersonal},
		{"Müllerstraße 12b", []string{"Maria Mueller"}, ErrPasswordPersonal},
		{"Ed-Zuckerwatte-9", []string{"Ed Li"}, nil}, // parts under four letters do not count
	} {
		err := CheckPassword(tc.password, tc.personal...)
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("CheckPassword(%q, %q) = %v; want %v", tc.password, tc.personal, err, tc.want)
		}
	}
}

// TestCommonListHygiene keeps the list to the rules in passwords/README.md: entries
// normalised (else they could never match), no duplicates, a small file.
func TestCommonListHygiene(t *testing.T) {
	seen := map[string]bool{}
	for i, line := range strings.Split(commonList, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line != strings.TrimSpace(line) || line != normalize(line) {
			t.Errorf("line %d %q: not lower case with umlauts written out", i+1, line)
		}
		if strings.ContainsFunc(line, unicode.IsSpace) {
			t.Errorf("line %d %q: contains a blank", i+1, line)
		}
		if seen[line] {
			t.Errorf("line %d %q: duplicate", i+1, line)
		}
		seen[line] = true
	}
	if n := len(seen); n < 500 || n > 5000 {
		t.Errorf("list has %d entries; want 500 to 5,000", n)
	}
	if len(commonWords()) != len(seen) {
		t.Errorf("commonWords has %d entries, the file %d", len(commonWords()), len(seen))
	}
}

func TestPatterns(t *testing.T) {
	for _, tc := range []struct {
		s      string
		period string
		run    bool
		row    bool
	}{
		{"abab", "ab", false, false},
		{"abcab", "", false, false},
		{"abcabca", "abc", false, false},
		{"abcd", "", true, true},
		{"dcba", "", true, true},
		{"9012", "", true, false},
		{"2109", "", true, false},
		{"ab", "", false, false},
		{"ac", "", false, false},
		{"aceg", "", false, false},
		{"trewq", "", false, true},
		{"hgfdsa", "", false, true},
		{"ztr", "", false, true},
		{"zt", "", false, false},
	} {
		if got := period(tc.s); got != tc.period {
			t.Errorf("period(%q) = %q; want %q", tc.s, got, tc.period)
		}
		if got := isRun(tc.s); got != tc.run {
			t.Errorf("isRun(%q) = %v; want %v", tc.s, got, tc.run)
		}
		if got := onKeyboardRow(tc.s); got != tc.row {
			t.Errorf("onKeyboardRow(%q) = %v; want %v", tc.s, got, tc.row)
		}
	}
}
