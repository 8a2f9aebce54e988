package client

import (
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

// The store speaks no wire protocol: these turn the service's answers, validated by
// the wire package, into what the store applies.

var outcomes = map[wire.PushStatus]store.Outcome{
	wire.StatusApplied:  store.OutcomeApplied,
	wire.StatusSkipped:  store.OutcomeSkipped,
	wire.StatusRejected: store.OutcomeRejected,
	wire.StatusConflict: store.OutcomeConflict,
}

// codes are the rejection codes the store acts on; others are dropped.
var codes = map[string]string{wire.RejectFileNumber: store.CodeFileNumber}

// ackOf is a push answer as the store acknowledges it.
func ackOf(r wire.PushResponse) store.PushAck {
	a := store.PushAck{LastSeq: r.LastSeq, Results: make([]store.PushOutcome, len(r.Results))}
	for i, res := range r.Results {
		a.Results[i] = store.PushOutcome{Seq: res.Seq, Outcome: outcomes[res.Status], Reason: res.Reason, Code: codes[res.Code], Conflict: res.Conflict}
	}
	return a
}

// pageOf is a page of changes as the store applies it; raw[i], when there, is the
// JSON of page.Changes[i].Case as received.
func pageOf(p wire.ChangesResponse, raw [][]byte) store.PulledPage {
	out := store.PulledPage{Cursor: p.Cursor, Epoch: p.Epoch, Changes: make([]store.PulledChange, len(p.Changes))}
	for i, ch := range p.Changes {
		pc := store.PulledChange{
			Seq: ch.Seq, CaseID: ch.CaseID, Case: ch.Case, Patch: ch.Patch,
			History: ch.History, Mutations: ch.Mutations, Sums: ch.Sums, Conflicts: ch.Conflicts,
		}
		if ch.Case != nil && i < len(raw) {
			pc.CaseJSON = raw[i]
		}
		out.Changes[i] = pc
	}
	return out
}
