package cloud

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// resolve applies a model.KindConflictResolve mutation. The conflict must be open and
// of the named case and field; the first resolution wins, a second one (another
// clerk resolving the same conflict offline) is rejected with who was first. For
// KeepClient the value is the one recorded with the conflict, not the payload's.
// The field's base version is not checked: resolving is the answer to the stale
// base. The Change carries the resolved conflict, so every device closes it.
func (p *pusher) resolve(m model.Mutation, actor model.Clerk) (wire.PushResult, error) {
	var pl model.ConflictResolvePayload
	if err := json.Unmarshal(m.Payload, &pl); err != nil {
		return rejected(m, "Die Änderung ist fehlerhaft und wurde nicht übernommen."), nil
	}
	cf, err := p.tx.Conflict(pl.ConflictID)
	if errors.Is(err, ErrNotFound) || (err == nil && cf.CaseID != m.CaseID) {
		return rejected(m, "Diesen Konflikt gibt es in der OZG-Cloud nicht."), nil
	}
	if err != nil {
		return wire.PushResult{}, err
	}
	if !cf.Open() {
		who := "einer anderen Person"
		if name, ok := p.auth.name(cf.ResolvedBy); ok {
			who = name
		}
		return rejected(m, "Der Konflikt wurde bereits von "+who+" gelöst."), nil
	}
	if pl.Field != cf.Field {
		return rejected(m, "Der Konflikt betrifft ein anderes Feld."), nil
	}
	if pl.Keep == model.KeepClient {
		pl.Value = cf.ClientValue
		b, err := json.Marshal(pl)
		if err != nil {
			return wire.PushResult{}, fmt.Errorf("encode resolve payload: %w", err)
		}
		m.Payload = b
	}
	c, err := p.tx.CaseHead(m.CaseID)
	if errors.Is(err, ErrNotFound) {
		return rejected(m, "Den Vorgang gibt es in der OZG-Cloud nicht."), nil
	}
	if err != nil {
		return wire.PushResult{}, err
	}
	at := m.At.UTC()
	cf.ResolvedAt, cf.ResolvedBy, cf.Resolution = &at, m.User, pl.Keep
	return p.commit(c, m, actor, []wire.Conflict{cf})
}
