package cloud

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Service is the central service's logic, independent of HTTP and of the storage
// implementation: enrollment and tokens, push (exactly once per device seq, validated
// by model.Apply against the server's case, conflicts on stale base versions), the
// tenant change log, intake, blobs and verification. The HTTP layer (http.go) only
// decodes, authenticates, calls one method and encodes.
type Service struct {
	store Storage
	now   func() time.Time
	rand  io.Reader
	log   *slog.Logger
	limit Limits
	hub   *hub
}

// Options configure a Service; zero values take defaults (time.Now, crypto/rand,
// slog.Default, DefaultLimits).
type Options struct {
	Now    func() time.Time
	Rand   io.Reader
	Logger *slog.Logger
	Limits Limits
}

// Limits bound what clients and form servers may send.
type Limits struct {
	IntakeFormData       int64 // bytes of the formData part
	IntakeRepresentation int64 // bytes of the representation file
	IntakeAttachment     int64 // bytes of one attachment
	IntakeAttachments    int   // number of attachments
	IntakeTotal          int64 // bytes of the whole multipart body
}

// Submission is one online application as the intake parser (intake.go) read it from
// the multipart body: the control block, the form tree, and the files, already
// stored as blobs of the tenant (the parser streams parts to temp files first).
type Submission struct {
	TransactionID     string
	ZustaendigeStelle string
	LeikaIDs          []string
	FormID            string
	Name              string
	ServiceKonto      *model.Postfach
	Form              []model.FormField
	Representation    *IntakeFile
	Attachments       []IntakeFile
}

// IntakeFile is one file part of a submission, spooled to a temp file by the parser.
type IntakeFile struct {
	Name      string
	MediaType string
	Size      int64
	SHA256    string // hex
	Path      string // temp file; the caller removes it after Intake returns
}

var errNotBuilt = errors.New("cloud: not built yet")

// New returns a Service over s.
func New(s Storage, o Options) *Service { panic("cloud: New not built yet") }

// Enroll exchanges a one-time code for a device identity (ErrEnrollment).
func (s *Service) Enroll(ctx context.Context, code string) (wire.EnrollResponse, error) {
	return wire.EnrollResponse{}, errNotBuilt
}

// Authenticate returns the device of a bearer token (ErrUnauthorized when unknown or
// revoked).
func (s *Service) Authenticate(ctx context.Context, token string) (Device, error) {
	return Device{}, errNotBuilt
}

// AuthenticateIntake returns the intake credential of a bearer token (ErrUnauthorized).
func (s *Service) AuthenticateIntake(ctx context.Context, token string) (IntakeCredential, error) {
	return IntakeCredential{}, errNotBuilt
}

// Push applies a device's batch (see wire.PushRequest for the rules) and pokes the
// tenant's subscribers when something changed. ErrBadRequest when the batch is not
// the device's.
func (s *Service) Push(ctx context.Context, d Device, req wire.PushRequest) (wire.PushResponse, error) {
	return wire.PushResponse{}, errNotBuilt
}

// Changes returns one page of the device's tenant's log after cursor.
func (s *Service) Changes(ctx context.Context, d Device, cursor uint64, limit int) (wire.ChangesResponse, error) {
	return wire.ChangesResponse{}, errNotBuilt
}

// Subscribe returns a channel that receives the tenant's latest change seq whenever it
// grows (coalesced: a slow reader sees only the newest), and a cancel func.
func (s *Service) Subscribe(tenant string) (<-chan uint64, func()) { panic("not built") }

// MissingChunks answers which chunks of a blob the device's tenant lacks.
func (s *Service) MissingChunks(ctx context.Context, d Device, req wire.MissingChunksRequest) (wire.MissingChunksResponse, error) {
	return wire.MissingChunksResponse{}, errNotBuilt
}

// PutChunk stores one chunk after checking its hash against the announced list;
// when the last one arrives and the whole hashes to sha, the blob is complete.
func (s *Service) PutChunk(ctx context.Context, d Device, sha string, index int, data []byte) error {
	return errNotBuilt
}

// Chunk returns one chunk of a complete blob of the device's tenant (ErrNotFound).
func (s *Service) Chunk(ctx context.Context, d Device, sha string, index int) ([]byte, error) {
	return nil, errNotBuilt
}

// Intake makes a case from a submission in the credential's tenant, routed by
// ZustaendigeStelle to the org unit (ErrBadRequest naming the unknown unit);
// idempotent by TransactionID (a retry returns the same case id, created=false).
func (s *Service) Intake(ctx context.Context, c IntakeCredential, sub Submission) (wire.IntakeResponse, bool, error) {
	return wire.IntakeResponse{}, false, errNotBuilt
}

// Verify answers GET /v1/verify/{code}.
func (s *Service) Verify(ctx context.Context, code string) (wire.VerifyResponse, error) {
	return wire.VerifyResponse{}, errNotBuilt
}

// Administration, called by cmd/ozgcloud-server's subcommands. Each returns what it
// made; secrets (codes, tokens) are returned once and only their hashes are stored.

func (s *Service) AddTenant(ctx context.Context, id, name string) (Tenant, error) {
	return Tenant{}, errNotBuilt
}
func (s *Service) AddOrgUnit(ctx context.Context, tenant, id, name string) (OrgUnit, error) {
	return OrgUnit{}, errNotBuilt
}
func (s *Service) AddUser(ctx context.Context, tenant, name string, role model.Role) (User, error) {
	return User{}, errNotBuilt
}

// NewEnrollment makes a one-time code valid for 24 h.
func (s *Service) NewEnrollment(ctx context.Context, tenant string) (code string, expires time.Time, err error) {
	return "", time.Time{}, errNotBuilt
}
func (s *Service) RevokeDevice(ctx context.Context, id string) error { return errNotBuilt }
func (s *Service) AddIntakeCredential(ctx context.Context, tenant string) (IntakeCredential, string, error) {
	return IntakeCredential{}, "", errNotBuilt
}

type hub struct{}
