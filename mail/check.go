package mail

import "context"

// CheckResult is what "Verbindung testen" found: the server was reached, the login
// worked, the folder is readable, and how the server serves the intake.
type CheckResult struct {
	Folder string // the folder that is read
	// Moves: imported mails are moved to ImportedFolder; else the server has neither
	// MOVE nor UIDPLUS and they stay, marked with ImportedKeyword.
	Moves bool
	// Idle: the server announces new mail (IDLE); else it is asked every minute.
	Idle bool
}

// Check connects with cfg, logs in, selects the folder and reports the server's
// abilities. A failure is an *Error whose Reason names what is wrong (unreachable,
// certificate, login, folder).
func Check(ctx context.Context, cfg Config) (CheckResult, error) {
	m, err := Dial(ctx, cfg)
	if err != nil {
		return CheckResult{}, err
	}
	defer m.Close()
	r := CheckResult{Folder: cfg.Folder, Moves: !m.KeywordMode(), Idle: m.CanIdle()}
	if r.Folder == "" {
		r.Folder = "INBOX"
	}
	return r, nil
}
