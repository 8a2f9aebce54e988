package store

import (
	"errors"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
)

func TestImportMail(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	setupTest(t, db)
	sha := strings.Repeat("ab", 32)
	entry := MailEntry{Folder: "INBOX", Validity: 7, UID: 1, SHA256: sha, At: testNow}
	nc := newTestCase("SONSTIGES", "Erika Mustermann", testNow)
	nc.Attachments = []model.Attachment{{Name: "Originalnachricht.eml", MediaType: "message/rfc822", Size: 3, SHA256: sha}}
	id, err := db.ImportMail(clerkAnna, MailImport{New: &nc, Entry: entry})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Case(id)
	if err != nil || len(c.Attachments) != 1 || c.Attachments[0].ID == "" || c.Attachments[0].AddedBy != clerkAnna.ID {
		t.Fatalf("case %v %+v", err, c.Attachments)
	}
	if e, ok, err := db.MailLedgerByUID("INBOX", 7, 1); err != nil || !ok || e.CaseID != id {
		t.Fatalf("by UID %+v %v %v", e, ok, err)
	}
	if e, ok, err := db.MailLedgerByHash(sha); err != nil || !ok || e.CaseID != id {
		t.Fatalf("by hash %+v %v %v", e, ok, err)
	}
	if _, ok, _ := db.MailLedgerByUID("INBOX", 8, 1); ok {
		t.Fatal("other UIDVALIDITY found")
	}
	ob, _ := db.Outbox(0, 0)
	if len(ob) != 1 || ob[0].Kind != model.KindCreate {
		t.Fatalf("outbox %+v", ob)
	}

	// The same UID again, and the same content under another UID: nothing new.
	before := dump(t, db)
	again, err := db.ImportMail(clerkAnna, MailImport{New: &nc, Entry: entry})
	if err != nil || again != id {
		t.Fatalf("again %q %v", again, err)
	}
	if d := diff(before, dump(t, db)); d != "" {
		t.Fatalf("second import changed the store: %s", d)
	}
	moved := entry
	moved.Validity, moved.UID = 9, 4
	if again, err := db.ImportMail(clerkAnna, MailImport{New: &nc, Entry: moved}); err != nil || again != id {
		t.Fatalf("by hash %q %v", again, err)
	}
	if e, ok, _ := db.MailLedgerByUID("INBOX", 9, 4); !ok || e.CaseID != id {
		t.Fatalf("new UID not recorded: %+v", e)
	}
	if n, _ := db.PendingCount(); n != 1 {
		t.Fatalf("%d in outbox", n)
	}

	// A message on the existing case.
	sha2 := strings.Repeat("cd", 32)
	msg := model.Message{Direction: model.MessageIncoming, State: model.MessageReceived, Subject: "Nachtrag", Body: "Text", At: testNow,
		Attachments: []model.Attachment{{Name: "a.pdf", MediaType: "application/pdf", Size: 1, SHA256: sha2}}}
	got, err := db.ImportMail(clerkAnna, MailImport{CaseID: id, Message: msg, Entry: MailEntry{Folder: "INBOX", Validity: 7, UID: 2, SHA256: sha2}})
	if err != nil || got != id {
		t.Fatalf("message %q %v", got, err)
	}
	c, _ = db.Case(id)
	if len(c.Messages) != 1 || c.Messages[0].ID == "" || c.Messages[0].Attachments[0].ID == "" {
		t.Fatalf("messages %+v", c.Messages)
	}

	// A refused import records nothing.
	before = dump(t, db)
	bad := MailEntry{Folder: "INBOX", Validity: 7, UID: 3, SHA256: strings.Repeat("ef", 32)}
	if _, err := db.ImportMail(clerkAnna, MailImport{CaseID: "missing", Message: msg, Entry: bad}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing case: %v", err)
	}
	if _, err := db.ImportMail(clerkAnna, MailImport{New: &nc, Entry: MailEntry{Folder: "INBOX"}}); !errors.Is(err, ErrMailEntry) {
		t.Fatalf("incomplete entry: %v", err)
	}
	if d := diff(before, dump(t, db)); d != "" {
		t.Fatalf("refused import changed the store: %s", d)
	}
	if err := db.RecordMail(bad); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordMail(bad); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db)
}

// A store made before the mail ledger existed gets the bucket at Open, without a
// schema bump.
func TestOpenAddsMailLedger(t *testing.T) {
	dir := t.TempDir()
	db, _ := openTest(t, dir)
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketMailLedger) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, _ = openTest(t, dir)
	defer db.Close()
	if _, ok, err := db.MailLedgerByHash(strings.Repeat("ab", 32)); err != nil || ok {
		t.Fatalf("lookup after reopen: %v %v", ok, err)
	}
	if err := db.RecordMail(MailEntry{Folder: "INBOX", Validity: 1, UID: 1, SHA256: strings.Repeat("ab", 32)}); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db)
}
