// Command decision-sample renders a decision (Bescheid) from a demo case and signs it,
// so that anyone can check the output with pdfsig, qpdf, Preflight and pdftotext.
//
//	go run ./cmd/decision-sample -out bescheid.pdf
//	go run ./cmd/decision-sample -out bescheid.pdf -p12 siegel.p12 -password geheim
//	go run ./cmd/decision-sample -out bescheid.pdf -land BY -bezirk Schwaben -type BAU -template ablehnung
//	go run ./cmd/decision-sample -out bescheid.pdf -pkcs11 /usr/lib/softhsm/libsofthsm2.so -token T -key K -pin 1234
//
// Without a key it makes a throw-away test certificate (RSA-3072), valid for one day.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/decision/sample"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sign"
)

type options struct {
	out, p12, password           string
	module, token, keyLabel, pin string
	template, caseType           string
	land, district               string
	seed                         int64
	now                          time.Time
}

func main() {
	var o options
	flag.StringVar(&o.out, "out", "", "where to write the signed PDF (required)")
	flag.StringVar(&o.p12, "p12", "", "PKCS#12 file with the signing key (default: a throw-away test certificate)")
	flag.StringVar(&o.password, "password", "", "password of the PKCS#12 file")
	flag.StringVar(&o.module, "pkcs11", "", "PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so) instead of -p12")
	flag.StringVar(&o.token, "token", "", "PKCS#11 token label")
	flag.StringVar(&o.keyLabel, "key", "", "PKCS#11 key label")
	flag.StringVar(&o.pin, "pin", "", "PKCS#11 user PIN")
	flag.StringVar(&o.template, "template", "bewilligung", "bewilligung, ablehnung, teilbewilligung or gebuehrenbescheid")
	flag.StringVar(&o.caseType, "type", "SONDERNUTZUNG", "case type of the demo case (model.CaseTypes)")
	flag.StringVar(&o.land, "land", "SH", "Land of the municipality, whose remedy matrix applies: "+landList())
	flag.StringVar(&o.district, "bezirk", "Oberbayern", "Regierungsbezirk in Bayern (chooses the administrative court): "+strings.Join(decision.BavarianDistricts(), ", "))
	flag.Int64Var(&o.seed, "seed", 1, "demo data seed")
	flag.Parse()
	if o.out == "" {
		fmt.Fprintln(os.Stderr, "decision-sample: -out FILE fehlt")
		os.Exit(2)
	}
	o.now = time.Now()
	msg, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "decision-sample:", err)
		os.Exit(1)
	}
	fmt.Println(msg)
}

// run renders and signs the letter and writes it to o.out; it returns what it did.
func run(o options) (string, error) {
	c, err := sample.Case(o.seed, o.caseType, o.now)
	if err != nil {
		return "", err
	}
	tpl, ok := decision.TemplateByID(o.template)
	if !ok {
		return "", fmt.Errorf("unbekannte Vorlage %q", o.template)
	}
	land, err := decision.ParseLand(o.land)
	if err != nil {
		return "", fmt.Errorf("unbekanntes Land %q, bekannt sind %s", o.land, landList())
	}
	m := demo.Musterhausen()
	matrix, err := decision.DefaultMatrix(land, decision.Office{Name: m.Name, Address: m.Street + ", " + m.PostalCode + " " + m.City}, o.district)
	if err != nil {
		return "", err
	}
	day := model.Day(o.now, time.UTC)
	var fee *decision.Fee // Wohngeld is free of charge (§ 64 (1) SGB X)
	if !decision.FeeFree(c.Type) {
		fee = &decision.Fee{Cents: 4550, Due: day.AddDate(0, 1, 0), Kassenzeichen: "5.0100.000042",
			Basis: "§ 1 und Tarifstelle 1.1 der Verwaltungsgebührensatzung der Gemeinde Musterhausen vom 01.01.2026"}
	}
	letter, err := decision.Fill(tpl, &c, decision.Data{
		Letterhead: decision.Letterhead{
			Authority: m.Name, Unit: m.OrgUnitName, Street: m.Street, PostalCode: m.PostalCode, City: m.City,
			Phone: m.Phone, Email: m.Email, BankName: m.BankName, IBAN: m.IBAN, BIC: m.BIC,
			VerifyURL: "https://ozg-cloud.example/v1/verify/",
		},
		Clerk:  demo.Clerks()[0],
		Date:   day,
		Fee:    fee,
		Matrix: &matrix,
		Values: map[string]string{
			"bewilligt":           "die beantragte Sondernutzung wie beantragt",
			"ablehnungsgrund":     "Die Voraussetzungen für die beantragte Erlaubnis liegen nicht vor.",
			"teilablehnungsgrund": "Die Nutzung am Sonntag kann nicht erlaubt werden.",
		},
	})
	if errors.Is(err, decision.ErrRemedyUnset) {
		return "", fmt.Errorf("für %s in %s ist kein Rechtsbehelf voreingestellt; die Verwaltung muss ihn festlegen (%w)", c.Type, land.Name(), err)
	}
	if err != nil {
		return "", err
	}
	pdf, err := decision.Render(letter, decision.RenderOptions{Created: o.now})
	if err != nil {
		return "", err
	}
	signer, what, closeSigner, err := loadSigner(o)
	if err != nil {
		return "", err
	}
	defer closeSigner()
	signed, err := sign.Sign(pdf, signer, sign.Options{Time: o.now, Name: m.Name, Reason: "Bescheid", Location: m.City})
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(o.out, signed, 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s: %s zu %s (%s), %s, %d Bytes, unterschrieben mit %s, Prüfcode %s",
		o.out, tpl.Name, c.FileNumber, c.Applicant.Name, land.Name(), len(signed), what, letter.VerificationCode()), nil
}

func landList() string {
	var s []string
	for _, l := range decision.Lands() {
		s = append(s, string(l)+" ("+l.Name()+")")
	}
	return strings.Join(s, ", ")
}

func loadSigner(o options) (sign.Signer, string, func(), error) {
	nop := func() {}
	switch {
	case o.module != "":
		tok, err := sign.OpenPKCS11(sign.TokenConfig{Module: o.module, TokenLabel: o.token, KeyLabel: o.keyLabel, PIN: o.pin}, o.now)
		if err != nil {
			return nil, "", nop, err
		}
		return tok, "PKCS#11-Token " + o.token, func() { tok.Close() }, nil
	case o.p12 != "":
		data, err := os.ReadFile(o.p12)
		if err != nil {
			return nil, "", nop, err
		}
		k, err := sign.LoadPKCS12(data, o.password, o.now)
		return k, "PKCS#12-Datei " + o.p12, nop, err
	}
	k, err := sample.ThrowAwayKey(o.now, "Testsiegel Gemeinde Musterhausen")
	if err != nil {
		return nil, "", nop, err
	}
	return k, "einem Wegwerf-Testzertifikat (nicht vertrauenswürdig)", nop, nil
}
