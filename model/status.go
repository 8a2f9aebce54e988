package model

import (
	"errors"
	"fmt"
	"slices"
)

// Status is the lifecycle state of a case, named as in the OZG-Cloud.
type Status string

const (
	StatusNeu            Status = "NEU"
	StatusAngenommen     Status = "ANGENOMMEN"
	StatusVerworfen      Status = "VERWORFEN"
	StatusInBearbeitung  Status = "IN_BEARBEITUNG"
	StatusBeschieden     Status = "BESCHIEDEN"
	StatusAbgeschlossen  Status = "ABGESCHLOSSEN"
	StatusWeitergeleitet Status = "WEITERGELEITET"
	StatusZuLoeschen     Status = "ZU_LOESCHEN"
)

// Statuses lists every status in lifecycle order (the order the UI offers filters in).
var Statuses = []Status{
	StatusNeu, StatusAngenommen, StatusInBearbeitung, StatusBeschieden,
	StatusAbgeschlossen, StatusWeitergeleitet, StatusVerworfen, StatusZuLoeschen,
}

var statusLabels = map[Status]string{
	StatusNeu:            "Neu",
	StatusAngenommen:     "Angenommen",
	StatusVerworfen:      "Verworfen",
	StatusInBearbeitung:  "In Bearbeitung",
	StatusBeschieden:     "Beschieden",
	StatusAbgeschlossen:  "Abgeschlossen",
	StatusWeitergeleitet: "Weitergeleitet",
	StatusZuLoeschen:     "Zur Löschung vorgemerkt",
}

// Label returns the German name of the status shown to clerks.
func (s Status) Label() string { return labelOf(statusLabels, s) }

// labelOf returns the German name of k in labels, or k itself when it has none.
func labelOf[K ~string](labels map[K]string, k K) string {
	if l, ok := labels[k]; ok {
		return l
	}
	return string(k)
}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Action names a status transition; the names are stable identifiers used in
// mutations, the UI and the sync protocol.
type Action string

const (
	ActionAnnehmen                       Action = "annehmen"
	ActionVerwerfen                      Action = "verwerfen"
	ActionZurueckholen                   Action = "zurueckholen"
	ActionBearbeiten                     Action = "bearbeiten"
	ActionZurueckstellen                 Action = "zurueckstellen"
	ActionBescheiden                     Action = "bescheiden"
	ActionAbschliessen                   Action = "abschliessen"
	ActionWiedereroeffnen                Action = "wiedereroeffnen"
	ActionWeiterleiten                   Action = "weiterleiten"
	ActionLoeschenAnfordern              Action = "loeschen_anfordern"
	ActionLoeschanforderungZuruecknehmen Action = "loeschanforderung_zuruecknehmen"
)

// Transition is one row of the status table. An empty To means "back to the status
// the case had before it entered From" (used to withdraw a deletion request).
type Transition struct {
	Action Action
	Label  string // German verb phrase shown on the button
	From   []Status
	To     Status
	// Roles that may perform it; every role may when empty.
	Roles []Role
	// NeedsSignedDecision: only when the case holds a signed, not superseded decision.
	NeedsSignedDecision bool
}

var leadership = []Role{RoleLeitung, RoleAdministration}

// Transitions is the status table of DESIGN.md, as data.
var Transitions = []Transition{
	{Action: ActionAnnehmen, Label: "Annehmen", From: []Status{StatusNeu}, To: StatusAngenommen},
	{Action: ActionVerwerfen, Label: "Verwerfen", From: []Status{StatusNeu}, To: StatusVerworfen},
	{Action: ActionZurueckholen, Label: "Zurückholen", From: []Status{StatusVerworfen}, To: StatusNeu},
	{Action: ActionBearbeiten, Label: "Bearbeitung beginnen", From: []Status{StatusAngenommen}, To: StatusInBearbeitung},
	{Action: ActionZurueckstellen, Label: "Zurückstellen", From: []Status{StatusInBearbeitung}, To: StatusAngenommen},
	{Action: ActionBescheiden, Label: "Bescheiden", From: []Status{StatusInBearbeitung}, To: StatusBeschieden, NeedsSignedDecision: true},
	{Action: ActionAbschliessen, Label: "Abschließen", From: []Status{StatusBeschieden, StatusInBearbeitung}, To: StatusAbgeschlossen},
	{Action: ActionWiedereroeffnen, Label: "Wiedereröffnen", From: []Status{StatusBeschieden, StatusAbgeschlossen}, To: StatusInBearbeitung},
	{Action: ActionWeiterleiten, Label: "Weiterleiten", From: []Status{StatusNeu, StatusAngenommen, StatusInBearbeitung}, To: StatusWeitergeleitet},
	{Action: ActionLoeschenAnfordern, Label: "Löschung anfordern", From: []Status{StatusAbgeschlossen, StatusVerworfen}, To: StatusZuLoeschen, Roles: leadership},
	{Action: ActionLoeschanforderungZuruecknehmen, Label: "Löschanforderung zurücknehmen", From: []Status{StatusZuLoeschen}, Roles: leadership},
}

// Errors returned by the status table.
var (
	ErrUnknownAction    = errors.New("model: unknown action")
	ErrNotAllowedNow    = errors.New("model: action not allowed in this status")
	ErrRoleNotPermitted = errors.New("model: role may not perform this action")
	ErrNeedsDecision    = errors.New("model: a signed decision is required")
)

// TransitionFor returns the table row for an action.
func TransitionFor(a Action) (Transition, bool) {
	for _, t := range Transitions {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// Check reports why a clerk with role r may not perform a on c, or nil when allowed.
// The error wraps ErrUnknownAction, ErrNotAllowedNow, ErrRoleNotPermitted or
// ErrNeedsDecision.
func Check(c *Case, a Action, r Role) error {
	t, ok := TransitionFor(a)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownAction, a)
	}
	if !slices.Contains(t.From, c.Status) {
		return fmt.Errorf("%w: %s from %s", ErrNotAllowedNow, a, c.Status)
	}
	if len(t.Roles) > 0 && !slices.Contains(t.Roles, r) {
		return fmt.Errorf("%w: %s as %s", ErrRoleNotPermitted, a, r)
	}
	if t.NeedsSignedDecision && !c.HasSignedDecision() {
		return fmt.Errorf("%w: %s", ErrNeedsDecision, a)
	}
	if t.To == "" && !c.PrevStatus.Valid() {
		return fmt.Errorf("%w: %s without a previous status", ErrNotAllowedNow, a)
	}
	return nil
}

// Target returns the status that a would move c to; it assumes Check passed.
func Target(c *Case, a Action) Status {
	t, _ := TransitionFor(a)
	if t.To == "" {
		return c.PrevStatus
	}
	return t.To
}

// Allowed returns the actions a clerk with role r may perform on c now, in table order.
func Allowed(c *Case, r Role) []Action {
	var out []Action
	for _, t := range Transitions {
		if Check(c, t.Action, r) == nil {
			out = append(out, t.Action)
		}
	}
	return out
}
