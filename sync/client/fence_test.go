package client

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Issue 18 against the real service: a data folder restored from a backup or
// copied to a second PC loses no clerk's change, and the clerk is told once.

// copyDir copies the data folder src (its store closed) to dst, as a backup, an
// image of the PC or a roaming profile does.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// reopen opens the store in dir again and returns it with an engine.
func reopen(t testing.TB, dir string) (*store.DB, *Client) {
	t.Helper()
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := ForStore(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db, c
}

func addComment(t testing.TB, db *store.DB, by model.Clerk, caseID, text string) {
	t.Helper()
	if _, err := db.Do(by, caseID, model.KindComment, model.CommentPayload{Comment: model.Comment{
		ID: "k-" + text, At: time.Now().UTC(), By: by.ID, Text: text}}); err != nil {
		t.Fatal(err)
	}
}

func comments(t testing.TB, db *store.DB, caseID string) []string {
	t.Helper()
	c, err := db.Case(caseID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range c.Comments {
		out = append(out, k.Text)
	}
	slices.Sort(out)
	return out
}

// settled checks that db holds nothing pending or rejected, shows a notice, and
// has the case as the observer (a PC that was never copied) pulls it.
func settled(t testing.TB, db, observer *store.DB, caseID string) {
	t.Helper()
	st, err := db.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 0 || st.Rejected != 0 {
		t.Errorf("pending %d, rejected %d", st.Pending, st.Rejected)
	}
	if st.Notice == "" {
		t.Error("the clerk is told nothing")
	}
	if got, want := caseJSON(t, db, caseID), caseJSON(t, observer, caseID); got != want {
		t.Errorf("the PC holds\n%s\nthe service has\n%s", got, want)
	}
}

func TestRestoredFolderLosesNothing(t *testing.T) {
	for _, tt := range []struct {
		name        string
		pendingThen bool // the backup holds a change not pushed yet, which the PC pushed later
		syncFirst   bool // the restored PC syncs before the clerk works
	}{
		{"work before the first sync", false, false},
		{"with a pending change", true, false},
		{"online first", false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newRealEnv(t)
			dir := t.TempDir()
			db, c := e.device(dir, Options{})
			obs, o := e.device("", Options{})
			cs, err := db.Create(e.anna, model.Case{Type: "BAU", Title: "Carport", ReceivedAt: time.Now().UTC(),
				Channel: model.ChannelCounter, Applicant: model.Applicant{Name: "Erika Mustermann"}})
			if err != nil {
				t.Fatal(err)
			}
			mustSync(t, c)
			want := []string{}
			if tt.pendingThen {
				addComment(t, db, e.anna, cs.ID, "vor der Sicherung")
				want = append(want, "vor der Sicherung")
			}
			db.Close()
			backup := t.TempDir()
			copyDir(t, dir, backup)
			db, c = reopen(t, dir)
			for _, text := range []string{"nach 1", "nach 2", "nach 3"} {
				addComment(t, db, e.anna, cs.ID, text)
				want = append(want, text)
			}
			mustSync(t, c)
			db.Close()

			// The disk fails; the PC comes back from the backup.
			rdb, rc := reopen(t, backup)
			if tt.syncFirst {
				mustSync(t, rc)
			}
			for _, text := range []string{"wieder 1", "wieder 2", "wieder 3"} {
				addComment(t, rdb, e.anna, cs.ID, text)
				want = append(want, text)
			}
			mustSync(t, rc)
			mustSync(t, rc)
			mustSync(t, o)
			slices.Sort(want)
			if got := comments(t, obs, cs.ID); !slices.Equal(got, want) {
				t.Errorf("the service has comments %q, want %q", got, want)
			}
			settled(t, rdb, obs, cs.ID)
			// New work after the recovery goes through as usual.
			addComment(t, rdb, e.anna, cs.ID, "danach")
			mustSync(t, rc)
			mustSync(t, o)
			if !slices.Contains(comments(t, obs, cs.ID), "danach") {
				t.Error("a comment after the recovery did not arrive")
			}
		})
	}
}

// A data folder copied to a second PC (an image, a roaming profile): both PCs
// comment on one case and create a case offline, with equal and with different
// seqs; the second to push renumbers, the other re-enrolls as a device of its own,
// every comment reaches the service once, and the create whose file number the
// copy shares is listed as rejected with that reason, not lost.
func TestCopiedFolderReenrolls(t *testing.T) {
	for _, tt := range []struct {
		name      string
		aComments int // before each PC's create: equal counts make equal seqs
	}{
		{"equal seqs", 1},
		{"different seqs", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newRealEnv(t)
			dir := t.TempDir()
			db, c := e.device(dir, Options{})
			obs, o := e.device("", Options{})
			cs, err := db.Create(e.anna, model.Case{Type: "BAU", Title: "Carport", ReceivedAt: time.Now().UTC(),
				Channel: model.ChannelCounter, Applicant: model.Applicant{Name: "Erika Mustermann"}})
			if err != nil {
				t.Fatal(err)
			}
			mustSync(t, c)
			db.Close()
			kopie := filepath.Join(t.TempDir(), "kopie")
			copyDir(t, dir, kopie)
			adb, a := reopen(t, dir)
			bdb, b := reopen(t, kopie)

			var want []string
			for i := range tt.aComments {
				text := "PC A " + string(rune('1'+i))
				addComment(t, adb, e.anna, cs.ID, text)
				want = append(want, text)
			}
			addComment(t, bdb, e.bernd, cs.ID, "PC B 1")
			want = append(want, "PC B 1")
			newCase := model.Case{Type: "BAU", Title: "Neuer Antrag", ReceivedAt: time.Now().UTC(),
				Channel: model.ChannelCounter, Applicant: model.Applicant{Name: "Hans Weiß"}}
			ac, err := adb.Create(e.anna, newCase)
			if err != nil {
				t.Fatal(err)
			}
			bc, err := bdb.Create(e.bernd, newCase)
			if err != nil {
				t.Fatal(err)
			}
			if ac.FileNumber != bc.FileNumber {
				t.Fatalf("the copies numbered %s and %s: the scenario needs one number", ac.FileNumber, bc.FileNumber)
			}
			mustSync(t, a)
			mustSync(t, b)
			addComment(t, adb, e.anna, cs.ID, "PC A danach")
			want = append(want, "PC A danach")
			mustSync(t, a)
			mustSync(t, b)
			mustSync(t, a)
			mustSync(t, o)
			slices.Sort(want)
			for name, x := range map[string]*store.DB{"service": obs, "PC A": adb, "PC B": bdb} {
				if got := comments(t, x, cs.ID); !slices.Equal(got, want) {
					t.Errorf("%s has comments %q, want %q", name, got, want)
				}
			}
			if adb.DeviceID() == bdb.DeviceID() || adb.DeviceCode() == bdb.DeviceCode() {
				t.Errorf("the copies still share device %s, code %s", adb.DeviceID(), adb.DeviceCode())
			}
			// A's case reached the service; B's create is listed with the reason.
			if _, err := obs.Case(ac.ID); err != nil {
				t.Errorf("PC A's case is not on the service: %v", err)
			}
			rs, err := bdb.Rejections()
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Mutation.CaseID != bc.ID || !strings.Contains(rs[0].Reason, bc.FileNumber) || rs[0].Code != store.CodeFileNumber {
				t.Errorf("PC B's rejections %+v, want its create with the file number in the reason", rs)
			}
			var notices []store.NoticeKind
			for name, x := range map[string]*store.DB{"PC A": adb, "PC B": bdb} {
				st, err := x.SyncState()
				if err != nil {
					t.Fatal(err)
				}
				notices = append(notices, st.Notice)
				if st.Pending != 0 || st.Notice == "" {
					t.Errorf("%s: pending %d, notice %q", name, st.Pending, st.Notice)
				}
				if got, want := caseJSON(t, x, cs.ID), caseJSON(t, obs, cs.ID); got != want {
					t.Errorf("%s holds\n%s\nthe service has\n%s", name, got, want)
				}
			}
			// One copy renumbered and kept the identity, the other re-enrolled; no
			// duplicate at the service, so no note about one.
			slices.Sort(notices)
			if !slices.Equal(notices, []store.NoticeKind{store.NoticeCopied, store.NoticeRestored}) {
				t.Errorf("the copies' notes %q", notices)
			}
		})
	}
}

// A file number that two cases of the tenant hold in the service's storage (put
// there before the service checked) does not stop any desktop's pulls: both cases
// arrive, and so does everything after them; the clerk is told.
func TestDuplicateFileNumberInStorage(t *testing.T) {
	e := newRealEnv(t)
	adb, a := e.device("", Options{})
	cs, err := adb.Create(e.anna, model.Case{Type: "BAU", Title: "Carport", ReceivedAt: time.Now().UTC(),
		Channel: model.ChannelCounter, Applicant: model.Applicant{Name: "Erika Mustermann"}})
	if err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	dup := model.Case{ID: "0190d000-0000-7000-8000-000000000d0b", Tenant: "t-muster", OrgUnit: "ou-1",
		FileNumber: cs.FileNumber, Type: "BAU", Title: "Doppelt", ReceivedAt: cs.ReceivedAt,
		Channel: model.ChannelCounter, Applicant: model.Applicant{Name: "Hans Weiß"}, Status: model.StatusNeu,
		Version: 1, CreatedAt: cs.CreatedAt, UpdatedAt: cs.CreatedAt}
	err = e.st.Update(e.ctx, "t-muster", func(tx cloud.TenantTx) error {
		if err := tx.PutCaseHead(dup); err != nil {
			return err
		}
		_, err := tx.AppendChange(wire.Change{CaseID: dup.ID, Case: &dup})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := adb.Do(e.anna, cs.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k-nach", Text: "danach", By: e.anna.ID}}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	bdb, b := e.device("", Options{})
	mustSync(t, b)
	mustSync(t, a)
	for name, db := range map[string]*store.DB{"PC A": adb, "PC B": bdb} {
		for _, id := range []string{cs.ID, dup.ID} {
			if _, err := db.Case(id); err != nil {
				t.Errorf("%s: case %s: %v", name, id, err)
			}
		}
		if got := comments(t, db, cs.ID); !slices.Equal(got, []string{"danach"}) {
			t.Errorf("%s: comments after the duplicate %q", name, got)
		}
		st, err := db.SyncState()
		if err != nil {
			t.Fatal(err)
		}
		if st.Notice != store.NoticeDuplicate || !strings.Contains(st.NoticeDetail, cs.FileNumber) {
			t.Errorf("%s: notice %q (%q) does not name %s", name, st.Notice, st.NoticeDetail, cs.FileNumber)
		}
	}
}
