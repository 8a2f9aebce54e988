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

// letterConfig returns the current letter configuration. Until the administration
// saved one, the letterhead comes from the municipality and the templates are the
// shipped ones.
func (a base) letterConfig() (letterConfig, error) {
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
			tpls[i] = templateOfStore(o)
		}
	}
	rem := make(map[string]decision.Remedy, len(saved.Remedies))
	for prefix, r := range saved.Remedies {
		rem[prefix] = decision.Remedy{Kind: decision.RemedyKind(r.Kind), Body: r.Body, Address: r.Address, Period: r.Period}
	}
	return letterConfig{Letterhead: lh, Templates: tpls, Remedies: rem}, nil
}

// The store keeps templates and remedies in its own shapes (store.LetterTemplate,
// store.Remedy); these convert between them and decision's.

func templateOfStore(t store.LetterTemplate) decision.Template {
	out := decision.Template{ID: t.ID, Name: t.Name, Blocks: make([]decision.Block, 0, len(t.Blocks))}
	for _, b := range t.Blocks {
		out.Blocks = append(out.Blocks, decision.Block{Kind: decision.BlockKind(b.Kind), Title: b.Title, Text: b.Text})
	}
	return out
}

func storeTemplate(t decision.Template) store.LetterTemplate {
	out := store.LetterTemplate{ID: t.ID, Name: t.Name, Blocks: make([]store.LetterBlock, 0, len(t.Blocks))}
	for _, b := range t.Blocks {
		out.Blocks = append(out.Blocks, store.LetterBlock{Kind: string(b.Kind), Title: b.Title, Text: b.Text})
	}
	return out
}

func storeRemedy(r decision.Remedy) store.Remedy {
	return store.Remedy{Kind: string(r.Kind), Body: r.Body, Address: r.Address, Period: r.Period}
}

// savedLetterhead returns the saved letterhead, or the one made from the municipality.
func (a base) savedLetterhead(saved store.Letters) (decision.Letterhead, error) {
	if saved.Letterhead != nil {
		var h decision.Letterhead
		if err := json.Unmarshal(saved.Letterhead, &h); err != nil {
			return decision.Letterhead{}, fmt.Errorf("app: letter config: letterhead: %w", err)
		}
		return h, nil
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
