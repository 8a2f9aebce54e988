package app

// Shapes of the sync with the OZG-Cloud (sync.go). Times are RFC 3339 strings in the
// office's time zone, "" when there is none.

// SyncStatusView is what the status bar shows about the sync.
type SyncStatusView struct {
	Enrolled bool   `json:"enrolled"`
	Server   string `json:"server"`
	Tenant   string `json:"tenant"`
	Online   bool   `json:"online"`  // the last round reached the server
	Syncing  bool   `json:"syncing"` // a round is running now
	Pending  int    `json:"pending"` // local changes not yet at the server
	// Rejected counts changes the server refused and the clerk has not dismissed.
	Rejected      int    `json:"rejected"`
	OpenConflicts int    `json:"openConflicts"`
	WantedBlobs   int    `json:"wantedBlobs"` // attachments still to download
	LastSync      string `json:"lastSync"`
	LastError     string `json:"lastError"` // German; "" when the last round succeeded
	NextTry       string `json:"nextTry"`   // when a failed round is retried
	// MayConnect: the current clerk may connect this PC (Administration).
	MayConnect bool `json:"mayConnect"`
	// Notice is the one German note after a restored or copied data folder, a
	// restored OZG-Cloud or a duplicate file number; "" once dismissed.
	Notice string `json:"notice"`
}

// SyncProbe is the first step of "Mit OZG-Cloud verbinden": the certificate the
// server presented, for the administration to compare with the fingerprint printed
// at "ozgcloud-server init" before anything is sent.
type SyncProbe struct {
	Server string `json:"server"` // normalized address
	// Fingerprint is the SHA-256 of the server certificate in groups of two hex
	// digits ("AB:CD:..."); "" for a plain-HTTP test server on this PC.
	Fingerprint string `json:"fingerprint"`
	// Plain: a plain-HTTP test server at a loopback IP of this PC answered; only then
	// may the window call it "Testbetrieb auf diesem PC".
	Plain bool `json:"plain"`
}

// SyncConnectInput is the second step: the enrollment code and either the confirmed
// fingerprint (as SyncProbe returned it) or the name of the CA file just chosen with
// ChooseSyncCAFile, which vouches for the server.
type SyncConnectInput struct {
	Server      string `json:"server"`
	Code        string `json:"code"`
	Fingerprint string `json:"fingerprint"`
	CA          string `json:"ca"`
}

// ConflictView is a conflict on one field of a case: what the OZG-Cloud kept (the
// other clerk's value) and what this side wanted, with who and when.
type ConflictView struct {
	ID         string `json:"id"`
	CaseID     string `json:"caseId"`
	FileNumber string `json:"fileNumber"`
	Applicant  string `json:"applicant"`
	Field      string `json:"field"`
	FieldLabel string `json:"fieldLabel"`
	// Kind says how a merged value is written: "date" (a chosen date), "status",
	// "assignee" (pick one of the two).
	Kind string `json:"kind"`
	// Values as the UI shows them (labels, names, dates "YYYY-MM-DD"), and as the
	// value to send back for KeepMerged (ServerRaw/ClientRaw: a status, clerk ID or
	// date; "" for none).
	ServerValue  string `json:"serverValue"`
	ClientValue  string `json:"clientValue"`
	ServerRaw    string `json:"serverRaw"`
	ClientRaw    string `json:"clientRaw"`
	ServerAuthor string `json:"serverAuthor"` // name
	ClientAuthor string `json:"clientAuthor"`
	ServerAt     string `json:"serverAt"`
	ClientAt     string `json:"clientAt"`
	ReceivedAt   string `json:"receivedAt"`
	Open         bool   `json:"open"`
	ResolvedAt   string `json:"resolvedAt"`
	ResolvedBy   string `json:"resolvedBy"` // name
	Resolution   string `json:"resolution"` // "server", "client", "merged"
}

// ResolveConflictInput settles a conflict: Keep "server" (the OZG-Cloud's value
// stays), "client" (this side's value) or "merged" with Value (a date
// "YYYY-MM-DD" or "" for none, a status, a clerk ID or "" for nobody).
type ResolveConflictInput struct {
	ID    string `json:"id"`
	Keep  string `json:"keep"`
	Value string `json:"value"`
}

// RejectedView is a change of this PC the OZG-Cloud refused, with its German reason.
type RejectedView struct {
	Seq        uint64 `json:"seq"`
	CaseID     string `json:"caseId"`
	FileNumber string `json:"fileNumber"`
	Applicant  string `json:"applicant"`
	Kind       string `json:"kind"`
	What       string `json:"what"` // German description of the change
	By         string `json:"by"`   // name
	At         string `json:"at"`   // when it was made
	Reason     string `json:"reason"`
	RejectedAt string `json:"rejectedAt"`
}
