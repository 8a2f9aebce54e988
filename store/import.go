package store

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// Step is one action of an imported case's past, applied after its creation.
type Step struct {
	Actor   model.Clerk
	At      time.Time // zero = now
	Kind    model.MutationKind
	Payload any
}

// Import is a case to take in with its past. Case is what Create would take (ID and
// FileNumber may be empty and are then assigned); Steps run in order after the create.
type Import struct {
	Case  model.Case
	Steps []Step
}

// imported is one case of a batch on its way into the file.
type imported struct {
	c       model.Case // as prepared, then as after the last step
	history []kv
	caseVal []byte
	d       derived
	err     error
}

// Import takes in many cases in one transaction (demo data; later cases pulled by
// sync): each gets its full history chain and every index, but no outbox entries,
// since they did not happen on this device. The creation is recorded as done by
// creator at the case's ReceivedAt. One bad case fails the whole batch, and nothing
// of it is written.
//
// IDs and file numbers are assigned in order; applying the steps, sealing the history
// and encoding run on all cores, since they touch no shared state; the writes to the
// file are in batch order again.
func (db *DB) Import(batch []Import, creator model.Clerk) error {
	if len(batch) == 0 {
		return nil
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	rows := make([]index.Row, len(batch))
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		w := db.newWriter(tx)
		// UUIDv7 IDs grow, so new cases, their history and rows land at the end of
		// their buckets; full pages instead of bbolt's half-full splits keep the
		// file about a third smaller.
		w.cases.FillPercent, w.history.FillPercent, w.rows.FillPercent = 0.95, 0.95, 0.95
		names, err := allClerkNames(w.clerks)
		if err != nil {
			return err
		}
		name := func(id string) string {
			if n, ok := names[id]; ok {
				return n
			}
			return id
		}
		work := make([]imported, len(batch))
		ids := make(map[string]bool, len(batch))
		for i := range batch {
			work[i].c = batch[i].Case
			if err := db.prepareNew(w, &work[i].c); err != nil {
				return fmt.Errorf("case %d of the batch: %w", i, err)
			}
			if ids[work[i].c.ID] {
				return fmt.Errorf("case %d of the batch: %w: %s", i, ErrExists, work[i].c.ID)
			}
			ids[work[i].c.ID] = true
		}
		now := db.now().UTC()
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		for g := 0; g < workers; g++ {
			wg.Go(func() {
				for i := g; i < len(work); i += workers {
					work[i].err = buildImport(&work[i], batch[i].Steps, creator, now, name)
				}
			})
		}
		wg.Wait()
		for i := range work {
			it := &work[i]
			if it.err != nil {
				return fmt.Errorf("case %d of the batch: %w", i, it.err)
			}
			for _, h := range it.history {
				if err := w.history.Put(h.k, h.v); err != nil {
					return fmt.Errorf("put history of %s: %w", it.c.ID, err)
				}
			}
			if err := w.cases.Put([]byte(it.c.ID), it.caseVal); err != nil {
				return fmt.Errorf("put case %s: %w", it.c.ID, err)
			}
			if err := w.putDerived(nil, &it.c, it.d); err != nil {
				return fmt.Errorf("case %d of the batch: %w", i, err)
			}
			rows[i] = it.d.row
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	db.indexRows(rows, true)
	return nil
}

// buildImport applies the create and the steps to it.c and encodes the results.
func buildImport(it *imported, steps []Step, creator model.Clerk, now time.Time, name func(string) string) error {
	m, err := model.NewMutation(it.c.ID, model.KindCreate, model.CreatePayload{Case: it.c})
	if err != nil {
		return err
	}
	m.At, m.User = it.c.ReceivedAt.UTC(), creator.ID
	cur, h, err := applyStep(nil, m, creator, name)
	if err != nil {
		return err
	}
	it.history = make([]kv, 0, len(steps)+1)
	it.history = append(it.history, h)
	for j, s := range steps {
		m, err := model.NewMutation(cur.ID, s.Kind, s.Payload)
		if err != nil {
			return fmt.Errorf("step %d: %w", j, err)
		}
		m.At, m.User = s.At.UTC(), s.Actor.ID
		if s.At.IsZero() {
			m.At = now
		}
		if cur, h, err = applyStep(&cur, m, s.Actor, name); err != nil {
			return fmt.Errorf("step %d (%s): %w", j, s.Kind, err)
		}
		it.history = append(it.history, h)
	}
	it.c = cur
	if it.caseVal, err = json.Marshal(&cur); err != nil {
		return fmt.Errorf("encode case %s: %w", cur.ID, err)
	}
	it.d, err = derive(&cur, nameOf(cur.Assignee, name))
	return err
}

func nameOf(id string, name func(string) string) string {
	if id == "" {
		return ""
	}
	return name(id)
}

// allClerkNames returns every clerk's display name by ID.
func allClerkNames(b *bolt.Bucket) (map[string]string, error) {
	names := map[string]string{}
	err := b.ForEach(func(k, v []byte) error {
		var c model.Clerk
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("decode clerk %s: %w", k, err)
		}
		if c.Name != "" {
			names[string(k)] = c.Name
		}
		return nil
	})
	return names, err
}
