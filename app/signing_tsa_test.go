package app

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/sign"
)

// opensslTSA is an RFC 3161 service on loopback that answers with `openssl ts -reply`,
// an implementation independent of ours, signed by a self-signed TSA certificate;
// it returns the service's URL and the certificate's PEM file.
func opensslTSA(t *testing.T) (string, string) {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatal("openssl not found: install openssl")
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// openssl wants the timeStamping extended key usage marked critical, which Go's
	// x509 does not write; openssl makes the TSA certificate itself.
	cert, keyFile := filepath.Join(dir, "tsa.crt"), filepath.Join(dir, "tsa.key")
	for _, args := range [][]string{
		{"ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyFile},
		{"req", "-new", "-x509", "-key", keyFile, "-subj", "/CN=Test-TSA Musterhausen", "-days", "30",
			"-addext", "extendedKeyUsage=critical,timeStamping", "-addext", "keyUsage=digitalSignature", "-out", cert},
	} {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	conf := write("tsa.cnf", []byte(strings.Join([]string{
		"[tsa]", "default_tsa = tsa1", "[tsa1]",
		"serial = " + filepath.Join(dir, "serial"), "signer_digest = sha256", "default_policy = 1.2.3.4.1",
		"digests = sha256, sha384", "accuracy = secs:1", "ess_cert_id_alg = sha256", "ess_cert_id_chain = no",
		"certs = " + cert, "",
	}, "\n")))
	write("serial", []byte("01\n"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, _ := io.ReadAll(r.Body)
		tmp, err := os.MkdirTemp(dir, "q")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		in, resp := filepath.Join(tmp, "q.tsq"), filepath.Join(tmp, "r.tsr")
		os.WriteFile(in, q, 0o600)
		msg, err := exec.Command(bin, "ts", "-reply", "-config", conf, "-queryfile", in,
			"-signer", cert, "-inkey", keyFile, "-out", resp).CombinedOutput()
		out, rerr := os.ReadFile(resp)
		if err != nil || rerr != nil {
			http.Error(w, string(msg), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, cert
}

// trustTSA makes the certificate file the timestamp service's, as the
// administration chooses it in the native dialog.
func trustTSA(t *testing.T, a *App, rt *fakeRuntime, certFile string) {
	t.Helper()
	me := a.current().ID
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	rt.files = []string{certFile}
	v, err := a.ChooseTSACertificate()
	if err != nil || v.TSARoots != filepath.Base(certFile) {
		t.Fatalf("ChooseTSACertificate = %+v, %v", v, err)
	}
	if _, err := a.SwitchClerk(me); err != nil {
		t.Fatal(err)
	}
}

func TestDecisionTimestampedWhenTSAReachable(t *testing.T) {
	a, rt, c := decisionApp(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tsa, cert := opensslTSA(t)
	useKeyFile(t, a, rt, testP12(t, key, goodCert(), "geheim"), tsa)
	trustTSA(t, a, rt, cert)
	res, pdf, infos, err := signBewilligung(t, a, c)
	if !res.Timestamped || !strings.Contains(res.Notice, "mit Zeitstempel") {
		t.Fatalf("result %+v", res)
	}
	if err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].Timestamped || !infos[0].TimestampValid {
		t.Fatalf("Verify = %+v, %v", infos, err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
}

// A timestamp whose signer does not chain to the TSA certificate the administration
// chose, or, with none chosen, to the system's roots, is refused: a man in the middle
// on the plain-HTTP connection can answer with a self-signed token, and the letter
// must not say "mit Zeitstempel" then (issue 17).
func TestDecisionSelfSignedTimestampRefused(t *testing.T) {
	for _, own := range []bool{false, true} {
		a, rt, c := decisionApp(t)
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tsa, _ := opensslTSA(t)
		useKeyFile(t, a, rt, testP12(t, key, goodCert(), "geheim"), tsa)
		if own {
			// The administration trusts another TSA: the answer's signer is not it.
			_, other := opensslTSA(t)
			trustTSA(t, a, rt, other)
		}
		res, _, infos, err := signBewilligung(t, a, c)
		if res.Timestamped || strings.Contains(res.Notice, "mit Zeitstempel") || res.Notice != msgSignedTimestampUntrusted {
			t.Fatalf("own TSA certificate %v: %+v", own, res)
		}
		if err != nil || len(infos) != 1 || !infos[0].Valid || infos[0].Timestamped {
			t.Fatalf("own TSA certificate %v: Verify = %+v, %v", own, infos, err)
		}
	}
}

// signBewilligung signs a grant without a fee for the case with the password
// "geheim" and returns the result, the stored PDF and what sign.Verify says of it.
func signBewilligung(t *testing.T, a *App, c CaseDetail) (SignResult, []byte, []sign.SignatureInfo, error) {
	t.Helper()
	d, err := a.StartDecision(c.ID, "bewilligung")
	if err != nil {
		t.Fatal(err)
	}
	d.Fee = false
	res, err := previewAndSign(a, d, "geheim")
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := a.db.Case(c.ID)
	p, _ := a.db.BlobPath(stored.Decisions[0].Document.SHA256)
	pdf, _ := os.ReadFile(p)
	infos, err := sign.Verify(pdf)
	return res, pdf, infos, err
}
