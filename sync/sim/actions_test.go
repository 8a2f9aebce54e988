package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/store/index"
	"github.com/ozgcloud/desktop/sync/wire"
)

// caseIDs returns the cases on the desktop, sorted, so that a seeded pick is
// reproducible.
func (d *desk) caseIDs() []string {
	page := d.db.List(index.Query{Limit: index.MaxLimit})
	ids := make([]string, 0, len(page.Rows))
	for _, r := range page.Rows {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	return ids
}

// blob makes content of n bytes marked with the tenant, so that a byte of it on
// another tenant's desktop is found.
func (w *world) blob(t *tenant, n int, pdf bool) []byte {
	var b bytes.Buffer
	if pdf {
		b.WriteString("%PDF-1.7\n% ")
	}
	b.WriteString(t.marker + " ")
	for b.Len() < n {
		b.WriteByte(byte('a' + w.rng.IntN(26)))
	}
	if pdf {
		b.WriteString("\n%%EOF\n")
	}
	out := b.Bytes()
	sum := sha256.Sum256(out)
	sha := hex.EncodeToString(sum[:])
	w.blobs[sha] = out
	w.blobTen[sha] = t.id
	return out
}

// blobSize is usually a few KB; now and then just over a chunk, so uploads and
// downloads of more than one chunk (and resuming them) happen too.
func (w *world) blobSize() int {
	if w.chance(0.04) {
		return wire.ChunkSize + 1 + w.rng.IntN(2000)
	}
	return 200 + w.rng.IntN(4000)
}

func day(t time.Time) time.Time { return model.Day(t, time.UTC) }

// act performs one seeded clerk action on d through the store's write paths the app
// uses, and records the mutation it queued.
func (w *world) act(d *desk) { w.actOn(d, "", false) }

// actOn is act on the case caseID (any when empty), with only the actions that set
// a scalar field (status, assignee, deadlines) when scalar.
func (w *world) actOn(d *desk, caseID string, scalar bool) {
	if !w.mayAct(d) {
		return
	}
	ids := d.caseIDs()
	if caseID != "" {
		ids = []string{caseID}
	}
	var (
		kind  string
		item  string
		cs    model.Case
		err   error
		clerk = d.clerk
		now   = w.now()
	)
	pick := func() (model.Case, bool) {
		if len(ids) == 0 {
			return model.Case{}, false
		}
		// Most actions go to a few cases, so that clerks on different desktops
		// meet on the same fields while apart.
		n := len(ids)
		if w.chance(0.7) {
			n = min(n, 3)
		}
		c, err := d.db.Case(ids[w.rng.IntN(n)])
		if err != nil {
			w.failf("step %d: %s: read a listed case: %v", w.step, d.name, err)
			return model.Case{}, false
		}
		return c, true
	}
	before, _ := d.db.Outbox(0, 0)
	lastSeq := uint64(0)
	if len(before) > 0 {
		lastSeq = before[len(before)-1].Seq
	}
	r := w.rng.IntN(100)
	if scalar {
		r = []int{20, 30, 40, 82}[w.rng.IntN(4)]
	}
	c, ok := pick()
	if !ok || r < 8 {
		kind = "create"
		ct := model.CaseTypes[w.rng.IntN(len(model.CaseTypes))]
		cs, err = d.db.Create(clerk, model.Case{
			ID: w.uuid(), Type: ct.Code, Title: ct.Name, ReceivedAt: now, Channel: model.ChannelCounter,
			Applicant: model.Applicant{Name: fmt.Sprintf("%s %d", d.tenant.marker, w.rng.IntN(1000))},
		})
		w.finish(d, kind, "", cs, err, lastSeq)
		return
	}
	id := c.ID
	owner := w.owner(d, c)
	do := func(k model.MutationKind, payload any) {
		if owner != "" {
			kind += " for " + owner
			cs, err = d.db.DoFor(clerk, owner, id, k, payload)
			return
		}
		cs, err = d.db.Do(clerk, id, k, payload)
	}
	switch {
	case r < 34:
		kind = "transition"
		acts := model.Allowed(&c, clerk.Role)
		var a model.Action
		if len(acts) == 0 || w.chance(0.1) {
			// Now and then an action the status table refuses here.
			a = model.Transitions[w.rng.IntN(len(model.Transitions))].Action
		} else {
			a = acts[w.rng.IntN(len(acts))]
		}
		kind += " " + string(a)
		p := model.TransitionPayload{Action: a, Reason: "Grund der Sachbearbeitung"}
		if a == model.ActionWeiterleiten {
			p.OrgUnit = d.tenant.orgUnit
		}
		do(model.KindTransition, p)
	case r < 44:
		kind = "assign"
		to := ""
		if w.chance(0.8) {
			to = d.tenant.users[w.rng.IntN(len(d.tenant.users))].ID
		}
		do(model.KindAssign, model.AssignPayload{Assignee: to})
	case r < 54:
		kind, item = "comment", w.uuid()
		do(model.KindComment, model.CommentPayload{Comment: model.Comment{ID: item, At: now, By: clerk.ID, Text: "Rückfrage beim Bauamt"}})
	case r < 62:
		kind, item = "followup", w.uuid()
		do(model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{
			ID: item, Due: day(now.AddDate(0, 0, 1+w.rng.IntN(30))), Reason: "Unterlagen prüfen", CreatedAt: now, By: clerk.ID,
		}})
	case r < 70:
		kind = "followup.done"
		var open []string
		for _, f := range c.FollowUps {
			if f.Open() {
				open = append(open, f.ID)
			}
		}
		if len(open) == 0 {
			return
		}
		item = open[w.rng.IntN(len(open))]
		do(model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: item})
	case r < 75:
		kind, item = "message", w.uuid()
		do(model.KindMessage, model.MessagePayload{Message: model.Message{
			ID: item, Direction: model.MessageOutgoing, State: model.MessagePending,
			Subject: "Ihr Antrag", Body: "Bitte reichen Sie die Unterlagen nach.", At: now, By: clerk.ID,
		}})
	case r < 80:
		kind, item = "attachment", w.uuid()
		content := w.blob(d.tenant, w.blobSize(), w.chance(0.5))
		sha, size, perr := d.db.PutBlob(bytes.NewReader(content))
		if perr != nil {
			w.failf("step %d: %s: put blob: %v", w.step, d.name, perr)
			return
		}
		do(model.KindAttachment, model.AttachmentPayload{Attachment: model.Attachment{
			ID: item, Name: "anlage.pdf", MediaType: "application/pdf", Size: size, SHA256: sha, AddedAt: now, AddedBy: clerk.ID,
		}})
	case r < 86:
		kind = "deadline"
		f := model.FieldLegalDeadline
		if w.chance(0.5) {
			f = model.FieldTargetDeadline
		}
		var date *time.Time
		if w.chance(0.85) {
			dd := day(now.AddDate(0, 0, w.rng.IntN(90)))
			date = &dd
		}
		do(model.KindDeadline, model.DeadlinePayload{Field: f, Date: date})
	case r < 92:
		kind, item = "decision", w.uuid()
		content := w.blob(d.tenant, 300+w.rng.IntN(3000), true)
		sha, size, perr := d.db.PutBlob(bytes.NewReader(content))
		if perr != nil {
			w.failf("step %d: %s: put blob: %v", w.step, d.name, perr)
			return
		}
		code := fmt.Sprintf("%04X-%04X-%04X-%04X", w.rng.IntN(1<<16), w.rng.IntN(1<<16), w.rng.IntN(1<<16), w.rng.IntN(1<<16))
		info := model.DecisionInfo{
			ID: item, Template: "genehmigung", Title: "Bescheid", CreatedAt: now, CreatedBy: clerk.ID,
			SignedAt: &now, VerificationCode: code,
			Document: &model.Attachment{ID: w.uuid(), Name: "bescheid-" + code + ".pdf", MediaType: "application/pdf",
				Size: size, SHA256: sha, AddedAt: now, AddedBy: clerk.ID},
		}
		for _, old := range c.Decisions {
			if old.SignedAt != nil && old.SupersededBy == "" {
				info.Supersedes, info.Title = old.ID, "Änderungsbescheid"
			}
		}
		do(model.KindDecision, model.DecisionPayload{Decision: info})
	case r < 95:
		kind = "posted"
		var ids []string
		for _, dec := range c.Decisions {
			if dec.SignedAt != nil && dec.PostedAt == nil {
				ids = append(ids, dec.ID)
			}
		}
		if len(ids) == 0 {
			return
		}
		do(model.KindPosted, model.PostedPayload{DecisionIDs: ids, Date: day(now)})
	default:
		kind = "resolve"
		open, cerr := d.db.Conflicts(true)
		if cerr != nil {
			w.failf("step %d: %s: conflicts: %v", w.step, d.name, cerr)
			return
		}
		if len(open) == 0 {
			return
		}
		slices.SortFunc(open, func(a, b store.Conflict) int {
			return cmpStr(a.CaseID+a.Field+a.MutationID, b.CaseID+b.Field+b.MutationID)
		})
		cf := open[w.rng.IntN(len(open))]
		keep := []string{model.KeepServer, model.KeepClient, model.KeepMerged}[w.rng.IntN(3)]
		var value json.RawMessage
		if keep == model.KeepMerged {
			switch cf.Field {
			case model.FieldAssignee:
				value, _ = json.Marshal(d.tenant.users[w.rng.IntN(len(d.tenant.users))].ID)
			case model.FieldLegalDeadline, model.FieldTargetDeadline:
				value, _ = json.Marshal(day(now.AddDate(0, 0, 10)))
			default:
				value = cf.ServerValue
			}
		}
		kind += " " + cf.Field + " " + keep
		id = cf.CaseID
		cs, err = d.db.ResolveConflict(clerk, cf.ID, keep, value)
	}
	w.finish(d, kind, item, cs, err, lastSeq)
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// finish records what an action queued: every outbox entry after lastSeq.
func (w *world) finish(d *desk, kind, item string, cs model.Case, err error, lastSeq uint64) {
	if err != nil {
		var ve *model.ValidationError
		if !errors.Is(err, model.ErrNotAllowedNow) && !errors.Is(err, model.ErrRoleNotPermitted) &&
			!errors.Is(err, model.ErrNeedsDecision) && !errors.Is(err, model.ErrUnknownAction) &&
			!errors.Is(err, store.ErrNotAccepted) && !errors.As(err, &ve) {
			w.failf("step %d: %s: %s failed: %v", w.step, d.name, kind, err)
		}
		w.tracef("act %s %s: refused", d.name, kind)
		return
	}
	after, oerr := d.db.Outbox(lastSeq, 0)
	if oerr != nil {
		w.failf("step %d: %s: outbox: %v", w.step, d.name, oerr)
		return
	}
	if len(after) != 1 {
		w.failf("step %d: %s: %s queued %d mutations, want 1", w.step, d.name, kind, len(after))
	}
	for _, m := range after {
		w.note(d, m, item)
		w.tracef("act %s %s on %s: %s", d.name, kind, cs.ID, m.ID)
	}
}

// intake lets a form server submit an online application for the tenant.
func (w *world) intake(t *tenant) {
	t.nIntake++
	content := w.blob(t, w.blobSize(), true)
	path := filepath.Join(w.dir, fmt.Sprintf("intake-%s-%d.pdf", t.id, t.nIntake))
	if err := os.WriteFile(path, content, 0o600); err != nil {
		w.failf("intake file: %v", err)
		return
	}
	defer os.Remove(path)
	sum := sha256.Sum256(content)
	tx := fmt.Sprintf("tx-%s-%d", t.id, t.nIntake)
	if w.chance(0.2) && t.nIntake > 1 {
		tx = fmt.Sprintf("tx-%s-%d", t.id, t.nIntake-1) // a form server's retry
	}
	sub := cloud.Submission{
		TransactionID: tx, ZustaendigeStelle: t.orgUnit, FormID: "bauantrag", Name: "Bauantrag " + t.marker,
		Form: []model.FormField{{Name: "antragsteller.name", Label: "Name", Value: t.marker + " Online"}},
		Representation: &cloud.IntakeFile{Name: "antrag.pdf", MediaType: "application/pdf", Size: int64(len(content)),
			SHA256: hex.EncodeToString(sum[:]), Path: path},
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	resp, again, err := w.srv.svc.Intake(w.ctx, t.intake, sub)
	if err != nil {
		w.failf("step %d: intake %s: %v", w.step, tx, err)
		return
	}
	w.intakes[resp.CaseID] = true
	w.tracef("intake %s %s -> %s (again %v)", t.id, tx, resp.CaseID, again)
}
