package mail

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// batchStore is a caseStore that also takes batches; batchErr makes a batch fail.
type batchStore struct {
	*caseStore
	batches  int
	batchErr error
}

func (s *batchStore) CommitBatch(ctx context.Context, batch []*Pending) ([]string, error) {
	s.batches++
	if s.batchErr != nil {
		return nil, s.batchErr
	}
	var ids []string
	for _, p := range batch {
		id, err := s.Commit(ctx, p.Raw, p.Msg, p.Files, p.Entry)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// A FETCH batch goes to a BatchCommitter in one call; when that fails, the mails are
// committed one at a time, so one bad mail does not hold back the others.
func TestImportBatchAndFallback(t *testing.T) {
	cfg := memServer(t)
	raw := rawClient(t, cfg)
	appendMails(t, raw, "INBOX", nil, corpus(t, "mutt.eml", "spaces.eml", "thunderbird.eml")...)
	ctx := context.Background()
	run := func(s *batchStore) Result {
		t.Helper()
		im := &Importer{Ledger: NewMemLedger(), Commit: s, Folder: "INBOX", TempDir: t.TempDir()}
		m, err := Dial(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		res, err := im.Run(ctx, &noMark{Mailbox: m})
		if err != nil {
			t.Fatal(err)
		}
		if files, _ := os.ReadDir(im.TempDir); len(files) != 0 {
			t.Fatalf("%d temp files left", len(files))
		}
		return res
	}

	ok := &batchStore{caseStore: newCaseStore()}
	if res := run(ok); res.Imported != 3 || ok.batches != 1 || len(ok.cases) != 3 {
		t.Fatalf("batch: %+v, %d batches, %d cases", res, ok.batches, len(ok.cases))
	}

	broken := &batchStore{caseStore: newCaseStore(), batchErr: errors.New("disk full")}
	broken.failFor = "Stellungnahme"
	res := run(broken)
	if res.Imported != 2 || len(res.Failed) != 1 || !errors.Is(res.Failed[0].Err, ErrCommit) || broken.batches != 1 || len(broken.cases) != 2 {
		t.Fatalf("fallback: %+v, %d batches, %d cases", res, broken.batches, len(broken.cases))
	}
}

// noMark leaves the mailbox as it is, so each run of the test sees the same mails.
type noMark struct{ Mailbox }

func (noMark) MarkImported(context.Context, []imap.UID) error { return nil }
