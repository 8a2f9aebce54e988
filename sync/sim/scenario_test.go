package sim

import (
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// TestSimSecondResolution is a bug the simulation found, kept as a scripted scenario:
// two clerks resolve the same conflict on their own desktops; the service takes the
// first resolution and refuses the second. The desktop of the second kept showing its
// own resolution (a resolved copy was never replaced), and a refused resolution
// stayed "resolved" on its desktop while the conflict was open everywhere else.
func TestSimSecondResolution(t *testing.T) {
	w, err := newWorld(1, simDir(t), params{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	ben, lea := w.clients[1], w.clients[2] // a clerk and the head of office
	c, err := ben.db.Create(ben.clerk, model.Case{ID: w.uuid(), Type: "BAU", Title: "Bauantrag", ReceivedAt: w.now(),
		Channel: model.ChannelCounter, Applicant: model.Applicant{Name: ben.tenant.marker + " 1"}})
	if err != nil {
		t.Fatal(err)
	}
	w.sync(ben)
	w.sync(lea)
	mustDo(t, ben, c.ID, model.KindAssign, model.AssignPayload{Assignee: ben.clerk.ID})
	mustDo(t, lea, c.ID, model.KindAssign, model.AssignPayload{Assignee: lea.clerk.ID})
	w.sync(ben)
	w.sync(lea) // a conflict: the service kept Ben
	w.sync(ben)
	open := func(d *desk) store.Conflict {
		t.Helper()
		cs, err := d.db.Conflicts(true)
		if err != nil || len(cs) != 1 {
			t.Fatalf("%s: open conflicts %v (%v)", d.name, cs, err)
		}
		return cs[0]
	}
	cf := open(ben)
	if open(lea).ID != cf.ID {
		t.Fatal("not the same conflict")
	}
	if _, err := lea.db.ResolveConflict(lea.clerk, cf.ID, model.KeepClient, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ben.db.ResolveConflict(ben.clerk, cf.ID, model.KeepServer, nil); err != nil {
		t.Fatal(err)
	}
	w.sync(lea) // first: applied
	w.sync(ben) // second: refused
	w.quiesce()
	w.check()
	if len(w.failures) > 0 {
		t.Fatal(strings.Join(w.failures, "\n"))
	}
	for _, d := range []*desk{ben, lea} {
		cs, _ := d.db.Conflicts(false)
		if len(cs) != 1 || cs[0].ResolvedBy != lea.clerk.ID || cs[0].Resolution != model.KeepClient {
			t.Errorf("%s: conflict %+v, want resolved by Lea keeping her value", d.name, cs)
		}
		got, _ := d.db.Case(c.ID)
		if got.Assignee != lea.clerk.ID {
			t.Errorf("%s: assignee %s, want Lea", d.name, got.Assignee)
		}
	}
	if rs, _ := ben.db.Rejections(); len(rs) != 1 || rs[0].Mutation.Kind != model.KindConflictResolve {
		t.Errorf("Ben's refused resolution is not in his rejected list: %+v", rs)
	}
}

// TestSimRefusedResolutionReopens: a resolution the service refuses for the clerk's
// role leaves the conflict open on the clerk's desktop, as it is on the service.
func TestSimRefusedResolutionReopens(t *testing.T) {
	w, err := newWorld(1, simDir(t), params{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	anna, ben := w.clients[0], w.clients[1] // Anna is head of office only on her own PC
	c, err := ben.db.Create(ben.clerk, model.Case{ID: w.uuid(), Type: "BAU", Title: "Bauantrag", ReceivedAt: w.now(),
		Channel: model.ChannelCounter, Applicant: model.Applicant{Name: ben.tenant.marker + " 2"}})
	if err != nil {
		t.Fatal(err)
	}
	w.sync(ben)
	w.sync(anna)
	mustDo(t, ben, c.ID, model.KindAssign, model.AssignPayload{Assignee: ben.clerk.ID})
	mustDo(t, anna, c.ID, model.KindAssign, model.AssignPayload{Assignee: anna.clerk.ID})
	w.sync(ben)
	w.sync(anna)
	cs, err := anna.db.Conflicts(true)
	if err != nil || len(cs) != 1 {
		t.Fatalf("open conflicts %v (%v)", cs, err)
	}
	// Assigning Ben's case to a third clerk is beyond a clerk's role at the service.
	third := w.tenants[0].users[2].ID
	if _, err := anna.db.ResolveConflict(anna.clerk, cs[0].ID, model.KeepMerged, []byte(`"`+third+`"`)); err != nil {
		t.Fatal(err)
	}
	w.sync(anna)
	w.quiesce()
	w.check()
	if len(w.failures) > 0 {
		t.Fatal(strings.Join(w.failures, "\n"))
	}
	if cs, _ := anna.db.Conflicts(true); len(cs) != 1 {
		t.Errorf("the refused resolution left %d open conflicts on Anna's desktop, want 1", len(cs))
	}
}

func mustDo(t *testing.T, d *desk, id string, k model.MutationKind, p any) {
	t.Helper()
	if _, err := d.db.Do(d.clerk, id, k, p); err != nil {
		t.Fatalf("%s: %s: %v", d.name, k, err)
	}
}
