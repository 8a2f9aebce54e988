package app

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
)

// newAdminApp returns an app with the demo clerks whose current clerk is the
// administration.
func newAdminApp(t *testing.T) (*App, *fakeRuntime) {
	t.Helper()
	a, rt := newApp(t, 0)
	seedClerks(t, a)
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	return a, rt
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		img.Set(x, x/2, color.NRGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func goodLetterhead(t *testing.T) LetterheadForm {
	return LetterheadForm{
		Authority: "Gemeinde Musterhausen", Unit: "Ordnungsamt", Street: "Marktplatz 1", PostalCode: "24999", City: "Musterhausen",
		Phone: "04321 9876-0", Email: "rathaus@musterhausen.de", Website: "www.musterhausen.de",
		BankName: "Sparkasse Musterhausen", IBAN: "de02120300000000202051", BIC: "byladem1001",
		VerifyURL: "https://ozg-cloud.example/pruefen/", Logo: base64.StdEncoding.EncodeToString(testPNG(t)),
	}
}

func TestLetterSettingsOnlyForAdministration(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	if _, err := a.LetterSettings(); uiError(t, err).Code != CodeNotAllowed {
		t.Fatalf("a Sachbearbeitung clerk read the letter settings: %v", err)
	}
	if _, err := a.SaveLetterhead(goodLetterhead(t)); uiError(t, err).Code != CodeNotAllowed {
		t.Fatalf("a Sachbearbeitung clerk saved the letterhead: %v", err)
	}
}

func TestLetterSettingsRoundTrip(t *testing.T) {
	a, _ := newAdminApp(t)
	s, err := a.LetterSettings()
	if err != nil {
		t.Fatal(err)
	}
	if s.Letterhead.Authority != "Gemeinde Musterhausen" || len(s.Templates) != 4 || len(s.Remedies) != len(model.CaseTypes) {
		t.Fatalf("defaults: %+v", s.Letterhead)
	}
	// The shipped fee blocks need bank details the municipality does not have.
	if len(s.Problems) == 0 || !strings.Contains(strings.Join(s.Problems, " "), "{{iban}}") {
		t.Errorf("problems without bank details: %q", s.Problems)
	}

	s, err = a.SaveLetterhead(goodLetterhead(t))
	if err != nil {
		t.Fatal(err)
	}
	if s.Letterhead.IBAN != "DE02 1203 0000 0000 2020 51" || s.Letterhead.BIC != "BYLADEM1001" || s.Letterhead.Logo == "" {
		t.Errorf("saved letterhead %+v", s.Letterhead)
	}
	if len(s.Problems) != 0 {
		t.Errorf("problems with a full letterhead: %q", s.Problems)
	}

	tpl := s.Templates[1]
	tpl.Name = "Ablehnung (Ordnungsamt)"
	tpl.Blocks[len(tpl.Blocks)-2].Text += "\n\nMit Ihrem Einverständnis prüfen wir den Antrag erneut."
	s, err = a.SaveLetterTemplate(tpl)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Templates[1].Changed || s.Templates[1].Name != "Ablehnung (Ordnungsamt)" || s.Templates[0].Changed {
		t.Errorf("templates after save: %+v", s.Templates)
	}

	rem := s.Remedies[1] // BAU
	rem.Kind, rem.Body, rem.Address, rem.Period = "KLAGE", "Schleswig-Holsteinisches Verwaltungsgericht", "Brockdorff-Rantzau-Straße 13, 24837 Schleswig", ""
	if s, err = a.SaveLetterRemedy(rem); err != nil {
		t.Fatal(err)
	}
	if r := s.Remedies[1]; r.Default || r.Kind != "KLAGE" || r.Period != "eines Monats" {
		t.Errorf("remedy after save: %+v", r)
	}

	// A new App on the same store sees the same configuration.
	cfg, err := a.letterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Letterhead.IBAN != "DE02 1203 0000 0000 2020 51" || len(cfg.Letterhead.Logo) == 0 {
		t.Errorf("letterConfig letterhead %+v", cfg.Letterhead)
	}
	if tp, _ := cfg.template("ablehnung"); tp.Name != "Ablehnung (Ordnungsamt)" {
		t.Errorf("letterConfig template %q", tp.Name)
	}
	if r := cfg.Remedies["BAU"]; r.Kind != decision.RemedyKlage || r.Body != "Schleswig-Holsteinisches Verwaltungsgericht" {
		t.Errorf("letterConfig remedies %+v", cfg.Remedies)
	}
	if r := cfg.remedy("HUND"); r != nil {
		t.Errorf("HUND has no remedy saved, got %+v", r)
	}

	if s, err = a.ResetLetterTemplate("ablehnung"); err != nil || s.Templates[1].Changed || s.Templates[1].Name != "Ablehnung" {
		t.Errorf("reset template: %+v %v", s.Templates[1], err)
	}
	if s, err = a.ResetLetterRemedy("BAU"); err != nil || !s.Remedies[1].Default {
		t.Errorf("reset remedy: %+v %v", s.Remedies[1], err)
	}
}

func TestSaveLetterheadFieldErrors(t *testing.T) {
	a, _ := newAdminApp(t)
	bad := goodLetterhead(t)
	bad.Authority = " "
	bad.PostalCode = "1234"
	bad.IBAN = "DE03 1203 0000 0000 2020 51" // one check digit off
	bad.BIC = "BYLA"
	bad.Email = "rathaus"
	bad.VerifyURL = "ftp://x"
	_, err := a.SaveLetterhead(bad)
	e := uiError(t, err)
	for _, f := range []string{"authority", "postalCode", "iban", "bic", "email", "verifyUrl"} {
		if e.Fields[f] == "" {
			t.Errorf("no error for %s: %v", f, e.Fields)
		}
	}
	if !strings.Contains(e.Fields["iban"], "Prüfziffern") {
		t.Errorf("iban message %q", e.Fields["iban"])
	}
	if s, _ := a.LetterSettings(); s.Letterhead.IBAN != "" {
		t.Error("an invalid letterhead was saved")
	}
}

// TestCasePlaceholdersAreDecisions: the placeholders the administration is shown as
// filled from the case are exactly those decision.Fill fills (form fields aside).
func TestCasePlaceholdersAreDecisions(t *testing.T) {
	for _, p := range casePlaceholders {
		if !decision.FromCase(p.Name) && p.Name != "form.FELD" {
			t.Errorf("listed %q is not filled by decision.Fill", p.Name)
		}
	}
	for _, p := range clerkPlaceholders {
		if decision.FromCase(p.Name) {
			t.Errorf("%q is listed as typed by the clerk but filled from the case", p.Name)
		}
	}
	listed := map[string]bool{}
	for _, p := range casePlaceholders {
		listed[p.Name] = true
	}
	// A placeholder Fill fills but the list lacks would be shown as unknown.
	for _, name := range decision.FromCaseNames() {
		if !listed[name] {
			t.Errorf("%q is filled by decision.Fill but not listed", name)
		}
	}
}

func TestLogoMustBePNG(t *testing.T) {
	a, rt := newAdminApp(t)
	dir := t.TempDir()
	jpeg := filepath.Join(dir, "logo.jpg")
	if err := os.WriteFile(jpeg, []byte("\xff\xd8\xff\xe0 not a png"), 0o600); err != nil {
		t.Fatal(err)
	}
	rt.files = []string{jpeg}
	_, err := a.ChooseLetterLogo()
	if e := uiError(t, err); e.Message != "Das Logo ist keine PNG-Datei." || e.Fields["logo"] == "" {
		t.Errorf("not a png: %+v", e)
	}
	// A PNG signature with garbage after it is not a PNG either.
	broken := filepath.Join(dir, "kaputt.png")
	if err := os.WriteFile(broken, append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 40)...), 0o600); err != nil {
		t.Fatal(err)
	}
	rt.files = []string{broken}
	if _, err := a.ChooseLetterLogo(); uiError(t, err).Message != "Das Logo ist keine PNG-Datei." {
		t.Errorf("broken png: %v", err)
	}
	big := filepath.Join(dir, "gross.png")
	if err := os.WriteFile(big, make([]byte, maxLogoBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	rt.files = []string{big}
	if _, err := a.ChooseLetterLogo(); uiError(t, err).Code != CodeTooLarge {
		t.Errorf("big file: %v", err)
	}
	good := filepath.Join(dir, "wappen.png")
	if err := os.WriteFile(good, testPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	rt.files = []string{good}
	b64, err := a.ChooseLetterLogo()
	if err != nil || b64 == "" {
		t.Fatalf("good png: %q %v", b64, err)
	}
	rt.files = nil
	if b, err := a.ChooseLetterLogo(); err != nil || b != "" {
		t.Errorf("cancelled: %q %v", b, err)
	}
	f := goodLetterhead(t)
	f.Logo = base64.StdEncoding.EncodeToString([]byte("GIF89a"))
	if _, err := a.SaveLetterhead(f); uiError(t, err).Fields["logo"] != "Das Logo ist keine PNG-Datei." {
		t.Errorf("save with a gif: %v", err)
	}
}

func TestTemplatePlaceholderCheck(t *testing.T) {
	a, _ := newAdminApp(t)
	s, err := a.SaveLetterhead(goodLetterhead(t))
	if err != nil {
		t.Fatal(err)
	}
	tpl := s.Templates[0]
	tpl.Blocks[3].Text = "Sehr geehrte Frau {{antragsteler.name}}, Ihr Antrag {{form.betrieb}} ist vollständig."
	_, err = a.SaveLetterTemplate(tpl)
	e := uiError(t, err)
	if e.Code != CodeInvalid || !strings.Contains(e.Fields["blocks.3.text"], "{{antragsteler.name}}") || !strings.Contains(e.Message, "Schreibweise") {
		t.Errorf("typo: %+v", e)
	}
	// Form fields and the clerk's texts have values at decision time: not flagged.
	tpl.Blocks[3].Text = "Ihr Betrieb {{form.betrieb}}: {{bewilligt}} {{eingabe.auflagen}}"
	if _, err := a.SaveLetterTemplate(tpl); err != nil {
		t.Errorf("form field placeholder: %v", err)
	}
	tpl.Blocks = tpl.Blocks[:len(tpl.Blocks)-1] // without the remedy block
	if _, err := a.SaveLetterTemplate(tpl); !strings.Contains(uiError(t, err).Fields["blocks"], "{{rechtsbehelf}}") {
		t.Errorf("without remedy: %v", err)
	}
	tpl = s.Templates[0]
	tpl.Name = ""
	tpl.Blocks[2].Text = " "
	e = uiError(t, func() error { _, err := a.SaveLetterTemplate(tpl); return err }())
	if e.Fields["name"] == "" || e.Fields["blocks.2.text"] == "" {
		t.Errorf("empty name and block: %+v", e.Fields)
	}
	tpl = s.Templates[0]
	tpl.Blocks[2].Text = "Genehmigt \u263a"
	if e := uiError(t, func() error { _, err := a.SaveLetterTemplate(tpl); return err }()); !strings.Contains(e.Message, "kann im Bescheid nicht gedruckt werden") {
		t.Errorf("glyph: %+v", e)
	}
}

func TestRemedyFieldErrors(t *testing.T) {
	a, _ := newAdminApp(t)
	_, err := a.SaveLetterRemedy(RemedyForm{CaseType: "BAU", Kind: "KLAGE", Body: "Gemeinde Musterhausen"})
	e := uiError(t, err)
	if e.Fields["body"] == "" || e.Fields["address"] == "" {
		t.Errorf("klage at the municipality: %+v", e.Fields)
	}
	_, err = a.SaveLetterRemedy(RemedyForm{CaseType: "NIX", Kind: "BESCHWERDE"})
	if e := uiError(t, err); e.Fields["caseType"] == "" || e.Fields["kind"] == "" {
		t.Errorf("unknown type and kind: %+v", e.Fields)
	}
}

// TestRemedyReachesLetter saves a Klage for building applications and finds the
// court in the text of the rendered preview, and the default Widerspruch for another type.
func TestRemedyReachesLetter(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	a, _ := newAdminApp(t)
	s, err := a.SaveLetterhead(goodLetterhead(t))
	if err != nil {
		t.Fatal(err)
	}
	court := RemedyForm{CaseType: "BAU", Kind: "KLAGE", Body: "Schleswig-Holsteinisches Verwaltungsgericht", Address: "Brockdorff-Rantzau-Straße 13, 24837 Schleswig"}
	if s, err = a.SaveLetterRemedy(court); err != nil {
		t.Fatal(err)
	}
	var bau RemedyForm
	for _, r := range s.Remedies {
		if r.CaseType == "BAU" {
			bau = r
		}
	}
	p, err := a.PreviewLetter(LetterPreviewInput{Letterhead: s.Letterhead, Template: s.Templates[1], Remedy: bau})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, p.PDF)
	if !strings.Contains(text, "bei dem Schleswig-Holsteinischen Verwaltungsgericht") || !strings.Contains(text, "Klage") || p.Pages < 1 {
		t.Errorf("the court is not in the letter (%d pages):\n%s", p.Pages, text)
	}
	// The letter of the clerk's decision takes the same remedy from letterConfig.
	cfg, _ := a.letterConfig()
	if r := cfg.remedy("BAU"); r == nil || r.Body != "Schleswig-Holsteinisches Verwaltungsgericht" {
		t.Errorf("letterConfig remedy for BAU: %+v", r)
	}
	p, err = a.PreviewLetter(LetterPreviewInput{Letterhead: s.Letterhead, Template: s.Templates[1], Remedy: s.Remedies[2]})
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, p.PDF); !strings.Contains(text, "Widerspruch") || strings.Contains(text, "Verwaltungsgericht") {
		t.Errorf("HUND should have the default Widerspruch:\n%s", text)
	}
	// Unsaved edits show in the preview with field errors when wrong.
	s.Letterhead.IBAN = "DE00"
	if _, err := a.PreviewLetter(LetterPreviewInput{Letterhead: s.Letterhead, Template: s.Templates[0]}); uiError(t, err).Fields["iban"] == "" {
		t.Errorf("preview with a bad IBAN: %v", err)
	}
}

func pdfText(t *testing.T, b64 string) string {
	t.Helper()
	pdf, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "brief.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// A demo store makes fee decisions out of the box: its letterhead has the demo bank
// details until the administration saves its own.
func TestDemoLetterheadHasBankDetails(t *testing.T) {
	a, _ := newApp(t, 3)
	cfg, err := a.letterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Letterhead.IBAN == "" || cfg.Letterhead.BankName == "" || cfg.Letterhead.Phone == "" {
		t.Fatalf("demo letterhead without bank or contact: %+v", cfg.Letterhead)
	}
	b, _ := newApp(t, 0)
	cfg, err = b.letterConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Letterhead.IBAN != "" {
		t.Fatalf("a store that is not the demo got the demo's IBAN: %+v", cfg.Letterhead)
	}
}

// Wohngeld is free of charge (§ 64 SGB X): its sample letters carry no fee, and a
// template that sets one is refused for it in German, not with the package's error.
func TestWohngeldPreviewWithoutFee(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	a, _ := newAdminApp(t)
	s, err := a.SaveLetterhead(goodLetterhead(t))
	if err != nil {
		t.Fatal(err)
	}
	wohngeld := RemedyForm{CaseType: "WOHNGELD", Kind: "WIDERSPRUCH", Body: "Gemeinde Musterhausen", Address: "Rathausplatz 1, 24999 Musterhausen"}
	previewed, refused := 0, 0
	for _, tf := range s.Templates {
		p, err := a.PreviewLetter(LetterPreviewInput{Letterhead: s.Letterhead, Template: tf, Remedy: wohngeld})
		if tf.ID == "gebuehrenbescheid" {
			if e := uiError(t, err); e.Message != msgFeeNotAllowed {
				t.Errorf("a Gebührenbescheid for Wohngeld: %v", err)
			}
			refused++
			continue
		}
		if err != nil {
			t.Fatalf("template %s for Wohngeld: %v", tf.ID, err)
		}
		if text := pdfText(t, p.PDF); strings.Contains(text, "Gebühr") || strings.Contains(text, "Kosten des Verfahrens tragen Sie") {
			t.Errorf("template %s for Wohngeld sets a fee:\n%s", tf.ID, text)
		}
		previewed++
	}
	if previewed == 0 || refused != 1 {
		t.Errorf("previewed %d, refused %d templates", previewed, refused)
	}
}
