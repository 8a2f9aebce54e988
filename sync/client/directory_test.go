package client

import (
	"errors"
	"testing"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// TestRealDirectory: a device gets its own tenant's clerks and org units, another
// tenant's stay hidden, and a revoked token gets nothing.
func TestRealDirectory(t *testing.T) {
	e := newRealEnv(t)
	if _, err := e.svc.AddTenant(e.ctx, "t-other", "Gemeinde Anderswo"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddUser(e.ctx, "t-other", "Otto Fremd", model.RoleLeitung); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddOrgUnit(e.ctx, "t-other", "ou-9", "Fremdamt"); err != nil {
		t.Fatal(err)
	}
	db, _ := e.device("", Options{})
	id, err := db.SyncIdentity()
	if err != nil {
		t.Fatal(err)
	}
	h, err := Dial(id.Server, id.Token, TLS{Fingerprint: id.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.Directory(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := wire.DirectoryResponse{
		Users: []wire.DirectoryUser{
			{ID: e.anna.ID, Name: e.anna.Name, Role: model.RoleSachbearbeitung},
			{ID: e.bernd.ID, Name: e.bernd.Name, Role: model.RoleSachbearbeitung},
		},
		OrgUnits: []wire.DirectoryOrgUnit{{ID: "ou-1", Name: "Bauamt"}},
	}
	if len(d.Users) != 2 || d.Users[0] != want.Users[0] || d.Users[1] != want.Users[1] || len(d.OrgUnits) != 1 || d.OrgUnits[0] != want.OrgUnits[0] {
		t.Fatalf("directory %+v", d)
	}
	if _, err := e.svc.RevokeDevice(e.ctx, id.DeviceID); err != nil {
		t.Fatal(err)
	}
	var we *wire.Error
	if _, err := h.Directory(e.ctx); !errors.As(err, &we) || we.Code != wire.CodeUnauthorized {
		t.Fatalf("revoked: %v", err)
	}
}
