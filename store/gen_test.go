package store

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// Synthetic cases for tests and benchmarks; the real demo data comes from demo/.

var (
	clerkAnna   = model.Clerk{ID: "c-anna", Name: "Anna Schmidt", Role: model.RoleSachbearbeitung, OrgUnit: "ou-1"}
	clerkBernd  = model.Clerk{ID: "c-bernd", Name: "Bernd Müller", Role: model.RoleSachbearbeitung, OrgUnit: "ou-1"}
	clerkClaudi = model.Clerk{ID: "c-claudia", Name: "Claudia Weiß", Role: model.RoleLeitung, OrgUnit: "ou-1"}
	clerkDieter = model.Clerk{ID: "c-dieter", Name: "Dieter Özdemir", Role: model.RoleAdministration, OrgUnit: "ou-1"}
	testClerks  = []model.Clerk{clerkAnna, clerkBernd, clerkClaudi, clerkDieter}
	systemClerk = model.Clerk{ID: "system", Name: "Posteingang", Role: model.RoleAdministration}
)

var (
	firstNames = []string{"Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hans", "Ida", "Jonas",
		"Karin", "Lukas", "Maria", "Niklas", "Olga", "Paul", "Rita", "Stefan", "Tanja", "Uwe", "Jürgen", "Käthe", "Sören"}
	lastNames = []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
		"Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
		"Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Weiß", "Groß", "Köhler", "Jäger", "Böhm"}
	streets = []string{"Hauptstraße", "Schulstraße", "Gartenweg", "Dorfstraße", "Bahnhofstraße", "Birkenallee",
		"Kirchplatz", "Mühlenweg", "Lindenstraße", "Am Markt"}
	cities   = []string{"Musterhausen", "Neustadt", "Kleinbüttel", "Großenbrode", "Süderlügum"}
	trades   = []string{"Bäckerei", "Friseursalon", "Elektroinstallation", "Café", "Blumenladen", "Schreinerei", "Imbiss"}
	dogRaces = []string{"Dackel", "Schäferhund", "Labrador", "Pudel", "Mischling", "Beagle"}
)

// synthCase returns a case received before now and the steps that brought it to a
// mix of statuses, like the demo generator does.
func synthCase(r *rand.Rand, now time.Time) Import {
	ct := model.CaseTypes[r.IntN(6)]
	name := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
	received := now.Add(-time.Duration(r.IntN(700*24)) * time.Hour)
	city := cities[r.IntN(len(cities))]
	street := fmt.Sprintf("%s %d", streets[r.IntN(len(streets))], 1+r.IntN(120))
	c := model.Case{
		Type:       ct.Code,
		Title:      ct.Name,
		ReceivedAt: received,
		Channel:    model.ChannelOnline,
		Applicant: model.Applicant{
			Name: name, Street: street, PostalCode: fmt.Sprintf("%05d", 20000+r.IntN(70000)), City: city,
			Email: fmt.Sprintf("antrag%d@example.org", r.IntN(100000)),
		},
	}
	switch ct.Code {
	case "GEWERBE":
		c.Form = []model.FormField{{Name: "betrieb", Label: "Betrieb", Items: []model.FormField{
			{Name: "taetigkeit", Label: "Tätigkeit", Value: trades[r.IntN(len(trades))]},
			{Name: "beginn", Label: "Beginn", Value: received.AddDate(0, 1, 0).Format("02.01.2006")},
		}}}
	case "HUND":
		c.Form = []model.FormField{{Name: "hund", Label: "Hund", Items: []model.FormField{
			{Name: "rasse", Label: "Rasse", Value: dogRaces[r.IntN(len(dogRaces))]},
			{Name: "name", Label: "Name des Hundes", Value: firstNames[r.IntN(len(firstNames))]},
		}}}
	default:
		c.Form = []model.FormField{
			{Name: "anliegen", Label: "Anliegen", Value: ct.Name + " für " + street},
			{Name: "ort", Label: "Ort", Value: city},
		}
	}
	at := received
	next := func() time.Time { at = at.Add(time.Duration(1+r.IntN(72)) * time.Hour); return at }
	clerk := testClerks[r.IntN(2)]
	tr := func(a model.Action) Step {
		return Step{Actor: clerk, At: next(), Kind: model.KindTransition, Payload: model.TransitionPayload{Action: a}}
	}
	assign := Step{Actor: clerk, At: next(), Kind: model.KindAssign, Payload: model.AssignPayload{Assignee: clerk.ID}}
	comment := Step{Actor: clerk, At: next(), Kind: model.KindComment, Payload: model.CommentPayload{
		Comment: model.Comment{ID: fmt.Sprintf("k%d", r.Uint64()), At: at, By: clerk.ID, Text: "Unterlagen geprüft, Rückfrage beim Antragsteller."}}}
	var steps []Step
	switch p := r.IntN(100); {
	case p < 25:
		steps = []Step{comment}
	case p < 45:
		steps = []Step{tr(model.ActionAnnehmen), assign, comment}
	case p < 80:
		due := model.Day(now.AddDate(0, 0, r.IntN(60)-30), time.UTC)
		steps = []Step{tr(model.ActionAnnehmen), assign, tr(model.ActionBearbeiten), comment,
			{Actor: clerk, At: next(), Kind: model.KindFollowUpAdd, Payload: model.FollowUpPayload{FollowUp: model.FollowUp{
				ID: fmt.Sprintf("f%d", r.Uint64()), Due: due, Reason: "Nachweis angefordert", CreatedAt: at, By: clerk.ID}}}}
	case p < 92:
		steps = []Step{tr(model.ActionAnnehmen), assign, tr(model.ActionBearbeiten), comment, tr(model.ActionAbschliessen)}
	case p < 96:
		steps = []Step{tr(model.ActionVerwerfen)}
	default:
		steps = []Step{tr(model.ActionAnnehmen), tr(model.ActionWeiterleiten)}
	}
	return Import{Case: c, Steps: steps}
}

// synthBatches returns n synthetic cases in batches of size.
func synthBatches(seed uint64, n, size int, now time.Time) [][]Import {
	r := rand.New(rand.NewPCG(seed, 1))
	var out [][]Import
	for i := 0; i < n; i += size {
		b := make([]Import, 0, size)
		for j := i; j < n && j < i+size; j++ {
			b = append(b, synthCase(r, now))
		}
		out = append(out, b)
	}
	return out
}

// clock is an injectable, settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var testNow = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

// openTest opens a store in a fresh temp dir with a fixed clock and randomness.
func openTest(t testing.TB, dir string) (*DB, *clock) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	clk := &clock{t: testNow}
	db, err := Open(Options{
		Dir:    dir,
		Device: "A7",
		Now:    clk.Now,
		Rand:   rand.NewChaCha8([32]byte{1, 2, 3}),
	})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return db, clk
}

// setupTest adds the municipality and clerks.
func setupTest(t testing.TB, db *DB) {
	t.Helper()
	if err := db.SetMunicipality(Municipality{Name: "Gemeinde Musterhausen", Tenant: "t-muster", OrgUnit: "ou-1"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range append(testClerks, systemClerk) {
		if err := db.PutClerk(c); err != nil {
			t.Fatal(err)
		}
	}
}

// newTestCase returns a valid case as a clerk enters it.
func newTestCase(typ, name string, received time.Time) model.Case {
	return model.Case{
		Type:       typ,
		Title:      "Antrag von " + name,
		ReceivedAt: received,
		Channel:    model.ChannelCounter,
		Applicant:  model.Applicant{Name: name, Street: "Hauptstraße 1", PostalCode: "12345", City: "Musterhausen"},
		Form:       []model.FormField{{Name: "anliegen", Label: "Anliegen", Value: "Carport im Garten"}},
	}
}
