package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Issue 18 with the real server binary: data folders restored from a backup or
// copied, and the central service restored from a backup.

// copyTree copies the folder src to dst (whatever uses it closed), as a backup or
// a PC image does.
func copyTree(t testing.TB, src, dst string) {
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

// reopenDesktop opens the store in dir as the desktop d was enrolled.
func reopenDesktop(t testing.TB, dir string) *desktop {
	t.Helper()
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	id, err := db.SyncIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return &desktop{db: db, id: id}
}

func commentTexts(t testing.TB, d *desktop, caseID string) []string {
	t.Helper()
	c, err := d.db.Case(caseID)
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

func newCounterCase(t testing.TB, d *desktop, by model.Clerk) model.Case {
	t.Helper()
	c, err := d.db.Create(by, model.Case{Type: "BAU", Title: "Carport", ReceivedAt: time.Now().UTC(),
		Channel: model.ChannelCounter, Applicant: model.Applicant{Name: "Erika Mustermann"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A PC restored from a backup, whose clerk works before the first sync: nothing
// is lost, the PC ends equal to the service, and the clerk reads one note. Before,
// the three comments made after the restore vanished without a word.
func TestRestoredDesktopFolder(t *testing.T) {
	srv, clerks := newCloudServer(t, testClerks)
	codeA, codeB := srv.enrollCode(), srv.enrollCode()
	srv.start()
	becker := clerks[1]
	dir := t.TempDir()
	a := newDesktop(t, srv, dir, "A1", codeA, clerks)
	b := newDesktop(t, srv, "", "B1", codeB, clerks)
	cs := newCounterCase(t, a, becker)
	mustSyncOnce(t, a)
	a.db.Close()
	backup := t.TempDir()
	copyTree(t, dir, backup)
	a = reopenDesktop(t, dir)
	want := []string{"nach der Sicherung 1", "nach der Sicherung 2"}
	for _, text := range want {
		comment(t, a, becker, cs.ID, text)
	}
	mustSyncOnce(t, a)
	a.db.Close()

	r := reopenDesktop(t, backup)
	for _, text := range []string{"wiederhergestellt 1", "wiederhergestellt 2", "wiederhergestellt 3"} {
		comment(t, r, becker, cs.ID, text)
		want = append(want, text)
	}
	mustSyncOnce(t, r)
	mustSyncOnce(t, r)
	mustSyncOnce(t, b)
	slices.Sort(want)
	for name, d := range map[string]*desktop{"restored PC": r, "other PC": b} {
		if got := commentTexts(t, d, cs.ID); !slices.Equal(got, want) {
			t.Errorf("%s: comments %q, want %q", name, got, want)
		}
	}
	if caseJSON(t, r.db, cs.ID) != caseJSON(t, b.db, cs.ID) {
		t.Error("the restored PC and the other PC differ")
	}
	st, err := r.db.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 0 || st.Rejected != 0 || st.Notice == "" {
		t.Errorf("restored PC: pending %d, rejected %d, notice %q", st.Pending, st.Rejected, st.Notice)
	}
}

// The central service restored from an older backup: desktops whose cursors and
// seqs are ahead of it pull everything again, push what they still hold and what
// the service had acknowledged and lost, get no "chain broken" and no unreadable
// answer, end equal, and tell the clerk. Before, pulls failed with "chain broken"
// and A kept a comment the service no longer had.
func TestServiceRestoredFromBackup(t *testing.T) {
	srv, clerks := newCloudServer(t, testClerks)
	codeA, codeB := srv.enrollCode(), srv.enrollCode()
	srv.start()
	becker, schulz := clerks[1], clerks[2]
	a := newDesktop(t, srv, "", "A1", codeA, clerks)
	b := newDesktop(t, srv, "", "B1", codeB, clerks)
	cs := newCounterCase(t, a, becker)
	mustSyncOnce(t, a)
	mustSyncOnce(t, b)
	srv.stop()
	backup := filepath.Join(t.TempDir(), "backup")
	copyTree(t, srv.data, backup)
	srv.start()
	comment(t, a, becker, cs.ID, "nach der Sicherung")
	mustSyncOnce(t, a)
	mustSyncOnce(t, b)
	srv.stop()
	if err := os.RemoveAll(srv.data); err != nil {
		t.Fatal(err)
	}
	copyTree(t, backup, srv.data)
	srv.start()

	// Both PCs are ahead of the service. B works; A has a change pending.
	comment(t, b, schulz, cs.ID, "B nach der Wiederherstellung")
	comment(t, a, becker, cs.ID, "A nach der Wiederherstellung")
	mustSyncOnce(t, b)
	mustSyncOnce(t, a)
	mustSyncOnce(t, b)
	mustSyncOnce(t, a)
	// What the service had acknowledged to A and lost comes back too.
	want := []string{"A nach der Wiederherstellung", "B nach der Wiederherstellung", "nach der Sicherung"}
	for name, d := range map[string]*desktop{"PC A": a, "PC B": b} {
		got := commentTexts(t, d, cs.ID)
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: comments %q, missing %q", name, got, w)
			}
		}
		st, err := d.db.SyncState()
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending != 0 || st.Notice == "" {
			t.Errorf("%s: pending %d, notice %q", name, st.Pending, st.Notice)
		}
	}
	if caseJSON(t, a.db, cs.ID) != caseJSON(t, b.db, cs.ID) {
		t.Errorf("the PCs differ:\n%s\n%s", caseJSON(t, a.db, cs.ID), caseJSON(t, b.db, cs.ID))
	}
}

// A PC restored from a backup creates a case: its file-number counter came back
// with the backup, so the case gets the number of one made after the backup. The
// service refuses it with a reason the clerk sees (the case's data stay in the
// list), the case made after the backup arrives, and the PC keeps syncing. Before,
// its pulls failed for good and nothing was shown.
func TestRestoredThenCreate(t *testing.T) {
	srv, clerks := newCloudServer(t, testClerks)
	codeA, codeB := srv.enrollCode(), srv.enrollCode()
	srv.start()
	becker := clerks[1]
	dir := t.TempDir()
	a := newDesktop(t, srv, dir, "A1", codeA, clerks)
	b := newDesktop(t, srv, "", "B1", codeB, clerks)
	newCounterCase(t, a, becker)
	mustSyncOnce(t, a)
	a.db.Close()
	backup := t.TempDir()
	copyTree(t, dir, backup)
	a = reopenDesktop(t, dir)
	after := newCounterCase(t, a, becker)
	mustSyncOnce(t, a)
	a.db.Close()

	r := reopenDesktop(t, backup)
	again := newCounterCase(t, r, becker)
	if again.FileNumber != after.FileNumber {
		t.Fatalf("the restored PC numbered %s, the case after the backup has %s: the scenario needs one number", again.FileNumber, after.FileNumber)
	}
	mustSyncOnce(t, r)
	mustSyncOnce(t, r)
	mustSyncOnce(t, b)
	if reason := rejection(t, r, again.ID, model.KindCreate); !strings.Contains(reason, again.FileNumber) {
		t.Errorf("the refused case's reason %q does not name %s", reason, again.FileNumber)
	}
	for name, d := range map[string]*desktop{"restored PC": r, "other PC": b} {
		if caseJSON(t, d.db, after.ID) == "" {
			t.Errorf("%s lacks the case made after the backup", name)
		}
	}
	if caseJSON(t, r.db, after.ID) != caseJSON(t, b.db, after.ID) {
		t.Error("the PCs differ")
	}
	st, err := r.db.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 0 || st.Notice == "" {
		t.Errorf("restored PC: pending %d, notice %q", st.Pending, st.Notice)
	}
	// The clerk enters the refused case again: it gets a free number and arrives
	// with what the clerk had entered.
	rs, err := r.db.Rejections()
	if err != nil || len(rs) != 1 {
		t.Fatalf("rejections %+v, %v", rs, err)
	}
	fresh, err := r.db.RecreateRejected(becker, rs[0].Mutation.Seq)
	if err != nil {
		t.Fatal(err)
	}
	mustSyncOnce(t, r)
	mustSyncOnce(t, b)
	got, err := b.db.Case(fresh.ID)
	if err != nil || fresh.FileNumber == after.FileNumber || got.FileNumber != fresh.FileNumber || got.Title != again.Title {
		t.Errorf("the case entered again (%s, %q): %v", fresh.FileNumber, got.Title, err)
	}
	if rs, _ := r.db.Rejections(); len(rs) != 0 {
		t.Errorf("the rejection stays listed: %+v", rs)
	}
}

// A data folder copied to a second PC (an image, a roaming profile): both comment
// on one case and create a case offline with one file number. Every comment
// reaches the service once, the second PC to push keeps the identity, the other
// enrolls itself as a device of its own, the refused create is listed with its
// reason, and all PCs end equal.
func TestCopiedDesktopFolder(t *testing.T) {
	srv, clerks := newCloudServer(t, testClerks)
	codeA, codeB := srv.enrollCode(), srv.enrollCode()
	srv.start()
	becker, schulz := clerks[1], clerks[2]
	dir := t.TempDir()
	a := newDesktop(t, srv, dir, "A1", codeA, clerks)
	obs := newDesktop(t, srv, "", "B1", codeB, clerks)
	cs := newCounterCase(t, a, becker)
	mustSyncOnce(t, a)
	a.db.Close()
	kopie := filepath.Join(t.TempDir(), "kopie")
	copyTree(t, dir, kopie)
	a, c := reopenDesktop(t, dir), reopenDesktop(t, kopie)
	comment(t, a, becker, cs.ID, "PC A")
	comment(t, c, schulz, cs.ID, "PC C")
	ac, cc := newCounterCase(t, a, becker), newCounterCase(t, c, schulz)
	mustSyncOnce(t, a)
	mustSyncOnce(t, c)
	comment(t, a, becker, cs.ID, "PC A danach")
	mustSyncOnce(t, a)
	mustSyncOnce(t, c)
	mustSyncOnce(t, a)
	mustSyncOnce(t, obs)
	want := []string{"PC A", "PC A danach", "PC C"}
	for name, d := range map[string]*desktop{"PC A": a, "PC C": c, "other PC": obs} {
		if got := commentTexts(t, d, cs.ID); !slices.Equal(got, want) {
			t.Errorf("%s: comments %q, want %q", name, got, want)
		}
		if caseJSON(t, d.db, cs.ID) != caseJSON(t, obs.db, cs.ID) {
			t.Errorf("%s differs from the other PC", name)
		}
	}
	if a.db.DeviceID() == c.db.DeviceID() || a.db.DeviceCode() == c.db.DeviceCode() {
		t.Errorf("the copies still share device %s with code %s", a.db.DeviceID(), a.db.DeviceCode())
	}
	if _, err := obs.db.Case(ac.ID); err != nil {
		t.Errorf("PC A's new case: %v", err)
	}
	if reason := rejection(t, c, cc.ID, model.KindCreate); !strings.Contains(reason, cc.FileNumber) {
		t.Errorf("PC C's refused case: reason %q", reason)
	}
}
