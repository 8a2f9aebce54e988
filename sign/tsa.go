package sign

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Timestamper gets an RFC 3161 timestamp token (a DER ContentInfo) for a digest.
type Timestamper interface {
	Timestamp(digest []byte, h crypto.Hash) ([]byte, error)
}

// TSA is an RFC 3161 timestamp service reached over HTTP. Its answers come over
// plain HTTP as a rule, so the token is checked, not the connection: signed by a
// certificate for time stamping (critical extended key usage timeStamping), valid
// at the token's time, that time within MaxSkew of the clock, and, when Roots is
// set, the certificate chaining to Roots.
type TSA struct {
	URL    string
	Client *http.Client // nil: a client with a 10 s timeout
	Rand   io.Reader    // for the nonce; nil: crypto/rand
	// Roots holds the TSA's own certificate or the CA that issues it, as the
	// administrator configured it. With Roots nil anyone on the way can answer
	// with a self-signed token that passes; set it (issue 17).
	Roots   *x509.CertPool
	Now     func() time.Time // the clock; nil: time.Now
	MaxSkew time.Duration    // 0: DefaultTSASkew
}

// DefaultTSASkew is how far a token's time may lie from the PC's clock.
const DefaultTSASkew = 5 * time.Minute

// ErrTSAUntrusted: the token verifies, but not against the configured TSA
// certificate or CA, or its certificate is not for time stamping or not valid
// then, or its time is far from the clock. It wraps ErrTimestamp too.
var ErrTSAUntrusted = fmt.Errorf("%w: TSA not trusted", ErrTimestamp)

var _ Timestamper = (*TSA)(nil)

var oidTSTInfo = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}

const maxTSAResponse = 1 << 20

// Timestamp sends a TimeStampReq with a nonce and returns the checked token.
// Errors wrap ErrTimestamp; ErrTSAUntrusted when the token is not the TSA's.
func (t *TSA) Timestamp(digest []byte, h crypto.Hash) ([]byte, error) {
	rnd := t.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	nb := make([]byte, 8)
	if _, err := io.ReadFull(rnd, nb); err != nil {
		return nil, fmt.Errorf("sign: timestamp nonce: %w: %v", ErrTimestamp, err)
	}
	nonce := new(big.Int).SetBytes(nb)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			algID(b, hashOID(h), false)
			b.AddASN1OctetString(digest)
		})
		b.AddASN1BigInt(nonce)
		b.AddASN1Boolean(true) // certReq: the token carries the TSA certificate
	})
	req := b.BytesOrPanic()
	client := t.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Post(t.URL, "application/timestamp-query", bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("sign: timestamp %s: %w: %v", t.URL, ErrTimestamp, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTSAResponse))
	if err != nil {
		return nil, fmt.Errorf("sign: timestamp %s: %w: %v", t.URL, ErrTimestamp, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sign: timestamp %s: %w: HTTP %d", t.URL, ErrTimestamp, resp.StatusCode)
	}
	token, err := parseTimeStampResp(body)
	if err != nil {
		return nil, fmt.Errorf("sign: timestamp %s: %w: %v", t.URL, ErrTimestamp, err)
	}
	info, err := checkTimestampToken(token)
	if err != nil {
		return nil, fmt.Errorf("sign: timestamp %s: %w: %v", t.URL, ErrTimestamp, err)
	}
	if info.hash != h || !bytes.Equal(info.imprint, digest) || info.nonce == nil || info.nonce.Cmp(nonce) != 0 {
		return nil, fmt.Errorf("sign: timestamp %s: %w: answer does not match the request", t.URL, ErrTimestamp)
	}
	if err := t.trust(info); err != nil {
		return nil, fmt.Errorf("sign: timestamp %s: %w: %v", t.URL, ErrTSAUntrusted, err)
	}
	return token, nil
}

var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// trust checks who signed the token and when (RFC 3161, section 2.3).
func (t *TSA) trust(info *tstInfo) error {
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	skew := t.MaxSkew
	if skew <= 0 {
		skew = DefaultTSASkew
	}
	c := info.tsa
	if d := info.genTime.Sub(now()); d > skew || d < -skew {
		return fmt.Errorf("token time %s is %s off the clock", info.genTime.UTC().Format(time.RFC3339), d.Round(time.Second))
	}
	if info.genTime.Before(c.NotBefore) || info.genTime.After(c.NotAfter) {
		return fmt.Errorf("TSA certificate %q not valid at %s", c.Subject.CommonName, info.genTime.UTC().Format(time.RFC3339))
	}
	critical := false
	for _, e := range c.Extensions {
		critical = critical || (e.Id.Equal(oidExtKeyUsage) && e.Critical)
	}
	if !critical || len(c.ExtKeyUsage) != 1 || c.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping || len(c.UnknownExtKeyUsage) != 0 {
		return fmt.Errorf("TSA certificate %q is not only for time stamping (critical extended key usage)", c.Subject.CommonName)
	}
	if t.Roots == nil {
		return nil
	}
	inter := x509.NewCertPool()
	for _, ic := range info.contents.certs {
		if ic != c {
			inter.AddCert(ic)
		}
	}
	_, err := c.Verify(x509.VerifyOptions{
		Roots: t.Roots, Intermediates: inter, CurrentTime: info.genTime,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	})
	if err != nil {
		return fmt.Errorf("TSA certificate %q: %w", c.Subject.CommonName, err)
	}
	return nil
}

// parseTimeStampResp returns the token of a granted TimeStampResp.
func parseTimeStampResp(der []byte) ([]byte, error) {
	in := cryptobyte.String(der)
	var resp, status cryptobyte.String
	var code int64
	if !in.ReadASN1(&resp, cbasn1.SEQUENCE) || !resp.ReadASN1(&status, cbasn1.SEQUENCE) || !status.ReadASN1Integer(&code) {
		return nil, errors.New("malformed TimeStampResp")
	}
	if code != 0 && code != 1 { // granted, grantedWithMods
		return nil, fmt.Errorf("TSA refused (status %d)", code)
	}
	var token cryptobyte.String
	if !resp.ReadASN1Element(&token, cbasn1.SEQUENCE) {
		return nil, errors.New("TimeStampResp without token")
	}
	return token, nil
}

type tstInfo struct {
	hash     crypto.Hash
	imprint  []byte
	genTime  time.Time
	nonce    *big.Int
	tsa      *x509.Certificate
	contents *signedCMS
}

// checkTimestampToken verifies the TSA's signature over the TSTInfo and returns it.
func checkTimestampToken(token []byte) (*tstInfo, error) {
	c, err := parseCMS(token)
	if err != nil {
		return nil, err
	}
	if !c.contentType.Equal(oidTSTInfo) || c.eContent == nil {
		return nil, errors.New("token does not hold a TSTInfo")
	}
	h := c.digestAlg.New()
	h.Write(c.eContent)
	if err := c.checkSignature(h.Sum(nil)); err != nil {
		return nil, fmt.Errorf("token signature: %w", err)
	}
	in := cryptobyte.String(c.eContent)
	var tst, mi, alg cryptobyte.String
	var version int64
	var policy, hashAlg asn1.ObjectIdentifier
	var imprint cryptobyte.String
	if !in.ReadASN1(&tst, cbasn1.SEQUENCE) || !tst.ReadASN1Integer(&version) || !tst.ReadASN1ObjectIdentifier(&policy) ||
		!tst.ReadASN1(&mi, cbasn1.SEQUENCE) || !mi.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&hashAlg) ||
		!mi.ReadASN1(&imprint, cbasn1.OCTET_STRING) {
		return nil, errors.New("malformed TSTInfo")
	}
	info := &tstInfo{imprint: imprint, tsa: c.signer, contents: c}
	if info.hash, err = hashFromOID(hashAlg); err != nil {
		return nil, err
	}
	serial := new(big.Int)
	if !tst.ReadASN1Integer(serial) || !tst.ReadASN1GeneralizedTime(&info.genTime) {
		return nil, errors.New("malformed TSTInfo time")
	}
	var skip cryptobyte.String
	var present bool
	if !tst.ReadOptionalASN1(&skip, &present, cbasn1.SEQUENCE) { // accuracy
		return nil, errors.New("malformed TSTInfo accuracy")
	}
	if tst.PeekASN1Tag(cbasn1.BOOLEAN) {
		var ordering bool
		if !tst.ReadASN1Boolean(&ordering) {
			return nil, errors.New("malformed TSTInfo ordering")
		}
	}
	if tst.PeekASN1Tag(cbasn1.INTEGER) {
		info.nonce = new(big.Int)
		if !tst.ReadASN1Integer(info.nonce) {
			return nil, errors.New("malformed TSTInfo nonce")
		}
	}
	return info, nil
}

// timestampAttribute requests a token over the signature value and wraps it
// as the unsigned signature-time-stamp attribute (PAdES B-T).
func timestampAttribute(ts Timestamper, h crypto.Hash) func(sig []byte) ([][]byte, error) {
	return func(sig []byte) ([][]byte, error) {
		d := h.New()
		d.Write(sig)
		token, err := ts.Timestamp(d.Sum(nil), h)
		if err != nil {
			return nil, err
		}
		return [][]byte{attribute(oidTimeStampToken, func(b *cryptobyte.Builder) { b.AddBytes(token) })}, nil
	}
}
