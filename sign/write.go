package sign

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ozgcloud/desktop/pdf"
)

// Options describe one signature.
type Options struct {
	// Time is the signing time written as /M; it is also the time the certificate must be valid at.
	Time time.Time
	// Name, Reason and Location fill the optional entries of the signature dictionary.
	Name, Reason, Location string
	// Rand feeds the signature algorithm; nil means crypto/rand.
	Rand io.Reader
	// TSA, when set, adds an RFC 3161 timestamp over the signature (PAdES B-T).
	TSA Timestamper
}

const byteRangeWidth = 10

// Sign appends a PAdES B-B signature (ETSI.CAdES.detached) to data as an
// incremental update with an invisible signature field on the first page, and
// returns the new file; data itself is not modified. With opt.TSA it adds a
// timestamp (B-T); when the TSA fails, Sign still returns the PDF, signed
// without timestamp, together with an error wrapping ErrTimestamp, so the
// caller can keep it and tell the clerk. Errors: those of Check, ErrPDF (also for
// an encrypted file: our new objects would be written unencrypted), ErrSpace.
func Sign(data []byte, s Signer, opt Options) ([]byte, error) {
	if err := Check(s, opt.Time); err != nil {
		return nil, err
	}
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	f, err := pdf.Read(data)
	if err != nil {
		return nil, fmt.Errorf("sign: read pdf: %w: %w", ErrPDF, err)
	}
	u, err := newUpdate(f)
	if err != nil {
		return nil, fmt.Errorf("sign: read pdf: %w: %w", ErrPDF, err)
	}
	reserve := 2 * contentsEstimate(s)
	if opt.TSA != nil {
		reserve += 2 * tokenEstimate
	}
	out, need, tsErr, err := write(u, s, opt, reserve)
	if errors.Is(err, ErrSpace) && need > 0 {
		// Only an unusually large timestamp token gets here; lay out once more with room for it.
		out, _, tsErr, err = write(u, s, opt, 2*need+1024)
	}
	if err != nil {
		return nil, err
	}
	if tsErr != nil {
		if !errors.Is(tsErr, ErrTimestamp) {
			tsErr = fmt.Errorf("%w: %v", ErrTimestamp, tsErr)
		}
		return out, fmt.Errorf("sign: signed without timestamp: %w", tsErr)
	}
	return out, nil
}

// tokenEstimate is the room for a timestamp token: TSTInfo, TSA signature and certificates.
const tokenEstimate = 12 << 10

// write lays out the update with reserve hex digits for /Contents and signs it.
// need is the CMS size when it did not fit.
func write(u *update, s Signer, opt Options, reserve int) (b []byte, need int, tsErr error, err error) {
	h := hashFor(s.Public())

	// The signature dictionary, laid out here with room for /ByteRange and /Contents.
	sig := make([]byte, 0, reserve+512)
	sig = append(sig, "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M "...)
	sig = pdf.AppendObject(sig, pdf.TextString(pdfDate(opt.Time)))
	for _, e := range []struct{ k, v string }{{"Name", opt.Name}, {"Reason", opt.Reason}, {"Location", opt.Location}} {
		if e.v != "" {
			sig = append(sig, " /"+e.k+" "...)
			sig = pdf.AppendObject(sig, pdf.TextString(e.v))
		}
	}
	sig = append(sig, " /ByteRange [0 "...)
	byteRangeAt := len(sig)
	sig = append(sig, bytes.Repeat([]byte(" "), 3*(byteRangeWidth+1))...)
	sig = append(sig, "] /Contents "...)
	contentsAt := len(sig)
	sig = append(sig, '<')
	sig = append(sig, bytes.Repeat([]byte("0"), reserve)...)
	sig = append(sig, ">>>"...)
	u.Set(u.sig, pdf.Raw(sig))

	b = u.Bytes()
	body := u.Offset(u.sig)
	contentsStart := body + contentsAt
	contentsEnd := contentsStart + reserve + 2
	br := []int{0, contentsStart, contentsEnd, len(b) - contentsEnd}
	field := fmt.Sprintf("%d %d %d", br[1], br[2], br[3])
	if len(field) > 3*(byteRangeWidth+1) {
		return nil, 0, nil, fmt.Errorf("sign: byte range: %w", ErrSpace)
	}
	copy(b[body+byteRangeAt:], field)

	d := h.New()
	d.Write(b[:br[1]])
	d.Write(b[br[2]:])
	content := cmsContent{contentType: oidData, digest: d.Sum(nil)}
	if opt.TSA != nil {
		stamp := timestampAttribute(opt.TSA, h)
		// Offline is normal for a town hall PC: a failed timestamp leaves a B-B signature.
		content.unsigned = func(sig []byte) ([][]byte, error) {
			attrs, err := stamp(sig)
			if err != nil {
				tsErr = err
				return nil, nil
			}
			return attrs, nil
		}
	}
	cms, err := buildSignedData(s, h, content, opt.Rand)
	if err != nil {
		return nil, 0, nil, err
	}
	if 2*len(cms) > reserve {
		return nil, len(cms), nil, fmt.Errorf("sign: %d bytes for %d: %w", len(cms), reserve/2, ErrSpace)
	}
	hex.Encode(b[contentsStart+1:], cms)
	return b, 0, tsErr, nil
}

// contentsEstimate is an upper bound of the CMS size in bytes, generous so
// that no signature ever needs a second pass.
func contentsEstimate(s Signer) int {
	n := 2048
	for _, c := range s.Chain() {
		n += len(c.Raw) + 16
	}
	switch k := s.Public().(type) {
	case *rsa.PublicKey:
		n += k.Size()
	case *ecdsa.PublicKey:
		n += 2*(k.Curve.Params().BitSize+7)/8 + 16
	default:
		n += 1024
	}
	return n
}

// update is the incremental update a signature makes: the signature dictionary, a
// widget on the first page with its (empty) appearance, and new versions of the
// catalog (or AcroForm) and of that page.
type update struct {
	*pdf.Update
	sig pdf.Ref
}

func newUpdate(f *pdf.File) (*update, error) {
	pu, err := f.NewUpdate()
	if err != nil {
		return nil, err
	}
	u := &update{Update: pu, sig: pu.Alloc()}
	widgetRef, apRef := pu.Alloc(), pu.Alloc()
	rootRef := f.Root()
	catalog, err := f.Dict(rootRef)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	catalog = catalog.Clone()
	pages, err := f.Pages()
	if err != nil {
		return nil, err
	}
	pageRef := pages[0].Ref
	page := pages[0].Dict.Clone()

	acro := &pdf.Dict{}
	acroRef, acroIndirect := catalog.Ref("AcroForm")
	if av := catalog.Get("AcroForm"); av != nil {
		d, err := f.Dict(av)
		if err != nil {
			return nil, fmt.Errorf("acroform: %w", err)
		}
		acro = d.Clone()
	}
	fields, err := f.Array(acro.Get("Fields"))
	if err != nil {
		return nil, fmt.Errorf("acroform fields: %w", err)
	}
	acro.Set("Fields", append(fields[:len(fields):len(fields)], widgetRef))
	acro.Set("SigFlags", pdf.Integer(3))
	fieldName := fmt.Sprintf("Signatur%d", len(fields)+1)

	annots, err := f.Array(page.Get("Annots"))
	if err != nil {
		return nil, fmt.Errorf("page annots: %w", err)
	}
	page.Set("Annots", append(annots[:len(annots):len(annots)], widgetRef))

	zero := pdf.Array{pdf.Integer(0), pdf.Integer(0), pdf.Integer(0), pdf.Integer(0)}
	widget := pdf.NewDict(
		"Type", pdf.Name("Annot"),
		"Subtype", pdf.Name("Widget"),
		"FT", pdf.Name("Sig"),
		"T", pdf.TextString(fieldName),
		"V", u.sig,
		"P", pdf.Ref{Num: pageRef.Num, Gen: f.Gen(pageRef.Num)},
		"Rect", zero,
		"F", pdf.Integer(132), // Print and Locked: PDF/A wants Print set
		// PDF/A validators (PDFBox Preflight) want an appearance even for an invisible widget.
		"AP", pdf.NewDict("N", apRef),
	)
	// The signature dictionary comes first; write lays it out.
	u.Set(u.sig, nil)
	u.Set(widgetRef, widget)
	u.Set(apRef, &pdf.Stream{Dict: pdf.NewDict("Type", pdf.Name("XObject"), "Subtype", pdf.Name("Form"),
		"BBox", zero, "Resources", &pdf.Dict{})})
	if acroIndirect {
		u.Set(pdf.Ref{Num: acroRef.Num, Gen: f.Gen(acroRef.Num)}, acro)
	} else {
		catalog.Set("AcroForm", acro)
	}
	u.Set(pdf.Ref{Num: rootRef.Num, Gen: f.Gen(rootRef.Num)}, catalog)
	u.Set(pdf.Ref{Num: pageRef.Num, Gen: f.Gen(pageRef.Num)}, page)
	return u, nil
}

// pdfDate formats t as a PDF date with its UTC offset.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}
