//go:build cgo

package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ThalesGroup/crypto11"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/sign"
	"github.com/ozgcloud/desktop/store"
)

const softHSMModule = "/usr/lib/softhsm/libsofthsm2.so"

// softHSMToken makes a SoftHSM2 token "Rathaus" (PIN 1234) in a temp folder with one
// ECDSA key and its seal certificate, as sign's own PKCS#11 test does.
func softHSMToken(t *testing.T) {
	t.Helper()
	util, err := exec.LookPath("softhsm2-util")
	if err != nil {
		t.Fatal("softhsm2-util not found: install softhsm2 (apt-get install -y softhsm2)")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	os.Mkdir(filepath.Join(dir, "tokens"), 0o700)
	os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(dir, "tokens")+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600)
	t.Setenv("SOFTHSM2_CONF", conf)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(util, args...).CombinedOutput(); err != nil {
			t.Fatalf("softhsm2-util %v: %v\n%s", args, err, out)
		}
	}
	run("--init-token", "--free", "--label", "Rathaus", "--pin", "1234", "--so-pin", "87654321")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	p := filepath.Join(dir, "key.pem")
	os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	run("--import", p, "--token", "Rathaus", "--label", "Siegel", "--id", "01", "--pin", "1234")
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "Siegel Gemeinde Musterhausen"},
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(2, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature,
	}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(certDER)
	ctx, err := crypto11.Configure(&crypto11.Config{Path: softHSMModule, TokenLabel: "Rathaus", Pin: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ctx.ImportCertificateWithLabel([]byte{1}, []byte("Siegel"), cert); err != nil {
		t.Fatal(err)
	}
	ctx.Close()
}

func TestDecisionSignedOnToken(t *testing.T) {
	softHSMToken(t)
	a, _, c := decisionApp(t)
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS11, Module: softHSMModule, TokenLabel: "Rathaus"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SwitchClerk(demo.ClerkSachbearbeitung1); err != nil {
		t.Fatal(err)
	}
	d, err := a.StartDecision(c.ID, "bewilligung")
	if err != nil {
		t.Fatal(err)
	}
	d.Fee = false
	before := blobCount(t, a)
	_, err = previewAndSign(a, d, "0000")
	if e := uiError(t, err); e.Fields["secret"] == "" || !strings.Contains(e.Message, "PIN ist falsch") {
		t.Fatalf("wrong PIN: %+v", e)
	}
	if blobCount(t, a) != before {
		t.Fatal("a blob was stored after a wrong PIN")
	}
	res, err := previewAndSign(a, d, "1234")
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := a.db.Case(c.ID)
	path, _ := a.db.BlobPath(stored.Decisions[0].Document.SHA256)
	pdf, _ := os.ReadFile(path)
	infos, err := sign.Verify(pdf)
	if err != nil || len(infos) != 1 || !infos[0].Valid || infos[0].SignerName != "Siegel Gemeinde Musterhausen" {
		t.Fatalf("Verify = %+v, %v (result %+v)", infos, err, res.Notice)
	}

	// The token is gone (another label): nothing signed, the cause named.
	a.SwitchClerk(demo.ClerkAdministration)
	if _, err := a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS11, Module: softHSMModule, TokenLabel: "Landratsamt"}); err != nil {
		t.Fatal(err)
	}
	a.SwitchClerk(demo.ClerkSachbearbeitung1)
	a.Transition(c.ID, "bescheiden", "")
	a.Transition(c.ID, "wiedereroeffnen", "")
	d, _ = a.StartDecision(c.ID, "bewilligung")
	d.Fee = false
	_, err = previewAndSign(a, d, "1234")
	if e := uiError(t, err); !strings.Contains(e.Message, "Token wurde nicht gefunden") {
		t.Fatalf("missing token: %+v", e)
	}
}

// A library outside the module list is never loaded: one whose start-up code leaves a
// mark is stored as the token's module (as an older version allowed) and tried with
// "Schlüssel prüfen"; the mark must not appear. Loading it directly does leave it,
// so the test would see a load.
func TestSigningModuleOutsideListNeverLoaded(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Fatal("gcc not found (build-essential)")
	}
	dir := t.TempDir()
	mark := filepath.Join(dir, "loaded")
	src := filepath.Join(dir, "evil.c")
	os.WriteFile(src, []byte(`#include <stdio.h>
__attribute__((constructor)) static void ran(void) { FILE *f = fopen(MARK, "w"); if (f) fclose(f); }
`), 0o600)
	lib := filepath.Join(dir, "evil.so")
	if out, err := exec.Command(gcc, "-shared", "-fPIC", `-DMARK="`+mark+`"`, "-o", lib, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	a, _, _ := decisionApp(t)
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS11, Module: lib, TokenLabel: "Rathaus"}); err == nil {
		t.Fatal("a library outside the list was saved")
	}
	if err := a.db.UpdateSigningKey(func(k *store.SigningKey) error {
		k.Kind, k.Module, k.Token = keyKindPKCS11, lib, "Rathaus"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.TestSigningKey("1234"); err == nil {
		t.Fatal("a library outside the list opened")
	}
	if _, err := os.Stat(mark); err == nil {
		t.Fatal("the library outside the list was loaded")
	}
	if ctx, err := crypto11.Configure(&crypto11.Config{Path: lib, TokenLabel: "Rathaus", Pin: "1234"}); err == nil {
		ctx.Close()
	}
	if _, err := os.Stat(mark); err != nil {
		t.Fatal("control: loading the library directly left no mark, so the test proves nothing")
	}
}
