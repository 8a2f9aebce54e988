package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Attachments is the bound service of a case's files: adding them, opening them in
// the OS viewer, checking the signatures of PDFs. FileHandler serves them to the UI's
// inline preview.
type Attachments struct {
	base
	win   *Window
	files files
}

// NewAttachments returns the Attachments service.
func NewAttachments(e Env) *Attachments {
	return &Attachments{base: newBase(e), win: e.Window, files: newFiles(e)}
}

func (a *Attachments) tooLarge(name string) *Error {
	return &Error{Code: CodeTooLarge, Message: fmt.Sprintf(msgAttachmentTooLarge, name, a.db.MaxAttachmentSize()>>20)}
}

func unreadable(name string) *Error {
	return &Error{Code: CodeUnreadable, Message: fmt.Sprintf(msgFileUnreadable, name)}
}

// mediaType names the content by its first bytes, falling back to the extension for
// types that sniffing cannot tell (office documents, e-mails).
func mediaType(name string, head []byte) string {
	sniffed := http.DetectContentType(head)
	if sniffed != "application/octet-stream" && !strings.HasPrefix(sniffed, "text/plain") {
		return strings.SplitN(sniffed, ";", 2)[0]
	}
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		return strings.SplitN(t, ";", 2)[0]
	}
	return strings.SplitN(sniffed, ";", 2)[0]
}

// addFile stores r's content as a blob, has the virus scanner check it, and then
// records it on the case in one transaction; every way of adding a file by hand
// ends here. A blob whose transaction fails stays unreferenced, which is harmless:
// blobs are content-addressed.
func (a *Attachments) addFile(me model.Clerk, id, name string, r io.Reader) (CaseDetail, error) {
	var head [512]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return CaseDetail{}, unreadable(name)
	}
	sha, size, err := a.db.PutBlob(io.MultiReader(bytes.NewReader(head[:n]), r))
	switch {
	case errors.Is(err, store.ErrTooLarge):
		return CaseDetail{}, a.tooLarge(name)
	case err != nil:
		return CaseDetail{}, toError(err)
	}
	// Scanned before the case refers to it, outside any store transaction; a
	// finding is kept (quarantined) and the case detail says so.
	a.scan.Check(context.Background(), sha)
	return a.do(me, id, model.KindAttachment, model.AttachmentPayload{Attachment: model.Attachment{
		ID: newID(), Name: name, MediaType: mediaType(name, head[:n]), Size: size, SHA256: sha,
		AddedAt: a.now(), AddedBy: me.ID,
	}})
}

// addPath adds the file at path, which the clerk picked in the native dialog or
// dropped onto the window and confirmed: never a path the page sent.
func (a *Attachments) addPath(me model.Clerk, id, path string) (CaseDetail, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return CaseDetail{}, unreadable(name)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return CaseDetail{}, unreadable(name)
	}
	if st.Size() > a.db.MaxAttachmentSize() {
		return CaseDetail{}, a.tooLarge(name)
	}
	return a.addFile(me, id, name, f)
}

// addPaths adds the files in order; the case's detail after the last one, or as it
// is when there are none.
func (a *Attachments) addPaths(me model.Clerk, id string, paths []string) (CaseDetail, error) {
	if len(paths) == 0 {
		c, err := a.db.Case(id)
		if err != nil {
			return CaseDetail{}, toError(err)
		}
		return a.detail(c)
	}
	var d CaseDetail
	var err error
	for _, p := range paths {
		if d, err = a.addPath(me, id, p); err != nil {
			return CaseDetail{}, err
		}
	}
	return d, nil
}

// AddAttachmentsFromDialog opens the OS file dialog and adds the chosen files.
func (a *Attachments) AddAttachmentsFromDialog(id string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	if _, err := a.db.Case(id); err != nil {
		return CaseDetail{}, toError(err)
	}
	paths, err := a.win.OpenFiles(titleAddFiles)
	if err != nil {
		return CaseDetail{}, &Error{Code: CodeUnreadable, Message: msgDialogFailed}
	}
	return a.addPaths(me, id, paths)
}

// AddDroppedFiles adds the files of the drop the window announced (EventFilesDropped)
// to the case, after the clerk confirmed them in a native dialog that names the case
// and the files: the page names only the drop, never a path, and since Wails hands a
// drop to Go as a message the page could forge, the native question decides.
func (a *Attachments) AddDroppedFiles(id, dropID string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	c, err := a.db.Case(id)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	paths := a.win.takeDrop(dropID)
	if len(paths) == 0 {
		return CaseDetail{}, &Error{Code: CodeNotFound, Message: msgDropGone}
	}
	ok, err := a.win.confirm(titleAddFiles, fmt.Sprintf(msgConfirmDrop, c.FileNumber, strings.Join(paths, "\n")))
	if err != nil {
		return CaseDetail{}, &Error{Code: CodeUnreadable, Message: msgDialogFailed}
	}
	if !ok {
		return a.detail(c)
	}
	return a.addPaths(me, id, paths)
}

// AddAttachmentData adds a file whose content the UI read (drag and drop in a
// browser); data is base64. The media type is taken from the content, not from the UI.
func (a *Attachments) AddAttachmentData(id, name, _ string, data string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "" || name == "." || name == "/" {
		return CaseDetail{}, &Error{Code: CodeInvalid, Message: msgFileWithoutName}
	}
	if int64(base64.StdEncoding.DecodedLen(len(data))) > a.db.MaxAttachmentSize()+3 {
		return CaseDetail{}, a.tooLarge(name)
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return CaseDetail{}, unreadable(name)
	}
	return a.addFile(me, id, name, bytes.NewReader(b))
}

// findAttachment looks for a file of the case: representation, attachments, message
// attachments and decision documents.
func findAttachment(c model.Case, attID string) (model.Attachment, bool) {
	if c.Representation != nil && c.Representation.ID == attID {
		return *c.Representation, true
	}
	for _, at := range c.Attachments {
		if at.ID == attID {
			return at, true
		}
	}
	for _, m := range c.Messages {
		for _, at := range m.Attachments {
			if at.ID == attID {
				return at, true
			}
		}
	}
	for _, d := range c.Decisions {
		if d.Document != nil && d.Document.ID == attID {
			return *d.Document, true
		}
	}
	return model.Attachment{}, false
}

// OpenAttachment is "Öffnen": a document or image of an allowed type goes to the OS
// viewer (a copy under its cleaned name, marked as from the internet); an Office
// file that may hold macros asks first (OutcomeConfirm), a ZIP is listed, and
// programs, scripts, HTML, disguised and unknown files are refused with the reason.
func (a *Attachments) OpenAttachment(id, attachmentID string) (OpenResult, error) {
	if _, err := a.me(); err != nil {
		return OpenResult{}, err
	}
	return a.files.open(id, attachmentID, false)
}

// OpenAttachmentConfirmed opens a file that may hold macros once the clerk has read
// the warning and agreed; every other file is treated as by OpenAttachment.
func (a *Attachments) OpenAttachmentConfirmed(id, attachmentID string) (OpenResult, error) {
	if _, err := a.me(); err != nil {
		return OpenResult{}, err
	}
	return a.files.open(id, attachmentID, true)
}

// SaveAttachmentAs is "Speichern unter …": the OS save dialog, then a copy marked as
// from the internet. It returns the path written, "" when the clerk cancelled.
func (a *Attachments) SaveAttachmentAs(id, attachmentID string) (string, error) {
	if _, err := a.me(); err != nil {
		return "", err
	}
	return a.files.saveAs(id, attachmentID)
}
