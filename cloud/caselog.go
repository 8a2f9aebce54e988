package cloud

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// ErrLog: the change log of a case does not fit together (a patch for a case the log
// never made, or for another state of it). It means stored data is damaged.
var ErrLog = errors.New("cloud: change log of a case is inconsistent")

// head returns c without its comments and messages, as the storage keeps it.
func head(c model.Case) model.Case {
	c.Comments, c.Messages = nil, nil
	return c
}

// stamp is what every log entry of one transaction carries besides its content:
// the transaction's mark (wire.Change.Tx) and the epoch of the service run, which
// the storage keeps beside the entry (TenantTx.AppendEpoch).
type stamp struct {
	mark  uint64
	epoch string
}

// newStamp returns the stamp of the entries tx appends, and gives tx the epoch.
func (s *Service) newStamp(tx TenantTx) (stamp, error) {
	mark, err := txMark(tx)
	st := stamp{mark: mark, epoch: s.Epoch()}
	tx.AppendEpoch(st.epoch)
	return st, err
}

// applied names the mutation an entry applied: its ID and model.Mutation.Sum; empty
// for what the service changed itself (intake, a repaired file number).
type applied struct{ id, sum string }

// change is the log entry of one case with what every entry carries.
func (st stamp) change(caseID string, a applied) wire.Change {
	ch := wire.Change{CaseID: caseID, Tx: st.mark}
	if a.id != "" {
		ch.Mutations, ch.Sums = []string{a.id}, []string{a.sum}
	}
	return ch
}

// appendNew stores a case this transaction made: its head, its new (sealed) history
// entries and one change carrying the whole case, stamped with the transaction's
// mark and epoch.
func appendNew(tx TenantTx, st stamp, c model.Case, entries []model.HistoryEntry, a applied) (uint64, error) {
	if err := tx.PutCaseHead(head(c)); err != nil {
		return 0, err
	}
	if err := tx.AppendHistory(c.ID, entries); err != nil {
		return 0, err
	}
	ch := st.change(c.ID, a)
	ch.Case, ch.History = &c, entries
	return tx.AppendChange(ch)
}

// appendPatch stores the change from prev, a head as CaseHead returned it, to next,
// that head with the mutation applied (so its comments and messages are the ones
// the mutation appended): the new head, the new history entries and one change
// carrying what changed. A change that changes nothing (a conflict, or a value the
// case already holds) writes no head; the change still names the mutation and
// carries the conflicts, so every device learns of them.
func appendPatch(tx TenantTx, st stamp, prev, next model.Case, entries []model.HistoryEntry, a applied, conflicts []wire.Conflict) (uint64, error) {
	p, err := model.Diff(&prev, &next)
	if err != nil {
		return 0, err
	}
	if !p.Empty() {
		if err := tx.PutCaseHead(head(next)); err != nil {
			return 0, err
		}
	}
	if len(entries) > 0 {
		if err := tx.AppendHistory(next.ID, entries); err != nil {
			return 0, err
		}
	}
	ch := st.change(next.ID, a)
	ch.Patch, ch.History, ch.Conflicts = &p, entries, conflicts
	return tx.AppendChange(ch)
}

// ReadChanges returns up to limit changes of tx's log with Seq > after, in ascending
// Seq, decoded.
func ReadChanges(tx TenantTx, after uint64, limit int) ([]wire.Change, error) {
	var out []wire.Change
	err := tx.EachChange(after, limit, func(rc RawChange) (bool, error) {
		var ch wire.Change
		if err := json.Unmarshal(rc.JSON, &ch); err != nil {
			return false, fmt.Errorf("cloud: decode change %d: %w", rc.Seq, err)
		}
		out = append(out, ch)
		return true, nil
	})
	return out, err
}

// ReadCase returns the whole case as the service holds it, comments and messages
// included, put together from its changes in the log (ErrNotFound when the log has
// none). It reads every change of the case, so it is for support, exports and
// tests, not for a request path.
func ReadCase(tx TenantTx, id string) (model.Case, error) {
	chs, err := tx.CaseChanges(id)
	if err != nil {
		return model.Case{}, err
	}
	if len(chs) == 0 {
		return model.Case{}, fmt.Errorf("cloud: case %s: %w", id, ErrNotFound)
	}
	ch, err := wire.Merge(chs)
	if err != nil {
		return model.Case{}, fmt.Errorf("%w: %w", ErrLog, err)
	}
	if ch.Case == nil {
		return model.Case{}, fmt.Errorf("%w: case %s: the log never made it", ErrLog, id)
	}
	return *ch.Case, nil
}
