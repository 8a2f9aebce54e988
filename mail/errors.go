package mail

import (
	"errors"
	"strings"
)

// Sentinel errors; every error of Dial and of Conn's methods wraps one of them in an
// *Error that says which case it is (Reason) and what it is about, so that the app
// can say it in German.
var (
	ErrUnreachable = errors.New("mail: server unreachable")
	ErrCertificate = errors.New("mail: server certificate not trusted")
	ErrLogin       = errors.New("mail: login failed")
	ErrFolder      = errors.New("mail: folder unusable")
	ErrCapability  = errors.New("mail: server lacks a needed capability")
	ErrTimeout     = errors.New("mail: server did not answer in time")
	ErrConfig      = errors.New("mail: configuration invalid")
	ErrProtocol    = errors.New("mail: server command failed")
	ErrCommit      = errors.New("mail: mail not stored as a case")
	ErrTooLarge    = errors.New("mail: message larger than the limit")
	ErrTempFile    = errors.New("mail: temporary file not written")
)

// Reason says which case of its Kind an *Error is.
type Reason string

// Reasons of an *Error, with its Kind and what Subject names.
const (
	ReasonPlainRemote  Reason = "plain-remote"       // ErrConfig: no TLS to a server not on this PC
	ReasonCAUnreadable Reason = "ca-unreadable"      // ErrConfig; Subject: the CA file
	ReasonCANoPEM      Reason = "ca-no-pem"          // ErrConfig; Subject: the CA file
	ReasonDial         Reason = "dial"               // ErrUnreachable; Subject: host:port
	ReasonNoStartTLS   Reason = "no-starttls"        // ErrUnreachable; Subject: host:port
	ReasonNotIMAP      Reason = "not-imap"           // ErrUnreachable; Subject: host:port
	ReasonNoTLS        Reason = "no-tls"             // ErrUnreachable; Subject: host:port
	ReasonCertificate  Reason = "certificate"        // ErrCertificate; Subject: host:port
	ReasonLogin        Reason = "login"              // ErrLogin; Subject: the user
	ReasonNoFolder     Reason = "no-folder"          // ErrFolder; Subject: the folder
	ReasonNewValidity  Reason = "new-uidvalidity"    // ErrFolder; Subject: the folder
	ReasonCreateFolder Reason = "create-folder"      // ErrFolder; Subject: the folder
	ReasonNoMoveMark   Reason = "no-move-no-keyword" // ErrCapability; Subject: the keyword
	ReasonMoveGone     Reason = "move-gone"          // ErrCapability
	ReasonTooLarge     Reason = "too-large"          // ErrTooLarge; Size and Limit
	ReasonTempFile     Reason = "temp-file"          // ErrTempFile
	ReasonRefused      Reason = "refused"            // ErrProtocol; Subject: the IMAP command (FETCH ...)
	ReasonTimeout      Reason = "timeout"            // ErrTimeout
	ReasonCommit       Reason = "commit"             // ErrCommit
)

// Error is a mailbox error: its kind, its case and what it is about. It never holds
// the password.
type Error struct {
	Kind        error // one of the sentinels above
	Reason      Reason
	Subject     string // what the Reason names: a server, user, folder, file or command
	Size, Limit int64  // ReasonTooLarge: the mail's size and the limit, in bytes
	Err         error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Kind.Error() + ": " + e.Err.Error()
	}
	return e.Kind.Error()
}

func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

// fail makes the *Error of kind and reason about subject, caused by err.
func fail(kind error, reason Reason, subject string, err error) *Error {
	return &Error{Kind: kind, Reason: reason, Subject: subject, Err: err}
}

func timeoutError(err error) error {
	return fail(ErrTimeout, ReasonTimeout, "", err)
}

func tempError(err error) error {
	return fail(ErrTempFile, ReasonTempFile, "", err)
}

// scrub removes the password from a server's error text, in case the server echoes
// the command.
func scrub(err error, password string) error {
	if err == nil || password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), password, "***"))
}
