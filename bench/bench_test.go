package main

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// The Go benchmarks share one pair of stores; OZG_BENCH_CACHE, OZG_BENCH_CASES and
// OZG_BENCH_SEED choose them as for "go run .".
var (
	shared     *sides
	sharedErr  error
	sharedOnce sync.Once
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		if err := shared.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.Exit(code)
}

func both(b *testing.B) *sides {
	b.Helper()
	sharedOnce.Do(func() {
		cfg, err := configFromEnv()
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = open(cfg)
	})
	if sharedErr != nil {
		b.Fatal(sharedErr)
	}
	return shared
}

func BenchmarkOurs(b *testing.B) {
	s := both(b)
	for _, q := range queries(s.today) {
		b.Run(q.Key, func(b *testing.B) {
			for b.Loop() {
				s.ours.List(q.Q)
			}
		})
	}
}

func BenchmarkSQLite(b *testing.B) {
	s := both(b)
	for _, q := range queries(s.today) {
		if _, err := s.lite.tune(q.Q, 5); err != nil {
			b.Fatal(err)
		}
		b.Run(q.Key, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.lite.List(q.Q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSameResults checks on a small store that both sides answer every query alike,
// so the benchmark compares like with like.
func TestSameResults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two stores")
	}
	cfg := config{N: 2000, Seed: 7, Now: defaultNow}
	s, err := open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range queries(s.today) {
		op := s.ours.List(q.Q)
		for _, walk := range []bool{false, true} {
			lp, err := s.lite.list(q.Q, walk)
			if err != nil {
				t.Fatalf("%s: %v", q.Name, err)
			}
			if !samePage(op, lp) {
				t.Errorf("%s (walk %v): ours %d rows of %d, SQLite %d rows of %d",
					q.Name, walk, len(op.Rows), op.Total, len(lp.Rows), lp.Total)
			}
		}
	}
}
