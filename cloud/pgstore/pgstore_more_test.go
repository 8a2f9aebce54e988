package pgstore

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/pgstore/pgtest"
	"github.com/ozgcloud/desktop/model"
)

func TestMigrateTwiceAndTooNew(t *testing.T) {
	url := pgtest.URL(t)
	s1 := open(t, url)
	s2 := open(t, url) // a second server on the same database: no second migration
	ctx := context.Background()
	var n, max int
	if err := s2.pool.QueryRow(ctx, `SELECT count(*), max(version) FROM schema_version`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	if n != SchemaVersion || max != SchemaVersion {
		t.Errorf("schema_version has %d rows up to %d, want %d", n, max, SchemaVersion)
	}
	if _, err := s1.pool.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, url)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Open on a newer schema = %v, want ErrSchemaTooNew", err)
	}
}

// TestTenantsDoNotWait: PostgreSQL can run two tenants' Updates at the same time, so
// it must (bbolt cannot, which is why the suite does not demand it).
func TestTenantsDoNotWait(t *testing.T) {
	s := open(t, pgtest.URL(t))
	release := make(chan struct{})
	entered := make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- s.Update(context.Background(), "a", func(tx cloud.TenantTx) error {
			// A read, so the transaction has begun and holds the lock (writes
			// are queued until the next read or the commit).
			if _, err := tx.DeviceSeq("d"); err != nil {
				return err
			}
			close(entered)
			<-release
			return nil
		})
	}()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.Update(ctx, "b", func(tx cloud.TenantTx) error { return tx.SetDeviceSeq("d", 1) })
	close(release)
	if err != nil {
		t.Errorf("Update of b while a is held: %v", err)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
}

// TestTwoServersSerialize: the in-process lock does not span processes; the advisory
// lock must. Two Stores on one schema stand for two server processes.
func TestTwoServersSerialize(t *testing.T) {
	url := pgtest.URL(t)
	stores := []*Store{open(t, url), open(t, url)}
	ctx := context.Background()
	if err := stores[0].Update(ctx, "a", func(tx cloud.TenantTx) error {
		return tx.PutCaseHead(model.Case{ID: "counter", Tenant: "a"})
	}); err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 6, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%2]
			for i := 0; i < rounds; i++ {
				err := s.Update(ctx, "a", func(tx cloud.TenantTx) error {
					c, err := tx.CaseHead("counter")
					if err != nil {
						return err
					}
					c.Version++
					return tx.PutCaseHead(c)
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	err := stores[1].View(ctx, "a", func(tx cloud.TenantTx) error {
		c, err := tx.CaseHead("counter")
		if err == nil && c.Version != workers*rounds {
			t.Errorf("counter = %d after %d increments through two stores", c.Version, workers*rounds)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCancelLeavesLockQueue: an Update of another server waiting on the advisory lock
// gives up at its deadline, and the server forgets the wait at once (a backend waiting
// for a lock does not notice a closed socket; only a cancel request ends the wait).
func TestCancelLeavesLockQueue(t *testing.T) {
	url := pgtest.URL(t)
	s1, s2 := open(t, url), open(t, url)
	release := make(chan struct{})
	entered := make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- s1.Update(context.Background(), "a", func(tx cloud.TenantTx) error {
			// A read, so the transaction has begun and holds the lock (writes
			// are queued until the next read or the commit).
			if _, err := tx.DeviceSeq("d"); err != nil {
				return err
			}
			close(entered)
			<-release
			return nil
		})
	}()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s2.Update(ctx, "a", func(tx cloud.TenantTx) error {
		_, err := tx.DeviceSeq("d")
		return err
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Update waiting on another server's lock = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Update gave up after %v, want about 300ms", d)
	}
	var waiting int
	deadline := time.Now().Add(500 * time.Millisecond)
	for {
		if err := s1.pool.QueryRow(context.Background(),
			`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1::oid`,
			uint32(lockNamespace)).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if waiting != 0 {
		t.Errorf("%d advisory lock waits left on the server after the deadline", waiting)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
}

// TestEveryTenantQueryNamesTenant reads tenant.go and usage.go and checks that every
// SQL text in a tenantTx method mentions the tenant column, so a query cannot reach
// across tenants by omission. verifications is global by design and checked for its
// tenant guard.
func TestEveryTenantQueryNamesTenant(t *testing.T) {
	fset := token.NewFileSet()
	var decls []ast.Decl
	for _, name := range []string{"tenant.go", "usage.go"} {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		decls = append(decls, f.Decls...)
	}
	checked := 0
	for _, d := range decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			sql, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			up := strings.ToUpper(sql)
			if !strings.Contains(up, "SELECT ") && !strings.Contains(up, "INSERT ") {
				return true
			}
			checked++
			switch {
			case strings.Contains(sql, "verifications"):
				if !strings.Contains(sql, "WHERE verifications.tenant = EXCLUDED.tenant") {
					t.Errorf("%s: %s: verification upsert without the tenant guard", fset.Position(lit.Pos()), fn.Name.Name)
				}
			case strings.Contains(up, "INSERT "):
				if len(insertTenant.FindAllString(sql, -1)) != strings.Count(up, "INSERT ") {
					t.Errorf("%s: %s: insert without the tenant column:\n%s", fset.Position(lit.Pos()), fn.Name.Name, sql)
				}
			case !strings.Contains(sql, "WHERE tenant = $1"):
				t.Errorf("%s: %s: query without WHERE tenant = $1:\n%s", fset.Position(lit.Pos()), fn.Name.Name, sql)
			}
			return true
		})
	}
	if checked < 15 {
		t.Errorf("checked only %d SQL texts; did tenant.go move its queries?", checked)
	}
}

var insertTenant = regexp.MustCompile(`INSERT INTO \w+ \(tenant,`)

// TestQueuedWriteFailureFailsTransaction: a write queued by Later that the server
// refuses (a NUL byte cannot be stored in text) must fail the Update at the commit,
// and take the other writes of the transaction with it.
func TestQueuedWriteFailureFailsTransaction(t *testing.T) {
	s := open(t, pgtest.URL(t))
	ctx := context.Background()
	err := s.Update(ctx, "a", func(tx cloud.TenantTx) error {
		if err := tx.PutCaseHead(model.Case{ID: "fine", Tenant: "a"}); err != nil {
			return err
		}
		return tx.PutCaseHead(model.Case{ID: "bad\x00id", Tenant: "a"})
	})
	if err == nil {
		t.Fatal("Update with a refused queued write succeeded")
	}
	err = s.Update(ctx, "a", func(tx cloud.TenantTx) error {
		if err := tx.PutCaseHead(model.Case{ID: "bad\x00id", Tenant: "a"}); err != nil {
			return err
		}
		_, err := tx.CaseHead("fine") // the refused write surfaces here
		return err
	})
	if err == nil {
		t.Fatal("a read after a refused queued write succeeded")
	}
	err = s.View(ctx, "a", func(tx cloud.TenantTx) error {
		_, err := tx.CaseHead("fine")
		if !errors.Is(err, cloud.ErrNotFound) {
			t.Errorf("case of the failed transaction: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The connection went back to the pool clean: the store keeps working.
	if err := s.Update(ctx, "a", func(tx cloud.TenantTx) error { return tx.PutCaseHead(model.Case{ID: "after", Tenant: "a"}) }); err != nil {
		t.Fatal(err)
	}
}
