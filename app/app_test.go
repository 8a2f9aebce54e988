package app

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/datadir"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/store"
)

// fakeRuntime records events and answers the file dialog with preset paths.
type fakeRuntime struct {
	mu     sync.Mutex
	events map[string][]any
	files  []string
	// saveTo answers the save dialog; proposed records the names it was offered.
	saveTo   string
	proposed []string
	// yes answers the native questions (Confirm); asked keeps their messages.
	yes   bool
	asked []string
}

func (f *fakeRuntime) Confirm(_, message string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, message)
	return f.yes, nil
}

func (f *fakeRuntime) Emit(event string, data ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.events == nil {
		f.events = map[string][]any{}
	}
	if len(data) == 0 {
		data = []any{nil} // an event without payload counts too
	}
	f.events[event] = append(f.events[event], data...)
}

func (f *fakeRuntime) OpenFiles(string) ([]string, error) { return f.files, nil }

// SaveFile answers the save dialog with f.saveTo ("" = cancelled) and records the
// name it proposed.
func (f *fakeRuntime) SaveFile(_, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.proposed = append(f.proposed, name)
	return f.saveTo, nil
}

func (f *fakeRuntime) count(event string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.events[event])
}

// payloads returns the payloads of the event emitted so far.
func (f *fakeRuntime) payloads(event string) []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]any(nil), f.events[event]...)
}

var now = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func uiError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %v", err)
	}
	// What the UI receives is the JSON text of the error.
	var back Error
	if jerr := json.Unmarshal([]byte(err.Error()), &back); jerr != nil || back.Message == "" {
		t.Fatalf("error text is not the JSON the UI parses: %q", err.Error())
	}
	return e
}

func mustCase(t *testing.T, a *App, in NewCaseInput) CaseDetail {
	t.Helper()
	d, err := a.CreateCase(in)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var postInput = NewCaseInput{Type: "HUND", Channel: "POST", Received: "2026-11-27", Name: "Jürgen Weiß", Street: "Lindenstraße 4", PostalCode: "12345", City: "Musterhausen", Note: "Anmeldung Dackel Waldi"}

func TestSessionOfDemoStore(t *testing.T) {
	a, _ := newApp(t, 40)
	s, err := a.Session()
	if err != nil {
		t.Fatal(err)
	}
	if s.Fatal != "" || !s.Demo || s.Municipality != "Gemeinde Musterhausen" || len(s.Clerks) != 4 {
		t.Fatalf("session %+v", s)
	}
	if s.Clerk.Role != "sachbearbeitung" {
		t.Errorf("starts as %s, want a Sachbearbeitung clerk", s.Clerk.Role)
	}
	p, err := a.ListCases(ListQuery{Limit: 50})
	if err != nil || p.Total != 40 || len(p.Rows) != 40 {
		t.Fatalf("list: %d rows of %d, %v", len(p.Rows), p.Total, err)
	}
	var lead string
	for _, c := range s.Clerks {
		if c.Role == "leitung" {
			lead = c.ID
		}
	}
	s2, err := a.SwitchClerk(lead)
	if err != nil || s2.Clerk.ID != lead {
		t.Fatalf("switch: %+v %v", s2.Clerk, err)
	}
}

func TestCreateCaseAndWorkflow(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	if !strings.HasPrefix(d.FileNumber, "HST-2026-") || !strings.HasSuffix(d.FileNumber, "-A7") {
		t.Errorf("file number %q", d.FileNumber)
	}
	if d.Status != "NEU" || len(d.History) != 1 {
		t.Fatalf("new case: status %s, %d history entries", d.Status, len(d.History))
	}
	if !hasAction(d, "annehmen") || hasAction(d, "bearbeiten") {
		t.Fatalf("actions for NEU: %+v", d.Actions)
	}
	// A transition not allowed now is refused with a German message and changes nothing.
	_, err := a.Transition(d.ID, "bearbeiten", "")
	if e := uiError(t, err); e.Code != CodeNotAllowed || !strings.Contains(e.Message, "nicht möglich") {
		t.Fatalf("refusal: %+v", e)
	}
	steps := []func() (CaseDetail, error){
		func() (CaseDetail, error) { return a.Transition(d.ID, "annehmen", "") },
		func() (CaseDetail, error) { return a.Transition(d.ID, "bearbeiten", "") },
		func() (CaseDetail, error) { return a.AddComment(d.ID, "Chipnummer nachgefragt") },
		func() (CaseDetail, error) { return a.AddFollowUp(d.ID, "2026-12-01", "Antwort prüfen") },
		func() (CaseDetail, error) { return a.Assign(d.ID, a.current().ID) },
		func() (CaseDetail, error) {
			return a.SendMessage(d.ID, "Rückfrage", "Bitte senden Sie die Chipnummer.")
		},
	}
	for i, step := range steps {
		if d, err = step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if d.Status != "IN_BEARBEITUNG" || d.Assignee != a.current().ID || len(d.Comments) != 1 || len(d.FollowUps) != 1 || len(d.Messages) != 1 {
		t.Fatalf("after workflow: %+v", d)
	}
	if d.Messages[0].StateLabel != "wartet auf Versand" {
		t.Errorf("message state %q", d.Messages[0].StateLabel)
	}
	if len(d.History) != 7 || !strings.Contains(d.History[0].Summary, "Rückfrage") {
		t.Errorf("history newest first, 7 entries: %+v", d.History)
	}
	v, err := a.VerifyHistory(d.ID)
	if err != nil || !v.OK || v.Entries != 7 {
		t.Fatalf("verify: %+v %v", v, err)
	}
	c, _ := a.Counts()
	if c.Pending != 7 || c.Mine != 1 {
		t.Errorf("counts %+v: want 7 pending changes, 1 mine", c)
	}
}

func TestReasonRequiredForDiscard(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	_, err := a.Transition(d.ID, "verwerfen", "  ")
	if e := uiError(t, err); e.Fields["reason"] == "" {
		t.Fatalf("no field error for reason: %+v", e)
	}
	if d, err = a.Transition(d.ID, "verwerfen", "Doppelt eingegangen"); err != nil || d.Status != "VERWORFEN" {
		t.Fatalf("discard with reason: %v %s", err, d.Status)
	}
}

func TestCreateCaseValidation(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	_, err := a.CreateCase(NewCaseInput{Type: "", Channel: "FAX", Received: "2027-05-01", PostalCode: "1234", Email: "x"})
	e := uiError(t, err)
	for _, f := range []string{"type", "channel", "received", "name", "postalCode", "email"} {
		if e.Fields[f] == "" {
			t.Errorf("no message for field %s: %+v", f, e.Fields)
		}
	}
	if p, _ := a.ListCases(ListQuery{}); p.Total != 0 {
		t.Errorf("an invalid form created %d cases", p.Total)
	}
}

func TestAttachments(t *testing.T) {
	a, rt := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "Nachweis Chip.pdf")
	os.WriteFile(pdf, []byte("%PDF-1.4\n% test\n"), 0o600)
	rt.files = []string{pdf}
	d, err := a.AddAttachmentsFromDialog(d.ID)
	if err != nil || len(d.Attachments) != 1 || d.Attachments[0].MediaType != "application/pdf" || d.Attachments[0].Preview != "pdf" {
		t.Fatalf("from path: %+v %v", d.Attachments, err)
	}
	png := filepath.Join(dir, "foto.png")
	os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n0000"), 0o600)
	rt.files = []string{png}
	if d, err = a.AddAttachmentsFromDialog(d.ID); err != nil || len(d.Attachments) != 2 || d.Attachments[1].Preview != "image" {
		t.Fatalf("from dialog: %+v %v", d.Attachments, err)
	}
	if d, err = a.AddAttachmentData(d.ID, "notiz.txt", "text/plain", base64.StdEncoding.EncodeToString([]byte("Hallo"))); err != nil || len(d.Attachments) != 3 {
		t.Fatalf("from data: %v", err)
	}
	big := filepath.Join(dir, "gross.bin")
	os.WriteFile(big, make([]byte, 2<<20), 0o600)
	rt.files = []string{big}
	_, err = a.AddAttachmentsFromDialog(d.ID)
	if e := uiError(t, err); e.Code != CodeTooLarge || !strings.Contains(e.Message, "gross.bin") {
		t.Fatalf("too large: %+v", e)
	}
	_, err = a.AddAttachmentData(d.ID, "gross.bin", "", base64.StdEncoding.EncodeToString(make([]byte, 2<<20)))
	if e := uiError(t, err); e.Code != CodeTooLarge {
		t.Fatalf("too large data: %+v", e)
	}
	rt.files = []string{filepath.Join(dir, "fehlt.pdf")}
	_, err = a.AddAttachmentsFromDialog(d.ID)
	if e := uiError(t, err); e.Code != CodeUnreadable {
		t.Fatalf("missing file: %+v", e)
	}
	if got, _ := a.GetCase(d.ID); len(got.Attachments) != 3 {
		t.Errorf("refused files were added: %d attachments", len(got.Attachments))
	}

	// The preview handler serves the file's bytes with its media type, and nothing of
	// another case.
	srv := httptest.NewServer(FileHandler(a.Attachments))
	defer srv.Close()
	res, err := http.Get(srv.URL + d.Attachments[0].URL)
	if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("preview: %v %v", res, err)
	}
	other := mustCase(t, a, postInput)
	res, _ = http.Get(srv.URL + "/files/" + other.ID + "/" + d.Attachments[0].ID)
	if res.StatusCode != 404 {
		t.Errorf("file served under another case: %d", res.StatusCode)
	}

	var opened string
	a.openPath = func(p string) error { opened = p; return nil }
	if r, err := a.OpenAttachment(d.ID, d.Attachments[0].ID); err != nil || r.Outcome != OutcomeOpened {
		t.Fatalf("open: %+v %v", r, err)
	}
	if b, err := os.ReadFile(opened); err != nil || filepath.Base(opened) != "Nachweis Chip.pdf" || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("opened %q: %v", opened, err)
	}
}

func TestBulkActionsReportEachRefusal(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, mustCase(t, a, postInput).ID)
	}
	if _, err := a.Transition(ids[1], "annehmen", ""); err != nil {
		t.Fatal(err)
	}
	res, err := a.BulkTransition(ids, "annehmen")
	if err != nil || res.Done != 2 || len(res.Failed) != 1 || res.Failed[0].ID != ids[1] || res.Failed[0].FileNumber == "" {
		t.Fatalf("bulk accept: %+v %v", res, err)
	}
	res, err = a.BulkAssign(ids, a.current().ID, false)
	if err != nil || res.Done != 3 {
		t.Fatalf("bulk assign: %+v %v", res, err)
	}
	if _, err := a.BulkAssign(ids, "niemand", false); uiError(t, err).Code != CodeInvalid {
		t.Error("assigning to an unknown clerk accepted")
	}
}

func TestDueFollowUpsAnnouncedOnce(t *testing.T) {
	a, rt := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	if _, err := a.AddFollowUp(d.ID, "2026-11-28", "Heute prüfen"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddFollowUp(d.ID, "2026-12-28", "Später"); err != nil {
		t.Fatal(err)
	}
	due, err := a.DueFollowUps(false)
	if err != nil || len(due) != 1 || due[0].Reason != "Heute prüfen" || due[0].Overdue {
		t.Fatalf("due: %+v %v", due, err)
	}
	var notes []string
	a.notify = func(title, body string) error { notes = append(notes, title+": "+body); return nil }
	seen := map[string]bool{}
	a.followUps.announceDue(seen)
	a.followUps.announceDue(seen)
	if rt.count(EventFollowUpDue) != 1 || len(notes) != 1 || !strings.Contains(notes[0], d.FileNumber) {
		t.Errorf("announced %d times, notes %q", rt.count(EventFollowUpDue), notes)
	}
}

// TestFatalMessages: a store that cannot be opened is explained in German, naming the
// folder or file (main binds only this Desk then; see main_test.go).
func TestFatalMessages(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("open: %w", store.ErrLocked), "läuft bereits"},
		{fmt.Errorf("open: %w", store.ErrCorrupt), filepath.Join(dir, store.FileName)},
		{fmt.Errorf("open: %w", store.ErrSchemaTooNew), "neueren Version"},
		{errors.New("disk full"), "disk full"},
		{fmt.Errorf("%w: %s", datadir.ErrLink, dir), "Verknüpfung"},
		{fmt.Errorf("%w: %s", datadir.ErrNotDir, dir), "eine Datei, kein Ordner"},
		{fmt.Errorf("%w: %s", datadir.ErrForeignOwner, dir), "anderen Benutzerkonto"},
	} {
		s, err := NewFatalDesk(dir, tt.err).Session()
		if err != nil || !strings.Contains(s.Fatal, tt.want) || s.DataDir != dir {
			t.Errorf("%v: %q %v", tt.err, s.Fatal, err)
		}
	}
}

func hasAction(d CaseDetail, action string) bool {
	for _, a := range d.Actions {
		if a.Action == action {
			return true
		}
	}
	return false
}

// seedClerks gives an empty store the demo municipality and clerks, without cases.
func seedClerks(t *testing.T, a *App) {
	t.Helper()
	m := demo.Musterhausen()
	if err := a.db.SetMunicipality(store.Municipality{Name: m.Name, Tenant: m.Tenant, OrgUnit: m.OrgUnit, OrgUnitName: m.OrgUnitName, Demo: true}); err != nil {
		t.Fatal(err)
	}
	for _, c := range demo.Clerks() {
		if err := a.db.PutClerk(c); err != nil {
			t.Fatal(err)
		}
	}
	a.reloadClerk(t)
}
