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

	"github.com/ozgcloud/desktop/sign"
)

// opensslTSA is an RFC 3161 service on loopback that answers with `openssl ts -reply`,
// an implementation independent of ours.
func opensslTSA(t *testing.T) string {
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
	return srv.URL
}

func TestDecisionTimestampedWhenTSAReachable(t *testing.T) {
	a, rt, c := decisionApp(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	useKeyFile(t, a, rt, testP12(t, key, goodCert(), "geheim"), opensslTSA(t))
	d, err := a.StartDecision(c.ID, "bewilligung")
	if err != nil {
		t.Fatal(err)
	}
	d.Fee = false
	res, err := a.SignDecision(d, "geheim")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Timestamped || !strings.Contains(res.Notice, "mit Zeitstempel") {
		t.Fatalf("result %+v", res)
	}
	stored, _ := a.db.Case(c.ID)
	p, _ := a.db.BlobPath(stored.Decisions[0].Document.SHA256)
	pdf, _ := os.ReadFile(p)
	infos, err := sign.Verify(pdf)
	if err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].Timestamped || !infos[0].TimestampValid {
		t.Fatalf("Verify = %+v, %v", infos, err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
}
