package app

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/pdf"
	"github.com/ozgcloud/desktop/sign"
)

// A draft is kept per case in the settings bucket under this prefix plus the case ID,
// as the JSON of DecisionDraft; "" means none. Drafts are local to this PC: they are
// no mutation and never sync.
const settingDraftPrefix = "decision.draft."

var draftPlaceholder = regexp.MustCompile(`\{\{\s*([^{}\s]+)\s*\}\}`)

// caseValues are the placeholders decision.Fill fills from the case, the letterhead,
// the clerk and the fee; any other placeholder is a value the clerk types.
var caseValues = map[string]bool{
	"antragsteller.name": true, "antragsteller.strasse": true, "antragsteller.ort": true,
	"antragsteller.anschrift": true, "aktenzeichen": true, "vorgang.titel": true,
	"behoerde.name": true, "behoerde.anschrift": true, "bank": true, "iban": true, "bic": true,
	"verwendungszweck": true, "sachbearbeitung.name": true, "rechtsbehelf": true,
	"vorgangsart": true, "eingangsdatum": true, "datum": true, "gebuehr": true, "faelligkeit": true,
}

var valueLabels = map[string]string{
	"ablehnungsgrund":     "Grund der Ablehnung",
	"bewilligt":           "Was bewilligt wird",
	"teilablehnungsgrund": "Grund der teilweisen Ablehnung",
}

var blockLabels = map[decision.BlockKind]string{
	decision.KindSubject: "Betreff", decision.KindSalutation: "Anrede", decision.KindTenor: "Entscheidung (Tenor)",
	decision.KindReasons: "Begründung", decision.KindFee: "Gebühr", decision.KindRemedy: "Rechtsbehelfsbelehrung",
	decision.KindText: "Text",
}

var bankValues = map[string]string{"iban": "IBAN", "bic": "BIC", "bank": "Name der Bank"}

func valueLabel(name string) string {
	if l, ok := valueLabels[name]; ok {
		return l
	}
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// ownValues returns the placeholders of blocks the case cannot fill, in order of
// appearance, keeping values already typed.
func ownValues(blocks []DecisionBlock, old []DecisionValue) []DecisionValue {
	typed := map[string]string{}
	for _, v := range old {
		typed[v.Name] = v.Value
	}
	seen := map[string]bool{}
	out := []DecisionValue{}
	for _, b := range blocks {
		for _, m := range draftPlaceholder.FindAllStringSubmatch(b.Title+"\n"+b.Text, -1) {
			name := m[1]
			if caseValues[name] || strings.HasPrefix(name, "form.") || seen[name] {
				continue
			}
			seen[name] = true
			out = append(out, DecisionValue{Name: name, Label: valueLabel(name), Value: typed[name], Multiline: true})
		}
	}
	return out
}

func usesFee(blocks []decision.Block) (has, required bool) {
	for _, b := range blocks {
		if b.Kind == decision.KindFee {
			has = true
		} else if strings.Contains(b.Text, "{{gebuehr}}") {
			has, required = true, true
		}
	}
	return has, required
}

func templateView(t decision.Template) DecisionTemplateView {
	has, req := usesFee(t.Blocks)
	return DecisionTemplateView{ID: t.ID, Name: t.Name, HasFee: has, FeeRequired: req}
}

// mayDecide says why the current clerk cannot make a decision for c now, or "".
func (a *App) mayDecide(c model.Case) string {
	if c.Status != model.StatusInBearbeitung {
		if c.Status == model.StatusBeschieden {
			return "Der Vorgang ist beschieden. Für einen neuen Bescheid, der den bisherigen ersetzt, öffnen Sie den Vorgang bitte zuerst wieder (Wiedereröffnen)."
		}
		return "Einen Bescheid kann man erst erstellen, wenn der Vorgang in Bearbeitung ist."
	}
	if c.Assignee != a.current().ID {
		return "Einen Bescheid erstellt die zuständige Person. Bitte weisen Sie sich den Vorgang zuerst zu."
	}
	return ""
}

// activeDecision returns the signed decision that no later one supersedes.
func activeDecision(c model.Case) (model.DecisionInfo, bool) {
	for i := len(c.Decisions) - 1; i >= 0; i-- {
		if d := c.Decisions[i]; d.SignedAt != nil && d.SupersededBy == "" {
			return d, true
		}
	}
	return model.DecisionInfo{}, false
}

func (a *App) decisionTitle(d model.DecisionInfo) string {
	if d.SignedAt == nil {
		return "„" + d.Title + "“"
	}
	return fmt.Sprintf("„%s“ vom %s", d.Title, d.SignedAt.In(a.loc).Format("02.01.2006"))
}

func (a *App) loadDraft(caseID string) (DecisionDraft, error) {
	s, err := a.setting(settingDraftPrefix + caseID)
	if err != nil {
		return DecisionDraft{}, toError(err)
	}
	d := DecisionDraft{CaseID: caseID, Values: []DecisionValue{}, Blocks: []DecisionBlock{}}
	if s == "" {
		return d, nil
	}
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		a.log.Warn("decision draft unreadable, dropped", "case", caseID, "err", err)
		return DecisionDraft{CaseID: caseID, Values: []DecisionValue{}, Blocks: []DecisionBlock{}}, nil
	}
	d.CaseID = caseID
	return d, nil
}

func (a *App) saveDraft(d DecisionDraft) error {
	d.UpdatedAt = stamp(a.now(), a.loc)
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("app: draft: %w", err)
	}
	if err := a.db.SetSetting(settingDraftPrefix+d.CaseID, string(b)); err != nil {
		return toError(err)
	}
	return nil
}

func (a *App) decisionEditor(caseID string) (DecisionEditorState, error) {
	if err := a.ready(); err != nil {
		return DecisionEditorState{}, err
	}
	c, err := a.db.Case(caseID)
	if err != nil {
		return DecisionEditorState{}, toError(err)
	}
	lc, err := a.letterConfig()
	if err != nil {
		return DecisionEditorState{}, toError(err)
	}
	key, err := a.signingKey()
	if err != nil {
		return DecisionEditorState{}, err
	}
	draft, err := a.loadDraft(caseID)
	if err != nil {
		return DecisionEditorState{}, err
	}
	st := DecisionEditorState{Templates: []DecisionTemplateView{}, Draft: draft, Key: key, Reason: a.mayDecide(c)}
	st.MayDecide = st.Reason == ""
	for _, t := range lc.Templates {
		st.Templates = append(st.Templates, templateView(t))
	}
	if d, ok := activeDecision(c); ok {
		st.Supersedes = a.decisionTitle(d)
	}
	return st, nil
}

// startDecision makes a new draft from a template, replacing any draft of the case.
func (a *App) startDecision(caseID, templateID string) (DecisionDraft, error) {
	if err := a.ready(); err != nil {
		return DecisionDraft{}, err
	}
	c, err := a.db.Case(caseID)
	if err != nil {
		return DecisionDraft{}, toError(err)
	}
	if why := a.mayDecide(c); why != "" {
		return DecisionDraft{}, &Error{Code: CodeNotAllowed, Message: why}
	}
	lc, err := a.letterConfig()
	if err != nil {
		return DecisionDraft{}, toError(err)
	}
	t, ok := lc.template(templateID)
	if !ok {
		return DecisionDraft{}, &Error{Code: CodeInvalid, Message: "Bitte eine Vorlage wählen.", Fields: map[string]string{"template": "Unbekannte Vorlage."}}
	}
	d := DecisionDraft{CaseID: caseID, TemplateID: t.ID, TemplateName: t.Name, Blocks: []DecisionBlock{}}
	for _, b := range t.Blocks {
		d.Blocks = append(d.Blocks, DecisionBlock{Kind: string(b.Kind), Label: blockLabels[b.Kind], Title: b.Title, Text: b.Text})
	}
	d.Values = ownValues(d.Blocks, nil)
	d.Fee, _ = usesFee(t.Blocks)
	if d.Fee {
		d.FeeDue = a.today().AddDate(0, 1, 0).Format(dateLayout)
	}
	if old, ok := activeDecision(c); ok {
		d.Supersedes, d.SupersedesTitle = old.ID, a.decisionTitle(old)
	}
	if err := a.saveDraft(d); err != nil {
		return DecisionDraft{}, err
	}
	d.UpdatedAt = stamp(a.now(), a.loc)
	return d, nil
}

func (a *App) discardDecisionDraft(caseID string) error {
	if err := a.ready(); err != nil {
		return err
	}
	if err := a.db.SetSetting(settingDraftPrefix+caseID, ""); err != nil {
		return toError(err)
	}
	return nil
}

// parseEuro reads an amount the German way ("1.234,50", "25", "25,5 €") as cents.
func parseEuro(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "€"))
	s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), " ", "")
	euros, cents, hasCents := strings.Cut(s, ",")
	if euros == "" || len(euros) > 9 {
		return 0, false
	}
	e, err := strconv.ParseInt(euros, 10, 64)
	if err != nil || e < 0 {
		return 0, false
	}
	var c int64
	if hasCents {
		if len(cents) == 0 || len(cents) > 2 {
			return 0, false
		}
		if len(cents) == 1 {
			cents += "0"
		}
		if c, err = strconv.ParseInt(cents, 10, 64); err != nil {
			return 0, false
		}
	}
	return e*100 + c, e*100+c > 0
}

// problem is why a draft cannot become a letter yet, in German, with the input to mark.
type problem struct {
	msg, field string
}

func (p *problem) Error() string { return p.msg }

// letter fills and checks the draft; a *problem says what the clerk must still do.
func (a *App) letter(c model.Case, d DecisionDraft) (decision.Letter, error) {
	lc, err := a.letterConfig()
	if err != nil {
		return decision.Letter{}, toError(err)
	}
	if _, ok := lc.template(d.TemplateID); !ok {
		return decision.Letter{}, &problem{"Bitte eine Vorlage wählen.", "template"}
	}
	t := decision.Template{ID: d.TemplateID, Name: d.TemplateName}
	blockAt := []int{}
	for i, b := range d.Blocks {
		if b.Kind == string(decision.KindFee) && !d.Fee {
			continue
		}
		t.Blocks = append(t.Blocks, decision.Block{Kind: decision.BlockKind(b.Kind), Title: b.Title, Text: b.Text})
		blockAt = append(blockAt, i)
	}
	data := decision.Data{
		Letterhead: lc.Letterhead, Clerk: a.current(), Date: a.today(), Location: a.loc,
		Values: map[string]string{},
	}
	if ct, ok := model.CaseTypeByCode(c.Type); ok {
		if r, ok := lc.Remedies[ct.Prefix]; ok {
			data.Remedy = &r
		}
	}
	for _, v := range d.Values {
		if s := strings.TrimSpace(v.Value); s != "" {
			data.Values[v.Name] = s
		}
	}
	if d.Fee {
		cents, ok := parseEuro(d.FeeAmount)
		if !ok {
			if strings.TrimSpace(d.FeeAmount) == "" {
				return decision.Letter{}, &problem{"Bitte geben Sie den Betrag der Gebühr an.", "feeAmount"}
			}
			return decision.Letter{}, &problem{"Der Betrag der Gebühr ist nicht lesbar. Bitte in Euro angeben, zum Beispiel „25,00“.", "feeAmount"}
		}
		due, err := time.Parse(dateLayout, d.FeeDue)
		if err != nil {
			return decision.Letter{}, &problem{"Bitte geben Sie an, bis wann die Gebühr zu zahlen ist.", "feeDue"}
		}
		if due.Before(a.today()) {
			return decision.Letter{}, &problem{"Das Fälligkeitsdatum der Gebühr liegt in der Vergangenheit.", "feeDue"}
		}
		data.Fee = &decision.Fee{Cents: cents, Due: due}
	}
	l, err := decision.Fill(t, &c, data)
	var mv *decision.MissingValueError
	if errors.As(err, &mv) {
		return decision.Letter{}, a.missing(mv.Placeholder, d, t.Blocks, blockAt)
	}
	if err != nil {
		return decision.Letter{}, &problem{err.Error(), ""}
	}
	return l, nil
}

// missing explains a placeholder without a value and names the input that gives one.
func (a *App) missing(name string, d DecisionDraft, blocks []decision.Block, blockAt []int) *problem {
	for _, v := range d.Values {
		if v.Name == name {
			return &problem{fmt.Sprintf("Bitte geben Sie „%s“ an; der Bescheid braucht diesen Text.", v.Label), "value:" + name}
		}
	}
	if what, ok := bankValues[name]; ok {
		return &problem{fmt.Sprintf("Im Briefkopf fehlt die Bankverbindung (%s) für den Gebührenteil. Die Administration kann sie in den Briefeinstellungen eintragen; bis dahin lassen Sie die Gebühr bitte weg.", what), "fee"}
	}
	field := ""
	for i, b := range blocks {
		if strings.Contains(b.Title+b.Text, "{{"+name+"}}") {
			field = "block:" + strconv.Itoa(blockAt[i])
			break
		}
	}
	return &problem{fmt.Sprintf("Für den Platzhalter {{%s}} gibt es in diesem Vorgang keinen Wert. Bitte ändern Sie den Text oder ergänzen Sie die Angabe im Vorgang.", name), field}
}

// pageCount returns the number of pages of a letter we rendered (0 if unreadable,
// which our own letters never are).
func pageCount(b []byte) int {
	n, _ := pdf.PageCount(b)
	return n
}

// render makes the letter's PDF; a *problem when the letter cannot be laid out.
func (a *App) render(l decision.Letter) ([]byte, error) {
	pdf, err := decision.Render(l, decision.RenderOptions{Created: a.now()})
	if err == nil {
		return pdf, nil
	}
	for _, kind := range []error{decision.ErrLetter, decision.ErrGlyph, decision.ErrLogo} {
		if errors.Is(err, kind) {
			return nil, &problem{err.Error(), ""}
		}
	}
	return nil, fmt.Errorf("app: render decision: %w", err)
}

// updateDecisionDraft keeps the draft and renders it for the preview.
func (a *App) updateDecisionDraft(d DecisionDraft) (DecisionPreview, error) {
	if err := a.ready(); err != nil {
		return DecisionPreview{}, err
	}
	c, err := a.db.Case(d.CaseID)
	if err != nil {
		return DecisionPreview{}, toError(err)
	}
	if why := a.mayDecide(c); why != "" {
		return DecisionPreview{}, &Error{Code: CodeNotAllowed, Message: why}
	}
	d.Values = ownValues(d.Blocks, d.Values)
	if err := a.saveDraft(d); err != nil {
		return DecisionPreview{}, err
	}
	pdf, l, err := a.letterPDF(c, d)
	var p *problem
	if errors.As(err, &p) {
		return DecisionPreview{Problem: p.msg, Field: p.field}, nil
	}
	if err != nil {
		return DecisionPreview{}, toError(err)
	}
	return DecisionPreview{
		PDF: base64.StdEncoding.EncodeToString(pdf), Pages: pageCount(pdf),
		VerificationCode: l.VerificationCode(),
	}, nil
}

func (a *App) letterPDF(c model.Case, d DecisionDraft) ([]byte, decision.Letter, error) {
	l, err := a.letter(c, d)
	if err != nil {
		return nil, decision.Letter{}, err
	}
	pdf, err := a.render(l)
	return pdf, l, err
}

// signDecision renders the draft, signs it with the office's key opened by secret,
// stores the signed PDF and records the decision, in that order: a failure before
// the record leaves at most an unreferenced blob, never a half decision.
func (a *App) signDecision(d DecisionDraft, secret string) (SignResult, error) {
	if err := a.ready(); err != nil {
		return SignResult{}, err
	}
	c, err := a.db.Case(d.CaseID)
	if err != nil {
		return SignResult{}, toError(err)
	}
	if why := a.mayDecide(c); why != "" {
		return SignResult{}, &Error{Code: CodeNotAllowed, Message: why}
	}
	d.Values = ownValues(d.Blocks, d.Values)
	if err := a.saveDraft(d); err != nil {
		return SignResult{}, err
	}
	if secret == "" {
		return SignResult{}, &Error{Code: CodeInvalid, Message: "Bitte geben Sie das Passwort oder die PIN des Schlüssels ein.", Fields: map[string]string{"secret": "Bitte eingeben."}}
	}
	pdf, l, err := a.letterPDF(c, d)
	var p *problem
	if errors.As(err, &p) {
		fields := map[string]string{}
		if p.field != "" {
			fields[p.field] = p.msg
		}
		return SignResult{}, &Error{Code: CodeInvalid, Message: p.msg + " Es wurde nichts unterschrieben.", Fields: fields}
	}
	if err != nil {
		return SignResult{}, toError(err)
	}
	cfg, err := a.signConfig()
	if err != nil {
		return SignResult{}, err
	}
	now := a.now()
	key, closeKey, err := a.openSigner(cfg, secret, now)
	if err != nil {
		return SignResult{}, err
	}
	defer closeKey()
	title := d.TemplateName
	old, hasOld := activeDecision(c)
	if hasOld {
		title = "Änderungsbescheid: " + d.TemplateName
	}
	lc, _ := a.letterConfig()
	signed, err := sign.Sign(pdf, key, sign.Options{
		Time: now, Reason: "Bescheid " + c.FileNumber, Location: lc.Letterhead.City, TSA: timestamper(cfg),
	})
	res := SignResult{Timestamped: cfg.TSA != ""}
	if errors.Is(err, sign.ErrTimestamp) && signed != nil {
		res.Timestamped = false
		res.Notice = "Der Zeitstempeldienst war nicht erreichbar: Der Bescheid wurde ohne Zeitstempel unterschrieben. Die Unterschrift ist trotzdem gültig."
		a.log.Warn("decision signed without timestamp", "case", c.ID, "err", err)
	} else if err != nil {
		return SignResult{}, signError(err)
	}
	if infos, verr := sign.Verify(signed); verr != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].WholeDocument {
		return SignResult{}, &Error{Code: CodeStore, Message: "Die Unterschrift ließ sich nicht bestätigen. Es wurde nichts gespeichert."}
	}
	sha, size, err := a.db.PutBlob(bytes.NewReader(signed))
	if err != nil {
		return SignResult{}, toError(err)
	}
	info := model.DecisionInfo{
		ID: newID(), Template: d.TemplateID, Title: title, CreatedAt: now, CreatedBy: a.current().ID,
		SignedAt: &now, VerificationCode: l.VerificationCode(),
		Document: &model.Attachment{
			ID: newID(), Name: decisionFileName(c.FileNumber, d.TemplateName, l.VerificationCode()),
			MediaType: "application/pdf", Size: size, SHA256: sha, AddedAt: now, AddedBy: a.current().ID,
		},
	}
	if hasOld {
		info.Supersedes = old.ID
	}
	after, err := a.db.Do(a.current(), c.ID, model.KindDecision, model.DecisionPayload{Decision: info})
	if err != nil {
		return SignResult{}, toError(err)
	}
	if err := a.discardDecisionDraft(c.ID); err != nil {
		a.log.Warn("decision draft not cleared", "case", c.ID, "err", err)
	}
	a.log.Info("decision signed", "case", c.ID, "decision", info.ID, "kind", cfg.Kind, "timestamp", res.Timestamped)
	a.changed(c.ID)
	res.Case, err = a.detail(after)
	if err != nil {
		return SignResult{}, err
	}
	res.DecisionID, res.VerificationCode = info.ID, l.VerificationCode()
	if res.Notice == "" {
		res.Notice = "Der Bescheid ist unterschrieben und gespeichert."
		if res.Timestamped {
			res.Notice = "Der Bescheid ist unterschrieben (mit Zeitstempel) und gespeichert."
		}
	}
	return res, nil
}

// decisionFileName names the signed PDF: file number, template and verification code.
func decisionFileName(fileNumber, template, code string) string {
	return safeName(fmt.Sprintf("Bescheid %s %s %s.pdf", fileNumber, template, code))
}
