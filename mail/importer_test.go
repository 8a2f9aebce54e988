package mail

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// caseStore is a fake Committer that remembers what it stored.
type caseStore struct {
	mu      sync.Mutex
	cases   map[string]*Message
	files   map[string][][]byte
	failFor string // subject whose commit fails
}

func (s *caseStore) Commit(ctx context.Context, raw Fetched, m *Message, files []string, e Entry) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failFor != "" && m.Subject == s.failFor {
		return "", errors.New("disk full")
	}
	if _, err := os.Stat(raw.Path); err != nil {
		return "", err
	}
	var contents [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		contents = append(contents, b)
	}
	id := fmt.Sprintf("case-%d", len(s.cases)+1)
	s.cases[id] = m
	s.files[id] = contents
	return id, nil
}

func newCaseStore() *caseStore {
	return &caseStore{cases: map[string]*Message{}, files: map[string][][]byte{}}
}

// crashAfterCommit fails MarkImported once, as a crash between commit and MOVE would.
type crashAfterCommit struct {
	Mailbox
	crashed bool
}

func (c *crashAfterCommit) MarkImported(ctx context.Context, uids []imap.UID) error {
	if !c.crashed {
		c.crashed = true
		return errors.New("simulated crash")
	}
	return c.Mailbox.MarkImported(ctx, uids)
}

func testImport(t *testing.T, cfg Config) {
	raw := rawClient(t, cfg)
	mails := corpus(t, "outlook.eml", "thirty.eml", "forwarded.eml")
	appendMails(t, raw, "INBOX", nil, mails...)
	ctx := context.Background()
	ledger, store := NewMemLedger(), newCaseStore()
	im := &Importer{Ledger: ledger, Commit: store, Folder: "INBOX", TempDir: t.TempDir()}

	// First run: everything committed, then the "crash" before marking.
	m, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.Run(ctx, &crashAfterCommit{Mailbox: m}); err == nil {
		t.Fatal("crash not reported")
	}
	m.Close()
	if len(store.cases) != 3 || ledger.Len() != 3 {
		t.Fatalf("%d cases, %d in ledger after first run", len(store.cases), ledger.Len())
	}

	// Restart: nothing imported twice, the mails are now filed.
	m, err = Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := im.Run(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 0 || res.Known != 3 || len(store.cases) != 3 {
		t.Fatalf("second run %+v, %d cases", res, len(store.cases))
	}
	// Third run: the folder is empty (or all marked).
	res, err = im.Run(ctx, m)
	if err != nil || res.Imported != 0 || res.Known != 0 {
		t.Fatalf("third run %+v %v", res, err)
	}
	m.Close()

	var thirty *Message
	for id, c := range store.cases {
		if c.Subject == "Unterlagen Vereinsfest" {
			thirty = c
			if len(store.files[id]) != 30 || string(store.files[id][29]) != "Inhalt der Anlage 30\n" {
				t.Fatalf("attachments of %s: %d", id, len(store.files[id]))
			}
		}
	}
	if thirty == nil {
		t.Fatal("mail with 30 attachments missing")
	}

	// The same mail again under a new UID is recognised by its hash.
	appendMails(t, raw, "INBOX", nil, mails[0])
	m, err = Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	res, err = im.Run(ctx, m)
	if err != nil || res.Imported != 0 || res.Known != 1 || len(store.cases) != 3 {
		t.Fatalf("duplicate run %+v %v, %d cases", res, err, len(store.cases))
	}
}

func TestImportDovecot(t *testing.T) {
	s := needDovecot(t)
	cfg := s.config(t, TLSNone)
	testImport(t, cfg)
	state := folderState(t, rawClient(t, cfg), ImportedFolder)
	if len(state) != 4 {
		t.Fatalf("%s holds %d mails, want 4", ImportedFolder, len(state))
	}
}

func TestImportKeywordMode(t *testing.T) {
	cfg := memServer(t)
	testImport(t, cfg)
	state := folderState(t, rawClient(t, cfg), "INBOX")
	if len(state) != 4 {
		t.Fatalf("INBOX holds %d mails, want 4", len(state))
	}
	for uid, flags := range state {
		if !hasFlag(flags, ImportedKeyword) || hasFlag(flags, imap.FlagSeen) {
			t.Errorf("UID %d flags %v", uid, flags)
		}
	}
}

// A mail whose commit fails stays in the folder and is reported; the others go on.
func TestImportCommitFailure(t *testing.T) {
	cfg := memServer(t)
	raw := rawClient(t, cfg)
	appendMails(t, raw, "INBOX", nil, corpus(t, "mutt.eml", "spaces.eml")...)
	ctx := context.Background()
	store := newCaseStore()
	store.failFor = "Stellungnahme"
	im := &Importer{Ledger: NewMemLedger(), Commit: store, Folder: "INBOX", TempDir: t.TempDir()}
	m, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	res, err := im.Run(ctx, m)
	if err != nil || res.Imported != 1 || len(res.Failed) != 1 || !errors.Is(res.Failed[0].Err, ErrCommit) {
		t.Fatalf("%+v %v", res, err)
	}
	store.failFor = ""
	res, err = im.Run(ctx, m)
	if err != nil || res.Imported != 1 || len(store.cases) != 2 {
		t.Fatalf("retry %+v %v", res, err)
	}
	if files, _ := os.ReadDir(im.TempDir); len(files) != 0 {
		t.Fatalf("%d temp files left", len(files))
	}
}
