package cloud

import (
	"context"
	"fmt"

	"github.com/ozgcloud/desktop/model"
)

// adminActor is who a repair an administrator made is recorded under.
var adminActor = model.Clerk{ID: "system", Name: "Administration der OZG-Cloud", Role: model.RoleAdministration}

// FileNumberDuplicates returns the file numbers that several cases of the tenant
// hold (stored before the service refused a create with a number in use), each with
// its cases.
func (s *Service) FileNumberDuplicates(ctx context.Context, tenant string) ([]FileNumberCases, error) {
	var out []FileNumberCases
	err := s.store.View(ctx, tenant, func(tx TenantTx) error {
		var err error
		out, err = tx.FileNumberDuplicates()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cloud: file number duplicates of %s: %w", tenant, err)
	}
	return out, nil
}

// RenumberCase gives a case of the tenant a new file number, the service's next for
// its case type and the current year (as online applications get theirs), to repair
// a duplicate FileNumberDuplicates listed. The change is recorded in the case's
// history and the change log, so every desktop shows the new number. It returns the
// new number; ErrNotFound for an unknown case.
func (s *Service) RenumberCase(ctx context.Context, tenant, caseID string) (string, error) {
	var fn string
	var seq uint64
	err := s.store.Update(ctx, tenant, func(tx TenantTx) error {
		prev, err := tx.CaseHead(caseID)
		if err != nil {
			return err
		}
		t, ok := model.CaseTypeByCode(prev.Type)
		if !ok {
			return fmt.Errorf("%w: case %s has the unknown type %q", ErrBadRequest, caseID, prev.Type)
		}
		now := s.now().UTC()
		n, err := nextFileNumber(tx, t.Prefix, now.Year())
		if err != nil {
			return err
		}
		next := prev
		next.FileNumber = model.FileNumber(t.Prefix, now.Year(), n, ServerDeviceCode)
		next.Version++
		next.UpdatedAt = now
		e := model.HistoryEntry{
			CaseID: caseID, At: now, By: adminActor.ID, ByName: adminActor.Name, Kind: "case.renumber",
			Summary: "Aktenzeichen geändert: " + prev.FileNumber + " → " + next.FileNumber + " (doppelt vergeben)",
		}
		next.HistoryHead = e.Seal(prev.HistoryHead)
		st, err := s.newStamp(tx)
		if err != nil {
			return err
		}
		fn = next.FileNumber
		seq, err = appendPatch(tx, st, prev, next, []model.HistoryEntry{e}, applied{}, nil)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("cloud: renumber case %s of %s: %w", caseID, tenant, err)
	}
	s.hub.poke(tenant, seq)
	s.log.Info("case renumbered", "tenant", tenant, "case", caseID, "fileNumber", fn)
	return fn, nil
}
