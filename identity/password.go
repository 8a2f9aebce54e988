package identity

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Password lengths in characters (runes), not bytes: "Straßenbahn" is 11.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// commonList is our own list of common passwords and the words they are built from;
// passwords/README.md says where it comes from and under which terms we ship it.
//
//go:embed passwords/common.txt
var commonList string

// commonWords is commonList normalised (see normalize), one entry per line, without
// comments.
var commonWords = sync.OnceValue(func() map[string]bool {
	words := map[string]bool{}
	for _, line := range strings.Split(commonList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			words[normalize(line)] = true
		}
	}
	return words
})

// CheckPassword applies the password rules to a new password: at least MinPasswordLen
// and at most MaxPasswordLen characters, none of personal (the user's name, user name,
// e-mail address: parts of four or more letters count), and not common. Common means,
// after lower-casing and writing umlauts as ae, oe, ue, ss:
//   - the password is on the list, one unit repeated ("abcabcabca"), a run of
//     consecutive characters ("1234567890") or a piece of a keyboard row;
//   - its letters alone, or its letters after reading common substitutions (p@ssw0rd)
//     once digits and symbols at either end are dropped, form a listed word, a piece
//     of a keyboard row or one unit repeated ("Sommer2024!", "Schalke04!!",
//     "P@ssw0rd123");
//   - it has no letters and fewer than 12 characters (a date, a PIN).
//
// The error is ErrPasswordTooShort, ErrPasswordTooLong, ErrPasswordPersonal or
// ErrPasswordCommon.
func CheckPassword(password string, personal ...string) error {
	switch n := utf8.RuneCountInString(password); {
	case n < MinPasswordLen:
		return ErrPasswordTooShort
	case n > MaxPasswordLen:
		return ErrPasswordTooLong
	}
	s := normalize(password)
	cores := cores(s)
	for _, p := range personal {
		for _, part := range strings.FieldsFunc(normalize(p), isNotLetter) {
			if utf8.RuneCountInString(part) < 4 {
				continue
			}
			for _, c := range cores {
				if strings.Contains(c, part) {
					return ErrPasswordPersonal
				}
			}
		}
	}
	if commonWords()[s] || period(s) != "" || isRun(s) || onKeyboardRow(s) {
		return ErrPasswordCommon
	}
	if cores[0] == "" && utf8.RuneCountInString(s) < 12 {
		return ErrPasswordCommon
	}
	for _, c := range cores {
		if c != "" && (commonWords()[c] || onKeyboardRow(c) || period(c) != "") {
			return ErrPasswordCommon
		}
	}
	return nil
}

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

func normalize(s string) string { return umlauts.Replace(strings.ToLower(s)) }

func isNotLetter(r rune) bool { return !unicode.IsLetter(r) }

// cores returns the letter words hidden in a normalised password: its letters alone
// first, then its letters after reading digit and symbol substitutions in the part
// between the first and the last letter (1 read as i and as l).
func cores(s string) []string {
	letters := strings.Map(func(r rune) rune {
		if isNotLetter(r) {
			return -1
		}
		return r
	}, s)
	inner := strings.TrimFunc(s, isNotLetter)
	out := []string{letters}
	for _, one := range []rune{'i', 'l'} {
		c := strings.Map(func(r rune) rune {
			if l, ok := leet[r]; ok {
				return l
			}
			if r == '1' {
				return one
			}
			if isNotLetter(r) {
				return -1
			}
			return r
		}, inner)
		if c != out[len(out)-1] {
			out = append(out, c)
		}
	}
	return out
}

var leet = map[rune]rune{'0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's', '!': 'i', '€': 'e'}

// period returns the shortest unit that s repeats at least twice (the last repetition
// may be cut short), or "" when there is none.
func period(s string) string {
	for n := 1; n <= len(s)/2; n++ {
		if s[n:] == s[:len(s)-n] {
			return s[:n]
		}
	}
	return ""
}

// isRun reports whether s is three or more consecutive characters, up or down
// ("abcdef", "0987654321"; 9 and 0 are neighbours).
func isRun(s string) bool {
	r := []rune(s)
	if len(r) < 3 {
		return false
	}
	step := func(a, b rune) rune {
		if a == '9' && b == '0' {
			return 1
		}
		if a == '0' && b == '9' {
			return -1
		}
		return b - a
	}
	d := step(r[0], r[1])
	if d != 1 && d != -1 {
		return false
	}
	for i := 2; i < len(r); i++ {
		if step(r[i-1], r[i]) != d {
			return false
		}
	}
	return true
}

// keyboardRows are the rows of German and English keyboards and the alphabet, in the
// normalised spelling (ü is ue).
var keyboardRows = []string{
	"1234567890ss", "qwertzuiopue", "asdfghjkloeae", "yxcvbnm",
	"qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz",
}

// onKeyboardRow reports whether s, three or more characters, is a piece of a keyboard
// row read either way.
func onKeyboardRow(s string) bool {
	if utf8.RuneCountInString(s) < 3 {
		return false
	}
	rev := []rune(s)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	for _, row := range keyboardRows {
		if strings.Contains(row, s) || strings.Contains(row, string(rev)) {
			return true
		}
	}
	return false
}
