package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// sendAbsences sends the absences recorded (or removed) here to the OZG-Cloud, each
// in the name of the clerk who recorded it, and keeps the answers: the absence as
// the service stored it, or its German reason for refusing it (listed under
// "Vertretung" until a clerk removes it). It stops at the first one the service
// could not be asked about; they wait for the next round.
func (r *SyncRunner) sendAbsences(ctx context.Context, remote directoryRemote) error {
	all, err := r.db.Absences()
	if err != nil {
		return err
	}
	for _, a := range all {
		if !a.Pending {
			continue
		}
		req := wire.AbsenceRequest{By: a.By, Delete: a.Delete, Absence: wire.Absence{ID: a.ID, Absent: a.Absent,
			Substitute: a.Substitute, From: a.From.Format(time.DateOnly), To: a.To.Format(time.DateOnly)}}
		got, err := remote.RecordAbsence(ctx, req)
		var we *wire.Error
		switch {
		case errors.As(err, &we) && we.Code == wire.CodeSignIn:
			err = r.db.AbsenceSent(a.ID, nil, we.Message)
		case err != nil:
			if errors.Is(err, client.ErrOffline) {
				return nil
			}
			return fmt.Errorf("app: send absence %s: %w", a.ID, err)
		case a.Delete:
			err = r.db.AbsenceSent(a.ID, nil, "")
		default:
			stored := a.Absence
			if from, ferr := wire.ParseDate(got.From); ferr == nil {
				stored.From = from
			}
			if to, terr := wire.ParseDate(got.To); terr == nil {
				stored.To = to
			}
			err = r.db.AbsenceSent(a.ID, &identity.Absence{ID: a.ID, Absent: got.Absent, Substitute: got.Substitute,
				From: stored.From, To: stored.To}, "")
		}
		if err != nil {
			return err
		}
		r.log.Info("absence sent", "absence", a.ID, "removal", a.Delete)
	}
	return nil
}
