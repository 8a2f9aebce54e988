package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/ozgcloud/desktop/model"
)

// pendingMail is a parsed mail as the importer hands it to CommitBatch.
func pendingMail(t *testing.T, uid uint32, subject, text string) *Pending {
	t.Helper()
	raw := fmt.Sprintf("From: Bea Berg <bea@example.org>\r\nSubject: %s\r\n\r\n%s\r\n", subject, text)
	path := filepath.Join(t.TempDir(), fmt.Sprintf("mail-%d.eml", uid))
	if err := os.WriteFile(path, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(raw))
	sha := hex.EncodeToString(sum[:])
	return &Pending{
		Raw:   Fetched{UID: imap.UID(uid), Path: path, Size: int64(len(raw)), SHA256: sha},
		Msg:   &Message{Subject: subject, Text: text, From: Address{Name: "Bea Berg", Address: "bea@example.org"}},
		Entry: Entry{Folder: "INBOX", Validity: 7, UID: uid, SHA256: sha, At: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)},
	}
}

// A mail naming the file number of a case that an earlier mail of the same batch
// creates is added to that case, not made a case of its own.
func TestCommitBatchFileNumberOfSameBatch(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC) }

	// The first case of a fresh store with this device gets the same number in both.
	probe := &StoreCommitter{DB: openStore(t), Now: now}
	first, err := probe.CommitBatch(ctx, []*Pending{pendingMail(t, 1, "Antrag", "Bitte prüfen.")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := probe.DB.Case(first[0])
	if err != nil {
		t.Fatal(err)
	}
	fn := c.FileNumber
	if fn == "" {
		t.Fatal("no file number")
	}

	db := openStore(t)
	s := &StoreCommitter{DB: db, Now: now}
	batch := []*Pending{
		pendingMail(t, 1, "Antrag", "Bitte prüfen."),
		pendingMail(t, 2, "Nachtrag zu "+fn, "Anbei die fehlende Seite."),
		pendingMail(t, 3, "Anderes", "Ohne Aktenzeichen."),
	}
	ids, err := s.CommitBatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 || ids[1] != ids[0] || ids[2] == ids[0] {
		t.Fatalf("case IDs %v: the second mail must go to the first one's case", ids)
	}
	got, err := db.Case(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.FileNumber != fn || len(got.Messages) != 1 || got.Messages[0].Direction != model.MessageIncoming {
		t.Fatalf("case %s with %d messages", got.FileNumber, len(got.Messages))
	}
	// Committing the batch again (the importer's fallback after a failure) adds nothing.
	again, err := s.CommitBatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(again) != fmt.Sprint(ids) {
		t.Fatalf("again %v, first %v", again, ids)
	}
	if got, _ := db.Case(ids[0]); len(got.Messages) != 1 {
		t.Fatalf("%d messages after committing again", len(got.Messages))
	}
}

// A mail on a case longer than a message may be (model.MaxMessageBody) is added with
// its text cut and a note saying so; the whole mail stays in the original attached to
// it. Before the limit existed such a mail was stored whole; with the limit and
// without the cut it could not be imported at all.
func TestCommitLongMailIsCut(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC) }
	db := openStore(t)
	s := &StoreCommitter{DB: db, Now: now}
	first, err := s.CommitBatch(ctx, []*Pending{pendingMail(t, 1, "Antrag", "Bitte prüfen.")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Case(first[0])
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Lärm ", model.MaxMessageBody/4)
	ids, err := s.CommitBatch(ctx, []*Pending{pendingMail(t, 2, "Nachtrag zu "+c.FileNumber+" "+strings.Repeat("x", 600), long)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Case(ids[0])
	if err != nil || len(got.Messages) != 1 {
		t.Fatalf("case %v, %v", got.Messages, err)
	}
	m := got.Messages[0]
	if n := utf8.RuneCountInString(m.Body); n > model.MaxMessageBody || !strings.Contains(m.Body, textCut) || !strings.HasPrefix(m.Body, "Lärm Lärm") {
		t.Fatalf("body of %d characters, note %v", n, strings.Contains(m.Body, textCut))
	}
	if n := utf8.RuneCountInString(m.Subject); n != model.MaxMessageSubject {
		t.Fatalf("subject of %d characters", n)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != OriginalName {
		t.Fatalf("attachments %+v", m.Attachments)
	}
}
