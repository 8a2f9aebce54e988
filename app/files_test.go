package app

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// attach adds a file as a stranger's attachment would arrive, bypassing what the
// UI's add methods do to names, and returns its ID.
func attach(t *testing.T, a *App, caseID, name string, body []byte) string {
	t.Helper()
	sha, size, err := a.db.PutBlob(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	id := newID()
	me := a.current()
	if _, err := a.Attachments.do(me, caseID, model.KindAttachment, model.AttachmentPayload{Attachment: model.Attachment{
		ID: id, Name: name, MediaType: "application/pdf", Size: size, SHA256: sha, AddedAt: now, AddedBy: me.ID,
	}}); err != nil {
		t.Fatal(err)
	}
	return id
}

func zipOf(t *testing.T, members map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, body := range members {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, body)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	testPDF  = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
	testPE   = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode."
	testHTML = "<!DOCTYPE html><html><body><script>localStorage.setItem('x','1')</script></body></html>"
	testLNK  = "L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F"
	testOLE2 = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00\x00\x00\x00\x00"
	pngHead  = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)

func ooxmlDoc(t *testing.T, macros bool) []byte {
	m := map[string]string{"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<document/>"}
	if macros {
		m["word/vbaProject.bin"] = testOLE2
	}
	return zipOf(t, m)
}

// openerSpy records what reached the OS opener.
type openerSpy struct{ opened []string }

func (o *openerSpy) open(p string) error { o.opened = append(o.opened, p); return nil }

// withOpener returns an app with a clerk signed in, a new case and the spy as the
// OS opener.
func withOpener(t *testing.T) (*App, CaseDetail, *openerSpy) {
	t.Helper()
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	spy := &openerSpy{}
	a.openPath = spy.open
	return a, mustCase(t, a, postInput), spy
}

// TestOpenRefusesDangerous: "Öffnen" refuses every dangerous class with its German
// reason and never calls the OS opener; only "Speichern unter …" is offered.
func TestOpenRefusesDangerous(t *testing.T) {
	a, d, spy := withOpener(t)
	for _, tc := range []struct {
		name, body string
		want       string // part of the message
	}{
		{"Rechnung.exe", testPE, "Dateien vom Typ .EXE können Programme"},
		{"Rechnung.js", "var x = 1;", "Dateien vom Typ .JS können Programme"},
		{"Scan.hta", testHTML, "Dateien vom Typ .HTA"},
		{"Formular.lnk", testLNK, "Dateien vom Typ .LNK"},
		{"Bescheid.iso", strings.Repeat("\x00", 64), "Dateien vom Typ .ISO"},
		{"Seite.html", testHTML, "Dateien vom Typ .HTML"},
		{"Bild.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x()</script></svg>", "Dateien vom Typ .SVG"},
		{"Antrag.pdf.exe", testPE, "Dateien vom Typ .EXE"},
		{"Antrag.pdf", testPE, "gibt sich als .PDF aus, enthält aber ein Programm"},
		{"Antrag", testPE, "enthält ein Programm"},
		{"Nachweis.docx", string(ooxmlDoc(t, true)), "enthält Makros, obwohl Dateien vom Typ .DOCX"},
		{"Foto.png", testPDF, "Der Inhalt passt nicht zur Dateiendung .PNG"},
		{"leer.pdf", "", "ist leer"},
		{"daten.bin", "\x01\x02\x03\x04 irgendwas", "Der Dateityp ist unbekannt"},
		{"gnp.\u202eexe.pdf", testPE, "gibt sich als .PDF aus"},
	} {
		id := attach(t, a, d.ID, tc.name, []byte(tc.body))
		r, err := a.OpenAttachment(d.ID, id)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.Outcome != OutcomeRefused || !strings.Contains(r.Message, tc.want) {
			t.Errorf("%s: %s %q, want refused with %q", tc.name, r.Outcome, r.Message, tc.want)
		}
		if r.Outcome == OutcomeRefused && tc.want != "ist leer" && (!r.MaySave || !strings.Contains(r.Message, "Speichern unter")) {
			t.Errorf("%s: refusal does not offer Speichern unter: %+v", tc.name, r)
		}
		// Confirming changes nothing for a refused file.
		if r, _ := a.OpenAttachmentConfirmed(d.ID, id); r.Outcome != OutcomeRefused {
			t.Errorf("%s: confirmed: %s", tc.name, r.Outcome)
		}
	}
	if len(spy.opened) != 0 {
		t.Fatalf("the OS opener was called for refused files: %v", spy.opened)
	}
	if _, err := os.Stat(filepath.Join(a.dataDir, viewFolder)); !os.IsNotExist(err) {
		t.Errorf("refused files were copied for viewing: %v", err)
	}
}

var scratchPath = regexp.MustCompile(`/(ansicht|druck)/[0-9a-f]{16}/[^/]+$`)

// TestOpenAllowed: documents and images go to the opener as a copy under the
// cleaned name in a folder of random name; macro documents only after confirming;
// ZIPs are listed, not opened.
func TestOpenAllowed(t *testing.T) {
	a, d, spy := withOpener(t)

	for _, tc := range []struct{ name, body, file string }{
		{"Nachweis Chip.pdf", testPDF, "Nachweis Chip.pdf"},
		{"Foto.png", pngHead, "Foto.png"},
		{"Brief.txt", "Sehr geehrte Damen und Herren,\nanbei mein Antrag.\n", "Brief.txt"},
		{"Antrag.docx", string(ooxmlDoc(t, false)), "Antrag.docx"},
		{"CON.pdf", testPDF, "_CON.pdf"},
		{"..\\..\\Weiß\u200b.pdf. ", testPDF, "Weiß.pdf"},
	} {
		id := attach(t, a, d.ID, tc.name, []byte(tc.body))
		before := len(spy.opened)
		r, err := a.OpenAttachment(d.ID, id)
		if err != nil || r.Outcome != OutcomeOpened || len(spy.opened) != before+1 {
			t.Fatalf("%s: %+v %v, opened %v", tc.name, r, err, spy.opened)
		}
		p := spy.opened[before]
		if filepath.Base(p) != tc.file || !scratchPath.MatchString(filepath.ToSlash(p)) || !strings.HasPrefix(p, a.dataDir) {
			t.Errorf("%s opened as %s", tc.name, p)
		}
		if b, err := os.ReadFile(p); err != nil || string(b) != tc.body {
			t.Errorf("%s: copy differs: %v", tc.name, err)
		}
	}
	if strings.Contains(strings.Join(spy.opened, " "), "Weiß/") || strings.Contains(strings.Join(spy.opened, " "), d.ID) {
		t.Errorf("a folder names the case or the file: %v", spy.opened)
	}

	// A macro document asks first and opens only when confirmed.
	for _, tc := range []struct{ name, body string }{{"Tabelle.xlsm", string(zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>", "xl/vbaProject.bin": testOLE2}))}, {"Alt.doc", testOLE2}} {
		id := attach(t, a, d.ID, tc.name, []byte(tc.body))
		before := len(spy.opened)
		r, err := a.OpenAttachment(d.ID, id)
		if err != nil || r.Outcome != OutcomeConfirm || !strings.Contains(r.Message, "Makros") || len(spy.opened) != before {
			t.Fatalf("%s unconfirmed: %+v %v", tc.name, r, err)
		}
		if r, err := a.OpenAttachmentConfirmed(d.ID, id); err != nil || r.Outcome != OutcomeOpened || len(spy.opened) != before+1 {
			t.Fatalf("%s confirmed: %+v %v", tc.name, r, err)
		}
	}

	// A ZIP is listed with names and sizes, never opened or extracted.
	id := attach(t, a, d.ID, "Unterlagen.zip", zipOf(t, map[string]string{"Antrag.pdf": testPDF, "Rechnung.pdf.exe": testPE}))
	before := len(spy.opened)
	r, err := a.OpenAttachment(d.ID, id)
	if err != nil || r.Outcome != OutcomeArchive || len(r.Entries) != 2 || len(spy.opened) != before {
		t.Fatalf("zip: %+v %v", r, err)
	}
	got := map[string]ArchiveEntry{}
	for _, e := range r.Entries {
		got[e.Name] = e
	}
	if e := got["Antrag.pdf"]; e.Size != int64(len(testPDF)) || e.Dangerous {
		t.Errorf("zip entry %+v", e)
	}
	if e := got["Rechnung.pdf.exe"]; !e.Dangerous || !strings.Contains(r.Message, "Achtung") {
		t.Errorf("dangerous entry not marked: %+v, %q", e, r.Message)
	}
}

// TestSaveAs: "Speichern unter …" proposes the cleaned name and writes the bytes
// where the clerk chose; cancelling writes nothing.
func TestSaveAs(t *testing.T) {
	a, rt := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	id := attach(t, a, d.ID, "Rechnung\u202egpj.exe", []byte(testPE))
	dst := filepath.Join(t.TempDir(), "kopie.exe")
	rt.saveTo = dst
	got, err := a.SaveAttachmentAs(d.ID, id)
	if err != nil || got != dst {
		t.Fatalf("save: %q %v", got, err)
	}
	if b, _ := os.ReadFile(dst); string(b) != testPE {
		t.Errorf("saved %q", b)
	}
	if len(rt.proposed) != 1 || rt.proposed[0] != "Rechnunggpj.exe" {
		t.Errorf("proposed %q", rt.proposed)
	}
	rt.saveTo = ""
	if got, err := a.SaveAttachmentAs(d.ID, id); err != nil || got != "" {
		t.Errorf("cancelled: %q %v", got, err)
	}
}

// TestFileHandlerHeaders: the preview handler serves PDFs and raster images under
// the type their content shows, with nosniff and a sandbox policy, and nothing else.
func TestFileHandlerHeaders(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	gif := "GIF89a\x01\x00\x01\x00\x00\x00\x00;"
	jpeg := "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
	srv := httptest.NewServer(FileHandler(a.Attachments))
	defer srv.Close()
	for _, tc := range []struct {
		name, body string
		status     int
		typ        string
	}{
		{"Antrag.pdf", testPDF, 200, "application/pdf"},
		{"Foto.png", pngHead, 200, "image/png"},
		{"Foto.jpg", jpeg, 200, "image/jpeg"},
		{"Foto.gif", gif, 200, "image/gif"},
		{"Seite.html", testHTML, 403, ""},
		{"Seite.pdf", testHTML, 403, ""}, // the sender's name and type do not count
		{"Bild.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x()</script></svg>", 403, ""},
		{"Brief.txt", "Hallo", 403, ""},
		{"Rechnung.exe", testPE, 403, ""},
		{"Antrag.pdf.exe", testPDF, 403, ""},
		{"Unterlagen.zip", string(zipOf(t, map[string]string{"a.pdf": testPDF})), 403, ""},
		{"Antrag.docx", string(ooxmlDoc(t, false)), 403, ""},
	} {
		id := attach(t, a, d.ID, tc.name, []byte(tc.body))
		res, err := http.Get(srv.URL + "/files/" + d.ID + "/" + id)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.status)
			continue
		}
		if tc.status != 200 {
			if strings.Contains(string(body), "<script") || strings.Contains(res.Header.Get("Content-Type"), "html") {
				t.Errorf("%s: refusal carries the content or HTML: %q %s", tc.name, body, res.Header.Get("Content-Type"))
			}
			continue
		}
		h := res.Header
		if h.Get("Content-Type") != tc.typ || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != "sandbox" || string(body) != tc.body {
			t.Errorf("%s: headers %v", tc.name, h)
		}
	}
}

// TestPrintOnlyVerifiedSigned: "Drucken" hands nothing to the OS viewer but a PDF
// whose signatures verify, though a decision (say one pulled by sync) says it is
// signed; it refuses in German.
func TestPrintOnlyVerifiedSigned(t *testing.T) {
	a, d, spy := withOpener(t)
	signed := now
	for i, body := range []string{testPDF, testHTML, testPE} {
		sha, size, err := a.db.PutBlob(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		dec := model.DecisionInfo{ID: newID(), Title: "Bescheid", CreatedAt: now, SignedAt: &signed,
			Document: &model.Attachment{ID: newID(), Name: "Bescheid.pdf", MediaType: "application/pdf", Size: size, SHA256: sha, AddedAt: now}}
		if _, err := a.Decisions.do(a.current(), d.ID, model.KindDecision, model.DecisionPayload{Decision: dec}); err != nil {
			t.Fatal(err)
		}
		err = a.PrintDecision(d.ID, dec.ID)
		if e := uiError(t, err); e.Code != CodeNotAllowed || !strings.Contains(e.Message, "kein gültig unterschriebenes PDF") {
			t.Errorf("document %d: %+v", i, e)
		}
		_, err = a.PrintBatch([]PrintLetter{{CaseID: d.ID, DecisionID: dec.ID}})
		if e := uiError(t, err); e.Code != CodeNotAllowed {
			t.Errorf("batch with document %d: %+v", i, e)
		}
	}
	if len(spy.opened) != 0 {
		t.Fatalf("unverified documents reached the OS viewer: %v", spy.opened)
	}
}

// TestScratch: copies for viewing and printing older than a day go at start, newer
// ones stay while the app runs, and all go when it ends.
func TestScratch(t *testing.T) {
	a, d, spy := withOpener(t)
	id := attach(t, a, d.ID, "Antrag Weiß.pdf", []byte(testPDF))
	if r, err := a.OpenAttachment(d.ID, id); err != nil || r.Outcome != OutcomeOpened {
		t.Fatalf("open: %+v %v", r, err)
	}
	fresh := spy.opened[0]
	old := filepath.Join(a.dataDir, printFolder, "0123456789abcdef", "Sammeldruck.pdf")
	legacy := filepath.Join(a.dataDir, viewFolder, "c0ffee", "Bescheid Erika Adler.pdf") // as earlier versions named it
	for _, p := range []string{old, legacy} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(testPDF), 0o400); err != nil {
			t.Fatal(err)
		}
	}
	// The fresh copy was made by the real clock; the cleaner's clock says it is a
	// minute old.
	info, _ := os.Stat(filepath.Dir(fresh))
	s := NewScratch(Env{DataDir: a.dataDir, Now: func() time.Time { return info.ModTime().Add(time.Minute) }})
	// The old folders are older than a day by the same clock.
	for _, p := range []string{old, legacy} {
		day := info.ModTime().Add(-25 * time.Hour)
		os.Chtimes(filepath.Dir(p), day, day)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, e1 := os.Stat(old)
		_, e2 := os.Stat(legacy)
		if os.IsNotExist(e1) && os.IsNotExist(e2) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("old copies kept: %v %v", e1, e2)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("fresh copy removed while the app runs: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, folder := range []string{viewFolder, printFolder} {
		if entries, _ := os.ReadDir(filepath.Join(a.dataDir, folder)); len(entries) != 0 {
			t.Errorf("%s keeps %d entries after the end", folder, len(entries))
		}
	}
}
