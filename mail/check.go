package mail

import (
	"context"
	"fmt"
)

// CheckResult is what "Verbindung testen" shows: what works, and what works only
// in a weaker way.
type CheckResult struct {
	OK       []string `json:"ok"`       // German
	Warnings []string `json:"warnings"` // German
}

// Check connects with cfg, logs in, selects the folder and reports the server's
// abilities. A failure is an *Error whose Explain text names what is wrong
// (unreachable, certificate, login, folder).
func Check(ctx context.Context, cfg Config) (CheckResult, error) {
	var r CheckResult
	m, err := Dial(ctx, cfg)
	if err != nil {
		return r, err
	}
	defer m.Close()
	r.OK = append(r.OK, "Server erreicht, Anmeldung erfolgreich.")
	folder := cfg.Folder
	if folder == "" {
		folder = "INBOX"
	}
	r.OK = append(r.OK, fmt.Sprintf("Ordner „%s“ ist lesbar.", folder))
	if m.KeywordMode() {
		r.Warnings = append(r.Warnings, fmt.Sprintf("Der Server unterstützt weder MOVE noch UIDPLUS. Importierte E-Mails werden deshalb nicht nach „%s“ verschoben, sondern bleiben im Ordner und erhalten das Schlüsselwort %s.", ImportedFolder, ImportedKeyword))
	} else {
		r.OK = append(r.OK, fmt.Sprintf("Importierte E-Mails werden nach „%s“ verschoben.", ImportedFolder))
	}
	if m.CanIdle() {
		r.OK = append(r.OK, "Neue E-Mails werden sofort gemeldet (IDLE).")
	} else {
		r.Warnings = append(r.Warnings, "Der Server meldet neue E-Mails nicht von selbst (kein IDLE); das Postfach wird jede Minute abgefragt.")
	}
	return r, nil
}
