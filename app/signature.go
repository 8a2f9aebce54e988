package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ozgcloud/desktop/sign"
)

// SignatureView is one electronic signature of a PDF.
type SignatureView struct {
	Valid         bool   `json:"valid"`
	Signer        string `json:"signer"`
	Organization  string `json:"organization"`
	SigningTime   string `json:"signingTime"`
	KeyType       string `json:"keyType"`
	WholeDocument bool   `json:"wholeDocument"`
	Timestamped   bool   `json:"timestamped"`
	// Problem says in German why the signature is not valid.
	Problem string `json:"problem"`
}

// SignatureCheck is the outcome of "Signatur prüfen".
type SignatureCheck struct {
	File       string          `json:"file"`
	Signatures []SignatureView `json:"signatures"`
	// Summary is one German paragraph for the clerk.
	Summary string `json:"summary"`
}

// maxCheckedPDF bounds what "Signatur prüfen" reads into memory.
const maxCheckedPDF = 200 << 20

// CheckSignature checks the electronic signatures of a PDF of the case.
func (a *Attachments) CheckSignature(caseID, attachmentID string) (SignatureCheck, error) {
	if _, err := a.me(); err != nil {
		return SignatureCheck{}, err
	}
	at, path, err := a.files.attachment(caseID, attachmentID)
	if err != nil {
		return SignatureCheck{}, err
	}
	return a.checkSignature(at.Name, path)
}

// CheckSignatureFromDialog asks for a PDF on disk and checks its signatures.
func (a *Attachments) CheckSignatureFromDialog() (SignatureCheck, error) {
	if _, err := a.me(); err != nil {
		return SignatureCheck{}, err
	}
	path, err := a.win.chooseOne(titleChoosePDF)
	if err != nil || path == "" {
		return SignatureCheck{}, err
	}
	return a.checkSignature(filepath.Base(path), path)
}

func (a *Attachments) checkSignature(name, path string) (SignatureCheck, error) {
	st, err := os.Stat(path)
	if err != nil {
		return SignatureCheck{}, unreadable(name)
	}
	if st.Size() > maxCheckedPDF {
		return SignatureCheck{}, &Error{Code: CodeTooLarge, Message: fmt.Sprintf(msgCheckTooLarge, name, maxCheckedPDF>>20)}
	}
	pdf, err := os.ReadFile(path)
	if err != nil {
		return SignatureCheck{}, unreadable(name)
	}
	infos, err := sign.Verify(pdf)
	if err != nil {
		return SignatureCheck{}, &Error{Code: CodeUnreadable, Message: fmt.Sprintf(msgCheckNotPDF, name)}
	}
	out := SignatureCheck{File: name, Signatures: []SignatureView{}}
	for _, si := range infos {
		v := SignatureView{
			Valid: si.Valid, Signer: si.SignerName, Organization: si.Organization, KeyType: si.KeyType,
			WholeDocument: si.WholeDocument, Timestamped: si.Timestamped && si.TimestampValid, Problem: si.Reason,
		}
		if !si.SigningTime.IsZero() {
			v.SigningTime = stamp(si.SigningTime, a.loc)
		}
		out.Signatures = append(out.Signatures, v)
	}
	out.Summary = a.signatureSummary(name, infos)
	return out, nil
}

// signatureSummary says in plain German what the last signature (the one that covers
// the most) shows; earlier ones are listed by the UI.
func (a *Attachments) signatureSummary(name string, infos []sign.SignatureInfo) string {
	if len(infos) == 0 {
		return fmt.Sprintf(msgCheckNoSignature, name)
	}
	si := infos[len(infos)-1]
	who := si.SignerName
	if si.Organization != "" && si.Organization != si.SignerName {
		who += " (" + si.Organization + ")"
	}
	var text string
	switch {
	case !si.Valid:
		text = fmt.Sprintf(msgCheckInvalid, strings.TrimSuffix(si.Reason, "."))
	case !si.WholeDocument:
		text = fmt.Sprintf(msgCheckPartial, who)
	case si.SigningTime.IsZero():
		text = fmt.Sprintf(msgCheckValid, who)
	default:
		text = fmt.Sprintf(msgCheckValidAt, who, si.SigningTime.In(a.loc).Format(layoutDateTimeGerman))
	}
	return fmt.Sprintf(msgCheckTrustNotChecked, text)
}
