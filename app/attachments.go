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

// files finds a case's files and shows them in the OS viewer.
type files struct {
	db       *store.DB
	scan     *Scan
	dataDir  string
	openPath func(path string) error
}

func newFiles(e Env) files {
	f := files{db: e.DB, scan: newBase(e).scan, dataDir: e.DataDir, openPath: e.OpenPath}
	if f.openPath == nil {
		f.openPath = openInOS
	}
	return f
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

// AddAttachmentFromPath adds a file from disk (drag and drop in the desktop window).
func (a *Attachments) AddAttachmentFromPath(id, path string) (CaseDetail, error) {
	me, err := a.me()
	if err != nil {
		return CaseDetail{}, err
	}
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

// AddAttachmentsFromDialog opens the OS file dialog and adds the chosen files.
func (a *Attachments) AddAttachmentsFromDialog(id string) (CaseDetail, error) {
	if _, err := a.me(); err != nil {
		return CaseDetail{}, err
	}
	paths, err := a.win.OpenFiles(titleAddFiles)
	if err != nil {
		return CaseDetail{}, &Error{Code: CodeUnreadable, Message: msgDialogFailed}
	}
	if len(paths) == 0 {
		c, err := a.db.Case(id)
		if err != nil {
			return CaseDetail{}, toError(err)
		}
		return a.detail(c)
	}
	var d CaseDetail
	for _, p := range paths {
		if d, err = a.AddAttachmentFromPath(id, p); err != nil {
			return CaseDetail{}, err
		}
	}
	return d, nil
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
	if err := f.scan.MayOpen(at); err != nil {
		return model.Attachment{}, "", err
	}
	p, err := f.db.BlobPath(at.SHA256)
	if err != nil {
		return model.Attachment{}, "", &Error{Code: CodeNotFound, Message: fmt.Sprintf(msgFileContentMissing, at.Name)}
	}
	return at, p, nil
}

// OpenAttachment opens an attachment in the OS viewer.
func (a *Attachments) OpenAttachment(id, attachmentID string) error {
	if _, err := a.me(); err != nil {
		return err
	}
	return a.files.open(id, attachmentID)
}

// open copies the file under its own name into the data folder's view folder (the
// blob has no extension the OS could go by) and opens it in the OS viewer.
func (f files) open(caseID, attID string) error {
	at, blob, err := f.attachment(caseID, attID)
	if err != nil {
		return err
	}
	dir := filepath.Join(f.dataDir, "ansicht", at.SHA256[:16])
	view := filepath.Join(dir, safeName(at.Name))
	if _, err := os.Stat(view); err != nil {
		if err := copyFile(blob, view); err != nil {
			return &Error{Code: CodeStore, Message: fmt.Sprintf(msgFileNotViewable, err)}
		}
	}
	if err := f.openPath(view); err != nil {
		return &Error{Code: CodeUnreadable, Message: msgNoViewer}
	}
	return nil
}

func safeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		return "datei"
	}
	return name
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o400)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, dst)
}

// FileHandler serves attachments to the UI's inline preview at /files/{case}/{file}.
// main passes it to the Wails asset server; it serves nothing else.
func FileHandler(a *Attachments) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /files/{case}/{file}", func(w http.ResponseWriter, r *http.Request) {
		// Nothing of a case before a clerk signed in, nor while the window is locked.
		if _, err := a.me(); err != nil {
			http.Error(w, "Bitte melden Sie sich an.", http.StatusForbidden)
			return
		}
		at, p, err := a.files.attachment(r.PathValue("case"), r.PathValue("file"))
		if e := (*Error)(nil); errors.As(err, &e) && e.Code == CodeQuarantine {
			http.Error(w, e.Message, http.StatusForbidden)
			return
		}
		if err != nil {
			http.Error(w, "Datei nicht gefunden", http.StatusNotFound)
			return
		}
		f, err := os.Open(p)
		if err != nil {
			http.Error(w, "Datei nicht lesbar", http.StatusNotFound)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", at.MediaType)
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": at.Name}))
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
		http.ServeContent(w, r, "", at.AddedAt, f)
	})
	return mux
}
