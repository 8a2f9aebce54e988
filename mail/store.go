package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// SystemClerk is who the store records as the author of imported mail.
var SystemClerk = model.Clerk{ID: "system", Name: "E-Mail-Eingang", Role: model.RoleSachbearbeitung}

// Names and texts a clerk sees on an imported mail.
const (
	OriginalName     = "Originalnachricht.eml"
	noSubject        = "E-Mail ohne Betreff"
	unknownSender    = "Unbekannter Absender"
	noText           = "(Die E-Mail enthält keinen Text.)"
	caseTypeOfMail   = "SONSTIGES"
	fieldText        = "nachricht"
	fieldNotes       = "hinweise"
	labelText        = "Nachricht"
	labelNotes       = "Hinweise beim Einlesen"
	textCut          = "Der Text der E-Mail ist hier gekürzt; vollständig steht er in der Originalnachricht."
	mediaTypeMessage = "message/rfc822"
)

// StoreLedger is the Ledger kept in the case store, so that a case and its ledger
// entry are committed together (see StoreCommitter).
type StoreLedger struct{ DB *store.DB }

var _ Ledger = StoreLedger{}

// ByUID returns the entry of the mail with that UID.
func (l StoreLedger) ByUID(folder string, validity, uid uint32) (Entry, bool, error) {
	return l.DB.MailLedgerByUID(folder, validity, uid)
}

// ByHash returns the first entry of a mail with that content.
func (l StoreLedger) ByHash(sha256 string) (Entry, bool, error) {
	return l.DB.MailLedgerByHash(sha256)
}

// Record adds e; recording it again changes nothing.
func (l StoreLedger) Record(e Entry) error { return l.DB.RecordMail(e) }

// StoreCommitter files mails into the case store: a mail naming the file number of
// a case becomes an incoming message on it, any other mail a new case of type
// SONSTIGES. The original .eml and every attachment are kept as blobs, and the
// ledger entry is committed in the same transaction as the case.
type StoreCommitter struct {
	DB    *store.DB
	Actor model.Clerk      // SystemClerk when zero
	Now   func() time.Time // for mails without a date
	// Scan checks every attachment and the original once stored, before the case
	// refers to them; nil: no virus scanner.
	Scan Checker
}

// Checker scans a stored blob for malware and records its verdict in the store
// (app.Scan); a scanner that is down records "not checked", never clean.
type Checker interface {
	Check(ctx context.Context, sha string) model.ScanVerdict
}

var _ BatchCommitter = (*StoreCommitter)(nil)

// Commit stores raw's blobs, then the case or message with e, durably.
func (s *StoreCommitter) Commit(ctx context.Context, raw Fetched, m *Message, files []string, e Entry) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	in, err := s.build(ctx, raw, m, files, e, s.DB.PutBlob)
	if err != nil {
		return "", err
	}
	id, err := s.DB.ImportMail(s.actor(), in)
	if err != nil {
		return "", fmt.Errorf("mail: commit: %w", err)
	}
	return id, nil
}

// CommitBatch stores the blobs of all mails, makes them durable with one flush, and
// commits the cases and messages in one transaction: a few flushes per batch instead
// of four fsyncs per mail.
//
// A mail naming a file number that no case has yet may name a case that an earlier
// mail of the same batch creates; the file number is only given inside the
// transaction. Such mails are committed one at a time after the batch, in their
// order, so the lookup sees those cases. A failure there leaves the batch committed;
// committing it again (the importer's fallback) finds the ledger entries and creates
// nothing twice.
func (s *StoreCommitter) CommitBatch(ctx context.Context, batch []*Pending) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ids := make([]string, len(batch))
	var (
		ins   []store.MailImport
		at    []int
		later []int
	)
	for i, p := range batch {
		if len(FileNumbers(p.Msg.Subject, p.Msg.Text)) > 0 && s.caseNamed(p.Msg) == "" {
			later = append(later, i)
			continue
		}
		in, err := s.build(ctx, p.Raw, p.Msg, p.Files, p.Entry, s.DB.PutBlobUnsynced)
		if err != nil {
			return nil, err
		}
		ins, at = append(ins, in), append(at, i)
	}
	if len(ins) > 0 {
		if err := s.DB.SyncBlobs(); err != nil {
			return nil, fmt.Errorf("mail: commit: %w", err)
		}
		got, err := s.DB.ImportMails(s.actor(), ins)
		if err != nil {
			return nil, fmt.Errorf("mail: commit: %w", err)
		}
		for j, i := range at {
			ids[i] = got[j]
		}
	}
	for _, i := range later {
		p := batch[i]
		id, err := s.Commit(ctx, p.Raw, p.Msg, p.Files, p.Entry)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

func (s *StoreCommitter) actor() model.Clerk {
	if s.Actor.ID == "" {
		return SystemClerk
	}
	return s.Actor
}

// build stores the attachments and the original with put, has each scanned, and
// returns what to commit.
func (s *StoreCommitter) build(ctx context.Context, raw Fetched, m *Message, files []string, e Entry, put func(io.Reader) (string, int64, error)) (store.MailImport, error) {
	putFile := func(path string) (string, int64, error) {
		f, err := os.Open(path)
		if err != nil {
			return "", 0, err
		}
		defer f.Close()
		sha, n, err := put(f)
		if err == nil && s.Scan != nil {
			s.Scan.Check(ctx, sha)
		}
		return sha, n, err
	}
	notes := append([]string(nil), m.Notes...)
	var atts []model.Attachment
	for i, path := range files {
		if i >= len(m.Attachments) {
			break
		}
		a := m.Attachments[i]
		sha, size, err := putFile(path)
		if errors.Is(err, store.ErrTooLarge) {
			notes = append(notes, fmt.Sprintf("Die Anlage %q ist zu groß und fehlt hier; sie steckt in der Originalnachricht.", a.Name))
			continue
		}
		if err != nil {
			return store.MailImport{}, fmt.Errorf("mail: store attachment %d: %w", i+1, err)
		}
		atts = append(atts, model.Attachment{Name: a.Name, MediaType: a.MediaType, Size: size, SHA256: sha})
	}
	sha, size, err := putFile(raw.Path)
	switch {
	case errors.Is(err, store.ErrTooLarge):
		notes = append(notes, "Die Originalnachricht ist zu groß, um sie aufzubewahren; sie bleibt im Postfach.")
	case err != nil:
		return store.MailImport{}, fmt.Errorf("mail: store original message: %w", err)
	default:
		atts = append(atts, model.Attachment{Name: OriginalName, MediaType: mediaTypeMessage, Size: size, SHA256: sha})
	}

	received := m.Date
	if received.IsZero() {
		received = s.now()
	}
	subject := strings.TrimSpace(m.Subject)
	if subject == "" {
		subject = noSubject
	}
	in := store.MailImport{Entry: e}
	if id := s.caseNamed(m); id != "" {
		body := m.Text
		if strings.TrimSpace(body) == "" {
			body = noText
		}
		// A message has a size limit (model.MaxMessageBody); the whole mail stays in
		// the original attached to it.
		if text, cut := cutRunes(body, model.MaxMessageBody/2); cut {
			body = text
			notes = append(notes, textCut)
		}
		if len(notes) > 0 {
			body += "\n\n" + labelNotes + ":\n- " + strings.Join(notes, "\n- ")
		}
		body, _ = cutRunes(body, model.MaxMessageBody)
		subject, _ = cutRunes(subject, model.MaxMessageSubject)
		in.CaseID = id
		in.Message = model.Message{
			Direction: model.MessageIncoming, State: model.MessageReceived,
			Subject: subject, Body: body, At: received, By: m.From.Address,
			Attachments: atts,
		}
	} else {
		applicant := model.Applicant{Name: strings.TrimSpace(m.From.Name), Email: m.From.Address}
		if applicant.Email != "" && !strings.Contains(applicant.Email, "@") {
			notes = append(notes, fmt.Sprintf("Die Absenderadresse %q ist nicht gültig.", applicant.Email))
			applicant.Email = ""
		}
		if applicant.Name == "" {
			applicant.Name = applicant.Email
		}
		if applicant.Name == "" {
			applicant.Name = unknownSender
			notes = append(notes, "Die E-Mail nennt keinen Absender.")
		}
		form := []model.FormField{{Name: fieldText, Label: labelText, Value: m.Text}}
		if len(notes) > 0 {
			form = append(form, model.FormField{Name: fieldNotes, Label: labelNotes, Value: strings.Join(notes, "\n")})
		}
		in.New = &model.Case{
			Type: caseTypeOfMail, Title: subject, ReceivedAt: received,
			Channel: model.ChannelEmail, Applicant: applicant, Form: form,
			Attachments: atts,
		}
	}
	return in, nil
}

// caseNamed returns the ID of the first existing case whose file number the mail
// names, or "".
func (s *StoreCommitter) caseNamed(m *Message) string {
	for _, fn := range FileNumbers(m.Subject, m.Text) {
		if c, err := s.DB.CaseByFileNumber(fn); err == nil {
			return c.ID
		}
	}
	return ""
}

func (s *StoreCommitter) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// cutRunes returns s cut to at most n characters, and whether it was cut.
func cutRunes(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	return string([]rune(s)[:n]), true
}
