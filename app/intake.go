package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/ozgcloud/desktop/mail"
	"github.com/ozgcloud/desktop/store"
)

const (
	mailCAFileName = "mail-ca.pem"
	mailTempDir    = "mail-tmp"
	mailTimeout    = 15 * time.Second // for each wait for the server
)

// MailIntake runs one mail.Watcher on the mailbox the administration set up, while
// the app runs (Run), and starts it anew when the settings change or a clerk asks to
// retry. It keeps what the status bar shows and the mails that could not be imported.
// The cases it makes reach the UI through the store's change feed.
type MailIntake struct {
	base
	win     *Window
	dataDir string

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

// NewMailIntake returns the intake; main runs it.
func NewMailIntake(e Env) *MailIntake {
	return &MailIntake{base: newBase(e), win: e.Window, dataDir: e.DataDir, kick: make(chan struct{}, 1)}
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

// skip tells the importer which mails to leave out of a check.
func (in *MailIntake) skip(uid imap.UID) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	f := in.failed[uint32(uid)]
	return f != nil && f.unfetched && !f.retrying
}

// restart asks the running intake to start over with the stored settings; it never
// waits for the mailbox.
func (in *MailIntake) restart() {
	select {
	case in.kick <- struct{}{}:
	default:
	}
}

// Run runs the watcher of the configured mailbox until ctx ends, starting it anew on
// every restart, and returns nil. Only one watcher runs at a time: the next one
// starts after the last one has returned.
func (in *MailIntake) Run(ctx context.Context) error {
	in.loadImportedToday()
	for {
		w := in.watcher()
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
			return nil
		case <-in.kick:
			cancel()
			<-done
		}
	}
}

// watcher returns the watcher of the stored mailbox, or nil when there is none.
func (in *MailIntake) watcher() *mail.Watcher {
	s, err := in.db.MailSettings()
	if err != nil {
		in.log.Error("mail settings not read", "err", err)
	}
	in.mu.Lock()
	in.configured = s.Configured()
	in.folder = mailView(s).Folder
	poll, wrap, maxSize := in.poll, in.wrap, in.maxSize
	in.mu.Unlock()
	defer in.emitStatus()
	if !s.Configured() {
		return nil
	}
	cfg, err := in.config(s)
	if err != nil {
		in.failedToStart(err)
		return nil
	}
	cfg.MaxSize = maxSize
	tmp := filepath.Join(in.dataDir, mailTempDir)
	// Left over from a crash; only this watcher uses the folder.
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		in.failedToStart(fmt.Errorf("app: mail temp folder: %w", err))
		return nil
	}
	var commit mail.Committer = &mail.StoreCommitter{DB: in.db, Now: in.now, Scan: in.scan}
	if wrap != nil {
		commit = wrap(commit)
	}
	in.log.Info("mail intake started", "host", cfg.Host, "port", cfg.Port, "tls", cfg.TLS, "folder", cfg.Folder)
	return &mail.Watcher{
		Config: cfg,
		Importer: &mail.Importer{
			Ledger: mail.StoreLedger{DB: in.db}, Commit: commit, Folder: cfg.Folder,
			TempDir: tmp, Skip: in.skip, Now: in.now, Log: in.log,
		},
		Poll: poll, Status: in.onStatus, Now: in.now, Log: in.log,
	}
}

// config turns stored settings into the mail package's; the CA certificates are
// written to a file in the data folder, where mail.Dial reads them.
func (in *MailIntake) config(s store.MailSettings) (mail.Config, error) {
	cfg := mail.Config{
		Host: s.Host, Port: s.Port, TLS: mail.TLSMode(s.TLS), User: s.User, Password: s.Password,
		Folder: s.Folder, Timeout: mailTimeout,
	}
	if s.CAPEM == "" {
		return cfg, nil
	}
	path := filepath.Join(in.dataDir, mailCAFileName)
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

// failedToStart records an error that keeps the intake from starting.
func (in *MailIntake) failedToStart(err error) {
	in.log.Error("mail intake not started", "err", err)
	in.mu.Lock()
	in.errs++
	in.lastErr = mailMessage(err)
	in.lastErrAt = in.now()
	in.mu.Unlock()
}

// onStatus takes the watcher's report after every check and every failed connection.
func (in *MailIntake) onStatus(s mail.Status) {
	in.mu.Lock()
	// The count is stored with the status report, not per mail: that would cost the
	// import a second fsync per mail.
	if day := in.now().In(in.loc).Format(dateLayout); day != in.day {
		in.day, in.today, in.savedToday = day, 0, -1
	}
	in.today += s.Imported
	persist, day, count := in.savedToday != in.today, in.day, in.today
	in.savedToday = in.today
	if s.Err != nil {
		in.errs++
		in.lastErr, in.lastErrAt = mailMessage(s.Err), s.At
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
			mf.reason, mf.lastTry, mf.retrying, mf.unfetched = mailFailureReason(f), s.At, false, f.Unfetched
			mf.attempts++
			next[uid] = mf
			// The UID only: the error may quote the mail.
			in.log.Warn("mail not imported", "uid", uid, "attempt", mf.attempts, "unfetched", mf.unfetched)
		}
		in.failed = next
	}
	in.mu.Unlock()
	if persist {
		if err := in.db.SetMailImported(day, count); err != nil {
			in.log.Warn("mail count not stored", "err", err)
		}
	}
	in.emitStatus()
}

func (in *MailIntake) loadImportedToday() {
	day, count, err := in.db.MailImported()
	if err != nil || day == "" {
		return
	}
	in.mu.Lock()
	in.day, in.today, in.savedToday = day, count, count
	in.mu.Unlock()
}

func (in *MailIntake) emitStatus() { in.win.Emit(EventMailStatus, in.statusView()) }

func (in *MailIntake) statusView() MailStatusView {
	in.mu.Lock()
	defer in.mu.Unlock()
	v := MailStatusView{
		Configured: in.configured, LastCheck: stamp(in.lastCheck, in.loc), Failed: len(in.failed),
		Errors: in.errs, LastError: in.lastErr, LastErrorAt: stamp(in.lastErrAt, in.loc),
	}
	if in.day == in.now().In(in.loc).Format(dateLayout) {
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

func (in *MailIntake) failureViews() []MailFailureView {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]MailFailureView, 0, len(in.failed))
	for uid, f := range in.failed {
		reason := f.reason
		if f.unfetched {
			reason = fmt.Sprintf(msgMailUnfetched, reason)
		}
		out = append(out, MailFailureView{
			UID: uid, Folder: in.folder, Reason: reason, Since: stamp(f.since, in.loc),
			LastTry: stamp(f.lastTry, in.loc), Attempts: f.attempts, Retrying: f.retrying,
		})
	}
	slices.SortFunc(out, func(x, y MailFailureView) int { return int(x.UID) - int(y.UID) })
	return out
}

// retry marks one failed mail (uid > 0) or all of them as being retried and starts a
// check now. A check tries every mail not yet imported except those that could not be
// fetched and are not marked: retrying one of those fetches only it.
func (in *MailIntake) retry(uid uint32) error {
	in.mu.Lock()
	if !in.configured {
		in.mu.Unlock()
		return &Error{Code: CodeNotAllowed, Message: msgNoMailbox}
	}
	if uid != 0 && in.failed[uid] == nil {
		in.mu.Unlock()
		return &Error{Code: CodeNotFound, Message: msgMailGone}
	}
	for u, f := range in.failed {
		if uid == 0 || u == uid {
			f.retrying = true
		}
	}
	in.mu.Unlock()
	in.restart()
	in.emitStatus()
	return nil
}

// reset forgets what belonged to the previous mailbox and starts over.
func (in *MailIntake) reset() {
	in.mu.Lock()
	in.lastCheck, in.errs, in.lastErr, in.lastErrAt, in.failed = time.Time{}, 0, "", time.Time{}, nil
	in.mu.Unlock()
	in.restart()
}
