package cloud_test

import (
	"bytes"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/sync/wire"
)

// TestIntakeCleansFileNames: the names a form server gives files pass through
// model.CleanFileName before they are stored. Regression for finding 8 of issue 11:
// "gnp.\u202eexe.pdf" was stored as is and shown as "...fdp.exe" posing as a picture.
func TestIntakeCleansFileNames(t *testing.T) {
	h := newHTS(t)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part := func(disposition string, data []byte) {
		hd := textproto.MIMEHeader{}
		hd.Set("Content-Disposition", disposition)
		hd.Set("Content-Type", "application/pdf")
		w, err := mw.CreatePart(hd)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	part(`form-data; name="formData"`, []byte(`{"control":{"transactionId":"names-1","zustaendigeStelle":"`+htStelleA+
		`"},"formData":[{"name":"nachname","label":"Name","stringValue":"Weiß"}]}`))
	part("form-data; name=\"representation\"; filename=\"Antrag\u202eFDP.pdf\"", []byte("%PDF-1.4 a"))
	part("form-data; name=\"attachment\"; filename=\"gnp.\u202eexe.pdf\"", []byte("%PDF-1.4 b"))
	part("form-data; name=\"attachment\"; filename*=UTF-8''%E2%81%A6Lageplan%E2%81%A9%20M%C3%BCller%E2%80%8B.pdf", []byte("%PDF-1.4 c"))
	part(`form-data; name="attachment"; filename="NUL.txt. "`, []byte("%PDF-1.4 d"))
	part("form-data; name=\"attachment\"; filename=\"\u202e\u200b . \"", []byte("%PDF-1.4 e"))
	mw.Close()
	status, body := read(t, h.do("POST", wire.PathIntake, h.intakeA, &buf, "Content-Type", mw.FormDataContentType()))
	if status != 201 {
		t.Fatalf("intake: %d %s", status, body)
	}
	changes, _ := h.changes(h.devA.Token)
	c := changes[len(changes)-1].Case
	got := []string{c.Representation.Name}
	for _, a := range c.Attachments {
		got = append(got, a.Name)
	}
	want := []string{"AntragFDP.pdf", "gnp.exe.pdf", "Lageplan Müller.pdf", "_NUL.txt", "anlage-4"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("stored names %q, want %q", got, want)
	}
}
