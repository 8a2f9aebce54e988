package index

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// A small deterministic generator of realistic cases for tests and benchmarks:
// German names, streets and towns, the case types of model.CaseTypes with form data.

var (
	genSurnames = []string{
		"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
		"Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
		"Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
		"Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann",
		"Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs",
		"Peters", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel",
		"Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck",
		"Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Böhm", "Winter", "Krämer",
		"Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt",
		"Haas", "Schreiber", "Graf", "Dietrich", "Ziegler", "Kühn", "Pohl", "Engel", "Horn",
		"Busch", "Bergmann", "Voigt", "Sauer", "Arnold", "Pfeiffer", "Jürgensen", "Petersen",
		"Hansen", "Thomsen", "Müller-Lüdenscheidt", "Yılmaz", "Öztürk", "Kowalski",
		"Nowak", "Dubois", "Łukasiewicz", "Nguyen",
	}
	genFirst = []string{
		"Anna", "Maria", "Lena", "Sophie", "Emma", "Hannah", "Mia", "Lea", "Jürgen", "Jörg",
		"Uwe", "Klaus", "Peter", "Thomas", "Michael", "Andreas", "Stefan", "Sabine", "Petra",
		"Monika", "Ursula", "Renate", "Günter", "Björn", "Sören", "Zoë", "René", "Ömer",
		"Ayşe", "Karl-Heinz", "Hans-Peter", "Lukas", "Felix", "Jonas", "Paul", "Leon",
		"Finn", "Noah", "Elias", "Marie", "Frauke", "Wiebke", "Hauke", "Kai",
	}
	genStreets = []string{
		"Hauptstraße", "Bahnhofstraße", "Lange Straße", "Berliner Straße", "Kieler Straße",
		"Lübecker Straße", "Schulstraße", "Gartenstraße", "Dorfstraße", "Am Markt",
		"Mühlenweg", "Kirchweg", "Birkenweg", "Lindenallee", "Große Straße", "Kleine Straße",
		"Neue Straße", "Alte Dorfstraße", "Straße der Einheit", "Rosenstraße", "Wiesengrund",
		"Hamburger Straße", "Plöner Straße", "Eutiner Straße", "Königsweg", "Fährstraße",
		"Segeberger Straße", "Holstenstraße",
	}
	genTowns = []struct{ zip, name string }{
		{"24999", "Musterhausen"}, {"24534", "Neumünster"}, {"23795", "Bad Segeberg"},
		{"24306", "Plön"}, {"23701", "Eutin"}, {"24211", "Preetz"}, {"24392", "Süderbrarup"},
		{"22927", "Großhansdorf"},
	}
	genDomains = []string{"web.de", "gmx.de", "t-online.de", "posteo.de", "mailbox.org", "gmail.com"}
	genForm    = map[string][][]string{
		"GEWERBE": {
			{"taetigkeit", "Tätigkeit", "Einzelhandel mit Lebensmitteln", "Friseursalon", "Gaststätte mit Außengastronomie", "IT-Dienstleistungen", "Handel mit Gebrauchtwagen", "Gebäudereinigung", "Café und Bäckerei"},
			{"rechtsform", "Rechtsform", "Einzelunternehmen", "GmbH", "UG (haftungsbeschränkt)", "GbR"},
		},
		"BAU": {
			{"vorhaben", "Vorhaben", "Neubau eines Einfamilienhauses", "Anbau Wintergarten", "Errichtung Carport", "Dachgeschossausbau", "Abriss einer Scheune", "Errichtung einer Garage"},
			{"gemarkung", "Gemarkung", "Musterhausen", "Kleinwiek", "Großenbrode", "Südfeld"},
		},
		"HUND": {
			{"hundename", "Name des Hundes", "Bello", "Luna", "Balu", "Rex", "Käthe", "Sammy", "Emma", "Frieda"},
			{"rasse", "Rasse", "Dackel", "Schäferhund", "Labrador", "Mischling", "Golden Retriever", "Möpschen"},
		},
		"SONDERNUTZUNG": {
			{"zweck", "Zweck", "Aufstellen eines Baugerüsts", "Außengastronomie", "Container vor dem Haus", "Umzugsfahrzeug", "Infostand"},
		},
		"WOHNGELD": {
			{"haushalt", "Haushaltsmitglieder", "1", "2", "3", "4", "5"},
			{"miete", "Bruttokaltmiete", "450,00 EUR", "620,00 EUR", "780,50 EUR", "910,00 EUR"},
		},
		"MELDE": {
			{"zweck", "Verwendungszweck", "Vorlage beim Arbeitgeber", "Vorlage bei der Schule", "Rentenversicherung", "Kindergeld"},
		},
		"SONSTIGES": {
			{"anliegen", "Anliegen", "Beschwerde über Straßenlaterne", "Frage zur Müllabfuhr", "Fundsache abgegeben", "Antrag auf Akteneinsicht"},
		},
	}
	genClerks = []model.Clerk{
		{ID: "clerk-1", Name: "Anke Jürgensen"}, {ID: "clerk-2", Name: "Björn Petersen"},
		{ID: "clerk-3", Name: "Claudia Öztürk"}, {ID: "clerk-4", Name: "Dirk Hansen"},
	}
	genStatuses = []model.Status{ // weighted: most cases are open
		model.StatusNeu, model.StatusNeu, model.StatusAngenommen, model.StatusInBearbeitung,
		model.StatusInBearbeitung, model.StatusInBearbeitung, model.StatusBeschieden,
		model.StatusAbgeschlossen, model.StatusAbgeschlossen, model.StatusWeitergeleitet,
		model.StatusVerworfen, model.StatusZuLoeschen,
	}
)

// genToday is the day the generated data is "now".
var genToday = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func asciiMail(s string) string {
	return strings.ReplaceAll(Fold(s), " ", "")
}

// genCases returns n cases generated from seed.
func genCases(n int, seed uint64) []model.Case {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	seq := map[string]uint64{}
	devices := []string{"A7", "B2", "C9"}
	out := make([]model.Case, n)
	for i := range out {
		t := pick(r, model.CaseTypes)
		received := genToday.Add(-time.Duration(r.IntN(700*24*3600)) * time.Second)
		dev := pick(r, devices)
		k := fmt.Sprintf("%s-%d-%s", t.Prefix, received.Year(), dev)
		seq[k]++
		first, last := pick(r, genFirst), pick(r, genSurnames)
		town := pick(r, genTowns)
		c := model.Case{
			ID:         fmt.Sprintf("019%05x-%04x-7000-8000-%012x", i, r.IntN(0x10000), r.Uint64()&0xffffffffffff),
			FileNumber: model.FileNumber(t.Prefix, received.Year(), seq[k], dev),
			Type:       t.Code,
			ReceivedAt: received,
			Status:     pick(r, genStatuses),
			Applicant: model.Applicant{
				Name:       first + " " + last,
				Street:     fmt.Sprintf("%s %d", pick(r, genStreets), 1+r.IntN(120)),
				PostalCode: town.zip,
				City:       town.name,
				Email:      asciiMail(first) + "." + asciiMail(last) + "@" + pick(r, genDomains),
			},
		}
		if r.IntN(10) == 0 {
			c.Applicant.Name = last + " " + pick(r, []string{"GmbH", "& Söhne KG", "Bau GmbH", "Gastronomie UG"})
		}
		if r.IntN(10) < 7 {
			c.Assignee = pick(r, genClerks).ID
		}
		if r.IntN(10) > 0 {
			d := t.TargetDeadline(received)
			c.TargetDeadline = &d
		}
		if r.IntN(8) == 0 {
			d := model.Day(received, time.UTC).AddDate(0, 3, 0)
			c.LegalDeadline = &d
		}
		if r.IntN(5) == 0 {
			due := genToday.AddDate(0, 0, r.IntN(61)-30)
			c.FollowUps = []model.FollowUp{{ID: fmt.Sprintf("f%d", i), Due: due, Reason: "Unterlagen prüfen"}}
		}
		for _, f := range genForm[t.Code] {
			c.Form = append(c.Form, model.FormField{Name: f[0], Label: f[1], Value: pick(r, f[2:])})
		}
		if t.Code == "HUND" { // chip numbers: one unique token per case
			c.Form = append(c.Form, model.FormField{Name: "chip", Label: "Chipnummer", Value: fmt.Sprintf("276%012d", r.Uint64()%1e12)})
		}
		out[i] = c
	}
	return out
}

// genRows returns the rows of genCases(n, seed).
func genRows(n int, seed uint64) []Row {
	cases := genCases(n, seed)
	names := map[string]string{}
	for _, c := range genClerks {
		names[c.ID] = c.Name
	}
	rows := make([]Row, n)
	for i := range cases {
		rows[i] = RowOf(&cases[i], names[cases[i].Assignee])
	}
	return rows
}

var (
	bigOnce sync.Once
	bigRows []Row
)

// bigData returns 100,000 generated rows, made once per test binary.
func bigData() []Row {
	bigOnce.Do(func() { bigRows = genRows(100_000, 42) })
	return bigRows
}
