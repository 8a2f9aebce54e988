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
//	"cases:changed"  payload: []CaseChange, the cases the store's change feed named
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

// PrintDecision opens a signed decision in the system's PDF viewer for printing.
func (a *App) PrintDecision(caseID, decisionID string) error {
	return a.printDecision(caseID, decisionID)
}

// PrintCandidates lists the signed decisions a batch printout may contain.
func (a *App) PrintCandidates(q PrintQuery) ([]PrintLetter, error) { return a.printCandidates(q) }

// PrintBatch merges the letters into one PDF, each starting on a front side, and
// opens it for printing.
func (a *App) PrintBatch(letters []PrintLetter) (PrintBatchResult, error) {
	return a.printBatch(letters)
}

// ConfirmPosted records "per Post versandt am" on each case once the clerk confirms
// that the printed letters went out.
func (a *App) ConfirmPosted(letters []PrintLetter) (BulkResult, error) {
	return a.confirmPosted(letters)
}

// --- Decisions: Bescheid erstellen, Unterschreiben, the signing key (issue 3, steps 1 and 2) ---

// DecisionEditor returns what the decision editor needs for a case: templates, the
// case's draft (TemplateID "" when none), the signing key and whether the clerk may
// make a decision now.
func (a *App) DecisionEditor(caseID string) (DecisionEditorState, error) {
	return a.decisionEditor(caseID)
}

// StartDecision makes a new draft from a template for the case (replacing its draft).
func (a *App) StartDecision(caseID, templateID string) (DecisionDraft, error) {
	return a.startDecision(caseID, templateID)
}

// UpdateDecisionDraft keeps the edited draft and renders the letter for the preview;
// a letter that cannot be made yet comes back with Problem set, not as an error.
func (a *App) UpdateDecisionDraft(d DecisionDraft) (DecisionPreview, error) {
	return a.updateDecisionDraft(d)
}

// DiscardDecisionDraft drops the case's draft.
func (a *App) DiscardDecisionDraft(caseID string) error { return a.discardDecisionDraft(caseID) }

// SignDecision signs the draft with the office's key, opened with secret (password
// or PIN, never stored), stores the signed PDF and records the decision.
func (a *App) SignDecision(d DecisionDraft, secret string) (SignResult, error) {
	return a.signDecision(d, secret)
}

// SigningKey says which key the office signs with.
func (a *App) SigningKey() (SigningKeyView, error) { return a.signingKey() }

// ChooseSigningKeyFile asks for a PKCS#12 file and makes it the office's key
// (Administration only).
func (a *App) ChooseSigningKeyFile() (SigningKeyView, error) { return a.chooseSigningKeyFile() }

// SaveSigningKey stores the kind of key, the token and the timestamp service
// (Administration only).
func (a *App) SaveSigningKey(in SigningKeyInput) (SigningKeyView, error) {
	return a.saveSigningKey(in)
}

// TestSigningKey opens the key with secret and describes its certificate.
func (a *App) TestSigningKey(secret string) (SigningKeyView, error) {
	return a.testSigningKey(secret)
}

// --- E-Mail-Eingang: mailbox settings, "Verbindung testen", intake status (issue 5) ---

// MailSettings returns the mailbox the intake watches; the password only as
// PasswordSet (Administration only).
func (a *App) MailSettings() (MailSettingsView, error) { return a.mailSettings() }

// SaveMailSettings checks and stores the mailbox (German field errors) and restarts
// the intake with it; an empty password keeps the stored one (Administration only).
func (a *App) SaveMailSettings(in MailSettingsInput) (MailSettingsView, error) {
	return a.saveMailSettings(in)
}

// ClearMailSettings removes the mailbox and stops the intake (Administration only).
func (a *App) ClearMailSettings() (MailSettingsView, error) { return a.clearMailSettings() }

// ChooseMailCAFile asks for the CA certificate file (PEM) of the mail server and
// returns its path, "" when cancelled (Administration only).
func (a *App) ChooseMailCAFile() (string, error) { return a.chooseMailCAFile() }

// TestMailConnection tries the entered mailbox settings without saving them and
// says in German what works and what does not (Administration only).
func (a *App) TestMailConnection(in MailSettingsInput) (MailCheckView, error) {
	return a.testMailConnection(in)
}

// MailStatus returns the intake for the status bar.
func (a *App) MailStatus() (MailStatusView, error) { return a.mailStatus() }

// MailFailures lists the mails that could not be imported, with the reason.
func (a *App) MailFailures() ([]MailFailureView, error) { return a.mailFailures() }

// RetryMail tries the failed mail with that UID again now.
func (a *App) RetryMail(uid uint32) ([]MailFailureView, error) {
	if uid == 0 {
		return nil, &Error{Code: CodeInvalid, Message: "Keine E-Mail angegeben."}
	}
	return a.retryMail(uid)
}

// RetryAllMail tries every failed mail again now (and reconnects to the mailbox).
func (a *App) RetryAllMail() ([]MailFailureView, error) { return a.retryMail(0) }

// EventMailStatus ("mail:status", payload MailStatusView) is emitted whenever the
// intake's state changes; new cases also emit "cases:changed".

// --- Sync with the OZG-Cloud: connect, status, conflicts, rejected changes (issue 4) ---

// SyncStatus returns the sync state for the status bar.
func (a *App) SyncStatus() (SyncStatusView, error) { return a.syncStatus() }

// SyncNow starts a sync round at once ("Jetzt synchronisieren"), even while waiting
// after a failure; it returns at once, the status follows as "sync:status".
func (a *App) SyncNow() (SyncStatusView, error) { return a.syncNow() }

// ProbeSyncServer connects to the server (step one of "Mit OZG-Cloud verbinden") and
// returns its certificate's fingerprint to confirm; nothing is sent (Administration
// only).
func (a *App) ProbeSyncServer(server string) (SyncProbe, error) { return a.probeSync(server) }

// ChooseSyncCAFile asks for the CA certificate (PEM) that vouches for the server and
// returns its path, "" when cancelled (Administration only).
func (a *App) ChooseSyncCAFile() (string, error) { return a.chooseSyncCAFile() }

// ConnectSync enrolls this PC with the enrollment code, pinning the confirmed
// fingerprint or trusting the CA file, fetches the tenant's clerks and starts the
// sync (Administration only).
func (a *App) ConnectSync(in SyncConnectInput) (SyncStatusView, error) { return a.connectSync(in) }

// SyncConflicts lists the open conflicts, of one case when caseID is not "".
func (a *App) SyncConflicts(caseID string) ([]ConflictView, error) { return a.syncConflicts(caseID) }

// ResolveConflict keeps the OZG-Cloud's value, this side's, or a merged one; the
// resolution travels to the server and to the other PCs like any change.
func (a *App) ResolveConflict(in ResolveConflictInput) (CaseDetail, error) {
	return a.resolveConflict(in)
}

// RejectedChanges lists the changes the OZG-Cloud refused, with its reason.
func (a *App) RejectedChanges() ([]RejectedView, error) { return a.rejectedChanges() }

// DismissRejected removes a refused change from the list once it was read.
func (a *App) DismissRejected(seq uint64) ([]RejectedView, error) { return a.dismissRejected(seq) }

// SyncOrgUnits lists the tenant's org units from the OZG-Cloud (empty before the
// first sync).
func (a *App) SyncOrgUnits() ([]Option, error) { return a.orgUnits() }

// Forward performs weiterleiten to orgUnit, one of SyncOrgUnits, with a reason.
func (a *App) Forward(id, orgUnit, reason string) (CaseDetail, error) {
	return a.forward(id, orgUnit, reason)
}
