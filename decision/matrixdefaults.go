package decision

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ozgcloud/desktop/model"
)

// CourtSH is the administrative court of first instance for all of
// Schleswig-Holstein.
var CourtSH = Office{
	Name:    "Schleswig-Holsteinisches Verwaltungsgericht",
	Dative:  "dem Schleswig-Holsteinischen Verwaltungsgericht",
	Address: "Brockdorff-Rantzau-Straße 13, 24837 Schleswig",
}

// bavarianCourts are Bayern's administrative courts by Regierungsbezirk, with the
// addresses the Land's own model instructions give (Regensburg serves Niederbayern
// and the Oberpfalz).
var bavarianCourts = map[string]Office{
	"Oberbayern":    {Name: "Bayerisches Verwaltungsgericht München", Address: "Bayerstraße 30, 80335 München"},
	"Niederbayern":  {Name: "Bayerisches Verwaltungsgericht Regensburg", Address: "Haidplatz 1, 93047 Regensburg"},
	"Oberpfalz":     {Name: "Bayerisches Verwaltungsgericht Regensburg", Address: "Haidplatz 1, 93047 Regensburg"},
	"Oberfranken":   {Name: "Bayerisches Verwaltungsgericht Bayreuth", Address: "Friedrichstraße 16, 95444 Bayreuth"},
	"Mittelfranken": {Name: "Bayerisches Verwaltungsgericht Ansbach", Address: "Promenade 24–28, 91522 Ansbach"},
	"Unterfranken":  {Name: "Bayerisches Verwaltungsgericht Würzburg", Address: "Burkarderstraße 26, 97082 Würzburg"},
	"Schwaben":      {Name: "Bayerisches Verwaltungsgericht Augsburg", Address: "Kornhausgasse 4, 86152 Augsburg"},
}

// BavarianDistricts returns Bayern's Regierungsbezirke, sorted.
func BavarianDistricts() []string { return slices.Sorted(maps.Keys(bavarianCourts)) }

// BavarianCourt returns the administrative court for a Regierungsbezirk.
func BavarianCourt(district string) (Office, bool) {
	o, ok := bavarianCourts[strings.TrimSpace(district)]
	return o, ok
}

// Notes Bayern's model instructions add (Bekanntmachung zum Vollzug des Art. 15
// AGVwGO).
const (
	noteNoEmailBY = "Die Einlegung eines Rechtsbehelfs per einfacher E-Mail ist nicht zugelassen und entfaltet keine rechtlichen Wirkungen."
	noteCourtFee  = "Kraft Bundesrechts wird in Prozessverfahren vor den Verwaltungsgerichten infolge der Klageerhebung eine Verfahrensgebühr fällig."
)

// DefaultMatrix returns the shipped remedy matrix of a municipality in land whose
// decisions are made by authority; district is its Regierungsbezirk in Bayern
// (ignored elsewhere). Every shipped case type gets a rule for all templates:
//
//   - Schleswig-Holstein keeps the Widerspruch (§ 68 VwGO) for every case type,
//     lodged with the authority that made the decision (§ 70 (1) VwGO); this holds
//     for Wohngeld (WoGG, SGB X) and for the Hundesteuer, a municipal tax assessed
//     under the AO by way of the KAG whose disputes still go to the administrative
//     courts.
//   - Bayern: the Hundesteuer is a Kommunalabgabe, where Art. 15 (1) AGVwGO gives the
//     choice of Widerspruch or Klage; building and roads (Sondernutzung) are outside
//     that list, so only the Klage (Art. 15 (2) AGVwGO). Wohngeld, trade and
//     registration matters and "Sonstiges" are left open (RemedyUnset): we could not
//     confirm them against the Act's current list, so the administration must decide
//     them. Fee decisions follow the main matter.
//
// Without a known district the Bavarian court is unknown, so its cells are open too.
func DefaultMatrix(land Land, authority Office, district string) (Matrix, error) {
	if _, err := ParseLand(string(land)); err != nil {
		return Matrix{}, err
	}
	m := Matrix{Land: land, Wording: DefaultRemedyWording()}
	widerspruch := Remedy{Kind: RemedyWiderspruch, Body: authority.Name, Dative: authority.Dative, Address: authority.Address, Period: PeriodOneMonth}
	if land == LandBY {
		widerspruch.Notes = []string{noteNoEmailBY}
	}
	if err := widerspruch.Validate(); err != nil {
		return Matrix{}, fmt.Errorf("decision: default matrix for %s: authority: %w", land, err)
	}
	for _, ct := range model.CaseTypes {
		r := widerspruch
		if land == LandBY {
			r = bavarianRule(ct.Code, widerspruch, district)
		}
		m.Rules = append(m.Rules, RemedyRule{CaseType: ct.Code, Template: AnyTemplate, Remedy: r})
	}
	return m, nil
}

func bavarianRule(caseType string, widerspruch Remedy, district string) Remedy {
	court, ok := BavarianCourt(district)
	switch {
	case !ok || !slices.Contains([]string{"BAU", "SONDERNUTZUNG", "HUND"}, caseType):
		return Remedy{Kind: RemedyUnset}
	case caseType == "HUND":
		r := widerspruch
		r.Kind, r.Court = RemedyWahl, &court
		r.Notes = []string{noteNoEmailBY, noteCourtFee}
		return r
	}
	return Remedy{Kind: RemedyKlage, Body: court.Name, Address: court.Address, Period: PeriodOneMonth,
		Notes: []string{noteNoEmailBY, noteCourtFee}}
}
