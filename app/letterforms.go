package app

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/model"
)

// The administration's letter settings as the forms send them: parsed into decision's
// types, with German messages per field. The rules are decision's (IBAN, BIC,
// placeholders); what is left here is reading the form.

// Limits of what the administration may save.
const (
	maxLogoBytes  = 1 << 20
	maxLogoPixels = 4000
	maxBlocks     = 30
	maxBlockText  = 20000
)

func letterheadForm(h decision.Letterhead) LetterheadForm {
	f := LetterheadForm{
		Authority: h.Authority, Unit: h.Unit, Street: h.Street, PostalCode: h.PostalCode, City: h.City,
		Phone: h.Phone, Email: h.Email, Website: h.Website, BankName: h.BankName, IBAN: h.IBAN, BIC: h.BIC,
		VerifyURL: h.VerifyURL,
	}
	if len(h.Logo) > 0 {
		f.Logo = base64.StdEncoding.EncodeToString(h.Logo)
	}
	return f
}

func templateForm(t decision.Template, changed bool) TemplateForm {
	f := TemplateForm{ID: t.ID, Name: t.Name, Blocks: []BlockForm{}, Changed: changed}
	for _, b := range t.Blocks {
		f.Blocks = append(f.Blocks, BlockForm{Kind: string(b.Kind), Title: b.Title, Text: b.Text})
	}
	return f
}

func remedyForm(ct model.CaseType, cfg letterConfig) RemedyForm {
	f := RemedyForm{CaseType: ct.Code, CaseTypeLabel: ct.Name}
	if r := cfg.remedy(ct.Code); r != nil {
		f.Kind, f.Body, f.Address, f.Period = string(r.Kind), r.Body, r.Address, r.Period
		return f
	}
	f.Default = true
	f.Kind, f.Body, f.Address, f.Period = string(decision.RemedyWiderspruch), cfg.Letterhead.Authority, cfg.Letterhead.Address(), "eines Monats"
	return f
}

// --- letterhead ---

var (
	postalCode = regexp.MustCompile(`^[0-9]{5}$`)
	phone      = regexp.MustCompile(`^\+?[0-9][0-9 ()/\-]{3,30}$`)
	email      = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// letterhead checks the form and returns the letterhead to save, or the German
// message per field.
func letterhead(f LetterheadForm) (decision.Letterhead, map[string]string) {
	errs := map[string]string{}
	tr := strings.TrimSpace
	h := decision.Letterhead{
		Authority: tr(f.Authority), Unit: tr(f.Unit), Street: tr(f.Street), PostalCode: tr(f.PostalCode),
		City: tr(f.City), Phone: tr(f.Phone), Email: tr(f.Email), Website: tr(f.Website),
		BankName: tr(f.BankName), VerifyURL: tr(f.VerifyURL),
	}
	if h.Authority == "" {
		errs["authority"] = fieldAuthority
	}
	if h.Street == "" {
		errs["street"] = fieldStreet
	}
	if !postalCode.MatchString(h.PostalCode) {
		errs["postalCode"] = fieldPostalCode
	}
	if h.City == "" {
		errs["city"] = fieldCity
	}
	if h.Phone != "" && !phone.MatchString(h.Phone) {
		errs["phone"] = fieldPhone
	}
	if h.Email != "" && !email.MatchString(h.Email) {
		errs["email"] = fieldEmail
	}
	if strings.ContainsAny(h.Website, " \t") {
		errs["website"] = fieldWebsite
	}
	if strings.TrimSpace(f.IBAN) != "" {
		iban, err := decision.CheckIBAN(f.IBAN)
		if err != nil {
			errs["iban"] = ibanMessage(err)
		}
		h.IBAN = iban
	}
	if strings.TrimSpace(f.BIC) != "" {
		b, err := decision.CheckBIC(f.BIC)
		if err != nil {
			errs["bic"] = fieldBIC
		}
		h.BIC = b
	}
	if (h.IBAN != "" || h.BIC != "") && h.BankName == "" {
		errs["bankName"] = fieldBankName
	}
	if h.VerifyURL != "" {
		u, err := url.Parse(h.VerifyURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs["verifyUrl"] = fieldVerifyURL
		}
	}
	if f.Logo != "" {
		logo, err := base64.StdEncoding.DecodeString(f.Logo)
		if err != nil {
			errs["logo"] = fieldLogoNotPNG
		} else if msg := checkLogo(logo); msg != "" {
			errs["logo"] = msg
		} else {
			h.Logo = logo
		}
	}
	return h, errs
}

// ibanMessage says in German what is wrong with an IBAN (decision.CheckIBAN's error).
func ibanMessage(err error) string {
	var le *decision.IBANLengthError
	switch {
	case errors.As(err, &le):
		return fmt.Sprintf(fieldIBANLength, le.Country, le.Want, le.Got)
	case errors.Is(err, decision.ErrIBANChars):
		return fieldIBANChars
	case errors.Is(err, decision.ErrIBANChecksum):
		return fieldIBANChecksum
	}
	return fieldIBANFormat
}

const notPNG = fieldLogoNotPNG

// checkLogo returns a German message when b is not a PNG the letter can show.
func checkLogo(b []byte) string {
	if len(b) > maxLogoBytes {
		return fmt.Sprintf(fieldLogoTooLarge, maxLogoBytes>>10)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "png" {
		return notPNG
	}
	if cfg.Width > maxLogoPixels || cfg.Height > maxLogoPixels || cfg.Width == 0 || cfg.Height == 0 {
		return fmt.Sprintf(fieldLogoTooManyPixels, maxLogoPixels, maxLogoPixels)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		return notPNG
	}
	return ""
}

// --- templates ---

// template checks the form's shape and returns the template.
func templateOf(f TemplateForm) (decision.Template, map[string]string) {
	errs := map[string]string{}
	t := decision.Template{ID: f.ID, Name: strings.TrimSpace(f.Name)}
	if t.Name == "" {
		errs["name"] = fieldTemplateName
	}
	if len(f.Blocks) == 0 {
		errs["blocks"] = fieldTemplateNoBlock
	}
	if len(f.Blocks) > maxBlocks {
		errs["blocks"] = fmt.Sprintf(fieldTemplateTooManyBlocks, maxBlocks)
	}
	remedy := false
	for i, b := range f.Blocks {
		kind := decision.BlockKind(b.Kind)
		if !validBlockKind(kind) {
			errs[fmt.Sprintf("blocks.%d.kind", i)] = fieldBlockKind
		}
		text := strings.TrimRight(strings.ReplaceAll(b.Text, "\r\n", "\n"), " \n")
		if strings.TrimSpace(text) == "" {
			errs[fmt.Sprintf("blocks.%d.text", i)] = fieldBlockEmpty
		}
		if len(text) > maxBlockText {
			errs[fmt.Sprintf("blocks.%d.text", i)] = fmt.Sprintf(fieldBlockTooLong, maxBlockText)
		}
		if slices.Contains(decision.Placeholders(text), decision.PlaceholderRemedy) {
			remedy = true
		}
		t.Blocks = append(t.Blocks, decision.Block{Kind: kind, Title: strings.TrimSpace(b.Title), Text: text})
	}
	if !remedy && len(f.Blocks) > 0 {
		errs["blocks"] = fieldTemplateNoRemedy
	}
	return t, errs
}

func validBlockKind(k decision.BlockKind) bool {
	for _, o := range blockKinds {
		if o.Value == string(k) {
			return true
		}
	}
	return false
}

// placeholderHint says how an admin gets a value for a placeholder that has none.
func placeholderHint(name string) string {
	switch name {
	case "iban", "bic", "bank":
		return hintBank
	case "behoerde.name", "behoerde.anschrift":
		return hintAuthority
	}
	if decision.FromCase(name) {
		return ""
	}
	return fmt.Sprintf(hintUnknownPlaceholder, decision.ClerkPrefix)
}

// --- remedies ---

func remedyOf(f RemedyForm) (model.CaseType, decision.Remedy, map[string]string) {
	errs := map[string]string{}
	ct, ok := model.CaseTypeByCode(f.CaseType)
	if !ok {
		errs["caseType"] = fieldCaseType
	}
	r := decision.Remedy{
		Kind: decision.RemedyKind(f.Kind), Body: strings.TrimSpace(f.Body),
		Address: strings.TrimSpace(f.Address), Period: strings.TrimSpace(f.Period),
	}
	switch r.Kind {
	case decision.RemedyWiderspruch:
		if r.Body == "" {
			errs["body"] = fieldRemedyAuthority
		}
	case decision.RemedyKlage:
		if r.Body == "" || !strings.Contains(strings.ToLower(r.Body), "gericht") {
			errs["body"] = fieldRemedyCourt
		}
	default:
		errs["kind"] = fieldRemedyKind
	}
	if r.Address == "" {
		errs["address"] = fieldRemedyAddress
	}
	if r.Period == "" {
		r.Period = "eines Monats"
	}
	if len([]rune(r.Period)) > 40 || strings.ContainsAny(r.Period, "{}") {
		errs["period"] = fieldRemedyPeriod
	}
	return ct, r, errs
}
