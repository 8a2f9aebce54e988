package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/pdf"
	"github.com/ozgcloud/desktop/sign"
	"github.com/ozgcloud/desktop/store"
)

// Decisions is the bound service of "Bescheid erstellen": the editor's state, the
// draft kept per case, its preview, and signing it.
type Decisions struct {
	base
	keys     keyring
	previews previews
}

// NewDecisions returns the Decisions service.
func NewDecisions(e Env) *Decisions { return &Decisions{base: newBase(e), keys: newKeyring(e)} }

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
		for _, name := range decision.Placeholders(b.Title + "\n" + b.Text) {
			if decision.FromCase(name) || seen[name] {
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
		} else if slices.Contains(decision.Placeholders(b.Text), decision.PlaceholderFee) {
			has, required = true, true
		}
	}
	return has, required
}

func templateView(t decision.Template) DecisionTemplateView {
	has, req := usesFee(t.Blocks)
	return DecisionTemplateView{ID: t.ID, Name: t.Name, HasFee: has, FeeRequired: req}
}

// mayDecide says why me cannot make a decision for c now, or "". The clerk who holds
// the case makes it, or their substitute while they are away.
func (a *Decisions) mayDecide(me model.Clerk, c model.Case) string {
	if c.Status != model.StatusInBearbeitung {
		if c.Status == model.StatusBeschieden {
			return msgDecisionCaseDecided
		}
		return msgDecisionNotInWork
	}
	if c.Assignee != me.ID && a.holderFor(me, c.Assignee) == "" {
		return msgDecisionNotAssignee
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

func (a *Decisions) decisionTitle(d model.DecisionInfo) string {
	if d.SignedAt == nil {
		return fmt.Sprintf(fmtQuoted, d.Title)
	}
	return fmt.Sprintf(fmtDecisionTitle, d.Title, d.SignedAt.In(a.loc).Format("02.01.2006"))
}

// loadDraft returns me's draft of the case as the editor shows it; TemplateID is ""
// when there is none. Drafts are local to this PC and to the clerk: no mutation,
// never synced, never shown to another clerk.
func (a *Decisions) loadDraft(me model.Clerk, caseID string) (DecisionDraft, error) {
	d := DecisionDraft{CaseID: caseID, Values: []DecisionValue{}, Blocks: []DecisionBlock{}}
	s, err := a.db.Draft(me.ID, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return d, nil
	}
	if err != nil {
		a.log.Warn("decision draft unreadable, dropped", "case", caseID, "err", err)
		return d, nil
	}
	d.TemplateID, d.TemplateName, d.Fee, d.FeeAmount, d.FeeDue = s.TemplateID, s.TemplateName, s.Fee, s.FeeAmount, s.FeeDue
	d.Supersedes, d.SupersedesTitle, d.UpdatedAt = s.Supersedes, s.SupersedesTitle, stamp(s.UpdatedAt, a.loc)
	for _, b := range s.Blocks {
		d.Blocks = append(d.Blocks, DecisionBlock{Kind: b.Kind, Label: blockLabels[decision.BlockKind(b.Kind)], Title: b.Title, Text: b.Text})
	}
	for _, v := range s.Values {
		d.Values = append(d.Values, DecisionValue{Name: v.Name, Label: valueLabel(v.Name), Value: v.Value, Multiline: true})
	}
	return d, nil
}

// decider returns the signed-in clerk and the case when the clerk may decide it.
func (a *Decisions) decider(caseID string) (model.Clerk, model.Case, error) {
	me, err := a.me()
	if err != nil {
		return model.Clerk{}, model.Case{}, err
	}
	c, err := a.db.Case(caseID)
	if err != nil {
		return model.Clerk{}, model.Case{}, toError(err)
	}
	if why := a.mayDecide(me, c); why != "" {
		return model.Clerk{}, model.Case{}, &Error{Code: CodeNotAllowed, Message: why}
	}
	return me, c, nil
}

// keepDraft is decider for the draft's case, then keeps the edited draft (its values
// reduced to those its blocks use).
func (a *Decisions) keepDraft(d *DecisionDraft) (model.Clerk, model.Case, error) {
	me, c, err := a.decider(d.CaseID)
	if err != nil {
		return model.Clerk{}, model.Case{}, err
	}
	d.Values = ownValues(d.Blocks, d.Values)
	if err := a.saveDraft(me, *d); err != nil {
		return model.Clerk{}, model.Case{}, err
	}
	return me, c, nil
}

func (a *Decisions) saveDraft(me model.Clerk, d DecisionDraft) error {
	s := store.DecisionDraft{
		TemplateID: d.TemplateID, TemplateName: d.TemplateName, Fee: d.Fee, FeeAmount: d.FeeAmount, FeeDue: d.FeeDue,
		Supersedes: d.Supersedes, SupersedesTitle: d.SupersedesTitle, UpdatedAt: a.now(),
		Values: make([]store.DraftValue, 0, len(d.Values)), Blocks: make([]store.DraftBlock, 0, len(d.Blocks)),
	}
	for _, v := range d.Values {
		s.Values = append(s.Values, store.DraftValue{Name: v.Name, Value: v.Value})
	}
	for _, b := range d.Blocks {
		s.Blocks = append(s.Blocks, store.DraftBlock{Kind: b.Kind, Title: b.Title, Text: b.Text})
	}
	if err := a.db.PutDraft(me.ID, d.CaseID, s); err != nil {
		return toError(err)
	}
	return nil
}

// DecisionEditor returns what the decision editor needs for a case: templates, the
// case's draft (TemplateID "" when none), the signing key and whether the clerk may
// make a decision now.
func (a *Decisions) DecisionEditor(caseID string) (DecisionEditorState, error) {
	me, err := a.me()
	if err != nil {
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
	kc, err := a.keys.config()
	if err != nil {
		return DecisionEditorState{}, err
	}
	key := keyView(kc, me)
	draft, err := a.loadDraft(me, caseID)
	if err != nil {
		return DecisionEditorState{}, err
	}
	st := DecisionEditorState{Templates: []DecisionTemplateView{}, Draft: draft, Key: key, Reason: a.mayDecide(me, c)}
	st.MayDecide = st.Reason == ""
	for _, t := range lc.Templates {
		st.Templates = append(st.Templates, templateView(t))
	}
	if d, ok := activeDecision(c); ok {
		st.Supersedes = a.decisionTitle(d)
	}
	return st, nil
}

// StartDecision makes a new draft from a template for the case, replacing its draft.
func (a *Decisions) StartDecision(caseID, templateID string) (DecisionDraft, error) {
	me, c, err := a.decider(caseID)
	if err != nil {
		return DecisionDraft{}, err
	}
	lc, err := a.letterConfig()
	if err != nil {
		return DecisionDraft{}, toError(err)
	}
	t, ok := lc.template(templateID)
	if !ok {
		return DecisionDraft{}, &Error{Code: CodeInvalid, Message: msgChooseTemplate, Fields: map[string]string{"template": fieldUnknownTemplate}}
	}
	d := DecisionDraft{CaseID: caseID, TemplateID: t.ID, TemplateName: t.Name, Blocks: []DecisionBlock{}}
	for _, b := range t.Blocks {
		d.Blocks = append(d.Blocks, DecisionBlock{Kind: string(b.Kind), Label: blockLabels[b.Kind], Title: b.Title, Text: b.Text})
	}
	d.Values = ownValues(d.Blocks, nil)
	d.Fee, _ = usesFee(t.Blocks)
	if d.Fee {
		d.FeeDue = model.FormatDate(a.today().AddDate(0, 1, 0))
	}
	if old, ok := activeDecision(c); ok {
		d.Supersedes, d.SupersedesTitle = old.ID, a.decisionTitle(old)
	}
	if err := a.saveDraft(me, d); err != nil {
		return DecisionDraft{}, err
	}
	d.UpdatedAt = stamp(a.now(), a.loc)
	return d, nil
}

// DiscardDecisionDraft deletes the clerk's draft of the case.
func (a *Decisions) DiscardDecisionDraft(caseID string) error {
	me, err := a.me()
	if err != nil {
		return err
	}
	if err := a.db.DeleteDraft(me.ID, caseID); err != nil {
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
func (a *Decisions) letter(me model.Clerk, c model.Case, d DecisionDraft) (decision.Letter, error) {
	lc, err := a.letterConfig()
	if err != nil {
		return decision.Letter{}, toError(err)
	}
	if _, ok := lc.template(d.TemplateID); !ok {
		return decision.Letter{}, &problem{msgChooseTemplate, "template"}
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
		Letterhead: lc.Letterhead, Clerk: me, Date: a.today(), Location: a.loc,
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
				return decision.Letter{}, &problem{msgFeeAmountMissing, "feeAmount"}
			}
			return decision.Letter{}, &problem{msgFeeAmountUnreadable, "feeAmount"}
		}
		due, err := model.ParseDate(d.FeeDue)
		if err != nil {
			return decision.Letter{}, &problem{msgFeeDueMissing, "feeDue"}
		}
		if due.Before(a.today()) {
			return decision.Letter{}, &problem{msgFeeDuePast, "feeDue"}
		}
		data.Fee = &decision.Fee{Cents: cents, Due: due}
	}
	l, err := decision.Fill(t, &c, data)
	var mv *decision.MissingValueError
	if errors.As(err, &mv) {
		return decision.Letter{}, a.missing(mv.Placeholder, d, t.Blocks, blockAt)
	}
	if errors.Is(err, decision.ErrFee) {
		return decision.Letter{}, &problem{msgFeeNotAllowed, "fee"}
	}
	if err != nil {
		return decision.Letter{}, &problem{err.Error(), ""}
	}
	return l, nil
}

// missing explains a placeholder without a value and names the input that gives one.
func (a *Decisions) missing(name string, d DecisionDraft, blocks []decision.Block, blockAt []int) *problem {
	for _, v := range d.Values {
		if v.Name == name {
			return &problem{fmt.Sprintf(msgValueMissing, v.Label), "value:" + name}
		}
	}
	if what, ok := bankValues[name]; ok {
		return &problem{fmt.Sprintf(msgBankMissing, what), "fee"}
	}
	field := ""
	for i, b := range blocks {
		if slices.Contains(decision.Placeholders(b.Title+"\n"+b.Text), name) {
			field = "block:" + strconv.Itoa(blockAt[i])
			break
		}
	}
	return &problem{fmt.Sprintf(msgPlaceholderNoValue, name), field}
}

// pageCount returns the number of pages of a letter we rendered (0 if unreadable,
// which our own letters never are).
func pageCount(b []byte) int {
	n, _ := pdf.PageCount(b)
	return n
}

// render makes the letter's PDF; a *problem when the letter cannot be laid out.
func (a *Decisions) render(l decision.Letter) ([]byte, error) {
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

// UpdateDecisionDraft keeps the edited draft and renders the letter for the preview;
// a letter that cannot be made yet comes back with Problem set, not as an error.
func (a *Decisions) UpdateDecisionDraft(d DecisionDraft) (DecisionPreview, error) {
	me, c, err := a.keepDraft(&d)
	if err != nil {
		return DecisionPreview{}, err
	}
	pdf, l, err := a.letterPDF(me, c, d)
	var p *problem
	if errors.As(err, &p) {
		return DecisionPreview{Problem: p.msg, Field: p.field}, nil
	}
	if err != nil {
		return DecisionPreview{}, toError(err)
	}
	return DecisionPreview{
		PDF: base64.StdEncoding.EncodeToString(pdf), Pages: pageCount(pdf),
		VerificationCode: l.VerificationCode(), ID: a.previews.keep(me.ID, c.ID, l, pdf),
	}, nil
}

func (a *Decisions) letterPDF(me model.Clerk, c model.Case, d DecisionDraft) ([]byte, decision.Letter, error) {
	l, err := a.letter(me, c, d)
	if err != nil {
		return nil, decision.Letter{}, err
	}
	pdf, err := a.render(l)
	return pdf, l, err
}

// SignDecision signs exactly the letter the clerk saw as preview previewID (from
// UpdateDecisionDraft) with the office's key opened by secret (password or PIN, never
// stored), stores the signed PDF and records the decision, in that order: a failure
// before the record leaves at most an unreferenced blob, never a half decision. When
// the draft, the case, the letterhead or the date changed since that preview, it
// refuses with CodeStale and signs nothing: the page shows the new preview.
func (a *Decisions) SignDecision(d DecisionDraft, previewID, secret string) (SignResult, error) {
	me, c, err := a.keepDraft(&d)
	if err != nil {
		return SignResult{}, err
	}
	if secret == "" {
		return SignResult{}, &Error{Code: CodeInvalid, Message: msgSecretMissing, Fields: map[string]string{"secret": fieldSecret}}
	}
	l, err := a.letter(me, c, d)
	var p *problem
	if errors.As(err, &p) {
		fields := map[string]string{}
		if p.field != "" {
			fields[p.field] = p.msg
		}
		return SignResult{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf(msgNothingSigned, p.msg), Fields: fields}
	}
	if err != nil {
		return SignResult{}, toError(err)
	}
	pdf, ok := a.previews.seen(me.ID, c.ID, previewID, l)
	if !ok {
		return SignResult{}, &Error{Code: CodeStale, Message: msgPreviewOutdated}
	}
	cfg, err := a.keys.config()
	if err != nil {
		return SignResult{}, err
	}
	now := a.now()
	key, closeKey, err := a.keys.open(cfg, secret, now)
	if err != nil {
		return SignResult{}, err
	}
	defer closeKey()
	title := d.TemplateName
	old, hasOld := activeDecision(c)
	if hasOld {
		title = fmt.Sprintf(fmtSupersedingTitle, d.TemplateName)
	}
	lc, _ := a.letterConfig()
	signed, err := sign.Sign(pdf, key, sign.Options{
		Time: now, Reason: msgSignReasonPrefix + c.FileNumber, Location: lc.Letterhead.City, TSA: timestamper(cfg),
	})
	res := SignResult{Timestamped: cfg.TSA != ""}
	if errors.Is(err, sign.ErrTimestamp) && signed != nil {
		res.Timestamped = false
		res.Notice = msgSignedWithoutTimestamp
		if errors.Is(err, sign.ErrTSAUntrusted) {
			res.Notice = msgSignedTimestampUntrusted
		}
		a.log.Warn("decision signed without timestamp", "case", c.ID, "err", err)
	} else if err != nil {
		return SignResult{}, signError(err)
	}
	if infos, verr := sign.Verify(signed); verr != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].WholeDocument {
		return SignResult{}, &Error{Code: CodeStore, Message: msgSignatureUnconfirmed}
	}
	sha, size, err := a.db.PutBlob(bytes.NewReader(signed))
	if err != nil {
		return SignResult{}, toError(err)
	}
	// Made here, but every blob is scanned before it opens.
	a.scan.Check(context.Background(), sha)
	info := model.DecisionInfo{
		ID: newID(), Template: d.TemplateID, Title: title, CreatedAt: now, CreatedBy: me.ID,
		SignedAt: &now, VerificationCode: l.VerificationCode(),
		Document: &model.Attachment{
			ID: newID(), Name: decisionFileName(c.FileNumber, d.TemplateName, l.VerificationCode()),
			MediaType: "application/pdf", Size: size, SHA256: sha, AddedAt: now, AddedBy: me.ID,
		},
	}
	if hasOld {
		info.Supersedes = old.ID
	}
	after, err := a.act(me, c.ID, model.KindDecision, model.DecisionPayload{Decision: info})
	if err != nil {
		return SignResult{}, toError(err)
	}
	if err := a.db.DeleteDraft(me.ID, c.ID); err != nil {
		a.log.Warn("decision draft not cleared", "case", c.ID, "err", err)
	}
	a.previews.forget(me.ID, c.ID)
	a.log.Info("decision signed", "case", c.ID, "decision", info.ID, "kind", cfg.Kind, "timestamp", res.Timestamped)
	res.Case, err = a.detail(after)
	if err != nil {
		return SignResult{}, err
	}
	res.DecisionID, res.VerificationCode = info.ID, l.VerificationCode()
	if res.Notice == "" {
		res.Notice = msgSigned
		if res.Timestamped {
			res.Notice = msgSignedTimestamped
		}
	}
	return res, nil
}

// decisionFileName names the signed PDF: file number, template and verification code.
func decisionFileName(fileNumber, template, code string) string {
	name := strings.NewReplacer("/", "-", `\`, "-").Replace(fmt.Sprintf(fmtDecisionFile, fileNumber, template, code))
	return model.CleanFileName(name, "Bescheid.pdf")
}
