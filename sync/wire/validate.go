package wire

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ozgcloud/desktop/model"
)

// knownKinds are the mutation kinds this protocol version carries; a new kind is a
// new Version, because an older server could not apply it.
var knownKinds = map[model.MutationKind]bool{
	model.KindCreate: true, model.KindTransition: true, model.KindAssign: true,
	model.KindComment: true, model.KindFollowUpAdd: true, model.KindFollowUpDone: true,
	model.KindMessage: true, model.KindAttachment: true, model.KindDeadline: true,
	model.KindDecision: true, model.KindConflictResolve: true,
	model.KindPosted: true,
}

// KnownKind reports whether k may travel in this protocol version.
func KnownKind(k model.MutationKind) bool { return knownKinds[k] }

// MutationID returns the ID a mutation of device with seq must have
// (model.MutationID).
func MutationID(device string, seq uint64) string { return model.MutationID(device, seq) }

// Validate checks what the server relies on before it touches lastSeq: one device,
// IDs that match device and seq, seq ascending by one, known kinds, and the fields
// every mutation needs. It does not check payloads; model.Apply does that against the
// server's case and turns a bad one into a rejection with a reason.
func (r PushRequest) Validate() error {
	if len(r.Mutations) > MaxPushBatch {
		return fmt.Errorf("%w: %d mutations, at most %d", ErrTooMany, len(r.Mutations), MaxPushBatch)
	}
	switch {
	case !ValidIncarnation(r.Incarnation):
		return fmt.Errorf("%w: incarnation %.70q", ErrFence, r.Incarnation)
	case r.Replaces != "" && (!ValidIncarnation(r.Replaces) || r.Replaces == r.Incarnation):
		return fmt.Errorf("%w: replaces %.70q", ErrFence, r.Replaces)
	}
	for i, m := range r.Mutations {
		if m.Device == "" || strings.Contains(m.Device, ":") {
			return fmt.Errorf("%w: mutation %d: device %q", ErrMissing, i, m.Device)
		}
		if m.Device != r.Mutations[0].Device {
			return fmt.Errorf("%w: %q and %q", ErrDevice, r.Mutations[0].Device, m.Device)
		}
		if m.Seq == 0 || (i > 0 && m.Seq != r.Mutations[i-1].Seq+1) {
			return fmt.Errorf("%w: mutation %d has seq %d", ErrSeqOrder, i, m.Seq)
		}
		if m.ID != MutationID(m.Device, m.Seq) {
			return fmt.Errorf("%w: %q", ErrMutationID, m.ID)
		}
		if !KnownKind(m.Kind) {
			return fmt.Errorf("%w: %q in %s", ErrUnknownKind, m.Kind, m.ID)
		}
		switch {
		case m.CaseID == "":
			return fmt.Errorf("%w: caseId in %s", ErrMissing, m.ID)
		case m.User == "":
			return fmt.Errorf("%w: user in %s", ErrMissing, m.ID)
		case m.At.IsZero():
			return fmt.Errorf("%w: at in %s", ErrMissing, m.ID)
		case len(m.Payload) == 0:
			return fmt.Errorf("%w: payload in %s", ErrMissing, m.ID)
		}
	}
	return nil
}

// Validate checks a push answer: results in strictly ascending seq, none past
// LastSeq, known statuses, a Conflict exactly with StatusConflict, a reason with
// StatusRejected and a code only there; with a fence, no results but skipped ones
// before a divergence.
func (r PushResponse) Validate() error {
	switch r.Fence {
	case "":
	case FenceDiverged:
		for _, res := range r.Results {
			if res.Status != StatusSkipped {
				return fmt.Errorf("%w: %q result with fence %q", ErrFence, res.Status, r.Fence)
			}
		}
	case FenceBehind, FenceReplaced:
		if len(r.Results) > 0 {
			return fmt.Errorf("%w: results with fence %q", ErrFence, r.Fence)
		}
	default:
		return fmt.Errorf("%w: fence %.40q", ErrFence, r.Fence)
	}
	for i, res := range r.Results {
		if res.Seq == 0 || res.Seq > r.LastSeq || (i > 0 && res.Seq <= r.Results[i-1].Seq) {
			return fmt.Errorf("%w: result %d has seq %d (lastSeq %d)", ErrSeqOrder, i, res.Seq, r.LastSeq)
		}
		switch res.Status {
		case StatusApplied, StatusSkipped:
		case StatusRejected:
			if res.Reason == "" {
				return fmt.Errorf("%w: reason for rejected seq %d", ErrMissing, res.Seq)
			}
		case StatusConflict:
			if res.Conflict == nil {
				return fmt.Errorf("%w: conflict for seq %d", ErrMissing, res.Seq)
			}
		default:
			return fmt.Errorf("%w: %q", ErrStatus, res.Status)
		}
		if res.Conflict != nil && res.Status != StatusConflict {
			return fmt.Errorf("%w: conflict with status %q", ErrStatus, res.Status)
		}
		if res.Code != "" && (res.Status != StatusRejected || len(res.Code) > 40) {
			return fmt.Errorf("%w: code %.40q with status %q", ErrStatus, res.Code, res.Status)
		}
	}
	return nil
}

// Validate checks a page before the client stores it: strictly ascending Seq, Cursor
// equal to the last Seq, every change naming its case consistently and carrying
// either the case or a patch, each case once, and no empty page that claims More (the
// client would ask for it forever). Whether the page follows the
// client's own cursor is ValidateAfter's job.
func (r ChangesResponse) Validate() error {
	if len(r.Changes) > MaxLimit {
		return fmt.Errorf("%w: %d changes, at most %d", ErrTooMany, len(r.Changes), MaxLimit)
	}
	if r.Resync && (len(r.Changes) > 0 || r.Cursor != 0 || r.More || r.Epoch != "") {
		return fmt.Errorf("%w: a resync page with changes, a cursor, an epoch or more", ErrCursor)
	}
	if len(r.Epoch) > MaxIncarnation {
		return fmt.Errorf("%w: epoch of %d bytes", ErrCursor, len(r.Epoch))
	}
	if len(r.Changes) == 0 {
		if r.More {
			return fmt.Errorf("%w: empty page with more", ErrCursor)
		}
		return nil
	}
	seen := make(map[string]bool, len(r.Changes))
	for i, c := range r.Changes {
		if c.Seq == 0 || (i > 0 && c.Seq <= r.Changes[i-1].Seq) {
			return fmt.Errorf("%w: change %d has seq %d", ErrSeqOrder, i, c.Seq)
		}
		switch {
		case c.CaseID == "":
			return fmt.Errorf("%w: seq %d names no case", ErrChange, c.Seq)
		case (c.Case == nil) == (c.Patch == nil):
			return fmt.Errorf("%w: seq %d must carry either the case or a patch", ErrChange, c.Seq)
		case c.Case != nil && c.Case.ID != c.CaseID:
			return fmt.Errorf("%w: seq %d names case %q but carries %q", ErrChange, c.Seq, c.CaseID, c.Case.ID)
		case c.Tx > c.Seq:
			return fmt.Errorf("%w: seq %d has tx %d", ErrChange, c.Seq, c.Tx)
		case seen[c.CaseID]:
			return fmt.Errorf("%w: case %q twice in the page", ErrChange, c.CaseID)
		case len(c.Sums) > 0 && len(c.Sums) != len(c.Mutations):
			return fmt.Errorf("%w: seq %d names %d mutations and %d sums", ErrChange, c.Seq, len(c.Mutations), len(c.Sums))
		}
		seen[c.CaseID] = true
		for _, h := range c.History {
			if h.CaseID != c.CaseID {
				return fmt.Errorf("%w: seq %d carries history of case %q", ErrChange, c.Seq, h.CaseID)
			}
		}
		for _, cf := range c.Conflicts {
			if cf.CaseID != c.CaseID {
				return fmt.Errorf("%w: seq %d carries a conflict of case %q", ErrChange, c.Seq, cf.CaseID)
			}
		}
	}
	if last := r.Changes[len(r.Changes)-1].Seq; r.Cursor != last {
		return fmt.Errorf("%w: cursor %d, last change %d", ErrCursor, r.Cursor, last)
	}
	return nil
}

// ValidateAfter is Validate for a page asked for with cursor: every change lies after
// it, and an empty page keeps it.
func (r ChangesResponse) ValidateAfter(cursor uint64) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.Resync {
		return nil
	}
	if len(r.Changes) == 0 {
		if r.Cursor != cursor {
			return fmt.Errorf("%w: empty page moves cursor %d to %d", ErrCursor, cursor, r.Cursor)
		}
		return nil
	}
	if first := r.Changes[0].Seq; first <= cursor {
		return fmt.Errorf("%w: change %d not after cursor %d", ErrSeqOrder, first, cursor)
	}
	return nil
}

// Validate checks the enrollment code is present.
func (r EnrollRequest) Validate() error {
	if strings.TrimSpace(r.Code) == "" {
		return fmt.Errorf("%w: code", ErrMissing)
	}
	return nil
}

// Validate checks the identity is complete and DeviceCode fits into a file number:
// 1 to 8 upper-case letters or digits (no dash, which separates the components).
func (r EnrollResponse) Validate() error {
	switch {
	case r.DeviceID == "" || strings.Contains(r.DeviceID, ":"):
		return fmt.Errorf("%w: deviceId %q", ErrMissing, r.DeviceID)
	case r.Token == "":
		return fmt.Errorf("%w: token", ErrMissing)
	case r.Tenant == "":
		return fmt.Errorf("%w: tenant", ErrMissing)
	case !model.ValidDeviceCode(r.DeviceCode):
		return fmt.Errorf("%w: deviceCode %q", ErrMissing, r.DeviceCode)
	case r.GrantKey != "":
		_, err := GrantKeyBytes(r.GrantKey)
		return err
	}
	return nil
}

// ChunkCount is the number of chunks of a blob of size bytes (0 for an empty blob).
func ChunkCount(size int64) int {
	return int((size + ChunkSize - 1) / ChunkSize)
}

// Validate checks the hashes are lower-case hex SHA-256 and there is one per chunk.
func (r MissingChunksRequest) Validate() error {
	if !validSHA256(r.SHA256) {
		return fmt.Errorf("%w: sha256 %q", ErrChunk, r.SHA256)
	}
	if r.Size < 0 || len(r.ChunkHashes) != ChunkCount(r.Size) {
		return fmt.Errorf("%w: %d chunk hashes for %d bytes", ErrChunk, len(r.ChunkHashes), r.Size)
	}
	for i, h := range r.ChunkHashes {
		if !validSHA256(h) {
			return fmt.Errorf("%w: chunk %d hash %q", ErrChunk, i, h)
		}
	}
	return nil
}

// ValidateFor checks the answer against the request: ascending, distinct indexes of
// existing chunks.
func (r MissingChunksResponse) ValidateFor(req MissingChunksRequest) error {
	for i, n := range r.Missing {
		if n < 0 || n >= len(req.ChunkHashes) || (i > 0 && n <= r.Missing[i-1]) {
			return fmt.Errorf("%w: missing index %d", ErrChunk, n)
		}
	}
	return nil
}

func validSHA256(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
