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

func mutations(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}

// appendNew stores a case this transaction made: its head, its new (sealed) history
// entries and one change carrying the whole case, marked with the transaction's
// mark.
func appendNew(tx TenantTx, mark uint64, c model.Case, entries []model.HistoryEntry, mutation string) (uint64, error) {
	if err := tx.PutCaseHead(head(c)); err != nil {
		return 0, err
	}
	if err := tx.AppendHistory(c.ID, entries); err != nil {
		return 0, err
	}
	return tx.AppendChange(wire.Change{CaseID: c.ID, Case: &c, History: entries, Mutations: mutations(mutation), Tx: mark})
}

// appendPatch stores the change from prev, a head as CaseHead returned it, to next,
// that head with the mutation applied (so its comments and messages are the ones
// the mutation appended): the new head, the new history entries and one change
// carrying what changed. A change that changes nothing (a conflict, or a value the
// case already holds) writes no head; the change still names the mutation and
// carries the conflicts, so every device learns of them.
func appendPatch(tx TenantTx, mark uint64, prev, next model.Case, entries []model.HistoryEntry, mutation string, conflicts []wire.Conflict) (uint64, error) {
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
	return tx.AppendChange(wire.Change{CaseID: next.ID, Patch: &p, History: entries, Mutations: mutations(mutation), Conflicts: conflicts, Tx: mark})
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
