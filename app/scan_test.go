package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/clamav"
	"github.com/ozgcloud/desktop/clamav/clamdtest"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
)

// withScanner gives the app the virus scanner s, asked again every 50 ms while it
// is down.
func withScanner(s *clamav.Scanner) func(*Env) {
	return func(e *Env) {
		e.Scan = NewScan(*e, s, nil)
		e.Scan.every = 50 * time.Millisecond
	}
}

// privateClamd starts a clamd whose only signature is clamdtest.File's hash.
func privateClamd(t *testing.T) (*clamdtest.Clamd, *clamav.Scanner) {
	t.Helper()
	d := clamdtest.Start(t, "")
	return d, &clamav.Scanner{Socket: d.Socket, Timeout: 10 * time.Second}
}

func fileNamed(t *testing.T, d CaseDetail, name string) AttachmentView {
	t.Helper()
	for _, at := range d.Attachments {
		if at.Name == name {
			return at
		}
	}
	t.Fatalf("no attachment %q in %+v", name, d.Attachments)
	return AttachmentView{}
}

// served asks the /files/ handler for the file as the page would.
func served(a *App, caseID, attID string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	FileHandler(a.Attachments).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/files/"+caseID+"/"+attID, nil))
	return rec
}

// closed checks that the file neither opens in the OS viewer nor reaches the page,
// and that the clerk reads why (want in the message).
func closed(t *testing.T, a *App, caseID string, at AttachmentView, want string, opened *atomic.Int32) {
	t.Helper()
	if at.URL != "" || at.Preview != "" || !strings.Contains(at.ScanMessage, want) || !strings.Contains(at.ScanMessage, at.Name) {
		t.Fatalf("view of %s: %+v", at.Name, at)
	}
	before := opened.Load()
	err := a.OpenAttachment(caseID, at.ID)
	if e := uiError(t, err); e.Code != CodeQuarantine || !strings.Contains(e.Message, want) {
		t.Fatalf("open %s: %+v", at.Name, e)
	}
	if opened.Load() != before {
		t.Fatalf("%s was handed to the OS viewer", at.Name)
	}
	rec := served(a, caseID, at.ID)
	if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), string(clamdtest.File)) || !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("/files/ served %s: %d %q", at.Name, rec.Code, rec.Body.String())
	}
}

func countOpens(a *App) *atomic.Int32 {
	var n atomic.Int32
	a.openPath = func(string) error { n.Add(1); return nil }
	return &n
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// TestScanHandAdded: a file a clerk adds is scanned before the case refers to it. The
// test file is quarantined (kept, closed, the case marked, the finding named); with
// clamd stopped a file is "nicht geprüft" and the status bar says the scanner is
// down; once clamd is back the file is scanned again and opens.
func TestScanHandAdded(t *testing.T) {
	clamd, s := privateClamd(t)
	a, rt := newAppOpts(t, 1, slog.New(slog.DiscardHandler), 0, withScanner(s))
	opened := countOpens(a)
	var (
		mu    sync.Mutex
		notes []string
	)
	a.notify = func(title, body string) error {
		mu.Lock()
		defer mu.Unlock()
		notes = append(notes, title+": "+body)
		return nil
	}
	id := a.mustFirstCase(t)
	if st, _ := a.ScanStatus(); st.State != "ok" || st.Message != msgScanReady {
		t.Fatalf("status at start %+v", st)
	}

	d, err := a.AddAttachmentData(id, "Rechnung.pdf", "application/pdf", b64(clamdtest.File))
	if err != nil {
		t.Fatal(err)
	}
	bad := fileNamed(t, d, "Rechnung.pdf")
	if bad.Scan != "infected" || bad.ScanLabel != labelScanInfected {
		t.Fatalf("test file %+v", bad)
	}
	closed(t, a, id, bad, clamdtest.Signature, opened)
	if len(d.ScanNotices) != 1 || !strings.Contains(d.ScanNotices[0], "Schadsoftware") || !strings.Contains(d.ScanNotices[0], clamdtest.Signature) {
		t.Fatalf("notices %q", d.ScanNotices)
	}
	if row := a.rowOf(t, id); row.Scan != "infected" {
		t.Fatalf("list row %+v", row)
	}
	eventually(t, "the desktop notification", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(notes) == 1 && strings.HasPrefix(notes[0], "Schadsoftware gefunden: ") && strings.Contains(notes[0], clamdtest.Signature)
	})
	// Kept, never lost.
	c, _ := a.db.Case(id)
	if _, err := a.db.BlobPath(c.Attachments[len(c.Attachments)-1].SHA256); err != nil {
		t.Fatalf("quarantined content gone: %v", err)
	}

	d, err = a.AddAttachmentData(id, "Antrag.pdf", "", b64([]byte("%PDF-1.4 harmlos\n")))
	if err != nil {
		t.Fatal(err)
	}
	good := fileNamed(t, d, "Antrag.pdf")
	if good.Scan != "clean" || good.URL == "" || good.ScanMessage != "" {
		t.Fatalf("clean file %+v", good)
	}
	if err := a.OpenAttachment(id, good.ID); err != nil || opened.Load() != 1 {
		t.Fatalf("clean file not opened: %v (%d)", err, opened.Load())
	}
	if rec := served(a, id, good.ID); rec.Code != http.StatusOK {
		t.Fatalf("clean file not served: %d", rec.Code)
	}

	// The scanner down: "nicht geprüft", never clean, and the status bar says so.
	clamd.Stop()
	d, err = a.AddAttachmentData(id, "Nachweis.txt", "", b64([]byte("Meldebescheinigung")))
	if err != nil {
		t.Fatal(err)
	}
	un := fileNamed(t, d, "Nachweis.txt")
	if un.Scan != "unchecked" || un.ScanLabel != "nicht geprüft" {
		t.Fatalf("file while clamd is down %+v", un)
	}
	closed(t, a, id, un, "nicht geprüft", opened)
	if st, _ := a.ScanStatus(); st.State != "down" || !strings.Contains(st.Message, "nicht erreichbar") || st.Since == "" {
		t.Fatalf("status with clamd down %+v", st)
	}
	if ev := rt.payloads(EventScanStatus); len(ev) == 0 || ev[len(ev)-1].(ScanStatusView).State != "down" {
		t.Fatalf("scan:status events %+v", ev)
	}
	if len(d.ScanNotices) != 2 || !strings.Contains(d.ScanNotices[1], "nicht geprüft") {
		t.Fatalf("notices %q", d.ScanNotices)
	}

	// Back: the periodic retry scans it again, and it opens.
	clamd.Restart()
	eventually(t, "the re-scan", func() bool {
		d, err := a.GetCase(id)
		return err == nil && fileNamed(t, d, "Nachweis.txt").Scan == "clean"
	})
	if st, _ := a.ScanStatus(); st.State != "ok" {
		t.Fatalf("status after clamd came back %+v", st)
	}
	if ev := rt.payloads(EventScanStatus); ev[len(ev)-1].(ScanStatusView).State != "ok" {
		t.Fatalf("last scan:status event %+v", ev[len(ev)-1])
	}
	d, _ = a.GetCase(id)
	if err := a.OpenAttachment(id, fileNamed(t, d, "Nachweis.txt").ID); err != nil {
		t.Fatal(err)
	}
	// The finding stays a finding.
	closed(t, a, id, fileNamed(t, d, "Rechnung.pdf"), clamdtest.Signature, opened)
}

// TestScanOff: without a scanner nothing is scanned and files open as before; a
// setting that names no usable scanner keeps them closed and says the scanner is
// down.
func TestScanOff(t *testing.T) {
	a, _ := newApp(t, 1)
	opened := countOpens(a)
	id := a.mustFirstCase(t)
	d, err := a.AddAttachmentData(id, "Rechnung.pdf", "", b64(clamdtest.File))
	if err != nil {
		t.Fatal(err)
	}
	at := fileNamed(t, d, "Rechnung.pdf")
	if at.Scan != "" || at.URL == "" || len(d.ScanNotices) != 0 {
		t.Fatalf("without a scanner %+v %q", at, d.ScanNotices)
	}
	if err := a.OpenAttachment(id, at.ID); err != nil || opened.Load() != 1 {
		t.Fatalf("open without a scanner: %v", err)
	}
	if st, _ := a.ScanStatus(); st.State != "off" || st.Message != "" {
		t.Fatalf("status %+v", st)
	}

	_, cfgErr := clamav.Configure("10.0.0.5:3310", "linux", nil, nil)
	b, _ := newAppOpts(t, 1, slog.New(slog.DiscardHandler), 0, func(e *Env) { e.Scan = NewScan(*e, nil, cfgErr) })
	opened = countOpens(b)
	id = b.mustFirstCase(t)
	d, err = b.AddAttachmentData(id, "Antrag.pdf", "", b64([]byte("%PDF-1.4")))
	if err != nil {
		t.Fatal(err)
	}
	closed(t, b, id, fileNamed(t, d, "Antrag.pdf"), "nicht geprüft", opened)
	if st, _ := b.ScanStatus(); st.State != "down" {
		t.Fatalf("status with a bad setting %+v", st)
	}
}

func (a *App) mustFirstCase(t *testing.T) string {
	t.Helper()
	p, err := a.ListCases(ListQuery{Limit: 1})
	if err != nil || len(p.Rows) == 0 {
		t.Fatalf("no case: %v", err)
	}
	return p.Rows[0].ID
}

func (a *App) rowOf(t *testing.T, id string) CaseRow {
	t.Helper()
	p, err := a.ListCases(ListQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Rows {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("case %s not listed", id)
	return CaseRow{}
}

// mailWithFile is a mail from Erika with one attachment.
func mailWithFile(subject, name string, content []byte) string {
	return fmt.Sprintf("From: Erika Mustermann <erika@example.org>\nSubject: %s\nDate: Fri, 27 Nov 2026 09:15:42 +0100\n"+
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XYZ\n\n--XYZ\nContent-Type: text/plain; charset=utf-8\n\nAnbei die Unterlagen.\n"+
		"--XYZ\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=%q\nContent-Transfer-Encoding: base64\n\n%s\n--XYZ--\n",
		subject, name, b64(content))
}

// TestScanMailIntake: a mail's attachment and its original are scanned before the
// case is committed; with clamd stopped they are "nicht geprüft" until it is back.
func TestScanMailIntake(t *testing.T) {
	clamd, s := privateClamd(t)
	a, _ := newAppOpts(t, 3, slog.New(slog.DiscardHandler), 0, withScanner(s))
	a.intake.mu.Lock()
	a.intake.poll = 100 * time.Millisecond
	a.intake.mu.Unlock()
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	opened := countOpens(a)
	host, port := memMailbox(t)
	appendMail(t, port, mailWithFile("Rechnung", "Rechnung.pdf", clamdtest.File))
	if _, err := a.SaveMailSettings(MailSettingsInput{Host: host, Port: port, TLS: "none", User: "amt", Password: "geheim-123"}); err != nil {
		t.Fatal(err)
	}
	id := a.caseWithTitle(t, "Rechnung")
	d, err := a.GetCase(id)
	if err != nil {
		t.Fatal(err)
	}
	closed(t, a, id, fileNamed(t, d, "Rechnung.pdf"), clamdtest.Signature, opened)
	// clamd finds the file inside the original mail too.
	closed(t, a, id, fileNamed(t, d, "Originalnachricht.eml"), clamdtest.Signature, opened)
	if row := a.rowOf(t, id); row.Scan != "infected" {
		t.Fatalf("row %+v", row)
	}

	clamd.Stop()
	time.Sleep(300 * time.Millisecond) // the watcher is in IDLE (see TestMailIntakeImportsListsFailuresAndRetries)
	appendMail(t, port, mailWithFile("Nachweis", "Nachweis.pdf", []byte("%PDF-1.4 harmlos")))
	id = a.caseWithTitle(t, "Nachweis")
	d, _ = a.GetCase(id)
	closed(t, a, id, fileNamed(t, d, "Nachweis.pdf"), "nicht geprüft", opened)
	if row := a.rowOf(t, id); row.Scan != "unchecked" {
		t.Fatalf("row %+v", row)
	}
	if st, _ := a.ScanStatus(); st.State != "down" {
		t.Fatalf("status %+v", st)
	}
	clamd.Restart()
	eventually(t, "the re-scan", func() bool {
		d, err := a.GetCase(id)
		return err == nil && fileNamed(t, d, "Nachweis.pdf").Scan == "clean" && fileNamed(t, d, "Originalnachricht.eml").Scan == "clean"
	})
	if row := a.rowOf(t, id); row.Scan != "" {
		t.Fatalf("row after the re-scan %+v", row)
	}
}

// nilChanges counts the cases:changed events that ask the window to reload all.
func nilChanges(rt *fakeRuntime) int {
	n := 0
	for _, p := range rt.payloads(EventCasesChanged) {
		if p == nil {
			n++
		}
	}
	return n
}

func (a *App) caseWithTitle(t *testing.T, title string) string {
	t.Helper()
	var id string
	eventually(t, "the case of mail "+title, func() bool {
		p, err := a.ListCases(ListQuery{Limit: 1000})
		if err != nil {
			return false
		}
		for _, r := range p.Rows {
			if c, err := a.db.Case(r.ID); err == nil && c.Title == title {
				id = r.ID
				return true
			}
		}
		return false
	})
	return id
}

// TestScanPulled: an attachment the sync downloads is scanned on this PC, whatever
// the PC that added it said: A has no scanner and opens the test file, B
// quarantines it; with B's clamd stopped a new one is "nicht geprüft" until it is
// back.
func TestScanPulled(t *testing.T) {
	clamd, s := privateClamd(t)
	e := newCloudEnv(t)
	a, _ := e.desktop(e.anna.ID)
	b, rtB := e.desktopPolling(e.bernd.ID, 200*time.Millisecond, withScanner(s))
	opened := countOpens(b)
	c := mustCase(t, a, postInput)
	// B's sweep of its demo files at start is over (it ends with a nil cases:changed).
	eventually(t, "B's first sweep", func() bool { un, err := b.db.UnscannedBlobs(true); return err == nil && len(un) == 0 })
	time.Sleep(100 * time.Millisecond)
	reloads := nilChanges(rtB)
	d, err := a.AddAttachmentData(c.ID, "Rechnung.pdf", "", b64(clamdtest.File))
	if err != nil {
		t.Fatal(err)
	}
	if at := fileNamed(t, d, "Rechnung.pdf"); at.Scan != "" || at.URL == "" {
		t.Fatalf("on A, without a scanner: %+v", at)
	}
	var bad AttachmentView
	eventually(t, "the test file on B, scanned", func() bool {
		d, err := b.GetCase(c.ID)
		if err != nil || len(d.Attachments) == 0 {
			return false
		}
		bad = d.Attachments[0]
		return bad.Scan == "infected"
	})
	closed(t, b, c.ID, bad, clamdtest.Signature, opened)
	if row := b.rowOf(t, c.ID); row.Scan != "infected" {
		t.Fatalf("row on B %+v", row)
	}
	// The verdict came after the case: the window is told to reload (a nil
	// cases:changed), or it would show the file as being scanned until the next change.
	eventually(t, "a nil cases:changed on B", func() bool { return nilChanges(rtB) > reloads })

	clamd.Stop()
	if _, err := a.AddAttachmentData(c.ID, "Nachweis.txt", "", b64([]byte("Meldebescheinigung"))); err != nil {
		t.Fatal(err)
	}
	var un AttachmentView
	eventually(t, "the second file on B, not checked", func() bool {
		d, err := b.GetCase(c.ID)
		if err != nil || len(d.Attachments) < 2 {
			return false
		}
		un = fileNamed(t, d, "Nachweis.txt")
		return un.Scan == "unchecked"
	})
	closed(t, b, c.ID, un, "nicht geprüft", opened)
	if st, _ := b.ScanStatus(); st.State != "down" {
		t.Fatalf("status on B %+v", st)
	}
	clamd.Restart()
	eventually(t, "the re-scan on B", func() bool {
		d, err := b.GetCase(c.ID)
		return err == nil && fileNamed(t, d, "Nachweis.txt").Scan == "clean"
	})
}

// slowDown answers every scan with ErrUnavailable after wait, as a clamd that hangs
// until the timeout does. Nothing real hangs on demand: this is a fake.
type slowDown struct {
	wait  time.Duration
	calls atomic.Int32
}

func (f *slowDown) Scan(ctx context.Context, r io.Reader) (clamav.Result, error) {
	f.calls.Add(1)
	time.Sleep(f.wait)
	return clamav.Result{}, fmt.Errorf("%w: timeout", clamav.ErrUnavailable)
}

func (f *slowDown) Ping(context.Context) error { return clamav.ErrUnavailable }

// TestScanBoundedWhileDown: once a scan found clamd down, the next files of a batch
// are marked "nicht geprüft" at once instead of each waiting for the timeout.
func TestScanBoundedWhileDown(t *testing.T) {
	fake := &slowDown{wait: 300 * time.Millisecond}
	var sc *Scan
	a, _ := newAppOpts(t, 0, slog.New(slog.DiscardHandler), 0, func(e *Env) {
		sc = NewScan(*e, &clamav.Scanner{Socket: "/nonexistent"}, nil)
		sc.scanner = fake
		sc.every = time.Hour // no retry during the test
		e.Scan = sc
	})
	start := time.Now()
	for i := range 5 {
		sha, _, err := a.db.PutBlob(strings.NewReader(fmt.Sprintf("Anlage %d", i)))
		if err != nil {
			t.Fatal(err)
		}
		if v := sc.Check(context.Background(), sha); v.State != model.ScanUnchecked {
			t.Fatalf("file %d: %+v", i, v)
		}
	}
	if n := fake.calls.Load(); n != 1 || time.Since(start) > 5*fake.wait {
		t.Fatalf("%d scans tried in %v, want 1 in about %v", n, time.Since(start), fake.wait)
	}
	if st := sc.status(); st.State != "down" {
		t.Fatalf("status %+v", st)
	}
}
