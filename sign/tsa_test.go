package sign

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
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
// signed by a throw-away TSA certificate, at a fixed time.
type testTSA struct {
	key    *Key
	at     time.Time
	serial atomic.Int64
	fail   atomic.Bool
}

func newTestTSA(t testing.TB) (*testTSA, *httptest.Server) {
	t.Helper()
	k := testKey(t, "ECDSA P-384")
	ca := testKey(t, "ECDSA P-256")
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(77),
		Subject:      pkix.Name{CommonName: "Test-TSA", Organization: []string{"Gemeinde Musterstadt"}},
		NotBefore:    testNow.AddDate(-1, 0, 0),
		NotAfter:     testNow.AddDate(3, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), ca)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	tsa := &testTSA{key: &Key{key: k, chain: []*x509.Certificate{cert}}, at: testNow.Add(2 * time.Second)}
	srv := httptest.NewServer(tsa)
	t.Cleanup(srv.Close)
	return tsa, srv
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
		signed, err := Sign(pdf, testSigner(t, typ), Options{Time: testNow, TSA: &TSA{URL: srv.URL}})
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
	signed, err := Sign(pdf, k, Options{Time: testNow, TSA: &TSA{URL: srv.URL}})
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
	_, srv := newTestTSA(t)
	signed, err := Sign(testPDF(t, 1), testSigner(t, "ECDSA P-256"), Options{Time: testNow, TSA: wrongTSA{&TSA{URL: srv.URL}}})
	if err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(signed)
	if err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].Timestamped || infos[0].TimestampValid {
		t.Fatalf("Verify = %+v, %v", infos, err)
	}
}
