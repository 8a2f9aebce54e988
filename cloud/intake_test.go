package cloud

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// sampleBoundary is the boundary of the samples in testdata/intake.
const sampleBoundary = "----OZGCloudFormBoundary7MA4YWxkTrZu0gW"

const sampleContentType = "multipart/form-data; boundary=" + sampleBoundary

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "intake", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func emptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("%d files left in the temp dir, first %s", len(entries), entries[0].Name())
	}
}

func TestParseIntakeGewerbeanmeldung(t *testing.T) {
	dir := t.TempDir()
	sub, err := ParseIntake(bytes.NewReader(sample(t, "gewerbeanmeldung.multipart")), sampleContentType, Limits{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if sub.TransactionID != "20260302-GA-7f3c9e21" || sub.ZustaendigeStelle != "ordnungsamt-musterstadt" ||
		!reflect.DeepEqual(sub.LeikaIDs, []string{"99050012104000"}) || sub.FormID != "gewerbeanmeldung-v3" || sub.Name != "Gewerbeanmeldung" {
		t.Errorf("control: %+v", sub)
	}
	wantPF := &model.Postfach{Type: "OSI", Identifier: "4f8e2c1a-33b7-4a6e-9d0c-8b1f2e3a4c5d", TrustLevel: "STORK-QAA-Level-1"}
	if !reflect.DeepEqual(sub.ServiceKonto, wantPF) {
		t.Errorf("serviceKonto %+v", sub.ServiceKonto)
	}
	if len(sub.Form) != 3 || sub.Form[0].Items[3].Items[2].Value != "Kiel" || sub.Form[0].Items[3].Label != "Wohnanschrift" {
		t.Errorf("form tree: %+v", sub.Form)
	}
	betrieb := sub.Form[1].Items
	for i, want := range []string{"Einzelhandel mit Backwaren, Café", "2026-04-01", "3", "1.5", "false"} {
		if betrieb[i].Value != want {
			t.Errorf("betrieb[%d] = %q, want %q", i, betrieb[i].Value, want)
		}
	}
	if sub.Form[2].Value != "true" {
		t.Errorf("erklaerung %q", sub.Form[2].Value)
	}
	if sub.Representation == nil || sub.Representation.Name != "Gewerbeanmeldung.pdf" || sub.Representation.MediaType != "application/pdf" {
		t.Fatalf("representation %+v", sub.Representation)
	}
	if len(sub.Attachments) != 2 || sub.Attachments[0].Name != "Personalausweis Rückseite.pdf" ||
		sub.Attachments[1].Name != "Mietvertrag.jpg" || sub.Attachments[1].MediaType != "image/jpeg" {
		t.Fatalf("attachments %+v", sub.Attachments)
	}
	for _, f := range append([]IntakeFile{*sub.Representation}, sub.Attachments...) {
		b, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if int64(len(b)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 || filepath.Dir(f.Path) != dir {
			t.Errorf("%s: size %d/%d, hash %s", f.Name, len(b), f.Size, f.SHA256)
		}
	}
	sub.Remove()
	emptyDir(t, dir)
}

func TestParseIntakeBayernID(t *testing.T) {
	dir := t.TempDir()
	// formData after a file part, a numeric-or-string postfach type, unknown fields
	// (metaData) as form servers send them.
	sub, err := ParseIntake(bytes.NewReader(sample(t, "bayernid-bauantrag.multipart")), sampleContentType, Limits{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Remove()
	if sub.ServiceKonto == nil || sub.ServiceKonto.Type != "BAYERN_ID" || sub.ServiceKonto.Identifier != "bayernid:postfach:0a1b2c3d" || sub.ServiceKonto.TrustLevel != "STORK-QAA-Level-3" {
		t.Errorf("serviceKonto %+v", sub.ServiceKonto)
	}
	if len(sub.Attachments) != 1 || sub.Attachments[0].Name != "Lageplan.pdf" || len(sub.LeikaIDs) != 2 {
		t.Errorf("%+v", sub)
	}
	if got := sub.Form[1].Items[3].Items[1]; got.Name != "nachbar2" || got.Value != "false" {
		t.Errorf("nested %+v", got)
	}
	if got := sub.Form[1].Items[2].Value; got != "36.75" {
		t.Errorf("number %q", got)
	}
}

// intakeBody builds a multipart body: parts is a list of name, filename, content.
type intakePart struct {
	name, file string
	data       []byte
}

func intakeBody(t testing.TB, parts ...intakePart) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := fmt.Sprintf(`form-data; name=%q`, p.name)
		if p.file != "" {
			cd += fmt.Sprintf(`; filename=%q`, p.file)
			h.Set("Content-Type", "application/pdf")
		}
		h.Set("Content-Disposition", cd)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(p.data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

func formJSON(stelle, txn string) []byte {
	return []byte(`{"control":{"transactionId":"` + txn + `","zustaendigeStelle":"` + stelle + `"},"formData":[{"name":"a","label":"A","stringValue":"x"}]}`)
}

var pdfBytes = []byte("%PDF-1.4\n%%EOF\n")

func TestIntakeHTTP(t *testing.T) {
	f := newFake()
	dir := t.TempDir()
	lim := Limits{IntakeFormData: 2000, IntakeRepresentation: 1000, IntakeAttachment: 500, IntakeAttachments: 3, IntakeTotal: 4000}
	h := newHandler(f, HandlerOptions{Logger: quietLog(), TempDir: dir, Limits: lim})

	good := func(extra ...intakePart) []intakePart {
		return append([]intakePart{{PartFormData, "", formJSON("ou-a", "t-1")}, {PartRepresentation, "antrag.pdf", pdfBytes}}, extra...)
	}
	post := func(body []byte, ct string, hdr map[string]string) *http.Response {
		if hdr == nil {
			hdr = map[string]string{}
		}
		hdr["Content-Type"] = ct
		return serve(t, h, req{method: "POST", path: wire.PathIntake, token: "intake-a", body: body, header: hdr, noVersion: true})
	}

	body, ct := intakeBody(t, good(intakePart{PartAttachment, "a.pdf", pdfBytes})...)
	resp := post(body, ct, nil)
	var ir wire.IntakeResponse
	if err := wire.Decode(resp.Body, wire.MaxBodySmall, &ir); resp.StatusCode != 201 || err != nil || ir.CaseID != "case-t-1" {
		t.Fatalf("intake: %d %v %+v", resp.StatusCode, err, ir)
	}
	if len(f.gotSub.Attachments) != 1 || f.gotSub.Form[0].Value != "x" {
		t.Errorf("service got %+v", f.gotSub)
	}
	emptyDir(t, dir)
	// gzip bodies are accepted.
	resp = post(gzipped(t, body), ct, map[string]string{"Content-Encoding": "gzip"})
	if resp.StatusCode != 201 {
		t.Errorf("gzip intake: %d", resp.StatusCode)
	}
	// A retry of a known transaction: 200, same case.
	body, ct = intakeBody(t, intakePart{PartFormData, "", formJSON("ou-a", "retry")}, intakePart{PartRepresentation, "a.pdf", pdfBytes})
	if resp := post(body, ct, nil); resp.StatusCode != 200 {
		t.Errorf("retry: %d", resp.StatusCode)
	}

	big := func(n int) []byte { return bytes.Repeat([]byte("x"), n) }
	deep := `{"name":"n","label":"l"}`
	for i := 0; i < maxFormDepth+1; i++ {
		deep = `{"name":"n","label":"l","formItems":[` + deep + `]}`
	}
	type tc struct {
		name   string
		parts  []intakePart
		ct     string // overrides the multipart content type
		raw    []byte // overrides the body
		status int
		reason string
	}
	form := func(s string) []intakePart {
		return []intakePart{{PartFormData, "", []byte(s)}, {PartRepresentation, "a.pdf", pdfBytes}}
	}
	cases := []tc{
		{name: "unknown zustaendigeStelle", parts: []intakePart{{PartFormData, "", formJSON("ou-b", "t-2")}, {PartRepresentation, "a.pdf", pdfBytes}}, status: 400, reason: "zuständige Stelle"},
		{name: "not multipart", ct: "application/json", status: 400, reason: "multipart/form-data"},
		{name: "no boundary", ct: "multipart/form-data", status: 400, reason: "boundary"},
		{name: "broken multipart", raw: []byte("--X\r\nContent-Disposition: form-data; name=\"formData\"\r\n\r\n{}"), ct: "multipart/form-data; boundary=X", status: 400, reason: "multipart"},
		{name: "missing formData", parts: []intakePart{{PartRepresentation, "a.pdf", pdfBytes}}, status: 400, reason: "formData"},
		{name: "missing representation", parts: []intakePart{{PartFormData, "", formJSON("ou-a", "t-3")}}, status: 400, reason: "representation"},
		{name: "empty representation", parts: []intakePart{{PartFormData, "", formJSON("ou-a", "t-3")}, {PartRepresentation, "a.pdf", nil}}, status: 400, reason: "leer"},
		{name: "duplicate formData", parts: good(intakePart{PartFormData, "", formJSON("ou-a", "t-4")}), status: 400, reason: "doppelt"},
		{name: "duplicate representation", parts: good(intakePart{PartRepresentation, "b.pdf", pdfBytes}), status: 400, reason: "doppelt"},
		{name: "unknown part", parts: good(intakePart{"signature", "s.p7s", pdfBytes}), status: 400, reason: "signature"},
		{name: "malformed JSON", parts: form(`{"control":{"transactionId":"t"`), status: 400, reason: "JSON"},
		{name: "JSON syntax", parts: form(`{"control":nope}`), status: 400, reason: "Syntax"},
		{name: "JSON wrong type", parts: form(`{"control":{"transactionId":5,"zustaendigeStelle":"ou-a"},"formData":[]}`), status: 400, reason: "transactionId"},
		{name: "data after JSON", parts: form(`{"control":{"transactionId":"t","zustaendigeStelle":"ou-a"},"formData":[]} {}`), status: 400, reason: "data after"},
		{name: "JSON null", parts: form(`null`), status: 400, reason: "control"},
		{name: "missing control", parts: form(`{"formData":[]}`), status: 400, reason: "control"},
		{name: "missing transactionId", parts: form(`{"control":{"zustaendigeStelle":"ou-a"},"formData":[]}`), status: 400, reason: "transactionId"},
		{name: "missing zustaendigeStelle", parts: form(`{"control":{"transactionId":"t"},"formData":[]}`), status: 400, reason: "zustaendigeStelle"},
		{name: "missing formData array", parts: form(`{"control":{"transactionId":"t","zustaendigeStelle":"ou-a"}}`), status: 400, reason: "formData"},
		{name: "formData not an array", parts: form(`{"control":{"transactionId":"t","zustaendigeStelle":"ou-a"},"formData":{}}`), status: 400, reason: "formData"},
		{name: "long transactionId", parts: form(`{"control":{"transactionId":"` + string(big(201)) + `","zustaendigeStelle":"ou-a"},"formData":[]}`), status: 400, reason: "zu lang"},
		{name: "empty leikaId", parts: form(`{"control":{"transactionId":"t","zustaendigeStelle":"ou-a","leikaIds":[""]},"formData":[]}`), status: 400, reason: "leikaId"},
		{name: "unknown serviceKonto", parts: form(`{"control":{"transactionId":"t","zustaendigeStelle":"ou-a","serviceKonto":{"type":"FACEBOOK"}},"formData":[]}`), status: 400, reason: "serviceKonto"},
		{name: "item without name", parts: form(`{"control":{"transactionId":"t","zustaendigeStelle":"ou-a"},"formData":[{"label":"x"}]}`), status: 400, reason: "name"},
		{name: "nested too deep", parts: form(`{"control":{"transactionId":"t","zustaendigeStelle":"ou-a"},"formData":[` + deep + `]}`), status: 400, reason: "tief"},
		{name: "formData too large", parts: form(`{"control":{"transactionId":"t","zustaendigeStelle":"ou-a","name":"` + string(big(2000)) + `"},"formData":[]}`), status: 413, reason: "formData"},
		{name: "representation too large", parts: []intakePart{{PartFormData, "", formJSON("ou-a", "t")}, {PartRepresentation, "a.pdf", big(1001)}}, status: 413, reason: "representation"},
		{name: "attachment too large", parts: good(intakePart{PartAttachment, "a.pdf", big(501)}), status: 413, reason: "attachment"},
		{name: "too many attachments", parts: good(intakePart{PartAttachment, "1", pdfBytes}, intakePart{PartAttachment, "2", pdfBytes}, intakePart{PartAttachment, "3", pdfBytes}, intakePart{PartAttachment, "4", pdfBytes}), status: 413, reason: "Anlagen"},
		{name: "body too large", parts: []intakePart{
			{PartFormData, "", []byte(`{"control":{"transactionId":"t","zustaendigeStelle":"ou-a","name":"` + string(big(1800)) + `"},"formData":[]}`)},
			{PartRepresentation, "a.pdf", big(1000)},
			{PartAttachment, "1", big(500)}, {PartAttachment, "2", big(500)}, {PartAttachment, "3", big(500)}}, status: 413, reason: "größer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.gotSub = Submission{}
			body, ct := c.raw, c.ct
			if c.parts != nil {
				var mct string
				body, mct = intakeBody(t, c.parts...)
				if ct == "" {
					ct = mct
				}
			}
			resp := post(body, ct, nil)
			e := wireError(t, resp)
			if resp.StatusCode != c.status || !strings.Contains(e.Message, c.reason) {
				t.Errorf("%d %q, want %d with %q", resp.StatusCode, e.Message, c.status, c.reason)
			}
			if f.gotSub.TransactionID != "" {
				t.Errorf("the service stored %q", f.gotSub.TransactionID)
			}
			emptyDir(t, dir)
		})
	}
}

func TestParseIntakeErrorsWrap(t *testing.T) {
	dir := t.TempDir()
	_, err := ParseIntake(strings.NewReader(""), "text/plain", Limits{}, dir)
	if !errors.Is(err, ErrBadRequest) {
		t.Errorf("not multipart: %v", err)
	}
	body, ct := intakeBody(t, intakePart{PartFormData, "", formJSON("ou", "t")}, intakePart{PartRepresentation, "a", bytes.Repeat([]byte("x"), 100)})
	_, err = ParseIntake(bytes.NewReader(body), ct, Limits{IntakeRepresentation: 10}, dir)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
	emptyDir(t, dir)
	// An unwritable temp dir is the server's problem, not the sender's.
	_, err = ParseIntake(bytes.NewReader(body), ct, Limits{}, filepath.Join(dir, "missing"))
	if err == nil || errors.Is(err, ErrBadRequest) || errors.Is(err, ErrTooLarge) {
		t.Errorf("missing temp dir: %v", err)
	}
}

// FuzzIntake feeds the parser arbitrary bodies under the samples' boundary: no panic,
// and either an error that is the sender's fault with no temp file left, or a
// submission whose files hash to what it claims.
func FuzzIntake(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "intake"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".multipart") {
			f.Add(sample(f, e.Name()))
		}
	}
	lim := Limits{IntakeFormData: 64 << 10, IntakeRepresentation: 64 << 10, IntakeAttachment: 64 << 10, IntakeAttachments: 4, IntakeTotal: 256 << 10}
	// One folder for all runs (a new one per run would dominate the time); each run
	// must leave it empty.
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body []byte) {
		sub, err := ParseIntake(bytes.NewReader(body), sampleContentType, lim, dir)
		if err != nil {
			if !errors.Is(err, ErrBadRequest) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error that is not the sender's: %v", err)
			}
			if status, e := errorFor(err); status >= 500 || e.Message == "" {
				t.Fatalf("maps to %d %+v", status, e)
			}
			emptyDir(t, dir)
			return
		}
		if sub.TransactionID == "" || sub.ZustaendigeStelle == "" || sub.Representation == nil || sub.Representation.Size == 0 {
			t.Fatalf("accepted an incomplete submission: %+v", sub)
		}
		if len(sub.Attachments) > lim.IntakeAttachments {
			t.Fatalf("%d attachments", len(sub.Attachments))
		}
		for _, file := range append([]IntakeFile{*sub.Representation}, sub.Attachments...) {
			b, err := os.ReadFile(file.Path)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if int64(len(b)) != file.Size || hex.EncodeToString(sum[:]) != file.SHA256 {
				t.Fatalf("%s: %d bytes, size %d, hash mismatch", file.Name, len(b), file.Size)
			}
			if strings.ContainsAny(file.Name, "/\\\x00") {
				t.Fatalf("file name %q", file.Name)
			}
		}
		if _, err := json.Marshal(sub.Form); err != nil {
			t.Fatal(err)
		}
		sub.Remove()
		emptyDir(t, dir)
	})
}
