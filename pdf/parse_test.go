package pdf

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Object
	}{
		{"null", nil},
		{"true", Bool(true)},
		{" 42 ", Integer(42)},
		{"-3", Integer(-3)},
		{"+.5", Real(0.5)},
		{"595.28", Real(595.28)},
		{"12 0 R", Ref{12, 0}},
		{"12 0", Integer(12)},
		{"/Name", Name("Name")},
		{"/A#20B#2f", Name("A B/")},
		{"/", Name("")},
		{"(a (b) \\(c\\) \\n\\101\\0537 \\\nx)", String("a (b) (c) \nA+7 x")},
		{"<48 65 6c6C 6>", HexString("Hell`")},
		{"<>", HexString{}},
		{"[1 2 0 R /X [true] (s)]", Array{Integer(1), Ref{2, 0}, Name("X"), Array{Bool(true)}, String("s")}},
		{"<</A 1/B<</C null>>/D[]>>", NewDict("A", Integer(1), "B", &Dict{vals: map[string]Object{}}, "D", Array(nil))},
		{"% comment\n/X", Name("X")},
	} {
		got, _, err := Parse([]byte(tc.in))
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		"", "   ", "(unterminated", "<abc", "<zz>", "<</A>>", "<<1 2>>", "[1 2", "R", "1e5", "0x10", "nan",
		"endobj", ")", strings.Repeat("[", 100) + strings.Repeat("]", 100),
		strings.Repeat("<</A ", 100) + "1" + strings.Repeat(">>", 100),
	} {
		if _, _, err := Parse([]byte(in)); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%.30q) = %v, want ErrMalformed", in, err)
		}
	}
}

// TestRoundTrip writes objects and parses them back.
func TestRoundTrip(t *testing.T) {
	for _, o := range []Object{
		NewDict("Type", Name("Page"), "Name with space", String("(x)\\\r"), "Kids", Array{Ref{3, 1}, nil, Real(-0.25)}, "Big", Integer(1<<40)),
		HexString{0, 1, 0xFF}, Name("a#b(c)"), Real(1e20), Array{},
	} {
		b := AppendObject(nil, o)
		got, end, err := Parse(b)
		if err != nil || end != len(b) {
			t.Fatalf("%s: %v (end %d of %d)", b, err, end, len(b))
		}
		if again := AppendObject(nil, got); !bytes.Equal(again, b) {
			t.Errorf("%s came back as %s", b, again)
		}
	}
}

// FuzzParse feeds the lexer and parser: whatever it accepts, it writes back in a form
// that parses to the same bytes again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"<</Type /Page /Kids [1 0 R 2 0 R] /MediaBox [0 0 595.28 841.89] /T (x\\)y) /H <0A0b>>>",
		"(nested (paren) \\053 \\\r\n)", "/N#41me", "[-1 0 R]", "99999999999999999999", "-0.0",
		strings.Repeat("[", 70), strings.Repeat("<</A ", 70), "<< /A (" + strings.Repeat("(", 1000),
		"[1 2 R 3 4 5 R] % c\r\n", "\x00\x0c/a\x00", "<</Length 99999999999 >>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		o, end, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if end > len(b) {
			t.Fatalf("end %d beyond %d", end, len(b))
		}
		w := AppendObject(nil, o)
		o2, end2, err := Parse(w)
		if err != nil || end2 != len(w) {
			t.Fatalf("%q written as %q does not parse back: %v", b, w, err)
		}
		if w2 := AppendObject(nil, o2); !bytes.Equal(w, w2) {
			t.Fatalf("%q: %q then %q", b, w, w2)
		}
	})
}
