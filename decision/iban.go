package decision

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// Errors of CheckIBAN and CheckBIC; the app words them for the administration.
var (
	// ErrIBANFormat: the IBAN does not start with a country code and two check digits,
	// or is shorter than 15 or longer than 34 characters.
	ErrIBANFormat = errors.New("decision: IBAN: no country code and check digits")
	// ErrIBANChars: the IBAN holds a character other than a letter or a digit.
	ErrIBANChars = errors.New("decision: IBAN: only letters and digits")
	// ErrIBANChecksum: the check digits do not match (ISO 13616, mod 97).
	ErrIBANChecksum = errors.New("decision: IBAN: check digits do not match")
	// ErrBIC: not a BIC of 8 or 11 characters.
	ErrBIC = errors.New("decision: BIC: not 8 or 11 characters of a BIC")
)

// IBANLengthError: the IBAN has not the length of its country's IBANs.
type IBANLengthError struct {
	Country   string
	Want, Got int
}

func (e *IBANLengthError) Error() string {
	return fmt.Sprintf("decision: IBAN: %s has %d characters, not %d", e.Country, e.Want, e.Got)
}

// ibanLength is the length of the IBAN in the countries whose accounts an office in
// Germany will name; other countries are checked by the checksum only.
var ibanLength = map[string]int{"DE": 22, "AT": 20, "CH": 21, "NL": 18, "BE": 16, "LU": 20, "FR": 27, "DK": 18, "PL": 28}

// compact removes blanks and makes s upper case, as IBANs and BICs are compared.
func compact(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }

// CheckIBAN checks an IBAN as typed (blanks and lower case allowed) and returns it in
// groups of four ("DE02 1203 0000 0000 2020 51"). Errors: ErrIBANFormat, ErrIBANChars,
// *IBANLengthError, ErrIBANChecksum.
func CheckIBAN(s string) (string, error) {
	s = compact(s)
	if len(s) < 15 || len(s) > 34 || !isLetters(s[:2]) || !isDigits(s[2:4]) {
		return "", ErrIBANFormat
	}
	if n, ok := ibanLength[s[:2]]; ok && len(s) != n {
		return "", &IBANLengthError{Country: s[:2], Want: n, Got: len(s)}
	}
	// ISO 13616: move the first four characters to the end, letters to 10..35, mod 97 = 1.
	var digits strings.Builder
	for _, r := range s[4:] + s[:4] {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			fmt.Fprintf(&digits, "%d", r-'A'+10)
		default:
			return "", ErrIBANChars
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	if new(big.Int).Mod(n, big.NewInt(97)).Int64() != 1 {
		return "", ErrIBANChecksum
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}

var bic = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)

// CheckBIC checks a BIC as typed and returns it compact and upper case, or ErrBIC.
func CheckBIC(s string) (string, error) {
	if s = compact(s); !bic.MatchString(s) {
		return "", ErrBIC
	}
	return s, nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
