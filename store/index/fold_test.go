package index

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Müller", "mueller"},
		{"MÜLLER", "mueller"},
		{"mueller", "mueller"},
		{"Mueller", "mueller"},
		{"Straße", "strasse"},
		{"STRASSE", "strasse"},
		{"GROẞ", "gross"},
		{"Öztürk", "oeztuerk"},
		{"Äpfel", "aepfel"},
		{"René", "rene"},
		{"Zoë", "zoe"},
		{"François", "francois"},
		{"Łukasiewicz", "lukasiewicz"},
		{"Yılmaz", "yilmaz"},
		{"Dvořák", "dvorak"},
		{"Ærø", "aero"},
		{"Œuvre", "oeuvre"},
		{"Mu\u0308ller", "mueller"}, // decomposed ü
		{"Jose\u0301", "jose"},      // decomposed é
		{"BAU-2026-0042-A7", "bau-2026-0042-a7"},
		{"Hans-Peter Müller-Lüdenscheidt", "hans-peter mueller-luedenscheidt"},
		{"ΑΘΗΝΑ", "αθηνα"},
		{"", ""},
		{"abc 123", "abc 123"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldAlternate(t *testing.T) {
	tests := []struct {
		in, prim, alt string
		umlaut        bool
	}{
		{"Müller", "mueller", "muller", true},
		{"Größe", "groesse", "grosse", true},
		{"Straße", "strasse", "strasse", false},
		{"Mueller", "mueller", "mueller", false},
		{"Mu\u0308ller", "mueller", "muller", true},
		{"Zoë", "zoe", "zoe", false}, // ë is an accent, not an umlaut
	}
	for _, tt := range tests {
		p, a, u := fold2(tt.in)
		if p != tt.prim || a != tt.alt || u != tt.umlaut {
			t.Errorf("fold2(%q) = %q, %q, %v; want %q, %q, %v", tt.in, p, a, u, tt.prim, tt.alt, tt.umlaut)
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name  string
		parts []string
		want  []string
	}{
		{"umlaut both forms", []string{"Jürgen Müller"}, []string{"juergen", "jurgen", "mueller", "muller"}},
		{"sharp s", []string{"Lange Straße 5"}, []string{"5", "lange", "strasse"}},
		{"file number whole and parts", []string{"BAU-2026-0042-A7"}, []string{"0042", "2026", "a7", "bau", "bau-2026-0042-a7"}},
		{"double name", []string{"Müller-Lüdenscheidt"}, []string{"ludenscheidt", "luedenscheidt", "mueller", "mueller-luedenscheidt", "muller", "muller-ludenscheidt"}},
		{"e-mail", []string{"max.mueller@web.de"}, []string{"de", "max", "mueller", "web"}},
		{"dedupe and sort across parts", []string{"Kiel", "KIEL", "Bello"}, []string{"bello", "kiel"}},
		{"punctuation and stray hyphens", []string{"-- 1.850,00 EUR (netto) -x-"}, []string{"00", "1", "850", "eur", "netto", "x"}},
		{"empty", []string{"", "  ", "..."}, nil},
		{"long word clipped", []string{"a234567890123456789012345678901234567890123456789012345678901234567890"}, []string{"a234567890123456789012345678901234567890123456789012345678901234"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Tokens(tt.parts...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.parts, got, tt.want)
			}
		})
	}
}

func TestQueryWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Müller", []string{"mueller"}},
		{"  mull  ", []string{"mull"}},
		{"BAU-2026-00", []string{"bau-2026-00"}},
		{"bau-", []string{"bau-"}},
		{"-bau", []string{"bau"}},
		{"anna müll anna", []string{"anna", "muell"}},
		{"max.mueller@web", []string{"max", "mueller", "web"}},
		{"?!", nil},
	}
	for _, tt := range tests {
		if got := QueryWords(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("QueryWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzTokens checks that tokens are sorted, distinct, short, already folded, and that
// a token typed as a search finds itself.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"Jürgen Müller-Lüdenscheidt", "BAU-2026-0042-A7", "Straße 5", "Mu\u0308ller", "ΑΘΗΝΑ", "-a-", "\xff\xfe", "İstanbul ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts := Tokens(s)
		for i, tok := range ts {
			if tok == "" || len(tok) > maxTokenBytes || !utf8.ValidString(tok) {
				t.Fatalf("bad token %q", tok)
			}
			if i > 0 && ts[i-1] >= tok {
				t.Fatalf("tokens not sorted and distinct: %q", ts)
			}
			if got := QueryWords(tok); !slices.Equal(got, []string{tok}) {
				t.Fatalf("token %q searched as %q", tok, got)
			}
		}
	})
}

// tokensRef is Tokens as first written, one string per word form; Tokens must agree.
func tokensRef(parts ...string) []string {
	var out []string
	add := func(f string) {
		if f = strings.Trim(f, "-"); f == "" {
			return
		}
		out = append(out, clip(f))
		if strings.IndexByte(f, '-') >= 0 {
			for sub := range strings.SplitSeq(f, "-") {
				if sub != "" {
					out = append(out, clip(sub))
				}
			}
		}
	}
	for _, part := range parts {
		words(part, func(w string) {
			p, a, umlaut := fold2(w)
			add(p)
			if umlaut {
				add(a)
			}
		})
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// FuzzTokensMatchesReference compares Tokens with the straightforward tokensRef.
func FuzzTokensMatchesReference(f *testing.F) {
	for _, s := range []string{"Jürgen Müller-Lüdenscheidt", "BAU-2026-0042-A7", "Straße 5", "Mu\u0308ller", "ΑΘΗΝΑ", "-a-", "\xff\xfe", "İstanbul ǅ",
		"a-" + strings.Repeat("ü", 40) + "-b", strings.Repeat("x-", 50), "Ä--Ö\u0308-"} {
		f.Add(s, "Kiel KIEL")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := Tokens(a, b), tokensRef(a, b); !slices.Equal(got, want) {
			t.Fatalf("Tokens(%q, %q) = %q, want %q", a, b, got, want)
		}
	})
}
