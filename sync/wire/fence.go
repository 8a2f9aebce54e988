package wire

import (
	"fmt"
	"io"
	"strings"
)

// What keeps a restored or copied data folder, and a restored central service, from
// losing work (protocol version 4).
//
// A desktop's data folder may be restored from a backup (its outbox counter and its
// acknowledgements go back in time), copied to a second PC (two stores push under one
// device identity), or carried along by a roaming profile (both at once). A push
// therefore carries the store's incarnation and the seq it last saw acknowledged
// (PushRequest), and the service answers "skipped" for a seq it consumed only when the
// mutation's sum is the one it recorded: a store whose outbox does not continue
// where the service left it is fenced off (FenceDiverged), renumbers what it holds
// above the service's lastSeq under a new incarnation that replaces the old one, and
// pushes it again. A copy that still pushes under the replaced incarnation is
// answered FenceReplaced and asks for a device identity of its own (PathReenroll),
// with its token, without a new one-time code; the service grants each device a
// few such re-enrollments (a copy of a copy), one per incarnation, and the same
// answer again to an incarnation that asks twice (a lost answer).
//
// The central service itself may be restored from a backup. The service keeps with
// every entry of its change log the epoch of the service run that appended it (a
// random ID made at every start, and by a restore procedure that goes on running),
// and a page names the epoch of the change at its cursor, so a cursor and its epoch
// name one entry of one history of the log: a restored log cannot hold the entry at
// a client's cursor with that epoch if it lost it, and answers Resync, and the
// client pulls everything again. A push answers FenceBehind
// when the service has not consumed what it once acknowledged to the client, which
// then sends it again from what it keeps of its sent mutations.

// PathReenroll gives a PC that a copy of its data folder replaced (FenceReplaced) a
// device identity of its own: ReenrollRequest with the old device's token, answered
// with an EnrollResponse.
const PathReenroll = "/v1/devices/reenroll"

// QueryEpoch is the epoch of the change at the cursor, as the page that ended there
// said (ChangesResponse.Epoch); empty for a change from before version 4.
const QueryEpoch = "epoch"

// Fence says why a push applied nothing beyond its Results:
//
//   - FenceDiverged: the store's outbox reuses seqs the service consumed for other
//     mutations, or does not continue from what it acknowledged. The store renumbers
//     its outbox above LastSeq under a new incarnation (PushRequest.Replaces).
//   - FenceBehind: the service holds a lastSeq below the store's Acked; it lost
//     acknowledged mutations (restored from a backup). The store sends them again.
//   - FenceReplaced: another store of this device identity replaced this one's
//     incarnation (a copy of the data folder). The store re-enrolls (PathReenroll).
type Fence string

// The fences.
const (
	FenceDiverged Fence = "diverged"
	FenceBehind   Fence = "behind"
	FenceReplaced Fence = "replaced"
)

// RejectFileNumber is PushResult.Code of a case.create whose file number another
// case of the tenant holds (a copied or restored data folder numbered it; the clerk
// enters the case again under a new number), and MaxIncarnation bounds an
// incarnation ID.
const (
	RejectFileNumber = "fileNumber"
	MaxIncarnation   = 64
)

// ReenrollRequest asks for a device identity of its own for the store of
// Incarnation, which FenceReplaced refused under the token's device.
type ReenrollRequest struct {
	Incarnation string `json:"incarnation"`
}

// ValidIncarnation reports whether s may name an incarnation: 8 to MaxIncarnation
// letters, digits, '-' or '_'.
func ValidIncarnation(s string) bool {
	if len(s) < 8 || len(s) > MaxIncarnation {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == ""
}

// Validate checks the incarnation.
func (r ReenrollRequest) Validate() error {
	if !ValidIncarnation(r.Incarnation) {
		return fmt.Errorf("%w: incarnation %.70q", ErrFence, r.Incarnation)
	}
	return nil
}

// DecodeReenroll reads and validates a re-enrollment request of at most max bytes.
func DecodeReenroll(r io.Reader, max int64) (ReenrollRequest, error) {
	return decodeValid[ReenrollRequest](r, max, "re-enrollment request")
}
