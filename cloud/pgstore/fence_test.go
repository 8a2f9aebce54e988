package pgstore

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/cloud/pgstore/pgtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// The service's rules for restored and copied data folders on PostgreSQL, where
// the holder and the sums are written at the end of the transaction: a reused seq
// is fenced, the renumbered store takes over, the replaced copy re-enrolls, a
// taken file number is refused, and pages name their epoch.
func TestServiceFencesOnPostgres(t *testing.T) {
	s := open(t, pgtest.URL(t))
	clear(t, s)
	ctx := context.Background()
	svc := cloud.New(s, cloud.Options{Logger: slog.New(slog.DiscardHandler), Password: cloudtest.CheapParams})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.AddTenant(ctx, "musterstadt", "Musterstadt")
	must(err)
	_, err = svc.AddOrgUnit(ctx, "musterstadt", "ou-1", "Bauamt")
	must(err)
	u, err := svc.AddUser(ctx, "musterstadt", "Anna Amt", model.RoleSachbearbeitung)
	must(err)
	code, _, err := svc.NewEnrollment(ctx, "musterstadt")
	must(err)
	enr, err := svc.Enroll(ctx, code)
	must(err)
	d, err := svc.Authenticate(ctx, enr.Token)
	must(err)
	must(cloudtest.SignInAll(ctx, svc, d))
	at := time.Now().UTC().Truncate(time.Second)
	mut := func(dev cloud.Device, seq uint64, caseID string, kind model.MutationKind, p any) model.Mutation {
		m, err := model.NewMutation(caseID, kind, p)
		must(err)
		m.Device, m.Seq, m.ID, m.User, m.At = dev.ID, seq, wire.MutationID(dev.ID, seq), u.ID, at
		return m
	}
	push := func(dev cloud.Device, req wire.PushRequest) wire.PushResponse {
		t.Helper()
		r, err := svc.Push(ctx, dev, req)
		must(err)
		must(r.Validate())
		return r
	}
	fn := model.FileNumber("BAU", 2026, 1, d.Code)
	c := model.Case{ID: "case-1", OrgUnit: "ou-1", FileNumber: fn, Type: "BAU", Title: "Carport", ReceivedAt: at,
		Channel: model.ChannelCounter, Applicant: model.Applicant{Name: "Erika Mustermann"}, Status: model.StatusNeu}
	comment := func(dev cloud.Device, seq uint64, text string) model.Mutation {
		return mut(dev, seq, "case-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k-" + text, Text: text, By: u.ID}})
	}
	const inc, renumbered = "store-eins", "store-zwei"
	r := push(d, wire.PushRequest{Incarnation: inc, Mutations: []model.Mutation{
		mut(d, 1, "case-1", model.KindCreate, model.CreatePayload{Case: c}), comment(d, 2, "vorher")}})
	if r.Fence != "" || r.LastSeq != 2 || r.Results[1].Status != wire.StatusApplied {
		t.Fatalf("first push: %+v", r)
	}
	if r := push(d, wire.PushRequest{Incarnation: inc, Acked: 1, Mutations: []model.Mutation{comment(d, 2, "vorher")}}); r.Fence != "" || r.Results[0].Status != wire.StatusSkipped {
		t.Errorf("the same mutation again: %+v", r)
	}
	if r := push(d, wire.PushRequest{Incarnation: inc, Acked: 1, Mutations: []model.Mutation{comment(d, 2, "anders")}}); r.Fence != wire.FenceDiverged || r.LastSeq != 2 {
		t.Errorf("another mutation under seq 2: %+v", r)
	}
	if r := push(d, wire.PushRequest{Incarnation: renumbered, Replaces: inc, Acked: 2, Mutations: []model.Mutation{comment(d, 3, "anders")}}); r.Fence != "" || r.Results[0].Status != wire.StatusApplied {
		t.Errorf("the renumbered push: %+v", r)
	}
	if r := push(d, wire.PushRequest{Incarnation: inc, Acked: 3, Mutations: []model.Mutation{comment(d, 4, "Kopie")}}); r.Fence != wire.FenceReplaced {
		t.Errorf("the replaced copy: %+v", r)
	}
	if r := push(d, wire.PushRequest{Incarnation: renumbered, Acked: 9, Mutations: []model.Mutation{comment(d, 10, "x")}}); r.Fence != wire.FenceBehind || r.LastSeq != 3 {
		t.Errorf("acknowledged seqs the service does not have: %+v", r)
	}
	if _, err := svc.Reenroll(ctx, d, wire.ReenrollRequest{Incarnation: renumbered}); !errors.Is(err, cloud.ErrReenroll) {
		t.Errorf("the holder re-enrolls: %v", err)
	}
	nd, err := svc.Reenroll(ctx, d, wire.ReenrollRequest{Incarnation: inc})
	must(err)
	d2, err := svc.Authenticate(ctx, nd.Token)
	must(err)
	if d2.ID == d.ID || d2.Code == d.Code || d2.CopyOf != d.ID {
		t.Errorf("re-enrolled as %+v from %s", d2, d.ID)
	}
	dup := c
	dup.ID = "case-2"
	r = push(d2, wire.PushRequest{Incarnation: inc, Mutations: []model.Mutation{comment(d2, 1, "Kopie"),
		mut(d2, 2, "case-2", model.KindCreate, model.CreatePayload{Case: dup})}})
	if r.Results[0].Status != wire.StatusApplied || r.Results[1].Code != wire.RejectFileNumber {
		t.Errorf("the copy's push under its own identity: %+v", r)
	}
	p, err := svc.ChangesAt(ctx, d, 0, "", 100)
	must(err)
	if p.Epoch != svc.Epoch() || len(p.Changes) != 1 || len(p.Changes[0].Sums) != 4 {
		t.Errorf("page: epoch %q (service %q), %d changes, sums %v", p.Epoch, svc.Epoch(), len(p.Changes), p.Changes)
	}
	if p, err := svc.ChangesAt(ctx, d, p.Cursor, "anders", 100); err != nil || !p.Resync {
		t.Errorf("a cursor with another epoch: %+v, %v", p, err)
	}
}
