package wire

import "time"

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
// enrollment; the tenant comes from the token.
const (
	// PathSignIn (POST SignInRequest) answers SignInResponse, or an Error with
	// CodeSignIn and a Reason: "password" (wrong user name or password, never saying
	// which), "locked" (too many wrong passwords; Retry-After says how long),
	// "deactivated", "no_password" (the user has not set a password yet: use an
	// invitation code).
	PathSignIn = "/v1/auth/signin"
	// PathActivate (POST ActivateRequest) sets a clerk's password with a one-time
	// invitation code (first use, or a reset by the administration) and signs the
	// clerk in: it answers SignInResponse, or an Error with CodeSignIn and the Reason
	// "invitation" (unknown, used or expired code) or "weak_password" (Message says
	// why, in German).
	PathActivate = "/v1/auth/activate"
	// PathAbsences (POST AbsenceRequest) records, changes or removes an absence
	// (Vertretung). The service accepts it when the device holds a grant for By and By
	// is the absent clerk or has the Leitung role; the tenant's absences come down in
	// DirectoryResponse.Absences.
	PathAbsences = "/v1/absences"
)

// MaxBodyAuth bounds the three request bodies above.
const MaxBodyAuth = 4 << 10

// CodeSignIn refuses a sign-in, an activation or an absence; Reason says why.
const CodeSignIn ErrorCode = "sign_in"

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
// dates (YYYY-MM-DD, Europe/Berlin), both included.
type Absence struct {
	ID         string `json:"id"`
	Absent     string `json:"absent"`
	Substitute string `json:"substitute"`
	From       string `json:"from"`
	To         string `json:"to"`
}

// AbsenceRequest records (or, with Delete, removes) an absence in the name of the
// signed-in clerk By.
type AbsenceRequest struct {
	Absence Absence `json:"absence"`
	Delete  bool    `json:"delete,omitempty"`
	By      string  `json:"by"`
}
