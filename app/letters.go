package app

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Letters is the bound service of the administration's letter settings: the
// letterhead, the templates, the legal remedies, and a preview of a sample letter.
type Letters struct {
	base
	win *Window
}

// NewLetters returns the Letters service.
func NewLetters(e Env) *Letters { return &Letters{base: newBase(e), win: e.Window} }

func (a *Letters) requireAdmin() error {
	_, err := a.admin(msgLettersAdminOnly)
	return err
}

func invalid(fields map[string]string) error {
	return &Error{Code: CodeInvalid, Message: msgCheckFieldsNothingSaved, Fields: fields}
}

// LetterSettings returns the letterhead, templates and remedies letters are made
// from (administration only).
func (a *Letters) LetterSettings() (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	cfg, err := a.letterConfig()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	saved, err := a.db.Letters()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	s := LetterSettings{
		Letterhead:   letterheadForm(cfg.Letterhead),
		Templates:    []TemplateForm{},
		Remedies:     []RemedyForm{},
		Placeholders: append(append([]PlaceholderView{}, casePlaceholders...), clerkPlaceholders...),
		BlockKinds:   blockKinds,
		RemedyKinds:  remedyKinds,
		Problems:     []string{},
	}
	for _, t := range cfg.Templates {
		_, changed := saved.Templates[t.ID]
		s.Templates = append(s.Templates, templateForm(t, changed))
		if err := a.checkTemplate(t, cfg.Letterhead, nil, model.CaseTypes[0]); err != nil {
			s.Problems = append(s.Problems, fmt.Sprintf(fmtTemplateProblem, t.Name, err.msg))
		}
	}
	for _, ct := range model.CaseTypes {
		s.Remedies = append(s.Remedies, remedyForm(ct, cfg))
	}
	return s, nil
}

// SaveLetterhead checks and saves the letterhead; field errors name what is wrong.
func (a *Letters) SaveLetterhead(f LetterheadForm) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	h, errs := letterhead(f)
	if len(errs) > 0 {
		return LetterSettings{}, invalid(errs)
	}
	raw, err := json.Marshal(h)
	if err != nil {
		return LetterSettings{}, toError(fmt.Errorf("app: save letterhead: %w", err))
	}
	if err := a.db.UpdateLetters(func(l *store.Letters) error { l.Letterhead = raw; return nil }); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.LetterSettings()
}

// ChooseLetterLogo asks for a PNG file and returns it as base64 for the form; "" when
// the dialog was cancelled. Nothing is saved until the letterhead is.
func (a *Letters) ChooseLetterLogo() (string, error) {
	if err := a.requireAdmin(); err != nil {
		return "", err
	}
	path, err := a.win.chooseOne(titleChooseLogo)
	if err != nil || path == "" {
		return "", err
	}
	name := filepath.Base(path)
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return "", unreadable(name)
	}
	if st.Size() > maxLogoBytes {
		return "", &Error{Code: CodeTooLarge, Message: fmt.Sprintf(fieldLogoTooLarge, maxLogoBytes>>10), Fields: map[string]string{"logo": fieldLogoTooLargeShort}}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", unreadable(name)
	}
	if msg := checkLogo(b); msg != "" {
		return "", &Error{Code: CodeInvalid, Message: msg, Fields: map[string]string{"logo": msg}}
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// sampleCase is the case a template is tried on: every field a letter may name.
func (a *Letters) sampleCase(ct model.CaseType) model.Case {
	day := a.today()
	return model.Case{
		ID: "beispiel", Type: ct.Code, Title: ct.Name, Status: model.StatusInBearbeitung,
		FileNumber: model.FileNumber(ct.Prefix, day.Year(), 42, a.db.DeviceCode()),
		ReceivedAt: day.AddDate(0, 0, -14),
		Applicant:  sampleApplicant,
	}
}

func (a *Letters) sampleData(t decision.Template, lh decision.Letterhead, remedy *decision.Remedy, ct model.CaseType) decision.Data {
	day := a.today()
	values := map[string]string{}
	for _, p := range clerkPlaceholders {
		if !strings.HasPrefix(p.Name, decision.ClerkPrefix) {
			values[p.Name] = fmt.Sprintf(sampleClerkText, p.Label)
		}
	}
	// A form field is filled from the case's application; the sample has none.
	for _, b := range t.Blocks {
		for _, s := range []string{b.Title, b.Text} {
			for _, name := range decision.Placeholders(s) {
				switch {
				case strings.HasPrefix(name, decision.FormPrefix) && len(name) > len(decision.FormPrefix):
					values[name] = fmt.Sprintf(sampleFormValue, strings.TrimPrefix(name, decision.FormPrefix))
				case strings.HasPrefix(name, decision.ClerkPrefix) && len(name) > len(decision.ClerkPrefix):
					values[name] = fmt.Sprintf(sampleClerkText, strings.TrimPrefix(name, decision.ClerkPrefix))
				}
			}
		}
	}
	clerk := a.current()
	if clerk.Name == "" {
		clerk.Name = sampleClerkName
	}
	data := decision.Data{
		Letterhead: lh, Clerk: clerk, Date: day, Location: a.loc,
		Values: values, Remedy: remedy,
	}
	// A case type free of charge (Wohngeld) has no fee; decision.Fill refuses one.
	if !decision.FeeFree(ct.Code) {
		data.Fee = &decision.Fee{Cents: 5000, Due: day.AddDate(0, 1, 0)}
	}
	return data
}

// checkTemplate fills t for a sample case of type ct and renders it; the error names
// the block and the placeholder without a value, in German.
func (a *Letters) checkTemplate(t decision.Template, lh decision.Letterhead, remedy *decision.Remedy, ct model.CaseType) *fieldError {
	_, err := a.sampleLetter(t, lh, remedy, ct)
	return err
}

// fieldError is a German message for one field of a form.
type fieldError struct{ field, msg string }

func (a *Letters) sampleLetter(t decision.Template, lh decision.Letterhead, remedy *decision.Remedy, ct model.CaseType) ([]byte, *fieldError) {
	c := a.sampleCase(ct)
	l, err := decision.Fill(t, &c, a.sampleData(t, lh, remedy, ct))
	var mv *decision.MissingValueError
	if errors.As(err, &mv) {
		field := "blocks"
		for i, b := range t.Blocks {
			if strings.Contains(b.Text, mv.Placeholder) || strings.Contains(b.Title, mv.Placeholder) {
				field = fmt.Sprintf("blocks.%d.text", i)
				break
			}
		}
		return nil, &fieldError{field, fmt.Sprintf(msgPlaceholderWithoutValue, mv.Placeholder, placeholderHint(mv.Placeholder))}
	}
	if errors.Is(err, decision.ErrFee) {
		return nil, &fieldError{"blocks", msgFeeNotAllowed}
	}
	if err != nil {
		return nil, &fieldError{"blocks", err.Error()}
	}
	pdf, err := decision.Render(l, decision.RenderOptions{Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		// Render's errors are German sentences for the clerk (decision.ErrLetter, ErrGlyph, ErrLogo).
		field := "blocks"
		if errors.Is(err, decision.ErrLogo) {
			field = "logo"
		}
		return nil, &fieldError{field, err.Error()}
	}
	return pdf, nil
}

// SaveLetterTemplate saves a template's name and text blocks after filling it for a
// sample case; a placeholder without a value is a field error.
func (a *Letters) SaveLetterTemplate(f TemplateForm) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	shipped, ok := decision.TemplateByID(f.ID)
	if !ok {
		return LetterSettings{}, &Error{Code: CodeNotFound, Message: msgNoSuchTemplate}
	}
	t, errs := templateOf(f)
	if len(errs) > 0 {
		return LetterSettings{}, invalid(errs)
	}
	cfg, err := a.letterConfig()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	if fe := a.checkTemplate(t, cfg.Letterhead, nil, model.CaseTypes[0]); fe != nil {
		return LetterSettings{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf(msgNothingSaved, fe.msg), Fields: map[string]string{fe.field: fe.msg}}
	}
	if err := a.db.UpdateLetters(func(l *store.Letters) error {
		if sameTemplate(t, shipped) {
			delete(l.Templates, t.ID)
		} else {
			l.Templates[t.ID] = storeTemplate(t)
		}
		return nil
	}); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.LetterSettings()
}

func sameTemplate(x, y decision.Template) bool {
	if x.Name != y.Name || len(x.Blocks) != len(y.Blocks) {
		return false
	}
	for i := range x.Blocks {
		if x.Blocks[i] != y.Blocks[i] {
			return false
		}
	}
	return true
}

// ResetLetterTemplate puts the shipped version of a template back.
func (a *Letters) ResetLetterTemplate(id string) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	if err := a.db.UpdateLetters(func(l *store.Letters) error { delete(l.Templates, id); return nil }); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.LetterSettings()
}

// SaveLetterRemedy saves the legal remedy of one case type.
func (a *Letters) SaveLetterRemedy(f RemedyForm) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	ct, r, errs := remedyOf(f)
	if len(errs) > 0 {
		return LetterSettings{}, invalid(errs)
	}
	cfg, err := a.letterConfig()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	only := decision.Template{ID: "rechtsbehelf", Name: "Rechtsbehelf", Blocks: []decision.Block{{Kind: decision.KindRemedy, Text: "{{" + decision.PlaceholderRemedy + "}}"}}}
	if fe := a.checkTemplate(only, cfg.Letterhead, &r, ct); fe != nil {
		return LetterSettings{}, invalid(map[string]string{"body": fe.msg})
	}
	if err := a.db.UpdateLetters(func(l *store.Letters) error { l.Remedies[ct.Prefix] = storeRemedy(r); return nil }); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.LetterSettings()
}

// ResetLetterRemedy puts the default remedy (Widerspruch at the authority) back.
func (a *Letters) ResetLetterRemedy(caseType string) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	ct, ok := model.CaseTypeByCode(caseType)
	if !ok {
		return LetterSettings{}, &Error{Code: CodeNotFound, Message: msgNoSuchCaseType}
	}
	if err := a.db.UpdateLetters(func(l *store.Letters) error { delete(l.Remedies, ct.Prefix); return nil }); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.LetterSettings()
}

// --- preview ---

// PreviewLetter renders a sample letter from the given, unsaved configuration.
func (a *Letters) PreviewLetter(in LetterPreviewInput) (LetterPreview, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterPreview{}, err
	}
	cfg, err := a.letterConfig()
	if err != nil {
		return LetterPreview{}, toError(err)
	}
	if in.Template.ID == "" {
		in.Template = templateForm(cfg.Templates[0], false)
	}
	h, errs := letterhead(in.Letterhead)
	t, terrs := templateOf(in.Template)
	for k, v := range terrs {
		errs[k] = v
	}
	ct := model.CaseTypes[0]
	remedy := cfg.remedy(ct.Code)
	if in.Remedy.CaseType != "" {
		c, r, rerrs := remedyOf(in.Remedy)
		for k, v := range rerrs {
			errs["remedy."+k] = v
		}
		ct, remedy = c, &r
	}
	if len(errs) > 0 {
		return LetterPreview{}, &Error{Code: CodeInvalid, Message: msgPreviewNeedsFields, Fields: errs}
	}
	pdf, fe := a.sampleLetter(t, h, remedy, ct)
	if fe != nil {
		return LetterPreview{}, &Error{Code: CodeInvalid, Message: fe.msg, Fields: map[string]string{fe.field: fe.msg}}
	}
	return LetterPreview{PDF: base64.StdEncoding.EncodeToString(pdf), Pages: pageCount(pdf)}, nil
}
