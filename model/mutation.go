package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MutationKind names a change to a case; it is stable across versions and devices.
type MutationKind string

const (
	KindCreate       MutationKind = "case.create"
	KindTransition   MutationKind = "case.transition"
	KindAssign       MutationKind = "case.assign"
	KindComment      MutationKind = "comment.add"
	KindFollowUpAdd  MutationKind = "followup.add"
	KindFollowUpDone MutationKind = "followup.done"
	KindMessage      MutationKind = "message.add"
	KindAttachment   MutationKind = "attachment.add"
	KindDeadline     MutationKind = "case.deadline"
	KindDecision     MutationKind = "decision.add"
	KindPosted       MutationKind = "decision.posted"
)

// Mutation is one clerk action, the unit of local storage, history and sync.
// ID is "deviceID:seq"; Base holds the versions of the scalar fields the change read.
type Mutation struct {
	ID      string            `json:"id"`
	Device  string            `json:"device"`
	Seq     uint64            `json:"seq"`
	CaseID  string            `json:"caseId"`
	Kind    MutationKind      `json:"kind"`
	Payload json.RawMessage   `json:"payload"`
	Base    map[string]uint64 `json:"base,omitempty"`
	User    string            `json:"user"`
	// OnBehalfOf names the absent clerk whose case User acts on as substitute
	// (Vertretung); empty when User acts in their own right. The service applies such
	// a mutation only while an absence of OnBehalfOf names User as substitute.
	OnBehalfOf string    `json:"onBehalfOf,omitempty"`
	At         time.Time `json:"at"`
}

// MutationID returns the ID of the mutation seq of device: "deviceID:seq". Device
// IDs hold no colon.
func MutationID(device string, seq uint64) string {
	return device + ":" + strconv.FormatUint(seq, 10)
}

// Payloads of the mutation kinds.
type (
	CreatePayload struct {
		Case Case `json:"case"`
	}
	TransitionPayload struct {
		Action Action `json:"action"`
		Reason string `json:"reason,omitempty"`
		// OrgUnit is the receiving unit when the action is weiterleiten.
		OrgUnit string `json:"orgUnit,omitempty"`
	}
	AssignPayload struct {
		Assignee string `json:"assignee"` // clerk ID; empty to release
	}
	CommentPayload struct {
		Comment Comment `json:"comment"`
	}
	FollowUpPayload struct {
		FollowUp FollowUp `json:"followUp"`
	}
	FollowUpDonePayload struct {
		FollowUpID string `json:"followUpId"`
	}
	MessagePayload struct {
		Message Message `json:"message"`
	}
	AttachmentPayload struct {
		Attachment Attachment `json:"attachment"`
	}
	// DecisionPayload adds a decision; a signed one may supersede an earlier one.
	DecisionPayload struct {
		Decision DecisionInfo `json:"decision"`
	}
	// PostedPayload records that signed decisions of the case went out by post on Date.
	PostedPayload struct {
		DecisionIDs []string  `json:"decisionIds"`
		Date        time.Time `json:"date"` // calendar date
	}
	DeadlinePayload struct {
		Field string     `json:"field"` // FieldLegalDeadline or FieldTargetDeadline
		Date  *time.Time `json:"date"`
	}
)

// ValidationError lists what is wrong with input, per field, in German.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	var parts []string
	for f, msg := range e.Fields {
		parts = append(parts, f+": "+msg)
	}
	return "model: invalid input: " + strings.Join(parts, "; ")
}

// ErrInvalid is wrapped by ValidationError's users via errors.Is on ErrInvalid.
var ErrInvalid = errors.New("model: invalid input")

// Is makes errors.Is(err, ErrInvalid) true for a *ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Actor is who performs a mutation.
type Actor = Clerk

// NewMutation builds a mutation of kind with payload for caseID; the store fills in
// ID, Device, Seq, User and At.
func NewMutation(caseID string, kind MutationKind, payload any) (Mutation, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return Mutation{}, fmt.Errorf("model: marshal %s payload: %w", kind, err)
	}
	return Mutation{CaseID: caseID, Kind: kind, Payload: b}, nil
}

// Apply applies m, performed by actor, to c and returns the German history summary.
// For KindCreate, c is overwritten with the payload's case. Apply checks status,
// role and input; on error c is unchanged.
func Apply(c *Case, m Mutation, actor Actor) (string, error) {
	next := *c
	summary, err := apply(&next, m, actor)
	if err != nil {
		return "", err
	}
	next.Version++
	next.UpdatedAt = m.At
	*c = next
	return summary, nil
}

func apply(c *Case, m Mutation, actor Actor) (string, error) {
	switch m.Kind {
	case KindCreate:
		var p CreatePayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		if err := ValidateNew(&p.Case); err != nil {
			return "", err
		}
		*c = p.Case
		c.CreatedAt = m.At
		c.Versions = map[string]uint64{}
		return fmt.Sprintf("Vorgang angelegt (%s, Eingang: %s)", c.Title, c.Channel.Label()), nil

	case KindTransition:
		var p TransitionPayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		if err := Check(c, p.Action, actor.Role); err != nil {
			return "", err
		}
		t, _ := TransitionFor(p.Action)
		from, to := c.Status, Target(c, p.Action)
		if t.To == "" {
			c.PrevStatus = ""
		} else {
			c.PrevStatus = from
		}
		c.Status = to
		if p.Action == ActionWeiterleiten && p.OrgUnit != "" {
			c.OrgUnit = p.OrgUnit
		}
		bump(c, FieldStatus)
		s := fmt.Sprintf("%s: %s → %s", t.Label, from.Label(), to.Label())
		if p.Reason != "" {
			s += " (Grund: " + p.Reason + ")"
		}
		return s, nil

	case KindAssign:
		var p AssignPayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		if err := checkAssign(c, m, actor, p.Assignee); err != nil {
			return "", err
		}
		c.Assignee = p.Assignee
		bump(c, FieldAssignee)
		if p.Assignee == "" {
			return "Zuständigkeit aufgehoben", nil
		}
		return "Zugewiesen an " + p.Assignee, nil

	case KindComment:
		var p CommentPayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		c.Comments = append(c.Comments, p.Comment)
		return "Kommentar: " + abbreviate(p.Comment.Text, 80), nil

	case KindFollowUpAdd:
		var p FollowUpPayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		c.FollowUps = append(c.FollowUps, p.FollowUp)
		return fmt.Sprintf("Wiedervorlage am %s: %s", p.FollowUp.Due.Format("02.01.2006"), abbreviate(p.FollowUp.Reason, 80)), nil

	case KindFollowUpDone:
		var p FollowUpDonePayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		for i := range c.FollowUps {
			f := &c.FollowUps[i]
			if f.ID == p.FollowUpID {
				if !f.Open() {
					return "", fmt.Errorf("%w: follow-up already done", ErrNotAllowedNow)
				}
				at := m.At
				c.FollowUps = append([]FollowUp(nil), c.FollowUps...)
				c.FollowUps[i].DoneAt, c.FollowUps[i].DoneBy = &at, actor.ID
				return "Wiedervorlage erledigt: " + abbreviate(f.Reason, 80), nil
			}
		}
		return "", fmt.Errorf("%w: follow-up %s", ErrNotFound, p.FollowUpID)

	case KindMessage:
		var p MessagePayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		c.Messages = append(c.Messages, p.Message)
		if p.Message.Direction == MessageIncoming {
			return "Nachricht eingegangen: " + abbreviate(p.Message.Subject, 80), nil
		}
		return "Nachricht an Antragsteller (wartet auf Versand): " + abbreviate(p.Message.Subject, 80), nil

	case KindAttachment:
		var p AttachmentPayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		c.Attachments = append(c.Attachments, p.Attachment)
		return "Anlage hinzugefügt: " + p.Attachment.Name, nil

	case KindDeadline:
		var p DeadlinePayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		switch p.Field {
		case FieldLegalDeadline:
			c.LegalDeadline = p.Date
		case FieldTargetDeadline:
			c.TargetDeadline = p.Date
		default:
			return "", &ValidationError{Fields: map[string]string{"field": "Unbekannte Frist."}}
		}
		bump(c, p.Field)
		if p.Date == nil {
			return "Frist entfernt", nil
		}
		return "Frist gesetzt auf " + p.Date.Format("02.01.2006"), nil

	case KindDecision:
		var p DecisionPayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		return addDecision(c, p.Decision)

	case KindConflictResolve:
		return applyResolve(c, m, actor)

	case KindPosted:
		var p PostedPayload
		if err := decode(m, &p); err != nil {
			return "", err
		}
		return postDecisions(c, p)
	}
	return "", fmt.Errorf("%w: mutation kind %q", ErrUnknownAction, m.Kind)
}

// checkAssign applies the rule of who may set the assignee to to: anyone may take a
// case or release it, the holder may hand it on, leadership may assign any case.
// A substitute acting for the absent holder (m.OnBehalfOf, which the caller has
// checked against the absences) counts as the holder.
func checkAssign(c *Case, m Mutation, actor Actor, to string) error {
	holder := c.Assignee == actor.ID || (m.OnBehalfOf != "" && c.Assignee == m.OnBehalfOf)
	if to != actor.ID && to != "" && !actor.MayAssignOthers() && !holder && c.Assignee != "" {
		return fmt.Errorf("%w: assign a case held by someone else", ErrRoleNotPermitted)
	}
	return nil
}

// ErrNotFound reports a referenced entry that the case does not hold.
var ErrNotFound = errors.New("model: not found")

// decode reads m's payload into v. A payload that carries a new entry (a comment, a
// follow-up, a message, an attachment) is checked too (its check method), so every
// kind refuses bad input the same way: a *ValidationError.
func decode(m Mutation, v any) error {
	if err := json.Unmarshal(m.Payload, v); err != nil {
		return fmt.Errorf("model: decode %s payload: %w", m.Kind, err)
	}
	if c, ok := v.(interface{ check() error }); ok {
		return c.check()
	}
	return nil
}

// check says what is wrong with a new follow-up: it needs a date and a reason.
func (p FollowUpPayload) check() error {
	errs := map[string]string{}
	if p.FollowUp.Due.IsZero() {
		errs["due"] = "Bitte ein Datum angeben."
	}
	if strings.TrimSpace(p.FollowUp.Reason) == "" {
		errs["reason"] = "Bitte einen Grund angeben."
	}
	return invalid(errs)
}

// check says that an attachment without content or name is missing its file.
func (p AttachmentPayload) check() error {
	if p.Attachment.SHA256 == "" || p.Attachment.Name == "" {
		return &ValidationError{Fields: map[string]string{"file": "Die Datei fehlt."}}
	}
	return nil
}

// invalid returns a *ValidationError of errs, or nil when errs is empty.
func invalid(errs map[string]string) error {
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: errs}
}

// bump increments a scalar field's version; Versions is copied first because Apply
// works on a shallow copy of the case.
func bump(c *Case, field string) {
	v := make(map[string]uint64, len(c.Versions)+1)
	for k, n := range c.Versions {
		v[k] = n
	}
	v[field]++
	c.Versions = v
}

func abbreviate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// ValidateNew checks a case entered by hand or taken in; the error is a
// *ValidationError with German messages per field.
func ValidateNew(c *Case) error {
	errs := map[string]string{}
	if c.ID == "" {
		errs["id"] = "Die Vorgangskennung fehlt."
	}
	if _, ok := CaseTypeByCode(c.Type); !ok {
		errs["type"] = "Bitte eine Antragsart wählen."
	}
	if strings.TrimSpace(c.Applicant.Name) == "" {
		errs["applicant.name"] = "Bitte den Namen der antragstellenden Person angeben."
	}
	if c.Applicant.PostalCode != "" && !ValidPostalCode(c.Applicant.PostalCode) {
		errs["applicant.postalCode"] = "Die Postleitzahl hat fünf Ziffern."
	}
	if c.Applicant.Email != "" && !strings.Contains(c.Applicant.Email, "@") {
		errs["applicant.email"] = "Die E-Mail-Adresse ist nicht gültig."
	}
	if c.ReceivedAt.IsZero() {
		errs["receivedAt"] = "Bitte das Eingangsdatum angeben."
	}
	if !c.Status.Valid() {
		errs["status"] = "Unbekannter Status."
	}
	if c.FileNumber == "" {
		errs["fileNumber"] = "Das Aktenzeichen fehlt."
	}
	checkTexts(errs, c)
	return invalid(errs)
}

// ValidPostalCode reports whether s is a German postal code (five digits).
func ValidPostalCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// addDecision appends d; decisions are create-only, and superseding marks the old one.
func addDecision(c *Case, d DecisionInfo) (string, error) {
	if d.ID == "" || strings.TrimSpace(d.Title) == "" {
		return "", &ValidationError{Fields: map[string]string{"decision": "Der Bescheid ist unvollständig."}}
	}
	for _, old := range c.Decisions {
		if old.ID == d.ID {
			return "", fmt.Errorf("%w: decision %s exists", ErrNotAllowedNow, d.ID)
		}
	}
	c.Decisions = append([]DecisionInfo(nil), c.Decisions...)
	if d.Supersedes != "" {
		found := false
		for i := range c.Decisions {
			if c.Decisions[i].ID == d.Supersedes {
				c.Decisions[i].SupersededBy = d.ID
				found = true
			}
		}
		if !found {
			return "", fmt.Errorf("%w: decision %s", ErrNotFound, d.Supersedes)
		}
	}
	c.Decisions = append(c.Decisions, d)
	if d.SignedAt != nil {
		return "Bescheid unterschrieben: " + d.Title, nil
	}
	return "Bescheid entworfen: " + d.Title, nil
}

// postDecisions marks signed decisions as sent by post; each is posted once.
func postDecisions(c *Case, p PostedPayload) (string, error) {
	if len(p.DecisionIDs) == 0 || p.Date.IsZero() {
		return "", &ValidationError{Fields: map[string]string{"decision": "Bitte Bescheid und Versanddatum angeben."}}
	}
	decisions := append([]DecisionInfo(nil), c.Decisions...)
	var titles []string
	for _, id := range p.DecisionIDs {
		i := slices.IndexFunc(decisions, func(d DecisionInfo) bool { return d.ID == id })
		switch {
		case i < 0:
			return "", fmt.Errorf("%w: decision %s", ErrNotFound, id)
		case decisions[i].SignedAt == nil:
			return "", fmt.Errorf("%w: decision %s is not signed", ErrNotAllowedNow, id)
		case decisions[i].PostedAt != nil:
			return "", fmt.Errorf("%w: decision %s already posted", ErrNotAllowedNow, id)
		}
		day := p.Date
		decisions[i].PostedAt = &day
		titles = append(titles, decisions[i].Title)
	}
	c.Decisions = decisions
	return fmt.Sprintf("%s per Post versandt am %s", strings.Join(titles, ", "), p.Date.Format("02.01.2006")), nil
}
