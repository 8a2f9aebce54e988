package app

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ozgcloud/desktop/filekind"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sign"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/zone"
)

// Folders of the data folder that hold copies for the OS viewer and the printer.
// Each copy lies in a folder of random name, so that no path says whose file it is;
// Scratch empties them.
const (
	viewFolder  = "ansicht"
	printFolder = "druck"
)

// files finds a case's files, judges them with filekind and hands the ones a clerk
// may open to the OS viewer (openPath, injected: tests see whether it was called).
type files struct {
	db       *store.DB
	scan     *Scan
	dataDir  string
	openPath func(path string) error
	win      *Window
	random   io.Reader
}

func newFiles(e Env) files {
	f := files{db: e.DB, scan: newBase(e).scan, dataDir: e.DataDir, openPath: e.OpenPath, win: e.Window, random: e.Random}
	if f.openPath == nil {
		f.openPath = openInOS
	}
	if f.random == nil {
		f.random = rand.Reader
	}
	return f
}

// Outcomes of "Öffnen" (OpenResult.Outcome).
const (
	OutcomeOpened  = "opened"  // handed to the OS viewer
	OutcomeConfirm = "confirm" // may hold macros: open only after the clerk confirmed
	OutcomeArchive = "archive" // a ZIP: Entries lists it, nothing is extracted
	OutcomeRefused = "refused" // never opened; only "Speichern unter …"
)

// OpenResult is what "Öffnen" did or asks of the clerk.
type OpenResult struct {
	Outcome string `json:"outcome"`
	// Message says in German why the file was not opened, or what to know before.
	Message   string         `json:"message"`
	Entries   []ArchiveEntry `json:"entries"`
	Truncated bool           `json:"truncated"` // more entries than listed
	MaySave   bool           `json:"maySave"`   // "Speichern unter …" is offered
}

// ArchiveEntry is one member of a ZIP as its directory declares it.
type ArchiveEntry struct {
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	Dangerous bool   `json:"dangerous"` // a program, script or encrypted member
}

// attachment returns the file of the case and where its content is on disk; a file
// the virus scan keeps closed (Scan.MayOpen) is its *Error.
func (f files) attachment(caseID, attID string) (model.Attachment, string, error) {
	c, err := f.db.Case(caseID)
	if err != nil {
		return model.Attachment{}, "", toError(err)
	}
	at, ok := findAttachment(c, attID)
	if !ok {
		return model.Attachment{}, "", &Error{Code: CodeNotFound, Message: msgFileNotOfCase}
	}
	// The virus scan's verdict before the content is handed out: open, save and the
	// preview all pass here, so a file it keeps closed is its *Error (CodeQuarantine).
	if err := f.scan.MayOpen(at); err != nil {
		return model.Attachment{}, "", err
	}
	p, err := f.db.BlobPath(at.SHA256)
	if err != nil {
		return model.Attachment{}, "", &Error{Code: CodeNotFound, Message: fmt.Sprintf(msgFileContentMissing, at.Name)}
	}
	return at, p, nil
}

// judged is a case's file with the classifier's verdict on its content and name.
type judged struct {
	at   model.Attachment
	blob string
	kind filekind.Result
}

func (f files) judge(caseID, attID string) (judged, error) {
	at, blob, err := f.attachment(caseID, attID)
	if err != nil {
		return judged{}, err
	}
	res, err := filekind.ClassifyFile(blob, at.Name)
	if err != nil {
		return judged{}, unreadable(at.Name)
	}
	return judged{at: at, blob: blob, kind: res}, nil
}

// open is "Öffnen": it opens a file of an allowed type, asks first for a file that
// may hold macros (confirmed says the clerk has agreed), lists a ZIP and refuses the
// rest with the reason.
func (f files) open(caseID, attID string, confirmed bool) (OpenResult, error) {
	j, err := f.judge(caseID, attID)
	if err != nil {
		return OpenResult{}, err
	}
	name := model.CleanFileName(j.at.Name, "")
	res := OpenResult{Outcome: OutcomeRefused, Message: refusal(j.kind, name), Entries: []ArchiveEntry{}, MaySave: true}
	switch j.kind.Verdict {
	case filekind.Open:
	case filekind.Warn:
		if !confirmed {
			res.Outcome, res.Message = OutcomeConfirm, warning(j.kind, name)
			return res, nil
		}
	case filekind.Archive:
		res.Outcome, res.Message, res.Truncated = OutcomeArchive, archiveNote(j.kind, name), j.kind.Truncated
		for _, e := range j.kind.Entries {
			res.Entries = append(res.Entries, ArchiveEntry{Name: e.Name, Size: int64(min(e.Size, 1<<62)), Dangerous: e.Dangerous || e.Encrypted})
		}
		return res, nil
	default:
		return res, nil
	}
	p, err := f.stage(viewFolder, j.blob, name)
	if err != nil {
		return OpenResult{}, err
	}
	if err := f.openPath(p); err != nil {
		return OpenResult{}, &Error{Code: CodeUnreadable, Message: msgNoViewer}
	}
	return OpenResult{Outcome: OutcomeOpened, Entries: []ArchiveEntry{}}, nil
}

// saveAs is "Speichern unter …": the OS dialog proposes the cleaned name, the copy
// carries the internet zone. It returns the path written, "" when the clerk
// cancelled.
func (f files) saveAs(caseID, attID string) (string, error) {
	j, err := f.judge(caseID, attID)
	if err != nil {
		return "", err
	}
	dst, err := f.win.SaveFile(titleSaveFile, model.CleanFileName(j.at.Name, ""))
	if err != nil {
		return "", &Error{Code: CodeUnreadable, Message: msgDialogFailed}
	}
	if dst == "" {
		return "", nil
	}
	if err := copyFile(j.blob, dst, 0o600); err != nil {
		return "", &Error{Code: CodeStore, Message: fmt.Sprintf(msgFileNotSaved, err)}
	}
	if err := zone.MarkInternet(dst, ""); err != nil {
		os.Remove(dst)
		return "", &Error{Code: CodeStore, Message: fmt.Sprintf(msgFileNotSaved, err)}
	}
	return dst, nil
}

// errNotSigned says a document for the printer carries no valid signature.
var errNotSigned = errors.New("app: not a validly signed PDF")

// openSigned hands a signed decision to the OS viewer for printing, and nothing
// else: the document must be a PDF whose every signature is valid and whose last
// covers the whole file.
func (f files) openSigned(at model.Attachment) error {
	if err := f.scan.MayOpen(at); err != nil {
		return err
	}
	blob, err := f.db.BlobPath(at.SHA256)
	if err != nil {
		return &Error{Code: CodeNotFound, Message: fmt.Sprintf(msgFileContentMissing, at.Name)}
	}
	b, err := os.ReadFile(blob)
	if err != nil {
		return unreadable(at.Name)
	}
	if err := verifySigned(b); err != nil {
		return &Error{Code: CodeNotAllowed, Message: fmt.Sprintf(msgPrintNotVerified, model.CleanFileName(at.Name, ""))}
	}
	p, err := f.stage(printFolder, blob, model.CleanFileName(at.Name, "Bescheid.pdf"))
	if err != nil {
		return err
	}
	if err := f.openPath(p); err != nil {
		return &Error{Code: CodeUnreadable, Message: msgNoViewer}
	}
	return nil
}

// verifySigned returns errNotSigned unless b is a PDF with signatures that are all
// valid, the last one covering the whole file.
func verifySigned(b []byte) error {
	if k, _ := filekind.Classify(bytes.NewReader(b), int64(len(b)), "x.pdf"); k.Kind != filekind.PDF {
		return errNotSigned
	}
	sigs, err := sign.Verify(b)
	if err != nil || len(sigs) == 0 || !sigs[len(sigs)-1].WholeDocument {
		return errNotSigned
	}
	for _, s := range sigs {
		if !s.Valid {
			return errNotSigned
		}
	}
	return nil
}

// scratch makes a new folder of random name under the data folder's folder
// (ansicht, druck) for one copy.
func (f files) scratch(folder string) (string, error) {
	var r [8]byte
	if _, err := io.ReadFull(f.random, r[:]); err != nil {
		return "", fmt.Errorf("app: name a folder: %w", err)
	}
	dir := filepath.Join(f.dataDir, folder, hex.EncodeToString(r[:]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("app: %w", err)
	}
	return dir, nil
}

// stage copies blob as name (already cleaned) into a new scratch folder and marks
// the copy as from the internet.
func (f files) stage(folder, blob, name string) (string, error) {
	dir, err := f.scratch(folder)
	if err != nil {
		return "", &Error{Code: CodeStore, Message: fmt.Sprintf(msgFileNotViewable, err)}
	}
	p := filepath.Join(dir, name)
	if err := copyFile(blob, p, 0o400); err != nil {
		return "", &Error{Code: CodeStore, Message: fmt.Sprintf(msgFileNotViewable, err)}
	}
	if err := zone.MarkInternet(p, ""); err != nil {
		return "", &Error{Code: CodeStore, Message: fmt.Sprintf(msgFileNotViewable, err)}
	}
	return p, nil
}

// copyFile copies src to dst through a temporary file beside it, so that dst is
// either whole or absent.
func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".kopie-*")
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
