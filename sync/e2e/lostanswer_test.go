package e2e

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// answerLosingRemote loses the answer of the next push after the server committed it
// (as a kill of the server between its commit and its answer does), and runs a hook
// before each pull.
type answerLosingRemote struct {
	client.Remote
	loseNext   bool
	beforePull func()
}

func (r *answerLosingRemote) Push(ctx context.Context, req wire.PushRequest) (wire.PushResponse, error) {
	resp, err := r.Remote.Push(ctx, req)
	if err == nil && r.loseNext {
		r.loseNext = false
		return wire.PushResponse{}, io.ErrUnexpectedEOF
	}
	return resp, err
}

func (r *answerLosingRemote) Changes(ctx context.Context, cursor uint64, limit int) (wire.ChangesResponse, error) {
	if r.beforePull != nil {
		r.beforePull()
	}
	return r.Remote.Changes(ctx, cursor, limit)
}

// TestLostPushAnswerKeepsOwnWork is the deterministic form of what
// TestServerKilledDuringPushes found now and then: the server applies a desktop's
// assignment but its answer is lost; the retried push is answered "skipped". Before
// the fix store.AckPush rebuilt the case from the last pulled server state without
// the assignment until the next pull, so the clerk saw it undone for that moment, and
// an assignment made in it carried a stale base: the server recorded a conflict of
// the desktop with itself and kept the older value. Now the skipped mutation stays
// shown as unsure until a complete pull decides it.
func TestLostPushAnswerKeepsOwnWork(t *testing.T) {
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	quiet := slog.New(slog.DiscardHandler)
	svc := cloud.New(st, cloud.Options{Logger: quiet, Password: cloudtest.CheapParams})
	if _, err := svc.AddTenant(ctx, tenantID, "Stadt Musterstadt"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddOrgUnit(ctx, tenantID, orgUnitID, "Ordnungsamt"); err != nil {
		t.Fatal(err)
	}
	var clerks []model.Clerk
	for _, c := range testClerks {
		u, err := svc.AddUser(ctx, tenantID, c.Name, c.Role)
		if err != nil {
			t.Fatal(err)
		}
		c.ID, c.OrgUnit = u.ID, orgUnitID
		clerks = append(clerks, c)
	}
	leitung, becker, schulz := clerks[0], clerks[1], clerks[2]
	done := make(chan struct{})
	srv := httptest.NewUnstartedServer(cloud.NewHandler(svc, cloud.HandlerOptions{Logger: quiet, Done: done}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	defer close(done)
	code, _, err := svc.NewEnrollment(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(store.Options{Dir: t.TempDir(), Device: "L1"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetMunicipality(store.Municipality{Name: "Stadt Musterstadt", Tenant: tenantID, OrgUnit: orgUnitID}); err != nil {
		t.Fatal(err)
	}
	for _, c := range clerks {
		if err := db.PutClerk(c); err != nil {
			t.Fatal(err)
		}
	}
	id, err := client.Connect(ctx, db, srv.URL, code, client.TLS{Fingerprint: client.CertFingerprint(srv.Certificate())})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := svc.Authenticate(ctx, id.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := cloudtest.SignInAll(ctx, svc, dev); err != nil {
		t.Fatal(err)
	}
	r, err := client.Dial(id.Server, id.Token, client.TLS{Fingerprint: id.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	remote := &answerLosingRemote{Remote: r}
	eng := client.New(client.Options{Store: db, Remote: remote})

	c, err := db.Create(leitung, newCase(nil, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Do(leitung, c.ID, model.KindAssign, model.AssignPayload{Assignee: schulz.ID}); err != nil {
		t.Fatal(err)
	}
	if err := eng.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// Becker's turn; the server applies it, the answer is lost.
	if _, err := db.Do(leitung, c.ID, model.KindAssign, model.AssignPayload{Assignee: becker.ID}); err != nil {
		t.Fatal(err)
	}
	remote.loseNext = true
	if err := eng.Sync(ctx); err == nil {
		t.Fatal("the lost answer did not fail the round")
	}
	// The retry is answered "skipped"; between that answer and the pull the clerk
	// looks at the case and gives it to Schulz again.
	var seen string
	remote.beforePull = func() {
		remote.beforePull = nil
		cur, err := db.Case(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen = cur.Assignee
		if _, err := db.Do(leitung, c.ID, model.KindAssign, model.AssignPayload{Assignee: schulz.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if err := eng.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := eng.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if seen != becker.ID {
		t.Errorf("between the skipped answer and the pull the case showed assignee %s, not the clerk's own Becker (%s)", seen, becker.ID)
	}
	if cf, _ := db.Conflicts(false); len(cf) != 0 {
		t.Errorf("the desktop conflicts with itself: %+v", cf)
	}
	if cur, _ := db.Case(c.ID); cur.Assignee != schulz.ID {
		t.Errorf("assignee %s, the clerk's last choice was Schulz (%s)", cur.Assignee, schulz.ID)
	}
}
