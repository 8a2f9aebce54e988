package cloud_test

import (
	"encoding/json"
	"testing"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// conflicts collects the conflicts that travelled in changes, by ID, latest state.
func conflicts(chs []wire.Change) map[string]wire.Conflict {
	out := map[string]wire.Conflict{}
	for _, ch := range chs {
		for _, cf := range ch.Conflicts {
			out[cf.ID] = cf
		}
	}
	return out
}

func TestConcurrentAssignConflictAndResolution(t *testing.T) {
	e := newEnv(t)
	e.push(e.a1, e.create(e.a1, e.anna, "case-1"))
	// Both devices pulled the case (assignee version 0) and went offline; Anna takes
	// the case on one PC, Lea gives it to Ben on the other.
	base := map[string]uint64{model.FieldAssignee: 0}
	r1 := e.push(e.a1, e.mut(e.a1, e.anna, "case-1", model.KindAssign, model.AssignPayload{Assignee: e.anna.ID}, base))
	r2 := e.push(e.a2, e.mut(e.a2, e.lea, "case-1", model.KindAssign, model.AssignPayload{Assignee: e.ben.ID}, base))
	if r1.Results[0].Status != wire.StatusApplied || r2.Results[0].Status != wire.StatusConflict {
		t.Fatalf("statuses %v %v", statuses(r1), statuses(r2))
	}
	cf := r2.Results[0].Conflict
	if cf.Field != model.FieldAssignee || string(cf.ServerValue) != `"`+e.anna.ID+`"` || string(cf.ClientValue) != `"`+e.ben.ID+`"` ||
		cf.ServerAuthor != e.anna.ID || cf.ClientAuthor != e.lea.ID || cf.MutationID != wire.MutationID(e.a2.ID, 1) || !cf.Open() {
		t.Fatalf("conflict %+v", cf)
	}
	t.Logf("reason: %s", r2.Results[0].Reason)

	// Both devices see it in the log, and the server kept Anna.
	chA, curA := e.pullAll(e.a1, 0, 0)
	chB, _ := e.pullAll(e.a2, 0, 0)
	for _, chs := range [][]wire.Change{chA, chB} {
		got := conflicts(chs)[cf.ID]
		if got.ID == "" || !got.Open() {
			t.Fatalf("conflict not in the log: %+v", got)
		}
		if last := chs[len(chs)-1].Case; last.Assignee != e.anna.ID {
			t.Fatalf("server gave up its value: %q", last.Assignee)
		}
	}

	// Lea resolves for her value; Anna's offline attempt to resolve it too loses.
	res := e.mut(e.a2, e.lea, "case-1", model.KindConflictResolve, model.ConflictResolvePayload{
		ConflictID: cf.ID, Field: cf.Field, Keep: model.KeepClient, Value: json.RawMessage(`"forged"`),
	}, map[string]uint64{model.FieldAssignee: 0})
	r := e.push(e.a2, res)
	if r.Results[0].Status != wire.StatusApplied {
		t.Fatalf("resolve: %+v", r)
	}
	late := e.push(e.a1, e.mut(e.a1, e.anna, "case-1", model.KindConflictResolve, model.ConflictResolvePayload{
		ConflictID: cf.ID, Field: cf.Field, Keep: model.KeepServer,
	}, nil))
	if late.Results[0].Status != wire.StatusRejected {
		t.Fatalf("second resolution: %+v", late)
	}
	t.Logf("second resolution: %s", late.Results[0].Reason)

	more, _ := e.pullAll(e.a1, curA, 0)
	if len(more) != 1 {
		t.Fatalf("%d changes after the resolution, want 1", len(more))
	}
	got := conflicts(more)[cf.ID]
	if got.Open() || got.ResolvedBy != e.lea.ID || got.Resolution != model.KeepClient {
		t.Fatalf("resolved conflict %+v", got)
	}
	if more[0].Patch == nil {
		t.Fatal("the resolution of a known case travels as a patch")
	}
	c := e.serviceCase(tenantA, "case-1")
	if c.Assignee != e.ben.ID {
		t.Fatalf("assignee %q, want Ben (the recorded client value, not the forged one)", c.Assignee)
	}
	// The whole history still chains for a device that pulls from scratch.
	all, _ := e.pullAll(e.a2, 0, 7)
	var hist []model.HistoryEntry
	view := map[string]model.Case{}
	fold(t, view, all)
	for _, ch := range all {
		hist = append(hist, ch.History...)
	}
	if err := model.VerifyHistory(hist, view["case-1"].HistoryHead); err != nil {
		t.Fatal(err)
	}
	if js(view["case-1"]) != js(c) {
		t.Fatalf("pulled from scratch:\n%s\nservice:\n%s", js(view["case-1"]), js(c))
	}
}

func TestSameValueFromStaleBaseIsNoConflict(t *testing.T) {
	e := newEnv(t)
	e.push(e.a1, e.create(e.a1, e.anna, "case-1"))
	base := map[string]uint64{model.FieldStatus: 0}
	e.push(e.a1, e.mut(e.a1, e.anna, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen}, base))
	r := e.push(e.a2, e.mut(e.a2, e.ben, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen}, base))
	if r.Results[0].Status != wire.StatusApplied {
		t.Fatalf("%+v", r)
	}
	r = e.push(e.a2, e.mut(e.a2, e.ben, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionVerwerfen}, base))
	if r.Results[0].Status != wire.StatusConflict {
		t.Fatalf("%+v", r)
	}
	// A merged resolution of a status moves only along the status table.
	cf := r.Results[0].Conflict
	bad := e.push(e.a2, e.mut(e.a2, e.ben, "case-1", model.KindConflictResolve, model.ConflictResolvePayload{
		ConflictID: cf.ID, Field: model.FieldStatus, Keep: model.KeepMerged, Value: json.RawMessage(`"BESCHIEDEN"`)}, nil))
	if bad.Results[0].Status != wire.StatusRejected {
		t.Fatalf("status jump: %+v", bad)
	}
	ok := e.push(e.a2, e.mut(e.a2, e.ben, "case-1", model.KindConflictResolve, model.ConflictResolvePayload{
		ConflictID: cf.ID, Field: model.FieldStatus, Keep: model.KeepMerged, Value: json.RawMessage(`"IN_BEARBEITUNG"`)}, nil))
	if ok.Results[0].Status != wire.StatusApplied {
		t.Fatalf("merged: %+v", ok)
	}
	chs, _ := e.pullAll(e.a1, 0, 0)
	if c := chs[len(chs)-1].Case; c.Status != model.StatusInBearbeitung || c.PrevStatus != model.StatusAngenommen {
		t.Fatalf("status %s prev %s", c.Status, c.PrevStatus)
	}
}

// A device that changed a field twice offline, the first time against a change it
// had not seen, must not win with the second: its base counts the lost first change
// and equals the service's version only by coincidence.
func TestMutationBuiltOnALostOneConflictsToo(t *testing.T) {
	e := newEnv(t)
	e.push(e.a1, e.create(e.a1, e.anna, "case-1"))
	e.push(e.a2, e.mut(e.a2, e.lea, "case-1", model.KindAssign, model.AssignPayload{Assignee: e.ben.ID}, map[string]uint64{"assignee": 0}))
	r := e.push(e.a1,
		e.mut(e.a1, e.anna, "case-1", model.KindAssign, model.AssignPayload{Assignee: e.anna.ID}, map[string]uint64{"assignee": 0}),
		e.mut(e.a1, e.anna, "case-1", model.KindAssign, model.AssignPayload{Assignee: ""}, map[string]uint64{"assignee": 1}),
	)
	if got := statuses(r); got[0] != wire.StatusConflict || got[1] != wire.StatusConflict {
		t.Fatalf("statuses %v", got)
	}
	chs, _ := e.pullAll(e.a1, 0, 0)
	if c := chs[len(chs)-1].Case; c.Assignee != e.ben.ID {
		t.Fatalf("assignee %q, want Ben's", c.Assignee)
	}
}
