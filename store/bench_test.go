package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// Benchmarks on a store of benchCases synthetic cases. The store is built once per
// test binary run, only when a benchmark asks for it, in a temp dir that TestMain
// removes; with OZG_STORE_BENCH_DIR set it is built there once and kept for later runs.
// Run: go test -run '^$' -bench . -benchtime 2s -v ./store/
const (
	benchCases = 100_000
	benchBatch = 1000
)

var bench struct {
	once sync.Once
	dir  string
	db   *DB
	ids  []string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.db != nil {
		bench.db.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// importSynthetic imports n synthetic cases in batches and returns how long the
// imports and the index build took (generation excluded) and everything in total.
func importSynthetic(tb testing.TB, db *DB, n int) (imp, total time.Duration) {
	r := rand.New(rand.NewPCG(42, 1))
	start := time.Now()
	for done := 0; done < n; done += benchBatch {
		batch := make([]Import, 0, benchBatch)
		for i := done; i < n && i < done+benchBatch; i++ {
			batch = append(batch, synthCase(r, testNow))
		}
		t0 := time.Now()
		if err := db.Import(batch, systemClerk); err != nil {
			tb.Fatal(err)
		}
		imp += time.Since(t0)
	}
	// The in-memory index is built at the first read after the imports; count it.
	t0 := time.Now()
	if db.CaseCount() < n {
		tb.Fatalf("only %d cases", db.CaseCount())
	}
	imp += time.Since(t0)
	return imp, time.Since(start)
}

func benchStore(b *testing.B) *DB {
	b.Helper()
	bench.once.Do(func() {
		dir := os.Getenv("OZG_STORE_BENCH_DIR")
		if dir == "" {
			d, err := os.MkdirTemp("", "ozgcloud-bench-")
			if err != nil {
				b.Fatal(err)
			}
			dir, bench.dir = d, d
		}
		if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
			db, _ := openTest(b, dir)
			setupTest(b, db)
			imp, total := importSynthetic(b, db, benchCases)
			db.Close()
			fmt.Fprintf(os.Stderr, "store: %d synthetic cases imported in %v (with generation %v)\n",
				benchCases, imp.Round(time.Millisecond), total.Round(time.Millisecond))
		}
		t0 := time.Now()
		db, _ := openTest(b, dir)
		fi, _ := os.Stat(db.Path())
		fmt.Fprintf(os.Stderr, "store: Open of %d cases (%d MB) took %v\n",
			db.CaseCount(), fi.Size()>>20, time.Since(t0).Round(time.Millisecond))
		bench.db = db
		for _, r := range db.List(index.Query{Limit: 500, Sort: index.SortFileNumber}).Rows {
			bench.ids = append(bench.ids, r.ID)
		}
	})
	if bench.db == nil {
		b.Fatal("bench store failed")
	}
	return bench.db
}

func BenchmarkImport100k(b *testing.B) {
	for b.Loop() {
		db, _ := openTest(b, b.TempDir())
		setupTest(b, db)
		imp, total := importSynthetic(b, db, benchCases)
		b.ReportMetric(imp.Seconds(), "import-s")
		b.ReportMetric(total.Seconds(), "total-s")
		db.Close()
	}
}

func BenchmarkOpen100k(b *testing.B) {
	db := benchStore(b)
	dir := db.Dir()
	db.Close()
	for b.Loop() {
		db, _ = openTest(b, dir)
		db.Close()
	}
	bench.db, _ = openTest(b, dir)
}

func BenchmarkAction(b *testing.B) {
	db := benchStore(b)
	b.Run("comment", func(b *testing.B) {
		i := 0
		for b.Loop() {
			id := bench.ids[i%len(bench.ids)]
			i++
			if _, err := db.Do(clerkAnna, id, model.KindComment, model.CommentPayload{Comment: model.Comment{
				ID: fmt.Sprint("bench-", i), Text: "Telefonat mit dem Antragsteller, Unterlagen folgen."}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Without fsync: what the action costs besides the disk, for comparing runs on a
	// busy machine (fsync latency varies with what else writes).
	b.Run("comment-nosync", func(b *testing.B) {
		db.bolt.NoSync = true
		defer func() { db.bolt.NoSync = false }()
		i := 0
		for b.Loop() {
			id := bench.ids[i%len(bench.ids)]
			i++
			if _, err := db.Do(clerkAnna, id, model.KindComment, model.CommentPayload{Comment: model.Comment{
				ID: fmt.Sprint("bench-ns-", i), Text: "Telefonat mit dem Antragsteller, Unterlagen folgen."}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("assign", func(b *testing.B) {
		i := 0
		for b.Loop() {
			id := bench.ids[i%len(bench.ids)]
			to := testClerks[i%2].ID
			i++
			if _, err := db.Do(clerkClaudi, id, model.KindAssign, model.AssignPayload{Assignee: to}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCaseListPage(b *testing.B) {
	db := benchStore(b)
	today := index.DayNumber(testNow)
	queries := map[string]index.Query{
		"default":         {},
		"status-neu":      {Statuses: []model.Status{model.StatusNeu}, Sort: index.SortFileNumber},
		"mine-deadline":   {Assignee: clerkAnna.ID, Sort: index.SortDeadline},
		"unassigned":      {Unassigned: true, Sort: index.SortApplicant},
		"overdue":         {Overdue: true, Today: today, Sort: index.SortDeadline},
		"followup-due":    {FollowUpDue: true, Today: today, Sort: index.SortReceived, Desc: true},
		"mine-inwork-due": {Assignee: clerkAnna.ID, Statuses: []model.Status{model.StatusInBearbeitung}, FollowUpDue: true, Today: today, Sort: index.SortAssignee},
		"page-400":        {Sort: index.SortType, Offset: 20000},
	}
	for _, k := range index.SortKeys {
		queries["sort-"+string(k)] = index.Query{Sort: k, Desc: true}
	}
	for name, q := range queries {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if p := db.List(q); len(p.Rows) == 0 {
					b.Fatalf("empty page for %s", name)
				}
			}
		})
	}
}

func BenchmarkSearch(b *testing.B) {
	db := benchStore(b)
	for _, text := range []string{"müll", "schm", "haup", "bäck", "2026", "mull haup"} {
		b.Run(text, func(b *testing.B) {
			for b.Loop() {
				if p := db.List(index.Query{Text: text}); p.Total == 0 {
					b.Fatalf("nothing found for %q", text)
				}
			}
		})
	}
}
