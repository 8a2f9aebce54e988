package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/clamav"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Scanning at intake: every file that reaches this PC (a mail's attachments and its
// original, a file a clerk adds, an attachment the sync downloads) is scanned by
// clamd before a clerk can open it. Scan.MayOpen is the one question everything that
// opens or serves a file asks.

const (
	scanEvery     = 30 * time.Second // how often a scanner that is down is asked again
	scanTimeout   = 2 * time.Minute  // one file, at most
	scanQueueSize = 256
	scanParallel  = 2 // scans at once: clamd's threads are shared with the whole PC
)

// fileScanner is what Scan needs of clamav.Scanner.
type fileScanner interface {
	Scan(ctx context.Context, r io.Reader) (clamav.Result, error)
	Ping(ctx context.Context) error
}

var _ fileScanner = (*clamav.Scanner)(nil)

// Scan runs this PC's virus scanner (clamd) over the files that arrive, records each
// verdict in the store, and keeps what the status bar shows. Without a scanner it
// scans nothing, and files without a verdict may be opened, as before.
type Scan struct {
	base
	win     *Window
	notify  func(title, body string) error
	scanner fileScanner // nil: no scanner on this PC
	every   time.Duration
	queue   chan string
	sem     chan struct{}

	mu    sync.Mutex
	state string    // "off", "ok", "down"
	since time.Time // down since
	sweep bool      // files are waiting for a scanner that works again
}

// NewScan returns the scanning of this PC with s, or none when s is nil; main runs
// it (Run) and hands it to the services in Env.Scan. configErr is a scanner setting
// that names no usable clamd (clamav.ErrConfig): then every file stays "nicht
// geprüft" and the status bar says the scanner is down, as the setting asked for a
// scanner.
func NewScan(e Env, s *clamav.Scanner, configErr error) *Scan {
	sc := &Scan{base: newBase(e), win: e.Window, notify: e.Notify, every: scanEvery, queue: make(chan string, scanQueueSize),
		sem: make(chan struct{}, scanParallel), state: "off"}
	if sc.notify == nil {
		sc.notify = desktopNotify
	}
	switch {
	case configErr != nil:
		sc.scanner, sc.state, sc.since = misconfigured{configErr}, "down", sc.now()
	case s != nil:
		if s.Timeout <= 0 {
			s.Timeout = scanTimeout
		}
		sc.scanner, sc.state, sc.sweep = s, "ok", true
	}
	return sc
}

// misconfigured is the scanner of a setting that names none that can be used.
type misconfigured struct{ err error }

func (m misconfigured) Scan(context.Context, io.Reader) (clamav.Result, error) {
	return clamav.Result{}, fmt.Errorf("%w: %v", clamav.ErrUnavailable, m.err)
}

func (m misconfigured) Ping(context.Context) error {
	return fmt.Errorf("%w: %v", clamav.ErrUnavailable, m.err)
}

// On reports whether this PC has a scanner.
func (s *Scan) On() bool { return s.scanner != nil }

// Check scans the blob sha now, records the verdict and returns it. A scanner that
// is down or too slow makes the verdict ScanUnchecked, never clean. With no scanner
// it records nothing and returns a zero verdict. It holds no store lock while
// scanning: only the verdict is written, in its own transaction.
func (s *Scan) Check(ctx context.Context, sha string) model.ScanVerdict {
	if s.scanner == nil {
		return model.ScanVerdict{}
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return s.record(sha, model.ScanVerdict{State: model.ScanUnchecked, At: s.now()}, ctx.Err())
	}
	if s.isDown() {
		// Known down: no wait for a scanner that may hang until its timeout on every
		// file of a mail batch; Run re-scans once it answers again.
		return s.record(sha, model.ScanVerdict{State: model.ScanUnchecked, At: s.now()}, errScannerDown)
	}
	v, err := s.scan(ctx, sha)
	if errors.Is(err, store.ErrNotFound) {
		return model.ScanVerdict{} // nothing to scan: no verdict, the file stays closed
	}
	return s.record(sha, v, err)
}

func (s *Scan) scan(ctx context.Context, sha string) (model.ScanVerdict, error) {
	v := model.ScanVerdict{State: model.ScanUnchecked, At: s.now()}
	p, err := s.db.BlobPath(sha)
	if err != nil {
		return v, err
	}
	f, err := os.Open(p)
	if err != nil {
		return v, err
	}
	defer f.Close()
	res, err := s.scanner.Scan(ctx, f)
	switch {
	case errors.Is(err, clamav.ErrTooLarge):
		v.TooLarge = true
		return v, err
	case err != nil:
		return v, err
	case res.Infected:
		v.State, v.Signature = model.ScanInfected, res.Signature
	default:
		v.State = model.ScanClean
	}
	return v, nil
}

// record stores v on sha and updates the scanner's state from err.
func (s *Scan) record(sha string, v model.ScanVerdict, err error) model.ScanVerdict {
	if serr := s.db.SetScanVerdict(sha, v); serr != nil {
		s.log.Error("scan verdict not stored", "sha256", sha, "err", serr)
	}
	switch {
	case v.State == model.ScanInfected:
		// The finding's name is no citizen's data; the file name would be.
		s.log.Error("malware found, file quarantined", "sha256", sha, "signature", v.Signature)
		// Not waited for: the OS's notifier may take long, and a clerk's add waits here.
		go func() {
			if nerr := s.notify(notifyScanFinding, fmt.Sprintf(notifyScanFindingBody, v.Signature)); nerr != nil {
				s.log.Warn("desktop notification failed", "err", nerr)
			}
		}()
	case err != nil && !v.TooLarge:
		s.log.Warn("file not scanned", "sha256", sha, "err", err)
		s.setDown(true)
	case err != nil:
		s.log.Warn("file too large for the scanner", "sha256", sha, "err", err)
	}
	if err == nil {
		s.setDown(false)
	}
	return v
}

// errScannerDown: a scan not tried because the last one found clamd down.
var errScannerDown = fmt.Errorf("app: %w: down since the last scan", clamav.ErrUnavailable)

func (s *Scan) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state == "down"
}

// setDown records whether the scanner is down and tells the status bar on a change.
func (s *Scan) setDown(down bool) {
	s.mu.Lock()
	changed := (s.state == "down") != down
	if down {
		s.sweep = true
		if changed {
			s.state, s.since = "down", s.now()
		}
	} else if changed {
		s.state, s.since = "ok", time.Time{}
	}
	s.mu.Unlock()
	if changed {
		s.win.Emit(EventScanStatus, s.status())
	}
}

// Enqueue asks Run to scan the blob sha soon (a download of the sync, which must not
// wait for clamd). Until then the file has no verdict and does not open. A full
// queue leaves it to the next sweep.
func (s *Scan) Enqueue(sha string) {
	if s.scanner == nil {
		return
	}
	select {
	case s.queue <- sha:
	default:
		s.mu.Lock()
		s.sweep = true
		s.mu.Unlock()
	}
}

// Run scans what Enqueue names, and every file without a verdict or whose scan
// failed: at start (those too large for the scanner too, its limit may have been
// raised), and, when a scan failed, as soon as the scanner answers again (asked
// every 30 s). Without a scanner it returns at once.
func (s *Scan) Run(ctx context.Context) error {
	if s.scanner == nil {
		return nil
	}
	s.sweepAll(ctx, true)
	tick := time.NewTicker(s.every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case sha := <-s.queue:
			s.Check(ctx, sha)
			if len(s.queue) == 0 {
				s.changed()
			}
		case <-tick.C:
			s.mu.Lock()
			again := s.sweep
			s.mu.Unlock()
			if !again {
				continue
			}
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := s.scanner.Ping(pctx)
			cancel()
			if err != nil {
				s.setDown(true)
				continue
			}
			s.setDown(false)
			s.sweepAll(ctx, false)
		}
	}
}

// sweepAll scans every blob without a verdict or with a failed scan; it stops at the
// first failure, leaving the rest for the next sweep.
func (s *Scan) sweepAll(ctx context.Context, tooLarge bool) {
	s.mu.Lock()
	s.sweep = false
	s.mu.Unlock()
	shas, err := s.db.UnscannedBlobs(tooLarge)
	if err != nil {
		s.log.Error("files to scan not listed", "err", err)
		return
	}
	if len(shas) > 0 {
		defer s.changed()
	}
	for _, sha := range shas {
		if ctx.Err() != nil {
			return
		}
		if v := s.Check(ctx, sha); v.State == model.ScanUnchecked && !v.TooLarge {
			return
		}
	}
}

// changed tells the window that verdicts came after the cases they belong to (a
// download, a re-scan): a nil cases:changed makes it reload the list, the counts and
// the open case. A burst of downloads makes one.
func (s *Scan) changed() { s.win.Emit(EventCasesChanged, nil) }

// MayOpen answers whether the attachment may be opened in the OS viewer, saved for
// viewing or printing, or served to the page: nil, or an *Error (CodeQuarantine)
// whose German message says why not: a finding (quarantine), a failed scan
// ("nicht geprüft"), or a scan still to come. Everything that opens or serves a
// file asks it (files.attachment does for "Öffnen" and /files/).
func (s *Scan) MayOpen(at model.Attachment) error {
	got, err := s.db.ScanVerdicts(at.SHA256)
	if err != nil {
		return toError(err)
	}
	v, known := got[at.SHA256]
	if model.Openable(v, known, s.On()) {
		return nil
	}
	return &Error{Code: CodeQuarantine, Message: scanMessage(at.Name, v, known)}
}

// scanMessage says in German why a file does not open.
func scanMessage(name string, v model.ScanVerdict, known bool) string {
	switch {
	case !known:
		return fmt.Sprintf(msgScanPending, name)
	case v.State == model.ScanInfected:
		return fmt.Sprintf(msgScanInfected, name, v.Signature)
	case v.TooLarge:
		return fmt.Sprintf(msgScanTooLarge, name)
	}
	return fmt.Sprintf(msgScanUnchecked, name)
}

// status is the scanner as the status bar shows it.
func (s *Scan) status() ScanStatusView {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := ScanStatusView{State: s.state, Since: stamp(s.since, s.loc)}
	switch s.state {
	case "ok":
		v.Message = msgScanReady
	case "down":
		v.Message = msgScanDown
	}
	return v
}

// scanMarks is what the views show of the scans of a case's files.
type scanMarks struct {
	on       bool
	verdicts map[string]model.ScanVerdict
}

// marks reads the verdicts on files.
func (s *Scan) marks(files []model.Attachment) (scanMarks, error) {
	shas := make([]string, 0, len(files))
	for _, f := range files {
		shas = append(shas, f.SHA256)
	}
	got, err := s.db.ScanVerdicts(shas...)
	if err != nil {
		return scanMarks{}, toError(err)
	}
	return scanMarks{on: s.On(), verdicts: got}, nil
}

// of returns the file's AttachmentView.Scan, its German label and, when the file
// does not open, why.
func (m scanMarks) of(at model.Attachment) (state, label, msg string) {
	v, known := m.verdicts[at.SHA256]
	if model.Openable(v, known, m.on) {
		return string(v.State), "", ""
	}
	msg = scanMessage(at.Name, v, known)
	switch {
	case !known:
		return "pending", labelScanPending, msg
	case v.State == model.ScanInfected:
		return string(model.ScanInfected), labelScanInfected, msg
	}
	return string(model.ScanUnchecked), labelScanUnchecked, msg
}

// notices returns why each of files does not open: findings first, then files not
// checked; not those still being scanned, which open in a moment.
func (m scanMarks) notices(files []model.Attachment) []string {
	out := []string{}
	for _, want := range []string{string(model.ScanInfected), string(model.ScanUnchecked)} {
		for _, f := range files {
			if state, _, msg := m.of(f); state == want {
				out = append(out, msg)
			}
		}
	}
	return out
}

// caseMarks returns CaseRow.Scan of the cases ids that have a file with a finding or
// a failed scan; nothing is read when no file has.
func (s *Scan) caseMarks(ids []string) (map[string]string, error) {
	flagged, err := s.db.FlaggedScans()
	if err != nil || len(flagged) == 0 {
		return nil, toError(err)
	}
	out := map[string]string{}
	for _, id := range ids {
		c, err := s.db.Case(id)
		if err != nil {
			return nil, toError(err)
		}
		for _, f := range c.Files() {
			switch v, ok := flagged[f.SHA256]; {
			case !ok:
			case v.State == model.ScanInfected:
				out[id] = string(model.ScanInfected)
			case out[id] == "":
				out[id] = string(model.ScanUnchecked)
			}
		}
	}
	return out, nil
}

// ScanStatus returns the virus scanner as the status bar shows it.
func (a *Attachments) ScanStatus() (ScanStatusView, error) {
	if _, err := a.me(); err != nil {
		return ScanStatusView{}, err
	}
	return a.scan.status(), nil
}
