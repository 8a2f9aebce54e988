package store

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// localWork returns, by case and in seq order, what the case shows on top of the
// server's state: the outbox mutations with seq > after and the unsure ones. An unsure
// mutation (answered "skipped", its answer lost) was most likely applied, as it is
// when the server died between its commit and its answer, so the clerk keeps seeing
// it, and a change made on top of it carries the base versions the server holds once
// it was applied. Dropping it until the next pull made the clerk's own work vanish
// and their next change conflict with it (found by the kill test in sync/e2e). The
// change log or SettleUnsure decides it later.
func (w *writer) localWork(after uint64) (map[string][]model.Mutation, error) {
	out, err := w.pendingByCase(after)
	if err != nil {
		return nil, err
	}
	unsure, err := w.unsureByCase()
	if err != nil {
		return nil, err
	}
	for id, ms := range unsure {
		all := append(ms, out[id]...)
		slices.SortStableFunc(all, func(a, b model.Mutation) int { return cmp.Compare(a.Seq, b.Seq) })
		out[id] = all
	}
	return out, nil
}

// unsureByCase returns the unsure mutations by case, in seq order.
func (w *writer) unsureByCase() (map[string][]model.Mutation, error) {
	out := map[string][]model.Mutation{}
	c := w.tx.Bucket(bucketUnsure).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var m model.Mutation
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, fmt.Errorf("decode unsure %d: %w", readU64(k), err)
		}
		out[m.CaseID] = append(out[m.CaseID], m)
	}
	return out, nil
}

// undoSettled rebuilds the cases whose unsure mutations SettleUnsure just listed as
// rejected from the server's last state plus what is still pending, so they no
// longer show what the server refused; a case with nothing left pending drops its
// base.
func (w *writer) undoSettled(cases map[string]bool) ([]index.Row, error) {
	if len(cases) == 0 {
		return nil, nil
	}
	pending, err := w.localWork(readU64(w.tx.Bucket(bucketSync).Get(syncSeen)))
	if err != nil {
		return nil, err
	}
	var rows []index.Row
	for id := range cases {
		cur, err := w.getCase(id)
		if err != nil {
			return nil, err
		}
		server, err := w.base(id)
		if err != nil {
			return nil, err
		}
		row, ok, err := w.rebuild(cur, server, pending[id])
		if err != nil {
			return nil, fmt.Errorf("case %s: %w", id, err)
		}
		if ok {
			rows = append(rows, row)
		}
		if len(pending[id]) == 0 {
			if err := w.tx.Bucket(bucketBase).Delete([]byte(id)); err != nil {
				return nil, err
			}
		}
	}
	return rows, nil
}
