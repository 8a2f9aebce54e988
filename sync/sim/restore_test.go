package sim

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Crash points of issue 18: a desktop's data folder restored from an earlier
// snapshot, a desktop cloned (its data folder copied to another PC), and the
// service's storage restored from an earlier snapshot. The invariants of check
// hold after each: every change a clerk made is on the service once or visibly
// rejected, every desktop equals the service, nothing is pending, no desktop is
// stuck. A store renumbers mutations it must send again (a new ID for the same
// change): renamed follows them by their content.

// renamed moves the expectation of a made mutation to m's ID when m is that
// mutation renumbered (same case, kind, clerk, time and payload, not decided yet).
// Copies of a data folder make different mutations with one ID: the one not
// pushed under it waits under a key of its own (aside). The caller holds mu.
func (w *world) renamed(m model.Mutation) {
	if mm, ok := w.made[m.ID]; ok {
		if _, decided := w.outcomes[m.ID]; decided || sameMutation(mm.m, m) {
			// Its own, or another made first under that ID: the service fences
			// this push, and the store sends it again under another ID.
			return
		}
	}
	for id, mm := range w.made {
		if _, decided := w.outcomes[id]; decided || !sameMutation(mm.m, m) {
			continue
		}
		delete(w.made, id)
		if other, ok := w.made[m.ID]; ok {
			w.aside(other)
		}
		mm.m.ID, mm.m.Seq, mm.m.Device = m.ID, m.Seq, m.Device
		w.made[m.ID] = mm
		w.tracef("renumbered %s as %s", id, m.ID)
		return
	}
}

func sameMutation(a, b model.Mutation) bool {
	return a.CaseID == b.CaseID && a.Kind == b.Kind && a.User == b.User && a.At.Equal(b.At) && bytes.Equal(a.Payload, b.Payload)
}

// aside keeps the expectation of mm under a key of its own: another mutation was
// made with its ID (by a copy of the data folder, or before a restore).
func (w *world) aside(mm madeMutation) {
	w.asides++
	w.made[fmt.Sprintf("%s@%s#%d", mm.m.ID, mm.client.name, w.asides)] = mm
}

// note records a mutation a clerk made on d, aside when another was made with its
// ID (a copy of d's data folder, or d before it was restored from a backup).
func (w *world) note(d *desk, m model.Mutation, item string) {
	mm := madeMutation{m: m, client: d, item: item}
	if other, ok := w.made[m.ID]; ok {
		if sameMutation(other.m, m) {
			// The copies made the very same change (one clerk, one action, one
			// instant of the simulated clock): the service cannot tell them apart,
			// nor need it.
			return
		}
		w.aside(mm)
		return
	}
	w.made[m.ID] = mm
}

// Reenroll and SetToken let a desktop whose copy took over its identity get one
// of its own through the network.
func (l *link) Reenroll(ctx context.Context, req wire.ReenrollRequest) (wire.EnrollResponse, error) {
	var resp wire.EnrollResponse
	err := l.call(ctx, "re-enroll", false, func() error {
		r, err := l.w.srv.svc.Reenroll(ctx, l.d.dev, req)
		resp = r
		return err
	})
	return resp, err
}

func (l *link) SetToken(token string) {
	dev, err := l.w.srv.svc.Authenticate(l.w.ctx, token)
	if err != nil {
		l.w.failf("step %d: %s: the new token does not authenticate: %v", l.w.step, l.d.name, err)
		return
	}
	l.d.dev = dev
	l.w.tracef("%s re-enrolled", l.d.name)
	if l.w.srvSnap != nil {
		// A service restored from a backup older than a re-enrollment does not know
		// the PC's new identity: the PC is refused and needs an enrollment code (not
		// covered yet, see README). The backup is dropped.
		l.w.srvSnap = nil
		l.w.counts["service backups dropped: a PC re-enrolled since"]++
	}
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if e.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
}

// snapshotDesk copies d's data folder, its store closed for the moment, as a
// backup does.
func (w *world) snapshotDesk(t *testing.T, d *desk, name string) string {
	t.Helper()
	snap, err := w.backupDesk(d, name)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func (w *world) backupDesk(d *desk, name string) (string, error) {
	snap := filepath.Join(w.dir, d.name+"-"+name)
	if err := os.RemoveAll(snap); err != nil {
		return "", err
	}
	if err := d.db.Close(); err != nil {
		return "", err
	}
	if err := copyTree(d.dir, snap); err != nil {
		return "", err
	}
	w.tracef("snapshot %s", d.name)
	return snap, d.openStore()
}

// restoreDesk puts d's data folder back to snap, as after a disk failure. What the
// clerk made since and the service never decided went with the disk.
func (w *world) restoreDesk(t *testing.T, d *desk, snap string) {
	t.Helper()
	if err := w.recoverDesk(d, snap); err != nil {
		t.Fatal(err)
	}
}

func (w *world) recoverDesk(d *desk, snap string) error {
	w.tracef("restore %s from %s", d.name, filepath.Base(snap))
	if err := d.db.Close(); err != nil {
		return err
	}
	if err := os.RemoveAll(d.dir); err != nil {
		return err
	}
	if err := copyTree(snap, d.dir); err != nil {
		return err
	}
	if err := d.openStore(); err != nil {
		return err
	}
	if err := d.authenticate(); err != nil {
		return err
	}
	out, err := d.db.Outbox(0, 0)
	if err != nil {
		return err
	}
	held := map[string]model.Mutation{}
	for _, m := range out {
		held[m.ID] = m
	}
	for id, mm := range w.made {
		// id is the mutation's, or a key of its own (aside).
		h, ok := held[mm.m.ID]
		if _, decided := w.outcomes[id]; mm.client == d && !decided && !(ok && sameMutation(h, mm.m)) {
			delete(w.made, id)
		}
	}
	return nil
}

// restorePoint is the crash point of a random run: now and then a desktop's data
// folder is backed up, and later the desktop comes back from its backup.
func (w *world) restorePoint(d *desk) {
	// Its own stream: a run without a backup is the run it was before.
	if w.restoreRng == nil {
		w.restoreRng = rand.New(rand.NewPCG(w.seed, 0x8e57))
	}
	if w.restoreRng.Float64() >= w.p.restore {
		return
	}
	var err error
	if snap, ok := w.snaps[d]; ok && w.restoreRng.IntN(2) == 0 {
		delete(w.snaps, d)
		err = w.recoverDesk(d, snap)
		w.counts["desktops restored from a backup"]++
	} else {
		w.snaps[d], err = w.backupDesk(d, "backup")
	}
	if err != nil {
		w.failf("step %d: backup or restore of %s: %v", w.step, d.name, err)
	}
}

// maxClones bounds the clones of one random run: the service gives the copies of
// one device at most cloud.MaxCopies identities, and a desktop restored from an
// old backup may take one too.
const maxClones = 1

// copyPoint is the random run's crash point that copies d's data folder to another
// PC, and the one that backs the service's storage up or, when it has a backup,
// restores it from that.
func (w *world) copyPoint(d *desk) {
	// Its own stream: a run without these is the run it was before.
	if w.copyRng == nil {
		w.copyRng = rand.New(rand.NewPCG(w.seed, 0xc0b1e5))
	}
	if w.copyRng.Float64() < w.p.clone && w.clones < maxClones && (w.p.clonePending || nothingPending(d)) {
		w.clones++
		c, err := w.cloneOf(d)
		if err != nil {
			w.failf("step %d: clone %s: %v", w.step, d.name, err)
			return
		}
		w.counts["desktops cloned"]++
		if w.srvSnap != nil {
			// The service knows the clone's grants as its twin's: one device.
			for _, u := range d.tenant.users {
				w.srvSnap.windows[windowKey(c, u.ID)] = slices.Clip(w.srvSnap.windows[windowKey(d, u.ID)])
			}
		}
	}
	if w.copyRng.Float64() >= w.p.serviceRestore {
		return
	}
	w.deliverAll()
	var err error
	if w.srvSnap != nil && w.copyRng.IntN(2) == 0 {
		snap := *w.srvSnap
		w.srvSnap = nil
		err = w.recoverServer(snap)
		w.counts["service restored from a backup"]++
	} else {
		var snap serverSnapshot
		snap, err = w.backupServer()
		w.srvSnap = &snap
	}
	if err != nil {
		w.failf("step %d: backup or restore of the service: %v", w.step, err)
	}
}

// copyOf reports whether d's data folder was copied from o's, or from a copy of it.
func (d *desk) copyOf(o *desk) bool {
	for x := d.origin; x != nil; x = x.origin {
		if x == o {
			return true
		}
	}
	return false
}

// nothingPending reports whether d's outbox is empty. A change pending when the
// data folder is copied can be applied twice: once pushed by one copy under the
// old identity, once by the other renumbered under the identity it re-enrolled as
// (a follow-up added twice, found with SIM_CLONE_PENDING=1, seeds 91 and 897;
// README: not covered yet).
func nothingPending(d *desk) bool {
	st, err := d.db.SyncState()
	return err == nil && st.Pending == 0
}

// cloneDesk adds a desktop whose data folder is a copy of d's (d's store closed
// for the moment), with d's grants.
func (w *world) cloneDesk(t *testing.T, d *desk) *desk {
	t.Helper()
	c, err := w.cloneOf(d)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *world) cloneOf(d *desk) (*desk, error) {
	c := &desk{w: w, name: d.name + "k", tenant: d.tenant, clerk: d.clerk, signedIn: d.signedIn,
		tokens: map[string]string{}, ident: d.ident, dev: d.dev, opts: d.opts, origin: d,
		// Randomness of its own, as a real PC has: the IDs its store makes must not
		// repeat the twin's.
		nStore: 128 + 16*w.clones}
	for k, v := range d.tokens {
		c.tokens[k] = v
	}
	for _, u := range d.tenant.users {
		w.windows[windowKey(c, u.ID)] = append(w.windows[windowKey(c, u.ID)], w.windows[windowKey(d, u.ID)]...)
	}
	c.dir = filepath.Join(w.dir, c.name)
	c.link = &link{w: w, d: c}
	if err := d.db.Close(); err != nil {
		return nil, err
	}
	if err := copyTree(d.dir, c.dir); err != nil {
		return nil, err
	}
	for _, x := range []*desk{d, c} {
		if err := x.openStore(); err != nil {
			return nil, err
		}
	}
	w.clients = append(w.clients, c)
	w.tracef("clone %s as %s", d.name, c.name)
	return c, nil
}

// serverSnapshot is the service's storage file and what the simulation knew then:
// the outcomes, and the grants and absences the service had recorded.
type serverSnapshot struct {
	path     string
	outcomes map[string]wire.PushStatus
	reasons  map[string]string
	judged   map[string]int
	heard    map[string]bool
	tick     int
	windows  map[string][]window
	absences map[string][]recorded
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (w *world) snapshotServer(t *testing.T) serverSnapshot {
	t.Helper()
	snap, err := w.backupServer()
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func (w *world) backupServer() (serverSnapshot, error) {
	snap := serverSnapshot{path: filepath.Join(w.dir, "cloud-snapshot.db"), outcomes: cloneMap(w.outcomes),
		reasons: cloneMap(w.reasons), judged: cloneMap(w.judged), heard: cloneMap(w.heard), tick: w.tick,
		windows: cloneMap(w.windows), absences: cloneMap(w.absences)}
	for k, v := range snap.windows {
		snap.windows[k] = slices.Clip(v)
	}
	for k, v := range snap.absences {
		snap.absences[k] = slices.Clip(v)
	}
	if err := w.srv.st.Store.Close(); err != nil {
		return serverSnapshot{}, err
	}
	b, err := os.ReadFile(w.srv.path)
	if err == nil {
		err = os.WriteFile(snap.path, b, 0o600)
	}
	if err == nil {
		err = w.srv.open()
	}
	w.tracef("snapshot the service")
	return snap, err
}

// restoreServer puts the service's storage back to snap and starts it again: what
// it decided since is undecided again, to be sent once more by the desktops.
func (w *world) restoreServer(t *testing.T, snap serverSnapshot) {
	t.Helper()
	if err := w.recoverServer(snap); err != nil {
		t.Fatal(err)
	}
}

func (w *world) recoverServer(snap serverSnapshot) error {
	w.tracef("restore the service")
	if err := w.srv.st.Store.Close(); err != nil {
		return err
	}
	b, err := os.ReadFile(snap.path)
	if err == nil {
		err = os.WriteFile(w.srv.path, b, 0o600)
	}
	if err != nil {
		return err
	}
	w.srv.count++
	if err := w.srv.open(); err != nil {
		return err
	}
	w.outcomes, w.reasons, w.judged, w.heard, w.tick = snap.outcomes, snap.reasons, snap.judged, snap.heard, snap.tick
	if snap.windows != nil {
		w.windows, w.absences = snap.windows, snap.absences
	}
	for _, d := range w.clients {
		if err := d.authenticate(); err != nil {
			return fmt.Errorf("%s after the restore: %w", d.name, err)
		}
	}
	return nil
}

// authenticate makes d's link speak as the device whose token d's store holds,
// as a real desktop's requests do.
func (d *desk) authenticate() error {
	id, err := d.db.SyncIdentity()
	if err != nil {
		return err
	}
	d.dev, err = d.w.srv.svc.Authenticate(d.w.ctx, id.Token)
	return err
}

func (w *world) comment(t *testing.T, d *desk, caseID, text string) {
	t.Helper()
	id := w.uuid()
	if _, err := d.db.Do(d.clerk, caseID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: id, At: w.now(), By: d.clerk.ID, Text: text}}); err != nil {
		t.Fatal(err)
	}
	w.noteLast(t, d, id)
}

// noteLast records the mutation the last action on d queued.
func (w *world) noteLast(t *testing.T, d *desk, item string) {
	t.Helper()
	out, err := d.db.Outbox(0, 0)
	if err != nil || len(out) == 0 {
		t.Fatalf("%s: outbox %v, %v", d.name, out, err)
	}
	w.note(d, out[len(out)-1], item)
}

func (w *world) create(t *testing.T, d *desk) model.Case {
	t.Helper()
	c, err := d.db.Create(d.clerk, model.Case{ID: w.uuid(), Type: "BAU", Title: "Bauantrag", ReceivedAt: w.now(),
		Channel: model.ChannelCounter, Applicant: model.Applicant{Name: d.tenant.marker + " " + d.name}})
	if err != nil {
		t.Fatal(err)
	}
	w.noteLast(t, d, "")
	return c
}

func (w *world) mustHold(t *testing.T) {
	t.Helper()
	w.quiesce()
	if len(w.failures) == 0 {
		w.check()
	}
	if len(w.failures) > 0 {
		t.Fatal(strings.Join(append(w.failures, w.trace...), "\n"))
	}
}

// A desktop restored from an earlier snapshot: the comments made after the
// snapshot and sent are on the service, the one never sent went with the disk,
// and the comments made after the restore arrive.
func TestSimRestoredDesk(t *testing.T) {
	w, err := newWorld(1, simDir(t), params{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	ben, lea := w.clients[1], w.clients[2]
	c := w.create(t, ben)
	w.sync(ben)
	w.sync(lea)
	snap := w.snapshotDesk(t, ben, "backup")
	w.comment(t, ben, c.ID, "nach der Sicherung 1")
	w.comment(t, ben, c.ID, "nach der Sicherung 2")
	w.sync(ben)
	w.comment(t, ben, c.ID, "nie gesendet")
	w.restoreDesk(t, ben, snap)
	w.comment(t, ben, c.ID, "wiederhergestellt 1")
	w.comment(t, ben, c.ID, "wiederhergestellt 2")
	w.comment(t, lea, c.ID, "von Lea")
	w.mustHold(t)
	if st, _ := ben.db.SyncState(); st.Notice == "" {
		t.Error("Ben is told nothing")
	}
}

// A desktop cloned with nothing pending: both copies comment and create cases;
// one keeps the identity, the other re-enrolls, the create whose file number the
// copies share is rejected with a reason.
func TestSimClonedDesk(t *testing.T) {
	w, err := newWorld(2, simDir(t), params{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	ben := w.clients[1]
	c := w.create(t, ben)
	w.sync(ben)
	kopie := w.cloneDesk(t, ben)
	w.comment(t, ben, c.ID, "Ben am ersten PC")
	w.comment(t, kopie, c.ID, "Ben am zweiten PC")
	w.create(t, ben)
	w.create(t, kopie)
	w.sync(ben)
	w.sync(kopie)
	w.comment(t, ben, c.ID, "danach am ersten PC")
	w.mustHold(t)
	if ben.dev.ID == kopie.dev.ID {
		t.Error("the copies still share a device")
	}
}

// The service restored from an earlier snapshot: the desktops pull everything
// again and send what the service lost, acknowledged or not.
func TestSimServiceRestored(t *testing.T) {
	w, err := newWorld(3, simDir(t), params{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	ben, lea := w.clients[1], w.clients[2]
	c := w.create(t, ben)
	w.sync(ben)
	w.sync(lea)
	snap := w.snapshotServer(t)
	w.comment(t, ben, c.ID, "vor der Wiederherstellung")
	w.create(t, lea)
	w.sync(ben)
	w.sync(lea)
	w.sync(ben)
	w.restoreServer(t, snap)
	w.comment(t, lea, c.ID, "nach der Wiederherstellung")
	w.mustHold(t)
}

// The three crash points under the network's faults and the service's crashes,
// seed after seed: the invariants hold whatever was lost, held back or repeated
// around them.
func TestSimRestoreCrashPoints(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		for name, run := range map[string]func(*testing.T, *world){
			"restored desk": func(t *testing.T, w *world) {
				ben, lea := w.clients[1], w.clients[2]
				c := w.create(t, ben)
				w.settle(ben, lea)
				snap := w.snapshotDesk(t, ben, "backup")
				w.comment(t, ben, c.ID, "nach der Sicherung")
				w.sync(ben)
				w.restoreDesk(t, ben, snap)
				w.comment(t, ben, c.ID, "wiederhergestellt")
				w.comment(t, lea, c.ID, "von Lea")
				w.sync(lea)
				w.sync(ben)
			},
			"cloned desk": func(t *testing.T, w *world) {
				ben := w.clients[1]
				c := w.create(t, ben)
				w.settle(ben)
				kopie := w.cloneDesk(t, ben)
				w.comment(t, ben, c.ID, "erster PC")
				w.comment(t, kopie, c.ID, "zweiter PC")
				w.sync(kopie)
				w.sync(ben)
				w.comment(t, ben, c.ID, "erster PC danach")
				w.sync(ben)
			},
			"cloned with pending": func(t *testing.T, w *world) {
				ben := w.clients[1]
				c := w.create(t, ben)
				w.settle(ben)
				w.comment(t, ben, c.ID, "vor dem Kopieren")
				kopie := w.cloneDesk(t, ben)
				w.comment(t, kopie, c.ID, "zweiter PC")
				w.comment(t, ben, c.ID, "erster PC")
				w.create(t, kopie)
				w.sync(ben)
				w.sync(kopie)
				w.sync(ben)
				w.comment(t, kopie, c.ID, "zweiter PC danach")
				w.sync(kopie)
			},
			"restored service": func(t *testing.T, w *world) {
				ben, lea := w.clients[1], w.clients[2]
				c := w.create(t, ben)
				w.settle(ben, lea)
				snap := w.snapshotServer(t)
				w.comment(t, ben, c.ID, "vor der Wiederherstellung")
				w.sync(ben)
				w.sync(lea)
				w.deliverAll()
				w.restoreServer(t, snap)
				w.comment(t, lea, c.ID, "nach der Wiederherstellung")
				w.sync(lea)
				w.sync(ben)
			},
		} {
			t.Run(fmt.Sprintf("%s/seed %d", name, seed), func(t *testing.T) {
				w, err := newWorld(seed, simDir(t), defaultParams)
				if err != nil {
					t.Fatal(err)
				}
				defer w.close()
				run(t, w)
				w.mustHold(t)
			})
		}
	}
}

// settle syncs the desktops with the network healed for the moment, so a crash
// point starts from a known state.
func (w *world) settle(ds ...*desk) {
	p := w.p
	w.p = params{steps: p.steps}
	w.deliverAll()
	for range 2 {
		for _, d := range ds {
			w.sync(d)
		}
	}
	w.p = p
}

// A desktop cloned while a comment is pending: both copies hold it and push it;
// the service takes it once (the second push of it is the same mutation, answered
// skipped), and each copy's own comment arrives too.
func TestSimClonedWithPending(t *testing.T) {
	w, err := newWorld(4, simDir(t), params{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	ben := w.clients[1]
	c := w.create(t, ben)
	w.sync(ben)
	w.comment(t, ben, c.ID, "vor dem Kopieren")
	kopie := w.cloneDesk(t, ben)
	w.comment(t, kopie, c.ID, "Kopie")
	w.comment(t, ben, c.ID, "Original")
	w.sync(kopie)
	w.sync(ben)
	w.comment(t, kopie, c.ID, "Kopie danach")
	w.mustHold(t)
	got, err := w.clients[0].db.Case(c.ID)
	if err != nil || len(got.Comments) != 4 {
		t.Errorf("the service's case has %d comments, want 4 (%v)", len(got.Comments), err)
	}
}
