package client

import (
	"errors"
	"testing"

	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/sync/wire"
)

// The sign-in calls against the real service: a refusal is a *wire.Error with its
// reason and German message, an absence comes back as stored, and an unreachable
// service is ErrOffline (the desktop then signs in offline).
func TestRealSignInCalls(t *testing.T) {
	e := newRealEnv(t)
	db, _ := e.device("", Options{})
	id, err := db.SyncIdentity()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Dial(e.srv.URL, id.Token, TLS{Fingerprint: id.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.SignIn(e.ctx, e.anna.Name, "falsch-falsch-falsch")
	var we *wire.Error
	if !errors.As(err, &we) || we.Code != wire.CodeSignIn || we.Reason != wire.ReasonPassword || we.Message == "" {
		t.Fatalf("wrong password: %v", err)
	}
	a, err := r.RecordAbsence(e.ctx, wire.AbsenceRequest{By: e.anna.ID,
		Absence: wire.Absence{Absent: e.anna.ID, Substitute: e.bernd.ID, From: "2099-07-06", To: "2099-07-10"}})
	if err != nil || a.ID == "" || a.Substitute != e.bernd.ID {
		t.Fatalf("absence: %+v %v", a, err)
	}
	if _, err := r.RecordAbsence(e.ctx, wire.AbsenceRequest{By: e.bernd.ID, Absence: a, Delete: true}); !errors.As(err, &we) || we.Reason != wire.ReasonForbidden {
		t.Fatalf("bernd removes anna's absence: %v", err)
	}
	d, err := r.Directory(e.ctx)
	if err != nil || len(d.Absences) != 1 || d.Absences[0] != a || d.GrantKey == "" {
		t.Fatalf("directory: %+v %v", d, err)
	}
	e.srv.Close()
	if _, err := r.SignIn(e.ctx, e.anna.Name, cloudtest.Password); !errors.Is(err, ErrOffline) {
		t.Fatalf("sign-in with the service gone: %v", err)
	}
}
