// Package cloudtest signs clerks in against a cloud.Service for the tests of other
// packages, the way a desktop does it (an invitation code, then the password), so
// that their devices may push mutations of those clerks.
package cloudtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Password is the password SignIn sets; it passes identity.CheckPassword for every
// user, whatever the random ID: its words hold no run of four hex letters, so no part
// of an ID can be found in it.
const Password = "Rathaus-Kirsche-Treppe-7"

// CheapParams are Argon2id parameters that cost microseconds instead of tens of
// milliseconds, for cloud.Options.Password in tests that sign many clerks in. They
// are far too weak for anything else.
var CheapParams = identity.Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// SignIn signs the user in on device d and returns the grant. A user without a
// password first sets Password with a new invitation code; a user who has one must
// have Password.
func SignIn(ctx context.Context, svc *cloud.Service, d cloud.Device, userID string) (wire.SignInResponse, error) {
	resp, err := svc.SignIn(ctx, d, userID, Password)
	var se *cloud.SignInError
	if !errors.As(err, &se) || se.Reason != wire.ReasonNoPassword {
		return resp, err
	}
	code, _, err := svc.Invite(ctx, d.Tenant, userID)
	if err != nil {
		return wire.SignInResponse{}, fmt.Errorf("cloudtest: invite %s: %w", userID, err)
	}
	return svc.Activate(ctx, d, code, Password)
}

// SignInAll signs every user of d's tenant in on d.
func SignInAll(ctx context.Context, svc *cloud.Service, d cloud.Device) error {
	users, err := svc.Users(ctx, d.Tenant)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Deactivated != nil {
			continue
		}
		if _, err := SignIn(ctx, svc, d, u.ID); err != nil {
			return fmt.Errorf("cloudtest: sign in %s: %w", u.ID, err)
		}
	}
	return nil
}

// Incarnation is the store incarnation of the push requests Push makes.
const Incarnation = "cloudtest-store"

// Push is the push request of a desktop store that sends ms: its incarnation, and
// the seq before the first as the last one acknowledged, as a store does whose
// outbox continues from the answers it saved.
func Push(ms ...model.Mutation) wire.PushRequest {
	r := wire.PushRequest{Incarnation: Incarnation, Mutations: ms}
	if len(ms) > 0 && ms[0].Seq > 0 {
		r.Acked = ms[0].Seq - 1
	}
	return r
}
