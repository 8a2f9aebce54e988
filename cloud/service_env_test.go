package cloud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// env is a service on a fresh boltstore with two tenants: A (musterstadt) with two
// devices and three clerks, B (beispielhausen) with one device and one clerk.
type env struct {
	t     testing.TB
	ctx   context.Context
	svc   *cloud.Service
	store cloud.Storage
	now   time.Time

	a1, a2, b1       cloud.Device
	anna, ben, lea   cloud.User // tenant A: sachbearbeitung, sachbearbeitung, leitung
	bruno            cloud.User // tenant B
	intakeA, intakeB cloud.IntakeCredential
	seq              map[string]uint64 // next mutation seq per device
	files            uint64            // file numbers handed out by create
}

const (
	tenantA = "musterstadt"
	tenantB = "beispielhausen"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvOver(t, openBolt(t), cloud.Options{})
}

// openBolt opens a fresh boltstore that is closed when t ends.
func openBolt(t testing.TB) *boltstore.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newEnvOver is newEnv over a given storage, with o's quota; time, randomness and
// logger are the env's.
func newEnvOver(t testing.TB, st cloud.Storage, o cloud.Options) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), store: st, now: t0, seq: map[string]uint64{}}
	o.Now = func() time.Time { return e.now }
	o.Rand = rand.NewChaCha8([32]byte{1, 2, 3})
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if o.Password == (identity.Params{}) {
		o.Password = cloudtest.CheapParams
	}
	e.svc = cloud.New(st, o)
	check(e.svc.AddTenant(e.ctx, tenantA, "Musterstadt"))
	check(e.svc.AddTenant(e.ctx, tenantB, "Beispielhausen"))
	check(e.svc.AddOrgUnit(e.ctx, tenantA, "ou-bauamt-a", "Bauamt Musterstadt"))
	check(e.svc.AddOrgUnit(e.ctx, tenantB, "ou-ordnungsamt-b", "Ordnungsamt Beispielhausen"))
	e.anna = check(e.svc.AddUser(e.ctx, tenantA, "Anna Amt", model.RoleSachbearbeitung))
	e.ben = check(e.svc.AddUser(e.ctx, tenantA, "Ben Bau", model.RoleSachbearbeitung))
	e.lea = check(e.svc.AddUser(e.ctx, tenantA, "Lea Leitung", model.RoleLeitung))
	e.bruno = check(e.svc.AddUser(e.ctx, tenantB, "Bruno B", model.RoleLeitung))
	e.a1, e.a2, e.b1 = e.enroll(tenantA), e.enroll(tenantA), e.enroll(tenantB)
	// Every clerk signed in on every PC of their tenant, so each may push there.
	for _, d := range []cloud.Device{e.a1, e.a2, e.b1} {
		if err := cloudtest.SignInAll(e.ctx, e.svc, d); err != nil {
			t.Fatal(err)
		}
	}
	e.intakeA, _ = check2(e.svc.AddIntakeCredential(e.ctx, tenantA))
	e.intakeB, _ = check2(e.svc.AddIntakeCredential(e.ctx, tenantB))
	return e
}

// check and check2 fail setup by panicking, which fails the test with the error.
func check[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func check2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func (e *env) enroll(tenant string) cloud.Device {
	e.t.Helper()
	code, _ := check2(e.svc.NewEnrollment(e.ctx, tenant))
	r := check(e.svc.Enroll(e.ctx, code))
	return check(e.svc.Authenticate(e.ctx, r.Token))
}

// mut makes device d's next mutation by user u.
func (e *env) mut(d cloud.Device, u cloud.User, caseID string, kind model.MutationKind, payload any, base map[string]uint64) model.Mutation {
	e.t.Helper()
	m, err := model.NewMutation(caseID, kind, payload)
	if err != nil {
		e.t.Fatal(err)
	}
	e.seq[d.ID]++
	m.Device, m.Seq, m.ID = d.ID, e.seq[d.ID], wire.MutationID(d.ID, e.seq[d.ID])
	m.User, m.At, m.Base = u.ID, e.now, base
	e.now = e.now.Add(time.Second)
	return m
}

func newCase(id, fileNumber string) model.Case {
	return model.Case{
		ID: id, Tenant: "anything", OrgUnit: "ou-bauamt-a", FileNumber: fileNumber, Type: "BAU",
		Title: "Bauantrag Gartenhaus", ReceivedAt: t0, Channel: model.ChannelCounter,
		Applicant: model.Applicant{Name: "Erika Mustermann"}, Status: model.StatusNeu,
	}
}

// create makes a case with the device's next file number, as a desktop does.
func (e *env) create(d cloud.Device, u cloud.User, id string) model.Mutation {
	e.files++
	fn := model.FileNumber("BAU", 2026, e.files, d.Code)
	return e.mut(d, u, id, model.KindCreate, model.CreatePayload{Case: newCase(id, fn)}, nil)
}

func (e *env) push(d cloud.Device, ms ...model.Mutation) wire.PushResponse {
	e.t.Helper()
	resp, err := e.svc.Push(e.ctx, d, cloudtest.Push(ms...))
	if err != nil {
		e.t.Fatal(err)
	}
	if err := resp.Validate(); err != nil {
		e.t.Fatalf("push answer does not validate: %v", err)
	}
	return resp
}

func statuses(r wire.PushResponse) []wire.PushStatus {
	var out []wire.PushStatus
	for _, res := range r.Results {
		out = append(out, res.Status)
	}
	return out
}

// pullAll pages through d's tenant's log from cursor with limit, checking every page.
func (e *env) pullAll(d cloud.Device, cursor uint64, limit int) ([]wire.Change, uint64) {
	e.t.Helper()
	var all []wire.Change
	for i := 0; ; i++ {
		page := check(e.svc.Changes(e.ctx, d, cursor, limit))
		if err := page.ValidateAfter(cursor); err != nil {
			e.t.Fatalf("page after %d: %v", cursor, err)
		}
		raw := check(e.svc.ChangesJSON(e.ctx, d, cursor, limit))
		dec, err := wire.DecodeChanges(bytes.NewReader(raw), int64(len(raw))+1)
		if err != nil {
			e.t.Fatalf("ChangesJSON after %d does not decode: %v", cursor, err)
		}
		a, _ := json.Marshal(dec)
		b, _ := json.Marshal(page)
		if string(a) != string(b) {
			e.t.Fatalf("ChangesJSON and Changes differ after %d:\n%s\n%s", cursor, a, b)
		}
		all = append(all, page.Changes...)
		cursor = page.Cursor
		if !page.More {
			return all, cursor
		}
		if i > 100000 {
			e.t.Fatal("paging does not end")
		}
	}
}

// fold applies pulled changes to view (a desktop's cases by ID) as a desktop does:
// a whole case replaces the one held, a patch applies to it.
func fold(t testing.TB, view map[string]model.Case, chs []wire.Change) {
	t.Helper()
	for _, ch := range chs {
		if ch.Case != nil {
			view[ch.CaseID] = *ch.Case
			continue
		}
		c, ok := view[ch.CaseID]
		if !ok {
			t.Fatalf("change %d patches case %s, which was never sent whole", ch.Seq, ch.CaseID)
		}
		if err := model.ApplyPatch(&c, *ch.Patch); err != nil {
			t.Fatalf("change %d: %v", ch.Seq, err)
		}
		view[ch.CaseID] = c
	}
}

// serviceCase is the whole case as the service holds it (cloud.ReadCase).
func (e *env) serviceCase(tenant, id string) model.Case {
	e.t.Helper()
	var c model.Case
	err := e.store.View(e.ctx, tenant, func(tx cloud.TenantTx) error {
		var err error
		c, err = cloud.ReadCase(tx, id)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// size is the bytes the service's bbolt file needs (its high-water mark).
func (e *env) size() int64 {
	e.t.Helper()
	n, err := e.store.(*boltstore.Store).Size()
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}
