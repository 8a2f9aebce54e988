package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Push applies a device's batch (see wire.PushRequest for the rules) and pokes the
// tenant's subscribers when something changed. ErrBadRequest when the batch is not
// the device's or does not validate.
//
// The whole batch is one Update: every mutation's case, history entry, Change and
// sum, the conflicts, the device's new lastSeq and the store's incarnation commit
// together or not at all, so a crash before the commit leaves the device to resend
// the same batch, and after it the resend is skipped. One transaction per batch
// rather than per mutation keeps a push of 1,000 queued mutations to one fsync. A
// push that is fenced (a restored or copied data folder, a restored service: see
// fence.go) applies nothing and says why.
func (s *Service) Push(ctx context.Context, d Device, req wire.PushRequest) (wire.PushResponse, error) {
	if err := req.Validate(); err != nil {
		return wire.PushResponse{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if len(req.Mutations) > 0 && req.Mutations[0].Device != d.ID {
		return wire.PushResponse{}, fmt.Errorf("%w: mutations of another device", ErrBadRequest)
	}
	var resp wire.PushResponse
	if len(req.Mutations) == 0 {
		err := s.store.View(ctx, d.Tenant, func(tx TenantTx) error {
			var err error
			resp.LastSeq, err = tx.DeviceSeq(d.ID)
			return err
		})
		if err != nil {
			return wire.PushResponse{}, fmt.Errorf("cloud: push: %w", err)
		}
		if req.Acked > resp.LastSeq {
			// A probe of a store that pulled everything again after a restore.
			resp.Fence = wire.FenceBehind
		}
		return resp, nil
	}
	auth, err := s.loadPushAuth(ctx, d, req.Mutations)
	if err != nil {
		return wire.PushResponse{}, err
	}
	var p *pusher
	took := false
	err = s.store.Update(ctx, d.Tenant, func(tx TenantTx) error {
		p = &pusher{s: s, tx: tx, auth: auth}
		resp, took = wire.PushResponse{}, false
		last, holder, err := tx.DeviceHolder(d.ID)
		if err != nil {
			return err
		}
		resp.LastSeq = last
		next, ok := admit(holder, req)
		if !ok {
			resp.Fence = wire.FenceReplaced
			return nil
		}
		if next != holder {
			if err := tx.SetDeviceHolder(d.ID, next); err != nil {
				return err
			}
			took = holder != ""
		}
		switch {
		case req.Acked > last:
			resp.Fence = wire.FenceBehind
			return nil
		case req.Mutations[0].Seq != req.Acked+1:
			resp.Fence = wire.FenceDiverged
			return nil
		}
		if p.stamp, err = s.newStamp(tx); err != nil {
			return err
		}
		sums, err := consumedSums(tx, d.ID, req.Mutations, last)
		if err != nil {
			return err
		}
		start := last
		for i, m := range req.Mutations {
			if m.Seq <= last {
				if sums[i] != "" && sums[i] != m.Sum() {
					// Another mutation took this seq: a restored or copied store.
					resp.Fence = wire.FenceDiverged
					break
				}
				resp.Results = append(resp.Results, wire.PushResult{Seq: m.Seq, Status: wire.StatusSkipped})
				continue
			}
			if m.Seq > last+1 {
				break
			}
			p.sum = m.Sum()
			res, err := p.apply(m)
			if err != nil {
				return fmt.Errorf("mutation %s: %w", m.ID, err)
			}
			if err := tx.PutMutationSum(d.ID, m.Seq, p.sum); err != nil {
				return err
			}
			resp.Results = append(resp.Results, res)
			last = m.Seq
		}
		resp.LastSeq = last
		if last == start {
			return nil
		}
		return tx.SetDeviceSeq(d.ID, last)
	})
	if err != nil {
		return wire.PushResponse{}, fmt.Errorf("cloud: push: %w", err)
	}
	if p.lastChange > 0 {
		s.hub.poke(d.Tenant, p.lastChange)
	}
	if took {
		s.log.Info("push: a store of the device took over after renumbering its outbox", "tenant", d.Tenant, "device", d.ID)
	}
	if resp.Fence != "" {
		s.log.Warn("push fenced", "tenant", d.Tenant, "device", d.ID, "fence", string(resp.Fence),
			"lastSeq", resp.LastSeq, "acked", req.Acked, "first", req.Mutations[0].Seq)
		return resp, nil
	}
	counts := map[wire.PushStatus]int{}
	for _, r := range resp.Results {
		counts[r.Status]++
	}
	s.log.Info("push", "tenant", d.Tenant, "device", d.ID, "lastSeq", resp.LastSeq,
		"applied", counts[wire.StatusApplied], "skipped", counts[wire.StatusSkipped],
		"rejected", counts[wire.StatusRejected], "conflicts", counts[wire.StatusConflict])
	return resp, nil
}

// consumedSums returns, per mutation of ms, the sum the service recorded for its
// seq when it is at most last ("" otherwise, or when none was recorded).
func consumedSums(tx TenantTx, device string, ms []model.Mutation, last uint64) ([]string, error) {
	out := make([]string, len(ms))
	first := ms[0].Seq
	if first > last {
		return out, nil
	}
	sums, err := tx.MutationSums(device, first, min(last, ms[len(ms)-1].Seq))
	if err != nil {
		return nil, err
	}
	copy(out, sums)
	return out, nil
}

// pusher applies the mutations of one push inside its transaction.
type pusher struct {
	s          *Service
	tx         TenantTx
	auth       *pushAuth
	stamp      stamp  // of this push's changes
	sum        string // of the mutation being applied
	lastChange uint64
	// lost holds, per case and field, the base version of a mutation of this batch
	// that ended in a conflict. The device built its later mutations of that field
	// on top of the lost value, so their base versions count a change the service
	// never made and may equal the service's version by coincidence; a later
	// mutation with a higher base is therefore a conflict too.
	lost map[[2]string]uint64
}

// applying is the log's name of the mutation being applied.
func (p *pusher) applying(m model.Mutation) applied { return applied{id: m.ID, sum: p.sum} }

func rejected(m model.Mutation, reason string) wire.PushResult {
	return wire.PushResult{Seq: m.Seq, Status: wire.StatusRejected, Reason: reason}
}

// apply decides one mutation. An error is a storage failure and aborts the push;
// everything the clerk could have done wrong is a rejection, and so is a mutation
// of a user the service did not sign in on this device (service_pushauth.go).
func (p *pusher) apply(m model.Mutation) (wire.PushResult, error) {
	actor, why := p.auth.actor(m)
	if why != "" {
		return rejected(m, why), nil
	}
	switch m.Kind {
	case model.KindCreate:
		return p.create(m, actor)
	case model.KindConflictResolve:
		return p.resolve(m, actor)
	}
	c, err := p.tx.CaseHead(m.CaseID)
	if errors.Is(err, ErrNotFound) {
		return rejected(m, "Den Vorgang gibt es in der OZG-Cloud nicht."), nil
	}
	if err != nil {
		return wire.PushResult{}, err
	}
	if res, done, err := p.conflict(c, m); done || err != nil {
		return res, err
	}
	return p.commit(c, m, actor, nil)
}

// create takes in a case made on a device: the tenant is the token's, whatever the
// payload says; the file number made on the device is kept, unless another case of
// the tenant holds it (device codes are unique in the tenant, but a copied data
// folder carries its code along, and a restored one its counters): then the create
// is rejected with wire.RejectFileNumber, and the desktop lists it for the clerk.
func (p *pusher) create(m model.Mutation, actor model.Clerk) (wire.PushResult, error) {
	var pl model.CreatePayload
	if err := json.Unmarshal(m.Payload, &pl); err != nil {
		return rejected(m, "Die Änderung ist fehlerhaft und wurde nicht übernommen."), nil
	}
	if pl.Case.ID != m.CaseID {
		return rejected(m, "Die Vorgangskennung passt nicht zur Änderung."), nil
	}
	if _, err := p.tx.CaseHead(m.CaseID); err == nil {
		return rejected(m, "Einen Vorgang mit dieser Kennung gibt es bereits."), nil
	} else if !errors.Is(err, ErrNotFound) {
		return wire.PushResult{}, err
	}
	if fn := pl.Case.FileNumber; fn != "" {
		holders, err := p.tx.CasesByFileNumber(fn)
		if err != nil {
			return wire.PushResult{}, err
		}
		if len(holders) > 0 {
			// Two PCs with one device code (a copied data folder) or a counter from
			// a backup: the case already here keeps the number.
			r := rejected(m, "Das Aktenzeichen "+fn+" hat in der OZG-Cloud schon ein anderer Vorgang "+
				"(die Daten dieses PCs stammen wohl aus einer Kopie oder Sicherung). Der Vorgang wurde nicht übernommen; "+
				"seine Angaben bleiben hier erhalten. Bitte legen Sie ihn neu an, dann bekommt er ein eigenes Aktenzeichen.")
			r.Code = wire.RejectFileNumber
			return r, nil
		}
	}
	pl.Case.Tenant = p.tx.Tenant()
	pl.Case.HistoryHead = model.HistoryHead{}
	pl.Case.Version = 0
	b, err := json.Marshal(pl)
	if err != nil {
		return wire.PushResult{}, fmt.Errorf("encode create payload: %w", err)
	}
	m.Payload = b
	return p.commit(model.Case{}, m, actor, nil)
}

// commit applies m to c (a head, see TenantTx.CaseHead; empty for a create) by
// actor, seals its history entry and appends the Change: the whole case for a
// create, else what changed. conflicts (resolved ones) are stored and travel with
// the Change.
func (p *pusher) commit(c model.Case, m model.Mutation, actor model.Clerk, conflicts []wire.Conflict) (wire.PushResult, error) {
	next := c
	summary, err := model.Apply(&next, m, actor)
	if errors.Is(err, model.ErrRoleNotPermitted) {
		return rejected(m, actor.Name+" darf das nicht (Rolle "+actor.Role.Label()+")."), nil
	}
	if err != nil {
		return rejected(m, reason(err, &c)), nil
	}
	if m.Kind == model.KindAssign && next.Assignee != "" {
		// The model names the clerk by ID; the registry knows the name.
		if name, ok := p.auth.name(next.Assignee); ok {
			summary = "Zugewiesen an " + name
		}
	}
	e := model.HistoryEntry{
		CaseID: next.ID, At: m.At, By: actor.ID, ByName: p.auth.historyName(m, actor),
		Kind: string(m.Kind), Summary: summary, Mutation: m.ID,
	}
	next.HistoryHead = e.Seal(next.HistoryHead)
	for _, cf := range conflicts {
		if err := p.tx.PutConflict(cf); err != nil {
			return wire.PushResult{}, err
		}
	}
	if m.Kind == model.KindDecision {
		if err := p.verification(next, m); err != nil {
			return wire.PushResult{}, err
		}
	}
	var seq uint64
	if m.Kind == model.KindCreate {
		seq, err = appendNew(p.tx, p.stamp, next, []model.HistoryEntry{e}, p.applying(m))
	} else {
		seq, err = appendPatch(p.tx, p.stamp, c, next, []model.HistoryEntry{e}, p.applying(m), conflicts)
	}
	if err != nil {
		return wire.PushResult{}, err
	}
	p.lastChange = seq
	return wire.PushResult{Seq: m.Seq, Status: wire.StatusApplied}, nil
}

// txMark returns the wire.Change.Tx of the changes a transaction appends.
func txMark(tx TenantTx) (uint64, error) {
	last, err := tx.LastChange()
	return last + 1, err
}

// verificationCode matches the code decision.Letter.VerificationCode prints.
var verificationCode = regexp.MustCompile(`[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}`)

// verification indexes a signed decision for GET /v1/verify. The code is the
// decision's VerificationCode, or the one in the signed PDF's file name, which
// desktops name after it.
func (p *pusher) verification(c model.Case, m model.Mutation) error {
	var pl model.DecisionPayload
	if json.Unmarshal(m.Payload, &pl) != nil {
		return nil
	}
	d := pl.Decision
	if d.SignedAt == nil || d.Document == nil {
		return nil
	}
	code := d.VerificationCode
	if code == "" {
		// The code ends the name; the file number before it never has its form.
		if all := verificationCode.FindAllString(d.Document.Name, -1); len(all) > 0 {
			code = all[len(all)-1]
		}
	}
	if code == "" {
		return nil
	}
	err := p.tx.PutVerification(Verification{
		Code: code, Tenant: p.tx.Tenant(), FileNumber: c.FileNumber,
		SignedAt: d.SignedAt.UTC(), Hash: d.Document.SHA256,
	})
	if errors.Is(err, ErrExists) {
		// Another tenant holds the code (64 bits: a forgery rather than chance).
		// The decision is still the clerk's; it is only not verifiable here, and
		// failing the push would make the device resend it forever.
		p.s.log.Warn("verification code held by another tenant", "tenant", p.tx.Tenant(), "case", c.ID)
		return nil
	}
	return err
}

// reason turns model.Apply's refusal into a German sentence for the clerk (commit
// words a refusal for the role itself: it names the clerk).
func reason(err error, c *model.Case) string {
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve):
		keys := make([]string, 0, len(ve.Fields))
		for k := range ve.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		msgs := make([]string, len(keys))
		for i, k := range keys {
			msgs[i] = ve.Fields[k]
		}
		return "Die Änderung wurde nicht übernommen: " + strings.Join(msgs, " ")
	case errors.Is(err, model.ErrNeedsDecision):
		return "Dafür ist ein unterschriebener Bescheid nötig."
	case errors.Is(err, model.ErrNotAllowedNow):
		return "Diese Aktion ist im Status „" + c.Status.Label() + "“ nicht möglich."
	case errors.Is(err, model.ErrNotFound):
		return "Der Eintrag wurde im Vorgang nicht gefunden."
	case errors.Is(err, model.ErrUnknownAction):
		return "Diese Aktion ist unbekannt."
	}
	return "Die Änderung ist fehlerhaft und wurde nicht übernommen."
}

// touches returns the scalar fields m sets.
func touches(m model.Mutation) []string {
	switch m.Kind {
	case model.KindTransition:
		return []string{model.FieldStatus}
	case model.KindAssign:
		return []string{model.FieldAssignee}
	case model.KindDeadline:
		var pl model.DeadlinePayload
		if json.Unmarshal(m.Payload, &pl) == nil {
			return []string{pl.Field}
		}
	}
	return nil
}

// fieldValue returns the JSON of a scalar field of c.
func fieldValue(c *model.Case, f string) json.RawMessage {
	var v any
	switch f {
	case model.FieldStatus:
		v = c.Status
	case model.FieldAssignee:
		v = c.Assignee
	case model.FieldLegalDeadline:
		v = c.LegalDeadline
	case model.FieldTargetDeadline:
		v = c.TargetDeadline
	}
	b, _ := json.Marshal(v) // strings and times
	return b
}

// clientValue returns the JSON m wanted for field f (ok false when unknowable).
func clientValue(c *model.Case, m model.Mutation, f string) (json.RawMessage, bool) {
	var v any
	switch m.Kind {
	case model.KindAssign:
		var pl model.AssignPayload
		if json.Unmarshal(m.Payload, &pl) != nil {
			return nil, false
		}
		v = pl.Assignee
	case model.KindDeadline:
		var pl model.DeadlinePayload
		if json.Unmarshal(m.Payload, &pl) != nil {
			return nil, false
		}
		v = pl.Date
	case model.KindTransition:
		var pl model.TransitionPayload
		if json.Unmarshal(m.Payload, &pl) != nil {
			return nil, false
		}
		t, ok := model.TransitionFor(pl.Action)
		if !ok {
			return nil, false
		}
		to := t.To
		if to == "" {
			to = c.PrevStatus
		}
		v = to
	default:
		return nil, false
	}
	b, _ := json.Marshal(v)
	return b, true
}

// conflict checks m's base versions against c. A stale base of a field m sets, with
// a value other than the one the service holds, is a conflict: the service keeps
// its value, records both, and appends a Change without touching the case so every
// device learns of it. The same value from a stale base is no conflict: it is
// applied without touching the case (the service already holds what the clerk
// wanted), and a Change names it.
func (p *pusher) conflict(c model.Case, m model.Mutation) (wire.PushResult, bool, error) {
	for _, f := range touches(m) {
		base, ok := m.Base[f]
		if !ok {
			continue
		}
		lostBase, built := p.lost[[2]string{c.ID, f}]
		if base >= c.Versions[f] && !(built && base > lostBase) {
			continue
		}
		cv, known := clientValue(&c, m, f)
		sv := fieldValue(&c, f)
		if known && string(cv) == string(sv) {
			// The case does not change, but the log names the mutation: a device
			// whose push answer was lost learns from the log alone that it was
			// applied, and counts a mutation the log never names as rejected (found
			// by sync/sim).
			seq, err := appendPatch(p.tx, p.stamp, c, c, nil, p.applying(m), nil)
			if err != nil {
				return wire.PushResult{}, true, err
			}
			p.lastChange = seq
			return wire.PushResult{Seq: m.Seq, Status: wire.StatusApplied}, true, nil
		}
		author, at, err := p.lastWriter(c.ID, f)
		if err != nil {
			return wire.PushResult{}, true, err
		}
		id, err := p.s.newID()
		if err != nil {
			return wire.PushResult{}, true, err
		}
		cf := wire.Conflict{
			ID: id, CaseID: c.ID, Field: f, ServerValue: sv, ClientValue: cv,
			ServerAuthor: author.By, ClientAuthor: m.User, ServerAt: at, ClientAt: m.At, MutationID: m.ID,
		}
		if err := p.tx.PutConflict(cf); err != nil {
			return wire.PushResult{}, true, err
		}
		if p.lost == nil {
			p.lost = map[[2]string]uint64{}
		}
		if old, ok := p.lost[[2]string{c.ID, f}]; !ok || base < old {
			p.lost[[2]string{c.ID, f}] = base
		}
		seq, err := appendPatch(p.tx, p.stamp, c, c, nil, p.applying(m), []wire.Conflict{cf})
		if err != nil {
			return wire.PushResult{}, true, err
		}
		p.lastChange = seq
		who := author.ByName
		if who == "" {
			who = "einer anderen Person"
		}
		return wire.PushResult{
			Seq: m.Seq, Status: wire.StatusConflict, Conflict: &cf,
			Reason: "Das Feld „" + model.FieldLabel(f) + "“ wurde zwischenzeitlich von " + who +
				" geändert. Der Wert der OZG-Cloud gilt, bis der Konflikt gelöst ist.",
		}, true, nil
	}
	return wire.PushResult{}, false, nil
}

// fieldKinds are the mutation kinds that set a field (besides case.create and
// conflict.resolve, which may set any).
var fieldKinds = map[string]model.MutationKind{
	model.FieldStatus:         model.KindTransition,
	model.FieldAssignee:       model.KindAssign,
	model.FieldLegalDeadline:  model.KindDeadline,
	model.FieldTargetDeadline: model.KindDeadline,
}

// lastWriter finds the newest history entry that may have set field f. For the two
// deadlines the kind is shared, so it is the newest deadline change of either.
func (p *pusher) lastWriter(caseID, f string) (model.HistoryEntry, time.Time, error) {
	hist, err := p.tx.History(caseID)
	if err != nil {
		return model.HistoryEntry{}, time.Time{}, err
	}
	for _, e := range slices.Backward(hist) {
		k := model.MutationKind(e.Kind)
		if k == fieldKinds[f] || k == model.KindCreate || k == model.KindConflictResolve {
			return e, e.At, nil
		}
	}
	return model.HistoryEntry{}, time.Time{}, nil
}
