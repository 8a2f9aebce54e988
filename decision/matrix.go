package decision

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Land is the German state whose law decides the remedy (and later fees and notes).
type Land string

const (
	LandSH Land = "SH" // Schleswig-Holstein
	LandBY Land = "BY" // Bayern
)

// lands names the supported Länder; a new one needs its row here and its defaults
// in DefaultMatrix.
var lands = map[Land]string{LandSH: "Schleswig-Holstein", LandBY: "Bayern"}

// Lands returns the codes of the supported Länder, sorted.
func Lands() []Land { return slices.Sorted(maps.Keys(lands)) }

// Name returns the Land's German name, "" for an unknown code.
func (l Land) Name() string { return lands[l] }

// ParseLand accepts a Land code in any case ("sh", "BY").
func ParseLand(s string) (Land, error) {
	l := Land(strings.ToUpper(strings.TrimSpace(s)))
	if _, ok := lands[l]; !ok {
		return "", fmt.Errorf("%w %q (known: %v)", ErrLand, s, Lands())
	}
	return l, nil
}

// AnyTemplate in a RemedyRule matches every template of its case type.
const AnyTemplate = ""

// RemedyRule is one cell of the remedy matrix: the remedy of a case type's decisions
// made from a template (AnyTemplate: all of them).
type RemedyRule struct {
	CaseType string `json:"caseType"` // model.CaseType code, "BAU"
	Template string `json:"template"` // template id, AnyTemplate for all
	Remedy   Remedy `json:"remedy"`
}

// Matrix is a municipality's remedy matrix: its Land, the wording of the
// instructions and the rules by case type and template. The zero Matrix has no
// rules. It is plain data, so the app can store and edit it.
type Matrix struct {
	Land    Land          `json:"land"`
	Wording RemedyWording `json:"wording"`
	Rules   []RemedyRule  `json:"rules"`
}

// Remedy returns the rule for the case type and template, the template's own rule
// before the case type's general one.
func (m Matrix) Remedy(caseType, templateID string) (Remedy, bool) {
	var general *Remedy
	for i, r := range m.Rules {
		if r.CaseType != caseType {
			continue
		}
		if r.Template == templateID {
			return r.Remedy, true
		}
		if r.Template == AnyTemplate && general == nil {
			general = &m.Rules[i].Remedy
		}
	}
	if general == nil {
		return Remedy{}, false
	}
	return *general, true
}

// Set replaces or adds the rule for the case type and template after validating the
// remedy (RemedyUnset is accepted: it marks an open cell).
func (m *Matrix) Set(caseType, templateID string, r Remedy) error {
	if err := r.Validate(); err != nil && r.Kind != RemedyUnset {
		return fmt.Errorf("decision: matrix %s/%s: %w", caseType, templateID, err)
	}
	for i, x := range m.Rules {
		if x.CaseType == caseType && x.Template == templateID {
			m.Rules[i].Remedy = r
			return nil
		}
	}
	m.Rules = append(m.Rules, RemedyRule{CaseType: caseType, Template: templateID, Remedy: r})
	return nil
}

// Text returns the instructions for the case type and template: ErrRemedyUnset for
// no rule or an open one, ErrRemedy for an invalid one.
func (m Matrix) Text(caseType, templateID string) (string, error) {
	r, ok := m.Remedy(caseType, templateID)
	if !ok {
		return "", fmt.Errorf("decision: matrix %s %s/%s: %w", m.Land, caseType, templateID, ErrRemedyUnset)
	}
	s, err := r.TextWith(m.Wording)
	if err != nil {
		return "", fmt.Errorf("decision: matrix %s %s/%s: %w", m.Land, caseType, templateID, err)
	}
	return s, nil
}

// Open returns the rules the administration still has to decide (RemedyUnset), for
// the settings screen to list; a letter of such a cell cannot be filled.
func (m Matrix) Open() []RemedyRule {
	var out []RemedyRule
	for _, r := range m.Rules {
		if r.Remedy.Kind == RemedyUnset {
			out = append(out, r)
		}
	}
	return out
}

// Validate checks the matrix as the app loads or saves it: a known Land and every
// rule valid or open.
func (m Matrix) Validate() error {
	if _, err := ParseLand(string(m.Land)); err != nil {
		return err
	}
	for _, r := range m.Rules {
		if err := r.Remedy.Validate(); err != nil && r.Remedy.Kind != RemedyUnset {
			return fmt.Errorf("decision: matrix %s %s/%s: %w", m.Land, r.CaseType, r.Template, err)
		}
	}
	return nil
}
