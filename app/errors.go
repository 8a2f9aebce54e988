package app

import (
	"encoding/json"
	"errors"
	"path/filepath"

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
		return "OZG-Cloud Desktop läuft bereits. Bitte verwenden Sie das bereits geöffnete Fenster. (Datenordner: " + dir + ")"
	case errors.Is(err, store.ErrCorrupt):
		return "Die Datenbank in " + filepath.Join(dir, store.FileName) + " ist beschädigt und kann nicht gelesen werden. Sie wurde nicht verändert. Bitte wenden Sie sich an die Administration, um sie aus der Sicherung wiederherzustellen."
	case errors.Is(err, store.ErrSchemaTooNew):
		return "Die Daten in " + dir + " stammen von einer neueren Version von OZG-Cloud Desktop. Bitte installieren Sie die aktuelle Version."
	}
	return "OZG-Cloud Desktop konnte seine Daten in " + dir + " nicht öffnen: " + err.Error()
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
		return &Error{Code: CodeInvalid, Message: "Bitte prüfen Sie die markierten Angaben.", Fields: ve.Fields}
	case errors.Is(err, model.ErrRoleNotPermitted):
		return &Error{Code: CodeNotAllowed, Message: "Diese Aktion ist Ihrer Rolle nicht erlaubt."}
	case errors.Is(err, model.ErrNeedsDecision):
		return &Error{Code: CodeNotAllowed, Message: "Der Vorgang kann erst beschieden werden, wenn ein unterschriebener Bescheid vorliegt."}
	case errors.Is(err, model.ErrNotAllowedNow), errors.Is(err, model.ErrUnknownAction):
		return &Error{Code: CodeNotAllowed, Message: "Diese Aktion ist im aktuellen Status des Vorgangs nicht möglich. Es wurde nichts geändert."}
	case errors.Is(err, store.ErrNotFound), errors.Is(err, model.ErrNotFound):
		return &Error{Code: CodeNotFound, Message: "Der Vorgang oder Eintrag wurde nicht gefunden."}
	case errors.Is(err, store.ErrTooLarge):
		return &Error{Code: CodeTooLarge, Message: "Die Datei ist zu groß. Es wurde nichts gespeichert."}
	}
	return &Error{Code: CodeStore, Message: "Die Änderung konnte nicht gespeichert werden; es wurde nichts geändert. (" + err.Error() + ")"}
}
