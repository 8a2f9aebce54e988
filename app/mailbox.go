package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/mail"
	"github.com/ozgcloud/desktop/store"
)

// Mailbox is the bound service of the e-mail intake: the administration's mailbox
// settings (a store setting, local to this PC and never part of the outbox),
// "Verbindung testen", and the intake's state for the status bar with the mails that
// could not be imported.
type Mailbox struct {
	base
	win    *Window
	intake *MailIntake
	ca     caPick
}

// NewMailbox returns the Mailbox service of the intake.
func NewMailbox(e Env, intake *MailIntake) *Mailbox {
	return &Mailbox{base: newBase(e), win: e.Window, intake: intake}
}

const (
	maxCAFileSize  = 1 << 20
	mailCheckLimit = 30 * time.Second // for "Verbindung testen" as a whole
)

// mailView is the stored mailbox as the form shows it, without the password.
func mailView(s store.MailSettings) MailSettingsView {
	folder := s.Folder
	if folder == "" {
		folder = "INBOX"
	}
	v := MailSettingsView{
		Configured: s.Configured(), Host: s.Host, Port: s.Port, TLS: s.TLS, User: s.User,
		PasswordSet: s.Password != "", Folder: folder, CA: caName(s.CAFile), TLSModes: mailTLSModes,
	}
	if v.TLS == "" {
		v.TLS = string(mail.TLSImplicit)
	}
	if v.Port == 0 {
		v.Port = 993
	}
	return v
}

// MailStatus returns the intake for the status bar.
func (a *Mailbox) MailStatus() (MailStatusView, error) {
	if _, err := a.me(); err != nil {
		return MailStatusView{}, err
	}
	return a.intake.statusView(), nil
}

// MailFailures lists the mails that could not be imported, with the reason.
func (a *Mailbox) MailFailures() ([]MailFailureView, error) {
	if _, err := a.me(); err != nil {
		return nil, err
	}
	return a.intake.failureViews(), nil
}

// RetryMail tries the failed mail with that UID again now.
func (a *Mailbox) RetryMail(uid uint32) ([]MailFailureView, error) {
	if _, err := a.me(); err != nil {
		return nil, err
	}
	if uid == 0 {
		return nil, &Error{Code: CodeInvalid, Message: msgNoMailGiven}
	}
	if err := a.intake.retry(uid); err != nil {
		return nil, err
	}
	return a.intake.failureViews(), nil
}

// RetryAllMail tries every failed mail again now (and reconnects to the mailbox).
func (a *Mailbox) RetryAllMail() ([]MailFailureView, error) {
	if _, err := a.me(); err != nil {
		return nil, err
	}
	if err := a.intake.retry(0); err != nil {
		return nil, err
	}
	return a.intake.failureViews(), nil
}

func (a *Mailbox) requireMailAdmin() error {
	_, err := a.admin(msgMailAdminOnly)
	return err
}

// MailSettings returns the mailbox the intake watches; the password only as
// PasswordSet (administration only).
func (a *Mailbox) MailSettings() (MailSettingsView, error) {
	if err := a.requireMailAdmin(); err != nil {
		return MailSettingsView{}, err
	}
	s, err := a.db.MailSettings()
	if err != nil {
		return MailSettingsView{}, toError(err)
	}
	return mailView(s), nil
}

// SaveMailSettings checks and stores the mailbox (German field errors) and restarts
// the intake with it; an empty password keeps the stored one (administration only).
func (a *Mailbox) SaveMailSettings(in MailSettingsInput) (MailSettingsView, error) {
	s, err := a.enteredMail(in, msgCheckFieldsNothingSaved)
	if err != nil {
		return MailSettingsView{}, err
	}
	if err := a.db.SetMailSettings(s); err != nil {
		return MailSettingsView{}, toError(err)
	}
	a.log.Info("mail settings saved", "by", a.current().ID)
	a.intake.reset()
	return mailView(s), nil
}

// enteredMail checks the entered settings against the stored ones (administration
// only); invalid says what an error with German field errors reports.
func (a *Mailbox) enteredMail(in MailSettingsInput, invalid string) (store.MailSettings, error) {
	if err := a.requireMailAdmin(); err != nil {
		return store.MailSettings{}, err
	}
	old, err := a.db.MailSettings()
	if err != nil {
		return store.MailSettings{}, toError(err)
	}
	s, fields := checkMail(in, old, &a.ca)
	if len(fields) > 0 {
		return store.MailSettings{}, &Error{Code: CodeInvalid, Message: invalid, Fields: fields}
	}
	return s, nil
}

// ClearMailSettings removes the mailbox and stops the intake (administration only).
// The import ledger stays, so a mailbox set up again imports nothing twice.
func (a *Mailbox) ClearMailSettings() (MailSettingsView, error) {
	if err := a.requireMailAdmin(); err != nil {
		return MailSettingsView{}, err
	}
	if err := a.db.DeleteMailSettings(); err != nil {
		return MailSettingsView{}, toError(err)
	}
	a.log.Info("mail settings removed", "by", a.current().ID)
	a.intake.reset()
	return mailView(store.MailSettings{}), nil
}

// ChooseMailCAFile asks for the CA certificate file (PEM) of the mail server in the
// native dialog, reads and checks it, and returns its name for the form, which
// sends the name back as MailSettingsInput.CA; Name "" when cancelled
// (administration only).
func (a *Mailbox) ChooseMailCAFile() (CAChoice, error) {
	if err := a.requireMailAdmin(); err != nil {
		return CAChoice{}, err
	}
	return a.ca.choose(a.win)
}

// TestMailConnection tries the entered settings without saving them (an empty
// password means the stored one) and says in German what works and what does not
// (administration only).
func (a *Mailbox) TestMailConnection(in MailSettingsInput) (MailCheckView, error) {
	s, err := a.enteredMail(in, msgCheckFields)
	if err != nil {
		return MailCheckView{}, err
	}
	cfg, err := a.intake.config(s)
	if err != nil {
		return MailCheckView{Summary: msgMailNotTested, Problem: mailMessage(err)}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), mailCheckLimit)
	defer cancel()
	r, err := mail.Check(ctx, cfg)
	if err != nil {
		problem := mailMessage(err)
		if errors.Is(err, context.DeadlineExceeded) {
			problem = msgMailTimeout
		}
		return MailCheckView{Summary: msgMailFails, Problem: problem}, nil
	}
	passed, warnings := mailCheckWords(r)
	v := MailCheckView{OK: true, Passed: passed, Warnings: warnings, Summary: msgMailWorks}
	if len(warnings) > 0 {
		v.Summary = msgMailWorksLimited
	}
	return v, nil
}

// checkMail validates the form against the stored settings and returns what to
// store, or German messages by field.
func checkMail(in MailSettingsInput, old store.MailSettings, picked *caPick) (store.MailSettings, map[string]string) {
	f := map[string]string{}
	s := store.MailSettings{
		Host: strings.TrimSpace(in.Host), Port: in.Port, TLS: in.TLS, User: strings.TrimSpace(in.User),
		Password: in.Password, Folder: strings.TrimSpace(in.Folder), CAFile: in.CA,
	}
	switch {
	case s.Host == "":
		f["host"] = fieldMailHost
	case strings.ContainsAny(s.Host, " /:@\t") && net.ParseIP(s.Host) == nil:
		f["host"] = fieldMailHostOnly
	}
	if s.Port < 1 || s.Port > 65535 {
		f["port"] = fieldMailPort
	}
	switch mail.TLSMode(s.TLS) {
	case mail.TLSImplicit, mail.TLSStartTLS:
	case mail.TLSNone:
		// "localhost" means this PC's 127.0.0.1: a name would be resolved, and a
		// resolver may answer with another host.
		if strings.EqualFold(s.Host, "localhost") {
			s.Host = "127.0.0.1"
		}
		if f["host"] == "" && !loopbackIP(s.Host) {
			f["tls"] = fieldMailPlainRemote
		}
	default:
		f["tls"] = fieldMailTLS
	}
	if s.User == "" {
		f["user"] = fieldMailUser
	}
	// The stored password goes only to the mailbox it belongs to: a form that names
	// another host, port, user or TLS mode must bring its own.
	sameBox := strings.EqualFold(s.Host, old.Host) && s.Port == old.Port && s.User == old.User && s.TLS == old.TLS
	switch {
	case s.Password != "":
	case old.Password != "" && sameBox:
		s.Password = old.Password
	case old.Password != "":
		f["password"] = fieldMailPasswordOtherBox
	default:
		f["password"] = fieldMailPassword
	}
	if s.Folder == "" {
		s.Folder = "INBOX"
	}
	switch {
	case strings.ContainsFunc(s.Folder, func(r rune) bool { return r < ' ' || r == 0x7f }):
		f["folder"] = fieldMailFolderChars
	case strings.EqualFold(s.Folder, mail.ImportedFolder):
		f["folder"] = fmt.Sprintf(fieldMailFolderImported, mail.ImportedFolder)
	}
	// The CA is named, never read from a path the page sent: the one just chosen in
	// the native dialog, or the stored one.
	if pemText, ok := picked.take(s.CAFile); ok {
		s.CAPEM = pemText
	} else if s.CAFile != "" && s.CAFile == caName(old.CAFile) && old.CAPEM != "" {
		s.CAPEM = old.CAPEM
	} else if s.CAFile != "" {
		f["ca"] = fieldCAUnreadable
	}
	return s, f
}

// caName is the name the form shows for the stored CA: older versions stored the
// path it was read from.
func caName(stored string) string {
	if stored == "" {
		return ""
	}
	return filepath.Base(stored)
}
