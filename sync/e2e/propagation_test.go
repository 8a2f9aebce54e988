package e2e

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/client"
)

// propagation commits n comments one after the other on desktop A and measures for
// each how long until desktop B's engine has committed it to B's store (B's change
// feed publishes the page's commit). Both engines are online; B learns of each change from
// the server's event stream (the poll timer is set to an hour, so only pokes count).
// It returns the latencies sorted.
func propagation(t testing.TB, n int) []time.Duration {
	srv, clerks := newCloudServer(t, testClerks)
	codeA, codeB := srv.enrollCode(), srv.enrollCode()
	srv.start()
	defer srv.stop()
	a := newDesktop(t, srv, "", "A1", codeA, clerks)
	b := newDesktop(t, srv, "", "B1", codeB, clerks)
	feed := b.db.Subscribe()
	defer feed.Close()
	o := client.Options{Poll: time.Hour, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second}
	ea := startEngineWith(t, a, o)
	eb := startEngineWith(t, b, o)
	defer ea.stop()
	defer eb.stop()

	c, err := a.db.Create(clerks[0], newCase(nil, 1))
	if err != nil {
		t.Fatal(err)
	}
	ea.c.Notify()
	waitFor(t, "B has the case", 30*time.Second, func() bool { _, err := b.db.Case(c.ID); return err == nil })
	// Let the event streams settle, then forget the pulls so far.
	time.Sleep(200 * time.Millisecond)
	feed.Take()

	lat := make([]time.Duration, 0, n)
	for i := 1; i <= n; i++ {
		by := clerks[1+i%2]
		start := time.Now()
		if _, err := a.db.Do(by, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: fmt.Sprintf("k-%d", i), By: by.ID, Text: fmt.Sprintf("Vermerk %d", i)}}); err != nil {
			t.Fatal(err)
		}
		ea.c.Notify() // as the app does after every write
		for arrived := false; !arrived; {
			select {
			case <-feed.Ready():
				feed.Take()
				cb, err := b.db.Case(c.ID)
				arrived = err == nil && len(cb.Comments) == i
			case <-time.After(30 * time.Second):
				t.Fatalf("change %d not on B after 30 s", i)
			}
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	return lat
}

// quantile of sorted durations, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// TestPropagation is the smoke run of the propagation benchmark in make test: 20
// changes, and a loose bound (the machine running make test is shared); the budget
// of issue 4 (p99 ≤ 1 s over 200 changes) is BenchmarkPropagation's.
func TestPropagation(t *testing.T) {
	n := 20
	if v, err := strconv.Atoi(os.Getenv("E2E_PROPAGATION_N")); err == nil && v > 0 {
		n = v
	}
	lat := propagation(t, n)
	p50, p99 := quantile(lat, 0.5), quantile(lat, 0.99)
	t.Logf("propagation of %d changes A -> B: p50 %v, p99 %v, max %v", n, p50, p99, lat[len(lat)-1])
	if p99 > 5*time.Second {
		t.Errorf("p99 %v", p99)
	}
}

// BenchmarkPropagation: a change committed on desktop A is in desktop B's store
// within 1 s, p99 of 200 changes, both online over TLS on loopback, the real server
// binary in between:
//
//	go test -run '^$' -bench Propagation -benchtime 1x -v ./sync/e2e/
func BenchmarkPropagation(b *testing.B) {
	for b.Loop() {
		lat := propagation(b, 200)
		b.ReportMetric(float64(quantile(lat, 0.5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(quantile(lat, 0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	}
}
