package sign

import (
	"os/exec"
	"strings"
	"testing"
)

var preflightJars = []string{"preflight.jar", "pdfbox2.jar", "fontbox2.jar", "xmpbox.jar", "commons-logging.jar", "javax.activation.jar", "jaxb-api.jar"}

// preflightErrors runs Apache PDFBox Preflight (PDF/A-1b) and returns its error lines.
func preflightErrors(t *testing.T, pdf []byte) map[string]bool {
	t.Helper()
	java := needTool(t, "java", "default-jre-headless")
	cp := make([]string, len(preflightJars))
	for i, j := range preflightJars {
		cp[i] = "/usr/share/java/" + j
	}
	out, _ := exec.Command(java, "-cp", strings.Join(cp, ":"), "org.apache.pdfbox.preflight.Validator_A1b", writeTemp(t, "a.pdf", pdf)).CombinedOutput()
	if strings.Contains(string(out), "ClassNotFoundException") || strings.Contains(string(out), "Could not find or load main class") {
		t.Fatalf("PDFBox Preflight missing: install libpdfbox2-java libactivation-java libjaxb-api-java default-jre-headless\n%s", out)
	}
	errs := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		// Error lines look like "5.3.1 : Invalid field value ...".
		if i := strings.Index(l, " : "); i > 0 && i < 12 && l[0] >= '0' && l[0] <= '9' {
			errs[strings.TrimSuffix(l, " on page 1")] = true
		}
	}
	return errs
}

// The test documents are not PDF/A themselves (core fonts, no OutputIntent;
// decision/ makes real ones), so the check is that signing adds no PDF/A error.
func TestSignAddsNoPDFAErrors(t *testing.T) {
	pdf := testPDF(t, 2)
	signed, err := Sign(pdf, testSigner(t, "RSA 2048"), Options{Time: testNow, Reason: "Bescheid", Location: "Musterstadt"})
	if err != nil {
		t.Fatal(err)
	}
	before := preflightErrors(t, pdf)
	for e := range preflightErrors(t, signed) {
		if !before[e] {
			t.Errorf("signing added PDF/A-1b error: %s", e)
		}
	}
}
