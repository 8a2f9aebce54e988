package app

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// conflictKind says how a merged value of a field is written in the dialog.
func conflictKind(field string) string {
	switch field {
	case model.FieldLegalDeadline, model.FieldTargetDeadline:
		return "date"
	case model.FieldStatus:
		return "status"
	case model.FieldAssignee:
		return "assignee"
	}
	return ""
}

// conflictValue turns a field's JSON into the raw value the UI sends back and the
// text it shows.
func conflictValue(field string, v json.RawMessage, n names) (raw, shown string) {
	switch conflictKind(field) {
	case "date":
		var t *time.Time
		if json.Unmarshal(v, &t) != nil || t == nil {
			return "", labelNoDeadline
		}
		return model.FormatDate(*t), t.UTC().Format("02.01.2006")
	case "status":
		var s model.Status
		if json.Unmarshal(v, &s) != nil {
			return "", labelUnknown
		}
		return string(s), s.Label()
	case "assignee":
		var id string
		if json.Unmarshal(v, &id) != nil || id == "" {
			return "", labelNobody
		}
		return id, n.of(id)
	}
	return "", string(v)
}

func (a *Sync) conflictView(c store.Conflict, n names) ConflictView {
	v := ConflictView{
		ID: c.ID, CaseID: c.CaseID, Field: c.Field, FieldLabel: model.FieldLabel(c.Field),
		Kind:         conflictKind(c.Field),
		ServerAuthor: n.of(c.ServerAuthor), ClientAuthor: n.of(c.ClientAuthor),
		ServerAt: stamp(c.ServerAt, a.loc), ClientAt: stamp(c.ClientAt, a.loc),
		ReceivedAt: stamp(c.ReceivedAt, a.loc), Open: c.Open(),
		ResolvedBy: n.of(c.ResolvedBy), Resolution: c.Resolution,
	}
	v.ServerRaw, v.ServerValue = conflictValue(c.Field, c.ServerValue, n)
	v.ClientRaw, v.ClientValue = conflictValue(c.Field, c.ClientValue, n)
	if c.ResolvedAt != nil {
		v.ResolvedAt = stamp(*c.ResolvedAt, a.loc)
	}
	if cs, err := a.db.Case(c.CaseID); err == nil {
		v.FileNumber, v.Applicant = cs.FileNumber, cs.Applicant.Name
	}
	return v
}

// SyncConflicts lists the open conflicts, of one case when caseID is not "".
func (a *Sync) SyncConflicts(caseID string) ([]ConflictView, error) {
	if _, err := a.me(); err != nil {
		return nil, err
	}
	cs, err := a.db.Conflicts(true)
	if err != nil {
		return nil, toError(err)
	}
	n := a.names()
	out := []ConflictView{}
	for _, c := range cs {
		if caseID == "" || c.CaseID == caseID {
			out = append(out, a.conflictView(c, n))
		}
	}
	return out, nil
}

// ResolveConflict keeps the OZG-Cloud's value, this side's, or a merged one; the
// resolution travels to the server and to the other PCs like any change.
func (a *Sync) ResolveConflict(in ResolveConflictInput) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	var value json.RawMessage
	switch in.Keep {
	case model.KeepServer, model.KeepClient:
	case model.KeepMerged:
		v, err := a.mergedValue(in)
		if err != nil {
			return CaseDetail{}, err
		}
		value = v
	default:
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: msgChooseValue,
			Fields: map[string]string{"keep": fieldValue}}
	}
	c, err := a.db.ResolveConflict(me, in.ID, in.Keep, value)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	a.runner.emitStatus()
	return a.detail(c)
}

// mergedValue encodes the value the clerk wrote for the conflict's field.
func (a *Sync) mergedValue(in ResolveConflictInput) (json.RawMessage, error) {
	cs, err := a.db.Conflicts(false)
	if err != nil {
		return nil, toError(err)
	}
	field := ""
	for _, c := range cs {
		if c.ID == in.ID {
			field = c.Field
		}
	}
	val := strings.TrimSpace(in.Value)
	bad := func(msg string) error {
		return &Error{Code: CodeInvalid, Message: msg, Fields: map[string]string{"value": msg}}
	}
	switch conflictKind(field) {
	case "":
		return nil, &Error{Code: CodeNotFound, Message: msgConflictNotFound}
	case "date":
		if val == "" {
			return json.RawMessage("null"), nil
		}
		d, err := model.ParseDate(val)
		if err != nil {
			return nil, bad(fieldConflictDate)
		}
		return json.Marshal(d)
	case "status":
		if !model.Status(val).Valid() {
			return nil, bad(fieldConflictStatus)
		}
		return json.Marshal(val)
	default: // assignee
		if err := a.knownClerk(val); err != nil {
			return nil, bad(fieldUnknownClerk)
		}
		return json.Marshal(val)
	}
}

func kindLabel(k model.MutationKind) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

// RejectedChanges lists the changes the OZG-Cloud refused, with its reason.
func (a *Sync) RejectedChanges() ([]RejectedView, error) {
	if _, err := a.me(); err != nil {
		return nil, err
	}
	rs, err := a.db.Rejections()
	if err != nil {
		return nil, toError(err)
	}
	n := a.names()
	out := []RejectedView{}
	for _, r := range rs {
		m := r.Mutation
		v := RejectedView{
			Seq: r.Seq, CaseID: m.CaseID, Kind: string(m.Kind), What: kindLabel(m.Kind),
			By: n.of(m.User), At: stamp(m.At, a.loc), Reason: r.Reason, RejectedAt: stamp(r.At, a.loc),
		}
		if cs, err := a.db.Case(m.CaseID); err == nil {
			v.FileNumber, v.Applicant = cs.FileNumber, cs.Applicant.Name
		}
		out = append(out, v)
	}
	return out, nil
}

// DismissRejected removes a refused change from the list once it was read.
func (a *Sync) DismissRejected(seq uint64) ([]RejectedView, error) {
	if _, err := a.me(); err != nil {
		return nil, err
	}
	if err := a.db.DismissRejected(seq); err != nil {
		return nil, toError(err)
	}
	a.runner.emitStatus()
	return a.RejectedChanges()
}
