package app

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/sign"
	"github.com/ozgcloud/desktop/store"
)

// decisionApp returns an app with the demo clerks and municipality (with its
// address), the current clerk Sachbearbeitung, and one case in work held by that clerk.
func decisionApp(t *testing.T) (*App, *fakeRuntime, CaseDetail) {
	t.Helper()
	a, rt := newApp(t, 0)
	seedClerks(t, a)
	m := demo.Musterhausen()
	if err := a.db.SetMunicipality(store.Municipality{Name: m.Name, Tenant: m.Tenant, OrgUnit: m.OrgUnit, OrgUnitName: m.OrgUnitName,
		Street: m.Street, PostalCode: m.PostalCode, City: m.City, Demo: true}); err != nil {
		t.Fatal(err)
	}
	// The demo key, as demo.Seed makes it.
	if err := demo.SeedKey(a.db, m.Name, now); err != nil {
		t.Fatal(err)
	}
	d := mustCase(t, a, postInput)
	for _, step := range []func() (CaseDetail, error){
		func() (CaseDetail, error) { return a.Transition(d.ID, "annehmen", "") },
		func() (CaseDetail, error) { return a.Transition(d.ID, "bearbeiten", "") },
		func() (CaseDetail, error) { return a.Assign(d.ID, a.current().ID) },
	} {
		var err error
		if d, err = step(); err != nil {
			t.Fatal(err)
		}
	}
	return a, rt, d
}

type certOpts struct {
	notBefore, notAfter time.Time
	usage               x509.KeyUsage
}

func goodCert() certOpts {
	return certOpts{now.AddDate(-1, 0, 0), now.AddDate(2, 0, 0), x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
}

// testP12 makes a PKCS#12 file with a throw-away CA and a seal certificate, as the
// sign tests do.
func testP12(t *testing.T, key crypto.Signer, o certOpts, password string) []byte {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test-CA Musterhausen"},
		NotBefore: now.AddDate(-2, 0, 0), NotAfter: now.AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "Bürgerbüro Musterhausen", Organization: []string{"Gemeinde Musterhausen"}},
		NotBefore:    o.notBefore, NotAfter: o.notAfter, KeyUsage: o.usage,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	p12, err := pkcs12.Modern.Encode(key, leaf, []*x509.Certificate{ca}, password)
	if err != nil {
		t.Fatal(err)
	}
	return p12
}

// useKeyFile makes the p12 the office's key, as the administration would.
func useKeyFile(t *testing.T, a *App, rt *fakeRuntime, p12 []byte, tsa string) {
	t.Helper()
	me := a.current().ID
	p := filepath.Join(t.TempDir(), "siegel.p12")
	if err := os.WriteFile(p, p12, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	rt.files = []string{p}
	v, err := a.ChooseSigningKeyFile()
	if err != nil || v.Kind != keyKindPKCS12 || v.FileName != "siegel.p12" || v.Demo {
		t.Fatalf("ChooseSigningKeyFile = %+v, %v", v, err)
	}
	if v, err = a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS12, TSAURL: tsa}); err != nil || v.TSAURL != tsa {
		t.Fatalf("SaveSigningKey = %+v, %v", v, err)
	}
	if _, err := a.SwitchClerk(me); err != nil {
		t.Fatal(err)
	}
}

func blobCount(t *testing.T, a *App) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(a.dataDir, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func setValue(d *DecisionDraft, name, value string) {
	for i := range d.Values {
		if d.Values[i].Name == name {
			d.Values[i].Value = value
		}
	}
}

func TestDecisionCreatePreviewSign(t *testing.T) {
	a, rt, c := decisionApp(t)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	useKeyFile(t, a, rt, testP12(t, key, goodCert(), "geheim"), "")

	st, err := a.DecisionEditor(c.ID)
	if err != nil || !st.MayDecide || len(st.Templates) != 4 || st.Draft.TemplateID != "" || st.Key.SecretLabel != "Passwort" {
		t.Fatalf("DecisionEditor = %+v, %v", st, err)
	}
	if st.Key.Label != "PKCS#12-Datei (fortgeschrittenes Siegel)" {
		t.Errorf("key label %q", st.Key.Label)
	}
	d, err := a.StartDecision(c.ID, "ablehnung")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Values) != 1 || d.Values[0].Name != "ablehnungsgrund" || d.Fee || len(d.Blocks) == 0 {
		t.Fatalf("draft %+v", d)
	}

	// A placeholder without a value: the preview says what is missing, and signing
	// refuses with the same German sentence and stores nothing.
	p, err := a.UpdateDecisionDraft(d)
	if err != nil || p.PDF != "" || p.Field != "value:ablehnungsgrund" || !strings.Contains(p.Problem, "Grund der Ablehnung") {
		t.Fatalf("preview without value = %+v, %v", p, err)
	}
	blobs := blobCount(t, a)
	_, err = previewAndSign(a, d, "geheim")
	if e := uiError(t, err); e.Code != CodeInvalid || e.Fields["value:ablehnungsgrund"] == "" || !strings.Contains(e.Message, "nichts unterschrieben") {
		t.Fatalf("sign without value: %+v", e)
	}

	setValue(&d, "ablehnungsgrund", "Der Hund ist bereits unter einem anderen Aktenzeichen angemeldet.")
	d.Blocks[3].Text += "\n\nErgänzung der Sachbearbeitung: Die Unterlagen lagen vollständig vor."
	start := time.Now()
	p, err = a.UpdateDecisionDraft(d)
	if err != nil || p.Problem != "" || p.Pages < 1 || len(p.VerificationCode) != 19 {
		t.Fatalf("preview = %+v, %v", p.Problem, err)
	}
	first := time.Since(start)
	start = time.Now()
	if p2, err := a.UpdateDecisionDraft(d); err != nil || p2.PDF == "" {
		t.Fatal(err)
	}
	t.Logf("preview (keep the draft with fsync, fill, render): first %v, then %v", first, time.Since(start))
	pdf, _ := base64.StdEncoding.DecodeString(p.PDF)
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatal("preview is no PDF")
	}

	// The draft survives leaving the editor.
	st, _ = a.DecisionEditor(c.ID)
	if st.Draft.TemplateID != "ablehnung" || !strings.Contains(st.Draft.Blocks[3].Text, "Ergänzung") || st.Draft.Values[0].Value == "" {
		t.Fatalf("draft not kept: %+v", st.Draft)
	}

	// Wrong password: a German message naming the cause, nothing signed, nothing stored.
	_, err = previewAndSign(a, d, "falsch")
	if e := uiError(t, err); e.Code != CodeInvalid || !strings.Contains(e.Message, "Passwort") || e.Fields["secret"] == "" {
		t.Fatalf("wrong password: %+v", e)
	}
	if got := blobCount(t, a); got != blobs {
		t.Fatalf("blobs %d after refused signing, want %d", got, blobs)
	}
	if cd, _ := a.GetCase(c.ID); len(cd.Decisions) != 0 {
		t.Fatalf("decision recorded after refused signing: %+v", cd.Decisions)
	}
	// Bescheiden still needs a signed decision.
	if _, err := a.Transition(c.ID, "bescheiden", ""); uiError(t, err).Code != CodeNotAllowed {
		t.Fatal("bescheiden allowed without a signed decision")
	}

	res, err := previewAndSign(a, d, "geheim")
	if err != nil {
		t.Fatal(err)
	}
	if res.Timestamped || !strings.Contains(res.Notice, "unterschrieben") || res.VerificationCode != p.VerificationCode {
		t.Errorf("result %+v (preview code %s)", res, p.VerificationCode)
	}
	if len(res.Case.Decisions) != 1 || !res.Case.Decisions[0].Signed || res.Case.Decisions[0].Document == nil {
		t.Fatalf("decisions %+v", res.Case.Decisions)
	}
	dv := res.Case.Decisions[0]
	if dv.Title != "Ablehnung" || !strings.Contains(dv.Document.Name, res.VerificationCode) {
		t.Errorf("decision view %+v", dv)
	}
	stored, err := a.db.Case(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	info := stored.Decisions[0]
	if info.SignedAt == nil || info.Template != "ablehnung" || info.CreatedBy != demo.ClerkSachbearbeitung1 ||
		info.VerificationCode != res.VerificationCode {
		t.Errorf("stored decision %+v", info)
	}
	path, err := a.db.BlobPath(info.Document.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	signed, _ := os.ReadFile(path)
	sum := sha256.Sum256(signed)
	if hex.EncodeToString(sum[:]) != info.Document.SHA256 || int64(len(signed)) != info.Document.Size {
		t.Fatal("blob does not match the decision's hash and size")
	}
	infos, err := sign.Verify(signed)
	if err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].WholeDocument || infos[0].SignerName != "Bürgerbüro Musterhausen" {
		t.Fatalf("Verify = %+v, %v", infos, err)
	}
	// The signed letter is the previewed one plus the signature.
	if !strings.HasPrefix(string(signed), string(pdf[:len(pdf)-200])) {
		t.Error("signed PDF does not start with the previewed letter")
	}
	check, err := a.CheckSignature(c.ID, info.Document.ID)
	if err != nil || len(check.Signatures) != 1 || !check.Signatures[0].Valid {
		t.Fatalf("CheckSignature = %+v, %v", check, err)
	}
	if st, _ = a.DecisionEditor(c.ID); st.Draft.TemplateID != "" {
		t.Error("draft kept after signing")
	}
	if _, err := a.db.Draft(a.current().ID, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the signed draft is still stored: %v", err)
	}
	cd, err := a.Transition(c.ID, "bescheiden", "")
	if err != nil || cd.Status != "BESCHIEDEN" {
		t.Fatalf("bescheiden = %s, %v", cd.Status, err)
	}
	if st, _ = a.DecisionEditor(c.ID); st.MayDecide || !strings.Contains(st.Reason, "Wiedereröffnen") {
		t.Errorf("editor of a decided case: %+v", st)
	}

	// A correction: reopen, a new decision supersedes the old; both stay visible.
	if _, err := a.Transition(c.ID, "wiedereroeffnen", ""); err != nil {
		t.Fatal(err)
	}
	st, _ = a.DecisionEditor(c.ID)
	if !strings.Contains(st.Supersedes, "Ablehnung") {
		t.Errorf("editor does not say what the new decision replaces: %q", st.Supersedes)
	}
	d, err = a.StartDecision(c.ID, "bewilligung")
	if err != nil || d.Supersedes != info.ID || !d.Fee {
		t.Fatalf("correction draft %+v, %v", d, err)
	}
	p, _ = a.UpdateDecisionDraft(d)
	if p.Field != "feeAmount" {
		t.Errorf("fee amount not asked for: %+v", p)
	}
	d.FeeAmount = "1.234,5"
	if p, _ = a.UpdateDecisionDraft(d); p.Field != "fee" || !strings.Contains(p.Problem, "Bankverbindung") {
		t.Errorf("missing bank details: %+v", p)
	}
	d.Fee = false
	if p, _ = a.UpdateDecisionDraft(d); p.Problem != "" {
		t.Fatalf("without fee: %s", p.Problem)
	}
	res, err = previewAndSign(a, d, "geheim")
	if err != nil {
		t.Fatal(err)
	}
	ds := res.Case.Decisions
	if len(ds) != 2 || ds[0].SupersededBy != ds[1].ID || ds[1].SupersededBy != "" || ds[1].Title != "Änderungsbescheid: Bewilligung" {
		t.Fatalf("after correction: %+v", ds)
	}
	if cd, err := a.Transition(c.ID, "bescheiden", ""); err != nil || cd.Status != "BESCHIEDEN" {
		t.Fatalf("bescheiden after correction: %v", err)
	}
}

func TestDecisionKeyProblems(t *testing.T) {
	a, rt, c := decisionApp(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	d, err := a.StartDecision(c.ID, "bewilligung")
	if err != nil {
		t.Fatal(err)
	}
	d.Fee = false
	good := goodCert()
	expired, notYet, usage := good, good, good
	expired.notAfter = now.AddDate(0, 0, -1)
	notYet.notBefore = now.AddDate(0, 0, 1)
	usage.usage = x509.KeyUsageKeyEncipherment
	for _, tt := range []struct {
		name string
		o    certOpts
		want string
	}{
		{"expired", expired, "abgelaufen"},
		{"not yet valid", notYet, "noch nicht gültig"},
		{"key usage", usage, "Schlüsselverwendung"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			useKeyFile(t, a, rt, testP12(t, key, tt.o, "geheim"), "")
			before := blobCount(t, a)
			_, err := previewAndSign(a, d, "geheim")
			if e := uiError(t, err); !strings.Contains(e.Message, tt.want) || !strings.Contains(e.Message, "nichts gespeichert") {
				t.Fatalf("message %q, want %q", e.Message, tt.want)
			}
			if blobCount(t, a) != before {
				t.Error("a blob was stored")
			}
			v, err := a.TestSigningKey("geheim")
			if e := uiError(t, err); err == nil || !strings.Contains(e.Message, tt.want) {
				t.Errorf("TestSigningKey = %+v, %v", v, err)
			}
		})
	}
	if cd, _ := a.GetCase(c.ID); len(cd.Decisions) != 0 {
		t.Fatalf("decisions stored: %+v", cd.Decisions)
	}

	// Offline: a configured timestamp service that does not answer; the decision is
	// signed without a timestamp, and the clerk is told so.
	useKeyFile(t, a, rt, testP12(t, key, good, "geheim"), "http://127.0.0.1:1/tsa")
	v, err := a.TestSigningKey("geheim")
	if err != nil || v.Subject != "Bürgerbüro Musterhausen (Gemeinde Musterhausen)" || v.KeyType != "ECDSA P-256" || v.ValidUntil == "" {
		t.Fatalf("TestSigningKey = %+v, %v", v, err)
	}
	res, err := previewAndSign(a, d, "geheim")
	if err != nil {
		t.Fatal(err)
	}
	if res.Timestamped || !strings.Contains(res.Notice, "ohne Zeitstempel") {
		t.Errorf("offline result %+v", res)
	}
}

func TestDemoKeyAndKeyAdministration(t *testing.T) {
	a, rt, c := decisionApp(t)
	v, err := a.SigningKey()
	if err != nil || !v.Demo || v.Kind != keyKindPKCS12 || v.DemoPassword != demo.KeyPassword || v.MayEdit {
		t.Fatalf("demo key %+v, %v", v, err)
	}
	d, _ := a.StartDecision(c.ID, "gebuehrenbescheid")
	if !d.Fee {
		t.Fatal("Gebührenbescheid without fee")
	}
	st, _ := a.DecisionEditor(c.ID)
	for _, tv := range st.Templates {
		if tv.ID == "gebuehrenbescheid" && !tv.FeeRequired || tv.ID == "ablehnung" && tv.HasFee {
			t.Errorf("template %+v", tv)
		}
	}
	if _, err := a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS11, Module: "/x.so", TokenLabel: "R"}); uiError(t, err).Code != CodeNotAllowed {
		t.Error("Sachbearbeitung may configure the key")
	}
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	_, err = a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS11, Module: "libsofthsm2.so", TSAURL: "ftp://x"})
	e := uiError(t, err)
	if e.Code != CodeInvalid || e.Fields["module"] == "" || e.Fields["tokenLabel"] == "" || e.Fields["tsaUrl"] == "" {
		t.Fatalf("field errors %+v", e)
	}
	notKey := filepath.Join(t.TempDir(), "brief.p12")
	os.WriteFile(notKey, []byte("%PDF-1.4 kein Schlüssel"), 0o600)
	rt.files = []string{notKey}
	if _, err := a.ChooseSigningKeyFile(); !strings.Contains(uiError(t, err).Message, "keine lesbare PKCS#12") {
		t.Errorf("not a key file: %v", err)
	}
	if v, _ := a.SigningKey(); !v.Demo {
		t.Error("a refused file changed the key")
	}
	v, err = a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS11, Module: "/usr/lib/softhsm/libsofthsm2.so", TokenLabel: "Rathaus"})
	if err != nil || v.Kind != keyKindPKCS11 || v.Demo || v.SecretLabel != "PIN" || v.Label != "Token (qualifiziertes Siegel möglich)" {
		t.Fatalf("token %+v, %v", v, err)
	}
	// Back to the file: it is still the demo key, and still says so.
	if v, err = a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS12}); err != nil || !v.Demo || v.DemoPassword != demo.KeyPassword {
		t.Fatalf("back to the demo file: %+v, %v", v, err)
	}
}

func TestDecisionRules(t *testing.T) {
	a, _, c := decisionApp(t)
	other := mustCase(t, a, postInput)
	if _, err := a.StartDecision(other.ID, "bewilligung"); uiError(t, err).Code != CodeNotAllowed {
		t.Error("decision for a new case")
	}
	if _, err := a.StartDecision(c.ID, "gibtsnicht"); uiError(t, err).Code != CodeInvalid {
		t.Error("unknown template")
	}
	d, err := a.StartDecision(c.ID, "bewilligung")
	if err != nil {
		t.Fatal(err)
	}
	// A placeholder the case cannot fill names itself and its block.
	d.Fee = false
	d.Blocks[3].Text += " {{form.chipnummer}}"
	p, err := a.UpdateDecisionDraft(d)
	if err != nil || p.Field != "block:3" || !strings.Contains(p.Problem, "{{form.chipnummer}}") {
		t.Fatalf("preview = %+v, %v", p, err)
	}
	// A new placeholder in the text becomes a value to type.
	d.Blocks[3].Text = strings.ReplaceAll(d.Blocks[3].Text, "{{form.chipnummer}}", "{{auflage}}")
	p, _ = a.UpdateDecisionDraft(d)
	if p.Field != "value:auflage" {
		t.Fatalf("new placeholder: %+v", p)
	}
	for in, want := range map[string]int64{"25": 2500, "25,5": 2550, "1.234,50 €": 123450, "0": -1, "abc": -1, "1,234": -1} {
		got, ok := parseEuro(in)
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("parseEuro(%q) = %d, want %d", in, got, want)
		}
	}
	// Drafts are per case; another clerk holding the case may not sign it.
	if _, err := a.Assign(c.ID, demo.ClerkSachbearbeitung2); err != nil {
		t.Fatal(err)
	}
	if _, err := previewAndSign(a, d, demo.KeyPassword); uiError(t, err).Code != CodeNotAllowed {
		t.Error("signed a case held by someone else")
	}
	if err := a.DiscardDecisionDraft(c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Draft(a.current().ID, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a discarded draft is still stored: %v", err)
	}
	if st, _ := a.DecisionEditor(c.ID); st.Draft.TemplateID != "" || st.MayDecide {
		t.Errorf("after discard and reassignment: %+v", st)
	}
}

// previewAndSign signs d as the editor does: it shows the preview, then signs that
// preview (whatever UpdateDecisionDraft answers, SignDecision decides).
func previewAndSign(a *App, d DecisionDraft, secret string) (SignResult, error) {
	p, _ := a.UpdateDecisionDraft(d)
	return a.SignDecision(d, p.ID, secret)
}
