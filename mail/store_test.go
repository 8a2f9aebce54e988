package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/store/index"
)

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{Dir: t.TempDir(), Device: "A7"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// failRecord is the store's ledger with the importer's own Record failing, as a
// crash right after the committer's transaction would leave it.
type failRecord struct{ StoreLedger }

func (failRecord) Record(Entry) error { return errors.New("simulated crash") }

func TestStoreImportDovecot(t *testing.T) {
	s := needDovecot(t)
	cfg := s.config(t, TLSNone)
	raw := rawClient(t, cfg)
	db := openStore(t)
	clerk := model.Clerk{ID: "anna", Name: "Anna Amt", Role: model.RoleSachbearbeitung}
	bau, err := db.Create(clerk, model.Case{
		Type: "BAU", Title: "Carport", Channel: model.ChannelCounter,
		ReceivedAt: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC), Applicant: model.Applicant{Name: "Anna Schmidt"},
	})
	if err != nil {
		t.Fatal(err)
	}
	mails := corpus(t, "outlook.eml", "thunderbird.eml", "nofrom.eml")
	// Thunderbird's mail names BAU-2026-0042-A7; the case here has the number the
	// store gave it (a given number would leave the counter behind, which Check flags).
	mails[1] = []byte(strings.ReplaceAll(string(mails[1]), "BAU-2026-0042-A7", bau.FileNumber))
	appendMails(t, raw, "INBOX", nil, mails...)

	ctx := context.Background()
	now := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	committer := &StoreCommitter{DB: db, Now: func() time.Time { return now }}
	ledger := StoreLedger{DB: db}
	im := &Importer{Ledger: failRecord{ledger}, Commit: committer, Folder: "INBOX", TempDir: t.TempDir()}
	run := func(mb func(Mailbox) Mailbox) (Result, error) {
		t.Helper()
		m, err := Dial(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		return im.Run(ctx, mb(m))
	}
	plain := func(m Mailbox) Mailbox { return m }

	// Crash after the commit, before the importer's own ledger write and the MOVE.
	// The store commits the three mails of the FETCH batch in one transaction.
	if _, err := run(plain); err == nil {
		t.Fatal("crash not reported")
	}
	if n, _ := db.PendingCount(); n != 4 {
		t.Fatalf("%d mutations after the crash, want create BAU + 3 imports", n)
	}
	// Crash after all commits, before the MOVE.
	im.Ledger = ledger
	if _, err := run(func(m Mailbox) Mailbox { return &crashAfterCommit{Mailbox: m} }); err == nil {
		t.Fatal("crash not reported")
	}
	if n, _ := db.PendingCount(); n != 4 {
		t.Fatalf("%d mutations after the second crash, want 4", n)
	}
	res, err := run(plain)
	if err != nil || res.Imported != 0 || res.Known != 3 {
		t.Fatalf("restart %+v %v", res, err)
	}
	res, err = run(plain)
	if err != nil || res.Imported != 0 || res.Known != 0 {
		t.Fatalf("re-run %+v %v", res, err)
	}
	if n, _ := db.PendingCount(); n != 4 {
		t.Fatalf("%d mutations at the end, want 4", n)
	}
	if got := len(folderState(t, raw, ImportedFolder)); got != 3 {
		t.Fatalf("%s holds %d mails", ImportedFolder, got)
	}

	outlook := caseOf(t, db, ledger, mails[0])
	if outlook.Title != "Antrag auf Sondernutzung – Straßenfest" || outlook.Type != "SONSTIGES" ||
		outlook.Channel != model.ChannelEmail || outlook.Applicant.Name != "Müller, Jürgen" ||
		outlook.Applicant.Email != "j.mueller@example.org" || !outlook.ReceivedAt.Equal(time.Date(2026, 11, 2, 9, 15, 42, 0, time.UTC)) {
		t.Fatalf("outlook case %+v", outlook)
	}
	if !strings.Contains(formValue(outlook, fieldText), "Straßenfest am 12.06.2027") || formValue(outlook, fieldNotes) != "" {
		t.Fatalf("outlook form %+v", outlook.Form)
	}
	wantAttachments(t, db, outlook.Attachments, mails[0], "Lageplan Straßenfest.pdf", "winmail.dat", OriginalName)
	if h, _ := db.History(outlook.ID); len(h) != 1 || h[0].By != SystemClerk.ID {
		t.Fatalf("history %+v", h)
	}

	nofrom := caseOf(t, db, ledger, mails[2])
	if nofrom.Applicant.Name != unknownSender || nofrom.Title != "Sperrmuell" ||
		!strings.Contains(formValue(nofrom, fieldNotes), "Absender") {
		t.Fatalf("nofrom case %+v", nofrom)
	}
	wantAttachments(t, db, nofrom.Attachments, mails[2], OriginalName)

	// Thunderbird names the BAU case's file number: a message on that case, not a case.
	if c := caseOf(t, db, ledger, mails[1]); c.ID != bau.ID {
		t.Fatalf("thunderbird went to %s %q", c.FileNumber, c.Title)
	}
	bau, _ = db.Case(bau.ID)
	if len(bau.Messages) != 1 {
		t.Fatalf("%d messages on the case", len(bau.Messages))
	}
	msg := bau.Messages[0]
	if msg.Direction != model.MessageIncoming || msg.State != model.MessageReceived ||
		msg.Subject != "Nachreichung Unterlagen zu "+bau.FileNumber || !strings.Contains(msg.Body, "überarbeitete Grundriss") {
		t.Fatalf("message %+v", msg)
	}
	wantAttachments(t, db, msg.Attachments, mails[1], "Grundriss EG.pdf", OriginalName)
	if got := db.List(index.Query{}).Total; got != 3 {
		t.Fatalf("%d cases, want 3", got)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// caseOf returns the case the ledger names for the raw mail.
func caseOf(t *testing.T, db *store.DB, l StoreLedger, raw []byte) model.Case {
	t.Helper()
	e, ok, err := l.ByHash(sha256Hex(raw))
	if err != nil || !ok {
		t.Fatalf("mail not in ledger: %v", err)
	}
	c, err := db.Case(e.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func formValue(c model.Case, name string) string {
	for _, f := range c.Form {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

func wantAttachments(t *testing.T, db *store.DB, atts []model.Attachment, raw []byte, names ...string) {
	t.Helper()
	if len(atts) != len(names) {
		t.Fatalf("attachments %+v, want %v", atts, names)
	}
	for i, a := range atts {
		if a.Name != names[i] || a.ID == "" {
			t.Fatalf("attachment %d: %+v, want %s", i, a, names[i])
		}
		p, err := db.BlobPath(a.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil || int64(len(b)) != a.Size {
			t.Fatalf("blob of %s: %v, %d bytes, want %d", a.Name, err, len(b), a.Size)
		}
		if a.Name == OriginalName && (string(b) != string(raw) || a.MediaType != mediaTypeMessage) {
			t.Fatalf("original differs (%d bytes, %s)", len(b), a.MediaType)
		}
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
