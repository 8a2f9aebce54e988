package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Issue 18's remaining scenarios with the real server binary, real desktop stores
// copied while closed and the real sync engine: a PC restored from a backup that
// syncs before the clerk works, one whose backup held a change not pushed yet, and
// a data folder copied to a second PC where both create a case offline with one
// file number, at equal and at different seqs.

// commentEntries counts the history entries of comments on the case as d holds it:
// a comment applied twice by the service would show twice here, even where the
// comment list (a set by ID) shows it once.
func commentEntries(t testing.TB, d *desktop, caseID string) int {
	t.Helper()
	hist, err := d.db.History(caseID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, h := range hist {
		if h.Kind == string(model.KindComment) {
			n++
		}
	}
	return n
}

// holdsExactly checks that d has exactly the comments want on the case, each
// applied once, and holds the case as the reference desktop ref does.
func holdsExactly(t testing.TB, name string, d, ref *desktop, caseID string, want []string) {
	t.Helper()
	want = slices.Sorted(slices.Values(want))
	if got := commentTexts(t, d, caseID); !slices.Equal(got, want) {
		t.Errorf("%s: comments %q, want %q", name, got, want)
	}
	if n := commentEntries(t, d, caseID); n != len(want) {
		t.Errorf("%s: %d comment entries in the history, want %d", name, n, len(want))
	}
	if err := d.db.Check(); err != nil {
		t.Errorf("%s: the store does not check out: %v", name, err)
	}
	if caseJSON(t, d.db, caseID) != caseJSON(t, ref.db, caseID) {
		t.Errorf("%s differs from the reference PC:\n%s\n%s", name, caseJSON(t, d.db, caseID), caseJSON(t, ref.db, caseID))
	}
}

// syncState returns d's store's sync state.
func syncState(t testing.TB, d *desktop) store.SyncState {
	t.Helper()
	st, err := d.db.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// A PC restored from a backup that syncs before its clerk works ("online first"),
// and one whose backup held a comment not pushed yet (the PC pushed it after the
// backup was taken): every comment is on the service once, the restored PC holds
// nothing pending or rejected, ends equal to another PC, keeps syncing afterwards,
// and its clerk reads the note about the backup. Before issue 18, the comments made
// after the restore were listed as rejected with "Begründung ist auf dem Weg
// verloren gegangen" (online first) or vanished (pending).
func TestRestoredDesktopFolderVariants(t *testing.T) {
	for _, tt := range []struct {
		name        string
		onlineFirst bool // the restored PC syncs before the clerk works
		pending     bool // the backup holds a comment the PC pushed only after the backup
	}{
		{"online first", true, false},
		{"with a pending change", false, true},
		{"with a pending change, online first", true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, clerks := newCloudServer(t, testClerks)
			codeA, codeB := srv.enrollCode(), srv.enrollCode()
			srv.start()
			becker, schulz := clerks[1], clerks[2]
			dir := t.TempDir()
			a := newDesktop(t, srv, dir, "A1", codeA, clerks)
			b := newDesktop(t, srv, "", "B1", codeB, clerks)
			cs := newCounterCase(t, a, becker)
			mustSyncOnce(t, a)
			var want []string
			if tt.pending {
				comment(t, a, becker, cs.ID, "vor der Sicherung")
				want = append(want, "vor der Sicherung")
			}
			a.db.Close()
			backup := t.TempDir()
			copyTree(t, dir, backup)
			a = reopenDesktop(t, dir)
			for _, text := range []string{"nach der Sicherung 1", "nach der Sicherung 2"} {
				comment(t, a, becker, cs.ID, text)
				want = append(want, text)
			}
			mustSyncOnce(t, a)
			a.db.Close()

			// The disk fails; the PC comes back from the backup.
			r := reopenDesktop(t, backup)
			if tt.onlineFirst {
				mustSyncOnce(t, r)
			}
			for _, text := range []string{"wiederhergestellt 1", "wiederhergestellt 2", "wiederhergestellt 3"} {
				comment(t, r, becker, cs.ID, text)
				want = append(want, text)
			}
			mustSyncOnce(t, r)
			mustSyncOnce(t, r)
			mustSyncOnce(t, b)
			holdsExactly(t, "other PC", b, b, cs.ID, want)
			holdsExactly(t, "restored PC", r, b, cs.ID, want)
			st := syncState(t, r)
			if st.Pending != 0 || st.Rejected != 0 || st.Notice != store.NoticeRestored {
				t.Errorf("restored PC: pending %d, rejected %d, notice %q, want %q", st.Pending, st.Rejected, st.Notice, store.NoticeRestored)
			}
			if rs, _ := r.db.Rejections(); len(rs) != 0 {
				t.Errorf("restored PC lists rejections: %+v", rs)
			}

			// Work after the recovery goes both ways as usual.
			comment(t, r, becker, cs.ID, "danach")
			comment(t, b, schulz, cs.ID, "vom anderen PC")
			want = append(want, "danach", "vom anderen PC")
			mustSyncOnce(t, r)
			mustSyncOnce(t, b)
			mustSyncOnce(t, r)
			holdsExactly(t, "other PC after the recovery", b, b, cs.ID, want)
			holdsExactly(t, "restored PC after the recovery", r, b, cs.ID, want)
		})
	}
}

// A data folder copied to a second PC; both PCs comment on one case and create a
// case offline, which gets one file number on both (the device code and its
// counter were copied), at equal seqs (one comment each before the create) and at
// different seqs (two on PC A, one on PC C). Every comment reaches the service
// once; PC A's case arrives everywhere; PC C's create, second to reach the
// service, is listed on PC C as refused with the file number in the reason (never
// dropped silently) and arrives under a new number when the clerk enters it again;
// the copies end with identities of their own and a note each; the service holds no
// duplicate file number, and no desktop's pulls stop, a desktop enrolled afterwards
// included. Before issue 18, at equal seqs the case made on one PC existed only
// there and its pulls failed for good; at different seqs the service accepted both
// cases and every desktop of the municipality failed every pull at that page.
func TestCopiedFolderCreates(t *testing.T) {
	for _, tt := range []struct {
		name      string
		aComments int // PC A's comments before its create; PC C makes one
	}{
		{"equal seqs", 1},
		{"different seqs", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, clerks := newCloudServer(t, testClerks)
			codeA, codeB, codeLate := srv.enrollCode(), srv.enrollCode(), srv.enrollCode()
			srv.start()
			becker, schulz := clerks[1], clerks[2]
			dir := t.TempDir()
			a := newDesktop(t, srv, dir, "A1", codeA, clerks)
			obs := newDesktop(t, srv, "", "B1", codeB, clerks)
			cs := newCounterCase(t, a, becker)
			mustSyncOnce(t, a)
			mustSyncOnce(t, obs)
			a.db.Close()
			kopie := filepath.Join(t.TempDir(), "kopie")
			copyTree(t, dir, kopie)
			a, c := reopenDesktop(t, dir), reopenDesktop(t, kopie)

			var want []string
			for i := range tt.aComments {
				text := "PC A " + string(rune('1'+i))
				comment(t, a, becker, cs.ID, text)
				want = append(want, text)
			}
			comment(t, c, schulz, cs.ID, "PC C 1")
			want = append(want, "PC C 1")
			ac, cc := newCounterCase(t, a, becker), newCounterCase(t, c, schulz)
			if ac.FileNumber != cc.FileNumber {
				t.Fatalf("the copies numbered %s and %s: the scenario needs one number", ac.FileNumber, cc.FileNumber)
			}
			outA, _ := a.db.Outbox(0, 0)
			outC, _ := c.db.Outbox(0, 0)
			seqA, seqC := outA[len(outA)-1].Seq, outC[len(outC)-1].Seq
			if (seqA == seqC) != (tt.aComments == 1) {
				t.Fatalf("the creates have seqs %d and %d: not the scenario %q", seqA, seqC, tt.name)
			}

			mustSyncOnce(t, a)
			mustSyncOnce(t, c)
			comment(t, a, becker, cs.ID, "PC A danach")
			want = append(want, "PC A danach")
			mustSyncOnce(t, a)
			mustSyncOnce(t, c)
			mustSyncOnce(t, a)
			mustSyncOnce(t, obs)

			for name, d := range map[string]*desktop{"PC A": a, "PC C": c, "other PC": obs} {
				holdsExactly(t, name, d, obs, cs.ID, want)
				if got, err := d.db.Case(ac.ID); err != nil || got.FileNumber != ac.FileNumber {
					t.Errorf("%s: PC A's new case: %+v %v", name, got.FileNumber, err)
				}
			}
			if a.db.DeviceID() == c.db.DeviceID() || a.db.DeviceCode() == c.db.DeviceCode() {
				t.Errorf("the copies still share device %s with code %s", a.db.DeviceID(), a.db.DeviceCode())
			}
			if reason := rejection(t, c, cc.ID, model.KindCreate); !strings.Contains(reason, cc.FileNumber) {
				t.Errorf("PC C's refused case: reason %q does not name %s", reason, cc.FileNumber)
			}
			if rs, _ := a.db.Rejections(); len(rs) != 0 {
				t.Errorf("PC A lists rejections: %+v", rs)
			}
			notices := []store.NoticeKind{syncState(t, a).Notice, syncState(t, c).Notice}
			slices.Sort(notices)
			if !slices.Equal(notices, []store.NoticeKind{store.NoticeCopied, store.NoticeRestored}) {
				t.Errorf("the copies' notes %q: one was copied away, the other renumbered", notices)
			}
			for name, d := range map[string]*desktop{"PC A": a, "PC C": c, "other PC": obs} {
				if st := syncState(t, d); st.Pending != 0 || st.Notice == store.NoticeDuplicate {
					t.Errorf("%s: pending %d, notice %q", name, st.Pending, st.Notice)
				}
			}
			if out := srv.run("filenumber", "duplicates", "--tenant", tenantID); !strings.Contains(out, "kein Aktenzeichen") {
				t.Errorf("the service holds a duplicate file number:\n%s", out)
			}

			// PC C's clerk enters the refused case again: a number of the new
			// identity, with what the clerk entered.
			rs, err := c.db.Rejections()
			if err != nil || len(rs) != 1 {
				t.Fatalf("PC C's rejections %+v, %v", rs, err)
			}
			fresh, err := c.db.RecreateRejected(schulz, rs[0].Mutation.Seq)
			if err != nil {
				t.Fatal(err)
			}
			if fresh.FileNumber == ac.FileNumber || !strings.Contains(fresh.FileNumber, c.db.DeviceCode()) {
				t.Errorf("the case entered again got %s (PC C's code %s)", fresh.FileNumber, c.db.DeviceCode())
			}
			comment(t, obs, becker, cs.ID, "zum Schluss")
			want = append(want, "zum Schluss")
			for _, d := range []*desktop{c, obs, a, c, obs} {
				mustSyncOnce(t, d)
			}
			late := enrollDesktop(t, srv, "", "L1", codeLate, clerks)
			mustSyncOnce(t, late)
			for name, d := range map[string]*desktop{"PC A": a, "PC C": c, "other PC": obs, "PC enrolled later": late} {
				holdsExactly(t, name, d, obs, cs.ID, want)
				got, err := d.db.Case(fresh.ID)
				if err != nil || got.FileNumber != fresh.FileNumber {
					t.Errorf("%s: the case entered again: %q %v", name, got.FileNumber, err)
				}
				if st := syncState(t, d); st.Pending != 0 {
					t.Errorf("%s: pending %d", name, st.Pending)
				}
			}
			if rs, _ := c.db.Rejections(); len(rs) != 0 {
				t.Errorf("the rejection stays listed on PC C: %+v", rs)
			}
		})
	}
}
