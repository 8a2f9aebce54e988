package decision

import (
	"errors"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
)

func TestEveryTemplateFillsFromDemoCases(t *testing.T) {
	cases := demoCases(t, 12)
	for _, tpl := range Templates() {
		for i := range cases {
			c := &cases[i]
			d := testData()
			if FeeFree(c.Type) {
				d.Fee = nil
			}
			l, err := Fill(tpl, c, d)
			if FeeFree(c.Type) && tpl.ID == "gebuehrenbescheid" {
				if !errors.Is(err, ErrFee) {
					t.Fatalf("a fee notice for %s: %v, want ErrFee", c.Type, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s on %s case: %v", tpl.ID, c.Type, err)
			}
			if FeeFree(c.Type) {
				continue // the fee block is left out
			}
			if len(l.Blocks) != len(tpl.Blocks) {
				t.Fatalf("%s: %d blocks, want %d", tpl.ID, len(l.Blocks), len(tpl.Blocks))
			}
			for _, b := range l.Blocks {
				if strings.Contains(b.Text, "{{") || strings.Contains(b.Title, "{{") {
					t.Fatalf("%s: placeholder left in %q", tpl.ID, b.Text)
				}
			}
			if l.Recipient[0] != c.Applicant.Name || l.FileNumber != c.FileNumber {
				t.Fatalf("%s: recipient %q, file number %q", tpl.ID, l.Recipient, l.FileNumber)
			}
		}
	}
}

func TestFillValues(t *testing.T) {
	c := demoCases(t, 1)[0]
	tpl := Template{ID: "x", Blocks: []Block{{Kind: KindText, Text: "{{gebuehr}} bis {{faelligkeit}}, Az. {{ aktenzeichen }}, eingegangen {{eingangsdatum}}, Feld {{form." + firstFormName(c.Form) + "}}"}}}
	l, err := Fill(tpl, &c, testData())
	if err != nil {
		t.Fatal(err)
	}
	want := "1.234,50 € bis 27.12.2026, Az. " + c.FileNumber + ", eingegangen "
	if !strings.HasPrefix(l.Blocks[0].Text, want) {
		t.Fatalf("got %q, want prefix %q", l.Blocks[0].Text, want)
	}
}

func firstFormName(fs []model.FormField) string {
	for _, f := range fs {
		if f.Value != "" {
			return f.Name
		}
		if n := firstFormName(f.Items); n != "" {
			return f.Name + "." + n
		}
	}
	return ""
}

func TestFillMissingValue(t *testing.T) {
	c := demoCases(t, 1)[0]
	d := testData()
	d.Fee = nil
	tpl, _ := TemplateByID("gebuehrenbescheid")
	_, err := Fill(tpl, &c, d)
	if !errors.Is(err, ErrMissingValue) {
		t.Fatalf("err = %v, want ErrMissingValue", err)
	}
	if got, want := err.Error(), "Für den Platzhalter {{gebuehr}} fehlt ein Wert."; got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	_, err = Fill(Template{Blocks: []Block{{Text: "{{form.gibtesnicht}}"}}}, &c, testData())
	var mv *MissingValueError
	if !errors.As(err, &mv) || mv.Placeholder != "form.gibtesnicht" {
		t.Fatalf("err = %v", err)
	}
}

func TestFormatEuro(t *testing.T) {
	for cents, want := range map[int64]string{
		0: "0,00 €", 5: "0,05 €", 123450: "1.234,50 €", 100000000: "1.000.000,00 €", -1999: "-19,99 €",
	} {
		if got := FormatEuro(cents); got != want {
			t.Errorf("FormatEuro(%d) = %q, want %q", cents, got, want)
		}
	}
}

// FuzzFill feeds arbitrary template text through the placeholder expansion: it must
// either fill every placeholder or name the missing one, and never panic.
func FuzzFill(f *testing.F) {
	for _, s := range []string{"{{aktenzeichen}}", "{{ form.a.b }}", "{{{{x}}}}", "{{}}", "Text {{gebuehr", "{{form.}}"} {
		f.Add(s)
	}
	c := demoCases(f, 1)[0]
	d := testData()
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Fill(Template{Blocks: []Block{{Text: s}}}, &c, d)
		var mv *MissingValueError
		switch {
		case err == nil:
			if placeholder.MatchString(l.Blocks[0].Text) && !placeholder.MatchString(s) {
				t.Fatalf("filling %q introduced a placeholder", s)
			}
		case errors.As(err, &mv):
			if !strings.Contains(s, mv.Placeholder) {
				t.Fatalf("missing %q not in %q", mv.Placeholder, s)
			}
		default:
			t.Fatalf("unexpected error %v", err)
		}
	})
}

func TestRemedy(t *testing.T) {
	c := demoCases(t, 1)[0]
	tpl, _ := TemplateByID("ablehnung")
	d := testData()
	l, err := Fill(tpl, &c, d)
	if err != nil {
		t.Fatal(err)
	}
	got := l.Blocks[len(l.Blocks)-1].Text
	for _, want := range []string{
		"Widerspruch erhoben werden. Der Widerspruch ist schriftlich, in elektronischer Form oder zur Niederschrift bei der Gemeinde Musterhausen, Rathausplatz 1, 12345 Musterhausen, einzulegen.",
		"eine einfache E-Mail genügt nicht",
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("default remedy %q lacks %q", got, want)
		}
	}
	d.Remedy = &Remedy{Kind: RemedyKlage, Body: "Schleswig-Holsteinisches Verwaltungsgericht", Address: "Brockdorff-Rantzau-Straße 13, 24837 Schleswig"}
	if l, err = Fill(tpl, &c, d); err != nil {
		t.Fatal(err)
	}
	want := "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Klage bei dem Schleswig-Holsteinischen Verwaltungsgericht, Brockdorff-Rantzau-Straße 13, 24837 Schleswig, erhoben werden."
	if got := l.Blocks[len(l.Blocks)-1].Text; !strings.HasPrefix(got, want) || !strings.Contains(got, "§§ 55a und 55d VwGO") {
		t.Fatalf("Klage remedy %q", got)
	}
	for _, bad := range []Remedy{
		{Kind: RemedyKlage, Body: "Schleswig-Holsteinisches Verwaltungsgericht", Address: "Brockdorff-Rantzau-Straße 13, 24837 Schleswig", Period: "von zwei Wochen"},
		{Kind: RemedyKlage},
		{Kind: RemedyKlage, Body: "Gemeinde Musterhausen", Address: "Rathausplatz 1, 12345 Musterhausen"},
		{Kind: RemedyWiderspruch, Body: "Musterhausen", Address: "Rathausplatz 1, 12345 Musterhausen"},
		{Kind: RemedyWahl, Body: "Gemeinde Musterhausen", Address: "Rathausplatz 1, 12345 Musterhausen"},
		{Kind: "EINSPRUCH", Body: "Gemeinde Musterhausen", Address: "Rathausplatz 1, 12345 Musterhausen"},
	} {
		d.Remedy = &bad
		if _, err = Fill(tpl, &c, d); !errors.Is(err, ErrRemedy) {
			t.Errorf("%+v: %v, want ErrRemedy", bad, err)
		}
	}
	d.Remedy = &Remedy{Kind: RemedyUnset}
	if _, err = Fill(tpl, &c, d); !errors.Is(err, ErrRemedyUnset) {
		t.Errorf("open remedy: %v, want ErrRemedyUnset", err)
	}
}
