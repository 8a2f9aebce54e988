// Command bench runs the case list's list and search queries over the same demo cases
// in our store (bbolt plus the in-memory index) and in SQLite with FTS5, and prints
// the time per query on each side and their ratio as a Markdown table.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/store/index"
)

func main() {
	cfg, err := configFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	flag.IntVar(&cfg.N, "n", cfg.N, "number of demo cases")
	flag.Int64Var(&cfg.Seed, "seed", cfg.Seed, "demo data seed")
	flag.StringVar(&cfg.Cache, "cache", cfg.Cache, "folder that keeps both stores between runs (default $OZG_BENCH_CACHE; empty = temporary)")
	samples := flag.Int("samples", 9, "timed samples per query and side (the median is shown)")
	explain := flag.Bool("explain", false, "print SQLite's query plans and time count and page apart, instead of the table")
	flag.Parse()
	if *explain {
		err = explainAll(os.Stdout, cfg)
	} else {
		err = run(os.Stdout, os.Stderr, cfg, *samples)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// configFromEnv reads OZG_BENCH_CASES, OZG_BENCH_SEED and OZG_BENCH_CACHE, which the
// Go benchmarks use too.
func configFromEnv() (config, error) {
	cfg := config{N: 100_000, Seed: 1, Now: defaultNow, Cache: os.Getenv("OZG_BENCH_CACHE")}
	if v := os.Getenv("OZG_BENCH_CASES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return cfg, fmt.Errorf("bench: OZG_BENCH_CASES=%q is not a positive number", v)
		}
		cfg.N = n
	}
	if v := os.Getenv("OZG_BENCH_SEED"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return cfg, fmt.Errorf("bench: OZG_BENCH_SEED=%q is not a number", v)
		}
		cfg.Seed = n
	}
	return cfg, nil
}

func run(out, log io.Writer, cfg config, samples int) error {
	fmt.Fprintf(log, "loading %d demo cases (seed %d) into both stores...\n", cfg.N, cfg.Seed)
	s, err := open(cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if s.seedOurs > 0 {
		fmt.Fprintf(log, "seeded our store in %.1f s\n", s.seedOurs.Seconds())
	}
	if s.buildLite > 0 {
		fmt.Fprintf(log, "built the SQLite database in %.1f s\n", s.buildLite.Seconds())
	}

	type result struct {
		q          query
		total      int
		same       bool
		ours, lite time.Duration
		walk       bool
	}
	var results []result
	for _, q := range queries(s.today) {
		op := s.ours.List(q.Q)
		lp, err := s.lite.List(q.Q)
		if err != nil {
			return fmt.Errorf("%s: %w", q.Name, err)
		}
		walk, err := s.lite.tune(q.Q, 5)
		if err != nil {
			return fmt.Errorf("%s: %w", q.Name, err)
		}
		same := samePage(op, lp)
		if !same {
			fmt.Fprintf(log, "%s: results differ: ours %d rows of %d, SQLite %d rows of %d\n",
				q.Name, len(op.Rows), op.Total, len(lp.Rows), lp.Total)
		}
		ours, err := measure(samples, func() error { s.ours.List(q.Q); return nil })
		if err != nil {
			return err
		}
		lite, err := measure(samples, func() error { _, err := s.lite.List(q.Q); return err })
		if err != nil {
			return fmt.Errorf("%s: %w", q.Name, err)
		}
		results = append(results, result{q: q, total: op.Total, same: same, ours: ours, lite: lite, walk: walk})
		fmt.Fprintf(log, "%-40s ours %9.1f µs  SQLite %9.1f µs\n", q.Name, us(ours), us(lite))
	}

	fmt.Fprintf(out, "%d demo cases (seed %d), first page of 50 with the exact total; median of %d samples per query and side; %s, %s/%s, %d CPUs, %s, load average %s at the end.\n\n",
		cfg.N, cfg.Seed, samples, time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), runtime.Version(), loadAverage())
	fmt.Fprintln(out, "| query | matches | ours µs | SQLite µs | ours/SQLite | SQLite page plan | same page |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---|---|")
	for _, r := range results {
		same := "yes"
		if !r.same {
			same = "NO"
		}
		plan := "planner's"
		if r.walk {
			plan = "walk sort index"
		}
		fmt.Fprintf(out, "| %s | %d | %.1f | %.1f | %.3f | %s | %s |\n",
			r.q.Name, r.total, us(r.ours), us(r.lite), float64(r.ours)/float64(r.lite), plan, same)
	}
	return nil
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// samePage reports whether both sides found the same number of cases and the same
// page, compared by file number (unique on both sides).
func samePage(a, b index.Page) bool {
	if a.Total != b.Total || len(a.Rows) != len(b.Rows) {
		return false
	}
	for i := range a.Rows {
		x, y := a.Rows[i], b.Rows[i]
		if x.FileNumber != y.FileNumber || x.Status != y.Status || x.Assignee != y.Assignee ||
			x.Deadline != y.Deadline || x.NextFollowUp != y.NextFollowUp || x.ReceivedAt != y.ReceivedAt {
			return false
		}
	}
	return true
}

// measure returns the median time per call of fn over samples timed samples of at
// least 20 ms each, after a warm-up of at least 100 ms.
func measure(samples int, fn func() error) (time.Duration, error) {
	times, err := sample(samples, fn)
	if err != nil {
		return 0, err
	}
	return times[len(times)/2], nil
}

// fastest returns the shortest time per call of fn, which other load on the machine
// disturbs least; it is what choosing between two plans compares.
func fastest(samples int, fn func() error) (time.Duration, error) {
	times, err := sample(samples, fn)
	if err != nil {
		return 0, err
	}
	return times[0], nil
}

// sample returns samples sorted times per call of fn.
func sample(samples int, fn func() error) ([]time.Duration, error) {
	const warm, sample = 100 * time.Millisecond, 20 * time.Millisecond
	runs := 0
	t0 := time.Now()
	for runs < 5 || time.Since(t0) < warm {
		if err := fn(); err != nil {
			return nil, err
		}
		runs++
	}
	per := time.Since(t0) / time.Duration(runs)
	iters := max(1, int(sample/max(per, 1)))
	times := make([]time.Duration, 0, samples)
	for range samples {
		t := time.Now()
		for range iters {
			if err := fn(); err != nil {
				return nil, err
			}
		}
		times = append(times, time.Since(t)/time.Duration(iters))
	}
	slices.Sort(times)
	return times, nil
}

// explainAll prints, per query, SQLite's plans and the time of the count and of the
// page statement alone, to check that the SQLite side uses its indexes well.
func explainAll(out io.Writer, cfg config) error {
	s, err := open(cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	for _, q := range queries(s.today) {
		fmt.Fprintf(out, "%s\n", q.Name)
		walk, err := s.lite.tune(q.Q, 5)
		if err != nil {
			return err
		}
		if err := s.lite.explain(out, q.Q); err != nil {
			return err
		}
		countSQL, pageSQL, args := sqlOf(q.Q, walk)
		for _, text := range []string{countSQL, pageSQL} {
			a := args
			if strings.HasPrefix(text, "SELECT count(*) FROM fts") {
				a = args[:1]
			}
			st, err := s.lite.stmt(text)
			if err != nil {
				return err
			}
			d, err := measure(3, func() error {
				rows, err := st.Query(a...)
				if err != nil {
					return err
				}
				for rows.Next() {
				}
				rows.Close()
				return rows.Err()
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "  %.1f µs: %.60s\n", us(d), text)
		}
	}
	return nil
}

// loadAverage returns the one-minute load average on Linux, since the machine may be
// shared while the figures are taken; "unknown" elsewhere.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}
