package wire

import (
	"time"

	"github.com/ozgcloud/desktop/model"
)

// EnrollRequest exchanges a one-time enrollment code (valid 24 h, printed by
// "ozgcloud-server device enroll") for a device identity. It is the only request
// without a token.
type EnrollRequest struct {
	Code string `json:"code"`
}

// EnrollResponse is the device's identity. Token is shown once; the server keeps only
// its hash. Tenant is informational: the server takes the tenant from the token on
// every later request and never from a body. DeviceCode is the device component of
// file numbers (model.FileNumber), unique within the tenant, so file numbers made
// offline on different PCs never collide.
type EnrollResponse struct {
	DeviceID   string `json:"deviceId"`
	Token      string `json:"token"`
	Tenant     string `json:"tenant"`
	DeviceCode string `json:"deviceCode"`
	// GrantKey is the service's Ed25519 public key for grants (see DirectoryResponse).
	GrantKey string `json:"grantKey,omitempty"`
}

// PushRequest carries outbox mutations of one device in ascending, contiguous seq
// order (PushRequest.Validate). Validate cannot know who is asking: the server also
// refuses a batch whose Device is not the token's device, and takes the tenant from
// the token.
//
// Incarnation names the store that pushes (fence.go): a random ID the desktop's
// store makes at its first start and again whenever it renumbers its outbox; the
// service keeps the incarnation it accepted last per device (the holder). Replaces
// is the incarnation the service accepted from this store before the current one,
// if any: a push whose Incarnation is not the holder is accepted, and becomes the
// holder, only when Replaces is; any other is answered FenceReplaced (a copy of the
// data folder pushed in between and kept the identity: this PC re-enrolls). Acked
// is the LastSeq of the last push answer the store saved, in the transaction that
// removed those mutations from its outbox. The service then walks the rules:
//
//   - Acked > lastSeq: the service lost mutations it had acknowledged (it was
//     restored from a backup): FenceBehind, nothing applied; the store sends them
//     again.
//   - the batch does not begin at Acked+1: the store's outbox does not continue from
//     the answers it saved (its data folder was restored or copied, and it learned
//     of later seqs from the change log): FenceDiverged, nothing applied.
//   - seq <= lastSeq: consumed earlier. If its Sum is the one the service recorded,
//     it is a retried push (an answer was lost): StatusSkipped. Otherwise another
//     mutation was consumed with this seq (a restored or copied store reuses it):
//     FenceDiverged, and the batch stops there. The store renumbers its outbox
//     above LastSeq under a new incarnation and pushes again; nothing is lost.
//   - seq == lastSeq+1: validated against the server's current case and applied in
//     one transaction with its effects, its sum and the new lastSeq; StatusApplied,
//     StatusConflict (a stale base version: the server kept its value and recorded a
//     Conflict) or StatusRejected (permanently invalid, with a German Reason, and
//     Code when the store can act on it). All three advance lastSeq, so a mutation is
//     consumed exactly once.
//   - seq > lastSeq+1: a gap (the server lost nothing, the client skipped something);
//     the batch stops there, later mutations get no result, and the client resends
//     from LastSeq+1.
//
// A transient server failure answers with an Error instead and advances nothing.
type PushRequest struct {
	Incarnation string           `json:"incarnation"`
	Replaces    string           `json:"replaces,omitempty"`
	Acked       uint64           `json:"acked"`
	Mutations   []model.Mutation `json:"mutations"`
}

// PushStatus is what became of one pushed mutation.
type PushStatus string

const (
	StatusApplied  PushStatus = "applied"
	StatusSkipped  PushStatus = "skipped"
	StatusRejected PushStatus = "rejected"
	StatusConflict PushStatus = "conflict"
)

// PushResponse reports the device's lastSeq after the batch and one result per
// mutation the server reached, in batch order. The client removes every mutation with
// seq <= LastSeq from its outbox; rejected and conflicting ones stay visible to the
// clerk, never silently dropped. With a Fence the service applied nothing beyond the
// Results (skipped ones before a divergence), and the client removes only those: see
// PushRequest and fence.go.
type PushResponse struct {
	LastSeq uint64       `json:"lastSeq"`
	Fence   Fence        `json:"fence,omitempty"`
	Results []PushResult `json:"results"`
}

// PushResult is the outcome of one mutation. Reason is German, for the clerk, set for
// rejected and conflicting mutations; Conflict is set exactly for StatusConflict;
// Code says machine-readably why a mutation was rejected when the desktop can do
// something about it (RejectFileNumber).
type PushResult struct {
	Seq      uint64     `json:"seq"`
	Status   PushStatus `json:"status"`
	Reason   string     `json:"reason,omitempty"`
	Code     string     `json:"code,omitempty"`
	Conflict *Conflict  `json:"conflict,omitempty"`
}

// Conflict is model.Conflict as it travels in push answers and changes.
type Conflict = model.Conflict

// ChangesResponse is one page of the tenant's change log after the requested cursor
// (GET PathChanges?cursor=N&limit=M). Changes are in ascending Seq, at most one per
// case; Cursor is the last change's Seq (or the requested cursor when the page is
// empty) and is what the client stores, in the same transaction as the page. More
// says another page follows at once. A page never splits one server transaction, so
// it ends on a consistent checkpoint, and holds at most M entries of the log and,
// unless its first transaction alone is larger, about MaxPageBytes of them.
//
// Epoch names the run of the service that appended the change at Cursor (empty for
// one from before version 4, and on an empty page, where the client keeps the epoch
// it has); the client stores it with the cursor and sends it with its next pull
// (QueryEpoch). Resync, on an empty page with cursor 0, says that the log has no
// change at the requested cursor with the requested epoch: the service was restored
// from a backup and what the client pulled after it is gone. The client pulls
// everything again from cursor 0 and sends its own work the service lost again
// (fence.go).
type ChangesResponse struct {
	Changes []Change `json:"changes"`
	Cursor  uint64   `json:"cursor"`
	More    bool     `json:"more"`
	Epoch   string   `json:"epoch,omitempty"`
	Resync  bool     `json:"resync,omitempty"`
}

// Change is one entry of the tenant's log, or, in a page, every entry of one case
// that the page covers, merged.
//
// A Change carries what the case became, not the mutation, so applying it never
// re-validates anything: the client cannot disagree with the server about the
// outcome of a mutation (role checks, status table, conflict rules are the server's
// alone), and a repeated page is harmless. It carries either the whole case (Case:
// a case created by this entry, or within the page) or what changed (Patch: the
// fields that changed, the comments and messages appended, the follow-ups, decisions
// and attachments added or changed; see model.CasePatch), so an entry costs what was
// written and a comment on a case with 10,000 comments travels as one comment. A
// Patch applies to the case as it was at the page's cursor, which the client holds,
// since it applies the pages in order; Patch.Base names that state. Attachments
// travel by hash, not by content.
//
// History lists the entries added (already sealed by the server); the client stores
// them and checks the chain against the case's HistoryHead. Mutations names the
// applied mutations that devices pushed (none for intake and server-side changes), so
// the client can match them against its outbox while rebasing, and Sums their
// model.Mutation.Sum in the same order, so a client takes a mutation for its own only
// when its own mutation of that ID has that sum (entries from before version 4 have
// none). Conflicts recorded by these entries travel along, so both clerks see them.
type Change struct {
	Seq       uint64               `json:"seq"`
	CaseID    string               `json:"caseId"`
	Case      *model.Case          `json:"case,omitempty"`
	Patch     *model.CasePatch     `json:"patch,omitempty"`
	History   []model.HistoryEntry `json:"history,omitempty"`
	Mutations []string             `json:"mutations,omitempty"`
	Sums      []string             `json:"sums,omitempty"`
	Conflicts []Conflict           `json:"conflicts,omitempty"`
	// Tx names the server transaction that appended the entry (a push of many
	// mutations commits all their entries at once): entries with equal Tx were
	// committed together, and the server never ends a page between them. It is the
	// tenant's last Seq before that transaction plus one, so at most Seq. A merged
	// change has the Tx of its last entry.
	Tx uint64 `json:"tx,omitempty"`
}

// ChunkSize is the fixed size of attachment chunks; the last chunk may be shorter.
const ChunkSize = 1 << 20

// MissingChunksRequest asks the server which chunks of a blob it lacks, before an
// upload or after an interruption. ChunkHashes are the hex SHA-256 of each chunk in
// order; SHA256 is the hash of the whole blob. The chunks are then sent with
// idempotent PUTs, and the blob is complete when the server has all of them and
// their concatenation hashes to SHA256. Deduplication is within a tenant only.
type MissingChunksRequest struct {
	SHA256      string   `json:"sha256"`
	Size        int64    `json:"size"`
	ChunkHashes []string `json:"chunkHashes"`
}

// MissingChunksResponse lists the indexes (ascending) of chunks to upload; empty when
// the server has the whole blob.
type MissingChunksResponse struct {
	Missing []int `json:"missing"`
}

// IntakeResponse answers an online application (POST PathIntake, status 201). A
// retried submission with the same transactionId gets the same CaseID.
type IntakeResponse struct {
	CaseID string `json:"caseId"`
}

// VerifyResponse answers whether a signed decision with the verification code exists.
// Only what the printed decision already shows is returned; Hash is the hex SHA-256
// of the signed PDF, to compare with the copy the asker holds.
type VerifyResponse struct {
	Found      bool       `json:"found"`
	FileNumber string     `json:"fileNumber,omitempty"`
	SignedAt   *time.Time `json:"signedAt,omitempty"`
	Hash       string     `json:"hash,omitempty"`
}
