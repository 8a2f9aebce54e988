package decision

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckIBAN(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{"DE02120300000000202051", "DE02 1203 0000 0000 2020 51", nil},
		{"de02 1203 0000 0000 2020 51", "DE02 1203 0000 0000 2020 51", nil},
		{"DE89370400440532013000", "DE89 3704 0044 0532 0130 00", nil},
		{"AT611904300234573201", "AT61 1904 3002 3457 3201", nil},
		{"GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32", nil},
		{"DE89370400440532013001", "", ErrIBANChecksum},
		{"DE8937040044053201300", "", &IBANLengthError{Country: "DE", Want: 22, Got: 21}},
		{"D189370400440532013000", "", ErrIBANFormat},
		{"DE89-370400440532013000", "", &IBANLengthError{Country: "DE", Want: 22, Got: 23}},
		{"GB82-WEST12345698765432", "", ErrIBANChars},
		{"", "", ErrIBANFormat},
	} {
		got, err := CheckIBAN(tc.in)
		var le *IBANLengthError
		switch want := tc.err.(type) {
		case nil:
			if err != nil || got != tc.want {
				t.Errorf("CheckIBAN(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		case *IBANLengthError:
			if !errors.As(err, &le) || *le != *want {
				t.Errorf("CheckIBAN(%q): %v, want %v", tc.in, err, want)
			}
		default:
			if !errors.Is(err, tc.err) {
				t.Errorf("CheckIBAN(%q): %v, want %v", tc.in, err, tc.err)
			}
		}
	}
}

func TestCheckBIC(t *testing.T) {
	for in, want := range map[string]string{"byladem1001": "BYLADEM1001", "NOLA DE 21 KIE": "NOLADE21KIE", "COBADEFF": "COBADEFF", "BYLADEM10": "", "12LADEM1": ""} {
		got, err := CheckBIC(in)
		if want == "" && !errors.Is(err, ErrBIC) || want != "" && (err != nil || got != want) {
			t.Errorf("CheckBIC(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// FuzzCheckIBAN: whatever is typed, CheckIBAN answers without panicking, and what it
// accepts it accepts again as it returned it.
func FuzzCheckIBAN(f *testing.F) {
	for _, s := range []string{"DE02120300000000202051", "de02 1203 0000 0000 2020 51", "GB82WEST12345698765432", "DEäö", "", "AA00" + strings.Repeat("9", 30)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CheckIBAN(s)
		if err != nil {
			return
		}
		again, err := CheckIBAN(got)
		if err != nil || again != got {
			t.Fatalf("CheckIBAN(%q) = %q, which it does not accept again: %q %v", s, got, again, err)
		}
	})
}
