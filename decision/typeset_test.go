package decision

import (
	"strings"
	"testing"
)

func TestTypeset(t *testing.T) {
	for in, want := range map[string]string{
		"45,50 €":                       "45,50\u00a0€",
		"1.234 EUR und 3 Euro":          "1.234\u00a0EUR und 3\u00a0Euro",
		"nach § 80 Abs. 2 Satz 1 Nr. 1": "nach §\u00a080 Abs.\u00a02 Satz\u00a01 Nr.\u00a01",
		"§§ 55a, 55d VwGO":              "§§\u00a055a, 55d VwGO",
		"(Art. 12 AGVwGO)":              "(Art.\u00a012 AGVwGO)",
		"am 1. Dezember 2026":           "am 1.\u00a0Dezember\u00a02026",
		"Sondernutzungs\u00aderlaubnis": "Sondernutzungserlaubnis",
		"Vnr. 1, Start. 2, 3 Tage":      "Vnr. 1, Start. 2, 3 Tage",
		"Der 2. Teil, Nr. A":            "Der 2. Teil, Nr. A",
		"":                              "",
	} {
		if got := typeset(in); got != want {
			t.Errorf("typeset(%q) = %q, want %q", in, got, want)
		}
	}
}

// padded returns paragraphs that end a line at every point of target's width: each
// puts target after a different amount of filler, so without a no-break space one of
// them breaks the line inside target.
func padded(target string) (string, int) {
	var paras []string
	for n := 38; n < 56; n++ {
		for m := 1; m <= 4; m++ {
			paras = append(paras, strings.Repeat("a ", n)+strings.Repeat("i", m)+" "+target+" Ende")
		}
	}
	return strings.Join(paras, "\n"), len(paras)
}

// TestNoLineBreakInsideProtectedSpaces renders letters whose lines would break inside
// an amount, after § and the like and inside a date, and checks in pdftotext's text
// that each stays on one line. The control, a pair the typesetting leaves alone,
// proves the letter does force breaks there.
func TestNoLineBreakInsideProtectedSpaces(t *testing.T) {
	tool(t, "pdftotext", "poppler-utils")
	check := func(target string) (whole, want int) {
		l := testLetter(t, "ablehnung")
		text, n := padded(target)
		l.Blocks = append(l.Blocks[:1:1], Block{Kind: KindText, Text: text})
		out := run(t, "pdftotext", writeTemp(t, "l.pdf", render(t, l)), "-")
		out = strings.ReplaceAll(out, "\u00a0", " ")
		return strings.Count(out, target), n
	}
	if whole, n := check("xx 18"); whole == n {
		t.Fatalf("control: all %d lines kept \"xx 18\" together; the test forces no break", n)
	}
	for _, target := range []string{"45,50 €", "§ 18", "Art. 12", "Abs. 2", "Nr. 1", "1. Dezember 2026"} {
		if whole, n := check(target); whole != n {
			t.Errorf("%q: %d of %d kept on one line", target, whole, n)
		}
	}
}

func TestSoftHyphensNotPrinted(t *testing.T) {
	tool(t, "pdftotext", "poppler-utils")
	l := testLetter(t, "ablehnung")
	l.Blocks[3].Text = "Die Sonder\u00adnutzungs\u00aderlaubnis wird versagt."
	out := run(t, "pdftotext", writeTemp(t, "l.pdf", render(t, l)), "-")
	if strings.ContainsRune(out, '\u00ad') {
		t.Error("a soft hyphen is in the printed text")
	}
	if !strings.Contains(out, "Sondernutzungserlaubnis") {
		t.Errorf("the word is not printed whole:\n%s", out)
	}
}

func TestPageNumbersOnlyFromTwoPages(t *testing.T) {
	l := testLetter(t, "ablehnung")
	one := words(t, render(t, l))
	if n := one[len(one)-1].page; n != 1 {
		t.Fatalf("the short letter has %d pages", n)
	}
	for _, w := range one {
		if w.text == "Seite" {
			t.Error(`"Seite" on a one-page letter`)
		}
	}
	l.Blocks[3].Text += "\n\n" + strings.Repeat("Die Prüfung der Unterlagen hat ergeben, dass die Voraussetzungen nicht vorliegen. ", 40)
	two := words(t, render(t, l))
	find(t, two, 1, "Seite")
	find(t, two, 2, "Seite")
}

func TestTwoBlankLinesAfterSubject(t *testing.T) {
	l := testLetter(t, "ablehnung")
	ws := words(t, render(t, l))
	subject := strings.Fields(l.Blocks[0].Text)
	last := findBelow(t, ws, 1, subject[len(subject)-1], bodyTop1-1)
	greeting := findBelow(t, ws, 1, "Guten", bodyTop1-1)
	if d := greeting.y - last.y; d < 3*lineH-0.3 || d > 3*lineH+0.3 {
		t.Errorf("salutation %.1f mm below the subject's last line, want %.1f (two blank lines)", d, 3*lineH)
	}
}

// FuzzTypeset: typesetting only turns spaces into no-break spaces and drops soft
// hyphens; it never changes, adds or loses anything else.
func FuzzTypeset(f *testing.F) {
	for _, s := range []string{"45,50 €", "§ 80 Abs. 2 Satz 1 Nr. 1 VwGO", "am 1. Dezember 2026", "1. Mai", "3 Euro", "a\u00adb", "§", " ", "9 E", "1. Dez. 20"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := typeset(s)
		norm := func(x string) string {
			for strings.Contains(x, "\u00ad") {
				x = strings.ReplaceAll(x, "\u00ad", "")
			}
			return strings.ReplaceAll(x, "\u00a0", " ")
		}
		if norm(got) != norm(s) {
			t.Fatalf("typeset(%q) = %q changes more than spaces", s, got)
		}
		if strings.Contains(got, "\u00ad") {
			t.Fatalf("typeset(%q) keeps a soft hyphen", s)
		}
	})
}
