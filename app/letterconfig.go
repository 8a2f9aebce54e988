package app

import (
	"errors"
	"fmt"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/model"
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

// remedy returns the remedy for the case type code, or nil for the default.
func (c letterConfig) remedy(caseType string) *decision.Remedy {
	ct, ok := model.CaseTypeByCode(caseType)
	if !ok {
		return nil
	}
	r, ok := c.Remedies[ct.Prefix]
	if !ok {
		return nil
	}
	return &r
}

// letterConfig returns the current letter configuration. Until the administration
// saved one, the letterhead comes from the municipality and the templates are the
// shipped ones.
func (a *App) letterConfig() (letterConfig, error) {
	saved, err := a.db.Letters()
	if err != nil {
		return letterConfig{}, fmt.Errorf("app: letter config: %w", err)
	}
	lh, err := a.savedLetterhead(saved)
	if err != nil {
		return letterConfig{}, err
	}
	tpls := decision.Templates()
	for i, t := range tpls {
		if o, ok := saved.Templates[t.ID]; ok {
			tpls[i] = o
		}
	}
	return letterConfig{Letterhead: lh, Templates: tpls, Remedies: saved.Remedies}, nil
}

// savedLetterhead returns the saved letterhead, or the one made from the municipality.
func (a *App) savedLetterhead(saved store.Letters) (decision.Letterhead, error) {
	if saved.Letterhead != nil {
		return *saved.Letterhead, nil
	}
	m, err := a.db.Municipality()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return decision.Letterhead{}, fmt.Errorf("app: letter config: %w", err)
	}
	return decision.Letterhead{
		Authority: m.Name, Unit: m.OrgUnitName,
		Street: m.Street, PostalCode: m.PostalCode, City: m.City,
		Phone: m.Phone, Email: m.Email, BankName: m.BankName, IBAN: m.IBAN, BIC: m.BIC,
	}, nil
}
