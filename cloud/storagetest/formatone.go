package storagetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
)

// FormatOne is a tenant's data as servers before sync protocol version 2 stored it:
// whole cases (comments and messages included) and a log whose entries each carry
// the whole case and one mutation ID. A storage's migration test writes it in that
// storage's old layout, opens the storage, and calls CheckFormatOne.
type FormatOne struct {
	Tenant string
	Cases  []model.Case // as stored, by ID
	// Changes are the log entries' JSON with their Seq (1, 2, ...) and Tx.
	Changes []OldChange
}

// OldChange is one log entry of format 1.
type OldChange struct {
	Seq, Tx uint64
	CaseID  string
	JSON    []byte
}

// NewFormatOne returns the fixture: case-1 made with a comment and a message, then
// commented again (two entries in one transaction), and case-2 made alone.
func NewFormatOne() FormatOne {
	c1 := sampleCase(tenantA, "case-1", 1)
	c1.Comments = []model.Comment{{ID: "k1", At: nano, By: "clerk-1", Text: "Rückfrage beim Bauamt"}}
	c1.Messages = []model.Message{{ID: "m1", Direction: model.MessageIncoming, State: model.MessageReceived, Subject: "Nachreichung", Body: "Anbei.", At: nano}}
	c1b := c1
	c1b.Comments = append(slices.Clip(c1.Comments), model.Comment{ID: "k2", At: nano, By: "clerk-2", Text: "Erledigt"})
	c1b.Version, c1b.HistoryHead = 2, model.HistoryHead{Seq: 2, Hash: fmt.Sprintf("%064x", 2)}
	c2 := sampleCase(tenantA, "case-2", 1)
	f := FormatOne{Tenant: tenantA, Cases: []model.Case{c1b, c2}}
	for i, e := range []struct {
		c        model.Case
		mutation string
		tx       uint64
	}{{c1, "dev-1:1", 1}, {c1b, "dev-1:2", 1}, {c2, "", 3}} {
		v := map[string]any{"seq": i + 1, "caseId": e.c.ID, "case": e.c,
			"history": []model.HistoryEntry{sampleHistory(e.c.ID, e.c.Version)}, "tx": e.tx}
		if e.mutation != "" {
			v["mutation"] = e.mutation
		}
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		f.Changes = append(f.Changes, OldChange{Seq: uint64(i + 1), Tx: e.tx, CaseID: e.c.ID, JSON: b})
	}
	return f
}

// CheckFormatOne checks that s, opened on f written in its old layout, holds the same
// data in the current one: heads without comments and messages, whole cases from the
// log, entries with a list of mutations, the same seqs and marks, and that it takes
// new changes.
func CheckFormatOne(t *testing.T, s cloud.Storage, f FormatOne) {
	t.Helper()
	view(t, s, f.Tenant, func(tx cloud.TenantTx) error {
		for _, c := range f.Cases {
			wantRead(t, "case "+c.ID+" from the log", c)(cloud.ReadCase(tx, c.ID))
			h, err := tx.CaseHead(c.ID)
			noErr(t, "CaseHead "+c.ID, err)
			c.Comments, c.Messages = nil, nil
			sameJSON(t, "head of "+c.ID, h, c)
		}
		chs, err := cloud.ReadChanges(tx, 0, 100)
		noErr(t, "ReadChanges", err)
		if len(chs) != len(f.Changes) {
			t.Fatalf("%d changes after the migration, want %d", len(chs), len(f.Changes))
		}
		var raw []cloud.RawChange
		noErr(t, "EachChange", tx.EachChange(0, 100, func(rc cloud.RawChange) (bool, error) {
			raw = append(raw, cloud.RawChange{Seq: rc.Seq, Tx: rc.Tx, CaseID: rc.CaseID})
			return true, nil
		}))
		for i, old := range f.Changes {
			var v struct {
				Mutation string `json:"mutation"`
			}
			noErr(t, "decode old change", json.Unmarshal(old.JSON, &v))
			ch := chs[i]
			if ch.Seq != old.Seq || ch.CaseID != old.CaseID || ch.Tx != old.Tx || ch.Case == nil || ch.Patch != nil {
				t.Errorf("change %d after the migration: seq %d case %s tx %d whole %v", old.Seq, ch.Seq, ch.CaseID, ch.Tx, ch.Case != nil)
			}
			if want := []string{v.Mutation}; (v.Mutation == "" && len(ch.Mutations) != 0) || (v.Mutation != "" && !slices.Equal(ch.Mutations, want)) {
				t.Errorf("change %d: mutations %q, want %q", old.Seq, ch.Mutations, v.Mutation)
			}
			if r := raw[i]; r.Seq != old.Seq || r.Tx != old.Tx || r.CaseID != old.CaseID {
				t.Errorf("change %d as stored: %+v", old.Seq, raw[i])
			}
		}
		return nil
	})
	update(t, s, f.Tenant, func(tx cloud.TenantTx) error {
		seq, err := tx.AppendChange(samplePatch("case-1", 3))
		if err == nil && seq != uint64(len(f.Changes)+1) {
			t.Errorf("the next change is %d, want %d", seq, len(f.Changes)+1)
		}
		return err
	})
	view(t, s, f.Tenant, func(tx cloud.TenantTx) error {
		got, err := cloud.ReadCase(tx, "case-1")
		noErr(t, "ReadCase after a patch", err)
		if len(got.Comments) != 3 || got.Status != model.StatusInBearbeitung {
			t.Errorf("case-1 after a patch on the migrated log: %d comments, status %s", len(got.Comments), got.Status)
		}
		return nil
	})
}
