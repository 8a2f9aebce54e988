package cloud_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

func TestPushExactlyOnce(t *testing.T) {
	e := newEnv(t)
	m1 := e.create(e.a1, e.anna, "case-1")
	m2 := e.mut(e.a1, e.anna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c1", Text: "eins"}}, nil)
	m3 := e.mut(e.a1, e.anna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c2", Text: "zwei"}}, nil)
	m4 := e.mut(e.a1, e.anna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c3", Text: "drei"}}, nil)
	m5 := e.mut(e.a1, e.anna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c4", Text: "vier"}}, nil)

	r := e.push(e.a1, m1, m2, m3)
	if r.LastSeq != 3 || !slices.Equal(statuses(r), []wire.PushStatus{"applied", "applied", "applied"}) {
		t.Fatalf("first push: %+v", r)
	}
	// The answer was lost; the client resends with more.
	r = e.push(e.a1, m2, m3, m4)
	if r.LastSeq != 4 || !slices.Equal(statuses(r), []wire.PushStatus{"skipped", "skipped", "applied"}) {
		t.Fatalf("retry: %+v", r)
	}
	r = e.push(e.a1, m1, m2, m3, m4)
	if r.LastSeq != 4 || !slices.Equal(statuses(r), []wire.PushStatus{"skipped", "skipped", "skipped", "skipped"}) {
		t.Fatalf("duplicate: %+v", r)
	}
	// A gap stops the batch where it begins.
	m6 := e.mut(e.a1, e.anna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c5", Text: "fünf"}}, nil)
	r = e.push(e.a1, m6)
	if r.LastSeq != 4 || len(r.Results) != 0 {
		t.Fatalf("gap: %+v", r)
	}
	r = e.push(e.a1, m5, m6)
	if r.LastSeq != 6 || !slices.Equal(statuses(r), []wire.PushStatus{"applied", "applied"}) {
		t.Fatalf("after the gap: %+v", r)
	}
	// An empty push tells the device where it stands.
	if r = e.push(e.a1); r.LastSeq != 6 {
		t.Fatalf("empty push: %+v", r)
	}

	// The log holds one entry per applied mutation, each naming it; a page merges
	// them into one change of the case.
	var log []wire.Change
	if err := e.store.View(e.ctx, tenantA, func(tx cloud.TenantTx) error {
		var err error
		log, err = cloud.ReadChanges(tx, 0, 100)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(log) != 6 {
		t.Fatalf("%d entries in the log, want 6 (one per applied mutation)", len(log))
	}
	var hist []model.HistoryEntry
	var ids []string
	for i, ch := range log {
		id := wire.MutationID(e.a1.ID, uint64(i+1))
		if len(ch.History) != 1 || !slices.Equal(ch.Mutations, []string{id}) {
			t.Fatalf("entry %d: mutations %q, %d history entries", i, ch.Mutations, len(ch.History))
		}
		if (i == 0) != (ch.Case != nil) {
			t.Fatalf("entry %d: the whole case only in the create", i)
		}
		hist = append(hist, ch.History...)
		ids = append(ids, id)
	}
	chs, _ := e.pullAll(e.a2, 0, 0)
	if len(chs) != 1 || chs[0].Case == nil || !slices.Equal(chs[0].Mutations, ids) || len(chs[0].History) != 6 {
		t.Fatalf("pulled %d changes, want the case once with all 6 mutations: %+v", len(chs), chs)
	}
	last := *chs[0].Case
	if err := model.VerifyHistory(hist, last.HistoryHead); err != nil {
		t.Fatal(err)
	}
	if len(last.Comments) != 5 || last.Tenant != tenantA {
		t.Fatalf("case: %d comments, tenant %q", len(last.Comments), last.Tenant)
	}
	if last.FileNumber != "BAU-2026-0001-"+e.a1.Code {
		t.Fatalf("file number %q not kept", last.FileNumber)
	}
}

func TestPushRefusesOtherDevicesAndBadBatches(t *testing.T) {
	e := newEnv(t)
	m := e.create(e.a1, e.anna, "case-1")
	if _, err := e.svc.Push(e.ctx, e.a2, cloudtest.Push(m)); !errors.Is(err, cloud.ErrBadRequest) {
		t.Fatalf("push of another device's mutation: %v", err)
	}
	m.ID = "x:1"
	if _, err := e.svc.Push(e.ctx, e.a1, cloudtest.Push(m)); !errors.Is(err, cloud.ErrBadRequest) {
		t.Fatalf("invalid batch: %v", err)
	}
}

func TestPushRejectsWithReason(t *testing.T) {
	e := newEnv(t)
	e.push(e.a1, e.create(e.a1, e.anna, "case-1"))
	stranger := cloud.User{ID: "nobody"}
	r := e.push(e.a1,
		e.mut(e.a1, e.anna, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionBescheiden}, map[string]uint64{"status": 0}),
		e.mut(e.a1, stranger, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c", Text: "x"}}, nil),
		e.mut(e.a1, e.anna, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c", Text: "  "}}, nil),
		e.mut(e.a1, e.anna, "case-404", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c", Text: "x"}}, nil),
		e.create(e.a1, e.anna, "case-1"),
		e.mut(e.a1, e.anna, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionVerwerfen}, map[string]uint64{"status": 0}),
		e.mut(e.a1, e.anna, "case-1", model.KindTransition, model.TransitionPayload{Action: model.ActionLoeschenAnfordern}, map[string]uint64{"status": 1}),
	)
	want := []wire.PushStatus{"rejected", "rejected", "rejected", "rejected", "rejected", "applied", "rejected"}
	if r.LastSeq != 8 || !slices.Equal(statuses(r), want) {
		t.Fatalf("got %v lastSeq %d, want %v", statuses(r), r.LastSeq, want)
	}
	for _, res := range r.Results {
		if res.Status == wire.StatusRejected {
			t.Logf("seq %d: %s", res.Seq, res.Reason)
			if res.Reason == "" || strings.Contains(res.Reason, "model:") {
				t.Errorf("seq %d: reason %q is not for a clerk", res.Seq, res.Reason)
			}
		}
	}
	if !strings.Contains(r.Results[6].Reason, "Rolle") {
		t.Errorf("role refusal: %q", r.Results[6].Reason)
	}
	chs, _ := e.pullAll(e.a1, 0, 0)
	if len(chs) != 1 || len(chs[0].Mutations) != 2 || chs[0].Case.Status != model.StatusVerworfen {
		t.Fatalf("rejections left changes: %+v", chs)
	}
}

func TestPushCreateForcesTenantAndKeepsFileNumber(t *testing.T) {
	e := newEnv(t)
	r := e.push(e.b1, e.create(e.b1, e.bruno, "case-b"))
	if r.Results[0].Status != wire.StatusApplied {
		t.Fatal(r)
	}
	chs, _ := e.pullAll(e.b1, 0, 0)
	if chs[0].Case.Tenant != tenantB || chs[0].Case.FileNumber != "BAU-2026-0001-"+e.b1.Code {
		t.Fatalf("tenant %q file number %q", chs[0].Case.Tenant, chs[0].Case.FileNumber)
	}
	if chs[0].Case.Version != 1 || chs[0].Case.HistoryHead.Seq != 1 {
		t.Fatalf("version %d head %d", chs[0].Case.Version, chs[0].Case.HistoryHead.Seq)
	}
}
