package cloud

import (
	"context"
	"fmt"
	"net/http"
	"sort"

	"github.com/ozgcloud/desktop/sync/wire"
)

// directoryBackend is what the directory endpoint needs beyond backend. It is a
// separate interface so the handler tests' fake backend need not grow; a backend
// without it answers 404 like an older server.
type directoryBackend interface {
	Users(ctx context.Context, tenant string) ([]User, error)
	OrgUnits(ctx context.Context, tenant string) ([]OrgUnit, error)
	Absences(ctx context.Context, tenant string) ([]wire.Absence, error)
	GrantPublicKey(ctx context.Context) (string, error)
}

// directory answers wire.PathDirectory: the clerks and org units of the token's
// tenant, never another's.
func (h *handler) directory(w http.ResponseWriter, r *http.Request, d Device) {
	db, ok := h.s.(directoryBackend)
	if !ok {
		h.fail(w, r, ErrNotFound)
		return
	}
	users, err := db.Users(r.Context(), d.Tenant)
	if err != nil {
		h.fail(w, r, fmt.Errorf("cloud: directory: %w", err))
		return
	}
	units, err := db.OrgUnits(r.Context(), d.Tenant)
	if err != nil {
		h.fail(w, r, fmt.Errorf("cloud: directory: %w", err))
		return
	}
	absences, err := db.Absences(r.Context(), d.Tenant)
	if err != nil {
		h.fail(w, r, fmt.Errorf("cloud: directory: %w", err))
		return
	}
	key, err := db.GrantPublicKey(r.Context())
	if err != nil {
		h.fail(w, r, fmt.Errorf("cloud: directory: %w", err))
		return
	}
	out := wire.DirectoryResponse{Users: []wire.DirectoryUser{}, OrgUnits: []wire.DirectoryOrgUnit{},
		Absences: absences, GrantKey: key}
	for _, u := range users {
		out.Users = append(out.Users, directoryUser(u))
	}
	for _, o := range units {
		out.OrgUnits = append(out.OrgUnits, wire.DirectoryOrgUnit{ID: o.ID, Name: o.Name})
	}
	sort.SliceStable(out.Users, func(i, j int) bool { return out.Users[i].Name < out.Users[j].Name })
	sort.SliceStable(out.OrgUnits, func(i, j int) bool { return out.OrgUnits[i].ID < out.OrgUnits[j].ID })
	h.writeJSON(w, r, http.StatusOK, out)
}
