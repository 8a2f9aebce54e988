package mail

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/store/index"
)

// The figures of issue 5 with the case store in the loop: every mail is committed
// (fsynced) as a case with its .eml blob and ledger entry, as the app does.

// BenchmarkImportDovecotStore imports 1,000 small mails from the local Dovecot into
// a real store (the issue asks for at most 5 s). Appending them is not timed.
func BenchmarkImportDovecotStore(b *testing.B) {
	if dovecot == nil {
		b.Fatalf("install dovecot-imapd: %v", dovecotErr)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cfg := dovecot.configFor(fmt.Sprintf("bench-store-%d-%d", time.Now().UnixNano(), i), TLSNone)
		appendSmallMails(b, cfg, 1000)
		db, err := store.Open(store.Options{Dir: b.TempDir(), Device: "A7"})
		if err != nil {
			b.Fatal(err)
		}
		im := &Importer{Ledger: StoreLedger{DB: db}, Commit: &StoreCommitter{DB: db}, Folder: "INBOX", TempDir: b.TempDir()}
		b.StartTimer()
		m, err := Dial(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		res, err := im.Run(ctx, m)
		m.Close()
		b.StopTimer()
		if err != nil || res.Imported != 1000 {
			b.Fatalf("%+v %v", res, err)
		}
		if got := db.List(index.Query{}).Total; got != 1000 {
			b.Fatalf("%d cases, want 1000", got)
		}
		db.Close()
		b.StartTimer()
	}
}

// rssChildEnv carries the mailbox configuration (JSON) to the child process of
// TestDovecotLargeMailStoreRSS; TestMain starts no Dovecot of its own in the child.
const rssChildEnv = "MAIL_RSS_CHILD"

// rssResult is what the child reports on a line starting with "rss: ".
type rssResult struct {
	IdleKiB   int64 `json:"idleKiB"`
	PeakKiB   int64 `json:"peakKiB"`
	Imported  int   `json:"imported"`
	TookMilli int64 `json:"tookMs"`
}

// A 50 MB mail goes from Dovecot into a real store in a process of its own, whose
// peak resident size (VmHWM, reset before the import) may exceed its idle size by at
// most 40 MB (issue 5).
func TestDovecotLargeMailStoreRSS(t *testing.T) {
	s := needDovecot(t)
	cfg := s.config(t, TLSNone)
	cfg.Timeout = time.Minute
	path, _ := largeMail(t, 50<<20)
	appendFile(t, cfg, path)
	os.Remove(path)
	env, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLargeMailRSSChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), rssChildEnv+"="+string(env))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var r rssResult
	for _, line := range strings.Split(string(out), "\n") {
		if i := strings.Index(line, "rss: "); i >= 0 {
			if err := json.Unmarshal([]byte(line[i+5:]), &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if r.Imported != 1 || r.PeakKiB == 0 {
		t.Fatalf("child reported %+v\n%s", r, out)
	}
	growth := r.PeakKiB - r.IdleKiB
	t.Logf("50 MiB mail into the store: idle RSS %d KiB, peak RSS %d KiB, growth %d KiB (%.1f MiB), %d ms",
		r.IdleKiB, r.PeakKiB, growth, float64(growth)/1024, r.TookMilli)
	if growth > 40<<10 {
		t.Fatalf("peak RSS %d KiB above idle, budget 40 MiB", growth)
	}
}

// TestLargeMailRSSChild is the importing process of TestDovecotLargeMailStoreRSS; it
// does nothing on its own.
func TestLargeMailRSSChild(t *testing.T) {
	env := os.Getenv(rssChildEnv)
	if env == "" {
		return
	}
	var cfg Config
	if err := json.Unmarshal([]byte(env), &cfg); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(store.Options{Dir: t.TempDir(), Device: "A7"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	m, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	im := &Importer{Ledger: StoreLedger{DB: db}, Commit: &StoreCommitter{DB: db}, Folder: "INBOX", TempDir: t.TempDir()}

	runtime.GC()
	// Writing 5 resets VmHWM to the current RSS (Linux 4.0+), so the peak below is
	// the import's own.
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatal(err)
	}
	idle := procStatus(t, "VmRSS")
	start := time.Now()
	res, err := im.Run(ctx, m)
	took := time.Since(start)
	peak := procStatus(t, "VmHWM")
	if err != nil {
		t.Fatal(err)
	}
	rows := db.List(index.Query{}).Rows
	if len(rows) != 1 {
		t.Fatalf("%d cases", len(rows))
	}
	c, err := db.Case(rows[0].ID)
	if err != nil || len(c.Attachments) != 2 || c.Attachments[0].Size != 50<<20 {
		t.Fatalf("case %+v %v", c.Attachments, err)
	}
	b, _ := json.Marshal(rssResult{IdleKiB: idle, PeakKiB: peak, Imported: res.Imported, TookMilli: took.Milliseconds()})
	fmt.Printf("rss: %s\n", b)
}

// procStatus returns a "kB" field of /proc/self/status in KiB.
func procStatus(t *testing.T, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if ok && name == field {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("%s not in /proc/self/status", field)
	return 0
}
