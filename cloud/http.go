package cloud

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/sync/wire"
)

// HandlerOptions configure NewHandler; zero values take defaults.
type HandlerOptions struct {
	// Logger receives one line per request (method, route pattern, status, duration,
	// tenant and device; never bodies, paths with codes, or citizens' data) and the
	// errors behind 500 answers. Default slog.Default.
	Logger *slog.Logger
	// Limits bound intake bodies; zero fields take the Service's limits, then
	// DefaultLimits.
	Limits Limits
	// TempDir is where intake parts are spooled; default os.TempDir.
	TempDir string
	// Heartbeat is the interval of SSE heartbeat comments, at which a stream also
	// re-checks its token; default wire.HeartbeatSeconds.
	Heartbeat time.Duration
	// Done, when closed, ends every open event stream, so http.Server.Shutdown does
	// not wait for them (connect it with Server.RegisterOnShutdown).
	Done <-chan struct{}
	// Requests bound what clients can hold of the server at once; zero fields take
	// DefaultRequestLimits.
	Requests RequestLimits
}

// backend is what the handlers need of a Service. *Service implements it; tests use a
// fake for failures the real service cannot be made to produce on demand.
type backend interface {
	Enroll(ctx context.Context, code string) (wire.EnrollResponse, error)
	Authenticate(ctx context.Context, token string) (Device, error)
	AuthenticateIntake(ctx context.Context, token string) (IntakeCredential, error)
	Push(ctx context.Context, d Device, req wire.PushRequest) (wire.PushResponse, error)
	Reenroll(ctx context.Context, d Device, req wire.ReenrollRequest) (wire.EnrollResponse, error)
	ChangesJSON(ctx context.Context, d Device, cursor uint64, limit int) ([]byte, error)
	Subscribe(tenant string) (<-chan uint64, func())
	MissingChunks(ctx context.Context, d Device, req wire.MissingChunksRequest) (wire.MissingChunksResponse, error)
	PutChunk(ctx context.Context, d Device, sha string, index int, data []byte) error
	Chunk(ctx context.Context, d Device, sha string, index int) ([]byte, error)
	Intake(ctx context.Context, c IntakeCredential, sub Submission) (wire.IntakeResponse, bool, error)
	Verify(ctx context.Context, code string) (wire.VerifyResponse, error)

	lastChange(ctx context.Context, tenant string) (uint64, error)
	limits() Limits
	intakeQuota(ctx context.Context, tenant string) (Quota, error)
}

var _ backend = (*Service)(nil)

// lastChange is the tenant's latest change seq, which an event stream sends first.
func (s *Service) lastChange(ctx context.Context, tenant string) (uint64, error) {
	return viewOf(ctx, s.store, tenant, TenantTx.LastChange)
}

func (s *Service) limits() Limits { return s.limit }

type handler struct {
	s         backend
	log       *slog.Logger
	limits    Limits
	g         *guard
	tempDir   string
	heartbeat time.Duration
	done      <-chan struct{}
}

// NewHandler returns the central service's HTTP API over s: every path of sync/wire
// plus GET /healthz. Sync requests must carry wire.HeaderVersion and a device's bearer
// token, intake requests an intake credential's token; every answer carries
// wire.HeaderVersion, and every error answer is a wire.Error with its status.
func NewHandler(s *Service, o HandlerOptions) http.Handler {
	return newHandler(s, o)
}

func newHandler(s backend, o HandlerOptions) http.Handler {
	h := &handler{s: s, log: o.Logger, tempDir: o.TempDir, heartbeat: o.Heartbeat, done: o.Done}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.heartbeat <= 0 {
		h.heartbeat = wire.HeartbeatSeconds * time.Second
	}
	h.limits = mergeLimits(mergeLimits(o.Limits, s.limits()), DefaultLimits())
	h.g = newGuard(o.Requests, h)
	if o.Done != nil {
		go func() { <-o.Done; h.g.refused.Flush() }()
	}

	mux := http.NewServeMux()
	ver := func(f http.HandlerFunc) http.Handler { return h.versioned(f) }
	// Every request of a device counts against its limit, except its event
	// streams, which have their own (http_streams.go).
	dev := func(f func(http.ResponseWriter, *http.Request, Device)) http.Handler {
		return h.versioned(h.device(h.perDevice(f)))
	}
	mux.Handle("POST "+wire.PathEnroll, ver(h.anonymous(h.enroll)))
	mux.Handle("POST "+wire.PathReenroll, dev(h.reenroll)) // http_sync.go
	mux.Handle("POST "+wire.PathPush, dev(h.push))
	mux.Handle("GET "+wire.PathChanges, dev(h.changes))
	mux.Handle("GET "+wire.PathEvents, h.versioned(h.device(h.events)))
	mux.Handle("GET "+wire.PathDirectory, dev(h.directory)) // http_directory.go
	mux.Handle("POST "+wire.PathSignIn, dev(h.signIn))      // http_auth.go
	mux.Handle("POST "+wire.PathActivate, dev(h.activate))
	mux.Handle("POST "+wire.PathAbsences, dev(h.absence))
	mux.Handle("POST "+wire.PathChunks+"{sha}/missing", dev(h.missing))
	mux.Handle("PUT "+wire.PathChunks+"{sha}/chunks/{index}", dev(h.putChunk))
	mux.Handle("GET "+wire.PathChunks+"{sha}/chunks/{index}", dev(h.getChunk))
	mux.HandleFunc("POST "+wire.PathIntake, h.intake)
	mux.HandleFunc("GET "+wire.PathVerify+"{code}", h.anonymous(h.verify))
	mux.HandleFunc("GET "+wire.PathHealth, h.health)
	// The same paths without a method catch the wrong ones, so that answer is a
	// wire.Error too (ServeMux's own is plain text).
	for path, allow := range map[string]string{
		wire.PathEnroll: "POST", wire.PathPush: "POST", wire.PathChanges: "GET", wire.PathEvents: "GET",
		wire.PathChunks + "{sha}/missing": "POST", wire.PathChunks + "{sha}/chunks/{index}": "GET, PUT",
		wire.PathIntake: "POST", wire.PathVerify + "{code}": "GET", wire.PathHealth: "GET",
		wire.PathDirectory: "GET", wire.PathSignIn: "POST", wire.PathActivate: "POST", wire.PathAbsences: "POST",
	} {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			h.writeJSON(w, r, http.StatusMethodNotAllowed, wire.Error{
				Code: wire.CodeBadRequest, Message: "Methode " + r.Method + " ist hier nicht erlaubt (method not allowed; use " + allow + ")."})
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, ErrNotFound)
	})
	return h.logged(mux)
}

// mergeLimits fills the zero fields of l from d.
func mergeLimits(l, d Limits) Limits {
	setDefault(&l.IntakeFormData, d.IntakeFormData)
	setDefault(&l.IntakeRepresentation, d.IntakeRepresentation)
	setDefault(&l.IntakeAttachment, d.IntakeAttachment)
	setDefault(&l.IntakeAttachments, d.IntakeAttachments)
	setDefault(&l.IntakeTotal, d.IntakeTotal)
	return l
}

// versioned refuses a request without the protocol version this server speaks.
func (h *handler) versioned(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := wire.CheckVersion(r.Header.Get(wire.HeaderVersion)); err != nil {
			h.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// device authenticates the bearer token of a device; the tenant of everything that
// follows is the device's, never one named in the request.
func (h *handler) device(next func(http.ResponseWriter, *http.Request, Device)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, err := byBearer(r, h.s.Authenticate)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.tenant, rec.device = d.Tenant, d.ID
		}
		next(w, r, d)
	}
}

// byBearer returns what auth finds for the request's bearer token (ErrUnauthorized
// without one).
func byBearer[T any](r *http.Request, auth func(context.Context, string) (T, error)) (T, error) {
	token, ok := bearer(r)
	if !ok {
		var zero T
		return zero, ErrUnauthorized
	}
	return auth(r.Context(), token)
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	const prefix = "bearer "
	a := r.Header.Get("Authorization")
	if len(a) <= len(prefix) || !strings.EqualFold(a[:len(prefix)], prefix) {
		return "", false
	}
	return a[len(prefix):], true
}

// recorder notes what the access log needs; Unwrap lets http.ResponseController
// reach the connection (Flush for event streams, write deadlines).
type recorder struct {
	http.ResponseWriter
	status         int
	tenant, device string
	// quiet leaves the request out of the access log: it was counted in the
	// summary of refusals instead (http_limits.go).
	quiet bool
	// body is the request body as the handler read it, if it did
	// (http_request_body.go).
	body *wireBody
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logged sets the version header on every answer and logs one line per request. It
// logs the route pattern, not the path: paths hold verification codes and hashes.
func (h *handler) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w.Header().Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.quiet {
			return
		}
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		h.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("route", r.Pattern),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
			slog.String("tenant", rec.tenant),
			slog.String("device", rec.device),
		)
	})
}

func (h *handler) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// errorFor is the one place that maps an error to the status and body a client sees.
// Only 4xx answers say why; a 500 says nothing of the server's insides.
func errorFor(err error) (int, wire.Error) {
	var pub *publicError
	detail := func(german string) string {
		if errors.As(err, &pub) {
			return pub.msg
		}
		return german + ": " + plainReason(err)
	}
	var maxBytes *http.MaxBytesError
	var quota *QuotaError
	var e wire.Error
	switch {
	case errors.Is(err, wire.ErrVersion):
		e = wire.VersionError()
	case errors.Is(err, ErrUnauthorized):
		e = wire.Error{Code: wire.CodeUnauthorized, Message: "Die Anmeldung am Server fehlt oder ist ungültig. Bitte verbinden Sie das Gerät neu."}
	case errors.Is(err, ErrEnrollment):
		e = wire.Error{Code: wire.CodeEnrollment, Message: "Der Anmeldecode ist unbekannt, schon benutzt oder abgelaufen."}
	case errors.Is(err, ErrReenroll):
		e = wire.Error{Code: wire.CodeEnrollment, Reason: "reenroll",
			Message: "Dieser PC kann sich nicht selbst neu anmelden. Bitte lassen Sie sich von der Administration einen Anmeldecode geben."}
	case errors.Is(err, ErrSignIn):
		e = wire.Error{Code: wire.CodeSignIn, Message: detail("Die Anmeldung wurde abgelehnt")}
	case errors.As(err, &quota):
		e = wire.Error{Code: wire.CodeQuota, Message: quota.Message, Reason: quota.Reason}
	case errors.Is(err, ErrTooLarge), errors.Is(err, wire.ErrTooLarge), errors.As(err, &maxBytes):
		e = wire.Error{Code: wire.CodeTooLarge, Message: detail("Die Anfrage ist zu groß")}
	case errors.Is(err, ErrBadRequest), isWireRequestError(err):
		e = wire.Error{Code: wire.CodeBadRequest, Message: detail("Die Anfrage ist ungültig")}
	case errors.Is(err, ErrNotFound):
		e = wire.Error{Code: wire.CodeNotFound, Message: "Nicht gefunden."}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, errBlobMoved):
		e = wire.Error{Code: wire.CodeUnavailable, Message: "Der Server ist gerade ausgelastet. Bitte später erneut versuchen."}
	case errors.Is(err, ErrRateLimited):
		e = wire.Error{Code: wire.CodeRateLimited, Message: detail("Zu viele Anfragen")}
	default:
		e = wire.Error{Code: wire.CodeInternal, Message: "Interner Fehler des Servers. Bitte später erneut versuchen."}
	}
	if errors.As(err, &pub) && e.Code != wire.CodeInternal && e.Reason == "" {
		e.Reason = pub.reason
	}
	if e.Code == wire.CodeTooLarge && e.Reason == "" {
		e.Reason = "body"
	}
	return e.Code.HTTPStatus(), e
}

// plainReason is err's text without the package prefixes and sentinel texts that
// mean something to us but nothing to whoever reads the answer.
func plainReason(err error) string {
	msg := err.Error()
	for _, s := range []error{ErrBadRequest, ErrTooLarge, wire.ErrDecode, wire.ErrTooLarge} {
		msg = strings.ReplaceAll(msg, s.Error()+": ", "")
	}
	msg = strings.ReplaceAll(msg, "cloud: ", "")
	return strings.ReplaceAll(msg, "wire: ", "")
}

func isWireRequestError(err error) bool {
	for _, w := range []error{wire.ErrDecode, wire.ErrMissing, wire.ErrDevice, wire.ErrMutationID,
		wire.ErrSeqOrder, wire.ErrUnknownKind, wire.ErrTooMany, wire.ErrChunk, wire.ErrFence} {
		if errors.Is(err, w) {
			return true
		}
	}
	return false
}

// publicError carries a reason meant for the client (German with the English term,
// no citizens' data); errorFor shows it instead of the error chain, and reason, when
// set, as wire.Error.Reason (which limit or quota refused). A refusal by a limit may
// ask the client to wait (Retry-After); count, when set, is the key under which the
// refusal is counted in the summary line instead of logged on its own.
type publicError struct {
	kind   error
	msg    string
	reason string
	retry  time.Duration
	count  string
}

func (e *publicError) Error() string { return e.kind.Error() + ": " + e.msg }
func (e *publicError) Unwrap() error { return e.kind }

func badRequest(msg string) error { return &publicError{kind: ErrBadRequest, msg: msg} }
func tooLarge(msg string) error   { return &publicError{kind: ErrTooLarge, msg: msg} }

// fail answers with the wire.Error for err. A client that went away gets nothing.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	status, e := errorFor(err)
	var pub *publicError
	if errors.As(err, &pub) && pub.retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(roundUp(pub.retry)/time.Second)))
	}
	switch {
	case pub != nil && pub.count != "":
		// A flood of refusals must not flood the log: one line per interval.
		h.g.refused.Add(pub.count)
		if rec, ok := w.(*recorder); ok {
			rec.quiet = true
		}
	case status >= 500:
		h.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("route", r.Pattern), slog.String("error", err.Error()))
	case status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge:
		// The reason helps whoever connects a form server; it names fields and
		// parts, never their values.
		h.log.LogAttrs(r.Context(), slog.LevelInfo, "request refused",
			slog.String("route", r.Pattern), slog.String("reason", e.Message))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ozgcloud"`)
	}
	h.writeJSON(w, r, status, e)
}
