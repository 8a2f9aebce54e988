package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

// fence is the store as the engine uses it when the service fences a push or a
// pull (see sync/wire/fence.go): a restored or copied data folder, or a restored
// central service.
type fence interface {
	SyncFence() (store.Fence, error)
	ProbeDone() error
	RenumberOutbox(above uint64, kind store.NoticeKind) (int, error)
	SyncIdentity() (store.SyncIdentity, error)
	Reenroll(store.SyncIdentity) error
}

// reenroller is a Remote that can ask for a device identity of its own for this
// PC (wire.PathReenroll) and then speaks with the new token. HTTP is one.
type reenroller interface {
	Reenroll(ctx context.Context, req wire.ReenrollRequest) (wire.EnrollResponse, error)
	SetToken(token string)
}

// maxFences bounds the fenced pushes in a row of one round: each fence is answered
// by renumbering or re-enrolling, after which the service accepts the push; more
// means something else is wrong, and the round fails visibly.
const maxFences = 4

// errResync: the service no longer holds the change at the cursor with its epoch.
var errResync = errors.New("client: the central service's change log was restored")

// ErrReenroll: a copy of this PC's data folder took over its device identity and
// the service did not give this PC one of its own; the administration enrolls it
// again with a code.
var ErrReenroll = errors.New("client: a copy of this PC's data took over its identity")

// fenced does what a fenced push answer asks: acknowledge the mutations the
// service skipped before a divergence, then renumber the outbox above the
// service's lastSeq (a restored or copied data folder, or a restored service), or
// re-enroll as a device of its own (a copy took over this identity).
func (c *Client) fenced(ctx context.Context, resp wire.PushResponse) error {
	c.log.Warn("sync: push fenced", "fence", string(resp.Fence), "lastSeq", resp.LastSeq)
	switch resp.Fence {
	case wire.FenceDiverged:
		if n := len(resp.Results); n > 0 {
			ack := ackOf(resp)
			ack.LastSeq, ack.Fenced = resp.Results[n-1].Seq, true
			if err := c.db.AckPush(ack); err != nil {
				return err
			}
		}
		_, err := c.db.RenumberOutbox(resp.LastSeq, store.NoticeRestored)
		return err
	case wire.FenceBehind:
		_, err := c.db.RenumberOutbox(resp.LastSeq, store.NoticeServiceRestored)
		return err
	case wire.FenceReplaced:
		return c.reenroll(ctx)
	}
	return fmt.Errorf("%w: fence %q", ErrProtocol, resp.Fence)
}

// reenroll gets this PC a device identity of its own after a copy of its data
// folder took over the old one, and stores it (the outbox moves to the new
// device; see store.DB.Reenroll).
func (c *Client) reenroll(ctx context.Context) error {
	r, ok := c.remote.(reenroller)
	if !ok {
		return fmt.Errorf("%w: the remote cannot re-enroll", ErrReenroll)
	}
	f, err := c.db.SyncFence()
	if err != nil {
		return err
	}
	id, err := c.db.SyncIdentity()
	if err != nil {
		return err
	}
	resp, err := r.Reenroll(ctx, wire.ReenrollRequest{Incarnation: f.Incarnation})
	if err != nil {
		var we *wire.Error
		if errors.As(err, &we) && we.Code == wire.CodeEnrollment {
			return fmt.Errorf("%w: %w", ErrReenroll, err)
		}
		return fmt.Errorf("client: re-enroll: %w", err)
	}
	id.DeviceID, id.Token, id.DeviceCode, id.EnrolledAt = resp.DeviceID, resp.Token, resp.DeviceCode, c.o.Now().UTC()
	if resp.Tenant != id.Tenant {
		return fmt.Errorf("%w: re-enrolled in tenant %q, not %q", ErrProtocol, resp.Tenant, id.Tenant)
	}
	if err := c.db.Reenroll(id); err != nil {
		return err
	}
	r.SetToken(resp.Token)
	c.log.Warn("sync: re-enrolled as a new device: a copy of this data folder holds the old identity", "device", resp.DeviceID)
	return nil
}

// probe asks a service whose change log was restored (errResync) whether it also
// lost mutations it had acknowledged to this PC: an empty push with the store's
// fence, answered FenceBehind when it did; the store then puts what it kept of
// them back into the outbox, renumbered, and the round pushes them again. The
// store remembers the question until it is answered (a lost answer asks again in
// the next round).
func (c *Client) probe(ctx context.Context) error {
	f, err := c.db.SyncFence()
	if err != nil || !f.Probe {
		return err
	}
	resp, err := c.remote.Push(ctx, wire.PushRequest{Incarnation: f.Incarnation, Replaces: f.Replaces, Acked: f.Acked})
	if err != nil {
		return fmt.Errorf("client: probe after a restore of the service: %w", err)
	}
	if resp.Fence == wire.FenceBehind {
		n, err := c.db.RenumberOutbox(resp.LastSeq, store.NoticeServiceRestored)
		if err != nil {
			return err
		}
		c.requeued = c.requeued || n > 0
	}
	return c.db.ProbeDone()
}
