package app

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func (a *App) getCase(id string) (CaseDetail, error) {
	if err := a.ready(); err != nil {
		return CaseDetail{}, err
	}
	c, err := a.db.Case(id)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	return a.detail(c)
}

// do performs one clerk action (one store transaction) and returns the case as now
// stored; the UI says "saved" only after this returned.
func (a *App) do(id string, kind model.MutationKind, payload any) (CaseDetail, error) {
	if err := a.ready(); err != nil {
		return CaseDetail{}, err
	}
	c, err := a.db.Do(a.current(), id, kind, payload)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	return a.detail(c)
}

func (a *App) transition(id, action, reason string) (CaseDetail, error) {
	act := model.Action(action)
	if needsReason[act] && strings.TrimSpace(reason) == "" {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: "Bitte geben Sie einen Grund an.", Fields: map[string]string{"reason": "Bitte einen Grund angeben."}}
	}
	return a.do(id, model.KindTransition, model.TransitionPayload{Action: act, Reason: strings.TrimSpace(reason)})
}

func (a *App) assign(id, clerkID string) (CaseDetail, error) {
	if err := a.knownClerk(clerkID); err != nil {
		return CaseDetail{}, err
	}
	return a.do(id, model.KindAssign, model.AssignPayload{Assignee: clerkID})
}

func (a *App) knownClerk(id string) error {
	if err := a.ready(); err != nil {
		return err
	}
	if id == "" {
		return nil
	}
	if _, err := a.db.Clerk(id); err != nil {
		return &Error{Code: CodeInvalid, Message: "Diese Person ist nicht bekannt.", Fields: map[string]string{"assignee": "Unbekannte Person."}}
	}
	return nil
}

func (a *App) addComment(id, text string) (CaseDetail, error) {
	return a.do(id, model.KindComment, model.CommentPayload{Comment: model.Comment{
		ID: newID(), At: a.now(), By: a.current().ID, Text: strings.TrimSpace(text),
	}})
}

func (a *App) addFollowUp(id, due, reason string) (CaseDetail, error) {
	day, err := time.Parse(dateLayout, due)
	if err != nil {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: "Bitte prüfen Sie die markierten Angaben.", Fields: map[string]string{"due": "Bitte ein gültiges Datum angeben."}}
	}
	return a.do(id, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{
		ID: newID(), Due: day, Reason: strings.TrimSpace(reason), CreatedAt: a.now(), By: a.current().ID,
	}})
}

func (a *App) completeFollowUp(id, followUpID string) (CaseDetail, error) {
	return a.do(id, model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: followUpID})
}

func (a *App) sendMessage(id, subject, body string) (CaseDetail, error) {
	return a.do(id, model.KindMessage, model.MessagePayload{Message: model.Message{
		ID: newID(), Direction: model.MessageOutgoing, State: model.MessagePending,
		Subject: strings.TrimSpace(subject), Body: strings.TrimSpace(body), At: a.now(), By: a.current().ID,
	}})
}

func (a *App) verifyHistory(id string) (VerifyResult, error) {
	if err := a.ready(); err != nil {
		return VerifyResult{}, err
	}
	n, err := a.db.VerifyHistory(id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return VerifyResult{}, toError(err)
		}
		return VerifyResult{OK: false, Entries: n, Message: "Der Verlauf ist NICHT unversehrt: ein Eintrag wurde verändert oder entfernt. Bitte informieren Sie die Administration. (" + err.Error() + ")"}, nil
	}
	return VerifyResult{OK: true, Entries: n, Message: "Der Verlauf ist unversehrt: alle " + strconv.Itoa(n) + " Einträge sind lückenlos verkettet."}, nil
}

func (a *App) createCase(in NewCaseInput) (CaseDetail, error) {
	if err := a.ready(); err != nil {
		return CaseDetail{}, err
	}
	fields := map[string]string{}
	received, err := time.ParseInLocation(dateLayout, in.Received, a.loc)
	if err != nil {
		fields["received"] = "Bitte das Eingangsdatum angeben."
	} else if received.After(a.now()) {
		fields["received"] = "Das Eingangsdatum liegt in der Zukunft."
	}
	ch := model.Channel(in.Channel)
	if ch != model.ChannelPost && ch != model.ChannelCounter {
		fields["channel"] = "Bitte den Eingangsweg wählen."
	}
	t, ok := model.CaseTypeByCode(in.Type)
	if !ok {
		fields["type"] = "Bitte eine Antragsart wählen."
	}
	if strings.TrimSpace(in.Name) == "" {
		fields["name"] = "Bitte den Namen angeben."
	}
	if pc := strings.TrimSpace(in.PostalCode); pc != "" && !model.ValidPostalCode(pc) {
		fields["postalCode"] = "Die Postleitzahl hat fünf Ziffern."
	}
	if e := strings.TrimSpace(in.Email); e != "" && (!strings.Contains(e, "@") || strings.ContainsAny(e, " ,;")) {
		fields["email"] = "Die E-Mail-Adresse ist nicht gültig."
	}
	if len(fields) > 0 {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: "Bitte prüfen Sie die markierten Angaben.", Fields: fields}
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
	created, err := a.db.Create(a.current(), c)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	return a.detail(created)
}

// bulk performs one action per case, each its own transaction, so one refused case
// does not undo the others; the result names every refusal.
func (a *App) bulk(ids []string, kind model.MutationKind, payload any) (BulkResult, error) {
	if err := a.ready(); err != nil {
		return BulkResult{}, err
	}
	res := BulkResult{Failed: []BulkFailed{}}
	for _, id := range ids {
		if _, err := a.db.Do(a.current(), id, kind, payload); err != nil {
			f := BulkFailed{ID: id, Reason: toError(err).(*Error).Message}
			if old, err := a.db.Case(id); err == nil {
				f.FileNumber = old.FileNumber
			}
			res.Failed = append(res.Failed, f)
			continue
		}
		res.Done++
	}
	return res, nil
}

func (a *App) bulkAssign(ids []string, clerkID string) (BulkResult, error) {
	if err := a.knownClerk(clerkID); err != nil {
		return BulkResult{}, err
	}
	return a.bulk(ids, model.KindAssign, model.AssignPayload{Assignee: clerkID})
}

func (a *App) bulkTransition(ids []string, action string) (BulkResult, error) {
	act := model.Action(action)
	if needsReason[act] {
		return BulkResult{}, &Error{Code: CodeNotAllowed, Message: "Diese Aktion braucht einen Grund je Vorgang und ist als Sammelaktion nicht möglich."}
	}
	return a.bulk(ids, model.KindTransition, model.TransitionPayload{Action: act})
}

// maxDueListed bounds the due list: more than a clerk can read, few enough that the
// window stays quick even on a store of 100,000 benchmark cases.
const maxDueListed = 1000

func (a *App) dueFollowUps() ([]DueFollowUp, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	today := a.today()
	due, err := a.db.DueFollowUps(today)
	if err != nil {
		return nil, toError(err)
	}
	me := a.current().ID
	out := make([]DueFollowUp, 0, len(due))
	for _, d := range due {
		out = append(out, DueFollowUp{
			CaseID: d.CaseID, FileNumber: d.FileNumber, Applicant: d.Applicant,
			FollowUpID: d.FollowUp.ID, Due: d.FollowUp.Due.Format(dateLayout), Reason: d.FollowUp.Reason,
			Overdue: d.FollowUp.Due.Before(today),
		})
	}
	// The clerk's own cases first, each group oldest first (the store's order).
	mine := func(i int) bool { return due[i].Assignee == me }
	sorted := make([]DueFollowUp, 0, len(out))
	for i := range out {
		if mine(i) {
			sorted = append(sorted, out[i])
		}
	}
	for i := range out {
		if !mine(i) {
			sorted = append(sorted, out[i])
		}
	}
	if len(sorted) > maxDueListed {
		sorted = sorted[:maxDueListed]
	}
	return sorted, nil
}
