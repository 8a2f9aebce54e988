package cloud

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strings"

	"github.com/ozgcloud/desktop/model"
)

// Intake parts, as form servers send them to the OZG-Cloud.
const (
	PartFormData       = "formData"
	PartRepresentation = "representation"
	PartAttachment     = "attachment"
)

// maxFormDepth bounds the nesting of formItems; real forms nest a handful of levels.
const maxFormDepth = 32

// ParseIntake reads an online application in the OZG-Cloud intake format from a
// multipart/form-data body whose Content-Type header is contentType: one formData
// part with the JSON {control, formData}, one representation file and any number of
// attachment files, in any order. Files are streamed to temp files in dir (os.TempDir
// when empty) while their SHA-256 is computed; the caller removes them with
// Submission.Remove once the service has stored them.
//
// Zero fields of lim take DefaultLimits. A body that breaks a limit yields an
// error wrapping ErrTooLarge, any other defect one wrapping ErrBadRequest; both carry
// a reason for the form server, and on error no temp file is left behind. Whether the
// zuständige Stelle exists is the Service's question, not the parser's.
func ParseIntake(body io.Reader, contentType string, lim Limits, dir string) (sub Submission, err error) {
	lim = mergeLimits(lim, DefaultLimits())
	mt, params, perr := mime.ParseMediaType(contentType)
	if perr != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return Submission{}, badRequest("Erwartet wird multipart/form-data mit boundary (Content-Type must be multipart/form-data with a boundary).")
	}
	defer func() {
		if err != nil {
			sub.Remove()
			sub = Submission{}
		}
	}()
	counted := &limitedReader{r: body, left: lim.IntakeTotal}
	mr := multipart.NewReader(counted, params["boundary"])
	var form []byte
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sub, partError(counted, "", err)
		}
		switch name := p.FormName(); name {
		case PartFormData:
			if form != nil {
				return sub, badRequest(`Der Teil "formData" ist doppelt (duplicate formData part).`)
			}
			form, err = io.ReadAll(io.LimitReader(p, lim.IntakeFormData+1))
			if err != nil {
				return sub, partError(counted, name, err)
			}
			if int64(len(form)) > lim.IntakeFormData {
				return sub, tooLargeFor("formData", fmt.Sprintf(`Der Teil "formData" ist größer als %d Bytes (formData part over the limit).`, lim.IntakeFormData))
			}
		case PartRepresentation:
			if sub.Representation != nil {
				return sub, badRequest(`Der Teil "representation" ist doppelt (duplicate representation part).`)
			}
			f, err := spool(p, dir, lim.IntakeRepresentation, "representation.pdf")
			if f.Path != "" {
				sub.Representation = &f
			}
			if err != nil {
				return sub, partError(counted, name, err)
			}
			if f.Size == 0 {
				return sub, badRequest(`Der Teil "representation" ist leer (empty representation part).`)
			}
		case PartAttachment:
			if len(sub.Attachments) >= lim.IntakeAttachments {
				return sub, tooLargeFor("attachments", fmt.Sprintf("Mehr als %d Anlagen (too many attachments).", lim.IntakeAttachments))
			}
			f, err := spool(p, dir, lim.IntakeAttachment, fmt.Sprintf("anlage-%d", len(sub.Attachments)+1))
			if f.Path != "" {
				sub.Attachments = append(sub.Attachments, f)
			}
			if err != nil {
				return sub, partError(counted, name, err)
			}
		default:
			return sub, badRequest(fmt.Sprintf("Unbekannter Teil %q (unknown part; expected formData, representation, attachment).", truncate(name, 40)))
		}
	}
	if form == nil {
		return sub, badRequest(`Der Teil "formData" fehlt (missing formData part).`)
	}
	if sub.Representation == nil {
		return sub, badRequest(`Der Teil "representation" fehlt (missing representation part).`)
	}
	if err := parseFormData(form, &sub); err != nil {
		return sub, err
	}
	return sub, nil
}

// Remove deletes the submission's temp files.
func (s *Submission) Remove() {
	if s.Representation != nil && s.Representation.Path != "" {
		_ = os.Remove(s.Representation.Path)
	}
	for _, a := range s.Attachments {
		if a.Path != "" {
			_ = os.Remove(a.Path)
		}
	}
}

var (
	errPartTooLarge = errors.New("cloud: intake part over the limit")
	// errSpool marks a failure to write a temp file: the server's, not the sender's.
	errSpool = errors.New("cloud: intake temp file")
)

// spoolWriter tells write errors (disk full) from read errors (a broken body).
type spoolWriter struct{ f *os.File }

func (w spoolWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = fmt.Errorf("%w: %w", errSpool, err)
	}
	return n, err
}

// spool copies a file part into a temp file, hashing it on the way. The returned
// file names its temp file even on error, so the caller can remove it.
func spool(p *multipart.Part, dir string, max int64, fallback string) (IntakeFile, error) {
	f := IntakeFile{Name: model.CleanFileName(p.FileName(), fallback), MediaType: mediaType(p.Header.Get("Content-Type"))}
	tmp, err := os.CreateTemp(dir, "intake-*")
	if err != nil {
		return f, fmt.Errorf("%w: %w", errSpool, err)
	}
	f.Path = tmp.Name()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(spoolWriter{tmp}, h), io.LimitReader(p, max+1))
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("%w: %w", errSpool, cerr)
	}
	if err != nil {
		return f, err
	}
	if n > max {
		return f, fmt.Errorf("%w: %d bytes", errPartTooLarge, max)
	}
	f.Size, f.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	return f, nil
}

// partError turns a failure while reading a part into the answer the form server
// sees: the body's or a part's limit, a broken multipart body, or (a temp file that
// could not be written) an internal error.
func partError(counted *limitedReader, name string, err error) error {
	var mb *http.MaxBytesError
	switch {
	case counted.over, errors.As(err, &mb):
		return tooLargeFor("intake", "Die Anfrage ist größer als erlaubt (request body over the limit).")
	case errors.Is(err, errPartTooLarge):
		return tooLargeFor("attachment", fmt.Sprintf("Der Teil %q ist größer als erlaubt (%s part over the limit of %s bytes).",
			name, name, strings.TrimPrefix(err.Error(), errPartTooLarge.Error()+": ")))
	case errors.Is(err, ErrBadRequest), errors.Is(err, ErrTooLarge), errors.Is(err, errSpool):
		return err
	}
	// Everything else comes from reading the multipart stream: the sender's fault.
	return badRequest("Der multipart-Inhalt ist fehlerhaft (malformed multipart body).")
}

// tooLargeFor is a refusal for a limit the Reason names: "intake" (the whole body),
// "attachment" (a file part), "formData", "attachments" (their number).
func tooLargeFor(reason, msg string) error {
	return &publicError{kind: ErrTooLarge, msg: msg, reason: reason}
}

// limitedReader reads at most left bytes and then fails, remembering why.
type limitedReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			l.over = true
			return 0, errPartTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt == "" {
		return "application/octet-stream"
	}
	return mt
}

// The formData JSON. Fields beyond these are ignored: form servers send more (meta
// data, their own ids) and must not be refused for it.
type intakeJSON struct {
	Control  *intakeControl    `json:"control"`
	FormData *[]intakeFormItem `json:"formData"`
}

type intakeControl struct {
	TransactionID     string              `json:"transactionId"`
	ZustaendigeStelle string              `json:"zustaendigeStelle"`
	LeikaIDs          []string            `json:"leikaIds"`
	FormID            string              `json:"formId"`
	Name              string              `json:"name"`
	ServiceKonto      *intakeServiceKonto `json:"serviceKonto"`
}

type intakeServiceKonto struct {
	Type            string           `json:"type"`
	TrustLevel      string           `json:"trustLevel"`
	PostfachAddress *intakePostfach  `json:"postfachAddress"`
	Addresses       []intakePostfach `json:"postfachAddresses"` // some senders list them
}

type intakePostfach struct {
	Identifier string `json:"identifier"`
	// Type is a number at some senders and a string at others; it is not kept.
	Type json.RawMessage `json:"type"`
}

type intakeFormItem struct {
	Name         string           `json:"name"`
	Label        string           `json:"label"`
	StringValue  *string          `json:"stringValue"`
	NumberValue  *json.Number     `json:"numberValue"`
	DateValue    *string          `json:"dateValue"`
	BooleanValue *bool            `json:"booleanValue"`
	FormItems    []intakeFormItem `json:"formItems"`
}

var serviceKontoTypes = map[string]bool{"OSI": true, "BAYERN_ID": true, "BUND_ID": true}

// maxControlField bounds ids in the control block, which become keys in the store.
const maxControlField = 200

func parseFormData(b []byte, sub *Submission) error {
	var v intakeJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return badRequest("Der Teil \"formData\" ist kein gültiges JSON-Objekt der erwarteten Form (malformed formData JSON): " + jsonReason(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest(`Nach dem JSON-Objekt in "formData" folgen weitere Daten (data after the formData object).`)
	}
	c := v.Control
	switch {
	case c == nil:
		return badRequest(`"control" fehlt in formData (missing control).`)
	case strings.TrimSpace(c.TransactionID) == "":
		return badRequest(`"control.transactionId" fehlt (missing transactionId).`)
	case strings.TrimSpace(c.ZustaendigeStelle) == "":
		return badRequest(`"control.zustaendigeStelle" fehlt (missing zustaendigeStelle).`)
	case len(c.TransactionID) > maxControlField || len(c.ZustaendigeStelle) > maxControlField ||
		len(c.FormID) > maxControlField || len(c.Name) > 1000:
		return badRequest(`Ein Feld in "control" ist zu lang (control field too long).`)
	case v.FormData == nil:
		return badRequest(`"formData" fehlt im JSON (missing formData array).`)
	}
	for _, id := range c.LeikaIDs {
		if strings.TrimSpace(id) == "" || len(id) > maxControlField {
			return badRequest(`Ungültige LeiKa-Id in "control.leikaIds" (invalid leikaId).`)
		}
	}
	sub.TransactionID = strings.TrimSpace(c.TransactionID)
	sub.ZustaendigeStelle = strings.TrimSpace(c.ZustaendigeStelle)
	sub.LeikaIDs = c.LeikaIDs
	sub.FormID = c.FormID
	sub.Name = c.Name
	if sk := c.ServiceKonto; sk != nil {
		if !serviceKontoTypes[sk.Type] {
			return badRequest(`"control.serviceKonto.type" ist nicht OSI, BAYERN_ID oder BUND_ID (unknown serviceKonto type).`)
		}
		p := &model.Postfach{Type: sk.Type, TrustLevel: sk.TrustLevel}
		switch {
		case sk.PostfachAddress != nil:
			p.Identifier = sk.PostfachAddress.Identifier
		case len(sk.Addresses) > 0:
			p.Identifier = sk.Addresses[0].Identifier
		}
		sub.ServiceKonto = p
	}
	form, err := formFields(*v.FormData, 1)
	if err != nil {
		return err
	}
	sub.Form = form
	return nil
}

func formFields(items []intakeFormItem, depth int) ([]model.FormField, error) {
	if depth > maxFormDepth {
		return nil, badRequest(fmt.Sprintf(`"formItems" sind tiefer als %d Ebenen verschachtelt (formItems nested too deep).`, maxFormDepth))
	}
	out := make([]model.FormField, 0, len(items))
	for _, it := range items {
		if it.Name == "" {
			return nil, badRequest(`Ein Eintrag in "formData" hat keinen "name" (form item without name).`)
		}
		f := model.FormField{Name: it.Name, Label: it.Label}
		switch {
		case it.StringValue != nil:
			f.Value = *it.StringValue
		case it.NumberValue != nil:
			f.Value = it.NumberValue.String()
		case it.DateValue != nil:
			f.Value = *it.DateValue
		case it.BooleanValue != nil:
			f.Value = fmt.Sprint(*it.BooleanValue)
		}
		if len(it.FormItems) > 0 {
			items, err := formFields(it.FormItems, depth+1)
			if err != nil {
				return nil, err
			}
			f.Items = items
		}
		out = append(out, f)
	}
	return out, nil
}

// jsonReason names what was wrong without repeating the sender's values.
func jsonReason(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("Syntaxfehler bei Byte %d (syntax error at byte %d)", syn.Offset, syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("Feld %q hat den falschen Typ (field %q has type %s, want %s)", typ.Field, typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "unvollständig (truncated)"
	}
	return "nicht lesbar (unreadable)"
}
