package app

import (
	"context"

	"github.com/ozgcloud/desktop/store"
)

// CaseChange is one case of a "cases:changed" event: its ID and its revision after
// the change ("" when only its list row changed, such as a clerk's name). The UI
// reloads an open case only when the revision differs from the one it shows, so the
// case an action has just returned is not loaded again.
type CaseChange struct {
	ID       string `json:"id"`
	Revision string `json:"revision"`
}

// casesChanged merges changes into one event's payload, each case once with its last
// revision, in the order first changed.
func casesChanged(changes []store.Change) []CaseChange {
	at := map[string]int{}
	out := []CaseChange{}
	for _, c := range changes {
		for _, cc := range c.Cases {
			// Every change of a case appends to its history: the head's hash tells one
			// stored state from another.
			rev := cc.Head.Hash
			if i, ok := at[cc.ID]; ok {
				out[i].Revision = rev
				continue
			}
			at[cc.ID] = len(out)
			out = append(out, CaseChange{ID: cc.ID, Revision: rev})
		}
	}
	return out
}

// ChangeForwarder emits "cases:changed" for what the store's change feed publishes,
// whoever wrote it: one event for all changes waiting, so a bulk action or a fast
// import does not flood the window.
type ChangeForwarder struct {
	sub *store.Subscription
	win *Window
}

// NewChangeForwarder subscribes to db's change feed at once, so that nothing committed
// after it returns is missed; main runs it.
func NewChangeForwarder(db *store.DB, win *Window) *ChangeForwarder {
	return &ChangeForwarder{sub: db.Subscribe(), win: win}
}

// Run forwards until ctx ends, then ends the subscription and returns nil.
func (f *ChangeForwarder) Run(ctx context.Context) error {
	defer f.sub.Close()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-f.sub.Ready():
		}
		if changes := f.sub.Take(); len(changes) > 0 {
			f.win.Emit(EventCasesChanged, casesChanged(changes))
		}
	}
}
