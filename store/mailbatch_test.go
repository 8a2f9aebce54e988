package store

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

func TestImportMails(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	sha, _, err := db.PutBlobUnsynced(bytes.NewReader([]byte("From: a\r\n\r\nText\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SyncBlobs(); err != nil {
		t.Fatal(err)
	}
	other := strings.Repeat("cd", 32)
	mk := func(name string) *model.Case {
		c := newTestCase("SONSTIGES", name, testNow)
		c.Attachments = []model.Attachment{{Name: "Originalnachricht.eml", MediaType: "message/rfc822", Size: 18, SHA256: sha}}
		return &c
	}
	ins := []MailImport{
		{New: mk("Erika Mustermann"), Entry: MailEntry{Folder: "INBOX", Validity: 7, UID: 1, SHA256: sha, At: testNow}},
		// The same content under another UID in the same batch goes to the first case.
		{New: mk("Erika Mustermann"), Entry: MailEntry{Folder: "INBOX", Validity: 7, UID: 2, SHA256: sha, At: testNow}},
		{New: mk("Max Muster"), Entry: MailEntry{Folder: "INBOX", Validity: 7, UID: 3, SHA256: other, At: testNow}},
	}
	before := db.List(index.Query{}).Total
	ids, err := db.ImportMails(clerkAnna, ins)
	if err != nil || len(ids) != 3 || ids[0] != ids[1] || ids[2] == ids[0] {
		t.Fatalf("ids %v %v", ids, err)
	}
	if got := db.List(index.Query{}).Total; got != before+2 {
		t.Fatalf("%d cases, want %d", got, before+2)
	}
	for uid, want := range map[uint32]string{1: ids[0], 2: ids[0], 3: ids[2]} {
		if e, ok, _ := db.MailLedgerByUID("INBOX", 7, uid); !ok || e.CaseID != want {
			t.Fatalf("ledger UID %d: %+v", uid, e)
		}
	}

	// One bad mail fails the batch, and nothing of it is written.
	state := dump(t, db)
	bad := []MailImport{
		{New: mk("Jana Neu"), Entry: MailEntry{Folder: "INBOX", Validity: 7, UID: 4, SHA256: strings.Repeat("ef", 32), At: testNow}},
		{CaseID: "no-such-case", Message: model.Message{Direction: model.MessageIncoming, State: model.MessageReceived, Subject: "x", Body: "y"},
			Entry: MailEntry{Folder: "INBOX", Validity: 7, UID: 5, SHA256: strings.Repeat("12", 32), At: testNow}},
	}
	if _, err := db.ImportMails(clerkAnna, bad); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bad batch: %v", err)
	}
	if d := diff(state, dump(t, db)); d != "" {
		t.Fatalf("failed batch changed the store: %s", d)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}
