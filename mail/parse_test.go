package mail

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// memSink keeps attachments in memory; only for the small corpus mails.
type memSink struct{ files []*bytes.Buffer }

type bufCloser struct{ *bytes.Buffer }

func (bufCloser) Close() error { return nil }

func (s *memSink) CreateAttachment(name, mediaType string) (io.WriteCloser, error) {
	b := new(bytes.Buffer)
	s.files = append(s.files, b)
	return bufCloser{b}, nil
}

var pdf = []byte("%PDF-1.4\n% Testdokument Antrag\n%%EOF\n")

type wantAtt struct {
	name, mediaType string
	content         []byte
	inline          bool
}

func TestParseCorpus(t *testing.T) {
	png, _ := hex.DecodeString("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
		"1f15c4890000000d4944415478da63f8cfc0f01f0005000201e2266c6e0000000049454e44ae426082")
	tnef := []byte{0x78, 0x9f, 0x3e, 0x22, 0x01, 0x00, 0x01, 0x06, 0x90, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00}
	var thirty []wantAtt
	for i := 1; i <= 30; i++ {
		thirty = append(thirty, wantAtt{fmt.Sprintf("Anlage %02d.txt", i), "text/plain", []byte(fmt.Sprintf("Inhalt der Anlage %02d\n", i)), false})
	}
	tests := []struct {
		file      string
		from      Address
		subject   string
		date      string // RFC 3339, "" when none
		text      []string
		notInText []string
		atts      []wantAtt
		notes     []string // each must be part of some note; nil means no notes
		numbers   []string
	}{
		{
			file:    "outlook.eml",
			from:    Address{"Müller, Jürgen", "j.mueller@example.org"},
			subject: "Antrag auf Sondernutzung – Straßenfest",
			date:    "2026-11-02T09:15:42Z",
			text:    []string{"Sondernutzung der Hauptstraße für unser Straßenfest am 12.06.2027.", "Mit freundlichen Grüßen\nJürgen Müller"},
			// The HTML alternative must not be added to the plain text.
			notInText: []string{"MsoNormal", "<p"},
			atts: []wantAtt{
				{"Lageplan Straßenfest.pdf", "application/pdf", pdf, false},
				{"winmail.dat", "application/ms-tnef", tnef, false},
			},
		},
		{
			file:    "thunderbird.eml",
			from:    Address{"Anna Schmidt", "anna.schmidt@example.net"},
			subject: "Nachreichung Unterlagen zu BAU-2026-0042-A7",
			date:    "2026-11-03T14:02:11+01:00",
			text:    []string{"anbei der überarbeitete Grundriss", "Viele Grüße\nAnna Schmidt"},
			atts:    []wantAtt{{"Grundriss EG.pdf", "application/pdf", pdf, false}},
			numbers: []string{"BAU-2026-0042-A7", "HST-2026-0007-B2"},
		},
		{
			file:      "applemail.eml",
			from:      Address{"Peter Weber", "peter.weber@example.com"},
			subject:   "Hundeanmeldung Bello",
			date:      "2026-11-04T18:30:05+01:00",
			text:      []string{"ich möchte meinen Hund Bello anmelden. Foto anbei."},
			notInText: []string{"<div", "[Bello]"},
			atts:      []wantAtt{{"bello.png", "image/png", png, true}},
		},
		{
			file:    "mutt.eml",
			from:    Address{"Klaus Becker", "kb@example.org"},
			subject: "Stellungnahme",
			date:    "2026-11-05T07:45:00+01:00",
			text:    []string{"anbei meine Stellungnahme."},
			atts: []wantAtt{
				{"Stellungnahme Bürgerverein.pdf", "application/pdf", pdf, false},
				// A text attachment keeps the sender's bytes (Latin-1 here).
				{"Anlage zur Stellungnahme über die Straße.txt", "text/plain", []byte("Stra\xdfe\n"), false},
			},
		},
		{
			file:    "spaces.eml",
			from:    Address{"Eva Wagner", "eva.wagner@example.com"},
			subject: "Gewerbeanmeldung",
			date:    "2026-11-06T11:11:11+01:00",
			text:    []string{"Anbei die Gewerbeanmeldung und der Ausweis."},
			atts: []wantAtt{
				{"Gewerbeanmeldung Wagner.pdf", "application/pdf", pdf, false},
				{"Personalausweis Rueckseite.jpg", "image/jpeg", []byte("JPEGDATA"), false},
			},
		},
		{
			file:    "forwarded.eml",
			from:    Address{"Sachbearbeitung Info", "info@gemeinde-musterhausen.example"},
			subject: "WG: Frage zur Meldebescheinigung",
			date:    "2026-11-09T10:00:00+01:00",
			text: []string{"Bitte übernehmen.", "Weitergeleitete Nachricht", "Von: Bürgerin Lisa Hoffmann <lisa@example.net>",
				"Betreff: Frage zur Meldebescheinigung", "Ich brauche eine Meldebescheinigung für den Arbeitgeber."},
			atts:  []wantAtt{{"Frage zur Meldebescheinigung.eml", "message/rfc822", nil, false}},
			notes: []string{"„Vollmacht.pdf“"},
		},
		{
			file:    "windows1252.eml",
			from:    Address{"Martin Koch", "m.koch@example.org"},
			subject: "Gebühr 80 €",
			date:    "2026-11-10T12:00:00+01:00",
			text:    []string{"Die Gebühr von 80 € habe ich „heute“ überwiesen."},
		},
		{
			file:    "iso885915.eml",
			from:    Address{"Sabine Richter", "s.richter@example.org"},
			subject: "Wohngeld",
			date:    "2026-11-11T09:30:00+01:00",
			text:    []string{"Meine Miete beträgt 650 € im Monat."},
		},
		{
			file:    "unknowncharset.eml",
			from:    Address{"Tom Vogel", "tom@example.org"},
			subject: "Anfrage",
			date:    "2026-11-12T15:00:00+01:00",
			text:    []string{"Bitte um Rückruf."},
			notes:   []string{"Zeichensatz „x-mac-klingon“ ist unbekannt"},
		},
		{
			file:    "nofrom.eml",
			subject: "Sperrmuell",
			date:    "2026-11-13T16:00:00+01:00",
			text:    []string{"Wann wird der Sperrmüll abgeholt?"},
			notes:   []string{"Absender (From) fehlt"},
		},
		{
			file:    "broken.eml",
			from:    Address{"Ute Frank", "ute@example.org"},
			subject: "Antrag abgebrochen",
			date:    "2026-11-14T10:00:00+01:00",
			text:    []string{"Der Anhang folgt."},
			atts:    []wantAtt{{"Antrag.pdf", "application/pdf", []byte("%PDF-1.4\n% Test"), false}},
			notes:   []string{"„Antrag.pdf“ ist unvollständig"},
		},
		{
			file:      "thirty.eml",
			from:      Address{"Verein Sportfreunde", "vorstand@example.com"},
			subject:   "Unterlagen Vereinsfest",
			date:      "2026-11-15T20:00:00+01:00",
			text:      []string{"Anbei alle 30 Unterlagen."},
			notInText: []string{"alert", "<b>"},
			atts:      thirty,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			sink := &memSink{}
			p := Parser{Sink: sink}
			m, err := p.Parse(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.From != tt.from {
				t.Errorf("From = %+v, want %+v", m.From, tt.from)
			}
			if m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			if got := dateString(m.Date); got != tt.date {
				t.Errorf("Date = %s, want %s", got, tt.date)
			}
			for _, s := range tt.text {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.notInText {
				if strings.Contains(m.Text, s) {
					t.Errorf("Text contains %q:\n%s", s, m.Text)
				}
			}
			if len(m.Attachments) != len(tt.atts) || len(sink.files) != len(tt.atts) {
				t.Fatalf("%d attachments (%d in sink), want %d: %+v", len(m.Attachments), len(sink.files), len(tt.atts), m.Attachments)
			}
			for i, w := range tt.atts {
				a := m.Attachments[i]
				got := sink.files[i].Bytes()
				if a.Name != w.name || a.MediaType != w.mediaType || a.Inline != w.inline {
					t.Errorf("attachment %d = %q %s inline=%v, want %q %s inline=%v", i, a.Name, a.MediaType, a.Inline, w.name, w.mediaType, w.inline)
				}
				if a.Size != int64(len(got)) || a.SHA256 != sum(got) {
					t.Errorf("attachment %d: size %d hash %s, sink holds %d bytes hash %s", i, a.Size, a.SHA256, len(got), sum(got))
				}
				if w.content != nil && !bytes.Equal(got, w.content) {
					t.Errorf("attachment %d content %q, want %q", i, got, w.content)
				}
			}
			if tt.notes == nil && len(m.Notes) > 0 {
				t.Errorf("unexpected notes: %q", m.Notes)
			}
			for _, n := range tt.notes {
				if !containsNote(m.Notes, n) {
					t.Errorf("no note with %q in %q", n, m.Notes)
				}
			}
			if tt.numbers != nil {
				got := FileNumbers(m.Subject, m.Text)
				if strings.Join(got, ",") != strings.Join(tt.numbers, ",") {
					t.Errorf("FileNumbers = %q, want %q", got, tt.numbers)
				}
			}
		})
	}
}

// The forwarded mail is kept byte for byte and parses on its own.
func TestParseForwardedKeepsEML(t *testing.T) {
	raw, err := os.ReadFile("testdata/forwarded.eml")
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	if _, err := (&Parser{Sink: sink}).Parse(bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	eml := sink.files[0].Bytes()
	start := bytes.Index(raw, []byte("From: =?utf-8?q?B=C3=BCrgerin"))
	end := bytes.Index(raw, []byte("\n--outer--"))
	if !bytes.Equal(eml, raw[start:end]) {
		t.Fatalf(".eml differs from the forwarded part:\n%s", eml)
	}
	inner, err := Parse(bytes.NewReader(eml))
	if err != nil {
		t.Fatal(err)
	}
	if len(inner.Attachments) != 1 || inner.Attachments[0].Name != "Vollmacht.pdf" || inner.Attachments[0].SHA256 != sum(pdf) {
		t.Fatalf("inner attachments: %+v", inner.Attachments)
	}
}

func TestParseUnreadable(t *testing.T) {
	for _, raw := range []string{
		"",
		"no header line at all",
		"From: a@b\nSubject: x\n" + strings.Repeat("X-Long: "+strings.Repeat("a", 1000)+"\n", 1100),
	} {
		if m, err := Parse(strings.NewReader(raw)); err == nil && raw != "" {
			t.Errorf("Parse(%.20q) = %+v, want error", raw, m)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	in := `<html><head><title>T</title><style>.x{}</style></head><body>
<h1>Antrag</h1><p>Sehr  geehrte
Damen,</p><table><tr><td>Name</td><td>Weber</td></tr><tr><td>Ort</td><td>Kiel</td></tr></table>
<p>Siehe <a href="https://example.org/x">Formular</a>&nbsp;&amp; mehr&euro;</p><script>var a=1;</script>
<ul><li>eins</li><li>zwei</li></ul>Ende</body></html>`
	var b strings.Builder
	if htmlToText(&b, strings.NewReader(in), 1<<20) {
		t.Fatal("cut")
	}
	want := "Antrag\n\nSehr geehrte Damen,\n\nName Weber\nOrt Kiel\n\nSiehe Formular (https://example.org/x) & mehr€\n\n- eins\n- zwei\n\nEnde"
	if got := strings.TrimSpace(b.String()); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestFileNumbers(t *testing.T) {
	got := FileNumbers("AW: BAU-2026-0042-A7 und xBAU-2026-0001-A1", "(GEW-2025-0003-B12), BAU-2026-0042-A7; HST-2026-12-A1 WOG-2026-0004-A7-X")
	want := "BAU-2026-0042-A7,GEW-2025-0003-B12"
	if strings.Join(got, ",") != want {
		t.Errorf("got %q, want %s", got, want)
	}
}

// A long mail is cut with a note, not held whole in memory.
func TestParseTextLimit(t *testing.T) {
	raw := "From: a@example.org\nSubject: lang\nDate: Mon, 2 Nov 2026 09:15:42 +0000\n\n" + strings.Repeat("Zeile mit Text\n", 10000)
	m, err := (&Parser{MaxText: 1000}).Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Text) > 1000 || !containsNote(m.Notes, "gekürzt") {
		t.Fatalf("len %d, notes %q", len(m.Text), m.Notes)
	}
}

func TestParseLarge(t *testing.T) {
	for _, mb := range []int{10, 50} {
		t.Run(fmt.Sprintf("%dMB", mb), func(t *testing.T) {
			path, content := largeMail(t, mb<<20)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sink := &FileSink{Dir: t.TempDir()}
			defer sink.Remove()

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			peak := watchHeap()
			m, err := (&Parser{Sink: sink}).Parse(f)
			growth := peak() - before.HeapAlloc
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].Size != int64(len(content)) || m.Attachments[0].SHA256 != sum(content) {
				t.Fatalf("attachments %+v", m.Attachments)
			}
			got, err := os.ReadFile(sink.Files[0])
			if err != nil || !bytes.Equal(got, content) {
				t.Fatalf("sink file differs (err %v)", err)
			}
			t.Logf("heap peak growth %d KiB, allocated %d MiB in total", growth>>10, (after.TotalAlloc-before.TotalAlloc)>>20)
			if growth > 16<<20 {
				t.Errorf("heap grew by %d MiB while parsing a %d MiB mail", growth>>20, mb)
			}
		})
	}
}

// watchHeap samples the live heap until the returned func is called, which returns
// the highest value seen.
func watchHeap() func() uint64 {
	stop := make(chan struct{})
	res := make(chan uint64)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				res <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-res }
}

// largeMail writes a mail with one base64 attachment of n pseudo-random bytes.
func largeMail(t *testing.T, n int) (string, []byte) {
	t.Helper()
	content := make([]byte, n)
	rand.NewChaCha8([32]byte{1}).Read(content)
	path := filepath.Join(t.TempDir(), "large.eml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := bufio.NewWriter(f)
	b.WriteString("From: Bauamt Test <bau@example.org>\r\nSubject: Pläne\r\nDate: Mon, 2 Nov 2026 09:15:42 +0000\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nPläne anbei.\r\n--B\r\n" +
		"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"plan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := make([]byte, base64.StdEncoding.EncodedLen(57))
	for i := 0; i < len(content); i += 57 {
		line := content[i:min(i+57, len(content))]
		n := base64.StdEncoding.EncodedLen(len(line))
		base64.StdEncoding.Encode(enc[:n], line)
		b.Write(enc[:n])
		b.WriteString("\r\n")
	}
	b.WriteString("--B--\r\n")
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	return path, content
}

func dateString(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.RFC3339)
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func containsNote(notes []string, s string) bool {
	for _, n := range notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		sink := &memSink{}
		m, err := (&Parser{Sink: sink, MaxText: 64 << 10}).Parse(bytes.NewReader(raw))
		if err != nil {
			if m != nil {
				t.Fatal("message and error")
			}
			return
		}
		if len(m.Attachments) != len(sink.files) {
			t.Fatalf("%d attachments, %d in sink", len(m.Attachments), len(sink.files))
		}
		for i, a := range m.Attachments {
			if a.Name == "" || strings.ContainsAny(a.Name, "/\\\x00") || a.SHA256 != sum(sink.files[i].Bytes()) {
				t.Fatalf("attachment %d: %+v", i, a)
			}
		}
		if !utf8Valid(m.Text, m.Subject, m.From.Name, m.From.Address) {
			t.Fatal("invalid UTF-8 in result")
		}
	})
}

func utf8Valid(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// TestParseAttachmentNames: the names senders give attachments go through
// model.CleanFileName; a name with nothing usable left gets the parser's own name
// and a note. Regression for finding 8 of issue 11: "gnp.\u202eexe.pdf" showed as a
// picture named "...fdp.exe".
func TestParseAttachmentNames(t *testing.T) {
	part := func(disposition string) string {
		return "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: " + disposition +
			"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(pdf) + "\r\n"
	}
	raw := "From: a@example.org\r\nSubject: Namen\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnbei.\r\n" +
		part("attachment; filename=\"=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte("gnp.\u202eexe.pdf"))+"?=\"") +
		part("attachment; filename*=UTF-8''%E2%80%AEfdp.exe%E2%81%A6Bild.pdf") +
		part(`attachment; filename="../../Windows/System32/CON.pdf"`) +
		part(`attachment; filename="Bescheid: Müller?.pdf "`) +
		part("attachment; filename=\"=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte("\u200b\u202e . "))+"?=\"") +
		"--b--\r\n"
	m, err := Parse(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"gnp.exe.pdf", "fdp.exeBild.pdf", "_CON.pdf", "Bescheid_ Müller_.pdf", "Anhang-5.pdf"}
	if len(m.Attachments) != len(want) {
		t.Fatalf("%d attachments: %+v", len(m.Attachments), m.Attachments)
	}
	for i, a := range m.Attachments {
		if a.Name != want[i] {
			t.Errorf("attachment %d named %q, want %q", i+1, a.Name, want[i])
		}
	}
	if !strings.Contains(strings.Join(m.Notes, "\n"), "„Anhang-5.pdf“") {
		t.Errorf("no note on the unreadable name: %q", m.Notes)
	}
}
