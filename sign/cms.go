package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidData             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSigningCertV2    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidTimeStampToken   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidSHA256           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSA              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSASHA256        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidRSASHA384        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidRSASHA512        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECDSASHA256      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSASHA384      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSASHA512      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidECPublicKey      = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	errCMS              = errors.New("malformed CMS")
	errUnsupportedAlgos = errors.New("unsupported algorithm")
)

func hashOID(h crypto.Hash) asn1.ObjectIdentifier {
	if h == crypto.SHA384 {
		return oidSHA384
	}
	return oidSHA256
}

// cmsContent is what a SignedData signs.
type cmsContent struct {
	contentType asn1.ObjectIdentifier
	eContent    []byte // nil: detached, as in a PDF signature
	digest      []byte // of the content, with the signer's hash
	// unsigned returns unsigned attributes made from the signature value (a timestamp token).
	unsigned func(sig []byte) ([][]byte, error)
}

// buildCMS returns a detached CAdES SignedData over a document digest, with the
// signed attributes PAdES B-B asks for: content-type, message-digest,
// signing-certificate-v2. The time is not here: PAdES puts it in /M.
func buildCMS(s Signer, h crypto.Hash, digest []byte, rnd io.Reader) ([]byte, error) {
	return buildSignedData(s, h, cmsContent{contentType: oidData, digest: digest}, rnd)
}

func buildSignedData(s Signer, h crypto.Hash, content cmsContent, rnd io.Reader) ([]byte, error) {
	digest := content.digest
	chain := s.Chain()
	cert := chain[0]
	certHash := sha256.Sum256(cert.Raw)

	attrs := [][]byte{
		attribute(oidContentType, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(content.contentType) }),
		attribute(oidMessageDigest, func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest) }),
		attribute(oidSigningCertV2, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SigningCertificateV2
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // certs
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ESSCertIDv2, sha256 by default
						b.AddASN1OctetString(certHash[:])
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerSerial
							b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // GeneralNames
								b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
									b.AddBytes(cert.RawIssuer)
								})
							})
							b.AddASN1BigInt(cert.SerialNumber)
						})
					})
				})
			})
		}),
	}
	// DER orders the members of a SET OF by their encodings.
	sort.Slice(attrs, func(i, j int) bool { return bytes.Compare(attrs[i], attrs[j]) < 0 })
	signedAttrs := setOf(attrs)

	ah := h.New()
	ah.Write(signedAttrs)
	sig, err := s.Sign(rnd, ah.Sum(nil), h)
	if err != nil {
		return nil, fmt.Errorf("sign: sign attributes: %w", err)
	}
	var unsigned [][]byte
	if content.unsigned != nil {
		if unsigned, err = content.unsigned(sig); err != nil {
			return nil, err
		}
		sort.Slice(unsigned, func(i, j int) bool { return bytes.Compare(unsigned[i], unsigned[j]) < 0 })
	}
	var sigAlg asn1.ObjectIdentifier
	switch s.Public().(type) {
	case *rsa.PublicKey:
		sigAlg = oidRSA
	case *ecdsa.PublicKey:
		sigAlg = oidECDSASHA256
		if h == crypto.SHA384 {
			sigAlg = oidECDSASHA384
		}
	default:
		return nil, ErrKeyType
	}

	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { algID(b, hashOID(h), false) })
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(content.contentType)
					if content.eContent != nil {
						b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddASN1OctetString(content.eContent)
						})
					}
				})
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
					for _, c := range chain {
						b.AddBytes(c.Raw)
					}
				})
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
						b.AddASN1Int64(1)
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerAndSerialNumber
							b.AddBytes(cert.RawIssuer)
							b.AddASN1BigInt(cert.SerialNumber)
						})
						algID(b, hashOID(h), false)
						b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddBytes(setContents(signedAttrs))
						})
						algID(b, sigAlg, sigAlg.Equal(oidRSA))
						b.AddASN1OctetString(sig)
						if len(unsigned) > 0 {
							b.AddASN1(cbasn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
								for _, a := range unsigned {
									b.AddBytes(a)
								}
							})
						}
					})
				})
			})
		})
	})
	return b.Bytes()
}

func attribute(oid asn1.ObjectIdentifier, value func(*cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1(cbasn1.SET, value)
	})
	return b.BytesOrPanic()
}

func setOf(members [][]byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, m := range members {
			b.AddBytes(m)
		}
	})
	return b.BytesOrPanic()
}

func algID(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, null bool) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if null {
			b.AddASN1NULL()
		}
	})
}

// setContents returns the members of a DER SET, so they can be re-tagged [0] IMPLICIT.
func setContents(der []byte) []byte {
	s := cryptobyte.String(der)
	var inner cryptobyte.String
	s.ReadASN1(&inner, cbasn1.SET)
	return inner
}

// signedCMS is what Verify needs from a SignedData.
type signedCMS struct {
	certs       []*x509.Certificate
	signer      *x509.Certificate
	digestAlg   crypto.Hash
	sigAlg      asn1.ObjectIdentifier
	signedAttrs []byte // re-tagged as SET, as signed
	digest      []byte // message-digest attribute
	signature   []byte
	signingTime []byte // raw UTCTime/GeneralizedTime, if present
	timestamp   []byte // signature-time-stamp token (ContentInfo), if present
	contentType asn1.ObjectIdentifier
	eContent    []byte // encapsulated content, nil when detached
	certHash    []byte // from signing-certificate-v2, if present
	certHashAlg crypto.Hash
}

func hashFromOID(oid asn1.ObjectIdentifier) (crypto.Hash, error) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, nil
	case oid.Equal(oidSHA384):
		return crypto.SHA384, nil
	case oid.Equal(oidSHA512):
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("digest %s: %w", oid, errUnsupportedAlgos)
}

// readHashAlg reads an AlgorithmIdentifier naming a digest and returns the hash.
func readHashAlg(s *cryptobyte.String) (crypto.Hash, error) {
	var alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
		return 0, errCMS
	}
	return hashFromOID(oid)
}

// readAttribute reads one Attribute { type OID, values SET } of a SignerInfo.
func readAttribute(attrs *cryptobyte.String) (oid asn1.ObjectIdentifier, vals cryptobyte.String, ok bool) {
	var a cryptobyte.String
	ok = attrs.ReadASN1(&a, cbasn1.SEQUENCE) && a.ReadASN1ObjectIdentifier(&oid) && a.ReadASN1(&vals, cbasn1.SET)
	return oid, vals, ok
}

// parseCMS reads a DER ContentInfo holding SignedData with one SignerInfo.
// Trailing bytes (the zero padding of /Contents) are ignored.
func parseCMS(der []byte) (*signedCMS, error) {
	in := cryptobyte.String(der)
	var ci, sd cryptobyte.String
	var ctype asn1.ObjectIdentifier
	if !in.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&ctype) || !ctype.Equal(oidSignedData) ||
		!ci.ReadASN1(&sd, cbasn1.Tag(0).ContextSpecific().Constructed()) || !sd.ReadASN1(&sd, cbasn1.SEQUENCE) {
		return nil, errCMS
	}
	var version int64
	var digestAlgs, encap, signerInfos cryptobyte.String
	if !sd.ReadASN1Integer(&version) || !sd.ReadASN1(&digestAlgs, cbasn1.SET) || !sd.ReadASN1(&encap, cbasn1.SEQUENCE) {
		return nil, errCMS
	}
	out := &signedCMS{}
	if !encap.ReadASN1ObjectIdentifier(&out.contentType) {
		return nil, errCMS
	}
	if encap.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) {
		var ec cryptobyte.String
		if !encap.ReadASN1(&ec, cbasn1.Tag(0).ContextSpecific().Constructed()) || !ec.ReadASN1(&ec, cbasn1.OCTET_STRING) {
			return nil, errCMS
		}
		out.eContent = ec
	}
	var certsRaw cryptobyte.String
	var hasCerts bool
	if !sd.ReadOptionalASN1(&certsRaw, &hasCerts, cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return nil, errCMS
	}
	for !certsRaw.Empty() {
		var c cryptobyte.String
		var tag cbasn1.Tag
		if !certsRaw.ReadAnyASN1Element(&c, &tag) {
			return nil, errCMS
		}
		if tag != cbasn1.SEQUENCE {
			continue // attribute certificates and others
		}
		cert, err := x509.ParseCertificate(c)
		if err != nil {
			return nil, fmt.Errorf("%w: certificate: %v", errCMS, err)
		}
		out.certs = append(out.certs, cert)
	}
	var skip cryptobyte.String
	var present bool
	if !sd.ReadOptionalASN1(&skip, &present, cbasn1.Tag(1).ContextSpecific().Constructed()) { // crls
		return nil, errCMS
	}
	if !sd.ReadASN1(&signerInfos, cbasn1.SET) {
		return nil, errCMS
	}
	var si cryptobyte.String
	if !signerInfos.ReadASN1(&si, cbasn1.SEQUENCE) {
		return nil, errCMS
	}
	var siVersion int64
	var sid cryptobyte.String
	var sidTag cbasn1.Tag
	if !si.ReadASN1Integer(&siVersion) || !si.ReadAnyASN1Element(&sid, &sidTag) {
		return nil, errCMS
	}
	if sidTag == cbasn1.SEQUENCE {
		var issuer cryptobyte.String
		var inner cryptobyte.String
		sidc := sid
		if !sidc.ReadASN1(&inner, cbasn1.SEQUENCE) || !inner.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
			return nil, errCMS
		}
		serial := new(big.Int)
		if !inner.ReadASN1Integer(serial) {
			return nil, errCMS
		}
		for _, c := range out.certs {
			if bytes.Equal(c.RawIssuer, issuer) && c.SerialNumber.Cmp(serial) == 0 {
				out.signer = c
				break
			}
		}
	} else { // subjectKeyIdentifier [0]
		var ski cryptobyte.String
		sidc := sid
		if !sidc.ReadASN1(&ski, cbasn1.Tag(0).ContextSpecific()) {
			return nil, errCMS
		}
		for _, c := range out.certs {
			if bytes.Equal(c.SubjectKeyId, ski) {
				out.signer = c
				break
			}
		}
	}
	h, err := readHashAlg(&si)
	if err != nil {
		return nil, err
	}
	out.digestAlg = h
	var attrsRaw cryptobyte.String
	if si.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific().Constructed()) {
		if !si.ReadASN1Element(&attrsRaw, cbasn1.Tag(0).ContextSpecific().Constructed()) {
			return nil, errCMS
		}
		out.signedAttrs = append([]byte{0x31}, attrsRaw[1:]...)
		var attrs cryptobyte.String
		if !attrsRaw.ReadASN1(&attrs, cbasn1.Tag(0).ContextSpecific().Constructed()) {
			return nil, errCMS
		}
		for !attrs.Empty() {
			oid, vals, ok := readAttribute(&attrs)
			if !ok {
				return nil, errCMS
			}
			switch {
			case oid.Equal(oidMessageDigest):
				if !vals.ReadASN1Bytes(&out.digest, cbasn1.OCTET_STRING) {
					return nil, errCMS
				}
			case oid.Equal(oidSigningTime):
				out.signingTime = vals
			case oid.Equal(oidSigningCertV2):
				// SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { hashAlgorithm DEFAULT sha256, certHash, ... } }
				var scv2, certs, id cryptobyte.String
				if !vals.ReadASN1(&scv2, cbasn1.SEQUENCE) || !scv2.ReadASN1(&certs, cbasn1.SEQUENCE) || !certs.ReadASN1(&id, cbasn1.SEQUENCE) {
					return nil, errCMS
				}
				out.certHashAlg = crypto.SHA256
				if id.PeekASN1Tag(cbasn1.SEQUENCE) {
					if out.certHashAlg, err = readHashAlg(&id); err != nil {
						return nil, err
					}
				}
				if !id.ReadASN1Bytes(&out.certHash, cbasn1.OCTET_STRING) {
					return nil, errCMS
				}
			}
		}
	}
	var sigAlg cryptobyte.String
	if !si.ReadASN1(&sigAlg, cbasn1.SEQUENCE) || !sigAlg.ReadASN1ObjectIdentifier(&out.sigAlg) {
		return nil, errCMS
	}
	if !si.ReadASN1Bytes(&out.signature, cbasn1.OCTET_STRING) {
		return nil, errCMS
	}
	var unsigned cryptobyte.String
	var hasUnsigned bool
	if !si.ReadOptionalASN1(&unsigned, &hasUnsigned, cbasn1.Tag(1).ContextSpecific().Constructed()) {
		return nil, errCMS
	}
	for !unsigned.Empty() {
		oid, vals, ok := readAttribute(&unsigned)
		if !ok {
			return nil, errCMS
		}
		if oid.Equal(oidTimeStampToken) {
			var tok cryptobyte.String
			if vals.ReadASN1Element(&tok, cbasn1.SEQUENCE) {
				out.timestamp = tok
			}
		}
	}
	if out.signer == nil {
		return nil, fmt.Errorf("%w: signer certificate missing", errCMS)
	}
	return out, nil
}

// checkSignature verifies the signature over the signed attributes (or, without
// them, over the document digest).
func (c *signedCMS) checkSignature(docDigest []byte) error {
	msg := docDigest
	if c.certHash != nil {
		// The ESS binding stops a swapped certificate with the same issuer and serial.
		h := c.certHashAlg.New()
		h.Write(c.signer.Raw)
		if !bytes.Equal(h.Sum(nil), c.certHash) {
			return errCertBinding
		}
	}
	if c.signedAttrs != nil {
		if !bytes.Equal(c.digest, docDigest) {
			return errDigest
		}
		h := c.digestAlg.New()
		h.Write(c.signedAttrs)
		msg = h.Sum(nil)
	}
	switch pub := c.signer.PublicKey.(type) {
	case *rsa.PublicKey:
		if c.sigAlg.Equal(oidRSA) || c.sigAlg.Equal(oidRSASHA256) || c.sigAlg.Equal(oidRSASHA384) || c.sigAlg.Equal(oidRSASHA512) {
			if err := rsa.VerifyPKCS1v15(pub, c.digestAlg, msg, c.signature); err != nil {
				return errSignature
			}
			return nil
		}
	case *ecdsa.PublicKey:
		if c.sigAlg.Equal(oidECDSASHA256) || c.sigAlg.Equal(oidECDSASHA384) || c.sigAlg.Equal(oidECDSASHA512) || c.sigAlg.Equal(oidECPublicKey) {
			if !ecdsa.VerifyASN1(pub, msg, c.signature) {
				return errSignature
			}
			return nil
		}
	}
	return fmt.Errorf("signature %s: %w", c.sigAlg, errUnsupportedAlgos)
}

var (
	errDigest      = errors.New("digest mismatch")
	errSignature   = errors.New("signature does not verify")
	errCertBinding = errors.New("signing-certificate-v2 does not match the signer certificate")
)
