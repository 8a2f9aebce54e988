package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

// serverTenant is one tenant's data as the service holds it.
type serverTenant struct {
	log       []wire.Change
	cases     map[string]model.Case
	history   map[string][]model.HistoryEntry
	conflicts []wire.Conflict
	blobs     map[string][]byte // every blob a case refers to, read back chunk by chunk
}

func (w *world) readServer(t *tenant) (*serverTenant, error) {
	st := &serverTenant{cases: map[string]model.Case{}, history: map[string][]model.HistoryEntry{}, blobs: map[string][]byte{}}
	err := w.serverView(t.id, func(tx cloud.TenantTx) error {
		var err error
		if st.log, err = cloud.ReadChanges(tx, 0, 1<<30); err != nil {
			return err
		}
		for _, ch := range st.log {
			if _, ok := st.cases[ch.CaseID]; ok {
				continue
			}
			c, err := cloud.ReadCase(tx, ch.CaseID)
			if err != nil {
				return fmt.Errorf("case %s of the log: %w", ch.CaseID, err)
			}
			// What the service keeps apart from the log is the same case.
			h, err := tx.CaseHead(ch.CaseID)
			if err != nil {
				return fmt.Errorf("head of case %s: %w", ch.CaseID, err)
			}
			whole := c
			whole.Comments, whole.Messages = nil, nil
			if js(h) != js(whole) {
				return fmt.Errorf("case %s: the head\n%s\ndiffers from the log\n%s", c.ID, js(h), js(whole))
			}
			st.cases[c.ID] = c
			if st.history[c.ID], err = tx.History(c.ID); err != nil {
				return err
			}
			for _, a := range c.Files() {
				if _, ok := st.blobs[a.SHA256]; ok {
					continue
				}
				size, chunks, err := tx.Blob(a.SHA256)
				if err != nil {
					return fmt.Errorf("blob %s of case %s: %w", a.SHA256, c.ID, err)
				}
				var buf bytes.Buffer
				for i := 0; i < chunks; i++ {
					b, err := tx.Chunk(a.SHA256, i)
					if err != nil {
						return fmt.Errorf("chunk %d of blob %s: %w", i, a.SHA256, err)
					}
					buf.Write(b)
				}
				if int64(buf.Len()) != size {
					return fmt.Errorf("blob %s has %d bytes, recorded %d", a.SHA256, buf.Len(), size)
				}
				st.blobs[a.SHA256] = buf.Bytes()
			}
		}
		st.conflicts, err = tx.Conflicts("")
		return err
	})
	return st, err
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// check verifies the promises at quiescence.
func (w *world) check() {
	servers := map[string]*serverTenant{}
	for _, t := range w.tenants {
		st, err := w.readServer(t)
		if err != nil {
			w.failf("read the service's %s: %v", t.id, err)
			return
		}
		servers[t.id] = st
		w.checkServer(t, st)
	}
	for _, d := range w.clients {
		w.checkDesk(d, servers[d.tenant.id], servers)
	}
	w.checkMutations(servers)
	w.checkIdentity(servers)
	if len(w.twice) > 0 {
		w.failf("mutations decided twice by the service: %v", w.twice)
	}
}

// checkServer: histories chain, status moves only along the table, blobs are the
// bytes that were made, and nothing of another tenant is there.
func (w *world) checkServer(t *tenant, st *serverTenant) {
	for id, c := range st.cases {
		if err := model.VerifyHistory(st.history[id], c.HistoryHead); err != nil {
			w.failf("service %s: history of case %s does not verify: %v", t.id, id, err)
		}
		if c.Tenant != t.id {
			w.failf("service %s: case %s says tenant %q", t.id, id, c.Tenant)
		}
		seen := map[string]bool{}
		for _, e := range st.history[id] {
			if e.Mutation == "" {
				continue
			}
			if seen[e.Mutation] {
				w.failf("service %s: mutation %s applied twice to case %s", t.id, e.Mutation, id)
			}
			seen[e.Mutation] = true
		}
	}
	// Replay the log per case: a case is logged whole once, when it is made, and
	// from then on as patches that say what changed (comments, messages, follow-ups
	// done, decisions as entries, never a collection whole); every status change is a
	// row of the status table.
	prev := map[string]model.Case{}
	for _, ch := range st.log {
		p, ok := prev[ch.CaseID]
		switch {
		case !ok && ch.Case == nil:
			w.failf("service %s: change %d patches case %s before the log made it", t.id, ch.Seq, ch.CaseID)
			continue
		case !ok:
			prev[ch.CaseID] = *ch.Case
			if ch.Case.Status != model.StatusNeu && ch.Case.Status != "" {
				w.failf("service %s: case %s begins in status %s", t.id, ch.CaseID, ch.Case.Status)
			}
			continue
		case ch.Case != nil:
			w.failf("service %s: change %d logs case %s whole again", t.id, ch.Seq, ch.CaseID)
			continue
		}
		for _, coll := range []string{model.CollComments, model.CollMessages, model.CollFollowUps, model.CollDecisions, model.CollAttachments} {
			if _, whole := ch.Patch.Fields[coll]; whole {
				w.failf("service %s: change %d of case %s sends its %s whole", t.id, ch.Seq, ch.CaseID, coll)
			}
		}
		next := p
		if err := model.ApplyPatch(&next, *ch.Patch); err != nil {
			w.failf("service %s: change %d of case %s does not apply: %v", t.id, ch.Seq, ch.CaseID, err)
			continue
		}
		prev[ch.CaseID] = next
		if p.Status != next.Status && !allowedMove(&p, next.Status) {
			w.failf("service %s: change %d moves case %s from %s to %s, which the status table does not allow",
				t.id, ch.Seq, ch.CaseID, p.Status, next.Status)
		}
	}
	for sha, b := range st.blobs {
		if want, ok := w.blobs[sha]; ok && !bytes.Equal(want, b) {
			w.failf("service %s: blob %s differs from what was made", t.id, sha)
		}
		if ten, ok := w.blobTen[sha]; ok && ten != t.id {
			w.failf("service %s: holds blob %s of tenant %s", t.id, sha, ten)
		}
		if !bytes.Contains(b, []byte(t.marker)) {
			w.failf("service %s: blob %s lacks the tenant's marker", t.id, sha)
		}
	}
}

// allowedMove reports whether a row of model.Transitions moves p to status to.
func allowedMove(p *model.Case, to model.Status) bool {
	for _, tr := range model.Transitions {
		if !slices.Contains(tr.From, p.Status) {
			continue
		}
		if tr.NeedsSignedDecision && !p.HasSignedDecision() {
			continue
		}
		if tr.To == to || (tr.To == "" && p.PrevStatus == to) {
			return true
		}
	}
	return false
}

// checkDesk: the desktop holds exactly its tenant's cases as the service has them,
// with their histories, conflicts and files, nothing pending, and no byte of another
// tenant.
func (w *world) checkDesk(d *desk, st *serverTenant, all map[string]*serverTenant) {
	if err := d.db.Check(); err != nil {
		w.failf("%s: store check: %v", d.name, err)
	}
	state, err := d.db.SyncState()
	if err != nil {
		w.failf("%s: sync state: %v", d.name, err)
		return
	}
	if state.Pending != 0 || state.WantedBlobs != 0 {
		w.failf("%s: at quiescence %d mutations pending, %d files wanted", d.name, state.Pending, state.WantedBlobs)
	}
	if n := uint64(len(st.log)); state.Cursor != n {
		w.failf("%s: cursor %d, the service's log has %d", d.name, state.Cursor, n)
	}
	ids := w.withoutRejectedCreates(d)
	if len(ids) != len(st.cases) {
		w.failf("%s: %d cases, the service has %d", d.name, len(ids), len(st.cases))
	}
	for _, id := range ids {
		sc, ok := st.cases[id]
		if !ok {
			for ten, other := range all {
				if _, theirs := other.cases[id]; theirs && ten != d.tenant.id {
					w.failf("%s: holds case %s of tenant %s", d.name, id, ten)
				}
			}
			w.failf("%s: case %s is not on the service", d.name, id)
			continue
		}
		c, err := d.db.Case(id)
		if err != nil {
			w.failf("%s: case %s: %v", d.name, id, err)
			continue
		}
		if a, b := js(c), js(sc); a != b {
			w.failf("%s: case %s differs from the service:\n  desk    %s\n  service %s", d.name, id, short2(a, b), short2(b, a))
		}
		if _, err := d.db.VerifyHistory(id); err != nil {
			w.failf("%s: history of case %s does not verify: %v", d.name, id, err)
		}
		h, err := d.db.History(id)
		if err != nil {
			w.failf("%s: history of %s: %v", d.name, id, err)
		} else if a, b := js(h), js(st.history[id]); a != b {
			w.failf("%s: history of case %s differs from the service:\n  desk    %s\n  service %s", d.name, id, short2(a, b), short2(b, a))
		}
		for _, f := range c.Files() {
			p, err := d.db.BlobPath(f.SHA256)
			if err != nil {
				w.failf("%s: file %s of case %s missing: %v", d.name, f.SHA256, id, err)
				continue
			}
			b, err := os.ReadFile(p)
			if err != nil || !bytes.Equal(b, st.blobs[f.SHA256]) {
				w.failf("%s: file %s of case %s differs from the service's (%v)", d.name, f.SHA256, id, err)
			}
		}
	}
	// Conflicts: every one the service recorded is here, resolved or open alike.
	local, err := d.db.Conflicts(false)
	if err != nil {
		w.failf("%s: conflicts: %v", d.name, err)
	}
	byID := map[string]store.Conflict{}
	for _, c := range local {
		byID[c.ID] = c
	}
	for _, sc := range st.conflicts {
		lc, ok := byID[sc.ID]
		switch {
		case !ok:
			w.failf("%s: conflict %s (case %s, %s) of the service is not here", d.name, sc.ID, sc.CaseID, sc.Field)
		case lc.Open() != sc.Open():
			w.failf("%s: conflict %s open here %v, on the service %v", d.name, sc.ID, lc.Open(), sc.Open())
		case lc.ResolvedBy != sc.ResolvedBy || lc.Resolution != sc.Resolution:
			w.failf("%s: conflict %s resolved here by %s (%s), on the service by %s (%s)",
				d.name, sc.ID, lc.ResolvedBy, lc.Resolution, sc.ResolvedBy, sc.Resolution)
		}
		delete(byID, sc.ID)
	}
	for id := range byID {
		w.failf("%s: conflict %s is not on the service", d.name, id)
	}
	w.checkIsolation(d, all)
}

func short2(a, b string) string {
	// Show the part around the first difference.
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo, hi := max(0, i-150), min(len(a), i+150)
	return a[lo:hi]
}

// checkIsolation looks for any other tenant's case ID, marker or file on the
// desktop, in the store file's raw bytes and in the blob folder.
func (w *world) checkIsolation(d *desk, all map[string]*serverTenant) {
	raw, err := os.ReadFile(d.db.Path())
	if err != nil {
		w.failf("%s: read store file: %v", d.name, err)
		return
	}
	var blobs []string
	filepath.WalkDir(filepath.Join(d.dir, "blobs"), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && !strings.Contains(p, string(filepath.Separator)+"tmp"+string(filepath.Separator)) {
			blobs = append(blobs, p)
		}
		return nil
	})
	for _, t := range w.tenants {
		if t.id == d.tenant.id {
			continue
		}
		if bytes.Contains(raw, []byte(t.marker)) || bytes.Contains(raw, []byte(t.id)) {
			w.failf("%s: store file holds tenant %s's name or data", d.name, t.id)
		}
		for id := range all[t.id].cases {
			if bytes.Contains(raw, []byte(id)) {
				w.failf("%s: store file holds case %s of tenant %s", d.name, id, t.id)
			}
		}
		for _, p := range blobs {
			b, err := os.ReadFile(p)
			if err == nil && bytes.Contains(b, []byte(t.marker)) {
				w.failf("%s: file %s holds tenant %s's data", d.name, filepath.Base(p), t.id)
			}
		}
	}
}

// checkMutations: every mutation a clerk made was decided once by the service and
// its outcome is where the clerk can see it; nothing acknowledged is missing.
func (w *world) checkMutations(servers map[string]*serverTenant) {
	ids := make([]string, 0, len(w.made))
	for id := range w.made {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rejected := map[*desk]map[string]store.Rejected{}
	conflicts := map[*desk]map[string]bool{}
	for _, d := range w.clients {
		rs, err := d.db.Rejections()
		if err != nil {
			w.failf("%s: rejections: %v", d.name, err)
		}
		rejected[d] = map[string]store.Rejected{}
		for _, r := range rs {
			rejected[d][r.Mutation.ID] = r
		}
		cs, _ := d.db.Conflicts(false)
		conflicts[d] = map[string]bool{}
		for _, c := range cs {
			conflicts[d][c.MutationID] = true
		}
	}
	for _, id := range ids {
		mm := w.made[id]
		d, m := mm.client, mm.m
		st := servers[d.tenant.id]
		outcome, decided := w.outcomes[id]
		if !decided {
			w.failf("%s: mutation %s (%s on %s) was never decided by the service", d.name, id, m.Kind, m.CaseID)
			continue
		}
		r, isRejected := rejected[d][id]
		switch outcome {
		case wire.StatusRejected:
			if !isRejected && !w.heard[id] {
				w.known = append(w.known, fmt.Sprintf("%s: mutation %s (%s on %s) was rejected in an answer that was lost; the resent push was answered %q and the rejection is not shown",
					d.name, id, m.Kind, m.CaseID, wire.StatusSkipped))
			} else if !isRejected {
				w.failf("%s: mutation %s (%s) was rejected but is not in the rejected list", d.name, id, m.Kind)
			} else if strings.TrimSpace(r.Reason) == "" {
				w.failf("%s: rejected mutation %s has no reason", d.name, id)
			}
			continue
		case wire.StatusConflict:
			if !conflicts[d][id] {
				w.failf("%s: mutation %s (%s) ended in a conflict that is not on the desktop", d.name, id, m.Kind)
			}
			continue
		}
		if isRejected {
			w.failf("%s: mutation %s was applied but is listed as rejected", d.name, id)
		}
		c, ok := st.cases[m.CaseID]
		if !ok {
			w.failf("%s: mutation %s applied, but case %s is not on the service", d.name, id, m.CaseID)
			continue
		}
		inHistory := false
		for _, e := range st.history[m.CaseID] {
			if e.Mutation == id {
				inHistory = true
			}
		}
		if !inHistory && !noOpKinds[m.Kind] {
			w.failf("%s: mutation %s (%s) applied, but not in the history of case %s", d.name, id, m.Kind, m.CaseID)
		}
		if mm.item != "" && !holds(&c, m.Kind, mm.item) {
			w.failf("%s: acknowledged %s %s is missing from case %s on the service", d.name, m.Kind, mm.item, m.CaseID)
		}
	}
}

// noOpKinds set a scalar field; the service answers "applied" without a change when
// the field already holds the value wanted.
var noOpKinds = map[model.MutationKind]bool{
	model.KindTransition: true, model.KindAssign: true, model.KindDeadline: true,
}

func holds(c *model.Case, k model.MutationKind, item string) bool {
	switch k {
	case model.KindComment:
		return slices.ContainsFunc(c.Comments, func(x model.Comment) bool { return x.ID == item })
	case model.KindFollowUpAdd:
		return slices.ContainsFunc(c.FollowUps, func(x model.FollowUp) bool { return x.ID == item })
	case model.KindFollowUpDone:
		return slices.ContainsFunc(c.FollowUps, func(x model.FollowUp) bool { return x.ID == item && !x.Open() })
	case model.KindMessage:
		return slices.ContainsFunc(c.Messages, func(x model.Message) bool { return x.ID == item })
	case model.KindAttachment:
		return slices.ContainsFunc(c.Attachments, func(x model.Attachment) bool { return x.ID == item })
	case model.KindDecision:
		return slices.ContainsFunc(c.Decisions, func(x model.DecisionInfo) bool { return x.ID == item })
	}
	return true
}

var _ = errors.Is
