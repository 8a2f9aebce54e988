package app

// Types of the e-mail intake (issue 5): the mailbox settings of the administration,
// "Verbindung testen", the intake in the status bar and the mails that failed.

// MailSettingsView is the mailbox as the administration sees it. The password never
// leaves the Go side: PasswordSet says whether one is stored.
type MailSettingsView struct {
	Configured  bool   `json:"configured"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TLS         string `json:"tls"` // "tls", "starttls" or "none"
	User        string `json:"user"`
	PasswordSet bool   `json:"passwordSet"`
	Folder      string `json:"folder"`
	// CA is the name of the file the CA certificates were read from ("" = the
	// system's); the certificates themselves are kept in the store.
	CA       string   `json:"ca"`
	TLSModes []Option `json:"tlsModes"`
}

// MailSettingsInput is what the settings form sends. Password "" keeps the stored
// one, and only for the stored host, port, user and TLS mode. CA names the CA file
// just chosen with ChooseMailCAFile or the stored one; "" means the system's CAs.
type MailSettingsInput struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	TLS      string `json:"tls"`
	User     string `json:"user"`
	Password string `json:"password"`
	Folder   string `json:"folder"`
	CA       string `json:"ca"`
}

// CAChoice is the CA certificate file chosen in the native dialog: its name only;
// "" when the dialog was cancelled.
type CAChoice struct {
	Name string `json:"name"`
}

// MailCheckView is the answer of "Verbindung testen", in German: what works
// (Passed), what works only in a weaker way (Warnings), and what is wrong (Problem).
type MailCheckView struct {
	OK       bool     `json:"ok"`
	Summary  string   `json:"summary"`
	Passed   []string `json:"passed"`
	Warnings []string `json:"warnings"`
	Problem  string   `json:"problem"`
}

// MailStatusView is the intake as the status bar shows it.
type MailStatusView struct {
	Configured bool `json:"configured"`
	// State: "off" (no mailbox set up), "starting" (no check yet), "ok", "error"
	// (the mailbox is not usable now; retried with backoff).
	State         string `json:"state"`
	LastCheck     string `json:"lastCheck"` // RFC 3339; "" before the first check
	ImportedToday int    `json:"importedToday"`
	Failed        int    `json:"failed"` // mails listed by MailFailures
	// Errors counts failed connection attempts since the last good check.
	Errors      int    `json:"errors"`
	LastError   string `json:"lastError"` // German
	LastErrorAt string `json:"lastErrorAt"`
}

// MailFailureView is a mail that stayed in the mailbox because it could not be
// imported; the intake tries it again on every check.
type MailFailureView struct {
	UID      uint32 `json:"uid"`
	Folder   string `json:"folder"`
	Reason   string `json:"reason"` // German
	Since    string `json:"since"`  // RFC 3339, first failure
	LastTry  string `json:"lastTry"`
	Attempts int    `json:"attempts"`
	Retrying bool   `json:"retrying"`
}
