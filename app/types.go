package app

// Types exchanged with the UI. Dates are "YYYY-MM-DD" strings, times RFC 3339 strings,
// so the TypeScript side needs no date parsing rules of Go's.

// Option is a value with its German label (statuses, case types, roles, channels).
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// ClerkView is a clerk as the UI shows it.
type ClerkView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	RoleLabel string `json:"roleLabel"`
}

// Session says who works here and what the UI may offer. Fatal is set when the store
// could not be opened (a second instance, a corrupt file); the UI then shows only it.
// Before a clerk signed in, and while the window is locked, it holds what the sign-in
// and lock screens need and nothing of the cases.
type Session struct {
	Fatal        string    `json:"fatal"`
	Municipality string    `json:"municipality"`
	Device       string    `json:"device"`
	DataDir      string    `json:"dataDir"`
	Clerk        ClerkView `json:"clerk"` // who is signed in; empty ID when nobody
	// Clerks are all clerks of this PC, for assigning cases (empty until sign-in).
	Clerks []ClerkView `json:"clerks"`
	// SignInClerks are the clerks who may sign in on this PC, for the sign-in list.
	SignInClerks []ClerkView `json:"signInClerks"`
	// Demo: a demo store; DemoPassword is the demo clerks' password, shown on the
	// sign-in screen of a demo store only.
	Demo         bool   `json:"demo"`
	DemoPassword string `json:"demoPassword"`
	// Connected: the PC is connected to the OZG-Cloud, which manages its users.
	Connected bool `json:"connected"`
	// SignedIn: a clerk is signed in; Locked: the window is locked (LockReason says
	// why, in German) and only their password unlocks it.
	SignedIn   bool   `json:"signedIn"`
	Locked     bool   `json:"locked"`
	LockReason string `json:"lockReason"`
	// Offline: signed in without the OZG-Cloud, with the grant this PC keeps, valid
	// until GrantExpires (German date and time; "" on a PC not connected).
	Offline      bool   `json:"offline"`
	GrantExpires string `json:"grantExpires"`
	// Notice says why the PC signed the last clerk out (German), for the sign-in
	// screen.
	Notice string `json:"notice"`
	// IdleLockSeconds is the time without input after which the window locks.
	IdleLockSeconds int `json:"idleLockSeconds"`
	// StandsInFor are the absent clerks whom the clerk stands in for today
	// (Vertretung): their cases are in "Meine Vorgänge".
	StandsInFor []ClerkView `json:"standsInFor"`
	// NeedsSetup: no clerk is known on this PC yet; the UI asks to connect it to the
	// OZG-Cloud, which names the clerks, or to make its first administrator.
	NeedsSetup bool     `json:"needsSetup"`
	CaseTypes  []Option `json:"caseTypes"`
	Statuses   []Option `json:"statuses"`
	Channels   []Option `json:"channels"`
	Today      string   `json:"today"`
	// MaxAttachmentBytes is the configured attachment size limit.
	MaxAttachmentBytes int64 `json:"maxAttachmentBytes"`
	// MayAssignOthers: the clerk may hand any case to someone else (leadership);
	// others may only take cases or pass on their own.
	MayAssignOthers bool `json:"mayAssignOthers"`
}

// ListQuery asks for one page of the case list.
type ListQuery struct {
	Search   string   `json:"search"`
	Statuses []string `json:"statuses"`
	// Quick filters, combined with AND: "mine", "unassigned", "overdue", "followup".
	Filters []string `json:"filters"`
	// Sort: "fileNumber", "applicant", "type", "received", "status", "assignee", "deadline".
	Sort   string `json:"sort"`
	Desc   bool   `json:"desc"`
	Offset int    `json:"offset"`
	Limit  int    `json:"limit"`
}

// CaseRow is one line of the case list.
type CaseRow struct {
	ID           string `json:"id"`
	FileNumber   string `json:"fileNumber"`
	Applicant    string `json:"applicant"`
	Type         string `json:"type"`
	TypeLabel    string `json:"typeLabel"`
	Received     string `json:"received"`
	Status       string `json:"status"`
	StatusLabel  string `json:"statusLabel"`
	Assignee     string `json:"assignee"`
	AssigneeName string `json:"assigneeName"`
	Deadline     string `json:"deadline"`
	Overdue      bool   `json:"overdue"`
	FollowUpDue  bool   `json:"followUpDue"`
	// Substitute is "Vertretung für …" on a case of an absent clerk whom the clerk
	// stands in for; "" otherwise.
	Substitute string `json:"substitute"`
	// NotAccepted: the OZG-Cloud did not accept the case made on this PC.
	NotAccepted bool `json:"notAccepted"`
	// Scan: "infected" when the virus scanner found something in a file of the case,
	// else "unchecked" when a file could not be scanned, else "".
	Scan string `json:"scan"`
}

// ListPage is a page of the case list and the number of all matching cases.
type ListPage struct {
	Total  int       `json:"total"`
	Offset int       `json:"offset"`
	Rows   []CaseRow `json:"rows"`
}

// Counts are the numbers shown beside the quick filters.
type Counts struct {
	All        int            `json:"all"`
	Mine       int            `json:"mine"`
	Unassigned int            `json:"unassigned"`
	Overdue    int            `json:"overdue"`
	FollowUp   int            `json:"followUp"`
	ByStatus   map[string]int `json:"byStatus"`
	// Pending is the number of local changes waiting for sync (the outbox).
	Pending int `json:"pending"`
}

// ActionView is an action the clerk may perform on the case now.
type ActionView struct {
	Action string `json:"action"`
	Label  string `json:"label"`
	// NeedsReason: the UI asks for a reason (verwerfen, weiterleiten).
	NeedsReason bool `json:"needsReason"`
	// Destructive: the action ends the work on the case or gives it up (verwerfen,
	// löschen anfordern); the UI sets it apart and asks first, saying Confirm.
	Destructive bool   `json:"destructive"`
	Confirm     string `json:"confirm"`
}

// FormNode is one node of the form-data tree.
type FormNode struct {
	Label string     `json:"label"`
	Value string     `json:"value"`
	Items []FormNode `json:"items"`
}

// AttachmentView is a file of the case.
type AttachmentView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`
	AddedAt   string `json:"addedAt"`
	AddedBy   string `json:"addedBy"`
	// URL serves the content to the inline preview (same origin as the UI).
	URL string `json:"url"`
	// Preview: "pdf", "image" or "" when only the OS viewer can show it (or nothing
	// may: see Scan).
	Preview string `json:"preview"`
	// Scan is this PC's virus scan of the file: "" (no scanner here, never scanned),
	// "clean", "infected" (quarantined), "unchecked" ("nicht geprüft") or "pending".
	// Only "" and "clean" open; for the others URL and Preview are empty.
	Scan string `json:"scan"`
	// ScanLabel names Scan in German for a mark beside the file; "" for "" and "clean".
	ScanLabel string `json:"scanLabel"`
	// ScanMessage says in German why the file does not open; "" when it does.
	ScanMessage string `json:"scanMessage"`
}

// HistoryView is one history entry.
type HistoryView struct {
	Seq     uint64 `json:"seq"`
	At      string `json:"at"`
	By      string `json:"by"`
	Summary string `json:"summary"`
}

// CommentView is an internal note.
type CommentView struct {
	ID   string `json:"id"`
	At   string `json:"at"`
	By   string `json:"by"`
	Text string `json:"text"`
}

// FollowUpView is a Wiedervorlage.
type FollowUpView struct {
	ID     string `json:"id"`
	Due    string `json:"due"`
	Reason string `json:"reason"`
	By     string `json:"by"`
	// Owner is who is to do it (the name); Mine when that is the clerk signed in.
	Owner  string `json:"owner"`
	Mine   bool   `json:"mine"`
	Done   bool   `json:"done"`
	DoneAt string `json:"doneAt"`
	// State: "open", "due" (today), "overdue", "done".
	State string `json:"state"`
}

// MessageView is a message to or from the applicant.
type MessageView struct {
	ID         string `json:"id"`
	Direction  string `json:"direction"` // "OUT" or "IN"
	State      string `json:"state"`     // "PENDING", "SENT", "RECEIVED"
	StateLabel string `json:"stateLabel"`
	Subject    string `json:"subject"`
	Body       string `json:"body"`
	At         string `json:"at"`
	By         string `json:"by"`
}

// DecisionView is a decision (Bescheid) of the case.
type DecisionView struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	CreatedAt    string `json:"createdAt"`
	Signed       bool   `json:"signed"`
	SignedAt     string `json:"signedAt"`
	SupersededBy string `json:"supersededBy"`
	Supersedes   string `json:"supersedes"`
	// Document is the signed PDF; nil for a decision recorded without one.
	Document *AttachmentView `json:"document"`
	// Posted is the day the letter went out by post ("YYYY-MM-DD"), "" when not yet.
	Posted string `json:"posted"`
}

// ApplicantView is the applicant.
type ApplicantView struct {
	Name       string `json:"name"`
	Street     string `json:"street"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	Postfach   string `json:"postfach"`
}

// CaseDetail is everything the detail view shows of a case.
type CaseDetail struct {
	ID string `json:"id"`
	// Revision tells this state of the case from others ("cases:changed" carries it).
	Revision       string           `json:"revision"`
	FileNumber     string           `json:"fileNumber"`
	Title          string           `json:"title"`
	Type           string           `json:"type"`
	TypeLabel      string           `json:"typeLabel"`
	Channel        string           `json:"channel"`
	ChannelLabel   string           `json:"channelLabel"`
	Received       string           `json:"received"`
	Status         string           `json:"status"`
	StatusLabel    string           `json:"statusLabel"`
	Assignee       string           `json:"assignee"`
	AssigneeName   string           `json:"assigneeName"`
	OrgUnit        string           `json:"orgUnit"`
	LegalDeadline  string           `json:"legalDeadline"`
	TargetDeadline string           `json:"targetDeadline"`
	Overdue        bool             `json:"overdue"`
	Applicant      ApplicantView    `json:"applicant"`
	Form           []FormNode       `json:"form"`
	Representation *AttachmentView  `json:"representation"`
	Attachments    []AttachmentView `json:"attachments"`
	History        []HistoryView    `json:"history"`
	Comments       []CommentView    `json:"comments"`
	FollowUps      []FollowUpView   `json:"followUps"`
	Messages       []MessageView    `json:"messages"`
	Decisions      []DecisionView   `json:"decisions"`
	// Actions are the status transitions allowed now for the current clerk.
	Actions []ActionView `json:"actions"`
	// MayAssignOthers: the UI offers other clerks in "Zuweisen".
	MayAssignOthers bool `json:"mayAssignOthers"`
	// Substitute is "Vertretung für …" when the clerk works on it for its absent
	// holder; the history then says "X in Vertretung für Y".
	Substitute string `json:"substitute"`
	// NotAccepted is the OZG-Cloud's reason for refusing the creation of this case
	// made on this PC: it can then only be submitted again or discarded.
	NotAccepted string `json:"notAccepted"`
	// ScanNotices says in German, per file of the case that does not open, why: a
	// finding of the virus scanner (quarantine) first, then files not checked.
	ScanNotices []string `json:"scanNotices"`
}

// ScanStatusView is the virus scanner as the status bar shows it.
type ScanStatusView struct {
	State   string `json:"state"`   // "off" (no scanner on this PC), "ok" or "down"
	Message string `json:"message"` // German; "" when off
	Since   string `json:"since"`   // when it went down
}

// VerifyResult is the outcome of "Verlauf prüfen".
type VerifyResult struct {
	OK      bool   `json:"ok"`
	Entries int    `json:"entries"`
	Message string `json:"message"`
}

// NewCaseInput is the form "Antrag erfassen".
type NewCaseInput struct {
	Type       string `json:"type"`
	Channel    string `json:"channel"`  // "POST" or "SCHALTER"
	Received   string `json:"received"` // YYYY-MM-DD
	Title      string `json:"title"`
	Name       string `json:"name"`
	Street     string `json:"street"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	Note       string `json:"note"` // becomes the first form field "Anliegen"
}

// BulkResult says what a bulk action did, per case: Failed were left alone (and
// why), Ask are held by colleagues and were left alone until the clerk confirms.
type BulkResult struct {
	Done   int          `json:"done"`
	Failed []BulkFailed `json:"failed"`
	Ask    []BulkFailed `json:"ask"`
}

// BulkFailed names a case the bulk action did not change, its status and why (German).
type BulkFailed struct {
	ID         string `json:"id"`
	FileNumber string `json:"fileNumber"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
	Ask        bool   `json:"ask"`
}

// DueFollowUp is a line of the "Wiedervorlagen fällig" list.
type DueFollowUp struct {
	CaseID     string `json:"caseId"`
	FileNumber string `json:"fileNumber"`
	Applicant  string `json:"applicant"`
	FollowUpID string `json:"followUpId"`
	Due        string `json:"due"`
	Reason     string `json:"reason"`
	Overdue    bool   `json:"overdue"`
	// Owner is who is to do it (the name); Mine when the clerk or an absent clerk
	// they stand in for.
	Owner string `json:"owner"`
	Mine  bool   `json:"mine"`
}
