package cloud_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

func (e *env) pushReq(d cloud.Device, req wire.PushRequest) wire.PushResponse {
	e.t.Helper()
	resp, err := e.svc.Push(e.ctx, d, req)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := resp.Validate(); err != nil {
		e.t.Fatalf("push answer does not validate: %v", err)
	}
	return resp
}

func (e *env) comment(d cloud.Device, u cloud.User, caseID, text string) model.Mutation {
	return e.mut(d, u, caseID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k-" + text, Text: text, By: u.ID}}, nil)
}

// A restored data folder reuses seqs the service consumed: the service answers
// "skipped" only for the very mutation it applied, and fences any other with
// FenceDiverged; a store that renumbered above LastSeq under a new incarnation
// replacing the old one takes over, and the copy that still pushes under the old
// one is answered FenceReplaced and may re-enroll as a device of its own. Before
// sums, the second comment with seq 2 was answered "skipped" and lost.
func TestPushFences(t *testing.T) {
	e := newEnv(t)
	inc, renumbered := cloudtest.Incarnation, "renumbered-store"
	m1 := e.create(e.a1, e.anna, "case-1")
	m2 := e.comment(e.a1, e.anna, "case-1", "vor der Sicherung")
	if got := statuses(e.push(e.a1, m1, m2)); len(got) != 2 || got[1] != wire.StatusApplied {
		t.Fatalf("first push: %v", got)
	}
	// The answer was lost: the same mutation again is skipped.
	if r := e.pushReq(e.a1, wire.PushRequest{Incarnation: inc, Acked: 1, Mutations: []model.Mutation{m2}}); r.Fence != "" || r.Results[0].Status != wire.StatusSkipped {
		t.Fatalf("a retried push: %+v", r)
	}
	// The restored store made another comment with seq 2.
	e.seq[e.a1.ID] = 1
	other := e.comment(e.a1, e.anna, "case-1", "nach der Wiederherstellung")
	r := e.pushReq(e.a1, wire.PushRequest{Incarnation: inc, Acked: 1, Mutations: []model.Mutation{other}})
	if r.Fence != wire.FenceDiverged || r.LastSeq != 2 || len(r.Results) != 0 {
		t.Fatalf("a reused seq: %+v", r)
	}
	// A batch that does not begin after what the store acknowledged is fenced too.
	if r := e.pushReq(e.a1, wire.PushRequest{Incarnation: inc, Acked: 0, Mutations: []model.Mutation{m2}}); r.Fence != wire.FenceDiverged {
		t.Fatalf("a batch after a gap in the acknowledgements: %+v", r)
	}
	// Renumbered above LastSeq under a new incarnation: applied.
	other.Seq, other.ID = 3, wire.MutationID(e.a1.ID, 3)
	r = e.pushReq(e.a1, wire.PushRequest{Incarnation: renumbered, Replaces: inc, Acked: 2, Mutations: []model.Mutation{other}})
	if r.Fence != "" || r.LastSeq != 3 || r.Results[0].Status != wire.StatusApplied {
		t.Fatalf("the renumbered push: %+v", r)
	}
	chs, _ := e.pullAll(e.a2, 0, 100)
	var texts []string
	for _, ch := range chs {
		var ks []model.Comment
		if ch.Case != nil {
			ks = ch.Case.Comments
		} else if ch.Patch != nil {
			ks = ch.Patch.Comments
		}
		for _, k := range ks {
			texts = append(texts, k.Text)
		}
		if len(ch.Sums) != len(ch.Mutations) || ch.Sums[0] == "" {
			t.Errorf("change %d names mutations %q with sums %q", ch.Seq, ch.Mutations, ch.Sums)
		}
	}
	if strings.Join(texts, "|") != "vor der Sicherung|nach der Wiederherstellung" {
		t.Errorf("comments in the log: %q", texts)
	}
	// The copy that still pushes under the old incarnation is replaced.
	e.seq[e.a1.ID] = 3
	late := e.comment(e.a1, e.anna, "case-1", "von der Kopie")
	r = e.pushReq(e.a1, wire.PushRequest{Incarnation: inc, Acked: 3, Mutations: []model.Mutation{late}})
	if r.Fence != wire.FenceReplaced || len(r.Results) != 0 {
		t.Fatalf("a push of the replaced incarnation: %+v", r)
	}
	if _, err := e.svc.Reenroll(e.ctx, e.a1, wire.ReenrollRequest{Incarnation: renumbered}); !errors.Is(err, cloud.ErrReenroll) {
		t.Errorf("the holder re-enrolls: %v", err)
	}
	nd, err := e.svc.Reenroll(e.ctx, e.a1, wire.ReenrollRequest{Incarnation: inc})
	if err != nil {
		t.Fatal(err)
	}
	if nd.DeviceID == e.a1.ID || nd.DeviceCode == e.a1.Code || nd.Tenant != tenantA {
		t.Errorf("re-enrolled as %+v, the old device is %s with code %s", nd, e.a1.ID, e.a1.Code)
	}
	again, err := e.svc.Reenroll(e.ctx, e.a1, wire.ReenrollRequest{Incarnation: inc})
	if err != nil || again.DeviceID != nd.DeviceID || again.Token == nd.Token {
		t.Errorf("asked again after a lost answer: %+v, %v (first %s)", again, err, nd.DeviceID)
	}
	if _, err := e.svc.Authenticate(e.ctx, nd.Token); err == nil {
		t.Error("the token of the lost answer still works")
	}
	// The new device pushes the copy's work under the grants the old one had.
	d := check(e.svc.Authenticate(e.ctx, again.Token))
	late.Device, late.Seq, late.ID = d.ID, 1, wire.MutationID(d.ID, 1)
	r = e.pushReq(d, wire.PushRequest{Incarnation: "copy-store-1", Mutations: []model.Mutation{late}})
	if r.Fence != "" || r.Results[0].Status != wire.StatusApplied {
		t.Fatalf("the re-enrolled copy's push: %+v", r)
	}
	// A service restored from a backup has not consumed what it acknowledged.
	r = e.pushReq(e.a1, wire.PushRequest{Incarnation: renumbered, Acked: 9, Mutations: []model.Mutation{func() model.Mutation {
		m := e.comment(e.a1, e.anna, "case-1", "x")
		m.Seq, m.ID = 10, wire.MutationID(e.a1.ID, 10)
		return m
	}()}})
	if r.Fence != wire.FenceBehind || r.LastSeq != 3 {
		t.Errorf("acknowledged seqs the service lost: %+v", r)
	}
}

// A create whose file number another case of the tenant holds is rejected with
// wire.RejectFileNumber and a reason naming the number; before, the service took
// both and every desktop's pull failed at the second.
func TestPushRefusesDuplicateFileNumber(t *testing.T) {
	e := newEnv(t)
	m := e.create(e.a1, e.anna, "case-1")
	e.push(e.a1, m)
	var pl model.CreatePayload
	if err := json.Unmarshal(m.Payload, &pl); err != nil {
		t.Fatal(err)
	}
	dup := e.mut(e.a2, e.ben, "case-2", model.KindCreate, model.CreatePayload{Case: newCase("case-2", pl.Case.FileNumber)}, nil)
	r := e.push(e.a2, dup)
	if res := r.Results[0]; res.Status != wire.StatusRejected || res.Code != wire.RejectFileNumber || !strings.Contains(res.Reason, pl.Case.FileNumber) {
		t.Fatalf("a duplicate file number: %+v", res)
	}
	// In tenant B the number is free.
	other := e.mut(e.b1, e.bruno, "case-3", model.KindCreate, model.CreatePayload{Case: newCase("case-3", pl.Case.FileNumber)}, nil)
	if r := e.push(e.b1, other); r.Results[0].Status != wire.StatusApplied {
		t.Fatalf("the number in another tenant: %+v", r.Results[0])
	}
}

// Pages name the epoch of the change at their cursor; a pull that names a cursor
// and epoch the log does not hold (a service restored from a backup, which
// appended other changes under those seqs since) is answered Resync. A new
// service run over the same storage has a new epoch.
func TestChangesEpoch(t *testing.T) {
	e := newEnv(t)
	e.push(e.a1, e.create(e.a1, e.anna, "case-1"))
	p1 := check(e.svc.ChangesAt(e.ctx, e.a2, 0, "", 100))
	if p1.Epoch == "" || p1.Epoch != e.svc.Epoch() || p1.Resync {
		t.Fatalf("first page: epoch %q (service %q), resync %v", p1.Epoch, e.svc.Epoch(), p1.Resync)
	}
	if p := check(e.svc.ChangesAt(e.ctx, e.a2, p1.Cursor, p1.Epoch, 100)); p.Resync || len(p.Changes) != 0 || p.Cursor != p1.Cursor {
		t.Errorf("a pull at the end with the right epoch: %+v", p)
	}
	for name, q := range map[string]struct {
		cursor uint64
		epoch  string
	}{"another epoch": {p1.Cursor, "anders12"}, "past the end": {p1.Cursor + 5, p1.Epoch}} {
		p := check(e.svc.ChangesAt(e.ctx, e.a2, q.cursor, q.epoch, 100))
		if !p.Resync || len(p.Changes) != 0 || p.Cursor != 0 {
			t.Errorf("%s: %+v", name, p)
		}
		if err := p.ValidateAfter(q.cursor); err != nil {
			t.Errorf("%s: the resync page does not validate: %v", name, err)
		}
	}
	// The next run of the service appends under a new epoch.
	svc2 := cloud.New(e.store, cloud.Options{Rand: rand.NewChaCha8([32]byte{9}), Password: cloudtest.CheapParams,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if svc2.Epoch() == e.svc.Epoch() {
		t.Fatal("a new service run kept the epoch")
	}
	e.svc = svc2
	e.push(e.a1, e.comment(e.a1, e.anna, "case-1", "zweiter Lauf"))
	p2 := check(svc2.ChangesAt(e.ctx, e.a2, p1.Cursor, p1.Epoch, 100))
	if p2.Resync || len(p2.Changes) != 1 || p2.Epoch != svc2.Epoch() {
		t.Errorf("after a restart: %+v", p2)
	}
}

// Revoking a device revokes the devices its copied data folders re-enrolled as,
// a copy of a copy too: each names the device whose token it re-enrolled with.
// Before, the copies kept syncing with the revoked device's data and grants.
func TestRevokeRevokesReenrolledCopies(t *testing.T) {
	e := newEnv(t)
	if got := statuses(e.push(e.a1, e.create(e.a1, e.anna, "case-1"))); len(got) != 1 || got[0] != wire.StatusApplied {
		t.Fatalf("first push: %v", got)
	}
	r1, err := e.svc.Reenroll(e.ctx, e.a1, wire.ReenrollRequest{Incarnation: "copy-store-1"})
	if err != nil {
		t.Fatal(err)
	}
	c1 := check(e.svc.Authenticate(e.ctx, r1.Token))
	m := e.comment(c1, e.anna, "case-1", "von der Kopie")
	if r := e.pushReq(c1, wire.PushRequest{Incarnation: "copy-store-1", Mutations: []model.Mutation{m}}); r.Fence != "" || r.Results[0].Status != wire.StatusApplied {
		t.Fatalf("the copy's push: %+v", r)
	}
	r2, err := e.svc.Reenroll(e.ctx, c1, wire.ReenrollRequest{Incarnation: "copy-store-2"})
	if err != nil {
		t.Fatal(err)
	}
	c2 := check(e.svc.Authenticate(e.ctx, r2.Token))
	if c1.CopyFrom != e.a1.ID || c2.CopyFrom != c1.ID || c2.CopyOf != e.a1.ID {
		t.Errorf("copy %s from %q of %q, its copy %s from %q of %q", c1.ID, c1.CopyFrom, c1.CopyOf, c2.ID, c2.CopyFrom, c2.CopyOf)
	}
	copies, err := e.svc.RevokeDevice(e.ctx, e.a1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) != 2 || copies[0].ID != c1.ID || copies[1].ID != c2.ID {
		t.Errorf("revoked with it: %+v, want %s and %s", copies, c1.ID, c2.ID)
	}
	for _, tok := range []string{r1.Token, r2.Token} {
		if _, err := e.svc.Authenticate(e.ctx, tok); !errors.Is(err, cloud.ErrUnauthorized) {
			t.Errorf("a copy's token after the revocation: %v", err)
		}
	}
}

// A copy whose re-enrollment answer was lost asks again: the identity it gets then
// carries the grants its old device was issued meanwhile (the PC went on signing
// clerks in under the old token). Before, only the windows of the first request
// were copied, and the work of a clerk signed in between was rejected as "not
// signed in on this PC" (found by sync/sim with a cloned desktop, seed 363).
func TestReenrollAgainCarriesNewGrants(t *testing.T) {
	e := newEnv(t)
	e.push(e.a1, e.create(e.a1, e.anna, "case-1"))
	e.now = t0.Add(60 * 24 * time.Hour) // every grant of the setup has ended
	if _, err := e.svc.Reenroll(e.ctx, e.a1, wire.ReenrollRequest{Incarnation: "copy-store-1"}); err != nil {
		t.Fatal(err) // the answer is lost
	}
	if _, err := cloudtest.SignIn(e.ctx, e.svc, e.a1, e.anna.ID); err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.Reenroll(e.ctx, e.a1, wire.ReenrollRequest{Incarnation: "copy-store-1"})
	if err != nil {
		t.Fatal(err)
	}
	d := check(e.svc.Authenticate(e.ctx, again.Token))
	m := e.comment(d, e.anna, "case-1", "nach der Anmeldung")
	r := e.pushReq(d, wire.PushRequest{Incarnation: "copy-store-1", Mutations: []model.Mutation{m}})
	if r.Fence != "" || len(r.Results) != 1 || r.Results[0].Status != wire.StatusApplied {
		t.Errorf("the copy's push under the grant of the sign-in between: %+v", r)
	}
}
