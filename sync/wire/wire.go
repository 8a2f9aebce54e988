// Package wire holds the sync protocol between the desktop's sync client and the
// central service: the version, the paths, the request and response bodies, their
// validation and bounded decoders. Both sides import it, so the format is defined in
// one place; the golden files in testdata pin it byte for byte.
//
// Field names are camelCase like the model's own JSON, because mutations and cases
// travel inside these bodies unchanged.
package wire

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Version is the protocol version. It changes whenever a body gains, loses or renames
// a field: the decoders reject unknown fields, so even an added field would break an
// older peer, and a clear version error is better than a decode failure. Version 2
// added Error.Reason and the codes for quotas and rate limits, and changes that
// carry what changed (Change.Patch, merged per case and page) instead of the whole
// case every time. Version 3 added sign-in (auth.go): the grant key in enrollment
// and directory, absences and deactivated users in the directory,
// Mutation.OnBehalfOf; a desktop of version 2 could not push anyway, since the
// service applies mutations only of clerks it signed in. Version 4 added what keeps
// a restored or copied data folder and a restored service from losing work
// (fence.go): the store's incarnation and acknowledged seq in pushes, the fence and
// the refusal code in push answers, the mutations' sums and the epoch in changes,
// resync pages, and re-enrollment of a copied PC.
const Version = 4

// HeaderVersion carries Version on every request and every response. The server
// refuses a request whose version differs (or is missing) with status 400 and an
// Error with CodeVersion and its own version; the client then tells the clerk to
// update instead of retrying. There is no range negotiation: one server serves one
// version, and desktops are updated centrally.
const HeaderVersion = "OZG-Sync-Version"

// Paths of the central service's API.
const (
	PathEnroll  = "/v1/devices/enroll"
	PathPush    = "/v1/sync/push"
	PathChanges = "/v1/sync/changes"
	PathEvents  = "/v1/sync/events"
	PathChunks  = "/v1/blobs/" // + sha256 + "/missing" (POST) or + sha256 + "/chunks/" + index (PUT, GET)
	PathIntake  = "/v1/intake"
	PathVerify  = "/v1/verify/" // + verification code
	PathHealth  = "/healthz"
	QueryCursor = "cursor"
	QueryLimit  = "limit"
)

// Limits both sides hold to; a decoder given a smaller max refuses earlier.
const (
	DefaultLimit = 500  // changes per page when the client names no limit
	MaxLimit     = 5000 // changes per page at most
	// MaxPageBytes is about the most of the log the server puts into one page; a
	// page ends after the transaction that reaches it (a transaction is never
	// split, so a page is larger when its first transaction is).
	MaxPageBytes = 8 << 20
	MaxPushBatch = 1000 // mutations per push at most
	MaxBodyPush  = 64 << 20
	MaxBodySmall = 1 << 20 // enrollment, chunk lists, intake answers, errors
)

// Sentinel errors; every error from this package wraps one of them.
var (
	ErrVersion     = errors.New("wire: protocol version differs")
	ErrTooLarge    = errors.New("wire: body too large")
	ErrDecode      = errors.New("wire: malformed body")
	ErrMissing     = errors.New("wire: required field missing")
	ErrDevice      = errors.New("wire: mutations from more than one device")
	ErrMutationID  = errors.New("wire: mutation id does not match device and seq")
	ErrSeqOrder    = errors.New("wire: sequence numbers not ascending and contiguous")
	ErrUnknownKind = errors.New("wire: unknown mutation kind")
	ErrTooMany     = errors.New("wire: too many entries")
	ErrCursor      = errors.New("wire: cursor does not match the page")
	ErrChange      = errors.New("wire: inconsistent change")
	ErrStatus      = errors.New("wire: unknown push status")
	ErrChunk       = errors.New("wire: bad chunk description")
	ErrFence       = errors.New("wire: bad incarnation or fence")
)

// CheckVersion compares the HeaderVersion value a peer sent with Version.
func CheckVersion(header string) error {
	v, err := strconv.Atoi(header)
	if err != nil {
		return fmt.Errorf("%w: header %q", ErrVersion, header)
	}
	if v != Version {
		return fmt.Errorf("%w: peer speaks %d, we speak %d", ErrVersion, v, Version)
	}
	return nil
}

// ErrorCode classifies an Error; the client decides retry or give-up by it.
type ErrorCode string

const (
	CodeVersion      ErrorCode = "version"      // HeaderVersion differs; update the desktop
	CodeBadRequest   ErrorCode = "bad_request"  // malformed or invalid body; do not retry unchanged
	CodeTooLarge     ErrorCode = "too_large"    // body over the limit
	CodeUnauthorized ErrorCode = "unauthorized" // token missing, invalid or revoked
	CodeNotFound     ErrorCode = "not_found"    // also for another tenant's ids
	CodeEnrollment   ErrorCode = "enrollment"   // code unknown, used or expired
	CodeUnavailable  ErrorCode = "unavailable"  // transient; retry with backoff
	CodeInternal     ErrorCode = "internal"     // transient from the client's view
	CodeQuota        ErrorCode = "quota"        // the tenant's quota is used up; Reason says which
	CodeRateLimited  ErrorCode = "rate_limited" // too many requests or connections; retry after Retry-After
)

// HTTPStatus is the status a server answers with for the code.
func (c ErrorCode) HTTPStatus() int {
	switch c {
	case CodeVersion, CodeBadRequest:
		return http.StatusBadRequest
	case CodeTooLarge, CodeQuota:
		return http.StatusRequestEntityTooLarge
	case CodeRateLimited:
		return http.StatusTooManyRequests
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeNotFound:
		return http.StatusNotFound
	case CodeEnrollment, CodeSignIn:
		return http.StatusForbidden
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Retryable reports whether the same request may succeed later.
func (c ErrorCode) Retryable() bool {
	return c == CodeUnavailable || c == CodeInternal || c == CodeRateLimited
}

// Error is the body of every non-2xx JSON answer. Message is German and may be shown
// to the clerk; it never holds citizens' data.
type Error struct {
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
	// Reason says, machine-readably, which limit or quota refused the request (for
	// example "body", "decompressed", "storage", "attachment", "intake", "enroll",
	// "streams"); empty when Code says it all.
	Reason string `json:"reason,omitempty"`
	// Version is the server's protocol version, set with CodeVersion.
	Version int `json:"version,omitempty"`
}

func (e *Error) Error() string { return "wire: server: " + string(e.Code) + ": " + e.Message }

// Is makes errors.Is(err, ErrVersion) true for a version refusal.
func (e *Error) Is(target error) bool { return target == ErrVersion && e.Code == CodeVersion }

// VersionError is the body a server sends when CheckVersion fails.
func VersionError() Error {
	return Error{
		Code:    CodeVersion,
		Message: "Diese Version der OZG-Cloud Desktop passt nicht zum Server. Bitte aktualisieren Sie das Programm.",
		Version: Version,
	}
}
