package app

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/ozgcloud/desktop/mail"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// The e-mail intake in the app: the administration's mailbox settings (kept in the
// store's settings bucket, which is local to this PC and never part of the outbox),
// "Verbindung testen", and one mail.Watcher that runs while the app runs and is
// restarted when the settings change or a clerk asks to retry.

const (
	// EventMailStatus carries the MailStatusView whenever the intake's state changes.
	EventMailStatus = "mail:status"

	mailCAFileName = "mail-ca.pem"
	mailTempDir    = "mail-tmp"
	maxCAFileSize  = 1 << 20
	mailCheckLimit = 30 * time.Second // for "Verbindung testen" as a whole
	mailTimeout    = 15 * time.Second // for each wait for the server
)

var mailTLSModes = []Option{
	{Value: string(mail.TLSImplicit), Label: "TLS (verschlüsselt von Anfang an, meist Port 993)"},
	{Value: string(mail.TLSStartTLS), Label: "STARTTLS (meist Port 143)"},
	{Value: string(mail.TLSNone), Label: "Keine Verschlüsselung (nur für einen Server auf diesem Rechner)"},
}

// mailView is the stored mailbox as the form shows it, without the password.
func mailView(s store.MailSettings) MailSettingsView {
	folder := s.Folder
	if folder == "" {
		folder = "INBOX"
	}
	v := MailSettingsView{
		Configured: s.Configured(), Host: s.Host, Port: s.Port, TLS: s.TLS, User: s.User,
		PasswordSet: s.Password != "", Folder: folder, CAFile: s.CAFile, TLSModes: mailTLSModes,
	}
	if v.TLS == "" {
		v.TLS = string(mail.TLSImplicit)
	}
	if v.Port == 0 {
		v.Port = 993
	}
	return v
}

// mailIntake is the state of the intake between the watcher and the UI.
type mailIntake struct {
	mu         sync.Mutex
	kick       chan struct{}
	configured bool
	folder     string
	lastCheck  time.Time
	day        string // the day ImportedToday counts
	today      int
	savedToday int // the count last stored
	errs       int
	lastErr    string
	lastErrAt  time.Time
	failed     map[uint32]*mailFailure

	// For tests: how often a server without IDLE is asked, and a wrapper around the
	// committer.
	poll    time.Duration
	wrap    func(mail.Committer) mail.Committer
	maxSize int64 // mail.Config.MaxSize
}

type mailFailure struct {
	reason         string
	since, lastTry time.Time
	attempts       int
	retrying       bool
	// unfetched: the mail could not even be fetched. It is not fetched again until a
	// clerk asks (RetryMail), so a mail the server never delivers does not cost
	// every check a timeout and a new connection.
	unfetched bool
}

// skipMail tells the importer which mails to leave out of a check.
func (a *App) skipMail(uid imap.UID) bool {
	in := &a.intake
	in.mu.Lock()
	defer in.mu.Unlock()
	f := in.failed[uint32(uid)]
	return f != nil && f.unfetched && !f.retrying
}

func (in *mailIntake) kicker() chan struct{} {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.kick == nil {
		in.kick = make(chan struct{}, 1)
	}
	return in.kick
}

// restart asks the running intake to start over with the stored settings; it never
// waits for the mailbox.
func (a *App) restartMail() {
	select {
	case a.intake.kicker() <- struct{}{}:
	default:
	}
}

// runMail runs the watcher of the configured mailbox until ctx ends, starting it
// anew on every restartMail. Only one watcher runs at a time: the next one starts
// after the last one has returned.
func (a *App) runMail(ctx context.Context) {
	kick := a.intake.kicker()
	a.loadImportedToday()
	for {
		w := a.mailWatcher()
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		if w == nil {
			close(done)
		} else {
			go func() {
				defer close(done)
				_ = w.Run(wctx)
			}()
		}
		select {
		case <-ctx.Done():
			cancel()
			<-done
			return
		case <-kick:
			cancel()
			<-done
		}
	}
}

// mailWatcher returns the watcher of the stored mailbox, or nil when there is none.
func (a *App) mailWatcher() *mail.Watcher {
	s, err := a.db.MailSettings()
	if err != nil {
		a.log.Error("mail settings not read", "err", err)
	}
	in := &a.intake
	in.mu.Lock()
	in.configured = s.Configured()
	in.folder = mailView(s).Folder
	poll, wrap, maxSize := in.poll, in.wrap, in.maxSize
	in.mu.Unlock()
	defer a.emitMailStatus()
	if !s.Configured() {
		return nil
	}
	cfg, err := a.mailConfig(s)
	if err != nil {
		a.mailFailed(err)
		return nil
	}
	cfg.MaxSize = maxSize
	tmp := filepath.Join(a.cfg.DataDir, mailTempDir)
	// Left over from a crash; only this watcher uses the folder.
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		a.mailFailed(fmt.Errorf("app: mail temp folder: %w", err))
		return nil
	}
	var commit mail.Committer = &mail.StoreCommitter{DB: a.db, Now: a.now}
	if wrap != nil {
		commit = wrap(commit)
	}
	a.log.Info("mail intake started", "host", cfg.Host, "port", cfg.Port, "tls", cfg.TLS, "folder", cfg.Folder)
	return &mail.Watcher{
		Config: cfg,
		Importer: &mail.Importer{
			Ledger: mail.StoreLedger{DB: a.db}, Commit: commit, Folder: cfg.Folder,
			TempDir: tmp, Skip: a.skipMail, Now: a.now, Log: a.log,
		},
		Poll: poll, Status: a.onMailStatus, Now: a.now, Log: a.log,
	}
}

// mailFailed records an error that keeps the intake from starting.
func (a *App) mailFailed(err error) {
	a.log.Error("mail intake not started", "err", err)
	a.intake.mu.Lock()
	a.intake.errs++
	a.intake.lastErr = mail.Explain(err)
	a.intake.lastErrAt = a.now()
	a.intake.mu.Unlock()
}

// onMailStatus takes the watcher's report after every check and every failed
// connection.
func (a *App) onMailStatus(s mail.Status) {
	in := &a.intake
	in.mu.Lock()
	// The count is stored with the status report, not per mail: that would cost the
	// import a second fsync per mail.
	if day := a.now().In(a.loc).Format(dateLayout); day != in.day {
		in.day, in.today, in.savedToday = day, 0, -1
	}
	in.today += s.Imported
	persist, day, count := in.savedToday != in.today, in.day, in.today
	in.savedToday = in.today
	if s.Err != nil {
		in.errs++
		in.lastErr, in.lastErrAt = s.Message, s.At
	} else {
		in.lastCheck, in.errs, in.lastErr, in.lastErrAt = s.At, 0, "", time.Time{}
		// Every check tries every mail not yet imported except the skipped ones, so
		// what did not fail now and was not skipped was imported or is gone.
		next := make(map[uint32]*mailFailure, len(s.Failed)+len(s.Skipped))
		for _, uid := range s.Skipped {
			if mf := in.failed[uint32(uid)]; mf != nil {
				next[uint32(uid)] = mf
			}
		}
		for _, f := range s.Failed {
			uid := uint32(f.UID)
			mf := in.failed[uid]
			if mf == nil {
				mf = &mailFailure{since: s.At}
			}
			mf.reason, mf.lastTry, mf.retrying, mf.unfetched = f.Reason, s.At, false, f.Unfetched
			mf.attempts++
			next[uid] = mf
			// The UID only: the error may quote the mail.
			a.log.Warn("mail not imported", "uid", uid, "attempt", mf.attempts, "unfetched", mf.unfetched)
		}
		in.failed = next
	}
	in.mu.Unlock()
	if persist {
		if err := a.db.SetMailImported(day, count); err != nil {
			a.log.Warn("mail count not stored", "err", err)
		}
	}
	a.emitMailStatus()
}

func (a *App) loadImportedToday() {
	day, count, err := a.db.MailImported()
	if err != nil || day == "" {
		return
	}
	a.intake.mu.Lock()
	a.intake.day, a.intake.today, a.intake.savedToday = day, count, count
	a.intake.mu.Unlock()
}

func (a *App) emitMailStatus() { a.runtime().Emit(EventMailStatus, a.mailStatusView()) }

func (a *App) mailStatusView() MailStatusView {
	in := &a.intake
	in.mu.Lock()
	defer in.mu.Unlock()
	v := MailStatusView{
		Configured: in.configured, LastCheck: stamp(in.lastCheck, a.loc), Failed: len(in.failed),
		Errors: in.errs, LastError: in.lastErr, LastErrorAt: stamp(in.lastErrAt, a.loc),
	}
	if in.day == a.now().In(a.loc).Format(dateLayout) {
		v.ImportedToday = in.today
	}
	switch {
	case !in.configured:
		v.State = "off"
	case in.errs > 0:
		v.State = "error"
	case in.lastCheck.IsZero():
		v.State = "starting"
	default:
		v.State = "ok"
	}
	return v
}

func (a *App) mailFailureViews() []MailFailureView {
	in := &a.intake
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]MailFailureView, 0, len(in.failed))
	for uid, f := range in.failed {
		reason := f.reason
		if f.unfetched {
			reason += " Sie wird erst nach „Erneut versuchen“ wieder abgerufen."
		}
		out = append(out, MailFailureView{
			UID: uid, Folder: in.folder, Reason: reason, Since: stamp(f.since, a.loc),
			LastTry: stamp(f.lastTry, a.loc), Attempts: f.attempts, Retrying: f.retrying,
		})
	}
	slices.SortFunc(out, func(x, y MailFailureView) int { return int(x.UID) - int(y.UID) })
	return out
}

func (a *App) mailStatus() (MailStatusView, error) {
	if err := a.ready(); err != nil {
		return MailStatusView{}, err
	}
	return a.mailStatusView(), nil
}

func (a *App) mailFailures() ([]MailFailureView, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.mailFailureViews(), nil
}

// retryMail marks one failed mail (uid > 0) or all of them as being retried and
// starts a check now. A check tries every mail not yet imported except those that
// could not be fetched and are not marked: retrying one of those fetches only it.
func (a *App) retryMail(uid uint32) ([]MailFailureView, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	in := &a.intake
	in.mu.Lock()
	if !in.configured {
		in.mu.Unlock()
		return nil, &Error{Code: CodeNotAllowed, Message: "Es ist kein Postfach eingerichtet."}
	}
	if uid != 0 && in.failed[uid] == nil {
		in.mu.Unlock()
		return nil, &Error{Code: CodeNotFound, Message: "Diese E-Mail steht nicht mehr in der Liste; sie wurde inzwischen eingelesen oder aus dem Postfach entfernt."}
	}
	for u, f := range in.failed {
		if uid == 0 || u == uid {
			f.retrying = true
		}
	}
	in.mu.Unlock()
	a.restartMail()
	a.emitMailStatus()
	return a.mailFailureViews(), nil
}

// --- settings ---

func (a *App) requireMailAdmin() error {
	if err := a.ready(); err != nil {
		return err
	}
	if a.current().Role != model.RoleAdministration {
		return &Error{Code: CodeNotAllowed, Message: "Die E-Mail-Einstellungen darf nur die Administration sehen und ändern."}
	}
	return nil
}

func (a *App) mailSettings() (MailSettingsView, error) {
	if err := a.requireMailAdmin(); err != nil {
		return MailSettingsView{}, err
	}
	s, err := a.db.MailSettings()
	if err != nil {
		return MailSettingsView{}, toError(err)
	}
	return mailView(s), nil
}

func (a *App) saveMailSettings(in MailSettingsInput) (MailSettingsView, error) {
	if err := a.requireMailAdmin(); err != nil {
		return MailSettingsView{}, err
	}
	old, err := a.db.MailSettings()
	if err != nil {
		return MailSettingsView{}, toError(err)
	}
	s, fields := checkMail(in, old)
	if len(fields) > 0 {
		return MailSettingsView{}, &Error{Code: CodeInvalid, Message: "Bitte prüfen Sie die markierten Angaben. Es wurde nichts gespeichert.", Fields: fields}
	}
	if err := a.db.SetMailSettings(s); err != nil {
		return MailSettingsView{}, toError(err)
	}
	a.log.Info("mail settings saved", "by", a.current().ID)
	a.resetMailState()
	a.restartMail()
	return mailView(s), nil
}

// clearMailSettings removes the mailbox; the intake stops. The ledger stays, so a
// mailbox set up again imports nothing twice.
func (a *App) clearMailSettings() (MailSettingsView, error) {
	if err := a.requireMailAdmin(); err != nil {
		return MailSettingsView{}, err
	}
	if err := a.db.DeleteMailSettings(); err != nil {
		return MailSettingsView{}, toError(err)
	}
	a.log.Info("mail settings removed", "by", a.current().ID)
	a.resetMailState()
	a.restartMail()
	return mailView(store.MailSettings{}), nil
}

// resetMailState forgets what belonged to the previous mailbox.
func (a *App) resetMailState() {
	in := &a.intake
	in.mu.Lock()
	in.lastCheck, in.errs, in.lastErr, in.lastErrAt, in.failed = time.Time{}, 0, "", time.Time{}, nil
	in.mu.Unlock()
}

func (a *App) chooseMailCAFile() (string, error) {
	if err := a.requireMailAdmin(); err != nil {
		return "", err
	}
	paths, err := a.runtime().OpenFiles("Zertifikat der Zertifizierungsstelle (PEM) wählen")
	if err != nil {
		return "", &Error{Code: CodeUnreadable, Message: "Der Dateidialog konnte nicht geöffnet werden."}
	}
	if len(paths) == 0 {
		return "", nil
	}
	return paths[0], nil
}

// testMailConnection tries the entered settings (not yet saved; an empty password
// means the stored one) and says in German what works and what does not.
func (a *App) testMailConnection(in MailSettingsInput) (MailCheckView, error) {
	if err := a.requireMailAdmin(); err != nil {
		return MailCheckView{}, err
	}
	old, err := a.db.MailSettings()
	if err != nil {
		return MailCheckView{}, toError(err)
	}
	s, fields := checkMail(in, old)
	if len(fields) > 0 {
		return MailCheckView{}, &Error{Code: CodeInvalid, Message: "Bitte prüfen Sie die markierten Angaben.", Fields: fields}
	}
	cfg, err := a.mailConfig(s)
	if err != nil {
		return MailCheckView{Summary: "Die Verbindung wurde nicht getestet.", Problem: mail.Explain(err)}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), mailCheckLimit)
	defer cancel()
	r, err := mail.Check(ctx, cfg)
	if err != nil {
		problem := mail.Explain(err)
		if errors.Is(err, context.DeadlineExceeded) {
			problem = "Der Server hat nicht rechtzeitig geantwortet."
		}
		return MailCheckView{Summary: "Die Verbindung funktioniert nicht.", Problem: problem}, nil
	}
	v := MailCheckView{OK: true, Passed: r.OK, Warnings: r.Warnings, Summary: "Die Verbindung funktioniert."}
	if len(r.Warnings) > 0 {
		v.Summary = "Die Verbindung funktioniert, mit Einschränkungen."
	}
	return v, nil
}

// mailConfig turns stored settings into the mail package's; the CA certificates are
// written to a file in the data folder, where mail.Dial reads them.
func (a *App) mailConfig(s store.MailSettings) (mail.Config, error) {
	cfg := mail.Config{
		Host: s.Host, Port: s.Port, TLS: mail.TLSMode(s.TLS), User: s.User, Password: s.Password,
		Folder: s.Folder, Timeout: mailTimeout,
	}
	if s.CAPEM == "" {
		return cfg, nil
	}
	path := filepath.Join(a.cfg.DataDir, mailCAFileName)
	if cur, err := os.ReadFile(path); err != nil || string(cur) != s.CAPEM {
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(s.CAPEM), 0o600); err != nil {
			return cfg, fmt.Errorf("app: write mail CA file: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return cfg, fmt.Errorf("app: write mail CA file: %w", err)
		}
	}
	cfg.CAFile = path
	return cfg, nil
}

// checkMail validates the form against the stored settings and returns what to
// store, or German messages by field.
func checkMail(in MailSettingsInput, old store.MailSettings) (store.MailSettings, map[string]string) {
	f := map[string]string{}
	s := store.MailSettings{
		Host: strings.TrimSpace(in.Host), Port: in.Port, TLS: in.TLS, User: strings.TrimSpace(in.User),
		Password: in.Password, Folder: strings.TrimSpace(in.Folder), CAFile: strings.TrimSpace(in.CAFile),
	}
	switch {
	case s.Host == "":
		f["host"] = "Bitte geben Sie den Namen oder die Adresse des Servers an."
	case strings.ContainsAny(s.Host, " /:@\t") && net.ParseIP(s.Host) == nil:
		f["host"] = "Bitte nur den Servernamen angeben, zum Beispiel imap.musterhausen.de (ohne „imaps://“ und ohne Port)."
	}
	if s.Port < 1 || s.Port > 65535 {
		f["port"] = "Bitte geben Sie einen Port von 1 bis 65535 an (üblich: 993 bei TLS, 143 bei STARTTLS)."
	}
	switch mail.TLSMode(s.TLS) {
	case mail.TLSImplicit, mail.TLSStartTLS:
	case mail.TLSNone:
		if f["host"] == "" && !loopbackHost(s.Host) {
			f["tls"] = "Ohne Verschlüsselung ist nur ein Server auf diesem Rechner erlaubt (localhost oder 127.0.0.1). Bitte wählen Sie TLS oder STARTTLS."
		}
	default:
		f["tls"] = "Bitte wählen Sie die Verschlüsselung."
	}
	if s.User == "" {
		f["user"] = "Bitte geben Sie den Benutzernamen des Postfachs an."
	}
	if s.Password == "" {
		s.Password = old.Password
	}
	if s.Password == "" {
		f["password"] = "Bitte geben Sie das Passwort des Postfachs an."
	}
	if s.Folder == "" {
		s.Folder = "INBOX"
	}
	switch {
	case strings.ContainsFunc(s.Folder, func(r rune) bool { return r < ' ' || r == 0x7f }):
		f["folder"] = "Der Ordnername enthält unzulässige Zeichen."
	case strings.EqualFold(s.Folder, mail.ImportedFolder):
		f["folder"] = "In den Ordner „" + mail.ImportedFolder + "“ legt die App die eingelesenen E-Mails ab; er kann nicht selbst beobachtet werden."
	}
	switch {
	case s.CAFile == "":
	case s.CAFile == old.CAFile && old.CAPEM != "":
		s.CAPEM = old.CAPEM
	default:
		pemText, msg := readCAFile(s.CAFile)
		if msg != "" {
			f["caFile"] = msg
		}
		s.CAPEM = pemText
	}
	return s, f
}

// readCAFile returns the PEM certificates in path, or a German message.
func readCAFile(path string) (string, string) {
	file, err := os.Open(path)
	if err != nil {
		return "", "Die Datei kann nicht gelesen werden. Bitte wählen Sie die Zertifikatsdatei erneut."
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, maxCAFileSize+1))
	if err != nil {
		return "", "Die Datei kann nicht gelesen werden. Bitte wählen Sie die Zertifikatsdatei erneut."
	}
	if len(b) > maxCAFileSize {
		return "", "Die Datei ist zu groß für eine Zertifikatsdatei."
	}
	var certs []byte
	rest := b
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return "", "Die Datei enthält ein Zertifikat, das nicht gelesen werden kann."
		}
		certs = append(certs, pem.EncodeToMemory(block)...)
	}
	if len(certs) == 0 {
		return "", "Die Datei enthält kein Zertifikat im PEM-Format (Text, beginnend mit „-----BEGIN CERTIFICATE-----“)."
	}
	return string(certs), ""
}

func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
