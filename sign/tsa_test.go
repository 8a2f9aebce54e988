package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// testTSA is a minimal RFC 3161 service: it answers every request with a token
// signed by a throw-away TSA certificate, at a fixed time. ca issued that
// certificate; the client is configured with it.
type testTSA struct {
	key    *Key
	ca     *x509.Certificate
	at     time.Time
	serial atomic.Int64
	fail   atomic.Bool
}

// tsaCert says how the fake TSA's certificate is made.
type tsaCert struct {
	selfSigned  bool // no CA: what a man in the middle hands out
	eku         []x509.ExtKeyUsage
	ekuCritical bool
	notAfter    time.Time
}

func goodTSACert() tsaCert {
	return tsaCert{eku: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, ekuCritical: true, notAfter: testNow.AddDate(3, 0, 0)}
}

func newTestTSA(t testing.TB) (*testTSA, *httptest.Server) {
	return newTestTSAWith(t, goodTSACert())
}

func newTestTSAWith(t testing.TB, o tsaCert) (*testTSA, *httptest.Server) {
	t.Helper()
	// Fresh keys (testKey keeps one per type): another CA must really be another.
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(76), Subject: pkix.Name{CommonName: "Test-TSA-CA"},
		NotBefore: testNow.AddDate(-2, 0, 0), NotAfter: testNow.AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(77),
		Subject:      pkix.Name{CommonName: "Test-TSA", Organization: []string{"Gemeinde Musterstadt"}},
		NotBefore:    testNow.AddDate(-1, 0, 0),
		NotAfter:     o.notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  o.eku,
	}
	if o.ekuCritical {
		// Go writes the extended key usage non-critical; RFC 3161 wants it critical.
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8})
		})
		tmpl.ExtraExtensions = []pkix.Extension{{Id: oidExtKeyUsage, Critical: true, Value: b.BytesOrPanic()}}
	}
	parent, signer := ca, crypto.Signer(caKey)
	if o.selfSigned {
		parent, signer = tmpl, k
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, k.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	tsa := &testTSA{key: &Key{key: k, chain: []*x509.Certificate{cert}}, ca: ca, at: testNow.Add(2 * time.Second)}
	srv := httptest.NewServer(tsa)
	t.Cleanup(srv.Close)
	return tsa, srv
}

// client returns a TSA client for srv that trusts tsa's CA, with the test clock.
func (tsa *testTSA) client(srv *httptest.Server) *TSA {
	roots := x509.NewCertPool()
	roots.AddCert(tsa.ca)
	return &TSA{URL: srv.URL, Roots: roots, Now: func() time.Time { return testNow }}
}

func (tsa *testTSA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if tsa.fail.Load() {
		http.Error(w, "kaputt", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	in := cryptobyte.String(body)
	var req, imprint cryptobyte.String
	var version int64
	nonce := new(big.Int)
	if !in.ReadASN1(&req, cbasn1.SEQUENCE) || !req.ReadASN1Integer(&version) || !req.ReadASN1Element(&imprint, cbasn1.SEQUENCE) || !req.ReadASN1Integer(nonce) {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	var tst cryptobyte.Builder
	tst.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1ObjectIdentifier([]int{1, 2, 3, 4, 1})
		b.AddBytes(imprint)
		b.AddASN1Int64(tsa.serial.Add(1))
		b.AddASN1GeneralizedTime(tsa.at)
		b.AddASN1BigInt(nonce)
	})
	content := tst.BytesOrPanic()
	h := crypto.SHA384.New()
	h.Write(content)
	token, err := buildSignedData(tsa.key, crypto.SHA384, cmsContent{contentType: oidTSTInfo, eContent: content, digest: h.Sum(nil)}, rand.Reader)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var resp cryptobyte.Builder
	resp.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1Int64(0) })
		b.AddBytes(token)
	})
	w.Header().Set("Content-Type", "application/timestamp-reply")
	w.Write(resp.BytesOrPanic())
}

func TestSignWithTimestamp(t *testing.T) {
	tsa, srv := newTestTSA(t)
	pdf := testPDF(t, 2)
	for _, typ := range []string{"RSA 3072", "ECDSA P-256"} {
		signed, err := Sign(pdf, testSigner(t, typ), Options{Time: testNow, TSA: tsa.client(srv)})
		if err != nil {
			t.Fatalf("%s: Sign: %v", typ, err)
		}
		infos, err := Verify(signed)
		if err != nil || len(infos) != 1 {
			t.Fatalf("Verify = %+v, %v", infos, err)
		}
		in := infos[0]
		if !in.Valid || !in.Timestamped || !in.TimestampValid || !in.TimestampTime.Equal(tsa.at) {
			t.Fatalf("%s: Verify = %+v", typ, in)
		}
		out := pdfsig(t, signed)
		if !strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Total document signed") {
			t.Fatalf("pdfsig:\n%s", out)
		}
		qpdfCheck(t, signed)
	}
}

func TestSignTimestampOffline(t *testing.T) {
	tsa, srv := newTestTSA(t)
	pdf := testPDF(t, 1)
	k := testSigner(t, "ECDSA P-256")

	tsa.fail.Store(true)
	signed, err := Sign(pdf, k, Options{Time: testNow, TSA: tsa.client(srv)})
	if !errors.Is(err, ErrTimestamp) || signed == nil {
		t.Fatalf("Sign with failing TSA = %d bytes, %v", len(signed), err)
	}
	infos, verr := Verify(signed)
	if verr != nil || len(infos) != 1 || !infos[0].Valid || infos[0].Timestamped {
		t.Fatalf("Verify = %+v, %v", infos, verr)
	}

	srv.Close() // unreachable
	signed, err = Sign(pdf, k, Options{Time: testNow, TSA: &TSA{URL: srv.URL, Client: &http.Client{Timeout: time.Second}}})
	if !errors.Is(err, ErrTimestamp) || signed == nil {
		t.Fatalf("Sign with closed TSA = %d bytes, %v", len(signed), err)
	}
	if out := pdfsig(t, signed); !strings.Contains(out, "Signature is Valid.") {
		t.Fatalf("pdfsig:\n%s", out)
	}
}

// A TSA answering for another digest must not be trusted.
type wrongTSA struct{ inner *TSA }

func (w wrongTSA) Timestamp(digest []byte, h crypto.Hash) ([]byte, error) {
	other := make([]byte, len(digest))
	return w.inner.Timestamp(other, h)
}

func TestTimestampForOtherDigestIsInvalid(t *testing.T) {
	tsa, srv := newTestTSA(t)
	signed, err := Sign(testPDF(t, 1), testSigner(t, "ECDSA P-256"), Options{Time: testNow, TSA: wrongTSA{tsa.client(srv)}})
	if err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(signed)
	if err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].Timestamped || infos[0].TimestampValid {
		t.Fatalf("Verify = %+v, %v", infos, err)
	}
}

// The timestamp comes over plain HTTP: whoever sits on the way can answer. Only a
// token from the configured TSA, for time stamping, valid then and near the
// clock, is taken; the letter then says "mit Zeitstempel".
func TestTimestampTrust(t *testing.T) {
	digest := make([]byte, 32)
	good, goodSrv := newTestTSA(t)
	if _, err := good.client(goodSrv).Timestamp(digest, crypto.SHA256); err != nil {
		t.Fatalf("configured CA: %v", err)
	}
	// The administrator may configure the TSA's own certificate instead of its CA.
	own := good.client(goodSrv)
	own.Roots = x509.NewCertPool()
	own.Roots.AddCert(good.key.chain[0])
	if _, err := own.Timestamp(digest, crypto.SHA256); err != nil {
		t.Fatalf("configured TSA certificate: %v", err)
	}

	selfSigned := goodTSACert()
	selfSigned.selfSigned = true
	noEKU := goodTSACert()
	noEKU.eku, noEKU.ekuCritical = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, false
	nonCritical := goodTSACert()
	nonCritical.ekuCritical = false
	expired := goodTSACert()
	expired.notAfter = testNow.Add(-time.Hour)
	for _, tc := range []struct {
		name  string
		cert  tsaCert
		at    time.Duration // token time after testNow
		roots bool          // trust the fake's own CA (not the configured one)
	}{
		{"self-signed answer", selfSigned, 2 * time.Second, false},
		{"other CA", goodTSACert(), 2 * time.Second, false},
		{"not for time stamping", noEKU, 2 * time.Second, true},
		{"extended key usage not critical", nonCritical, 2 * time.Second, true},
		{"certificate expired", expired, 2 * time.Second, true},
		{"time an hour ahead", goodTSACert(), time.Hour, true},
		{"time a day behind", goodTSACert(), -24 * time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, srv := newTestTSAWith(t, tc.cert)
			fake.at = testNow.Add(tc.at)
			c := good.client(goodSrv)
			c.URL = srv.URL
			if tc.roots {
				c = fake.client(srv)
			}
			token, err := c.Timestamp(digest, crypto.SHA256)
			if !errors.Is(err, ErrTSAUntrusted) || !errors.Is(err, ErrTimestamp) || token != nil {
				t.Fatalf("Timestamp = %d bytes, %v; want ErrTSAUntrusted", len(token), err)
			}
			// Signing goes on without the timestamp, and says so.
			signed, err := Sign(testPDF(t, 1), testSigner(t, "ECDSA P-256"), Options{Time: testNow, TSA: c})
			if !errors.Is(err, ErrTSAUntrusted) || signed == nil {
				t.Fatalf("Sign = %d bytes, %v", len(signed), err)
			}
			if infos, err := Verify(signed); err != nil || len(infos) != 1 || infos[0].Timestamped {
				t.Fatalf("Verify = %+v, %v", infos, err)
			}
		})
	}
}
