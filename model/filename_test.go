package model

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("Baugenehmigung-", 20) // 300 bytes
	umlauts := strings.Repeat("ä", 180)           // 360 bytes, 180 runes
	for _, tc := range []struct{ in, want string }{
		{"Antrag.pdf", "Antrag.pdf"},
		{"Bescheid Müller – Straße 5.pdf", "Bescheid Müller – Straße 5.pdf"},
		{"Ελληνικά и кириллица 中文.docx", "Ελληνικά и кириллица 中文.docx"},
		// Finding 8 of issue 11: a right-to-left override makes "gnp.exe.pdf" look
		// like "...fdp.exe.png"; every bidi control goes.
		{"gnp.\u202eexe.pdf", "gnp.exe.pdf"},
		{"a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069i\u200ej\u200fk\u061cl.pdf", "abcdefghijkl.pdf"},
		{"in\u200bvi\u200csi\u200dble\u2060\ufeff\u00ad.txt", "invisible.txt"},
		{"Rechnung.pdf\u3000\u00a0\u2003.exe", "Rechnung.pdf .exe"},
		{"a\tb\nc\r\x00d\x7f\u0085e.pdf", "a b c d e.pdf"},
		{"zeile\u2028zwei\u2029drei.txt", "zeile zwei drei.txt"},
		// Issue 17: blank-looking letters cannot push ".exe" out of sight either.
		{"Rechnung.pdf\u2800\u2800\u2800\u2800\u2800.exe", "Rechnung.pdf .exe"},
		{"\u2800\u2800Antrag.pdf\u2800", "Antrag.pdf"},
		// Fillers and joiners that render as nothing.
		{"A\u3164B\u115fC\uffa0D\u034fE\u180eF\U000E0041G.pdf", "ABCDEFG.pdf"},
		{`C:\Users\erika\Desktop\Antrag.pdf`, "Antrag.pdf"},
		{"../../etc/passwd", "passwd"},
		{"a/b\\c.txt", "c.txt"},
		{`wer<ist>da:"jetzt"|oder?*.pdf`, "wer_ist_da__jetzt__oder__.pdf"},
		{"name.exe. . ", "name.exe"},
		{"  .versteckt", "versteckt"},
		{"CON", "_CON"},
		{"con.txt", "_con.txt"},
		{"Lpt1.tar.gz", "_Lpt1.tar.gz"},
		{"COM¹.pdf", "_COM¹.pdf"},
		{"AUX .pdf", "_AUX .pdf"},
		{"CONSOLE.pdf", "CONSOLE.pdf"},
		{"NUL.pdf", "_NUL.pdf"},
		{"nul", "_nul"},
		{"COM9.txt.", "_COM9.txt"},
		{"C\u200bON.pdf", "_CON.pdf"},
		{"CON\u00a0.txt", "_CON .txt"},
		{"CONIN$.txt", "_CONIN$.txt"},
		{"NUL:stream", "NUL_stream"},
		{"Antrag.pdf. . .", "Antrag.pdf"},
		{"Bild\xff\xfe.jpg", "Bild_.jpg"},
		{"Bild\ufffd.jpg", "Bild_.jpg"},
		{long + ".pdf", long[:146] + ".pdf"},       // 150 runes
		{umlauts + ".pdf", umlauts[:196] + ".pdf"}, // 200 bytes
		{long, long[:150]},
		// A cut between a letter and its combining mark drops both.
		{strings.Repeat("ä", 97) + "u\u0308x.pdf", strings.Repeat("ä", 97) + ".pdf"},
	} {
		if got := CleanFileName(tc.in, "fallback"); got != tc.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanFileNameFallback(t *testing.T) {
	for _, in := range []string{"", " ", ".", "..", "...", "/", `\`, "a/", "\u202e", "\x00\x01", " . . "} {
		if UsableFileName(in) {
			t.Errorf("UsableFileName(%q) = true", in)
		}
		if got := CleanFileName(in, "Anhang-1.pdf"); got != "Anhang-1.pdf" {
			t.Errorf("CleanFileName(%q, fallback) = %q", in, got)
		}
		if got := CleanFileName(in, ""); got != DefaultFileName {
			t.Errorf("CleanFileName(%q, \"\") = %q", in, got)
		}
		// The fallback is cleaned too.
		if got := CleanFileName(in, "x/\u202eanlage.pdf"); got != "anlage.pdf" {
			t.Errorf("CleanFileName(%q, dirty fallback) = %q", in, got)
		}
	}
	if !UsableFileName("a") {
		t.Error(`UsableFileName("a") = false`)
	}
}

// forbidden reports a rune CleanFileName must never return.
func forbidden(r rune) bool {
	return r == utf8.RuneError || r == '\u2800' || strings.ContainsRune("/\\<>:\"|?*", r) ||
		(unicode.IsSpace(r) && r != ' ') || unicode.IsControl(r) ||
		unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Other_Default_Ignorable_Code_Point,
			unicode.Variation_Selector, unicode.Noncharacter_Code_Point)
}

func checkCleanName(t *testing.T, in, got string) {
	t.Helper()
	switch {
	case got == "":
		t.Fatalf("CleanFileName(%q) is empty", in)
	case !utf8.ValidString(got):
		t.Fatalf("CleanFileName(%q) = %q is not UTF-8", in, got)
	case len(got) > MaxFileNameBytes || utf8.RuneCountInString(got) > MaxFileNameRunes:
		t.Fatalf("CleanFileName(%q) = %q: %d bytes, %d runes", in, got, len(got), utf8.RuneCountInString(got))
	case strings.IndexFunc(got, forbidden) >= 0:
		t.Fatalf("CleanFileName(%q) = %q holds a forbidden rune", in, got)
	case strings.Trim(got, " .") != got || strings.Contains(got, "  "):
		t.Fatalf("CleanFileName(%q) = %q: spaces or dots at an end, or doubled", in, got)
	case reservedNames[strings.ToUpper(strings.TrimRight(strings.SplitN(got, ".", 2)[0], " "))]:
		t.Fatalf("CleanFileName(%q) = %q is reserved on Windows", in, got)
	}
	if again := CleanFileName(got, "x"); again != got {
		t.Fatalf("not idempotent: %q -> %q -> %q", in, got, again)
	}
}

func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{
		"Antrag.pdf", "gnp.\u202eexe.pdf", "CON.txt", " . ", "a/b\\c", "Bild\xff.jpg",
		strings.Repeat("ä", 300) + ".pdf", strings.Repeat("u\u0308", 120) + ".jpeg",
		strings.Repeat("\u0308", 250) + ".pdf", "x." + strings.Repeat("y", 300), "_CON",
		strings.Repeat("a ", 110) + ".pdf", "COM1" + strings.Repeat(".", 300),
		"x.pdf\u2800\u2800.exe", "\u2800CON\u2800.txt", "C\u200bON.pdf",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := CleanFileName(in, "")
		checkCleanName(t, in, got)
		if !UsableFileName(in) && got != DefaultFileName {
			t.Fatalf("UsableFileName(%q) = false, but CleanFileName kept %q", in, got)
		}
		// Letters survive: a name of letters and digits alone comes back unchanged
		// when it is short and not reserved.
		if utf8.ValidString(in) && len(in) <= MaxFileNameBytes && in != "" &&
			strings.IndexFunc(in, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) < 0 &&
			!reservedNames[strings.ToUpper(in)] && got != in {
			t.Fatalf("CleanFileName(%q) = %q changed a plain name", in, got)
		}
	})
}
