package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

const lockHelperEnv = "OZG_STORE_LOCK_HELPER_DIR"

// TestLockHelper is the child process of TestSecondProcessGetsErrLocked: it holds the
// store open until its stdin closes.
func TestLockHelper(t *testing.T) {
	dir := os.Getenv(lockHelperEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	db, err := Open(Options{Dir: dir, Device: "A7"})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	db.Close()
	os.Exit(0)
}

func TestSecondProcessGetsErrLocked(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		_ = cmd.Wait()
	}()
	ready := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			if line := s.Text(); line == "ready" || strings.HasPrefix(line, "error:") {
				ready <- line
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-ready:
		if line != "ready" {
			t.Fatalf("child: %s", line)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("child did not open the store")
	}
	start := time.Now()
	db, err := Open(Options{Dir: dir})
	took := time.Since(start)
	if err == nil {
		db.Close()
		t.Fatal("second open succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if took > time.Second {
		t.Errorf("ErrLocked after %v", took)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	db, err = Open(Options{Dir: dir})
	if err != nil {
		t.Fatalf("open after the child quit: %v", err)
	}
	db.Close()
}

// storeWithCases makes a closed store holding n synthetic cases and returns its dir.
func storeWithCases(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	db, _ := openTest(t, dir)
	setupTest(t, db)
	for _, b := range synthBatches(3, n, 100, testNow) {
		if err := db.Import(b, systemClerk); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOpenRefusesBadFiles(t *testing.T) {
	garbage := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	real := storeWithCases(t, 300)
	realBytes, err := os.ReadFile(filepath.Join(real, FileName))
	if err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(t.TempDir(), "foreign.db")
	fdb, err := bolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = fdb.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
	fdb.Close()
	foreignBytes, _ := os.ReadFile(foreign)

	tooNew := storeWithCases(t, 10)
	setMeta(t, filepath.Join(tooNew, FileName), metaSchema, u64(schemaVersion+1))
	tooNewBytes, _ := os.ReadFile(filepath.Join(tooNew, FileName))

	for _, tc := range []struct {
		name    string
		content []byte
		want    error
	}{
		{"garbage", garbage, ErrCorrupt},
		{"a few bytes", []byte("hello"), ErrCorrupt},
		{"text file", []byte(strings.Repeat("Vorgang;Aktenzeichen\n", 500)), ErrCorrupt},
		{"truncated store", realBytes[:len(realBytes)/2], ErrCorrupt},
		{"store cut after the meta pages", realBytes[:3*4096], ErrCorrupt},
		{"store cut one byte below its high-water mark", realBytes[:highWater(t, realBytes)-1], ErrCorrupt},
		{"meta pages zeroed", append(make([]byte, 8192), realBytes[8192:]...), ErrCorrupt},
		{"another program's bbolt file", foreignBytes, ErrCorrupt},
		{"newer schema", tooNewBytes, ErrSchemaTooNew},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := Open(Options{Dir: dir, Device: "A7"})
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, tc.content) {
				t.Fatal("the file was changed")
			}
		})
	}
}

// highWater returns the size the store's meta page says the file has at least.
func highWater(t *testing.T, b []byte) int {
	m0, err0 := parseMeta(b)
	m1, err1 := parseMeta(b[4096:])
	if err0 != nil || err1 != nil {
		t.Fatal(err0, err1)
	}
	return int(max(m0.pgid, m1.pgid)) * 4096
}

// setMeta writes a meta key straight into a closed store file.
func setMeta(t *testing.T, path string, key, value []byte) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(key, value) }); err != nil {
		t.Fatal(err)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	db, _ := openTest(t, dir)
	setupTest(t, db)
	for _, b := range synthBatches(11, 400, 200, testNow) {
		if err := db.Import(b, systemClerk); err != nil {
			t.Fatal(err)
		}
	}
	queries := []index.Query{
		{Limit: 100},
		{Text: "müll", Sort: index.SortApplicant},
		{Assignee: clerkAnna.ID, Sort: index.SortDeadline, Desc: true},
		{Overdue: true, Today: index.DayNumber(testNow)},
	}
	var before []index.Page
	for _, q := range queries {
		before = append(before, db.List(q))
	}
	device, deviceID := db.DeviceCode(), db.DeviceID()
	db.Close()
	db, err := Open(Options{Dir: dir, Device: "ZZ"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.DeviceCode() != device || db.DeviceID() != deviceID {
		t.Errorf("device %s %s after reopen, was %s %s", db.DeviceCode(), db.DeviceID(), device, deviceID)
	}
	for i, q := range queries {
		if got := db.List(q); !reflect.DeepEqual(got, before[i]) {
			t.Errorf("query %d differs after reopen", i)
		}
	}
	mustCheck(t, db)
}

func TestDeviceCode(t *testing.T) {
	if _, err := Open(Options{Dir: t.TempDir(), Device: "A-7"}); err == nil {
		t.Error("device code with a dash accepted")
	}
	db, err := Open(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !deviceCodeRE.MatchString(db.DeviceCode()) || len(db.DeviceCode()) != 4 {
		t.Errorf("default device code %q", db.DeviceCode())
	}
}

// tamper edits the history bucket of a closed store file.
func tamper(t *testing.T, path string, fn func(h *bolt.Bucket) error) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket(bucketHistory)) }); err != nil {
		t.Fatal(err)
	}
}

func editEntry(caseID string, seq uint64, rehash bool) func(h *bolt.Bucket) error {
	return func(h *bolt.Bucket) error {
		k := historyKey(caseID, seq)
		var e model.HistoryEntry
		if err := json.Unmarshal(h.Get(k), &e); err != nil {
			return err
		}
		e.Summary = "Kommentar: alles in Ordnung"
		if rehash {
			e.Hash = e.ComputeHash()
		}
		v, _ := json.Marshal(e)
		return h.Put(k, v)
	}
}

func TestVerifyHistoryDetectsTampering(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(caseID string) func(h *bolt.Bucket) error
	}{
		{"edited entry", func(id string) func(*bolt.Bucket) error { return editEntry(id, 2, false) }},
		{"edited and rehashed middle entry", func(id string) func(*bolt.Bucket) error { return editEntry(id, 2, true) }},
		{"edited and rehashed last entry", func(id string) func(*bolt.Bucket) error { return editEntry(id, 4, true) }},
		{"removed last entry", func(id string) func(*bolt.Bucket) error {
			return func(h *bolt.Bucket) error { return h.Delete(historyKey(id, 4)) }
		}},
		{"removed middle entry", func(id string) func(*bolt.Bucket) error {
			return func(h *bolt.Bucket) error { return h.Delete(historyKey(id, 2)) }
		}},
		{"removed first entry", func(id string) func(*bolt.Bucket) error {
			return func(h *bolt.Bucket) error { return h.Delete(historyKey(id, 1)) }
		}},
		{"swapped entries", func(id string) func(*bolt.Bucket) error {
			return func(h *bolt.Bucket) error {
				a, b := append([]byte{}, h.Get(historyKey(id, 2))...), append([]byte{}, h.Get(historyKey(id, 3))...)
				if err := h.Put(historyKey(id, 2), b); err != nil {
					return err
				}
				return h.Put(historyKey(id, 3), a)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db, _ := openTest(t, dir)
			setupTest(t, db)
			c := mustCreate(t, db, newTestCase("BAU", "Tanja Lange", testNow))
			other := mustCreate(t, db, newTestCase("BAU", "Hans Lange", testNow))
			for i := 0; i < 3; i++ {
				mustDo(t, db, clerkAnna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: fmt.Sprint(i), Text: fmt.Sprint("Notiz ", i)}})
			}
			if n, err := db.VerifyHistory(c.ID); err != nil || n != 4 {
				t.Fatalf("before: %d %v", n, err)
			}
			db.Close()
			tamper(t, filepath.Join(dir, FileName), tc.edit(c.ID))
			db, _ = openTest(t, dir)
			defer db.Close()
			if _, err := db.VerifyHistory(c.ID); !errors.Is(err, model.ErrHistoryBroken) {
				t.Fatalf("VerifyHistory = %v, want ErrHistoryBroken", err)
			}
			if _, err := db.VerifyHistory(other.ID); err != nil {
				t.Errorf("the other case: %v", err)
			}
			if err := db.Check(); !errors.Is(err, model.ErrHistoryBroken) {
				t.Errorf("Check = %v, want ErrHistoryBroken", err)
			}
		})
	}
}

func TestCheckDetectsIndexDamage(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(tx *bolt.Tx, c model.Case) error
	}{
		{"row removed", func(tx *bolt.Tx, c model.Case) error { return tx.Bucket(bucketRows).Delete([]byte(c.ID)) }},
		{"file number removed", func(tx *bolt.Tx, c model.Case) error {
			return tx.Bucket(bucketFileNo).Delete([]byte(c.FileNumber))
		}},
		{"stray file number", func(tx *bolt.Tx, c model.Case) error {
			return tx.Bucket(bucketFileNo).Put([]byte("BAU-1999-0001-A7"), []byte(c.ID))
		}},
		{"follow-up removed", func(tx *bolt.Tx, c model.Case) error {
			k, _ := tx.Bucket(bucketFollowUps).Cursor().First()
			return tx.Bucket(bucketFollowUps).Delete(k)
		}},
		{"stale row", func(tx *bolt.Tx, c model.Case) error {
			r := index.RowOf(&c, "")
			r.Status = model.StatusAbgeschlossen
			b, _ := r.MarshalBinary()
			return tx.Bucket(bucketRows).Put([]byte(c.ID), b)
		}},
		{"counter behind", func(tx *bolt.Tx, c model.Case) error {
			return tx.Bucket(bucketCounters).Put(counterKey("BAU", 2026, "A7"), u64(0))
		}},
		{"outbox entry without its history entry", func(tx *bolt.Tx, c model.Case) error {
			_, v := tx.Bucket(bucketOutbox).Cursor().Last()
			var m model.Mutation
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			m.Seq++
			m.ID = fmt.Sprintf("%s:%d", m.Device, m.Seq)
			b, _ := json.Marshal(m)
			if err := tx.Bucket(bucketMeta).Put(metaOutboxSeq, u64(m.Seq)); err != nil {
				return err
			}
			return tx.Bucket(bucketOutbox).Put(u64(m.Seq), b)
		}},
		{"outbox entry for a missing case", func(tx *bolt.Tx, c model.Case) error {
			k, v := tx.Bucket(bucketOutbox).Cursor().Last()
			return tx.Bucket(bucketOutbox).Put(k, bytes.Replace(v, []byte(c.ID), []byte("gone"), 1))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTest(t, "")
			defer db.Close()
			setupTest(t, db)
			c := mustCreate(t, db, newTestCase("BAU", "Uwe Braun", testNow))
			c = mustDo(t, db, clerkAnna, c.ID, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{ID: "f", Due: testNow, Reason: "x"}})
			mustCheck(t, db)
			if err := db.bolt.Update(func(tx *bolt.Tx) error { return tc.edit(tx, c) }); err != nil {
				t.Fatal(err)
			}
			err := db.Check()
			if err == nil {
				t.Fatal("Check passed")
			}
			t.Log(err)
		})
	}
	db, _ := openTest(t, "")
	defer db.Close()
	c := mustCreate(t, db, newTestCase("BAU", "Uwe Braun", testNow))
	db.index().Delete(c.ID)
	if err := db.Check(); err == nil || !strings.Contains(err.Error(), "in-memory") {
		t.Errorf("missing in-memory row: %v", err)
	}
}

func TestOpenRebuildsUnreadableRows(t *testing.T) {
	dir := storeWithCases(t, 50)
	b, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = b.Update(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketRows).Cursor().First()
		return tx.Bucket(bucketRows).Put(k, []byte{99, 1, 2})
	})
	b.Close()
	db, _ := openTest(t, dir)
	defer db.Close()
	if db.CaseCount() != 50 {
		t.Fatalf("count %d", db.CaseCount())
	}
	mustCheck(t, db)
}
