package app

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Substitution is the bound service of absences (Vertretung): a clerk records their
// own absence with a substitute, the Leitung anyone's. While it lasts the substitute
// finds the absent clerk's cases in "Meine Vorgänge", marked "Vertretung für …",
// with their due follow-ups, and acts on them as substitute (the history says "X in
// Vertretung für Y"); afterwards the cases are the absent clerk's alone again. On a
// PC connected to the OZG-Cloud the absence goes to the service when it is reachable
// (the sync sends it) and comes to the other PCs with the directory.
type Substitution struct {
	base
	sent func() // asks the sync to send absences now; nil on a PC without sync
}

// NewSubstitution returns the service; send asks the sync to send what is pending.
func NewSubstitution(e Env, send func()) *Substitution {
	return &Substitution{base: newBase(e), sent: send}
}

// activeAbsences are the absences that count on this PC: recorded (or on their way
// to the service), not refused, not being removed.
func (a base) activeAbsences() []identity.Absence {
	all, err := a.db.Absences()
	if err != nil {
		a.log.Warn("absences not read", "err", err)
		return nil
	}
	out := make([]identity.Absence, 0, len(all))
	for _, x := range all {
		if x.Refused == "" && !x.Delete {
			out = append(out, x.Absence)
		}
	}
	return out
}

// standsInFor returns the clerks whom clerk stands in for today; substitution never
// chains (identity.StandsInFor).
func (a base) standsInFor(clerk string) []string {
	return identity.StandsInFor(a.activeAbsences(), clerk, a.now(), a.loc)
}

// holderFor returns the absent clerk for whom me acts on a case held by assignee, or
// "" when me acts in their own right.
func (a base) holderFor(me model.Clerk, assignee string) string {
	if assignee == "" || assignee == me.ID {
		return ""
	}
	if identity.MayActFor(a.activeAbsences(), me.ID, assignee, a.now(), a.loc) {
		return assignee
	}
	return ""
}

// act performs one action of me on the case id: as substitute (store.DoFor) when the
// case's holder is absent and me stands in for them, else in me's own right. The
// store applies the role rules the OZG-Cloud applies, so nothing is written that the
// service would refuse for the role.
func (a base) act(me model.Clerk, id string, kind model.MutationKind, payload any) (model.Case, error) {
	c, err := a.db.Case(id)
	if err != nil {
		return model.Case{}, err
	}
	if owner := a.holderFor(me, c.Assignee); owner != "" {
		return a.db.DoFor(me, owner, id, kind, payload)
	}
	return a.db.Do(me, id, kind, payload)
}

// Absences returns the screen "Vertretung".
func (a *Substitution) Absences() (SubstitutionView, error) {
	me, err := a.me()
	if err != nil {
		return SubstitutionView{}, err
	}
	return a.view(me)
}

func (a *Substitution) view(me model.Clerk) (SubstitutionView, error) {
	all, err := a.db.Absences()
	if err != nil {
		return SubstitutionView{}, toError(err)
	}
	clerks, err := a.activeClerks()
	if err != nil {
		return SubstitutionView{}, err
	}
	n := names{}
	for _, c := range clerks {
		n[c.ID] = c.Name
	}
	v := SubstitutionView{Absences: []AbsenceView{}, Clerks: clerks, MayRecordForOthers: me.Role == model.RoleLeitung}
	today := a.today()
	for _, x := range all {
		if x.To.Before(today) && !x.Pending && x.Refused == "" {
			continue // over: the directory drops it too
		}
		av := AbsenceView{ID: x.ID, Absent: x.Absent, AbsentName: n.of(x.Absent), Substitute: x.Substitute,
			SubstituteName: n.of(x.Substitute), From: x.From.Format(dateLayout), To: x.To.Format(dateLayout),
			Now: x.Covers(a.now(), a.loc) && x.Refused == "" && !x.Delete, Refused: x.Refused != "",
			MayDelete: me.ID == x.Absent || me.Role == model.RoleLeitung}
		switch {
		case x.Refused != "":
			av.State = fmt.Sprintf(msgAbsenceRefused, x.Refused)
		case x.Pending && x.Delete:
			av.State = msgAbsenceDeleting
		case x.Pending:
			av.State = msgAbsencePending
		}
		v.Absences = append(v.Absences, av)
	}
	return v, nil
}

// clerksAndUsers returns every clerk and what this PC keeps of each, by clerk ID.
func (a base) clerksAndUsers() ([]model.Clerk, map[string]store.LocalUser, error) {
	clerks, err := a.db.Clerks()
	if err != nil {
		return nil, nil, toError(err)
	}
	users, err := a.db.LocalUsers()
	if err != nil {
		return nil, nil, toError(err)
	}
	return clerks, users, nil
}

// activeClerks returns the clerks who may sign in on this PC.
func (a base) activeClerks() ([]ClerkView, error) {
	clerks, users, err := a.clerksAndUsers()
	if err != nil {
		return nil, err
	}
	out := []ClerkView{}
	for _, c := range clerks {
		if users[c.ID].Active() {
			out = append(out, clerkView(c))
		}
	}
	return out, nil
}

// RecordAbsence records an absence: the clerk's own, or (the Leitung) anyone's,
// with a substitute who is another active clerk, not overlapping another absence of
// the same clerk.
func (a *Substitution) RecordAbsence(in AbsenceInput) (SubstitutionView, error) {
	me, err := a.me()
	if err != nil {
		return SubstitutionView{}, err
	}
	if in.Absent == "" {
		in.Absent = me.ID
	}
	if in.Absent != me.ID && me.Role != model.RoleLeitung {
		return SubstitutionView{}, &Error{Code: CodeNotAllowed, Message: msgAbsenceNotAllowed}
	}
	fields := map[string]string{}
	clerks, err := a.activeClerks()
	if err != nil {
		return SubstitutionView{}, err
	}
	known := func(id string) bool { return slices.ContainsFunc(clerks, func(c ClerkView) bool { return c.ID == id }) }
	if !known(in.Absent) {
		fields["absent"] = msgUnknownClerk
	}
	if !known(in.Substitute) || in.Substitute == in.Absent {
		fields["substitute"] = msgAbsenceSubstitute
	}
	from, ferr := time.Parse(dateLayout, in.From)
	to, terr := time.Parse(dateLayout, in.To)
	if ferr != nil {
		fields["from"] = fieldDate
	}
	if terr != nil {
		fields["to"] = fieldDate
	}
	if len(fields) > 0 {
		return SubstitutionView{}, &Error{Code: CodeInvalid, Message: msgCheckFields, Fields: fields}
	}
	x := identity.Absence{ID: newID(), Absent: in.Absent, Substitute: in.Substitute, From: from, To: to}
	if err := identity.CheckAbsence(a.activeAbsences(), x); err != nil {
		var ie *identity.Error
		errors.As(err, &ie)
		return SubstitutionView{}, &Error{Code: CodeInvalid, Message: ie.Message, Fields: map[string]string{"to": ie.Message}}
	}
	if err := a.db.PutAbsence(store.Absence{Absence: x, By: me.ID, Pending: a.connected()}); err != nil {
		return SubstitutionView{}, toError(err)
	}
	a.log.Info("absence recorded", "by", me.ID, "absence", x.ID)
	a.send()
	return a.view(me)
}

// DeleteAbsence removes an absence (the absent clerk or the Leitung), at the
// OZG-Cloud too.
func (a *Substitution) DeleteAbsence(id string) (SubstitutionView, error) {
	me, err := a.me()
	if err != nil {
		return SubstitutionView{}, err
	}
	all, err := a.db.Absences()
	if err != nil {
		return SubstitutionView{}, toError(err)
	}
	i := slices.IndexFunc(all, func(x store.Absence) bool { return x.ID == id })
	if i < 0 {
		return SubstitutionView{}, &Error{Code: CodeNotFound, Message: msgAbsenceNotFound}
	}
	x := all[i]
	if x.Absent != me.ID && me.Role != model.RoleLeitung {
		return SubstitutionView{}, &Error{Code: CodeNotAllowed, Message: msgAbsenceNotAllowed}
	}
	// What the service has not answered yet (or refused) goes at once: should it have
	// recorded it after all, the directory brings it back. Else the removal is sent.
	if !a.connected() || x.Refused != "" || (x.Pending && !x.Delete) {
		err = a.db.DeleteAbsence(id)
	} else {
		x.Pending, x.Delete, x.By = true, true, me.ID
		err = a.db.PutAbsence(x)
	}
	if err != nil {
		return SubstitutionView{}, toError(err)
	}
	a.send()
	return a.view(me)
}

func (a *Substitution) send() {
	if a.sent != nil {
		a.sent()
	}
}

// connected reports whether the PC is connected to the OZG-Cloud.
func (a base) connected() bool {
	_, err := a.db.SyncIdentity()
	return err == nil
}
