package app

import (
	"errors"
	"fmt"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/store"
)

// letterConfig is what the administration set up for decision letters: the
// letterhead, the office's templates and the legal remedy per case type.
type letterConfig struct {
	Letterhead decision.Letterhead
	Templates  []decision.Template
	// Remedies by case type prefix (model.CaseType.Prefix); a type without an entry
	// gets decision.Data's default (Widerspruch at the letterhead's authority).
	Remedies map[string]decision.Remedy
}

// template returns the office's template with the id.
func (c letterConfig) template(id string) (decision.Template, bool) {
	for _, t := range c.Templates {
		if t.ID == id {
			return t, true
		}
	}
	return decision.Template{}, false
}

// letterConfig returns the current letter configuration. Until the administration
// saved one, the letterhead comes from the municipality and the templates are the
// shipped ones.
func (a *App) letterConfig() (letterConfig, error) {
	m, err := a.db.Municipality()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return letterConfig{}, fmt.Errorf("app: letter config: %w", err)
	}
	return letterConfig{
		Letterhead: decision.Letterhead{
			Authority: m.Name, Unit: m.OrgUnitName,
			Street: m.Street, PostalCode: m.PostalCode, City: m.City,
		},
		Templates: decision.Templates(),
		Remedies:  map[string]decision.Remedy{},
	}, nil
}
