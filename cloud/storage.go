package cloud

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Storage is where the central service keeps everything. Two implementations exist,
// cloud/boltstore (embedded default) and cloud/pgstore (PostgreSQL); both pass the
// conformance suite in cloud/storagetest.
//
// Tenancy is structural: every case, change, conflict, chunk and device sequence is
// reached through a TenantTx that is bound to one tenant when it begins, so a bug in
// a handler cannot read another tenant's rows. The registry (tenants, org units,
// users with their sign-in state, devices, credentials, the grants issued, absences,
// the key that signs grants) and the verification index are global and reached
// through a RegistryTx; its records of one tenant carry the tenant and are listed
// by it.
//
// A case is kept as its head (the case without comments and messages) and its
// entries in the change log (the whole case when it was made, then what each change
// changed): comments and messages grow with every note and letter, and a push reads
// and writes only the head, so a case with 10,000 comments costs a push what one
// with 10 does. ReadCase puts a whole case together from the log.
//
// Optional methods the service uses when an implementation has them (type
// assertions, so the contract stays small): RegistryViewer on the Storage (read-only
// registry lookups for tokens) and ChunkReplacer on the TenantTx (a blob's announced
// chunk list). The service also relies on two conventions: a wire.Change's JSON
// round-trips exactly (its Tx field marks transaction boundaries), and
// DeviceSeq/SetDeviceSeq accept keys that are not device IDs (the service's
// file-number counters "fileno:PREFIX:YEAR"; device IDs never hold a colon). Chunk
// slot math.MaxInt32 of a blob holds its announced chunk list.
type Storage interface {
	// Update runs fn in one read-write transaction of tenant; either all of fn's
	// writes commit or none. Updates of one tenant are serialized (so a read in fn is
	// never stale when fn writes); different tenants may run in parallel. fn's error
	// is returned unchanged (after rollback).
	Update(ctx context.Context, tenant string, fn func(TenantTx) error) error
	// View runs fn in a read-only transaction of tenant that sees one consistent
	// snapshot.
	View(ctx context.Context, tenant string, fn func(TenantTx) error) error
	// Registry runs fn in one read-write transaction over the global registry.
	Registry(ctx context.Context, fn func(RegistryTx) error) error
	Close() error
}

// Errors every Storage returns (wrapped) so the service can map them.
var (
	ErrNotFound = errors.New("cloud: not found")
	ErrExists   = errors.New("cloud: already exists")
	// ErrNotHead: PutCaseHead was given a case with comments or messages.
	ErrNotHead = errors.New("cloud: a case head carries no comments or messages")
)

// RawChange is one change of the log as the JSON of its wire.Change (Seq included),
// exactly as stored, with what paging needs to know without decoding it.
type RawChange struct {
	Seq    uint64
	Tx     uint64 // wire.Change.Tx
	CaseID string
	JSON   []byte
	Epoch  string // set by AppendEpoch in the transaction that appended it
}

// CheckHead returns ErrNotHead (wrapped) when c carries comments or messages; both
// storages call it in PutCaseHead.
func CheckHead(c model.Case) error {
	if len(c.Comments) > 0 || len(c.Messages) > 0 {
		return fmt.Errorf("%w: case %s", ErrNotHead, c.ID)
	}
	return nil
}

// ChangeMarks numbers the changes one Update appends, for AppendChange: a change the
// service gave no Tx (wire.Change.Tx) is marked with the seq of the first change the
// Update appended, which EachChange reports. The zero value is ready for an Update.
type ChangeMarks struct{ first uint64 }

// Next gives ch the seq after last and returns that seq and ch's Tx mark.
func (m *ChangeMarks) Next(ch *wire.Change, last uint64) (seq, mark uint64) {
	seq = last + 1
	if m.first == 0 {
		m.first = seq
	}
	ch.Seq = seq
	if ch.Tx != 0 {
		return seq, ch.Tx
	}
	return seq, m.first
}

// Tenant is one municipality (or one authority) on the service.
type Tenant struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// OfflineDays is how long a grant lasts, in days: how long a clerk who signed in
	// online may sign in on that PC offline. Zero takes
	// identity.DefaultOfflinePeriod.
	OfflineDays int `json:"offlineDays,omitempty"`
}

// OrgUnit is a receiving office (zuständige Stelle). Its ID is what form servers send
// as control.zustaendigeStelle; it is unique across all tenants, which is how intake
// is routed.
type OrgUnit struct {
	ID     string `json:"id"`
	Tenant string `json:"tenant"`
	Name   string `json:"name"`
}

// User is a clerk known to the service; desktops receive them as their clerk list.
// The service never keeps a password, only its verifier.
type User struct {
	ID     string     `json:"id"`
	Tenant string     `json:"tenant"`
	Name   string     `json:"name"`
	Role   model.Role `json:"role"`
	// Verifier is the Argon2id verifier of the user's password
	// (identity.HashPassword); empty until the user sets one with an invitation.
	Verifier string `json:"verifier,omitempty"`
	// Invitation is the latest invitation code made for the user (its hash only); a
	// new one replaces it, so an older code is void.
	Invitation *identity.Invitation `json:"invitation,omitempty"`
	// Lockout counts wrong passwords at the service, whichever device sent them.
	Lockout identity.Lockout `json:"lockout,omitzero"`
	// Deactivated is when the administration deactivated the user; nil while active.
	Deactivated *time.Time `json:"deactivated,omitempty"`
	// GrantsNotBefore voids every grant the user was issued before it (set when the
	// user is deactivated or the password is reset).
	GrantsNotBefore *time.Time `json:"grantsNotBefore,omitempty"`
}

// Enrollment is a one-time code (only its hash is kept) that enrolls one device.
type Enrollment struct {
	CodeHash string     `json:"codeHash"` // hex SHA-256 of the code
	Tenant   string     `json:"tenant"`
	Expires  time.Time  `json:"expires"`
	UsedAt   *time.Time `json:"usedAt,omitempty"`
	UsedBy   string     `json:"usedBy,omitempty"` // device ID
}

// Device is an enrolled desktop. Code is the device component of file numbers, unique
// within the tenant. A device made by re-enrollment of a copied data folder names
// the enrolled device its copies count against, the device whose token it
// re-enrolled with (the same, or a copy of it, for a copy of a copy) and the
// incarnation of the copy (CopyOf, CopyFrom, CopyIncarnation; see Service.Reenroll
// and Service.RevokeDevice). Devices re-enrolled before CopyFrom was kept have it
// empty: they count as re-enrolled with CopyOf's token.
type Device struct {
	ID              string     `json:"id"`
	Tenant          string     `json:"tenant"`
	Code            string     `json:"code"`
	TokenHash       string     `json:"tokenHash"` // hex SHA-256 of the bearer token
	Enrolled        time.Time  `json:"enrolled"`
	RevokedAt       *time.Time `json:"revokedAt,omitempty"`
	CopyOf          string     `json:"copyOf,omitempty"`
	CopyFrom        string     `json:"copyFrom,omitempty"`
	CopyIncarnation string     `json:"copyIncarnation,omitempty"`
}

// IntakeCredential lets a form server submit applications for one tenant.
type IntakeCredential struct {
	ID        string     `json:"id"`
	Tenant    string     `json:"tenant"`
	TokenHash string     `json:"tokenHash"`
	Created   time.Time  `json:"created"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

// Verification is what GET /v1/verify/{code} may reveal of a signed decision.
type Verification struct {
	Code       string    `json:"code"`
	Tenant     string    `json:"tenant"`
	FileNumber string    `json:"fileNumber"`
	SignedAt   time.Time `json:"signedAt"`
	Hash       string    `json:"hash"` // hex SHA-256 of the signed PDF
}

// RegistryTx reads and writes the global registry. Put* insert or replace by ID;
// lookups return an error wrapping ErrNotFound when nothing matches.
type RegistryTx interface {
	PutTenant(t Tenant) error
	Tenant(id string) (Tenant, error)
	Tenants() ([]Tenant, error)

	PutOrgUnit(o OrgUnit) error // ErrExists when the ID belongs to another tenant
	OrgUnit(id string) (OrgUnit, error)
	OrgUnits(tenant string) ([]OrgUnit, error)

	PutUser(u User) error
	Users(tenant string) ([]User, error)
	// UserByInvitation finds the user whose Invitation has this hash, in any tenant.
	UserByInvitation(hash string) (User, error)

	PutEnrollment(e Enrollment) error
	Enrollment(codeHash string) (Enrollment, error)

	PutDevice(d Device) error // ErrExists when Code is taken in the tenant by another device
	Device(id string) (Device, error)
	DeviceByToken(tokenHash string) (Device, error)
	Devices(tenant string) ([]Device, error)

	PutIntakeCredential(c IntakeCredential) error
	IntakeCredentialByToken(tokenHash string) (IntakeCredential, error)

	Verification(code string) (Verification, error)

	// Sign-in (storage_signin.go). PutGrant inserts or replaces a grant window by
	// tenant, device and ID; Grants lists a device's windows in ID order.
	PutGrant(g Grant) error
	Grants(tenant, deviceID string) ([]Grant, error)
	// PutAbsence inserts or replaces an absence by tenant and ID; DeleteAbsence
	// removes one (nothing when there is none); Absences lists a tenant's in ID
	// order.
	PutAbsence(a Absence) error
	DeleteAbsence(tenant, id string) error
	Absences(tenant string) ([]Absence, error)
	// GrantKey returns the service's Ed25519 private key for grants (ErrNotFound
	// before PutGrantKey stored one).
	GrantKey() ([]byte, error)
	PutGrantKey(key []byte) error
}

// TenantTx reads and writes one tenant's data; the tenant was fixed when the
// transaction began and no method can reach another tenant's rows.
type TenantTx interface {
	Tenant() string

	// CaseHead returns the case without its comments and messages (ErrNotFound).
	CaseHead(id string) (model.Case, error)
	// PutCaseHead inserts or replaces the case head; a case with comments or
	// messages is refused (ErrNotHead), since they belong in the change log.
	PutCaseHead(c model.Case) error
	// History returns the case's entries in seq order.
	History(caseID string) ([]model.HistoryEntry, error)
	// AppendHistory stores entries (already sealed) by their Seq; an entry with a
	// Seq that exists is replaced by the same bytes (idempotent), never reordered.
	AppendHistory(caseID string, entries []model.HistoryEntry) error

	// AppendChange gives ch the tenant's next sequence number (1, 2, ...; never
	// reused), stores it, and returns the number. ch.Seq is ignored on input.
	AppendChange(ch wire.Change) (uint64, error)
	// EachChange calls fn with up to limit changes with Seq > after, in ascending
	// Seq, as stored, until fn returns false or an error (which EachChange returns).
	// RawChange.JSON is valid only during the call to fn (it may point into the
	// storage's memory or read buffer): fn copies what it keeps. A page of changes
	// is built from it without decoding them, and without holding more of the log
	// in memory than the page. ReadChanges decodes them.
	EachChange(after uint64, limit int, fn func(RawChange) (bool, error)) error
	// CaseChanges returns the changes of one case, in ascending Seq.
	CaseChanges(caseID string) ([]wire.Change, error)
	// LastChange returns the highest Seq handed out (0 when none).
	LastChange() (uint64, error)

	// DeviceSeq returns the last mutation seq applied for the device (0 when none);
	// SetDeviceSeq moves it, in the same transaction as the mutation's effects.
	DeviceSeq(deviceID string) (uint64, error)
	SetDeviceSeq(deviceID string, seq uint64) error

	// PutConflict inserts or replaces a conflict by ID; Conflicts lists those of a
	// case, or of the whole tenant when caseID is empty, in ID order.
	PutConflict(c wire.Conflict) error
	Conflict(id string) (wire.Conflict, error)
	Conflicts(caseID string) ([]wire.Conflict, error)

	// IntakeCase returns the case made for a form server's transactionId
	// (ErrNotFound), PutIntake records it.
	IntakeCase(transactionID string) (string, error)
	PutIntake(transactionID, caseID string) error

	// Chunks of content-addressed blobs, deduplicated within the tenant. PutChunk is
	// idempotent; Chunk returns ErrNotFound for a chunk not (yet) stored. PutBlob
	// records a complete blob (all chunks present, concatenation verified by the
	// caller); Blob returns its size and chunk count.
	PutChunk(sha string, index int, data []byte) error
	Chunk(sha string, index int) ([]byte, error)
	HasChunk(sha string, index int) (bool, error)
	PutBlob(sha string, size int64, chunks int) error
	Blob(sha string) (size int64, chunks int, err error)

	// PutVerification records a signed decision for the global verification index.
	PutVerification(v Verification) error

	// Chunk slots and what they cost the tenant (quotas, abandoned uploads).
	// StoredChunks lists the indexes of sha's stored chunk slots in ascending order
	// (the slot of an announced chunk list included); DeleteChunk empties a slot
	// (nothing when it is empty); BlobsWithChunk lists, in hash order, the blobs
	// that have chunk index stored. StoredBytes is the sum of the lengths of all
	// chunk slots of the tenant, kept exact by PutChunk, ReplaceChunk and
	// DeleteChunk in the same transaction: a chunk stored twice counts once, a
	// rolled-back write not at all.
	StoredChunks(sha string) ([]int, error)
	DeleteChunk(sha string, index int) error
	BlobsWithChunk(index int) ([]string, error)
	StoredBytes() (int64, error)

	// Quota returns the tenant's quota as set (the zero Quota when never set: the
	// service's defaults apply); SetQuota replaces it.
	Quota() (Quota, error)
	SetQuota(q Quota) error

	Fences
	FileNumbers
}

// Fences keep, per device, which of the stores that share its identity may push and
// what each consumed seq was (the mutation's sum), so that a restored or copied data
// folder is told so instead of having its work skipped (wire.PushRequest).
type Fences interface {
	// DeviceHolder returns the device's last mutation seq (as DeviceSeq) and the
	// incarnation the service accepted last ("" when none), in one read.
	DeviceHolder(deviceID string) (seq uint64, holder string, err error)
	// SetDeviceHolder replaces the device's incarnation.
	SetDeviceHolder(deviceID, incarnation string) error
	// MutationSums returns the sums recorded for the device's seqs first..last (at
	// most a push batch), one per seq, "" where none was recorded (a seq not
	// consumed, or consumed before sums were kept).
	MutationSums(deviceID string, first, last uint64) ([]string, error)
	// PutMutationSum records the sum of the device's mutation seq.
	PutMutationSum(deviceID string, seq uint64, sum string) error
	// AppendEpoch sets the epoch of the changes this transaction appends from now on
	// (the service run's, see Service.Epoch); EachChange reports it with each, and
	// "" for a change appended without one. It writes nothing by itself.
	AppendEpoch(epoch string)
}

// FileNumbers finds cases by file number. The storage keeps the index with every
// PutCaseHead; a file number is unique in the tenant only because the service
// refuses a create whose number another case holds, so the index allows several
// cases per number (a duplicate stored before, which an administrator repairs).
type FileNumbers interface {
	// CasesByFileNumber returns the IDs of the cases holding the file number, in ID
	// order.
	CasesByFileNumber(fileNumber string) ([]string, error)
	// FileNumberDuplicates returns every file number that several cases hold, in
	// file-number order.
	FileNumberDuplicates() ([]FileNumberCases, error)
}

// FileNumberCases is a file number and the cases (IDs, in ID order) that hold it.
type FileNumberCases struct {
	FileNumber string   `json:"fileNumber"`
	Cases      []string `json:"cases"`
}

// Service-level sentinel errors; the HTTP layer maps them to wire error codes.
var (
	ErrUnauthorized = errors.New("cloud: unauthorized")
	ErrEnrollment   = errors.New("cloud: enrollment code unknown, used or expired")
	ErrBadRequest   = errors.New("cloud: bad request")
	ErrTooLarge     = errors.New("cloud: too large")
)
