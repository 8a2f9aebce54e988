package decision

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

func TestDativeOf(t *testing.T) {
	for name, want := range map[string]string{
		"Gemeinde Musterhausen":                       "der Gemeinde Musterhausen",
		"Amt Süderbrarup":                             "dem Amt Süderbrarup",
		"Markt Garmisch-Partenkirchen":                "dem Markt Garmisch-Partenkirchen",
		"Verwaltungsgemeinschaft Kirchehrenbach":      "der Verwaltungsgemeinschaft Kirchehrenbach",
		"Schleswig-Holsteinisches Verwaltungsgericht": "dem Schleswig-Holsteinischen Verwaltungsgericht",
		"Bayerisches Verwaltungsgericht München":      "dem Bayerischen Verwaltungsgericht München",
		"Verwaltungsgericht Schleswig":                "dem Verwaltungsgericht Schleswig",
		"Musterhausen":                                "",
		"es Amt":                                      "",
	} {
		got, ok := DativeOf(name)
		if got != want || ok != (want != "") {
			t.Errorf("DativeOf(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

func TestParseLand(t *testing.T) {
	for in, want := range map[string]Land{"SH": LandSH, " by ": LandBY} {
		if got, err := ParseLand(in); err != nil || got != want {
			t.Errorf("ParseLand(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "NRW", "Bayern"} {
		if _, err := ParseLand(in); !errors.Is(err, ErrLand) {
			t.Errorf("ParseLand(%q): %v, want ErrLand", in, err)
		}
	}
	if LandSH.Name() != "Schleswig-Holstein" || LandBY.Name() != "Bayern" {
		t.Error("Land names")
	}
	if d := BavarianDistricts(); len(d) != 7 || d[0] != "Mittelfranken" {
		t.Errorf("Regierungsbezirke %v", d)
	}
	if c, _ := BavarianCourt("Oberpfalz"); c.Name != "Bayerisches Verwaltungsgericht Regensburg" {
		t.Errorf("Oberpfalz: %+v", c)
	}
}

func TestMatrixLookupAndSet(t *testing.T) {
	m, err := DefaultMatrix(LandSH, Office{Name: "Amt Musterland", Address: "Markt 1, 24999 Musterhausen"}, "")
	if err != nil {
		t.Fatal(err)
	}
	klage := Remedy{Kind: RemedyKlage, Body: CourtSH.Name, Dative: CourtSH.Dative, Address: CourtSH.Address}
	if err := m.Set("BAU", "gebuehrenbescheid", klage); err != nil {
		t.Fatal(err)
	}
	if r, _ := m.Remedy("BAU", "gebuehrenbescheid"); r.Kind != RemedyKlage {
		t.Errorf("template rule not used: %+v", r)
	}
	if r, _ := m.Remedy("BAU", "ablehnung"); r.Kind != RemedyWiderspruch || r.Body != "Amt Musterland" {
		t.Errorf("case type rule not used: %+v", r)
	}
	if _, ok := m.Remedy("UNBEKANNT", "ablehnung"); ok {
		t.Error("a rule for an unknown case type")
	}
	klage.Period = "von zwei Wochen"
	if err := m.Set("BAU", "ablehnung", klage); !errors.Is(err, ErrRemedy) {
		t.Errorf("free-text period accepted: %v", err)
	}
	if _, err := m.Text("UNBEKANNT", "ablehnung"); !errors.Is(err, ErrRemedyUnset) {
		t.Errorf("no rule: %v", err)
	}
	if _, err := DefaultMatrix("NRW", Office{Name: "Gemeinde X", Address: "Weg 1, 12345 X"}, ""); !errors.Is(err, ErrLand) {
		t.Errorf("unknown Land: %v", err)
	}
	if m, _ := DefaultMatrix(LandBY, Office{Name: "Gemeinde X", Address: "Weg 1, 12345 X"}, ""); m.Rules[1].Remedy.Kind != RemedyUnset {
		t.Errorf("Bayern without a district has a court: %+v", m.Rules[1])
	}
}

// expectation is what a Land's default matrix must print for a case type: the
// remedy's decisive sentence and where it is lodged; "" for a cell left open.
func expectation(land Land, caseType string) []string {
	const sh = "bei der Gemeinde Musterhausen, Rathausplatz 1, 12345 Musterhausen"
	if land == LandSH {
		return []string{"Widerspruch erhoben werden", sh}
	}
	court := "Klage bei dem Bayerischen Verwaltungsgericht Regensburg, Haidplatz 1, 93047 Regensburg"
	switch caseType {
	case "WOHNGELD", "SONSTIGES", "GEWERBE", "MELDE":
		return nil
	case "HUND":
		return []string{"nach Ihrer Wahl entweder Widerspruch eingelegt oder unmittelbar Klage erhoben werden",
			sh, "bei dem Bayerischen Verwaltungsgericht Regensburg, Haidplatz 1, 93047 Regensburg", "Verfahrensgebühr"}
	}
	return []string{court, "§§ 55a und 55d VwGO", "per einfacher E-Mail ist nicht zugelassen", "Verfahrensgebühr"}
}

// TestEveryLandCaseTypeTemplatePrintsItsRemedy fills and renders every shipped
// template for every case type in both Länder with the default matrix and checks
// the printed text holds the remedy the matrix says, and nothing of the other kind.
func TestEveryLandCaseTypeTemplatePrintsItsRemedy(t *testing.T) {
	tool(t, "pdftotext", "poppler-utils")
	byType := map[string]model.Case{}
	for _, c := range demoCases(t, 200) {
		if _, ok := byType[c.Type]; !ok {
			byType[c.Type] = c
		}
	}
	authority := Office{Name: "Gemeinde Musterhausen", Address: "Rathausplatz 1, 12345 Musterhausen"}
	for _, land := range Lands() {
		m, err := DefaultMatrix(land, authority, "Niederbayern")
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range model.CaseTypes {
			c, ok := byType[ct.Code]
			if !ok {
				c = model.Case{Type: ct.Code, FileNumber: ct.Prefix + "-2026-0001-A7", Title: ct.Name,
					ReceivedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
					Applicant:  model.Applicant{Name: "Erika Mustermann", Street: "Musterweg 1", PostalCode: "12345", City: "Musterhausen"}}
			}
			for _, tpl := range Templates() {
				d := testData()
				d.Matrix = &m
				want := expectation(land, ct.Code)
				if FeeFree(ct.Code) {
					d.Fee = nil
				}
				l, err := Fill(tpl, &c, d)
				if FeeFree(ct.Code) && tpl.ID == "gebuehrenbescheid" {
					if !errors.Is(err, ErrFee) {
						t.Errorf("%s %s: a fee notice: %v, want ErrFee", land, ct.Code, err)
					}
					continue
				}
				if want == nil {
					if !errors.Is(err, ErrRemedyUnset) {
						t.Errorf("%s %s %s: %v, want ErrRemedyUnset for an open cell", land, ct.Code, tpl.ID, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s %s %s: %v", land, ct.Code, tpl.ID, err)
				}
				out := run(t, "pdftotext", writeTemp(t, "l.pdf", render(t, l)), "-")
				text := strings.Join(strings.Fields(strings.ReplaceAll(out, "\u00a0", " ")), " ")
				for _, w := range want {
					if !strings.Contains(text, w) {
						t.Errorf("%s %s %s: printed letter lacks %q", land, ct.Code, tpl.ID, w)
					}
				}
				if land == LandSH && strings.Contains(text, "Klage bei") {
					t.Errorf("%s %s %s: a Klage where the matrix says Widerspruch", land, ct.Code, tpl.ID)
				}
				if land == LandBY && ct.Code != "HUND" && strings.Contains(text, "Widerspruch") {
					t.Errorf("%s %s %s: a Widerspruch where the matrix says Klage", land, ct.Code, tpl.ID)
				}
			}
		}
	}
}

// TestRemedyWordingAndChannel: the administration's wording and electronic channel
// are printed; a sentence left empty falls back to the default; a wording with an
// unknown placeholder is refused.
func TestRemedyWordingAndChannel(t *testing.T) {
	r := Remedy{Kind: RemedyWiderspruch, Body: "Amt Musterland", Address: "Markt 1, 24999 Musterhausen",
		Electronic: "über das besondere elektronische Behördenpostfach des Amtes"}
	w := RemedyWording{Widerspruch: "Widerspruch binnen {{frist}} bei {{stelle}}, {{stelle.anschrift}}."}
	got, err := r.TextWith(w)
	if err != nil {
		t.Fatal(err)
	}
	want := "Widerspruch binnen eines Monats bei dem Amt Musterland, Markt 1, 24999 Musterhausen. " +
		"Elektronisch kann der Widerspruch über das besondere elektronische Behördenpostfach des Amtes eingelegt werden; eine einfache E-Mail genügt nicht."
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	w.Widerspruch = "Widerspruch bei {{gemeinde}}"
	if _, err := r.TextWith(w); !errors.Is(err, ErrRemedy) {
		t.Errorf("unknown placeholder in the wording: %v", err)
	}
	m := Matrix{Land: LandSH, Rules: []RemedyRule{{CaseType: "BAU", Remedy: r}}} // no wording stored
	if s, err := m.Text("BAU", "bewilligung"); err != nil || !strings.HasPrefix(s, "Gegen diesen Bescheid kann innerhalb eines Monats") {
		t.Errorf("empty wording: %q, %v", s, err)
	}
}

func TestMatrixOpenAndValidate(t *testing.T) {
	m, err := DefaultMatrix(LandBY, Office{Name: "Markt Musterhausen", Address: "Marktplatz 1, 86000 Musterhausen"}, "Schwaben")
	if err != nil {
		t.Fatal(err)
	}
	var open []string
	for _, r := range m.Open() {
		open = append(open, r.CaseType)
	}
	if got := strings.Join(open, " "); got != "GEWERBE WOHNGELD MELDE SONSTIGES" {
		t.Errorf("open cells %q", got)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	m.Rules[0].Remedy = Remedy{Kind: RemedyWiderspruch, Body: "Markt Musterhausen", Address: "Marktplatz 1", Period: "von drei Tagen"}
	if err := m.Validate(); !errors.Is(err, ErrRemedy) {
		t.Errorf("invalid rule: %v", err)
	}
	if err := (Matrix{Land: "XX"}).Validate(); !errors.Is(err, ErrLand) {
		t.Errorf("unknown Land: %v", err)
	}
}
