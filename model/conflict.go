package model

import (
	"encoding/json"
	"fmt"
	"time"
)

// KindConflictResolve settles a sync conflict on a scalar field. The central service
// records a conflict when a mutation's base version of a field is stale (it kept its
// own value); a clerk then picks which value holds. The resolution is an ordinary
// mutation, so it travels, is validated and enters the history like any other.
const KindConflictResolve MutationKind = "conflict.resolve"

// Conflict records a scalar field that two clerks changed from the same base version.
// The central service kept ServerValue; ClientValue is what the pushed mutation
// wanted. Values are the field's JSON (a status, a clerk ID, a date or null).
// MutationID names the losing mutation, so the clerk's resolution can refer to it.
type Conflict struct {
	ID           string          `json:"id"`
	CaseID       string          `json:"caseId"`
	Field        string          `json:"field"`
	ServerValue  json.RawMessage `json:"serverValue"`
	ClientValue  json.RawMessage `json:"clientValue"`
	ServerAuthor string          `json:"serverAuthor"`
	ClientAuthor string          `json:"clientAuthor"`
	ServerAt     time.Time       `json:"serverAt"`
	ClientAt     time.Time       `json:"clientAt"`
	MutationID   string          `json:"mutationId"`
	// Set once a clerk resolved the conflict with a KindConflictResolve mutation:
	// when, by whom (a clerk ID), and how (KeepServer, KeepClient or KeepMerged). An
	// open conflict has none of them.
	ResolvedAt *time.Time `json:"resolvedAt,omitempty"`
	ResolvedBy string     `json:"resolvedBy,omitempty"`
	Resolution string     `json:"resolution,omitempty"`
}

// Open reports whether no clerk has resolved the conflict yet.
func (c Conflict) Open() bool { return c.ResolvedAt == nil }

// How a conflict is resolved.
const (
	KeepServer = "server" // the value the service kept stays; nothing changes
	KeepClient = "client" // the value the losing mutation wanted is set now
	KeepMerged = "merged" // a value the clerk wrote is set now
)

// ConflictResolvePayload names the conflict (the service's ID), its field and the
// choice. Value is the field's JSON (a status, a clerk ID or "", a date or null) to
// set for KeepClient and KeepMerged; the service replaces it by the recorded client
// value for KeepClient, so a client cannot smuggle in another one.
type ConflictResolvePayload struct {
	ConflictID string          `json:"conflictId"`
	Field      string          `json:"field"`
	Keep       string          `json:"keep"`
	Value      json.RawMessage `json:"value,omitempty"`
}

var fieldLabels = map[string]string{
	FieldStatus:         "Status",
	FieldAssignee:       "Zuständigkeit",
	FieldLegalDeadline:  "gesetzliche Frist",
	FieldTargetDeadline: "Zielfrist",
}

// FieldLabel returns the German name of a scalar field.
func FieldLabel(f string) string { return labelOf(fieldLabels, f) }

// applyResolve sets the chosen value on top of the case as it is now: the base
// versions of the resolving mutation are not checked, the resolution is the answer
// to the stale base. Status changes only along the status table, by the resolving
// clerk's role.
func applyResolve(c *Case, m Mutation, actor Actor) (string, error) {
	var p ConflictResolvePayload
	if err := decode(m, &p); err != nil {
		return "", err
	}
	if p.ConflictID == "" {
		return "", &ValidationError{Fields: map[string]string{"conflictId": "Der Konflikt ist nicht angegeben."}}
	}
	if _, ok := fieldLabels[p.Field]; !ok {
		return "", &ValidationError{Fields: map[string]string{"field": "Unbekanntes Feld."}}
	}
	label := FieldLabel(p.Field)
	switch p.Keep {
	case KeepServer:
		return "Konflikt bei " + label + " gelöst: Wert der OZG-Cloud behalten", nil
	case KeepClient, KeepMerged:
	default:
		return "", &ValidationError{Fields: map[string]string{"keep": "Bitte einen Wert wählen."}}
	}
	bad := &ValidationError{Fields: map[string]string{"value": "Der Wert passt nicht zum Feld."}}
	switch p.Field {
	case FieldStatus:
		var s Status
		if json.Unmarshal(p.Value, &s) != nil || !s.Valid() {
			return "", bad
		}
		if s != c.Status {
			if err := moveStatus(c, s, actor.Role); err != nil {
				return "", err
			}
		}
	case FieldAssignee:
		var a string
		if json.Unmarshal(p.Value, &a) != nil {
			return "", bad
		}
		if err := checkAssign(c, m, actor, a); err != nil {
			return "", err
		}
		c.Assignee = a
	case FieldLegalDeadline, FieldTargetDeadline:
		var d *time.Time
		if json.Unmarshal(p.Value, &d) != nil {
			return "", bad
		}
		if p.Field == FieldLegalDeadline {
			c.LegalDeadline = d
		} else {
			c.TargetDeadline = d
		}
	}
	bump(c, p.Field)
	if p.Keep == KeepClient {
		return "Konflikt bei " + label + " gelöst: eigener Wert übernommen", nil
	}
	return "Konflikt bei " + label + " gelöst: neuer Wert übernommen", nil
}

// moveStatus moves c to s by a transition of the table that the role may perform.
func moveStatus(c *Case, s Status, r Role) error {
	for _, t := range Transitions {
		if Check(c, t.Action, r) == nil && Target(c, t.Action) == s {
			if t.To == "" {
				c.PrevStatus = ""
			} else {
				c.PrevStatus = c.Status
			}
			c.Status = s
			return nil
		}
	}
	return fmt.Errorf("%w: %s to %s", ErrNotAllowedNow, c.Status, s)
}
