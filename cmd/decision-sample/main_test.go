package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/decision/sample"
	"github.com/ozgcloud/desktop/sign"
)

var preflightJars = []string{
	"preflight.jar", "pdfbox2.jar", "fontbox2.jar", "xmpbox.jar", "commons-logging.jar",
	"javax.activation.jar", "jaxb-api.jar",
}

func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s missing: install %s", name, pkg)
	}
	return p
}

// judge checks a signed letter with the external validators: pdfsig, qpdf and
// PDFBox Preflight (PDF/A-1b).
func judge(t *testing.T, out string) {
	t.Helper()
	tool(t, "pdfsig", "poppler-utils")
	tool(t, "pdftotext", "poppler-utils")
	tool(t, "qpdf", "qpdf")
	java := tool(t, "java", "default-jre-headless")
	var cp []string
	for _, j := range preflightJars {
		p := filepath.Join("/usr/share/java", j)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s missing: install libpdfbox2-java libactivation-java libjaxb-api-java", p)
		}
		cp = append(cp, p)
	}
	sig := output(t, "pdfsig", out)
	for _, want := range []string{"Signature is Valid.", "Total document signed", "ETSI.CAdES.detached"} {
		if !strings.Contains(sig, want) {
			t.Errorf("pdfsig lacks %q:\n%s", want, sig)
		}
	}
	if q := output(t, "qpdf", "--check", out); !strings.Contains(q, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check:\n%s", q)
	}
	pf, _ := exec.Command(java, "-cp", strings.Join(cp, ":"), "org.apache.pdfbox.preflight.Validator_A1b", out).CombinedOutput()
	if !strings.Contains(string(pf), "is a valid PDF/A-1b file") {
		t.Errorf("Preflight: the signed letter is not PDF/A-1b:\n%s", pf)
	}
}

func output(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil && name != "pdfsig" {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestSignedSampleDecision runs the sample as a clerk would and checks the signed
// letter with the external validators: pdfsig, qpdf, PDFBox Preflight (PDF/A-1b) and
// pdftotext; then changes one byte and expects both pdfsig and our verifier to see it.
func TestSignedSampleDecision(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bescheid.pdf")
	msg, err := run(options{out: out, template: "teilbewilligung", caseType: "SONDERNUTZUNG", land: "SH", seed: 1, now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "Wegwerf-Testzertifikat") {
		t.Errorf("the sample does not say its certificate is a throw-away one: %s", msg)
	}

	judge(t, out)
	text := output(t, "pdftotext", "-enc", "UTF-8", out, "-")
	for _, want := range []string{"Gemeinde Musterhausen", "Bürgerbüro", "Rechtsbehelfsbelehrung", "Mit freundlichen Grüßen", "45,50 €", "Seite 1 von"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}

	// One changed byte inside the signed range.
	pdf, _ := os.ReadFile(out)
	i := strings.Index(string(pdf), "Rechtsbehelfsbelehrung")
	if i < 0 {
		i = len(pdf) / 3
	}
	pdf[i] ^= 0x01
	bad := filepath.Join(dir, "verändert.pdf")
	os.WriteFile(bad, pdf, 0o600)
	if sig := output(t, "pdfsig", bad); strings.Contains(sig, "Signature is Valid.") {
		t.Errorf("pdfsig still says valid after a changed byte:\n%s", sig)
	}
	infos, err := sign.Verify(pdf)
	if err == nil && len(infos) > 0 && infos[0].Valid {
		t.Error("our verifier says valid after a changed byte")
	}
}

func TestRefusesUnknownTemplateAndWrongPassword(t *testing.T) {
	dir := t.TempDir()
	if _, err := run(options{out: filepath.Join(dir, "x.pdf"), template: "gibtsnicht", caseType: "BAU", land: "SH", seed: 1, now: time.Now()}); err == nil {
		t.Error("unknown template accepted")
	}
	p12, err := sample.ThrowAwayP12(time.Now(), "Test")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "k.p12")
	os.WriteFile(path, p12, 0o600)
	_, err = run(options{out: filepath.Join(dir, "y.pdf"), p12: path, password: "falsch", template: "bewilligung", caseType: "BAU", land: "SH", seed: 1, now: time.Now()})
	if !errors.Is(err, sign.ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "y.pdf")); err == nil {
		t.Error("a file was written although nothing was signed")
	}
}

// TestLandChoosesTheRemedy prints the same refusal in both Länder: Schleswig-Holstein
// keeps the Widerspruch, Bayern's building case goes to the court of the district.
func TestLandChoosesTheRemedy(t *testing.T) {
	tool(t, "pdftotext", "poppler-utils")
	dir := t.TempDir()
	p12, err := sample.ThrowAwayP12(time.Now(), "Test")
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "k.p12")
	os.WriteFile(key, p12, 0o600)
	o := options{p12: key, password: sample.P12Password, template: "ablehnung", caseType: "BAU", seed: 1, now: time.Now()}
	for land, want := range map[string]string{
		"SH": "Widerspruch erhoben werden",
		"by": "Klage bei dem Bayerischen Verwaltungsgericht Augsburg, Kornhausgasse 4, 86152 Augsburg",
	} {
		o.land, o.district, o.out = land, "Schwaben", filepath.Join(dir, land+".pdf")
		msg, err := run(o)
		if err != nil {
			t.Fatalf("%s: %v", land, err)
		}
		text := strings.Join(strings.Fields(strings.ReplaceAll(output(t, "pdftotext", o.out, "-"), "\u00a0", " ")), " ")
		if !strings.Contains(text, want) {
			t.Errorf("%s: the letter lacks %q (%s)", land, want, msg)
		}
		if land == "by" {
			judge(t, o.out)
		}
	}
	o.land = "NRW"
	if _, err := run(o); err == nil || !strings.Contains(err.Error(), "unbekanntes Land") {
		t.Errorf("unknown Land: %v", err)
	}
	o.land, o.caseType = "BY", "WOHNGELD"
	if _, err := run(o); !errors.Is(err, decision.ErrRemedyUnset) {
		t.Errorf("Bayern's Wohngeld has no default remedy, got %v", err)
	}
}

// benchLetter returns the shared two-page sample letter and an RSA-3072 key from a
// PKCS#12 file; cmd/bench-libreoffice converts the same letter with LibreOffice.
func benchLetter(b *testing.B) (decision.Letter, sign.Signer) {
	l, err := sample.Letter()
	if err != nil {
		b.Fatal(err)
	}
	k, err := sample.ThrowAwayKey(sample.Date, "Benchmark")
	if err != nil {
		b.Fatal(err)
	}
	return l, k
}

func signedLetter(b *testing.B, l decision.Letter, k sign.Signer) []byte {
	pdf, err := decision.Render(l, decision.RenderOptions{})
	if err != nil {
		b.Fatal(err)
	}
	out, err := sign.Sign(pdf, k, sign.Options{Time: l.Date, Name: "Gemeinde Musterhausen"})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkSignedLetter renders one two-page decision and signs it with RSA-3072 from
// PKCS#12, in memory (budget: 5 ms per op).
func BenchmarkSignedLetter(b *testing.B) {
	l, k := benchLetter(b)
	if out := signedLetter(b, l, k); !strings.Contains(string(out), "/Count 2") {
		b.Fatal("the benchmark letter is not two pages long")
	}
	b.ResetTimer()
	for b.Loop() {
		signedLetter(b, l, k)
	}
}

// BenchmarkBatch1000 makes 1,000 signed letters on all cores (budget: 5 s per op).
func BenchmarkBatch1000(b *testing.B) {
	l, k := benchLetter(b)
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		next := make(chan int)
		for range runtime.NumCPU() {
			wg.Go(func() {
				for range next {
					signedLetter(b, l, k)
				}
			})
		}
		for i := range 1000 {
			next <- i
		}
		close(next)
		wg.Wait()
	}
}
