package demo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// spec is what a case type's generator decides about one application.
type spec struct {
	Title     string
	Form      []model.FormField
	Person    person // the natural person letters are addressed to
	Applicant model.Applicant
	Legal     *time.Time
	// Decision is the usual title of the decision for this application.
	Decision string
	Template string
	// Comments and Missing feed the clerks' notes and letters.
	Comments []string
	Missing  []string
	Forward  string
}

func field(name, label, value string) model.FormField {
	return model.FormField{Name: name, Label: label, Value: value}
}

func group(name, label string, items ...model.FormField) model.FormField {
	return model.FormField{Name: name, Label: label, Items: items}
}

func personGroup(name, label string, p person) model.FormField {
	return group(name, label,
		field("familienname", "Familienname", p.Last),
		field("vorname", "Vorname", p.First),
		field("geburtsdatum", "Geburtsdatum", date(p.Born)),
		group("anschrift", "Anschrift",
			field("strasse", "Straße und Hausnummer", p.Street),
			field("plz", "Postleitzahl", p.Place.PostalCode),
			field("ort", "Ort", p.Place.City),
		),
		field("telefon", "Telefon", p.Phone),
		field("email", "E-Mail", p.Email),
	)
}

func yesNo(b bool) string {
	if b {
		return "ja"
	}
	return "nein"
}

// forms makes the application of a case type by its code; any other type gets
// sonstiges.
var forms = map[string]func(rng, time.Time, person) spec{
	"GEWERBE":       rng.gewerbe,
	"BAU":           rng.bau,
	"HUND":          rng.hund,
	"SONDERNUTZUNG": rng.sondernutzung,
	"WOHNGELD":      rng.wohngeld,
	"MELDE":         rng.melde,
}

func (r rng) gewerbe(received time.Time, p person) spec {
	t := trades[r.IntN(len(trades))]
	name := r.company(t, p.Last)
	legal := "Einzelunternehmen"
	switch {
	case containsAny(name, "GmbH"):
		legal = "Gesellschaft mit beschränkter Haftung (GmbH)"
	case containsAny(name, "UG"):
		legal = "Unternehmergesellschaft (haftungsbeschränkt)"
	case containsAny(name, "e.K."):
		legal = "eingetragener Kaufmann (e.K.)"
	case containsAny(name, "PartGmbB"):
		legal = "Partnerschaftsgesellschaft"
	}
	reason := r.pick([]string{"Neuerrichtung", "Neuerrichtung", "Übernahme", "Zuzug aus einem anderen Meldebezirk", "Gründung nach Umwandlung"})
	begin := received.AddDate(0, 0, r.between(-10, 40))
	site := r.street()
	betrieb := []model.FormField{
		field("name", "Name des Betriebs", name),
		field("rechtsform", "Rechtsform", legal),
	}
	if legal != "Einzelunternehmen" {
		betrieb = append(betrieb, field("register", "Registergericht und -nummer",
			"Amtsgericht "+r.pick([]string{"Kiel", "Lübeck", "Flensburg", "Nürnberg", "Bamberg", "Fürth"})+", HR"+
				map[bool]string{true: "B", false: "A"}[legal != "eingetragener Kaufmann (e.K.)"]+" "+strconv.Itoa(r.between(1000, 39999))))
	}
	betrieb = append(betrieb,
		field("vollzeit", "Beschäftigte Vollzeit", strconv.Itoa(r.between(0, 12))),
		field("teilzeit", "Beschäftigte Teilzeit", strconv.Itoa(r.between(0, 6))),
	)
	applicant := p.applicant(true)
	if legal != "Einzelunternehmen" && r.chance(0.5) {
		applicant.Name = name
	}
	return spec{
		Title:     "Gewerbeanmeldung: " + name,
		Person:    p,
		Applicant: applicant,
		Form: []model.FormField{
			personGroup("gewerbetreibender", "Angaben zur Person", p),
			group("betrieb", "Angaben zum Betrieb", betrieb...),
			group("taetigkeit", "Angemeldete Tätigkeit",
				field("beschreibung", "Tätigkeit (genaue Bezeichnung)", t.Activity),
				field("wz", "Wirtschaftszweig (WZ 2008)", t.Key),
				field("art", "Art", r.pick([]string{"Haupterwerb", "Haupterwerb", "Nebenerwerb"})),
				field("beginn", "Beginn der Tätigkeit", date(begin)),
				field("grund", "Grund der Anmeldung", reason),
				field("erlaubnis", "Erlaubnispflichtige Tätigkeit", yesNo(containsAny(t.Activity, "§ 34", "Gaststätte", "Taxi"))),
			),
			group("betriebsstaette", "Betriebsstätte",
				field("strasse", "Straße und Hausnummer", site),
				field("plz", "Postleitzahl", homeTown.PostalCode),
				field("ort", "Ort", homeTown.City),
				field("telefon", "Telefon", "04321 "+r.digits(5)),
			),
		},
		Decision: "Empfangsbescheinigung über die Gewerbeanzeige",
		Template: "gewerbe-empfangsbescheinigung",
		Comments: []string{
			"Anzeige an IHK, Handwerkskammer und Finanzamt weitergegeben.",
			"Auszug aus dem Handelsregister liegt vor.",
			"Bei " + t.Activity + " bitte Erlaubnis nach GewO prüfen.",
			"Gewerbezentralregisterauskunft angefordert.",
			"Betriebsstätte " + site + " liegt im Mischgebiet, keine Bedenken.",
		},
		Missing: []string{"eine Kopie Ihres Personalausweises", "den Auszug aus dem Handelsregister", "die Erlaubnisurkunde"},
		Forward: "Betriebsstätte liegt in der Nachbargemeinde, an das Ordnungsamt Beispielstadt abgegeben",
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

var projects = []struct{ Name, Short string }{
	{"Neubau eines Einfamilienhauses mit Doppelgarage", "Neubau Einfamilienhaus"},
	{"Neubau eines Zweifamilienhauses", "Neubau Zweifamilienhaus"},
	{"Anbau eines Wintergartens", "Anbau Wintergarten"},
	{"Errichtung eines Carports mit Geräteraum", "Carport"},
	{"Umbau einer Scheune zu Wohnzwecken", "Umbau Scheune"},
	{"Dachgeschossausbau mit zwei Gauben", "Dachgeschossausbau"},
	{"Neubau eines Mehrfamilienhauses mit sechs Wohneinheiten", "Neubau Mehrfamilienhaus"},
	{"Nutzungsänderung Ladengeschäft in Café", "Nutzungsänderung"},
	{"Errichtung einer landwirtschaftlichen Maschinenhalle", "Maschinenhalle"},
	{"Abbruch eines Nebengebäudes und Neubau einer Garage", "Abbruch und Garage"},
	{"Errichtung einer Photovoltaik-Freiflächenanlage", "PV-Freiflächenanlage"},
	{"Anbau einer Terrassenüberdachung", "Terrassenüberdachung"},
}

var bPlans = []string{
	"Bebauungsplan Nr. 12 „Am Sonnenhang“", "Bebauungsplan Nr. 7 „Ortsmitte“",
	"Bebauungsplan Nr. 21 „Gewerbegebiet Nord“", "Bebauungsplan Nr. 15 „Mühlenfeld“",
	"kein Bebauungsplan (Innenbereich, § 34 BauGB)", "Außenbereich (§ 35 BauGB)",
}

func (r rng) bau(received time.Time, p person) spec {
	pr := projects[r.IntN(len(projects))]
	site := r.street()
	arch := r.person(received, 30, 65, 0.3)
	office := fmt.Sprintf(r.pick(architectOffices), arch.Last)
	cost := r.between(15, 900) * 1000_00
	legal := model.DateOf(received).AddDate(0, 3, 0)
	return spec{
		Title:     "Bauantrag: " + pr.Short + ", " + site,
		Person:    p,
		Applicant: p.applicant(true),
		Legal:     &legal,
		Form: []model.FormField{
			personGroup("bauherr", "Bauherrschaft", p),
			group("grundstueck", "Baugrundstück",
				field("lage", "Straße und Hausnummer", site),
				field("gemarkung", "Gemarkung", "Musterhausen"),
				field("flur", "Flur", strconv.Itoa(r.between(1, 14))),
				field("flurstueck", "Flurstück", strconv.Itoa(r.between(10, 980))+"/"+strconv.Itoa(r.between(1, 12))),
				field("groesse", "Grundstücksgröße", strconv.Itoa(r.between(350, 4800))+" m²"),
				field("bplan", "Planungsrecht", r.pick(bPlans)),
			),
			group("vorhaben", "Vorhaben",
				field("bezeichnung", "Bezeichnung des Vorhabens", pr.Name),
				field("verfahren", "Verfahrensart", r.pick([]string{"vereinfachtes Baugenehmigungsverfahren", "Baugenehmigungsverfahren", "Genehmigungsfreistellung"})),
				field("geschosse", "Vollgeschosse", strconv.Itoa(r.between(1, 3))),
				field("bri", "Brutto-Rauminhalt", strconv.Itoa(r.between(40, 2400))+" m³"),
				field("kosten", "Geschätzte Baukosten", euro(cost)),
				field("abweichung", "Abweichungen / Befreiungen beantragt", yesNo(r.chance(0.25))),
			),
			group("entwurfsverfasser", "Entwurfsverfasser/in",
				field("name", "Name", arch.Name()+", "+r.pick(architects[arch.Female])),
				field("buero", "Büro", office),
				field("kammer", "Kammermitgliedsnummer", r.digits(5)+"-"+r.digits(1)),
				field("anschrift", "Anschrift", arch.Street+", "+arch.Place.PostalCode+" "+arch.Place.City),
			),
		},
		Decision: "Erteilung des gemeindlichen Einvernehmens",
		Template: "bau-einvernehmen",
		Comments: []string{
			"Vorhaben im Bauausschuss am " + date(received.AddDate(0, 0, 21)) + " beraten.",
			"Stellungnahme Tiefbau: Erschließung gesichert.",
			"Abstandsflächen zur Nachbargrenze prüfen.",
			"Nachbarunterschriften unvollständig.",
			"Entwässerungsplan fehlt noch, beim Planungsbüro " + office + " nachgefragt.",
		},
		Missing: []string{"den amtlichen Lageplan", "die Standsicherheitsnachweise", "den Entwässerungsplan", "die Unterschriften der Nachbarn"},
		Forward: "Zuständigkeit: Landratsamt, untere Bauaufsichtsbehörde",
	}
}
