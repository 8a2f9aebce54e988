package decision

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

func TestPlaceholders(t *testing.T) {
	got := Placeholders("{{aktenzeichen}}: {{ eingabe.grund }} und {{aktenzeichen}}, {{form.betrieb.name}} {kein} {{}}")
	if want := []string{"aktenzeichen", "eingabe.grund", "form.betrieb.name"}; !slices.Equal(got, want) {
		t.Errorf("Placeholders = %q, want %q", got, want)
	}
	if got := Placeholders("kein Platzhalter"); len(got) != 0 {
		t.Errorf("Placeholders = %q", got)
	}
}

// TestFromCaseIsWhatFillFills: the names FromCase knows are exactly those Fill fills
// for a complete case and letter (form fields aside).
func TestFromCaseIsWhatFillFills(t *testing.T) {
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	c := &model.Case{Type: "BAU", FileNumber: "BAU-2026-0001-A7", Title: "Bauantrag", ReceivedAt: day,
		Applicant: model.Applicant{Name: "Erika Mustermann", Street: "Musterweg 1", PostalCode: "12345", City: "Musterstadt"}}
	d := Data{
		Letterhead: Letterhead{Authority: "Gemeinde X", Street: "Weg 1", PostalCode: "12345", City: "X", BankName: "Bank", IBAN: "DE02 1203 0000 0000 2020 51", BIC: "BYLADEM1001"},
		Clerk:      model.Clerk{Name: "Max Beispiel"}, Date: day, Fee: &Fee{Cents: 100, Due: day, Basis: "§ 1 der Satzung vom 01.01.2020"},
	}
	filled, err := values(Template{}, c, d, berlin)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := slices.Sorted(maps.Keys(filled)), slices.Sorted(maps.Keys(fromCase)); !slices.Equal(got, want) {
		t.Errorf("Fill fills %q,\nFromCase knows %q", got, want)
	}
	for _, name := range []string{"form.betrieb", "antragsteller.name", PlaceholderRemedy} {
		if !FromCase(name) {
			t.Errorf("FromCase(%q) = false", name)
		}
	}
	for _, name := range []string{"ablehnungsgrund", ClerkPrefix + "grund", "form.", "aktenzeichn"} {
		if FromCase(name) {
			t.Errorf("FromCase(%q) = true", name)
		}
	}
}
