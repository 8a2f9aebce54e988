package app

import "net/http"

// Temporary: bodies of the API until the store lands. Removed when app.go is written.

var errTODO = &Error{Code: CodeFatal, Message: "Noch nicht verfügbar."}

// App is the API bound to the UI.
type App struct{}

func (a *App) session() (Session, error)                        { return Session{}, errTODO }
func (a *App) switchClerk(string) (Session, error)              { return Session{}, errTODO }
func (a *App) listCases(ListQuery) (ListPage, error)            { return ListPage{}, errTODO }
func (a *App) counts() (Counts, error)                          { return Counts{}, errTODO }
func (a *App) getCase(string) (CaseDetail, error)               { return CaseDetail{}, errTODO }
func (a *App) transition(_, _, _ string) (CaseDetail, error)    { return CaseDetail{}, errTODO }
func (a *App) assign(_, _ string) (CaseDetail, error)           { return CaseDetail{}, errTODO }
func (a *App) addComment(_, _ string) (CaseDetail, error)       { return CaseDetail{}, errTODO }
func (a *App) addFollowUp(_, _, _ string) (CaseDetail, error)   { return CaseDetail{}, errTODO }
func (a *App) completeFollowUp(_, _ string) (CaseDetail, error) { return CaseDetail{}, errTODO }
func (a *App) sendMessage(_, _, _ string) (CaseDetail, error)   { return CaseDetail{}, errTODO }
func (a *App) addAttachmentsFromDialog(string) (CaseDetail, error) {
	return CaseDetail{}, errTODO
}
func (a *App) addAttachmentFromPath(_, _ string) (CaseDetail, error) { return CaseDetail{}, errTODO }
func (a *App) addAttachmentData(_, _, _, _ string) (CaseDetail, error) {
	return CaseDetail{}, errTODO
}
func (a *App) openAttachment(_, _ string) error                    { return errTODO }
func (a *App) verifyHistory(string) (VerifyResult, error)          { return VerifyResult{}, errTODO }
func (a *App) createCase(NewCaseInput) (CaseDetail, error)         { return CaseDetail{}, errTODO }
func (a *App) bulkAssign([]string, string) (BulkResult, error)     { return BulkResult{}, errTODO }
func (a *App) bulkTransition([]string, string) (BulkResult, error) { return BulkResult{}, errTODO }
func (a *App) dueFollowUps() ([]DueFollowUp, error)                { return nil, errTODO }

// Config is what main passes in from flags.
type Config struct {
	DataDir           string
	DemoCases         int
	DemoSeed          int64
	Device            string
	MaxAttachmentSize int64
}

// Runtime is what the app needs of the desktop window.
type Runtime interface {
	Emit(event string, data ...any)
	OpenFiles(title string) ([]string, error)
}

// New opens the store (stub).
func New(Config) *App { return &App{} }

// Start attaches the runtime (stub).
func Start(*App, Runtime) {}

// Stop closes the store (stub).
func Stop(*App) {}

// FileHandler serves attachments (stub).
func FileHandler(*App) http.Handler { return http.NotFoundHandler() }
