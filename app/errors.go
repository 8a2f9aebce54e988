package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/ozgcloud/desktop/datadir"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Error codes the UI can act on.
const (
	CodeNotAllowed = "NOT_ALLOWED" // transition not allowed now, or role not permitted
	CodeInvalid    = "INVALID"     // input failed validation; Fields says where
	CodeNotFound   = "NOT_FOUND"
	CodeTooLarge   = "TOO_LARGE"
	CodeUnreadable = "UNREADABLE"
	CodeStore      = "STORE" // the store could not be written; nothing was saved
	CodeFatal      = "FATAL"
	// CodeNotSignedIn and CodeLocked refuse everything but the sign-in and lock
	// screens' methods: the UI shows those screens then.
	CodeNotSignedIn = "NOT_SIGNED_IN"
	CodeLocked      = "LOCKED"
	CodeSignIn      = "SIGN_IN" // a sign-in, activation or unlock failed; Message says why
	// CodeQuarantine: the file does not open: the virus scanner found something, its
	// scan failed ("nicht geprüft") or is still to come; Message says which.
	CodeQuarantine = "QUARANTINE"
)

// Error is what a bound method returns for the UI. Wails rejects the promise with
// Error(), which is JSON, so the UI can show Message and mark Fields.
type Error struct {
	Code    string            `json:"code"`
	Message string            `json:"message"` // German, for the clerk
	Fields  map[string]string `json:"fields,omitempty"`
}

func (e *Error) Error() string {
	b, _ := json.Marshal(e)
	return string(b)
}

// fatalMessage says in German why the store could not be opened, and where it is.
func fatalMessage(err error, dir string) string {
	switch {
	case errors.Is(err, store.ErrLocked):
		return fmt.Sprintf(msgFatalLocked, dir)
	case errors.Is(err, store.ErrCorrupt):
		return fmt.Sprintf(msgFatalCorrupt, filepath.Join(dir, store.FileName))
	case errors.Is(err, store.ErrSchemaTooNew):
		return fmt.Sprintf(msgFatalTooNew, dir)
	case errors.Is(err, datadir.ErrLink):
		return fmt.Sprintf(msgFatalDirLink, dir)
	case errors.Is(err, datadir.ErrNotDir):
		return fmt.Sprintf(msgFatalDirNotDir, dir)
	case errors.Is(err, datadir.ErrForeignOwner):
		return fmt.Sprintf(msgFatalDirForeign, dir)
	}
	return fmt.Sprintf(msgFatalOther, dir, err)
}

// toError maps a store or model error to what the clerk reads. Errors that are
// already *Error pass through.
func toError(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve):
		return &Error{Code: CodeInvalid, Message: msgCheckFields, Fields: ve.Fields}
	case errors.Is(err, model.ErrRoleNotPermitted):
		return &Error{Code: CodeNotAllowed, Message: msgRoleNotPermitted}
	case errors.Is(err, model.ErrNeedsDecision):
		return &Error{Code: CodeNotAllowed, Message: msgNeedsDecision}
	case errors.Is(err, model.ErrNotAllowedNow), errors.Is(err, model.ErrUnknownAction):
		return &Error{Code: CodeNotAllowed, Message: msgNotAllowedNow}
	case errors.Is(err, store.ErrNotFound), errors.Is(err, model.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: msgNotFound}
	case errors.Is(err, store.ErrTooLarge):
		return &Error{Code: CodeTooLarge, Message: msgFileTooLarge}
	case errors.Is(err, store.ErrNotAccepted):
		return &Error{Code: CodeNotAllowed, Message: msgNotAccepted}
	case errors.Is(err, store.ErrPending):
		return &Error{Code: CodeNotAllowed, Message: msgNotAcceptedPending}
	}
	return &Error{Code: CodeStore, Message: fmt.Sprintf(msgStoreFailed, err)}
}
