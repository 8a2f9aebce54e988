package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/store/index"
)

// Cases is the bound service of the case list and the clerk's actions on a case.
// Every action is one store transaction and returns the case as now stored; the UI
// says "saved" only after it returned.
type Cases struct{ base }

// NewCases returns the Cases service.
func NewCases(e Env) *Cases { return &Cases{base: newBase(e)} }

var sortKeys = []index.SortKey{index.SortFileNumber, index.SortApplicant, index.SortType, index.SortReceived, index.SortStatus, index.SortAssignee, index.SortDeadline}

func (a *Cases) query(me model.Clerk, q ListQuery) (index.Query, error) {
	iq := index.Query{Text: q.Search, Desc: q.Desc, Offset: q.Offset, Limit: q.Limit, Today: index.DayNumber(a.today())}
	if q.Sort != "" {
		if !slices.Contains(sortKeys, index.SortKey(q.Sort)) {
			return iq, &Error{Code: CodeInvalid, Message: msgUnknownSort}
		}
		iq.Sort = index.SortKey(q.Sort)
	}
	for _, s := range q.Statuses {
		if !model.Status(s).Valid() {
			return iq, &Error{Code: CodeInvalid, Message: msgUnknownStatus}
		}
		iq.Statuses = append(iq.Statuses, model.Status(s))
	}
	for _, f := range q.Filters {
		switch f {
		case "mine":
			iq.Assignee, iq.AlsoAssignees = me.ID, a.standsInFor(me.ID)
		case "unassigned":
			iq.Unassigned = true
		case "overdue":
			iq.Overdue = true
		case "followup":
			iq.FollowUpDue = true
		default:
			return iq, &Error{Code: CodeInvalid, Message: msgUnknownFilter}
		}
	}
	return iq, nil
}

// ListCases returns one page of the case list.
func (a *Cases) ListCases(q ListQuery) (ListPage, error) {
	me, err := a.me()
	if err != nil {
		return ListPage{}, err
	}
	iq, err := a.query(me, q)
	if err != nil {
		return ListPage{}, err
	}
	p := a.db.List(iq)
	out := ListPage{Total: p.Total, Offset: q.Offset, Rows: make([]CaseRow, 0, len(p.Rows))}
	absent := a.standsInFor(me.ID)
	notAccepted, err := a.notAccepted()
	if err != nil {
		return ListPage{}, err
	}
	ids := make([]string, 0, len(p.Rows))
	for _, r := range p.Rows {
		ids = append(ids, r.ID)
	}
	scans, err := a.scan.caseMarks(ids)
	if err != nil {
		return ListPage{}, err
	}
	for _, r := range p.Rows {
		v := rowView(r, iq.Today)
		if slices.Contains(absent, r.Assignee) {
			v.Substitute = fmt.Sprintf(fmtSubstitute, r.AssigneeName)
		}
		v.NotAccepted = notAccepted[r.ID]
		v.Scan = scans[r.ID]
		out.Rows = append(out.Rows, v)
	}
	return out, nil
}

// notAccepted returns the cases made here that the OZG-Cloud did not accept.
func (a base) notAccepted() (map[string]bool, error) {
	list, err := a.db.NotAcceptedCases()
	if err != nil {
		return nil, toError(err)
	}
	out := make(map[string]bool, len(list))
	for _, n := range list {
		out[n.CaseID] = true
	}
	return out, nil
}

// Counts returns the numbers beside the quick filters; "mine" counts the cases of
// the absent clerks whom the clerk stands in for too.
func (a *Cases) Counts() (Counts, error) {
	me, err := a.me()
	if err != nil {
		return Counts{}, err
	}
	today := index.DayNumber(a.today())
	c := a.db.Counts(me.ID, today)
	if absent := a.standsInFor(me.ID); len(absent) > 0 {
		c.Mine = a.db.List(index.Query{Assignee: me.ID, AlsoAssignees: absent, Today: today, Limit: 1}).Total
	}
	pending, err := a.db.PendingCount()
	if err != nil {
		return Counts{}, toError(err)
	}
	out := Counts{All: c.All, Mine: c.Mine, Unassigned: c.Unassigned, Overdue: c.Overdue, FollowUp: c.FollowUpDue, ByStatus: map[string]int{}, Pending: pending}
	for s, n := range c.ByStatus {
		out.ByStatus[string(s)] = n
	}
	return out, nil
}

// GetCase returns a case with everything the detail view shows.
func (a *Cases) GetCase(id string) (CaseDetail, error) {
	if _, err := a.me(); err != nil {
		return CaseDetail{}, err
	}
	c, err := a.db.Case(id)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	return a.detail(c)
}

// do performs one action of me (one store transaction; as substitute on a case of
// an absent clerk me stands in for) and returns the case as now stored.
func (a base) do(me model.Clerk, id string, kind model.MutationKind, payload any) (CaseDetail, error) {
	c, err := a.act(me, id, kind, payload)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	return a.detail(c)
}

// Transition performs a status action (see model.Transitions); reason is for
// verwerfen and weiterleiten.
func (a *Cases) Transition(id, action, reason string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	act := model.Action(action)
	if needsReason[act] && strings.TrimSpace(reason) == "" {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: msgReasonMissing, Fields: map[string]string{"reason": fieldReason}}
	}
	return a.do(me, id, model.KindTransition, model.TransitionPayload{Action: act, Reason: strings.TrimSpace(reason)})
}

// Assign gives the case to a clerk; an empty clerkID releases it.
func (a *Cases) Assign(id, clerkID string) (CaseDetail, error) {
	me, err := a.assigner(clerkID)
	if err != nil {
		return CaseDetail{}, err
	}
	return a.do(me, id, model.KindAssign, model.AssignPayload{Assignee: clerkID})
}

// assigner returns the signed-in clerk, who hands cases to clerkID, once knownClerk
// accepts clerkID.
func (a *Cases) assigner(clerkID string) (model.Clerk, error) {
	me, err := a.me()
	if err != nil {
		return model.Clerk{}, err
	}
	if err := a.knownClerk(clerkID); err != nil {
		return model.Clerk{}, err
	}
	return me, nil
}

// knownClerk refuses a clerk ID this store does not know ("" is nobody).
func (a base) knownClerk(id string) error {
	if id == "" {
		return nil
	}
	if _, err := a.db.Clerk(id); err != nil {
		return &Error{Code: CodeInvalid, Message: msgUnknownClerk, Fields: map[string]string{"assignee": fieldUnknownClerk}}
	}
	return nil
}

// AddComment adds an internal note.
func (a *Cases) AddComment(id, text string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	return a.do(me, id, model.KindComment, model.CommentPayload{Comment: model.Comment{
		ID: newID(), At: a.now(), By: me.ID, Text: strings.TrimSpace(text),
	}})
}

// AddFollowUp adds a Wiedervorlage on due (YYYY-MM-DD) with a reason.
func (a *Cases) AddFollowUp(id, due, reason string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	day, err := model.ParseDate(due)
	if err != nil {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: msgCheckFields, Fields: map[string]string{"due": fieldDate}}
	}
	if day.Before(a.today()) {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: msgCheckFieldsNothingSaved, Fields: map[string]string{"due": fieldFollowUpPast}}
	}
	return a.do(me, id, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{
		ID: newID(), Due: day, Reason: strings.TrimSpace(reason), CreatedAt: a.now(), By: me.ID,
	}})
}

// CompleteFollowUp marks a Wiedervorlage done.
func (a *Cases) CompleteFollowUp(id, followUpID string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	return a.do(me, id, model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: followUpID})
}

// SendMessage queues a message to the applicant; sync delivers it.
func (a *Cases) SendMessage(id, subject, body string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	return a.do(me, id, model.KindMessage, model.MessagePayload{Message: model.Message{
		ID: newID(), Direction: model.MessageOutgoing, State: model.MessagePending,
		Subject: strings.TrimSpace(subject), Body: strings.TrimSpace(body), At: a.now(), By: me.ID,
	}})
}

// VerifyHistory checks the case's history chain.
func (a *Cases) VerifyHistory(id string) (VerifyResult, error) {
	if _, err := a.me(); err != nil {
		return VerifyResult{}, err
	}
	n, err := a.db.VerifyHistory(id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return VerifyResult{}, toError(err)
		}
		return VerifyResult{OK: false, Entries: n, Message: fmt.Sprintf(msgHistoryBroken, err)}, nil
	}
	return VerifyResult{OK: true, Entries: n, Message: fmt.Sprintf(msgHistoryIntact, n)}, nil
}

// CreateCase enters an application that came by post or at the counter.
func (a *Cases) CreateCase(in NewCaseInput) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	fields := map[string]string{}
	// The receipt date is a civil date: the case was received when that day began
	// in Berlin, so that every view and the deadline take that same date.
	day, err := model.ParseDate(in.Received)
	if err != nil {
		fields["received"] = fieldReceived
	} else if day.After(a.today()) {
		fields["received"] = fieldReceivedFuture
	}
	received := model.DateStart(day)
	ch := model.Channel(in.Channel)
	if ch != model.ChannelPost && ch != model.ChannelCounter {
		fields["channel"] = fieldChannel
	}
	t, ok := model.CaseTypeByCode(in.Type)
	if !ok {
		fields["type"] = fieldCaseType
	}
	if strings.TrimSpace(in.Name) == "" {
		fields["name"] = fieldName
	}
	if pc := strings.TrimSpace(in.PostalCode); pc != "" && !model.ValidPostalCode(pc) {
		fields["postalCode"] = fieldPostalCode
	}
	if e := strings.TrimSpace(in.Email); e != "" && (!strings.Contains(e, "@") || strings.ContainsAny(e, " ,;")) {
		fields["email"] = fieldEmail
	}
	if len(fields) > 0 {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: msgCheckFields, Fields: fields}
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = t.Name
	}
	c := model.Case{
		Type: t.Code, LeikaIDs: t.LeikaIDs, Title: title, ReceivedAt: received, Channel: ch,
		Applicant: model.Applicant{
			Name: strings.TrimSpace(in.Name), Street: strings.TrimSpace(in.Street),
			PostalCode: strings.TrimSpace(in.PostalCode), City: strings.TrimSpace(in.City),
			Email: strings.TrimSpace(in.Email), Phone: strings.TrimSpace(in.Phone),
		},
	}
	if note := strings.TrimSpace(in.Note); note != "" {
		c.Form = []model.FormField{{Name: "anliegen", Label: "Anliegen", Value: note}}
	}
	created, err := a.db.Create(me, c)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	return a.detail(created)
}

// skip says why a bulk action leaves case c alone (German), and whether the clerk may
// confirm it; "" does it.
type skip func(c model.Case) (reason string, ask bool)

// bulk performs one action (named label) per case, each its own transaction, so one
// refused case does not undo the others; the result names every case left alone and
// why, with its status where that is why.
func (a *Cases) bulk(me model.Clerk, ids []string, label string, kind model.MutationKind, payload any, skip skip) BulkResult {
	res := BulkResult{Failed: []BulkFailed{}, Ask: []BulkFailed{}}
	for _, id := range ids {
		c, err := a.db.Case(id)
		if err != nil {
			res.Failed = append(res.Failed, BulkFailed{ID: id, Reason: toError(err).(*Error).Message})
			continue
		}
		f := BulkFailed{ID: id, FileNumber: c.FileNumber, Status: c.Status.Label()}
		if skip != nil {
			if f.Reason, f.Ask = skip(c); f.Reason != "" {
				if f.Ask {
					res.Ask = append(res.Ask, f)
				} else {
					res.Failed = append(res.Failed, f)
				}
				continue
			}
		}
		if _, err := a.act(me, id, kind, payload); err != nil {
			f.Reason = toError(err).(*Error).Message
			if errors.Is(err, model.ErrNotAllowedNow) {
				f.Reason = fmt.Sprintf(msgBulkNotNow, label, c.Status.Label())
			}
			res.Failed = append(res.Failed, f)
			continue
		}
		res.Done++
	}
	return res
}

// BulkAssign assigns every case in ids to clerkID. It leaves alone the cases that are
// finished (closed, decided, discarded, forwarded, to be deleted) and those already
// clerkID's; a case a colleague holds only when takeOver, else it is listed in Ask,
// so that the clerk confirms taking it and calls again with takeOver.
func (a *Cases) BulkAssign(ids []string, clerkID string, takeOver bool) (BulkResult, error) {
	me, err := a.assigner(clerkID)
	if err != nil {
		return BulkResult{}, err
	}
	n := a.names()
	return a.bulk(me, ids, labelAssign, model.KindAssign, model.AssignPayload{Assignee: clerkID}, func(c model.Case) (string, bool) {
		switch {
		case c.Finished():
			return fmt.Sprintf(msgBulkAssignFinished, c.Status.Label()), false
		case c.Assignee == clerkID:
			return fmt.Sprintf(msgBulkAssignAlready, n.of(clerkID)), false
		case !takeOver && c.Assignee != "" && c.Assignee != me.ID:
			return fmt.Sprintf(msgBulkAssignHeld, n.of(c.Assignee), c.Status.Label()), true
		}
		return "", false
	}), nil
}

// BulkTransition performs action on every case in ids where it is allowed.
func (a *Cases) BulkTransition(ids []string, action string) (BulkResult, error) {
	me, err := a.me()
	if err != nil {
		return BulkResult{}, err
	}
	act := model.Action(action)
	if needsReason[act] {
		return BulkResult{}, &Error{Code: CodeNotAllowed, Message: msgBulkNeedsReason}
	}
	t, ok := model.TransitionFor(act)
	if !ok {
		return BulkResult{}, &Error{Code: CodeNotAllowed, Message: msgNotAllowedNow}
	}
	return a.bulk(me, ids, t.Label, model.KindTransition, model.TransitionPayload{Action: act}, nil), nil
}

// DueFollowUps lists the open follow-ups due today or earlier of cases still in work:
// the clerk's own (and those of the absent clerks the clerk stands in for), or with
// all the whole office's, the clerk's first.
func (a *Cases) DueFollowUps(all bool) ([]DueFollowUp, error) {
	me, err := a.me()
	if err != nil {
		return nil, err
	}
	due, err := a.dueFollowUps(me)
	if err != nil || all {
		return due, err
	}
	mine := due[:0]
	for _, d := range due {
		if d.Mine {
			mine = append(mine, d)
		}
	}
	return mine, nil
}

// HandFollowUp gives an open follow-up to clerkID: a new follow-up with the same date
// and reason for them is added first, then this one is marked done, so that a crash
// between the two leaves one too many, never none.
func (a *Cases) HandFollowUp(id, followUpID, clerkID string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	if clerkID == "" {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: msgUnknownClerk, Fields: map[string]string{"owner": fieldUnknownClerk}}
	}
	if err := a.knownClerk(clerkID); err != nil {
		return CaseDetail{}, err
	}
	c, err := a.db.Case(id)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	i := slices.IndexFunc(c.FollowUps, func(f model.FollowUp) bool { return f.ID == followUpID })
	if i < 0 || !c.FollowUps[i].Open() {
		return CaseDetail{}, &Error{Code: CodeNotFound, Message: msgFollowUpNotOpen}
	}
	old := c.FollowUps[i]
	if _, err := a.act(me, id, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{
		ID: newID(), Due: old.Due, Reason: old.Reason, CreatedAt: a.now(), By: me.ID, Owner: clerkID,
	}}); err != nil {
		return CaseDetail{}, toError(err)
	}
	return a.do(me, id, model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: followUpID})
}

// maxDueListed bounds the due list: more than a clerk can read, few enough that the
// window stays quick even on a store of 100,000 benchmark cases.
const maxDueListed = 1000

func (a base) dueFollowUps(me model.Clerk) ([]DueFollowUp, error) {
	today := a.today()
	due, err := a.db.DueFollowUps(today)
	if err != nil {
		return nil, toError(err)
	}
	mineToo := a.standsInFor(me.ID)
	n := a.names()
	out := make([]DueFollowUp, 0, len(due))
	for _, d := range due {
		if d.Finished {
			continue // a closed case raises no follow-up (its open ones are offered to be completed on closing)
		}
		owner := d.FollowUp.OwnerID()
		out = append(out, DueFollowUp{
			CaseID: d.CaseID, FileNumber: d.FileNumber, Applicant: d.Applicant,
			FollowUpID: d.FollowUp.ID, Due: model.FormatDate(d.FollowUp.Due), Reason: d.FollowUp.Reason,
			Overdue: d.FollowUp.Due.Before(today),
			Owner:   n.of(owner), Mine: owner == me.ID || slices.Contains(mineToo, owner),
		})
	}
	// The clerk's own first, each group oldest first (the store's order).
	sorted := make([]DueFollowUp, 0, len(out))
	for _, d := range out {
		if d.Mine {
			sorted = append(sorted, d)
		}
	}
	for _, d := range out {
		if !d.Mine {
			sorted = append(sorted, d)
		}
	}
	if len(sorted) > maxDueListed {
		sorted = sorted[:maxDueListed]
	}
	return sorted, nil
}

// Forward performs weiterleiten to another org unit of the tenant (one of
// SyncOrgUnits, from the directory) with a reason: the case's org unit changes with
// the status.
func (a *Cases) Forward(id, orgUnit, reason string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	units, err := a.db.OrgUnits()
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	fields := map[string]string{}
	if !slices.ContainsFunc(units, func(u store.OrgUnit) bool { return u.ID == orgUnit }) {
		fields["orgUnit"] = fieldOrgUnit
	}
	if strings.TrimSpace(reason) == "" {
		fields["reason"] = fieldReason
	}
	if len(fields) > 0 {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: msgCheckFields, Fields: fields}
	}
	return a.do(me, id, model.KindTransition, model.TransitionPayload{Action: model.ActionWeiterleiten, Reason: strings.TrimSpace(reason), OrgUnit: orgUnit})
}

// ResubmitCase submits a case that the OZG-Cloud did not accept again, in the name
// of the clerk signed in (the creation is theirs now; what was done to it before was
// refused with it and is listed under "abgelehnte Änderungen").
func (a *Cases) ResubmitCase(id string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	c, err := a.db.ResubmitCase(me, id)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	a.log.Info("case submitted again", "by", me.ID, "case", id)
	return a.detail(c)
}

// DiscardCase removes a case that the OZG-Cloud did not accept from this PC.
func (a *Cases) DiscardCase(id string) error {
	me, err := a.me()
	if err != nil {
		return err
	}
	if err := a.db.DiscardCase(id); err != nil {
		return toError(err)
	}
	a.log.Info("case not accepted by the OZG-Cloud discarded", "by", me.ID, "case", id)
	return nil
}
