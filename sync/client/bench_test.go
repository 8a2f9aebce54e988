package client

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Benchmarks of issue 4, over TLS on loopback against the real service on boltstore
// (in this process, so cpu-s counts the server's work too):
//
//	go test -run '^$' -bench 'InitialSync100k|Push1000' -benchtime 1x -v ./sync/client/
//
// The server with 100,000 cases is built once per test binary run (about a minute);
// building it is not measured.
var benchCases = envInt("OZG_SYNC_BENCH_CASES", 100_000)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

var benchSrv struct {
	once sync.Once
	env  *realEnv
	err  error
}

// benchServer returns the shared server holding benchCases cases of about 2 KB of
// form data each, pushed by a seeding device in batches of wire.MaxPushBatch.
func benchServer(b *testing.B) *realEnv {
	benchSrv.once.Do(func() {
		// The server outlives the benchmark that built it: t.Cleanup of the first
		// benchmark must not close it, so it lives on a throw-away testing.B.
		tb := &keepTB{B: b}
		e := newRealEnv(tb)
		start := time.Now()
		benchSrv.err = seed(e, benchCases)
		b.Logf("seeded %d cases in %v", benchCases, time.Since(start).Round(time.Millisecond))
		benchSrv.env = e
	})
	if benchSrv.err != nil {
		b.Fatal(benchSrv.err)
	}
	return benchSrv.env
}

// keepTB is a testing.TB whose cleanups never run (the process ends first).
type keepTB struct{ *testing.B }

func (keepTB) Cleanup(func()) {}

func (k keepTB) TempDir() string { return tempDir() }

// seed pushes n synthetic cases through the service (not over HTTP: it only builds
// the server's state).
func seed(e *realEnv, n int) error {
	ctx := context.Background()
	code, _, err := e.svc.NewEnrollment(ctx, "t-muster")
	if err != nil {
		return err
	}
	er, err := e.svc.Enroll(ctx, code)
	if err != nil {
		return err
	}
	dev, err := e.svc.Authenticate(ctx, er.Token)
	if err != nil {
		return err
	}
	// Anna signs in on the seeding PC, and her mutations carry the time she made
	// them, which her grant covers.
	if code, ok := e.codes[e.anna.ID]; ok {
		_, err = e.svc.Activate(ctx, dev, code, cloudtest.Password)
		delete(e.codes, e.anna.ID)
	} else {
		_, err = e.svc.SignIn(ctx, dev, e.anna.ID, cloudtest.Password)
	}
	if err != nil {
		return fmt.Errorf("seed: sign in: %w", err)
	}
	now := time.Now().UTC()
	r := rand.New(rand.NewPCG(7, 7))
	var seq uint64
	for done := 0; done < n; {
		batch := make([]model.Mutation, 0, wire.MaxPushBatch)
		for ; done < n && len(batch) < wire.MaxPushBatch; done++ {
			seq++
			c := benchCase(r, done, er.DeviceCode)
			m, err := model.NewMutation(c.ID, model.KindCreate, model.CreatePayload{Case: c})
			if err != nil {
				return err
			}
			m.Seq, m.Device, m.ID = seq, dev.ID, wire.MutationID(dev.ID, seq)
			m.User, m.At = e.anna.ID, now
			batch = append(batch, m)
		}
		resp, err := e.svc.Push(ctx, dev, cloudtest.Push(batch...))
		if err != nil {
			return err
		}
		for _, res := range resp.Results {
			if res.Status != wire.StatusApplied {
				return fmt.Errorf("seed: %d %s: %s", res.Seq, res.Status, res.Reason)
			}
		}
	}
	return nil
}

var (
	benchFirst   = []string{"Anna", "Ben", "Clara", "Jürgen", "Käthe", "Lukas", "Maria", "Sören", "Tanja", "Uwe"}
	benchLast    = []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Köhler", "Jäger", "Hoffmann", "Schäfer"}
	benchStreets = []string{"Hauptstraße", "Schulstraße", "Gartenweg", "Dorfstraße", "Bahnhofstraße", "Birkenallee", "Mühlenweg", "Am Markt"}
	benchWhat    = []string{"Carport mit Geräteraum", "Einfamilienhaus mit Doppelgarage", "Wintergarten an der Südseite", "Dachgaube und Dachflächenfenster", "Gartenhaus mit Terrasse", "Anbau eines Pferdestalls"}
)

// benchCase is a building application with about 2 KB of form data, drawn from small
// vocabularies like real applications (names, streets, plots, measures).
func benchCase(r *rand.Rand, i int, device string) model.Case {
	first, last := benchFirst[r.IntN(len(benchFirst))], benchLast[r.IntN(len(benchLast))]
	street := benchStreets[r.IntN(len(benchStreets))]
	what := benchWhat[r.IntN(len(benchWhat))]
	f := func(name, label, value string) model.FormField {
		return model.FormField{Name: name, Label: label, Value: value}
	}
	form := []model.FormField{
		{Name: "antragsteller", Label: "Antragstellende Person", Items: []model.FormField{
			f("antragsteller.vorname", "Vorname", first),
			f("antragsteller.nachname", "Nachname", last),
			f("antragsteller.anschrift.strasse", "Straße", street),
			f("antragsteller.anschrift.hausnummer", "Hausnummer", strconv.Itoa(1+r.IntN(80))),
			f("antragsteller.anschrift.plz", "Postleitzahl", "12345"),
			f("antragsteller.anschrift.ort", "Ort", "Musterhausen"),
			f("antragsteller.telefon", "Telefon", fmt.Sprintf("04321 %06d", r.IntN(1000000))),
			f("antragsteller.email", "E-Mail-Adresse", strings.ToLower(last)+"@example.org"),
		}},
		{Name: "grundstueck", Label: "Baugrundstück", Items: []model.FormField{
			f("grundstueck.gemarkung", "Gemarkung", "Musterhausen"),
			f("grundstueck.flur", "Flur", strconv.Itoa(1+r.IntN(12))),
			f("grundstueck.flurstueck", "Flurstück", fmt.Sprintf("%d/%d", 1+r.IntN(400), 1+r.IntN(9))),
			f("grundstueck.strasse", "Lage des Grundstücks", street+" "+strconv.Itoa(1+r.IntN(80))),
			f("grundstueck.bebauungsplan", "Liegt das Grundstück im Geltungsbereich eines Bebauungsplans?", "ja"),
		}},
		{Name: "vorhaben", Label: "Bauvorhaben", Items: []model.FormField{
			f("vorhaben.bezeichnung", "Bezeichnung des Vorhabens", what),
			f("vorhaben.beschreibung", "Beschreibung", "Errichtung: "+what+" auf dem rückwärtigen Teil des Grundstücks, Abstand zur Grenze mindestens drei Meter, Ausführung in Holzbauweise mit Satteldach."),
			f("vorhaben.grundflaeche", "Grundfläche in Quadratmetern", strconv.Itoa(12+r.IntN(180))),
			f("vorhaben.hoehe", "Firsthöhe in Metern", fmt.Sprintf("%d,%d", 3+r.IntN(8), r.IntN(10))),
			f("vorhaben.kosten", "Geschätzte Baukosten in Euro", strconv.Itoa(5000+r.IntN(400000))),
			f("vorhaben.entwurfsverfasser", "Entwurfsverfasser", "Architekturbüro Nord"),
			f("vorhaben.bauvorlageberechtigt", "Ist der Entwurfsverfasser bauvorlageberechtigt?", "ja"),
			f("vorhaben.beginn", "Geplanter Baubeginn", "01.06.2026"),
		}},
	}
	received := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	name := first + " " + last
	return model.Case{
		ID:         uuid.Must(uuid.NewV7()).String(),
		Tenant:     "t-muster",
		OrgUnit:    "ou-1",
		FileNumber: model.FileNumber("BAU", 2026, uint64(i+1), device),
		Type:       "BAU",
		LeikaIDs:   []string{"99010003001000"},
		Title:      "Bauantrag " + name,
		ReceivedAt: received,
		Channel:    model.ChannelOnline,
		Applicant:  model.Applicant{Name: name, Street: street + " 1", PostalCode: "12345", City: "Musterhausen", Email: strings.ToLower(last) + "@example.org"},
		Form:       form,
		Status:     model.StatusNeu,
	}
}

// BenchmarkInitialSync100k: a fresh desktop pulls 100,000 cases over TLS and has them
// searchable. Goal: at most 10 s.
func BenchmarkInitialSync100k(b *testing.B) {
	e := benchServer(b)
	e.t = b
	for b.Loop() {
		b.StopTimer()
		db, c := e.device("", Options{PageLimit: wire.MaxLimit})
		b.StartTimer()
		stopProfile := benchProfile(b)
		start, cpu := time.Now(), cpuTime()
		mustSync(b, c)
		if p := db.List(index.Query{Text: "Köhler"}); p.Total == 0 {
			b.Fatal("nothing found")
		}
		if n := db.CaseCount(); n != benchCases {
			b.Fatalf("%d cases", n)
		}
		d := time.Since(start)
		b.ReportMetric(d.Seconds(), "s/sync")
		b.ReportMetric((cpuTime() - cpu).Seconds(), "cpu-s/sync")
		b.ReportMetric(float64(benchCases)/d.Seconds(), "cases/s")
		stopProfile()
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkPush1000: 1,000 mutations queued offline on 100 cases are pushed (and the
// resulting changes pulled back) in one round. Goal: the push at most 2 s.
func BenchmarkPush1000(b *testing.B) {
	e := newRealEnv(b)
	if err := seed(e, 100); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		db, c := e.device("", Options{})
		mustSync(b, c)
		ids := make([]string, 0, 100)
		for _, r := range db.List(index.Query{Limit: 100}).Rows {
			ids = append(ids, r.ID)
		}
		for i := 0; i < 1000; i++ {
			id := ids[i%len(ids)]
			var err error
			switch i % 3 {
			case 0:
				_, err = db.Do(e.anna, id, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: fmt.Sprintf("k%d", i), Text: "Unterlagen geprüft"}})
			case 1:
				_, err = db.Do(e.anna, id, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{ID: fmt.Sprintf("f%d", i), Due: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Reason: "Nachfrage"}})
			case 2:
				_, err = db.Do(e.anna, id, model.KindMessage, model.MessagePayload{Message: model.Message{ID: fmt.Sprintf("m%d", i), Direction: model.MessageOutgoing, State: model.MessagePending, Subject: "Rückfrage", Body: "Bitte reichen Sie den Lageplan nach."}})
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start, cpu := time.Now(), cpuTime()
		if err := c.push(context.Background()); err != nil {
			b.Fatal(err)
		}
		push := time.Since(start)
		b.ReportMetric((cpuTime() - cpu).Seconds(), "cpu-s/push")
		if err := c.pull(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(push.Seconds(), "s/push")
		b.ReportMetric(time.Since(start).Seconds(), "s/push+pull")
		b.StopTimer()
		if n, _ := db.PendingCount(); n != 0 {
			b.Fatalf("%d pending", n)
		}
		// Every mutation went through the grant check and was applied.
		if rs, _ := db.Rejections(); len(rs) != 0 {
			b.Fatalf("%d rejected, the first: %s", len(rs), rs[0].Reason)
		}
		db.Close()
		b.StartTimer()
	}
}

// benchProfile writes a CPU profile of the measured sync alone (not of building the
// server, which -cpuprofile would include) to $OZG_SYNC_BENCH_PROFILE when it is set.
func benchProfile(b *testing.B) (stop func()) {
	path := os.Getenv("OZG_SYNC_BENCH_PROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

var benchDirs struct {
	mu   sync.Mutex
	dirs []string
}

// tempDir makes a folder that TestMain removes when the binary ends.
func tempDir() string {
	d, err := os.MkdirTemp("", "ozg-sync-bench-")
	if err != nil {
		panic(err)
	}
	benchDirs.mu.Lock()
	benchDirs.dirs = append(benchDirs.dirs, d)
	benchDirs.mu.Unlock()
	return d
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range benchDirs.dirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}
