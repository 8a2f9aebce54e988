package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/pdfmerge"
	"github.com/ozgcloud/desktop/store/index"
)

// Printing is the bound service of printing signed decisions, one or as a batch, and
// recording that they went out by post.
type Printing struct {
	base
	files files
}

// NewPrinting returns the Printing service.
func NewPrinting(e Env) *Printing { return &Printing{base: newBase(e), files: newFiles(e)} }

// maxBatchLetters bounds one batch printout: every letter is held in memory while
// they are merged, and a printer's tray holds about this many sheets anyway.
const maxBatchLetters = 500

// PrintDecision opens a signed decision in the system's PDF viewer, which prints it.
// Wails has no print dialog of its own, and on Windows the "print" verb of
// ShellExecute would need a dependency on the Windows API; the viewer's print
// button is one click more.
func (a *Printing) PrintDecision(caseID, decisionID string) error {
	if _, err := a.me(); err != nil {
		return err
	}
	c, err := a.db.Case(caseID)
	if err != nil {
		return toError(err)
	}
	d, err := signedDecision(c, decisionID)
	if err != nil {
		return err
	}
	return a.files.open(caseID, d.Document.ID)
}

func signedDecision(c model.Case, decisionID string) (model.DecisionInfo, error) {
	for _, d := range c.Decisions {
		if d.ID != decisionID {
			continue
		}
		if d.SignedAt == nil || d.Document == nil {
			return d, &Error{Code: CodeNotAllowed, Message: fmt.Sprintf(msgPrintUnsigned, d.Title, c.FileNumber)}
		}
		return d, nil
	}
	return model.DecisionInfo{}, &Error{Code: CodeNotFound, Message: fmt.Sprintf(msgPrintNotOfCase, c.FileNumber)}
}

// printable returns the decisions of c a printout may contain: signed, with their
// document, not replaced by a correction.
func printable(c model.Case) []model.DecisionInfo {
	var out []model.DecisionInfo
	for _, d := range c.Decisions {
		if d.SignedAt != nil && d.Document != nil && d.SupersededBy == "" {
			out = append(out, d)
		}
	}
	return out
}

func (a *Printing) printLetter(c model.Case, d model.DecisionInfo) PrintLetter {
	p := PrintLetter{
		CaseID: c.ID, FileNumber: c.FileNumber, Applicant: c.Applicant.Name,
		DecisionID: d.ID, Title: d.Title, SignedAt: stamp(*d.SignedAt, a.loc),
	}
	if d.PostedAt != nil {
		p.Posted = d.PostedAt.Format(time.DateOnly)
	}
	return p
}

// decisionStatuses are the statuses a case with a signed decision can be in.
var decisionStatuses = []model.Status{model.StatusInBearbeitung, model.StatusBeschieden, model.StatusAbgeschlossen}

// PrintCandidates lists the signed decisions a batch printout may contain.
func (a *Printing) PrintCandidates(q PrintQuery) ([]PrintLetter, error) {
	if _, err := a.me(); err != nil {
		return nil, err
	}
	var ids []string
	switch q.Scope {
	case "cases":
		ids = q.CaseIDs
	case "today", "unposted":
		for off := 0; ; {
			page := a.db.List(index.Query{Statuses: decisionStatuses, Sort: index.SortFileNumber, Offset: off, Limit: index.MaxLimit})
			for _, r := range page.Rows {
				ids = append(ids, r.ID)
			}
			off += len(page.Rows)
			if len(page.Rows) == 0 || off >= page.Total {
				break
			}
		}
	default:
		return nil, &Error{Code: CodeInvalid, Message: msgPrintScope}
	}
	today := a.today()
	out := []PrintLetter{}
	for _, id := range ids {
		c, err := a.db.Case(id)
		if err != nil {
			if q.Scope == "cases" {
				return nil, toError(err)
			}
			continue // removed meanwhile
		}
		for _, d := range printable(c) {
			switch {
			case q.Scope == "today" && !model.Day(*d.SignedAt, a.loc).Equal(today):
				continue
			case q.Scope == "unposted" && d.PostedAt != nil:
				continue
			}
			out = append(out, a.printLetter(c, d))
		}
	}
	slices.SortStableFunc(out, func(x, y PrintLetter) int { return strings.Compare(x.FileNumber, y.FileNumber) })
	return out, nil
}

// PrintBatch merges the signed letters into one PDF, each starting on a front side,
// writes it to the data folder's "druck" folder and opens it for printing.
func (a *Printing) PrintBatch(letters []PrintLetter) (PrintBatchResult, error) {
	if _, err := a.me(); err != nil {
		return PrintBatchResult{}, err
	}
	if len(letters) == 0 {
		return PrintBatchResult{}, &Error{Code: CodeInvalid, Message: msgPrintNone}
	}
	if len(letters) > maxBatchLetters {
		return PrintBatchResult{}, &Error{Code: CodeTooLarge, Message: fmt.Sprintf(msgPrintTooMany, maxBatchLetters)}
	}
	res := PrintBatchResult{Letters: []PrintLetter{}}
	docs := make([][]byte, 0, len(letters))
	for _, l := range letters {
		c, err := a.db.Case(l.CaseID)
		if err != nil {
			return PrintBatchResult{}, toError(err)
		}
		d, err := signedDecision(c, l.DecisionID)
		if err != nil {
			return PrintBatchResult{}, err
		}
		if err := a.scan.MayOpen(*d.Document); err != nil {
			return PrintBatchResult{}, err
		}
		p, err := a.db.BlobPath(d.Document.SHA256)
		if err != nil {
			return PrintBatchResult{}, &Error{Code: CodeNotFound, Message: fmt.Sprintf(msgPrintDocumentMissing, c.FileNumber)}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return PrintBatchResult{}, unreadable(d.Document.Name)
		}
		docs = append(docs, b)
		res.Letters = append(res.Letters, a.printLetter(c, d))
	}
	out, blanks, err := pdfmerge.Duplex(docs)
	if err != nil {
		a.log.Error("batch printout", "err", err)
		return PrintBatchResult{}, &Error{Code: CodeUnreadable, Message: msgPrintMergeFailed}
	}
	merged, err := pdfmerge.Parse(out)
	if err != nil {
		return PrintBatchResult{}, fmt.Errorf("app: batch printout: %w", err)
	}
	res.Pages, res.Blank = merged.Pages(), blanks
	dir := filepath.Join(a.files.dataDir, "druck")
	res.File = filepath.Join(dir, printFilePrefix+a.now().In(a.loc).Format("2006-01-02-150405")+".pdf")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return PrintBatchResult{}, &Error{Code: CodeStore, Message: fmt.Sprintf(msgPrintWriteFailed, err)}
	}
	if err := os.WriteFile(res.File, out, 0o600); err != nil {
		return PrintBatchResult{}, &Error{Code: CodeStore, Message: fmt.Sprintf(msgPrintWriteFailed, err)}
	}
	// Without a viewer the file is still there to print by hand, and the clerk may
	// still confirm the post; so this is not an error.
	if err := a.files.openPath(res.File); err != nil {
		a.log.Warn("batch printout not opened", "err", err)
	} else {
		res.Opened = true
	}
	return res, nil
}

// ConfirmPosted records "per Post versandt am" once per case for the letters that
// were not yet recorded, once the clerk confirms that the printed letters went out;
// letters recorded before are left alone, so confirming twice writes nothing the
// second time.
func (a *Printing) ConfirmPosted(letters []PrintLetter) (BulkResult, error) {
	me, err := a.me()
	if err != nil {
		return BulkResult{}, err
	}
	byCase := map[string][]string{}
	var order []string
	for _, l := range letters {
		if _, ok := byCase[l.CaseID]; !ok {
			order = append(order, l.CaseID)
		}
		if !slices.Contains(byCase[l.CaseID], l.DecisionID) {
			byCase[l.CaseID] = append(byCase[l.CaseID], l.DecisionID)
		}
	}
	res := BulkResult{Failed: []BulkFailed{}}
	today := a.today()
	for _, id := range order {
		c, err := a.db.Case(id)
		if err != nil {
			res.Failed = append(res.Failed, BulkFailed{ID: id, Reason: toError(err).(*Error).Message})
			continue
		}
		var open []string
		for _, did := range byCase[id] {
			i := slices.IndexFunc(c.Decisions, func(d model.DecisionInfo) bool { return d.ID == did })
			if i >= 0 && c.Decisions[i].PostedAt != nil {
				continue
			}
			open = append(open, did)
		}
		if len(open) == 0 {
			continue
		}
		if _, err := a.act(me, id, model.KindPosted, model.PostedPayload{DecisionIDs: open, Date: today}); err != nil {
			reason := toError(err).(*Error).Message
			if errors.Is(err, model.ErrNotAllowedNow) {
				reason = msgPostedRefused
			}
			res.Failed = append(res.Failed, BulkFailed{ID: id, FileNumber: c.FileNumber, Reason: reason})
			continue
		}
		res.Done++
	}
	return res, nil
}
