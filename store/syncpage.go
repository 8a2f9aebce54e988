package store

import (
	"fmt"

	"github.com/ozgcloud/desktop/model"
)

// PulledPage is one page of the tenant's change log as the store applies it
// (ApplyPulled): the changes in ascending Seq and the cursor to store with them, the
// last change's Seq (or the old cursor when the page is empty), and the epoch of
// the change at the cursor, stored with it (empty: keep the one stored).
type PulledPage struct {
	Changes []PulledChange
	Cursor  uint64
	Epoch   string
}

// PulledChange is what the central service says one case became. It carries the
// whole case (Case, a case new to the log or to this page) or what changed (Patch,
// relative to the server's state of the case as of the previous page, which the
// store holds: the case itself, or its base while local work is pending on it).
// History holds the entries added (sealed by the server), Mutations the applied
// mutations (this PC's among them are no longer pending, if their Sums, in the same
// order, are those of the outbox's mutations: model.Mutation.Sum; empty from an
// older service), Conflicts the conflicts recorded.
type PulledChange struct {
	Seq    uint64
	CaseID string
	Case   *model.Case
	// CaseJSON, when set, is Case's JSON exactly as received; a case new to this PC
	// is stored as these bytes instead of being encoded again, which was a large
	// part of the store's work in an initial sync.
	CaseJSON  []byte
	Patch     *model.CasePatch
	History   []model.HistoryEntry
	Mutations []string
	Sums      []string
	Conflicts []model.Conflict
}

// check refuses a page the store cannot apply safely: the sync client validates the
// protocol; this guards the store's own invariants.
func (p PulledPage) check() error {
	var prev uint64
	for _, ch := range p.Changes {
		bad := ch.Seq <= prev || ch.CaseID == "" || (ch.Case == nil) == (ch.Patch == nil) ||
			(ch.Case != nil && ch.Case.ID != ch.CaseID) || (len(ch.Sums) > 0 && len(ch.Sums) != len(ch.Mutations))
		for _, h := range ch.History {
			bad = bad || h.CaseID != ch.CaseID
		}
		for _, c := range ch.Conflicts {
			bad = bad || c.CaseID != ch.CaseID
		}
		if bad {
			return fmt.Errorf("%w: change %d of case %q", ErrBadPage, ch.Seq, ch.CaseID)
		}
		prev = ch.Seq
	}
	if len(p.Changes) > 0 && p.Cursor != prev {
		return fmt.Errorf("%w: cursor %d after change %d", ErrBadPage, p.Cursor, prev)
	}
	return nil
}

// PushAck is the central service's answer to a push as the store applies it
// (AckPush): the device's last consumed seq and what became of each mutation it
// reached, in ascending Seq. Fenced says that the service applied nothing beyond
// Results (a restored or copied data folder): LastSeq is then the last result's,
// and the store keeps the incarnation it replaced until an answer without a fence.
type PushAck struct {
	LastSeq uint64
	Results []PushOutcome
	Fenced  bool
}

// PushOutcome is what became of one pushed mutation. Reason (German, for the clerk)
// is set for rejected and conflicting ones; Conflict for conflicting ones; Code
// says machine-readably why a mutation was rejected when the clerk can act on it
// (CodeFileNumber).
type PushOutcome struct {
	Seq      uint64
	Outcome  Outcome
	Reason   string
	Code     string
	Conflict *model.Conflict
}

// CodeFileNumber is the Code of a case.create the service refused because another
// case holds its file number: RecreateRejected enters it again.
const CodeFileNumber = "fileNumber"

// Outcome is the server's decision on a pushed mutation.
type Outcome int

const (
	OutcomeApplied  Outcome = iota + 1
	OutcomeSkipped          // decided in an earlier answer, which may have been lost
	OutcomeRejected         // refused for good, with a reason
	OutcomeConflict         // a stale base: the server kept its value and recorded a conflict
)

func (o Outcome) String() string {
	switch o {
	case OutcomeApplied:
		return "applied"
	case OutcomeSkipped:
		return "skipped"
	case OutcomeRejected:
		return "rejected"
	case OutcomeConflict:
		return "conflict"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

func (a PushAck) check() error {
	var prev uint64
	for _, r := range a.Results {
		if r.Seq <= prev || r.Seq > a.LastSeq || r.Outcome < OutcomeApplied || r.Outcome > OutcomeConflict ||
			(r.Outcome == OutcomeConflict) != (r.Conflict != nil) {
			return fmt.Errorf("%w: result for seq %d (last seq %d)", ErrBadPage, r.Seq, a.LastSeq)
		}
		prev = r.Seq
	}
	return nil
}
