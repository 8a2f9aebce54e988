package storagetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// logTests cover how a case is kept: its head, and its entries in the change log,
// read as stored (EachChange, the pages' fast path) and per case (CaseChanges).
var logTests = []test{
	{"CaseHeadRefusesComments", testCaseHeadRefusesComments},
	{"EachChange", testEachChange},
	{"CaseChanges", testCaseChanges},
}

func testCaseHeadRefusesComments(t *testing.T, s cloud.Storage) {
	seed(t, s)
	whole := sampleChange(tenantA, "case-1", 1).Case
	withMessage := sampleCase(tenantA, "case-2", 1)
	withMessage.Messages = whole.Messages
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		for _, c := range []model.Case{*whole, withMessage} {
			if err := tx.PutCaseHead(c); !errors.Is(err, cloud.ErrNotHead) {
				t.Errorf("PutCaseHead of %s with comments or messages: %v, want ErrNotHead", c.ID, err)
			}
		}
		return nil
	})
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		for _, id := range []string{"case-1", "case-2"} {
			_, err := tx.CaseHead(id)
			isNotFound(t, "refused head "+id, err)
		}
		return nil
	})
}

func testEachChange(t *testing.T, s cloud.Storage) {
	seed(t, s)
	// 5 entries of case-1 in one transaction, 3 patches of case-2 in three, 6 of
	// case-3 in one; want[i] is the change with Seq i+1.
	var want []wire.Change
	appendAll := func(chs ...wire.Change) {
		update(t, s, tenantA, func(tx cloud.TenantTx) error {
			last, err := tx.LastChange()
			if err != nil {
				return err
			}
			for _, ch := range chs {
				if ch.Tx == 1 {
					ch.Tx = last + 1
				}
				seq, err := tx.AppendChange(ch)
				if err != nil {
					return err
				}
				ch.Seq = seq
				want = append(want, ch)
			}
			return nil
		})
	}
	marked := func(caseID string, n int) []wire.Change {
		var out []wire.Change
		for i := range n {
			ch := sampleChange(tenantA, caseID, uint64(i+1))
			ch.Tx = 1 // the transaction's mark, set by appendAll
			out = append(out, ch)
		}
		return out
	}
	appendAll(marked("case-1", 5)...)
	for v := uint64(2); v <= 4; v++ {
		appendAll(samplePatch("case-2", v))
	}
	appendAll(marked("case-3", 6)...)
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		for _, p := range []struct {
			after uint64
			limit int
		}{{0, 100}, {0, 1}, {3, 4}, {5, 1}, {7, 10}, {14, 5}, {100, 5}, {math.MaxUint64, 5}} {
			what := fmt.Sprintf("EachChange(%d, %d)", p.after, p.limit)
			var raw []cloud.RawChange
			err := tx.EachChange(p.after, p.limit, func(rc cloud.RawChange) (bool, error) {
				rc.JSON = bytes.Clone(rc.JSON) // valid only during the call
				raw = append(raw, rc)
				return true, nil
			})
			noErr(t, what, err)
			var exp []wire.Change
			if p.after < uint64(len(want)) {
				exp = want[p.after:min(uint64(len(want)), p.after+uint64(p.limit))]
			}
			if len(raw) != len(exp) {
				t.Errorf("%s: %d changes, want %d", what, len(raw), len(exp))
				continue
			}
			for i, r := range raw {
				var ch wire.Change
				if err := json.Unmarshal(r.JSON, &ch); err != nil {
					t.Errorf("%s: change %d: %v", what, r.Seq, err)
					continue
				}
				if r.Seq != exp[i].Seq || r.CaseID != exp[i].CaseID {
					t.Errorf("%s: seq %d of case %q, want %d of %q", what, r.Seq, r.CaseID, exp[i].Seq, exp[i].CaseID)
				}
				if mark := exp[i].Tx; mark != 0 && r.Tx != mark {
					t.Errorf("%s: change %d: Tx %d, want %d", what, r.Seq, r.Tx, mark)
				}
				sameJSON(t, what+" decoded", ch, exp[i])
			}
			dec, err := cloud.ReadChanges(tx, p.after, p.limit)
			noErr(t, "ReadChanges", err)
			sameJSON(t, fmt.Sprintf("ReadChanges(%d, %d)", p.after, p.limit), dec, exp)
		}
		// fn ends the walk: by returning false, or with an error that comes back.
		calls := 0
		noErr(t, "EachChange stopped", tx.EachChange(0, 100, func(cloud.RawChange) (bool, error) {
			calls++
			return calls < 2, nil
		}))
		if calls != 2 {
			t.Errorf("EachChange called fn %d times after it returned false on the 2nd", calls)
		}
		if err := tx.EachChange(0, 100, func(cloud.RawChange) (bool, error) { return true, errBoom }); !errors.Is(err, errBoom) {
			t.Errorf("EachChange with a failing fn: %v", err)
		}
		return nil
	})
	view(t, s, tenantB, func(tx cloud.TenantTx) error {
		n := 0
		noErr(t, "EachChange in B", tx.EachChange(0, 100, func(cloud.RawChange) (bool, error) { n++; return true, nil }))
		if n != 0 {
			t.Errorf("EachChange in B hands out %d of A's changes", n)
		}
		return nil
	})
}

func testCaseChanges(t *testing.T, s cloud.Storage) {
	seed(t, s)
	// Interleaved, with IDs that continue one another ("case-1", "case-10") and one
	// of another tenant with the same ID.
	var want []wire.Change
	update(t, s, tenantA, func(tx cloud.TenantTx) error {
		for v := uint64(1); v <= 4; v++ {
			ch := sampleChange(tenantA, "case-1", v)
			if v > 1 {
				ch = samplePatch("case-1", v)
			}
			seq, err := tx.AppendChange(ch)
			if err != nil {
				return err
			}
			ch.Seq = seq
			want = append(want, ch)
			if _, err := tx.AppendChange(sampleChange(tenantA, "case-10", v)); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, s, tenantB, func(tx cloud.TenantTx) error {
		_, err := tx.AppendChange(sampleChange(tenantB, "case-1", 9))
		return err
	})
	view(t, s, tenantA, func(tx cloud.TenantTx) error {
		wantRead(t, "CaseChanges(case-1)", want)(tx.CaseChanges("case-1"))
		wantAnyOrder(t, "CaseChanges(case-), a prefix of other cases", []wire.Change{})(tx.CaseChanges("case-"))
		got, err := tx.CaseChanges("case-10")
		noErr(t, "CaseChanges(case-10)", err)
		if len(got) != 4 {
			t.Errorf("CaseChanges(case-10) = %d changes, want 4", len(got))
		}
		return nil
	})
}
