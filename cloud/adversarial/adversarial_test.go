package adversarial

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Bounds the suite holds the service to.
const (
	// maxP99 is the well-behaved tenant's push latency goal (issue 11).
	maxP99 = 100 * time.Millisecond
	// maxHeap bounds the process's heap objects during the attack: the server's
	// body budget (128 MiB) and what its connections hold, plus the attackers'
	// own clients, which run in this process too.
	maxHeap = 256 << 20
)

func duration() time.Duration {
	if s, err := strconv.Atoi(os.Getenv("ADVERSARIAL_SECONDS")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if os.Getenv("ADVERSARIAL_LONG") != "" {
		return 2 * time.Minute
	}
	return 6 * time.Second
}

// TestAdversarial runs every attacker at once against the service while a good
// tenant pushes a comment every 50 ms. The good tenant's pushes stay under maxP99
// at the 99th percentile and none fails, the heap stays under maxHeap, no attacker
// makes the server answer 5xx or log an ERROR, and afterwards the good tenant's
// change log holds each of its pushes exactly once.
//
// The latency goal is relative to the machine: the good tenant pushes alone for a
// moment before and after the attack, and on a machine so busy (other tests, other
// work) that its p99 alone is already near the goal, the goal is twice the larger
// of the two (all are logged).
//
// It runs only with ADVERSARIAL=1: the `adversarial` stage of scripts/test.sh runs it
// alone, once under the race detector (latency logged) and once without it with
// ADVERSARIAL_LATENCY=1, where a missed goal fails the test. A
// genuine regression (long work under a lock others wait for) misses it every time,
// a busy moment once: a miss is measured once more before it counts.
func TestAdversarial(t *testing.T) {
	if os.Getenv("ADVERSARIAL") == "" {
		t.Skip("the attack runs in the adversarial stage of scripts/test.sh (ADVERSARIAL=1), alone on the machine: beside other packages' tests two cores cannot tell an attack from a busy neighbour")
	}
	strict := !raceEnabled && os.Getenv("ADVERSARIAL_LATENCY") != ""
	for attempt := 1; ; attempt++ {
		p99, goal := attack1(t)
		switch {
		case p99 <= goal:
			return
		case !strict:
			t.Logf("good tenant's push p99 %s over %s (checked with ADVERSARIAL_LATENCY=1 outside the race detector)", p99, goal)
			return
		case attempt == 1:
			t.Logf("good tenant's push p99 %s over %s; measuring once more", p99, goal)
		default:
			t.Errorf("good tenant's push p99 %s over %s twice in a row", p99, goal)
			return
		}
	}
}

// attack1 runs the attack once on a fresh service, checks everything but the
// latency, and returns the good tenant's p99 and the goal for it.
func attack1(t *testing.T) (p99, goal time.Duration) {
	t.Helper()
	tg := newTarget(t)
	d := duration()
	as := attacks()
	if only := os.Getenv("ADVERSARIAL_ONLY"); only != "" {
		as = slices.DeleteFunc(as, func(a attack) bool { return !slices.Contains(strings.Split(only, ","), a.name) })
	}

	// The good tenant's connection is open before the attack, as a desktop's is.
	good := &goodTenant{tg: tg, client: tg.client(goodAddr, 10*time.Second)}
	alone := func(run func(context.Context, string, time.Duration)) time.Duration {
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		n := len(good.latencies)
		run(ctx, "case-gut", 50*time.Millisecond)
		// The first push warms up (the case, the store file growing).
		_, p99, _ := percentiles(good.latencies[min(n+1, len(good.latencies)):])
		good.latencies = good.latencies[:n]
		return p99
	}
	before := alone(good.run)

	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cpu := cpuTime()
	var h heap
	go h.run(ctx)
	got := &tally{statuses: map[string]map[int]int{}, first: map[string]string{}}
	var wg sync.WaitGroup
	for _, a := range as {
		for w := range a.workers {
			wg.Go(func() { a.run(ctx, tg, w, func(s int, b []byte) { got.add(a.name, s, b) }) })
		}
	}
	good.comment(ctx, "case-gut", 50*time.Millisecond)
	wg.Wait()
	cpu = cpuTime() - cpu
	p50, p99, worst := percentiles(good.latencies)
	after := alone(good.comment)

	goal = max(maxP99, 2*max(before, after))
	t.Logf("%s attack, %d good pushes: p50 %s, p99 %s, max %s (alone: p99 %s before, %s after; goal %s); peak heap objects %d MiB, live %d MiB; %d connections open at the end; process CPU %.1f s on %d cores",
		d, len(good.latencies), p50, p99, worst, before, after, goal, h.peakObjects.Load()>>20, h.peakLive.Load()>>20, tg.ln.Open(), cpu.Seconds(), runtime.GOMAXPROCS(0))
	t.Logf("statuses by attacker:\n%s", got)

	for _, a := range as {
		for status, n := range got.statuses[a.name] {
			if !slices.Contains(a.allowed, status) {
				t.Errorf("%s: %d answers with status %d (allowed %v), the first: %s", a.name, n, status, a.allowed, got.first[fmt.Sprint(a.name, status)])
			}
		}
		if len(got.statuses[a.name]) == 0 {
			t.Errorf("%s never got an answer", a.name)
		}
	}
	if got.statuses["quota"][quotaRefused] == 0 {
		t.Error("the storage quota never refused the quota attacker")
	}
	if len(good.failures) > 0 {
		t.Errorf("%d good pushes failed, first: %s", len(good.failures), good.failures[0])
	}
	if len(good.latencies) < 10 {
		t.Fatalf("only %d good pushes during the attack", len(good.latencies))
	}
	if peak := h.peakObjects.Load(); peak > maxHeap {
		t.Errorf("peak heap %d MiB over %d MiB", peak>>20, maxHeap>>20)
	}
	if n := tg.logs.count("ERROR"); n > 0 {
		t.Errorf("%d ERROR lines, first: %v", n, tg.logs.errors)
	}
	checkGoodLog(t, tg, good)
	return p99, goal
}

// checkGoodLog pulls the good tenant's whole change log: each applied push is in
// it exactly once, and the case holds every comment once.
func checkGoodLog(t *testing.T, tg *target, good *goodTenant) {
	t.Helper()
	ctx := context.Background()
	dev := cloud.Device{ID: tg.good.DeviceID, Tenant: "gut"}
	var changes []wire.Change
	for cursor := uint64(0); ; {
		page, err := tg.svc.Changes(ctx, dev, cursor, wire.MaxLimit)
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, page.Changes...)
		cursor = page.Cursor
		if !page.More {
			break
		}
	}
	seen := map[string]int{}
	var last model.Case
	for _, ch := range changes {
		for _, m := range ch.Mutations {
			seen[m]++
		}
		if ch.Case != nil {
			last = *ch.Case
		}
		if ch.Patch != nil {
			if err := model.ApplyPatch(&last, *ch.Patch); err != nil {
				t.Fatalf("change %d: %v", ch.Seq, err)
			}
		}
	}
	if len(seen) != good.applied {
		t.Errorf("change log holds %d of the %d applied pushes", len(seen), good.applied)
	}
	for m, n := range seen {
		if n != 1 {
			t.Errorf("mutation %s is in the log %d times", m, n)
		}
	}
	ids := map[string]bool{}
	for _, c := range last.Comments {
		if ids[c.ID] {
			t.Errorf("comment %s twice", c.ID)
		}
		ids[c.ID] = true
	}
	if len(ids) != good.applied-1 {
		t.Errorf("case holds %d comments, %d were applied", len(ids), good.applied-1)
	}
}

func percentiles(l []time.Duration) (p50, p99, worst time.Duration) {
	if len(l) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(l)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.5), at(0.99), s[len(s)-1]
}

// cpuTime is the CPU time this process (server and attackers) used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
