package storagetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
)

var concurrencyTests = []test{
	{"SerializedUpdates", testSerializedUpdates},
	{"SerializedRegistry", testSerializedRegistry},
	{"EnrollmentUsedOnce", testEnrollmentUsedOnce},
	{"TenantsInParallel", testTenantsInParallel},
	{"ViewDuringUpdate", testViewDuringUpdate},
	{"ViewSnapshot", testViewSnapshot},
	{"ContextWhileWaiting", testContextWhileWaiting},
	{"RegistryContextWhileWaiting", testRegistryContextWhileWaiting},
}

// increment is the read-modify-write the service does on every push: read the case,
// change it, store it, log the change.
func increment(tx cloud.TenantTx, caseID string) error {
	c, err := tx.CaseHead(caseID)
	if err != nil {
		return err
	}
	c.Version++
	if err := tx.PutCaseHead(c); err != nil {
		return err
	}
	ch := sampleChange(tx.Tenant(), caseID, c.Version)
	ch.Case = &c
	_, err = tx.AppendChange(ch)
	return err
}

// hammer runs workers goroutines doing rounds increments each on tenant's counter
// case and returns the first error.
func hammer(s cloud.Storage, tenant string, workers, rounds int) error {
	return inParallel(workers, rounds, func() error {
		err := s.Update(context.Background(), tenant, func(tx cloud.TenantTx) error {
			return increment(tx, "counter")
		})
		if err != nil {
			return fmt.Errorf("%s: Update: %w", tenant, err)
		}
		return nil
	})
}

// inParallel runs fn rounds times in each of workers goroutines; a worker stops at
// its first error, and the first error of all is returned once every worker ended.
func inParallel(workers, rounds int, fn func() error) error {
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				if err := fn(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// checkCounter verifies that no increment was lost and the log has one change per
// increment, in order, each carrying the case as that increment left it.
func checkCounter(t *testing.T, s cloud.Storage, tenant string, want uint64) {
	t.Helper()
	view(t, s, tenant, func(tx cloud.TenantTx) error {
		c, err := tx.CaseHead("counter")
		noErr(t, "Case counter", err)
		if c.Version != want {
			t.Errorf("%s: counter = %d after %d increments: lost updates", tenant, c.Version, want)
		}
		wantRead(t, "LastChange of "+tenant, want)(tx.LastChange())
		list, err := cloud.ReadChanges(tx, 0, int(want)+10)
		noErr(t, "Changes", err)
		if uint64(len(list)) != want {
			t.Fatalf("%s: %d changes, want %d", tenant, len(list), want)
		}
		for i, ch := range list {
			if ch.Seq != uint64(i+1) || ch.Case.Version != uint64(i+1) {
				t.Errorf("%s: change %d has seq %d and case version %d; a change number does not match the order of commits", tenant, i+1, ch.Seq, ch.Case.Version)
				break
			}
		}
		return nil
	})
}

func putCounter(t *testing.T, s cloud.Storage, tenant string) {
	t.Helper()
	update(t, s, tenant, func(tx cloud.TenantTx) error {
		return tx.PutCaseHead(sampleCase(tenant, "counter", 0))
	})
}

func testSerializedUpdates(t *testing.T, s cloud.Storage) {
	seed(t, s)
	putCounter(t, s, tenantA)
	const workers, rounds = 8, 10
	if err := hammer(s, tenantA, workers, rounds); err != nil {
		t.Fatal(err)
	}
	checkCounter(t, s, tenantA, workers*rounds)
}

func testSerializedRegistry(t *testing.T, s cloud.Storage) {
	seed(t, s)
	const workers, rounds = 6, 8
	err := inParallel(workers, rounds, func() error {
		return s.Registry(context.Background(), func(r cloud.RegistryTx) error {
			tn, err := r.Tenant(tenantA)
			if err != nil {
				return err
			}
			n, _ := strconv.Atoi(tn.Name)
			tn.Name = strconv.Itoa(n + 1)
			return r.PutTenant(tn)
		})
	})
	if err != nil {
		t.Fatalf("Registry: %v", err)
	}
	reg(t, s, func(r cloud.RegistryTx) error {
		tn, err := r.Tenant(tenantA)
		noErr(t, "Tenant", err)
		if tn.Name != strconv.Itoa(workers*rounds) {
			t.Errorf("counter in the registry = %s after %d increments: lost updates", tn.Name, workers*rounds)
		}
		return nil
	})
}

var errUsed = errors.New("storagetest: enrollment already used")

// testEnrollmentUsedOnce is the registry race that matters: concurrent enrolls with
// one code must make exactly one device.
func testEnrollmentUsedOnce(t *testing.T, s cloud.Storage) {
	seed(t, s)
	code := hex64("one-time")
	reg(t, s, func(r cloud.RegistryTx) error {
		return r.PutEnrollment(cloud.Enrollment{CodeHash: code, Tenant: tenantA, Expires: t0.Add(time.Hour)})
	})
	const workers = 8
	results := make(chan error, workers)
	start := make(chan struct{})
	for w := 0; w < workers; w++ {
		go func() {
			<-start
			results <- s.Registry(context.Background(), func(r cloud.RegistryTx) error {
				e, err := r.Enrollment(code)
				if err != nil {
					return err
				}
				if e.UsedAt != nil {
					return errUsed
				}
				id := fmt.Sprintf("dev-%d", w)
				e.UsedAt, e.UsedBy = ptr(t0), id
				if err := r.PutEnrollment(e); err != nil {
					return err
				}
				return r.PutDevice(cloud.Device{ID: id, Tenant: tenantA, Code: fmt.Sprintf("D%d", w),
					TokenHash: hex64(id), Enrolled: t0})
			})
		}()
	}
	close(start)
	ok := 0
	for w := 0; w < workers; w++ {
		select {
		case err := <-results:
			switch {
			case err == nil:
				ok++
			case errors.Is(err, errUsed):
			default:
				t.Errorf("enroll: %v", err)
			}
		case <-time.After(waitLimit):
			t.Fatal("concurrent Registry transactions did not finish")
		}
	}
	if ok != 1 {
		t.Errorf("%d enrolls succeeded with one code, want exactly 1", ok)
	}
	reg(t, s, func(r cloud.RegistryTx) error {
		ds, err := r.Devices(tenantA)
		noErr(t, "Devices", err)
		if len(ds) != 1 {
			t.Errorf("%d devices enrolled with one code", len(ds))
		}
		return nil
	})
}

func testTenantsInParallel(t *testing.T, s cloud.Storage) {
	seed(t, s)
	putCounter(t, s, tenantA)
	putCounter(t, s, tenantB)
	const workers, rounds = 4, 10
	errs := make(chan error, 2)
	for _, tenant := range []string{tenantA, tenantB} {
		go func() { errs <- hammer(s, tenant, workers, rounds) }()
	}
	for i := 0; i < 2; i++ {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(6 * waitLimit):
			t.Fatal("Updates of two tenants at the same time did not finish")
		}
	}
	checkCounter(t, s, tenantA, workers*rounds)
	checkCounter(t, s, tenantB, workers*rounds)
}

// holdUpdate starts an Update of tenant that writes a case and then waits until
// release is closed; it returns once the write is done. The Update's result arrives
// on the returned channel.
func holdUpdate(t *testing.T, s cloud.Storage, tenant string, release <-chan struct{}) <-chan error {
	t.Helper()
	return hold(t, "Update", release, func(wait func() error) error {
		return s.Update(context.Background(), tenant, func(tx cloud.TenantTx) error {
			if err := tx.PutCaseHead(sampleCase(tenant, "uncommitted", 1)); err != nil {
				return err
			}
			return wait()
		})
	})
}

// holdRegistry is holdUpdate for a Registry transaction; it writes the tenant id.
func holdRegistry(t *testing.T, s cloud.Storage, id string, release <-chan struct{}) <-chan error {
	t.Helper()
	return hold(t, "Registry", release, func(wait func() error) error {
		return s.Registry(context.Background(), func(r cloud.RegistryTx) error {
			if err := r.PutTenant(cloud.Tenant{ID: id, Name: id, Created: t0}); err != nil {
				return err
			}
			return wait()
		})
	})
}

// hold runs a transaction in a goroutine that calls wait after its write; wait
// blocks until release is closed. hold returns once wait was reached, with the
// channel that receives the transaction's result.
func hold(t *testing.T, what string, release <-chan struct{}, run func(wait func() error) error) <-chan error {
	t.Helper()
	entered := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- run(func() error {
			close(entered)
			<-release
			return nil
		})
	}()
	select {
	case <-entered:
	case err := <-done:
		t.Fatalf("held %s ended early: %v", what, err)
	case <-time.After(waitLimit):
		t.Fatalf("held %s did not start", what)
	}
	return done
}

// within runs fn in a goroutine and returns its error; finished is false when fn
// has not returned after waitLimit (a storage that blocks fails the test instead of
// hanging it).
func within(fn func() error) (finished bool, err error) {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return true, err
	case <-time.After(waitLimit):
		return false, nil
	}
}

func testViewDuringUpdate(t *testing.T, s cloud.Storage) {
	seed(t, s)
	release := make(chan struct{})
	held := holdUpdate(t, s, tenantA, release)
	defer func() {
		close(release)
		awaitHeld(t, "Update", held)
		view(t, s, tenantA, func(tx cloud.TenantTx) error {
			_, err := tx.CaseHead("uncommitted")
			noErr(t, "case of the held Update after commit", err)
			return nil
		})
	}()
	for _, tenant := range []string{tenantA, tenantB} {
		finished, err := within(func() error {
			return s.View(context.Background(), tenant, func(tx cloud.TenantTx) error {
				_, err := tx.CaseHead("uncommitted")
				if !errors.Is(err, cloud.ErrNotFound) {
					return fmt.Errorf("View sees an uncommitted write: %v", err)
				}
				return nil
			})
		})
		if !finished {
			t.Errorf("View(%s) waited for an open Update of %s: readers must not block on writers", tenant, tenantA)
			return
		}
		if err != nil {
			t.Errorf("View(%s) during an Update of %s: %v", tenant, tenantA, err)
		}
	}
}

func testViewSnapshot(t *testing.T, s cloud.Storage) {
	seed(t, s)
	const writes = 40
	stop := make(chan struct{})
	writerErr := make(chan error, 1)
	go func() {
		defer close(stop)
		for i := uint64(1); i <= writes; i++ {
			err := s.Update(context.Background(), tenantA, func(tx cloud.TenantTx) error {
				for _, id := range []string{"x", "y"} {
					if err := tx.PutCaseHead(sampleCase(tenantA, id, i)); err != nil {
						return err
					}
				}
				_, err := tx.AppendChange(sampleChange(tenantA, "x", i))
				return err
			})
			if err != nil {
				writerErr <- err
				return
			}
		}
		writerErr <- nil
	}()
	reads := 0
	for running := true; running; reads++ {
		select {
		case <-stop:
			running = false
		default:
		}
		err := s.View(context.Background(), tenantA, func(tx cloud.TenantTx) error {
			var vx, vy uint64
			x, err := tx.CaseHead("x")
			if err == nil {
				vx = x.Version
			} else if !errors.Is(err, cloud.ErrNotFound) {
				return err
			}
			time.Sleep(time.Millisecond) // let the writer commit in between
			y, err := tx.CaseHead("y")
			if err == nil {
				vy = y.Version
			} else if !errors.Is(err, cloud.ErrNotFound) {
				return err
			}
			last, err := tx.LastChange()
			if err != nil {
				return err
			}
			list, err := cloud.ReadChanges(tx, 0, writes+10)
			if err != nil {
				return err
			}
			if vx != vy || last != vx || uint64(len(list)) != last {
				return fmt.Errorf("View saw case x at %d, case y at %d, LastChange %d, %d changes: not one snapshot", vx, vy, last, len(list))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := <-writerErr; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if reads < 2 {
		t.Logf("only %d snapshot reads overlapped the writer", reads)
	}
}

func testContextWhileWaiting(t *testing.T, s cloud.Storage) {
	seed(t, s)
	lateWhileHeld(t, "Update", func(release <-chan struct{}) <-chan error {
		return holdUpdate(t, s, tenantA, release)
	}, func(ctx context.Context) error {
		return s.Update(ctx, tenantA, func(tx cloud.TenantTx) error {
			return tx.PutCaseHead(sampleCase(tenantA, "late", 1))
		})
	})
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		_, err := tx.CaseHead("late")
		isNotFound(t, "case written by an Update whose context expired while waiting", err)
		return nil
	})
}

func testRegistryContextWhileWaiting(t *testing.T, s cloud.Storage) {
	lateWhileHeld(t, "Registry", func(release <-chan struct{}) <-chan error {
		return holdRegistry(t, s, "first", release)
	}, func(ctx context.Context) error {
		return s.Registry(ctx, func(r cloud.RegistryTx) error {
			return r.PutTenant(cloud.Tenant{ID: "late", Name: "late", Created: t0})
		})
	})
	reg(t, s, func(r cloud.RegistryTx) error {
		_, err := r.Tenant("late")
		isNotFound(t, "tenant written by a Registry whose context expired while waiting", err)
		_, err = r.Tenant("first")
		noErr(t, "tenant of the held Registry", err)
		return nil
	})
}

// lateWhileHeld holds one transaction open and starts late with a context whose
// deadline passes while late waits for the held one's lock: late must give up with
// that deadline, and the held transaction must still commit after its release.
func lateWhileHeld(t *testing.T, what string, holdTx func(release <-chan struct{}) <-chan error, late func(ctx context.Context) error) {
	t.Helper()
	release := make(chan struct{})
	var once sync.Once
	releaseAll := func() { once.Do(func() { close(release) }) }
	defer releaseAll()
	held := holdTx(release)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- late(ctx) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s waiting for the lock past its deadline = %v, want one wrapping context.DeadlineExceeded", what, err)
		}
	case <-time.After(waitLimit):
		t.Errorf("%s waiting for the lock ignored its context's deadline", what)
		releaseAll()
		<-done
	}
	releaseAll()
	awaitHeld(t, what, held)
}

// awaitHeld checks that a held transaction commits once released.
func awaitHeld(t *testing.T, what string, held <-chan error) {
	t.Helper()
	select {
	case err := <-held:
		noErr(t, "held "+what, err)
	case <-time.After(waitLimit):
		t.Fatalf("held %s did not finish after release", what)
	}
}
