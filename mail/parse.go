// Package mail turns the town hall's mailbox into cases: it parses raw messages
// (streaming, bounded memory) and talks IMAP to fetch and file them.
package mail

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // iso-8859-*, windows-125x and friends
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/ozgcloud/desktop/model"
)

// ErrUnreadable is returned when not even the message header can be read.
var ErrUnreadable = errors.New("mail: message unreadable")

// Address is a sender or recipient, decoded.
type Address struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
}

// Attachment describes one file of a message; its bytes went to the Sink.
type Attachment struct {
	Name      string `json:"name"`
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"` // hex
	// Inline is set for parts shown inside the text (images of an HTML mail).
	Inline bool `json:"inline,omitempty"`
}

// Message is what could be read from a mail. Notes lists in German what could not.
type Message struct {
	From        Address      `json:"from"`
	Subject     string       `json:"subject"`
	Date        time.Time    `json:"date"` // zero when missing or unreadable
	MessageID   string       `json:"messageId,omitempty"`
	Text        string       `json:"text"`
	Attachments []Attachment `json:"attachments,omitempty"`
	Notes       []string     `json:"notes,omitempty"`
}

// Sink receives the bytes of each attachment in the order they appear in the mail.
// The parser closes the writer when the part ends, also after an error.
type Sink interface {
	CreateAttachment(name, mediaType string) (io.WriteCloser, error)
}

// Parser parses mails; the zero value discards attachment bytes (it still reports
// their size and hash).
type Parser struct {
	Sink Sink
	// MaxText bounds the text kept of a mail's body, in bytes (default 1 MiB); the
	// rest is dropped with a note.
	MaxText int
}

const (
	defaultMaxText = 1 << 20
	// maxDepth bounds nested multiparts and forwarded messages; deeper parts are
	// kept as opaque attachments.
	maxDepth = 8
	// maxParts bounds how many parts a mail may have before the rest is skipped.
	maxParts = 1000
)

// Parse parses a raw RFC 5322 message from r, discarding attachment bytes.
func Parse(r io.Reader) (*Message, error) {
	var p Parser
	return p.Parse(r)
}

// Parse reads a raw RFC 5322 message from r. A mail that is only partly readable
// comes back with what could be read and Notes; an error (ErrUnreadable, or one of
// the Sink or r) means nothing usable came out.
func (p *Parser) Parse(r io.Reader) (*Message, error) {
	w := walker{p: p, msg: &Message{}}
	w.maxText = p.MaxText
	if w.maxText <= 0 {
		w.maxText = defaultMaxText
	}
	if err := w.message(r, 0, true); err != nil {
		return nil, err
	}
	w.finish()
	return w.msg, nil
}

type walker struct {
	p       *Parser
	msg     *Message
	maxText int
	parts   int

	plain, html       strings.Builder
	plainCut, htmlCut bool
	forwarded         []string // text of forwarded messages, appended at the end
}

func (w *walker) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	for _, old := range w.msg.Notes {
		if old == n {
			return
		}
	}
	w.msg.Notes = append(w.msg.Notes, n)
}

// message reads a whole message (top level or forwarded) from r.
func (w *walker) message(r io.Reader, depth int, top bool) error {
	// Like go-message, refuse headers over 1 MiB, so a header without end cannot
	// fill memory.
	lr := &headerLimit{r: r, n: maxHeader}
	br := bufio.NewReader(lr)
	th, err := textproto.ReadHeader(br)
	if err != nil {
		if top {
			return fmt.Errorf("%w: header: %v", ErrUnreadable, err)
		}
		w.note("Eine weitergeleitete Nachricht war nicht lesbar.")
		return drain(br)
	}
	lr.n = -1
	h := message.Header{Header: th}
	if top {
		w.header(gomail.Header{Header: h})
	}
	return w.entity(h, br, depth)
}

const maxHeader = 1 << 20

type headerLimit struct {
	r io.Reader
	n int64 // bytes left; -1 once the header is read
}

func (l *headerLimit) Read(p []byte) (int, error) {
	if l.n == 0 {
		return 0, errors.New("header longer than 1 MiB")
	}
	if l.n > 0 && int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	if l.n > 0 {
		l.n -= int64(n)
	}
	return n, err
}

func (w *walker) header(h gomail.Header) {
	from, err := h.AddressList("From")
	switch {
	case len(from) > 0:
		w.msg.From = Address{Name: strings.TrimSpace(from[0].Name), Address: from[0].Address}
	case strings.TrimSpace(h.Get("From")) == "":
		w.note("Der Absender (From) fehlt.")
	default:
		w.msg.From = rawAddress(h.Get("From"))
		if err != nil || w.msg.From.Address == "" {
			w.note("Der Absender (From) war nicht vollständig lesbar.")
		}
	}
	subj, err := h.Subject()
	if err != nil {
		w.note("Der Betreff war nicht vollständig lesbar.")
		subj = h.Get("Subject")
	}
	w.msg.Subject = cleanLine(subj)
	if h.Get("Date") == "" {
		w.note("Das Datum (Date) fehlt.")
	} else if d, err := h.Date(); err != nil {
		w.note("Das Datum (Date) war nicht lesbar.")
	} else {
		w.msg.Date = d
	}
	if id, err := h.MessageID(); err == nil {
		w.msg.MessageID = id
	}
}

// rawAddress salvages an address from a From header that does not parse.
func rawAddress(s string) Address {
	dec, err := (&mime.WordDecoder{CharsetReader: message.CharsetReader}).DecodeHeader(s)
	if err == nil {
		s = dec
	}
	s = cleanLine(s)
	if i, j := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>'); i >= 0 && j > i {
		return Address{Name: strings.Trim(strings.TrimSpace(s[:i]), `"`), Address: strings.TrimSpace(s[i+1 : j])}
	}
	for _, f := range strings.Fields(s) {
		if strings.Contains(f, "@") {
			return Address{Address: strings.Trim(f, "<>,;\"")}
		}
	}
	return Address{Name: s}
}

// entity handles one part; body is still transfer-encoded.
func (w *walker) entity(h message.Header, body io.Reader, depth int) error {
	w.parts++
	if w.parts > maxParts {
		if w.parts == maxParts+1 {
			w.note("Die Nachricht hat mehr als %d Teile; die übrigen wurden übersprungen.", maxParts)
		}
		return drain(body)
	}
	mediaType, params, ctErr := h.ContentType()
	if ctErr != nil || mediaType == "" {
		mediaType, params = salvageContentType(h.Get("Content-Type"))
	}
	mediaType = strings.ToLower(mediaType)

	if strings.HasPrefix(mediaType, "multipart/") && depth < maxDepth && params["boundary"] != "" {
		// Transfer encodings on multiparts are ignored, as go-message does: RFC 2045
		// forbids them and senders who set them do not mean it.
		mr := textproto.NewMultipartReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return drain(body)
			}
			if err != nil {
				w.note("Ein Teil der Nachricht war beschädigt; der Rest ab dort fehlt.")
				return drain(body)
			}
			if err := w.entity(message.Header{Header: part.Header}, part, depth+1); err != nil {
				return err
			}
		}
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mediaType = "application/octet-stream"
	}
	return w.leaf(h, mediaType, params, body, depth)
}

var errSink = errors.New("mail: attachment sink")

func (w *walker) leaf(h message.Header, mediaType string, params map[string]string, raw io.Reader, depth int) error {
	disp, dparams, _ := h.ContentDisposition()
	disp = strings.ToLower(disp)
	name := partName(&h, dparams, params)
	isText := mediaType == "text/plain" || mediaType == "text/html" || mediaType == ""
	if !(isText && disp != "attachment" && name == "") {
		// An attachment keeps its bytes as sent: only the transfer encoding is
		// undone, never the charset, so its hash is the sender's file's hash.
		h = h.Copy()
		h.Del("Content-Type")
	}
	e, err := message.New(h, raw)
	if message.IsUnknownEncoding(err) {
		w.note("Die Kodierung „%s“ eines Teils ist unbekannt; der Teil wurde unverändert übernommen.", h.Get("Content-Transfer-Encoding"))
	}
	if isText && disp != "attachment" && name == "" {
		body := e.Body
		if message.IsUnknownCharset(err) {
			w.note("Der Zeichensatz „%s“ ist unbekannt; der Text wurde so gut es ging übernommen.", params["charset"])
			body = guessCharset(body, w.maxText)
		}
		if mediaType == "text/html" {
			w.htmlCut = htmlToText(&w.html, body, w.maxText) || w.htmlCut
		} else {
			w.plainCut = appendText(&w.plain, body, w.maxText) || w.plainCut
		}
		return drain(e.Body)
	}
	if mediaType == "message/rfc822" && depth < maxDepth {
		return w.forward(e, name, depth)
	}
	if name == "" {
		name = fallbackName(len(w.msg.Attachments)+1, mediaType)
		if hasFilenameParam(&h) {
			w.note("Der Dateiname eines Anhangs war nicht lesbar; er wurde als „%s“ gespeichert.", name)
		}
	}
	inline := disp == "inline" || (h.Get("Content-ID") != "" && disp != "attachment")
	_, err = w.store(name, mediaType, inline, e.Body)
	return err
}

// forward keeps a forwarded message as .eml and adds its text to the body.
func (w *walker) forward(e *message.Entity, name string, depth int) error {
	sub := walker{p: &Parser{}, msg: &Message{}, maxText: w.maxText}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := sub.message(pr, depth+1, true)
		// Let the copy below finish even when the sub-parser stopped early.
		_, _ = io.Copy(io.Discard, pr)
		done <- err
	}()
	if name == "" {
		name = "Weitergeleitete Nachricht.eml"
	}
	_, err := w.store(name, "message/rfc822", false, io.TeeReader(e.Body, pw))
	pw.CloseWithError(err)
	subErr := <-done
	if err != nil {
		return err
	}
	if subErr != nil {
		w.note("Eine weitergeleitete Nachricht war nicht lesbar; sie ist als Anhang erhalten.")
		return nil
	}
	sub.finish()
	var b strings.Builder
	b.WriteString("---------- Weitergeleitete Nachricht ----------\n")
	if sub.msg.From.Address != "" || sub.msg.From.Name != "" {
		fmt.Fprintf(&b, "Von: %s\n", formatAddress(sub.msg.From))
	}
	if !sub.msg.Date.IsZero() {
		fmt.Fprintf(&b, "Datum: %s\n", sub.msg.Date.Format("02.01.2006 15:04"))
	}
	fmt.Fprintf(&b, "Betreff: %s\n\n%s", sub.msg.Subject, sub.msg.Text)
	w.forwarded = append(w.forwarded, b.String())
	for _, a := range sub.msg.Attachments {
		w.note("Die weitergeleitete Nachricht enthält den Anhang „%s“; er liegt in „%s“.", a.Name, name)
	}
	return nil
}

func formatAddress(a Address) string {
	switch {
	case a.Name == "":
		return a.Address
	case a.Address == "":
		return a.Name
	}
	return a.Name + " <" + a.Address + ">"
}

// store streams one attachment to the sink, counting and hashing it.
func (w *walker) store(name, mediaType string, inline bool, body io.Reader) (Attachment, error) {
	a := Attachment{Name: name, MediaType: mediaType, Inline: inline}
	var dst io.WriteCloser = nopCloser{io.Discard}
	if w.p.Sink != nil {
		var err error
		dst, err = w.p.Sink.CreateAttachment(name, mediaType)
		if err != nil {
			return a, fmt.Errorf("%w: create %q: %v", errSink, name, err)
		}
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(sinkWriter{dst}, h), body)
	cerr := dst.Close()
	var se sinkErr
	switch {
	case errors.As(err, &se):
		return a, fmt.Errorf("%w: write %q: %v", errSink, name, se.error)
	case err != nil:
		// The part broke while reading: keep what arrived and say so.
		w.note("Der Anhang „%s“ ist unvollständig (die Nachricht ist beschädigt).", name)
	case cerr != nil:
		return a, fmt.Errorf("%w: close %q: %v", errSink, name, cerr)
	}
	a.Size = n
	a.SHA256 = hexSum(h)
	w.msg.Attachments = append(w.msg.Attachments, a)
	return a, nil
}

// sinkWriter marks the sink's errors: io.Copy does not say which side failed, and
// a broken source is a note while a broken sink stops the parse.
type sinkWriter struct{ w io.Writer }

func (s sinkWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err != nil {
		err = sinkErr{err}
	}
	return n, err
}

type sinkErr struct{ error }

func (e sinkErr) Unwrap() error { return e.error }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

func (w *walker) finish() {
	text := strings.TrimSpace(w.plain.String())
	cut := w.plainCut
	if text == "" {
		text = strings.TrimSpace(w.html.String())
		cut = w.htmlCut
	}
	for _, f := range w.forwarded {
		if text != "" {
			text += "\n\n"
		}
		text += strings.TrimSpace(f)
	}
	if cut {
		w.note("Der Text war länger als %d KiB und wurde gekürzt; die vollständige Nachricht liegt als .eml bei.", w.maxText>>10)
	}
	w.msg.Text = strings.ToValidUTF8(text, "\uFFFD")
}

// appendText copies r into b up to limit bytes in total; it reports whether it cut.
func appendText(b *strings.Builder, r io.Reader, limit int) bool {
	if b.Len() > 0 {
		b.WriteString("\n\n")
	}
	room := limit - b.Len()
	if room <= 0 {
		return drain(r) == nil
	}
	buf := make([]byte, 32<<10)
	cut := false
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		if len(chunk) > room {
			chunk, cut = chunk[:room], true
		}
		room -= len(chunk)
		b.WriteString(strings.ReplaceAll(string(chunk), "\r\n", "\n"))
		if err != nil {
			return cut
		}
	}
}

// guessCharset reads text of an unknown charset: UTF-8 when it is valid, else
// Windows-1252, which is what such mails from German senders nearly always are.
// It holds at most limit bytes, the most the text keeps anyway.
func guessCharset(r io.Reader, limit int) io.Reader {
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)))
	rest := io.MultiReader(errReader{err}, r)
	if utf8.Valid(b) || message.CharsetReader == nil {
		return io.MultiReader(bytes.NewReader(b), rest)
	}
	conv, cerr := message.CharsetReader("windows-1252", bytes.NewReader(b))
	if cerr != nil {
		return io.MultiReader(bytes.NewReader(b), rest)
	}
	return io.MultiReader(conv, rest)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

func drain(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// fallbackName names an attachment whose header gave no usable name.
func fallbackName(n int, mediaType string) string {
	ext := map[string]string{
		"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png",
		"image/gif": ".gif", "text/plain": ".txt", "text/html": ".html",
		"message/rfc822": ".eml", "application/ms-tnef": ".dat",
		"application/vnd.ms-tnef": ".dat", "text/calendar": ".ics",
	}[mediaType]
	if ext == "" {
		ext = ".bin"
	}
	return fmt.Sprintf("Anhang-%d%s", n, ext)
}

// safeName is the name the sender gave an attachment, cleaned by
// model.CleanFileName (last path element, no control or bidirectional-formatting
// characters, bounded length), or "" when nothing usable is left: the caller then
// names the part itself.
func safeName(s string) string {
	if !model.UsableFileName(s) {
		return ""
	}
	return model.CleanFileName(s, "")
}
