package cloud_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
)

func TestAddUserWithID(t *testing.T) {
	e := newEnv(t)
	u, err := e.svc.AddUserWithID(e.ctx, tenantA, "mbecker", "Martina Becker", model.RoleSachbearbeitung)
	if err != nil || u.ID != "mbecker" || u.Tenant != tenantA {
		t.Fatalf("%+v %v", u, err)
	}
	if _, err := e.svc.AddUserWithID(e.ctx, tenantA, "mbecker", "Martina Becker", model.RoleLeitung); !errors.Is(err, cloud.ErrExists) {
		t.Errorf("same ID twice: %v", err)
	}
	for _, bad := range []string{"", " ", "a/b", "a:b", "m becker"} {
		if _, err := e.svc.AddUserWithID(e.ctx, tenantA, bad, "X", model.RoleSachbearbeitung); !errors.Is(err, cloud.ErrBadRequest) {
			t.Errorf("id %q: %v", bad, err)
		}
	}
	if _, err := e.svc.AddUserWithID(e.ctx, "nowhere", "x1", "X", model.RoleSachbearbeitung); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("unknown tenant: %v", err)
	}
	users, err := e.svc.Users(e.ctx, tenantA)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(users, func(o cloud.User) bool { return o.ID == "mbecker" && o.Role == model.RoleSachbearbeitung }) {
		t.Errorf("users %+v", users)
	}
}
