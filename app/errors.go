package app

import (
	"encoding/json"
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
