package app

import (
	"encoding/json"
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

// Settings keys of the letter configuration; each value is JSON. A key that is
// missing means the default: the municipality's letterhead, the shipped templates,
// the default remedy.
const (
	settingLetterhead = "letters.letterhead" // decision.Letterhead
	settingTemplates  = "letters.templates"  // map[template ID]decision.Template, only changed ones
	settingRemedies   = "letters.remedies"   // map[case type prefix]decision.Remedy
)

// letterConfig returns the current letter configuration. Until the administration
// saved one, the letterhead comes from the municipality and the templates are the
// shipped ones.
func (a *App) letterConfig() (letterConfig, error) {
	lh, err := a.savedLetterhead()
	if err != nil {
		return letterConfig{}, err
	}
	overrides, err := a.savedTemplates()
	if err != nil {
		return letterConfig{}, err
	}
	tpls := decision.Templates()
	for i, t := range tpls {
		if o, ok := overrides[t.ID]; ok {
			tpls[i] = o
		}
	}
	rem := map[string]decision.Remedy{}
	if err := a.loadSetting(settingRemedies, &rem); err != nil {
		return letterConfig{}, err
	}
	return letterConfig{Letterhead: lh, Templates: tpls, Remedies: rem}, nil
}

// savedLetterhead returns the saved letterhead, or the one made from the municipality.
func (a *App) savedLetterhead() (decision.Letterhead, error) {
	var lh decision.Letterhead
	raw, err := a.db.Setting(settingLetterhead)
	switch {
	case err == nil:
		if err := json.Unmarshal([]byte(raw), &lh); err != nil {
			return decision.Letterhead{}, fmt.Errorf("app: letter config: %s: %w", settingLetterhead, err)
		}
		return lh, nil
	case !errors.Is(err, store.ErrNotFound):
		return decision.Letterhead{}, fmt.Errorf("app: letter config: %w", err)
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

func (a *App) savedTemplates() (map[string]decision.Template, error) {
	m := map[string]decision.Template{}
	if err := a.loadSetting(settingTemplates, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// loadSetting decodes the JSON setting key into v; a missing key leaves v as it is.
func (a *App) loadSetting(key string, v any) error {
	raw, err := a.db.Setting(key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("app: letter config: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("app: letter config: %s: %w", key, err)
	}
	return nil
}

func (a *App) saveSetting(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("app: save %s: %w", key, err)
	}
	return a.db.SetSetting(key, string(b))
}
