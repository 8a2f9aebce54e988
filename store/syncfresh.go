package store

import (
	"cmp"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// writeFresh checks, encodes and indexes cases new to this PC on every core, then
// writes them in order. The whole chain must be in the page, since there is none here yet.
func (db *DB) writeFresh(w *writer, fresh []*pulledCase) ([]index.Row, error) {
	names, err := allClerkNames(w.clerks)
	if err != nil {
		return nil, err
	}
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for g := 0; g < workers; g++ {
		wg.Go(func() {
			for i := g; i < len(fresh); i += workers {
				fresh[i].err = fresh[i].prepare(name)
			}
		})
	}
	wg.Wait()
	rows := make([]index.Row, 0, len(fresh))
	for _, f := range fresh {
		if f.err != nil {
			return nil, fmt.Errorf("%w: change %d, case %s: %w", ErrChainBroken, f.first, f.id, f.err)
		}
		for _, h := range f.hist {
			if err := w.history.Put(h.k, h.v); err != nil {
				return nil, fmt.Errorf("put history of %s: %w", f.id, err)
			}
		}
		if err := w.cases.Put([]byte(f.id), f.caseVal); err != nil {
			return nil, fmt.Errorf("put case %s: %w", f.id, err)
		}
		if err := w.putDerived(nil, f.server, f.d); err != nil {
			return nil, fmt.Errorf("case %s: %w", f.id, err)
		}
		if err := w.setBase(f.id, f.server, false); err != nil {
			return nil, err
		}
		if err := db.raiseCounter(w, f.server.FileNumber); err != nil {
			return nil, err
		}
		if err := db.want(w.tx.Bucket(bucketWanted), f.server); err != nil {
			return nil, err
		}
		rows = append(rows, f.d.row)
	}
	return rows, nil
}

// prepare verifies the chain and encodes the case, its history and its index entries;
// it touches no shared state.
func (f *pulledCase) prepare(name func(string) string) error {
	entries := make([]model.HistoryEntry, 0, len(f.history))
	for _, e := range f.history {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b model.HistoryEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	if err := model.VerifyHistory(entries, f.server.HistoryHead); err != nil {
		return err
	}
	f.hist = make([]kv, len(entries))
	for i, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode history entry: %w", err)
		}
		f.hist[i] = kv{historyKey(f.id, e.Seq), b}
	}
	var err error
	if f.caseVal = f.raw; f.caseVal == nil {
		if f.caseVal, err = json.Marshal(f.server); err != nil {
			return fmt.Errorf("encode case: %w", err)
		}
	}
	f.d, err = derive(f.server, nameOf(f.server.Assignee, name))
	return err
}
