package cloud

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"

	"github.com/ozgcloud/desktop/sync/wire"
)

// What keeps restored or copied data folders and a restored service from losing
// work (see sync/wire/fence.go for the protocol): the incarnation of the store each
// device's pushes are accepted from, the sum of every consumed mutation, the epoch
// of the service run in every log entry, and re-enrollment of a copied PC.

// MaxCopies is how many device identities the PCs copied from one device may get by
// re-enrollment with its token (a copy of a copy counts against the device it was
// made from). Beyond it the administration hands out an enrollment code: a data
// folder copied that often is not an accident.
const MaxCopies = 3

// ErrReenroll: the store asking is the device's current one, or the device's copies
// are used up.
var ErrReenroll = errors.New("cloud: re-enrollment refused")

// newEpoch returns 8 random bytes, base64url: the epoch of a service run.
func (s *Service) newEpoch() (string, error) {
	b, err := s.randomBytes(8)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Epoch returns the epoch the service writes into the log entries it appends now.
func (s *Service) Epoch() string {
	s.epochMu.Lock()
	defer s.epochMu.Unlock()
	return s.epoch
}

// NewEpoch starts a new epoch and returns it. A service run starts one by itself; a
// procedure that restores the storage from a backup under a running service calls
// this before the service appends to the restored log, so that desktops that pulled
// what the backup lost pull everything again instead of skipping the entries
// appended anew with the same seqs.
func (s *Service) NewEpoch() (string, error) {
	e, err := s.newEpoch()
	if err != nil {
		return "", err
	}
	s.epochMu.Lock()
	s.epoch = e
	s.epochMu.Unlock()
	s.log.Info("new epoch of the change log", "epoch", e)
	return e, nil
}

// admit decides whether a push of req may go on under a device whose accepted
// incarnation is holder, and returns the holder from then on: the first store to
// push becomes the holder; a store whose incarnation replaces the holder's takes it
// over (it renumbered its outbox after a divergence, or took over before a restore
// of the service); any other is a copy whose twin holds the identity.
func admit(holder string, req wire.PushRequest) (string, bool) {
	switch {
	case holder == "", req.Incarnation == holder:
		return req.Incarnation, true
	case req.Replaces == holder:
		return req.Incarnation, true
	}
	return holder, false
}

// Reenroll gives the PC of a copied data folder, which FenceReplaced refused under
// device d, a device identity of its own: a new device ID, token and device code
// (so its file numbers stay apart), with the grant windows d was issued so far (the
// copy holds d's grants, and its clerks' work was done under them). Authenticated by
// d's token, which the copy holds, it needs no enrollment code; the store of the
// incarnation that holds d may not ask, each incarnation gets one identity (asked
// again after a lost answer, the same device with a new token), and d's copies are
// at most MaxCopies. ErrReenroll otherwise.
func (s *Service) Reenroll(ctx context.Context, d Device, req wire.ReenrollRequest) (wire.EnrollResponse, error) {
	if err := req.Validate(); err != nil {
		return wire.EnrollResponse{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	origin := d.ID
	if d.CopyOf != "" {
		origin = d.CopyOf
	}
	var holder string
	err := s.store.View(ctx, d.Tenant, func(tx TenantTx) error {
		var err error
		_, holder, err = tx.DeviceHolder(d.ID)
		return err
	})
	if err != nil {
		return wire.EnrollResponse{}, fmt.Errorf("cloud: reenroll: %w", err)
	}
	if holder == "" || holder == req.Incarnation {
		return wire.EnrollResponse{}, fmt.Errorf("%w: the store asking holds device %s", ErrReenroll, d.ID)
	}
	id, token, pick, grantKey, err := s.deviceSecrets(ctx)
	if err != nil {
		return wire.EnrollResponse{}, err
	}
	now := s.now().UTC()
	var nd Device
	err = s.store.Registry(ctx, func(r RegistryTx) error {
		devs, err := r.Devices(d.Tenant)
		if err != nil {
			return err
		}
		copies := 0
		for _, x := range devs {
			if x.CopyOf != origin {
				continue
			}
			if x.CopyIncarnation == req.Incarnation && x.RevokedAt == nil {
				// Asked again: the answer was lost. The same identity, a new token,
				// and the grants d was issued meanwhile (the PC went on signing
				// clerks in under d's token).
				nd = x
				nd.TokenHash = hashSecret(token)
				if err := r.PutDevice(nd); err != nil {
					return err
				}
				return copyGrants(r, d, nd)
			}
			copies++
		}
		if copies >= MaxCopies {
			return fmt.Errorf("%w: device %s has %d copies", ErrReenroll, origin, copies)
		}
		code, err := deviceCode(devs, pick)
		if err != nil {
			return err
		}
		nd = Device{ID: id, Tenant: d.Tenant, Code: code, TokenHash: hashSecret(token), Enrolled: now,
			CopyOf: origin, CopyFrom: d.ID, CopyIncarnation: req.Incarnation}
		if err := r.PutDevice(nd); err != nil {
			return err
		}
		return copyGrants(r, d, nd)
	})
	if err != nil {
		if errors.Is(err, ErrReenroll) {
			return wire.EnrollResponse{}, err
		}
		return wire.EnrollResponse{}, fmt.Errorf("cloud: reenroll: %w", err)
	}
	s.log.Info("copied device re-enrolled", "tenant", d.Tenant, "from", d.ID, "device", nd.ID, "code", nd.Code)
	return wire.EnrollResponse{DeviceID: nd.ID, Token: token, Tenant: nd.Tenant, DeviceCode: nd.Code, GrantKey: grantKey}, nil
}

// copyGrants gives nd the grant windows of d it does not have yet (a window nd has
// may have been extended since).
func copyGrants(r RegistryTx, d, nd Device) error {
	windows, err := r.Grants(d.Tenant, d.ID)
	if err != nil {
		return err
	}
	have, err := r.Grants(nd.Tenant, nd.ID)
	if err != nil {
		return err
	}
	for _, g := range windows {
		if slices.ContainsFunc(have, func(h Grant) bool { return h.ID == g.ID }) {
			continue
		}
		g.DeviceID = nd.ID
		if err := r.PutGrant(g); err != nil {
			return err
		}
	}
	return nil
}

// deviceSecrets makes what a new device identity needs before the registry is
// locked: its ID, its token, randomness to pick its device code, and the grant key
// it is told.
func (s *Service) deviceSecrets(ctx context.Context) (id, token string, pick []byte, grantKey string, err error) {
	if id, err = s.newID(); err != nil {
		return
	}
	if token, err = s.newToken(); err != nil {
		return
	}
	if pick, err = s.randomBytes(64); err != nil {
		return
	}
	grantKey, err = s.GrantPublicKey(ctx)
	return
}
