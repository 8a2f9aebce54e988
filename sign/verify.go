package sign

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/ozgcloud/desktop/pdf"
	"strconv"
	"strings"
	"time"
)

// SignatureInfo describes one signature found in a PDF.
type SignatureInfo struct {
	Field string // the signature field's name (/T)
	Valid bool   // the digest matches and the signature verifies with the embedded certificate
	// Reason says in German why the signature is invalid; "" when valid.
	Reason        string
	SignerName    string // subject CN
	Organization  string // subject O
	Certificate   *x509.Certificate
	SigningTime   time.Time // from /M (or the signing-time attribute when /M is absent)
	SubFilter     string
	KeyType       string // "RSA 3072", "ECDSA P-256"
	WholeDocument bool   // the byte range ends at the end of the file
	// Timestamped says the signature carries an RFC 3161 timestamp (PAdES B-T);
	// TimestampValid that it verifies and covers this signature, TimestampTime is its time.
	Timestamped, TimestampValid bool
	TimestampTime               time.Time
	// RevisionEnd is the end of the signed revision; a later revision follows when it is below the file size.
	RevisionEnd int64
}

// Verify finds the signature fields of pdf and checks each signature's
// integrity against its embedded certificate (not the certificate's trust).
// It returns ErrPDF when the file cannot be read at all; a damaged signature
// is reported in its SignatureInfo, not as an error.
func Verify(data []byte) ([]SignatureInfo, error) {
	f, err := pdf.Read(data)
	if err != nil {
		return nil, fmt.Errorf("sign: verify: %w: %w", ErrPDF, err)
	}
	if f.Repaired() {
		// A signer writes intact cross-references; broken ones mean the file was damaged.
		return nil, fmt.Errorf("sign: verify: %w: cross-reference sections unreadable", ErrPDF)
	}
	cat, err := f.Dict(f.Root())
	if err != nil {
		return nil, fmt.Errorf("sign: verify: catalog: %w: %w", ErrPDF, err)
	}
	av := cat.Get("AcroForm")
	if av == nil {
		return nil, nil
	}
	acro, err := f.Dict(av)
	if err != nil {
		return nil, fmt.Errorf("sign: verify: acroform: %w: %w", ErrPDF, err)
	}
	var out []SignatureInfo
	// Fields shared between several /Kids would otherwise be walked exponentially often.
	seen := map[int]bool{}
	var walk func(v pdf.Object, prefix string, depth int) error
	walk = func(v pdf.Object, prefix string, depth int) error {
		if depth > 16 {
			return fmt.Errorf("%w: field tree too deep", ErrPDF)
		}
		fields, err := f.Array(v)
		if err != nil {
			return err
		}
		for _, fv := range fields {
			if r, ok := fv.(pdf.Ref); ok {
				if seen[r.Num] {
					continue
				}
				seen[r.Num] = true
			}
			fd, err := f.Dict(fv)
			if err != nil {
				return err
			}
			fname := string(pdf.Text(fd.Get("T")))
			if prefix != "" {
				fname = prefix + "." + fname
			}
			if kids := fd.Get("Kids"); kids != nil && fd.Get("FT") == nil {
				if err := walk(kids, fname, depth+1); err != nil {
					return err
				}
				continue
			}
			if fd.Name("FT") != "Sig" || fd.Get("V") == nil {
				continue
			}
			sd, err := f.Dict(fd.Get("V"))
			if err != nil {
				return err
			}
			info := check(data, sd)
			info.Field = fname
			out = append(out, info)
		}
		return nil
	}
	if err := walk(acro.Get("Fields"), "", 0); err != nil {
		return nil, fmt.Errorf("sign: verify: fields: %w: %w", ErrPDF, err)
	}
	return out, nil
}

func check(data []byte, sd *pdf.Dict) SignatureInfo {
	info := SignatureInfo{SubFilter: string(sd.Name("SubFilter"))}
	info.SigningTime, _ = parsePDFDate(string(pdf.Text(sd.Get("M"))))
	fail := func(reason string) SignatureInfo {
		info.Valid = false
		info.Reason = reason
		return info
	}
	switch info.SubFilter {
	case "ETSI.CAdES.detached", "adbe.pkcs7.detached":
	default:
		return fail("Signaturformat " + info.SubFilter + " wird nicht unterstützt.")
	}
	brv, _ := sd.Get("ByteRange").(pdf.Array)
	if len(brv) != 4 {
		return fail("Der signierte Bereich (ByteRange) ist fehlerhaft.")
	}
	var br [4]int64
	for i, v := range brv {
		n, ok := v.(pdf.Integer)
		if !ok || n < 0 {
			return fail("Der signierte Bereich (ByteRange) ist fehlerhaft.")
		}
		br[i] = int64(n)
	}
	size := int64(len(data))
	if br[0] != 0 || br[1] >= br[2] || br[2] > size || br[3] > size-br[2] || br[1] > size {
		return fail("Der signierte Bereich (ByteRange) liegt außerhalb der Datei.")
	}
	info.RevisionEnd = br[2] + br[3]
	info.WholeDocument = info.RevisionEnd == size
	// The gap must be exactly the /Contents hex string, or unsigned bytes could hide elsewhere.
	gap := data[br[1]:br[2]]
	if len(gap) < 2 || gap[0] != '<' || gap[len(gap)-1] != '>' {
		return fail("Der signierte Bereich (ByteRange) lässt mehr als die Signatur aus.")
	}
	v, end, err := pdf.Parse(gap)
	der, ok := v.(pdf.HexString)
	if err != nil || !ok || end != len(gap) {
		return fail("Der Signaturwert ist beschädigt.")
	}
	cms, err := parseCMS(der)
	if err != nil {
		return fail("Der Signaturwert ist beschädigt oder wird nicht unterstützt.")
	}
	info.Certificate = cms.signer
	info.SignerName = cms.signer.Subject.CommonName
	info.Organization = strings.Join(cms.signer.Subject.Organization, ", ")
	info.KeyType, _ = keyType(cms.signer.PublicKey)
	if info.SigningTime.IsZero() && cms.signingTime != nil {
		info.SigningTime = parseASN1Time(cms.signingTime)
	}
	h := cms.digestAlg.New()
	h.Write(data[:br[1]])
	h.Write(data[br[2] : br[2]+br[3]])
	if cms.timestamp != nil {
		info.Timestamped = true
		if ts, err := checkTimestampToken(cms.timestamp); err == nil {
			d := ts.hash.New()
			d.Write(cms.signature)
			info.TimestampValid = bytes.Equal(d.Sum(nil), ts.imprint)
			info.TimestampTime = ts.genTime
		}
	}
	switch err := cms.checkSignature(h.Sum(nil)); {
	case err == nil:
		info.Valid = true
	case errors.Is(err, errDigest):
		return fail("Das Dokument wurde nach dem Signieren verändert (Prüfsumme stimmt nicht).")
	case errors.Is(err, errCertBinding):
		return fail("Das eingebettete Zertifikat ist nicht das, mit dem signiert wurde.")
	case errors.Is(err, errSignature):
		return fail("Die Signatur passt nicht zum Zertifikat.")
	default:
		return fail("Das Signaturverfahren wird nicht unterstützt.")
	}
	return info
}

// parsePDFDate reads "D:YYYYMMDDHHmmSS+HH'mm'" with the optional parts PDF allows.
func parsePDFDate(s string) (time.Time, error) {
	s = strings.TrimPrefix(s, "D:")
	if len(s) < 4 {
		return time.Time{}, fmt.Errorf("%w: bad date", ErrPDF)
	}
	digits := len(s)
	for i, c := range s {
		if c < '0' || c > '9' {
			digits = i
			break
		}
	}
	num := s[:digits]
	rest := s[digits:]
	if len(num) < 4 || len(num) > 14 || len(num)%2 != 0 {
		return time.Time{}, fmt.Errorf("%w: bad date", ErrPDF)
	}
	full := num + "0101000000"[len(num)-4:]
	loc := time.UTC
	if len(rest) > 0 && (rest[0] == '+' || rest[0] == '-') {
		r := strings.NewReplacer("'", "")
		z := r.Replace(rest[1:])
		hh, _ := strconv.Atoi(z[:min(2, len(z))])
		mm := 0
		if len(z) >= 4 {
			mm, _ = strconv.Atoi(z[2:4])
		}
		off := hh*3600 + mm*60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	return time.ParseInLocation("20060102150405", full[:14], loc)
}

func parseASN1Time(raw []byte) time.Time {
	var t time.Time
	if len(raw) < 2 {
		return t
	}
	s := string(raw[2:])
	switch raw[0] {
	case 0x17:
		t, _ = time.Parse("060102150405Z0700", s)
	case 0x18:
		t, _ = time.Parse("20060102150405Z0700", s)
	}
	return t
}
