package store

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// writeV1 writes a store as schema 1 left it: meta, cases, history and outbox only.
func writeV1(t *testing.T, path string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const deviceID = "01900000-0000-7000-8000-000000000001"
	seq := uint64(0)
	err = b.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		cases, _ := tx.CreateBucket(bucketCases)
		history, _ := tx.CreateBucket(bucketHistory)
		outbox, _ := tx.CreateBucket(bucketOutbox)
		meta.Put(metaSchema, u64(1))
		meta.Put(metaDevice, []byte("A7"))
		meta.Put(metaDeviceID, []byte(deviceID))
		apply := func(c *model.Case, id string, kind model.MutationKind, payload any, at time.Time) {
			m, err := model.NewMutation(id, kind, payload)
			if err != nil {
				t.Fatal(err)
			}
			seq++
			m.ID, m.Device, m.Seq, m.User, m.At = fmt.Sprintf("%s:%d", deviceID, seq), deviceID, seq, clerkAnna.ID, at
			summary, err := model.Apply(c, m, clerkAnna)
			if err != nil {
				t.Fatal(err)
			}
			e := model.HistoryEntry{CaseID: c.ID, At: at, By: clerkAnna.ID, ByName: clerkAnna.Name, Kind: string(kind), Summary: summary, Mutation: m.ID}
			c.HistoryHead = e.Seal(c.HistoryHead)
			hb, _ := json.Marshal(e)
			history.Put(historyKey(c.ID, e.Seq), hb)
			mb, _ := json.Marshal(m)
			outbox.Put(u64(seq), mb)
		}
		for i, p := range []struct{ id, typ, fn, name string }{
			{"01900000-0000-7000-8000-00000000000a", "BAU", "BAU-2026-0001-A7", "Jürgen Müller"},
			{"01900000-0000-7000-8000-00000000000b", "BAU", "BAU-2026-0007-A7", "Grete Schäfer"},
			{"01900000-0000-7000-8000-00000000000c", "HUND", "HST-2026-0001-A7", "Karl Groß"},
		} {
			in := newTestCase(p.typ, p.name, testNow.AddDate(0, 0, -10))
			in.ID, in.FileNumber, in.Status = p.id, p.fn, model.StatusNeu
			var c model.Case
			at := testNow.AddDate(0, 0, -10+i)
			apply(&c, p.id, model.KindCreate, model.CreatePayload{Case: in}, at)
			apply(&c, p.id, model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen}, at.Add(time.Hour))
			apply(&c, p.id, model.KindAssign, model.AssignPayload{Assignee: clerkAnna.ID}, at.Add(2*time.Hour))
			apply(&c, p.id, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{
				ID: "f" + p.id[len(p.id)-1:], Due: model.Day(testNow.AddDate(0, 0, i-1), time.UTC), Reason: "Unterlagen"}}, at.Add(3*time.Hour))
			cb, _ := json.Marshal(c)
			cases.Put([]byte(c.ID), cb)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateV1(t *testing.T) {
	dir := t.TempDir()
	writeV1(t, filepath.Join(dir, FileName))
	db, _ := openTest(t, dir)
	defer db.Close()
	var schema uint64
	db.bolt.View(func(tx *bolt.Tx) error {
		schema = readU64(tx.Bucket(bucketMeta).Get(metaSchema))
		return nil
	})
	if schema != schemaVersion {
		t.Fatalf("schema %d after open", schema)
	}
	if db.DeviceID() != "01900000-0000-7000-8000-000000000001" || db.DeviceCode() != "A7" {
		t.Errorf("device %s %s", db.DeviceID(), db.DeviceCode())
	}
	mustCheck(t, db)
	if p := db.List(index.Query{Text: "mull"}); p.Total != 1 || p.Rows[0].FileNumber != "BAU-2026-0001-A7" {
		t.Errorf("search after migration: %+v", p)
	}
	if p := db.List(index.Query{Statuses: []model.Status{model.StatusAngenommen}, Sort: index.SortFileNumber}); p.Total != 3 || p.Rows[2].FileNumber != "HST-2026-0001-A7" {
		t.Errorf("list after migration: %+v", p)
	}
	due, err := db.DueFollowUps(testNow)
	if err != nil || len(due) != 2 || due[0].FileNumber != "BAU-2026-0001-A7" || due[0].Assignee != clerkAnna.ID {
		t.Errorf("due follow-ups after migration: %v %+v", err, due)
	}
	if c, err := db.CaseByFileNumber("BAU-2026-0007-A7"); err != nil || c.Applicant.Name != "Grete Schäfer" {
		t.Errorf("by file number: %v", err)
	}
	setupTest(t, db)
	c := mustCreate(t, db, newTestCase("BAU", "Neu Nach Migration", testNow))
	if c.FileNumber != "BAU-2026-0008-A7" {
		t.Errorf("file number after migration %s, want BAU-2026-0008-A7", c.FileNumber)
	}
	if ob, _ := db.Outbox(12, 0); len(ob) != 1 || ob[0].Seq != 13 {
		// v1 had no outbox counter in meta; the new entry must not overwrite old ones.
		t.Errorf("outbox after migration: %+v", ob)
	}
	mustCheck(t, db)
}
