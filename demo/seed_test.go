package demo

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/store/index"
)

func openStore(t testing.TB, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{Dir: dir, Device: DeviceCode, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSeed(t *testing.T) {
	db := openStore(t, t.TempDir())
	if err := Seed(db, 500, 1, testNow); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	if p := db.List(index.Query{Limit: 500}); p.Total != 500 || len(p.Rows) != 500 {
		t.Fatalf("List: total %d, %d rows", p.Total, len(p.Rows))
	}
	if n := db.CaseCount(); n != 500 {
		t.Fatalf("CaseCount %d", n)
	}
	m, err := db.Municipality()
	if err != nil || !m.Demo || m.Name != "Gemeinde Musterhausen" {
		t.Fatalf("municipality %+v, %v", m, err)
	}
	clerks, err := db.Clerks()
	if err != nil || len(clerks) != 4 {
		t.Fatalf("clerks %v, %v", clerks, err)
	}
	today := model.Day(testNow, mustBerlin(t))
	due, err := db.DueFollowUps(today)
	if err != nil || len(due) == 0 {
		t.Fatalf("due follow-ups: %d, %v", len(due), err)
	}
	counts := db.Counts(ClerkSachbearbeitung1, index.DayNumber(today))
	t.Logf("counts %+v", counts)
	if counts.Overdue == 0 || counts.Mine == 0 || counts.Unassigned == 0 || len(counts.ByStatus) != len(model.Statuses) {
		t.Errorf("counts %+v", counts)
	}
	page := db.List(index.Query{Text: "müll", Limit: 5})
	if page.Total == 0 {
		t.Error("search for müll finds nothing")
	}
	c, err := db.Case(page.Rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.FileNumber == "" || c.Representation == nil || c.Representation.SHA256 == "" {
		t.Fatalf("case %s: file number %q, representation %+v", c.ID, c.FileNumber, c.Representation)
	}
	p, err := db.BlobPath(c.Representation.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || int64(len(b)) != c.Representation.Size {
		t.Fatalf("blob: %d bytes, %v", len(b), err)
	}
	if err := checkXref(b); err != nil {
		t.Fatal(err)
	}
}

func TestSeedTwiceFailsCleanly(t *testing.T) {
	db := openStore(t, t.TempDir())
	if err := Seed(db, 1050, 2, testNow); err != nil {
		t.Fatal(err)
	}
	// The same seed and count make the same case IDs, so the store refuses the first
	// batch while the next is being generated; Seed must stop every stage and say why.
	err := Seed(db, 1050, 2, testNow)
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("second seed: %v", err)
	}
	if n := db.CaseCount(); n != 1050 {
		t.Fatalf("%d cases after the refused seed", n)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkSeed seeds 100,000 cases into a fresh store, as `--demo-cases 100000` does.
// Run it on its own: go test -run '^$' -bench BenchmarkSeed -benchtime 1x ./demo/
func BenchmarkSeed(b *testing.B) {
	n := 100_000
	if s := os.Getenv("DEMO_SEED_CASES"); s != "" {
		fmt.Sscan(s, &n)
	}
	for b.Loop() {
		db := openStore(b, b.TempDir())
		start := time.Now()
		var imported time.Duration
		seedPhase = func(string) { imported = time.Since(start) }
		err := Seed(db, n, 1, testNow)
		seedPhase = nil
		if err != nil {
			b.Fatal(err)
		}
		total := time.Since(start)
		b.ReportMetric(total.Seconds(), "s/seed")
		b.ReportMetric(imported.Seconds(), "s/imported")
		b.ReportMetric((total - imported).Seconds(), "s/syncblobs")
		if db.CaseCount() != n {
			b.Fatalf("%d cases", db.CaseCount())
		}
	}
}
