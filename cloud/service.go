package cloud

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"time"
	_ "time/tzdata" // absences are Berlin dates on every server

	"github.com/google/uuid"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
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
	quota Quota // defaults for tenants' quotas
	hub   *hub

	password identity.Params // of new verifiers
	hashers  chan struct{}   // password hashes computed at once
	loc      *time.Location  // the municipalities' zone: absences are its dates
	keyMu    sync.Mutex
	key      ed25519.PrivateKey // signs grants; loaded or made on first use

	epochMu sync.Mutex
	epoch   string // of the log entries this run appends (fence.go)
}

// Options configure a Service; zero values take defaults (time.Now, crypto/rand,
// slog.Default, DefaultLimits, DefaultQuota).
type Options struct {
	Now    func() time.Time
	Rand   io.Reader
	Logger *slog.Logger
	Limits Limits
	// Quota is the quota of tenants that have none of their own (zero fields:
	// DefaultQuota's).
	Quota Quota
	// Password are the Argon2id parameters of new password verifiers (zero:
	// identity.DefaultParams). Raising them re-hashes each password at its owner's
	// next sign-in.
	Password identity.Params
	// Hashers bounds the password hashes computed at once (zero: two per CPU): each
	// takes Password.Memory, and a burst of sign-ins must not take the server's
	// memory.
	Hashers int
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
// the multipart body: the control block, the form tree, and the files spooled to
// temp files, which Service.Intake stores as chunked blobs of the tenant.
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

// DefaultLimits are the limits a Service takes when Options.Limits is zero.
func DefaultLimits() Limits {
	return Limits{
		IntakeFormData:       4 << 20,
		IntakeRepresentation: 50 << 20,
		IntakeAttachment:     100 << 20,
		IntakeAttachments:    50,
		IntakeTotal:          500 << 20,
	}
}

// New returns a Service over s.
func New(s Storage, o Options) *Service {
	svc := &Service{store: s, now: o.Now, rand: o.Rand, log: o.Logger, limit: o.Limits, quota: o.Quota.Or(DefaultQuota()), hub: newHub()}
	if svc.now == nil {
		svc.now = time.Now
	}
	if svc.rand == nil {
		svc.rand = rand.Reader
	} else {
		// An injected reader (a seeded one in tests) need not be safe for
		// concurrent use; crypto/rand is.
		svc.rand = &lockedReader{r: o.Rand}
	}
	if svc.log == nil {
		svc.log = slog.Default()
	}
	if svc.limit == (Limits{}) {
		svc.limit = DefaultLimits()
	}
	svc.password = o.Password
	if svc.password == (identity.Params{}) {
		svc.password = identity.DefaultParams
	}
	n := o.Hashers
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	svc.hashers = make(chan struct{}, n)
	svc.loc = berlin
	if e, err := svc.newEpoch(); err == nil {
		svc.epoch = e
	} else {
		// Without randomness the clock still tells this run from the ones before.
		svc.epoch = strconv.FormatInt(svc.now().UnixNano(), 36)
	}
	return svc
}

// berlin is the zone of the municipalities: an absence's dates are its dates.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return loc
}()

type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// newID returns a UUIDv7 drawn from the service's randomness.
func (s *Service) newID() (string, error) {
	id, err := uuid.NewV7FromReader(s.rand)
	if err != nil {
		return "", fmt.Errorf("cloud: new id: %w", err)
	}
	return id.String(), nil
}

// randomBytes reads n bytes of the service's randomness.
func (s *Service) randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return nil, fmt.Errorf("cloud: randomness: %w", err)
	}
	return b, nil
}

// hashSecret is how codes and tokens are kept: hex SHA-256. The secrets carry 80
// bits or more of randomness, so a plain hash is enough and lets the registry look
// them up by hash instead of comparing in constant time.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
