package cloud

import (
	"context"
	"fmt"
	"strings"

	"github.com/ozgcloud/desktop/model"
)

// AddUserWithID registers a clerk of tenant under the given ID instead of a new one,
// so that clerks a desktop already knows (the demo's, or those of a store that worked
// before the municipality joined the OZG-Cloud) keep their IDs in case histories.
// ErrExists when the tenant already has a user with that ID (or, on storage with
// global user IDs, another tenant has it).
func (s *Service) AddUserWithID(ctx context.Context, tenant, id, name string, role model.Role) (User, error) {
	id, name = strings.TrimSpace(id), strings.TrimSpace(name)
	if id == "" || strings.ContainsAny(id, "\x00/: \t\r\n") {
		return User{}, fmt.Errorf("%w: user id required (no /, : or spaces)", ErrBadRequest)
	}
	if name == "" || !role.Valid() {
		return User{}, fmt.Errorf("%w: user name and a valid role required", ErrBadRequest)
	}
	u := User{ID: id, Tenant: tenant, Name: name, Role: role}
	err := s.store.Registry(ctx, func(r RegistryTx) error {
		if err := requireTenant(r, tenant); err != nil {
			return err
		}
		users, err := r.Users(tenant)
		if err != nil {
			return err
		}
		for _, o := range users {
			if o.ID == id {
				return fmt.Errorf("user %s: %w", id, ErrExists)
			}
		}
		return r.PutUser(u)
	})
	if err != nil {
		return User{}, fmt.Errorf("cloud: add user: %w", err)
	}
	s.log.Info("user added", "tenant", tenant, "user", id, "role", string(role))
	return u, nil
}
