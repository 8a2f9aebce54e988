package app

// The methods below are the API the UI calls (bound by Wails). Each returns a German
// *Error on failure. This file is the contract; see types.go for the shapes.

// Session returns who works here and the lists the UI needs.
func (a *App) Session() (Session, error) { return a.session() }

// SwitchClerk makes another clerk the current one (demo stores only).
func (a *App) SwitchClerk(clerkID string) (Session, error) { return a.switchClerk(clerkID) }

// ListCases returns one page of the case list.
func (a *App) ListCases(q ListQuery) (ListPage, error) { return a.listCases(q) }

// Counts returns the numbers beside the quick filters.
func (a *App) Counts() (Counts, error) { return a.counts() }

// GetCase returns a case with everything the detail view shows.
func (a *App) GetCase(id string) (CaseDetail, error) { return a.getCase(id) }

// Transition performs a status action (see model.Transitions); reason is for
// verwerfen and weiterleiten.
func (a *App) Transition(id, action, reason string) (CaseDetail, error) {
	return a.transition(id, action, reason)
}

// Assign gives the case to a clerk; an empty clerkID releases it.
func (a *App) Assign(id, clerkID string) (CaseDetail, error) { return a.assign(id, clerkID) }

// AddComment adds an internal note.
func (a *App) AddComment(id, text string) (CaseDetail, error) { return a.addComment(id, text) }

// AddFollowUp adds a Wiedervorlage on due (YYYY-MM-DD) with a reason.
func (a *App) AddFollowUp(id, due, reason string) (CaseDetail, error) {
	return a.addFollowUp(id, due, reason)
}

// CompleteFollowUp marks a Wiedervorlage done.
func (a *App) CompleteFollowUp(id, followUpID string) (CaseDetail, error) {
	return a.completeFollowUp(id, followUpID)
}

// SendMessage queues a message to the applicant; sync delivers it.
func (a *App) SendMessage(id, subject, body string) (CaseDetail, error) {
	return a.sendMessage(id, subject, body)
}

// AddAttachmentsFromDialog opens the OS file dialog and adds the chosen files.
func (a *App) AddAttachmentsFromDialog(id string) (CaseDetail, error) {
	return a.addAttachmentsFromDialog(id)
}

// AddAttachmentFromPath adds a file from disk (drag and drop in the desktop window).
func (a *App) AddAttachmentFromPath(id, path string) (CaseDetail, error) {
	return a.addAttachmentFromPath(id, path)
}

// AddAttachmentData adds a file whose content the UI read (drag and drop in a
// browser); data is base64.
func (a *App) AddAttachmentData(id, name, mediaType, data string) (CaseDetail, error) {
	return a.addAttachmentData(id, name, mediaType, data)
}

// OpenAttachment opens an attachment in the OS viewer.
func (a *App) OpenAttachment(id, attachmentID string) error {
	return a.openAttachment(id, attachmentID)
}

// VerifyHistory checks the case's history chain.
func (a *App) VerifyHistory(id string) (VerifyResult, error) { return a.verifyHistory(id) }

// CreateCase enters an application that came by post or at the counter.
func (a *App) CreateCase(in NewCaseInput) (CaseDetail, error) { return a.createCase(in) }

// BulkAssign assigns every case in ids to clerkID.
func (a *App) BulkAssign(ids []string, clerkID string) (BulkResult, error) {
	return a.bulkAssign(ids, clerkID)
}

// BulkTransition performs action on every case in ids where it is allowed.
func (a *App) BulkTransition(ids []string, action string) (BulkResult, error) {
	return a.bulkTransition(ids, action)
}

// DueFollowUps lists the open follow-ups due today or earlier, the current clerk's
// cases first.
func (a *App) DueFollowUps() ([]DueFollowUp, error) { return a.dueFollowUps() }

// Events the app emits to the UI (through the Runtime adapter):
//
//	"cases:changed"  payload: []string of case IDs written (a refresh hint)
//	"followup:due"   payload: []DueFollowUp that fell due while the app runs
const (
	EventCasesChanged = "cases:changed"
	EventFollowUpDue  = "followup:due"
)

// --- Letter settings and printing (issue 3, steps 3 and 5) ---

// LetterSettings returns the letterhead, templates and remedies letters are made
// from (administration only).
func (a *App) LetterSettings() (LetterSettings, error) { return a.letterSettings() }

// SaveLetterhead checks and saves the letterhead; field errors name what is wrong.
func (a *App) SaveLetterhead(f LetterheadForm) (LetterSettings, error) { return a.saveLetterhead(f) }

// ChooseLetterLogo asks for a PNG file and returns it as base64 ("" when cancelled);
// it is saved with the letterhead.
func (a *App) ChooseLetterLogo() (string, error) { return a.chooseLetterLogo() }

// SaveLetterTemplate saves a template's name and text blocks after filling it for a
// sample case; a placeholder without a value is a field error.
func (a *App) SaveLetterTemplate(f TemplateForm) (LetterSettings, error) {
	return a.saveLetterTemplate(f)
}

// ResetLetterTemplate puts the shipped version of a template back.
func (a *App) ResetLetterTemplate(id string) (LetterSettings, error) {
	return a.resetLetterTemplate(id)
}

// SaveLetterRemedy saves the legal remedy of one case type.
func (a *App) SaveLetterRemedy(f RemedyForm) (LetterSettings, error) { return a.saveLetterRemedy(f) }

// ResetLetterRemedy puts the default remedy (Widerspruch at the authority) back.
func (a *App) ResetLetterRemedy(caseType string) (LetterSettings, error) {
	return a.resetLetterRemedy(caseType)
}

// PreviewLetter renders a sample letter from the given, unsaved configuration.
func (a *App) PreviewLetter(in LetterPreviewInput) (LetterPreview, error) {
	return a.previewLetter(in)
}
