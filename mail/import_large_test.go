package mail

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"
	"time"
)

// nullStore commits nothing; it only counts, so measurements see the import alone.
type nullStore struct{ n int }

func (s *nullStore) Commit(ctx context.Context, raw Fetched, m *Message, files []string, e Entry) (string, error) {
	s.n++
	return fmt.Sprintf("case-%d", s.n), nil
}

func appendFile(t *testing.T, cfg Config, path string) {
	raw := rawClient(t, cfg)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	cmd := raw.Append("INBOX", st.Size(), nil)
	if _, err := io.Copy(cmd, f); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// A 50 MB mail goes from Dovecot through fetch, parse and commit with a bounded heap.
func TestDovecotLargeMailMemory(t *testing.T) {
	s := needDovecot(t)
	cfg := s.config(t, TLSNone)
	cfg.Timeout = time.Minute
	path, _ := largeMail(t, 50<<20)
	appendFile(t, cfg, path)

	ctx := context.Background()
	m, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	store := &nullStore{}
	im := &Importer{Ledger: NewMemLedger(), Commit: store, Folder: "INBOX", TempDir: t.TempDir()}

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak := watchHeap()
	res, err := im.Run(ctx, m)
	growth := peak() - before.HeapAlloc
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	t.Logf("heap peak growth while importing 50 MiB: %d KiB", growth>>10)
	if growth > 16<<20 {
		t.Fatalf("heap grew by %d MiB", growth>>20)
	}
}

func TestMemLedger(t *testing.T) {
	l := NewMemLedger()
	e := Entry{Folder: "INBOX", Validity: 7, UID: 3, SHA256: "aa", CaseID: "c1"}
	if err := l.Record(e); err != nil {
		t.Fatal(err)
	}
	if err := l.Record(e); err != nil || l.Len() != 1 {
		t.Fatalf("second record: %v, len %d", err, l.Len())
	}
	if _, ok, _ := l.ByUID("INBOX", 8, 3); ok {
		t.Fatal("found under another UIDVALIDITY")
	}
	if _, ok, _ := l.ByUID("Anträge", 7, 3); ok {
		t.Fatal("found in another folder")
	}
	if got, ok, _ := l.ByUID("INBOX", 7, 3); !ok || got.CaseID != "c1" {
		t.Fatalf("ByUID %+v %v", got, ok)
	}
	// A new UIDVALIDITY: the same content under a new UID points to the first case.
	if err := l.Record(Entry{Folder: "INBOX", Validity: 8, UID: 1, SHA256: "aa", CaseID: "c1"}); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := l.ByHash("aa"); !ok || got.Validity != 7 {
		t.Fatalf("ByHash %+v %v", got, ok)
	}
	if err := l.Record(Entry{Folder: "INBOX", UID: 1, SHA256: "bb"}); err == nil {
		t.Fatal("entry without UIDVALIDITY accepted")
	}
}

// BenchmarkImportDovecot imports 1,000 small mails from the local Dovecot (the
// issue asks for at most 5 s). Appending them is not timed.
func BenchmarkImportDovecot(b *testing.B) {
	if dovecot == nil {
		b.Fatalf("install dovecot-imapd: %v", dovecotErr)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cfg := dovecot.configFor(fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i), TLSNone)
		appendSmallMails(b, cfg, 1000)
		store := &nullStore{}
		im := &Importer{Ledger: NewMemLedger(), Commit: store, Folder: "INBOX", TempDir: b.TempDir()}
		b.StartTimer()
		m, err := Dial(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		res, err := im.Run(ctx, m)
		m.Close()
		if err != nil || res.Imported != 1000 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

// appendSmallMails puts n small mails into the INBOX of cfg's user, the input of the
// 1,000-mail benchmarks.
func appendSmallMails(b *testing.B, cfg Config, n int) {
	b.Helper()
	raw, err := dialRaw(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	for j := 0; j < n; j++ {
		msg := []byte(fmt.Sprintf("From: Buerger %d <b%d@example.org>\r\nSubject: Antrag %d\r\nDate: Mon, 2 Nov 2026 09:15:42 +0000\r\n\r\nText %d\r\n", j, j, j, j))
		cmd := raw.Append("INBOX", int64(len(msg)), nil)
		cmd.Write(msg)
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}
