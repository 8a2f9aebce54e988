package demo

import (
	"strconv"
	"time"

	"github.com/ozgcloud/desktop/model"
)

func maskedIBAN(r rng) string {
	return "DE" + r.digits(2) + " **** **** **** **" + r.digits(2) + " " + r.digits(2)
}

func (r rng) hund(received time.Time, p person) spec {
	name, breed := r.pick(dogNames), r.pick(dogBreeds)
	born := received.AddDate(0, -r.between(3, 120), -r.between(0, 27))
	since := received.AddDate(0, 0, -r.between(0, 30))
	second := r.chance(0.12)
	reduction := r.pick([]string{"keine", "keine", "keine", "keine", "Rettungshund (geprüft)", "Hund zur Bewachung eines Einzelgehöfts", "Blindenführhund (steuerfrei)"})
	dog := group("hund", "Angaben zum Hund",
		field("name", "Name des Hundes", name),
		field("rasse", "Rasse", breed),
		field("farbe", "Farbe", r.pick(dogColours)),
		field("geschlecht", "Geschlecht", r.pick([]string{"Rüde", "Hündin", "Rüde (kastriert)", "Hündin (kastriert)"})),
		field("geburtsdatum", "Wurfdatum", date(born)),
		field("chip", "Chip-Nummer (Transponder)", "276"+r.digits(12)),
		field("seit", "Gehalten seit", date(since)),
		field("herkunft", "Herkunft", r.pick([]string{"Züchter", "Tierheim Musterhausen", "privat übernommen", "Tierschutzverein", "Zuzug mit dem Halter"})),
		field("listenhund", "Gefährlicher Hund / Listenhund", "nein"),
	)
	return spec{
		Title:     "Hundesteuer-Anmeldung: " + name + " (" + breed + ")",
		Person:    p,
		Applicant: p.applicant(true),
		Form: []model.FormField{
			personGroup("halter", "Hundehalter/in", p),
			dog,
			group("steuer", "Steuer",
				field("weitererHund", "Weiterer Hund im Haushalt", yesNo(second)),
				field("ermaessigung", "Ermäßigung oder Befreiung beantragt", reduction),
				field("sepa", "SEPA-Lastschriftmandat", "erteilt"),
				field("iban", "IBAN", maskedIBAN(r)),
				field("haftpflicht", "Hundehaftpflichtversicherung", r.pick([]string{"HUK-COBURG", "Allianz", "R+V", "Provinzial", "VHV", "Gothaer"})+", Nr. "+r.digits(9)),
			),
		},
		Decision: "Hundesteuerbescheid " + strconv.Itoa(received.Year()),
		Template: "hundesteuer-bescheid",
		Comments: []string{
			"Steuermarke Nr. " + strconv.Itoa(r.between(1, 900)) + " ausgegeben.",
			"Chipnummer mit dem Haustierregister abgeglichen.",
			"Nachweis der Haftpflichtversicherung liegt vor.",
			"Ermäßigung: Nachweis der Prüfung fehlt noch.",
			name + " ist bereits der zweite Hund, erhöhter Steuersatz.",
		},
		Missing: []string{"den Nachweis der Hundehaftpflichtversicherung", "den Nachweis über die Rettungshundeprüfung", "das unterschriebene SEPA-Mandat"},
		Forward: "Hund ist in der Nachbargemeinde gemeldet, Antrag dorthin abgegeben",
	}
}

var usages = []struct {
	Kind, Detail, Decision string
	Days                   [2]int
	Area                   [2]int
}{
	{"Gerüst", "Fassadengerüst zur Fassadensanierung", "Bewilligung der Sondernutzung (Gerüst)", [2]int{14, 90}, [2]int{8, 60}},
	{"Container", "Absetzcontainer (7 m³) für Bauschutt", "Bewilligung der Sondernutzung (Container)", [2]int{3, 21}, [2]int{6, 12}},
	{"Außengastronomie", "Tische und Stühle vor der Gaststätte", "Bewilligung der Sondernutzung (Außengastronomie)", [2]int{90, 200}, [2]int{12, 80}},
	{"Umzug", "Halteverbotszone für Umzugswagen", "Bewilligung der Sondernutzung (Halteverbot Umzug)", [2]int{1, 2}, [2]int{15, 30}},
	{"Baustelleneinrichtung", "Baustelleneinrichtung mit Kran und Materiallager", "Bewilligung der Sondernutzung (Baustelle)", [2]int{30, 180}, [2]int{20, 150}},
	{"Informationsstand", "Informationsstand eines Vereins", "Bewilligung der Sondernutzung (Infostand)", [2]int{1, 3}, [2]int{4, 9}},
	{"Werbeaufsteller", "Kundenstopper vor dem Ladengeschäft", "Bewilligung der Sondernutzung (Werbeanlage)", [2]int{180, 365}, [2]int{1, 2}},
}

func (r rng) sondernutzung(received time.Time, p person) spec {
	u := usages[r.IntN(len(usages))]
	start := model.DateOf(received).AddDate(0, 0, r.between(7, 60))
	end := start.AddDate(0, 0, r.between(u.Days[0], u.Days[1]))
	where := r.pick(streets) + " " + strconv.Itoa(r.between(1, 80))
	applicant := p.applicant(true)
	var firm []model.FormField
	if u.Kind == "Gerüst" || u.Kind == "Container" || u.Kind == "Baustelleneinrichtung" {
		co := r.pick([]string{"%s Gerüstbau GmbH", "%s Bau GmbH", "Containerdienst %s", "%s Entsorgung e.K."})
		name := r.company(trade{Names: []string{co}}, r.pick(surnames))
		firm = append(firm, field("firma", "Ausführende Firma", name))
		if r.chance(0.5) {
			applicant.Name = name
		}
	}
	if u.Kind == "Außengastronomie" {
		firm = append(firm,
			field("tische", "Anzahl Tische", strconv.Itoa(r.between(2, 16))),
			field("stuehle", "Anzahl Stühle", strconv.Itoa(r.between(8, 64))),
			field("schirme", "Sonnenschirme", yesNo(r.chance(0.6))))
	}
	place := group("ort", "Ort der Sondernutzung",
		field("strasse", "Straße und Hausnummer", where),
		field("flaeche", "In Anspruch genommene Fläche", strconv.Itoa(r.between(u.Area[0], u.Area[1]))+" m²"),
		field("bereich", "Bereich", r.pick([]string{"Gehweg", "Gehweg", "Parkstreifen", "Fahrbahn (halbseitig)", "Platzfläche"})),
	)
	legal := start
	return spec{
		Title:     "Sondernutzung: " + u.Kind + ", " + where,
		Person:    p,
		Applicant: applicant,
		Legal:     &legal,
		Form: []model.FormField{
			personGroup("antragsteller", "Antragsteller/in", p),
			group("nutzung", "Art der Sondernutzung",
				append([]model.FormField{
					field("art", "Art", u.Kind),
					field("beschreibung", "Beschreibung", u.Detail),
				}, firm...)...),
			place,
			group("zeitraum", "Zeitraum",
				field("von", "Von", date(start)),
				field("bis", "Bis", date(end)),
			),
			field("verkehrsrechtlich", "Verkehrsrechtliche Anordnung beantragt", yesNo(u.Kind != "Werbeaufsteller" && r.chance(0.5))),
		},
		Decision: u.Decision,
		Template: "sondernutzung-erlaubnis",
		Comments: []string{
			"Restgehwegbreite von 1,50 m bleibt gewahrt.",
			"Abstimmung mit dem Bauhof wegen Winterdienst.",
			"Gebühr nach Sondernutzungssatzung berechnet.",
			"Polizei um Stellungnahme zur Verkehrsführung gebeten.",
			"Ortstermin " + where + " durchgeführt, keine Bedenken.",
		},
		Missing: []string{"eine Lageskizze", "den Verkehrszeichenplan", "den Nachweis der Betriebshaftpflicht"},
		Forward: "Kreisstraße: Straßenbaulastträger ist der Kreis, dorthin abgegeben",
	}
}

func (r rng) wohngeld(received time.Time, p person) spec {
	members := r.between(1, 5)
	var household, income []model.FormField
	household = append(household, group("mitglied1", "Antragsteller/in",
		field("name", "Name", p.Name()), field("geburtsdatum", "Geburtsdatum", date(p.Born)),
		field("verhaeltnis", "Verhältnis", "antragstellende Person")))
	sources := []string{"Altersrente", "Erwerbseinkommen", "Arbeitslosengeld I", "Minijob", "Erwerbsminderungsrente", "Elterngeld", "Unterhalt"}
	income = append(income, group("einkommen1", p.Name(),
		field("art", "Einkommensart", r.pick(sources)),
		field("brutto", "Bruttoeinkommen monatlich", euro(r.between(450, 2400)*100))))
	for i := 2; i <= members; i++ {
		rel, first := "Kind", r.pick(maleNames)
		born := received.AddDate(-r.between(1, 17), -r.between(0, 11), 0)
		if i == 2 && r.chance(0.6) {
			rel = r.pick([]string{"Ehegatte/Ehegattin", "Lebenspartner/in"})
			born = p.Born.AddDate(r.between(-5, 5), r.between(0, 11), 0)
		}
		if r.chance(0.5) {
			first = r.pick(femaleNames)
		}
		n := strconv.Itoa(i)
		household = append(household, group("mitglied"+n, "Haushaltsmitglied "+n,
			field("name", "Name", first+" "+p.Last), field("geburtsdatum", "Geburtsdatum", date(born)),
			field("verhaeltnis", "Verhältnis", rel)))
		if rel != "Kind" {
			income = append(income, group("einkommen"+n, first+" "+p.Last,
				field("art", "Einkommensart", r.pick(sources)),
				field("brutto", "Bruttoeinkommen monatlich", euro(r.between(0, 2200)*100))))
		}
	}
	area := 30 + members*12 + r.between(0, 25)
	rent := area * r.between(650, 1150)
	landlord := r.pick(landlords)
	if containsAny(landlord, "%s") {
		landlord = r.company(trade{Names: []string{landlord}}, r.pick(surnames))
	}
	kind := r.pick([]string{"Erstantrag", "Erstantrag", "Weiterleistungsantrag", "Erhöhungsantrag"})
	return spec{
		Title:     "Wohngeld (Mietzuschuss): " + kind,
		Person:    p,
		Applicant: p.applicant(true),
		Form: []model.FormField{
			field("antragsart", "Art des Antrags", "Mietzuschuss, "+kind),
			personGroup("antragsteller", "Antragsteller/in", p),
			group("haushalt", "Haushalt ("+strconv.Itoa(members)+" Personen)", household...),
			group("einkommen", "Einkommen", income...),
			group("wohnung", "Wohnung",
				field("flaeche", "Wohnfläche", strconv.Itoa(area)+" m²"),
				field("bezug", "Eingezogen am", date(received.AddDate(-r.between(0, 25), -r.between(0, 11), 0))),
				field("vermieter", "Vermieter/in", landlord),
				field("grundmiete", "Grundmiete monatlich", euro(rent)),
				field("nebenkosten", "Nebenkosten monatlich", euro(area*r.between(150, 320))),
				field("heizkosten", "Heizkosten monatlich", euro(area*r.between(90, 210))),
			),
			group("bank", "Bankverbindung", field("iban", "IBAN", maskedIBAN(r))),
		},
		Decision: r.pick([]string{"Wohngeldbescheid (Bewilligung)", "Wohngeldbescheid (Bewilligung)", "Wohngeldbescheid (Ablehnung)"}),
		Template: "wohngeld-bescheid",
		Comments: []string{
			"Mietbescheinigung des Vermieters liegt vor.",
			"Einkommensnachweise der letzten zwölf Monate angefordert.",
			"Berechnung nach Mietenstufe II durchgeführt.",
			"Plausibilitätsprüfung: Einnahmen decken den Bedarf nicht, Rückfrage nötig.",
			"Bewilligungszeitraum zwölf Monate.",
		},
		Missing: []string{"die Mietbescheinigung", "die Lohnabrechnungen der letzten drei Monate", "den Rentenbescheid", "die Kontoauszüge der letzten drei Monate"},
		Forward: "Zuständigkeit: Wohngeldstelle des Kreises, dorthin abgegeben",
	}
}

func (r rng) melde(received time.Time, p person) spec {
	kind := r.pick([]string{"einfache Meldebescheinigung", "einfache Meldebescheinigung", "erweiterte Meldebescheinigung"})
	purpose := r.pick([]string{"Vorlage beim Arbeitgeber", "Vorlage bei der Bank", "Antrag auf Kindergeld",
		"Anmeldung der Eheschließung beim Standesamt", "Vorlage bei der Rentenversicherung", "Vorlage beim Jobcenter",
		"Vorlage bei der Kfz-Zulassungsstelle", "Vorlage bei der Hochschule"})
	copies := r.between(1, 3)
	fee := 500
	if kind == "erweiterte Meldebescheinigung" {
		fee = 1000
	}
	delivery := r.pick([]string{"Versand per Post", "Abholung im Bürgerbüro", "elektronisch in das Postfach"})
	return spec{
		Title:     "Meldebescheinigung: " + purpose,
		Person:    p,
		Applicant: p.applicant(true),
		Form: []model.FormField{
			personGroup("person", "Betroffene Person", p),
			group("bescheinigung", "Bescheinigung",
				field("art", "Art der Bescheinigung", kind),
				field("zweck", "Verwendungszweck", purpose),
				field("anzahl", "Anzahl der Ausfertigungen", strconv.Itoa(copies)),
				field("zustellung", "Zustellung", delivery),
				field("gebuehr", "Gebühr", euro(fee*copies)),
			),
		},
		Decision: "Meldebescheinigung (" + kind + ")",
		Template: "meldebescheinigung",
		Comments: []string{
			"Identität über die eID geprüft.",
			"Gebühr beglichen.",
			"Zustellung der Bescheinigung: " + delivery + ".",
			"Auskunftssperre geprüft: keine.",
		},
		Missing: []string{"eine Kopie Ihres Personalausweises", "die Vollmacht der betroffenen Person"},
		Forward: "Hauptwohnsitz nicht in Musterhausen, an die zuständige Meldebehörde abgegeben",
	}
}

func (r rng) sonstiges(received time.Time, p person) spec {
	topic := r.pick([]string{"Anfrage zur Straßenbeleuchtung", "Beschwerde über Lärm vom Sportplatz",
		"Frage zur Grünschnittabholung", "Anregung für einen Zebrastreifen", "Fundsache: Fahrrad abgegeben",
		"Anfrage Nutzung des Dorfgemeinschaftshauses"})
	where := r.street()
	return spec{
		Title:     topic,
		Person:    p,
		Applicant: p.applicant(true),
		Form: []model.FormField{
			personGroup("absender", "Absender/in", p),
			group("anliegen", "Anliegen",
				field("betreff", "Betreff", topic),
				field("ort", "Ort", where),
				field("text", "Nachricht", "Sehr geehrte Damen und Herren, ich wende mich wegen "+topic+" ("+where+") an Sie und bitte um Rückmeldung."),
			),
		},
		Decision: "Antwortschreiben",
		Template: "antwort",
		Comments: []string{"An den Bauhof weitergegeben.", "Telefonisch beantwortet.", "Vorgang im Ausschuss ansprechen."},
		Missing:  []string{"eine genauere Ortsangabe"},
		Forward:  "an das zuständige Fachamt abgegeben",
	}
}
