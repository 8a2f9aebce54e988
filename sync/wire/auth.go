package wire

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Sign-in of clerks (issue 10). A desktop signs a clerk in against the central
// service while it is online; the service checks the password against the verifier it
// keeps and answers with a grant ("user U may act on device D until T", an
// identity.Grant token signed with the service's Ed25519 key). The desktop keeps the
// grant and a local verifier, so the same clerk can sign in on that PC offline until
// T. The service records every grant it hands out, so it never has to believe a
// device about which clerks signed in there: a pushed mutation is applied only when
// the service issued the device a grant for the mutation's user that covers the
// mutation's time and is not revoked, and the user's role in the service's registry
// allows the action.
//
// All three requests carry the device's bearer token, like every other request but
// enrollment; the tenant comes from the token. A refusal is an Error with CodeSignIn
// (status 403), one of the Reason values below and a German Message for the clerk;
// too many failed attempts from one device or for one user are CodeRateLimited (429)
// with Retry-After.
const (
	// PathSignIn (POST SignInRequest) answers SignInResponse, or an Error with
	// CodeSignIn and the Reason ReasonPassword, ReasonLocked (Retry-After says how
	// long), ReasonDeactivated or ReasonNoPassword.
	PathSignIn = "/v1/auth/signin"
	// PathActivate (POST ActivateRequest) sets a clerk's password with a one-time
	// invitation code (first use, or a reset by the administration) and signs the
	// clerk in: it answers SignInResponse, or an Error with CodeSignIn and the Reason
	// ReasonInvitation, ReasonWeakPassword (Message says why, in German) or
	// ReasonDeactivated.
	PathActivate = "/v1/auth/activate"
	// PathAbsences (POST AbsenceRequest) records, changes or removes an absence
	// (Vertretung) and answers the Absence as stored (for a removal, as it was). The
	// service accepts it when the device holds a grant for By and By is the absent
	// clerk or has the Leitung role; else an Error with CodeSignIn and the Reason
	// ReasonNotSignedIn, ReasonForbidden or ReasonAbsence (Message says what is
	// wrong with it). The tenant's absences come down in DirectoryResponse.Absences.
	PathAbsences = "/v1/absences"
)

// MaxBodyAuth bounds the three request bodies above and their answers.
const MaxBodyAuth = 4 << 10

// CodeSignIn refuses a sign-in, an activation or an absence; Reason says why.
const CodeSignIn ErrorCode = "sign_in"

// Reasons of a CodeSignIn refusal.
const (
	ReasonPassword     = "password"      // wrong user name or password, never saying which
	ReasonLocked       = "locked"        // too many wrong passwords; Retry-After
	ReasonDeactivated  = "deactivated"   // the administration deactivated the user
	ReasonNoPassword   = "no_password"   // no password set yet: use an invitation code
	ReasonInvitation   = "invitation"    // invitation code malformed, unknown, used or expired
	ReasonWeakPassword = "weak_password" // the new password breaks the password rules
	ReasonNotSignedIn  = "not_signed_in" // By holds no grant on this device
	ReasonForbidden    = "forbidden"     // By may not record this absence
	ReasonAbsence      = "absence"       // the absence is incomplete or overlaps another
)

// Bounds of the fields; passwords are bounded in bytes here (the password rules
// count characters, at most 256 of up to 4 bytes each).
const (
	maxUserField = 200
	maxPassword  = 1024
	maxCode      = 64
	maxGrant     = 2048
)

// SignInRequest names a clerk by user ID or by name (as typed on the sign-in
// screen; the service matches names case-insensitively within the tenant).
type SignInRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// ActivateRequest sets the password of the clerk an invitation code was made for.
type ActivateRequest struct {
	Code     string `json:"code"`
	Password string `json:"password"`
}

// SignInResponse is the signed-in clerk and their grant for this device. Expires is
// the grant's end (also inside the token), for the desktop's messages.
type SignInResponse struct {
	User    DirectoryUser `json:"user"`
	Grant   string        `json:"grant"`
	Expires time.Time     `json:"expires"`
}

// Absence is a clerk's absence with a substitute (Vertretung). From and To are civil
// dates (YYYY-MM-DD, Europe/Berlin), both included. A desktop may choose the ID of a
// new absence (so a repeated request records it once) or leave it empty for the
// service to choose.
type Absence struct {
	ID         string `json:"id"`
	Absent     string `json:"absent"`
	Substitute string `json:"substitute"`
	From       string `json:"from"`
	To         string `json:"to"`
}

// AbsenceRequest records (or, with Delete, removes) an absence in the name of the
// signed-in clerk By. A removal needs only the ID.
type AbsenceRequest struct {
	Absence Absence `json:"absence"`
	Delete  bool    `json:"delete,omitempty"`
	By      string  `json:"by"`
}

// checkField refuses an empty field, one over max bytes, and text that is not UTF-8
// or holds control characters.
func checkField(name, v string, max int) error {
	switch {
	case v == "":
		return fmt.Errorf("%w: %s", ErrMissing, name)
	case len(v) > max:
		return fmt.Errorf("%w: %s over %d bytes", ErrDecode, name, max)
	case !utf8.ValidString(v) || strings.ContainsFunc(v, isControl):
		return fmt.Errorf("%w: %s is not printable text", ErrDecode, name)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// Validate checks that the request names a user and carries a password.
func (r SignInRequest) Validate() error {
	if err := checkField("user", r.User, maxUserField); err != nil {
		return err
	}
	return checkPassword(r.Password)
}

// checkPassword refuses an empty password and one over maxPassword bytes; a password
// may hold any character, so it is checked for UTF-8 only.
func checkPassword(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("%w: password", ErrMissing)
	case len(p) > maxPassword:
		return fmt.Errorf("%w: password over %d bytes", ErrDecode, maxPassword)
	case !utf8.ValidString(p):
		return fmt.Errorf("%w: password is not UTF-8", ErrDecode)
	}
	return nil
}

// Validate checks that the request carries a code and a password.
func (r ActivateRequest) Validate() error {
	if err := checkField("code", r.Code, maxCode); err != nil {
		return err
	}
	return checkPassword(r.Password)
}

// Validate checks the signed-in clerk, the grant's presence and size and its end.
func (r SignInResponse) Validate() error {
	if err := r.User.validate("user"); err != nil {
		return err
	}
	if err := checkField("grant", r.Grant, maxGrant); err != nil {
		return err
	}
	if r.Expires.IsZero() {
		return fmt.Errorf("%w: expires", ErrMissing)
	}
	return nil
}

// ParseDate reads a civil date of an Absence (YYYY-MM-DD) as midnight UTC, the way
// model.Day writes dates.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Format(time.DateOnly) != s {
		return time.Time{}, fmt.Errorf("%w: a date is not YYYY-MM-DD", ErrDecode)
	}
	return d, nil
}

// Validate checks an absence as recorded: an ID, both clerks and two dates, To not
// before From. Whether the clerks exist, differ and may be named is the service's
// to judge.
func (a Absence) Validate() error {
	if err := a.validateRequest(false); err != nil {
		return err
	}
	return checkField("id", a.ID, maxUserField)
}

// validateRequest checks an absence of a request: with remove only the ID matters;
// else the ID may be empty (the service chooses one).
func (a Absence) validateRequest(remove bool) error {
	if remove || a.ID != "" {
		if err := checkField("absence.id", a.ID, maxUserField); err != nil {
			return err
		}
	}
	if remove {
		return nil
	}
	for _, f := range [][2]string{{"absence.absent", a.Absent}, {"absence.substitute", a.Substitute}} {
		if err := checkField(f[0], f[1], maxUserField); err != nil {
			return err
		}
	}
	from, err := ParseDate(a.From)
	if err != nil {
		return fmt.Errorf("absence.from: %w", err)
	}
	to, err := ParseDate(a.To)
	if err != nil {
		return fmt.Errorf("absence.to: %w", err)
	}
	if to.Before(from) {
		return fmt.Errorf("%w: absence ends before it begins", ErrDecode)
	}
	return nil
}

// Validate checks the clerk in whose name the request is made and the absence.
func (r AbsenceRequest) Validate() error {
	if err := checkField("by", r.By, maxUserField); err != nil {
		return err
	}
	return r.Absence.validateRequest(r.Delete)
}

// GrantKeyBytes decodes a GrantKey (standard base64 of an Ed25519 public key, 32
// bytes).
func GrantKeyBytes(s string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("%w: grant key is not an Ed25519 public key in base64", ErrDecode)
	}
	return b, nil
}

// DecodeSignIn reads and validates a sign-in request of at most max bytes.
func DecodeSignIn(r io.Reader, max int64) (SignInRequest, error) {
	return decodeValid[SignInRequest](r, max, "sign-in request")
}

// DecodeActivate reads and validates an activation request of at most max bytes.
func DecodeActivate(r io.Reader, max int64) (ActivateRequest, error) {
	return decodeValid[ActivateRequest](r, max, "activation request")
}

// DecodeAbsenceRequest reads and validates an absence request of at most max bytes.
func DecodeAbsenceRequest(r io.Reader, max int64) (AbsenceRequest, error) {
	return decodeValid[AbsenceRequest](r, max, "absence request")
}

// DecodeSignInResponse reads and validates the answer to a sign-in or an activation
// of at most max bytes.
func DecodeSignInResponse(r io.Reader, max int64) (SignInResponse, error) {
	return decodeValid[SignInResponse](r, max, "sign-in response")
}

// DecodeAbsence reads and validates the answer to an absence request of at most max
// bytes.
func DecodeAbsence(r io.Reader, max int64) (Absence, error) {
	return decodeValid[Absence](r, max, "absence")
}
