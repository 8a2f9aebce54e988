package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sign"
	"github.com/ozgcloud/desktop/store"
)

// The office's signing key is a store setting (store.SigningKey). A PKCS#12 file is
// copied into the data folder (keyDir); passwords and PINs are never stored.
const (
	keyKindPKCS12 = store.KeyPKCS12
	keyKindPKCS11 = store.KeyPKCS11

	keyDir = "schluessel"
	// maxKeyFile bounds what is read as a PKCS#12 file; real ones are a few KB.
	maxKeyFile = 1 << 20

	// DemoKeyPassword is the password of the demo store's throw-away key (README).
	DemoKeyPassword = "demo"
)

// signKeyMu serialises changes of the key configuration and the making of the demo key.
var signKeyMu sync.Mutex

// signConfig is the stored key configuration, with Demo only for a demo key file
// that is in use.
type signConfig = store.SigningKey

// Signing is the bound service of the office's signing key: which key it is, choosing
// and testing it (administration).
type Signing struct {
	base
	win  *Window
	keys keyring
}

// NewSigning returns the Signing service.
func NewSigning(e Env) *Signing {
	return &Signing{base: newBase(e), win: e.Window, keys: newKeyring(e)}
}

// keyring reads the key configuration and opens the key; Signing and Decisions share
// it.
type keyring struct {
	db      *store.DB
	dataDir string
	log     *slog.Logger
	now     func() time.Time
}

func newKeyring(e Env) keyring {
	b := newBase(e)
	return keyring{db: e.DB, dataDir: e.DataDir, log: b.log, now: b.now}
}

// signConfig reads the configuration; a demo store without one gets its demo key here,
// the first time anyone asks.
func (a keyring) config() (signConfig, error) {
	signKeyMu.Lock()
	defer signKeyMu.Unlock()
	c, err := a.read()
	if err != nil || c.Kind != "" {
		return c, err
	}
	m, err := a.db.Municipality()
	if err != nil || !m.Demo {
		return c, nil
	}
	if err := a.makeDemoKey(m.Name); err != nil {
		a.log.Error("demo signing key not made", "err", err)
		return c, nil
	}
	return a.read()
}

func (a keyring) read() (signConfig, error) {
	c, err := a.db.SigningKey()
	if err != nil {
		return signConfig{}, toError(err)
	}
	// The demo flag belongs to the file: switching to a token and back keeps it.
	c.Demo = c.Demo && c.Kind == keyKindPKCS12
	return c, nil
}

// makeDemoKey makes a throw-away ECDSA P-256 seal certificate for the demo store, so
// that a demo can sign out of the box; its password is DemoKeyPassword.
func (a keyring) makeDemoKey(authority string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("app: demo key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return fmt.Errorf("app: demo key: %w", err)
	}
	now := a.now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			CommonName:   "Demo-Siegel " + authority + " (nicht für echte Bescheide)",
			Organization: []string{authority + " (Demo)"},
		},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return fmt.Errorf("app: demo certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("app: demo certificate: %w", err)
	}
	p12, err := pkcs12.Modern.Encode(key, cert, nil, DemoKeyPassword)
	if err != nil {
		return fmt.Errorf("app: demo pkcs12: %w", err)
	}
	file, err := a.storeKeyFile(p12)
	if err != nil {
		return err
	}
	return a.db.UpdateSigningKey(func(k *store.SigningKey) error {
		k.Kind, k.File, k.FileName, k.Demo = keyKindPKCS12, file, "demo-siegel.p12", true
		return nil
	})
}

// storeKeyFile writes a PKCS#12 file under keyDir, named by its content, readable by
// the user only, and returns its name.
func (a keyring) storeKeyFile(data []byte) (string, error) {
	dir := filepath.Join(a.dataDir, keyDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("app: key folder: %w", err)
	}
	sum := sha256.Sum256(data)
	name := "siegel-" + hex.EncodeToString(sum[:8]) + ".p12"
	tmp, err := os.CreateTemp(dir, "tmp-*")
	if err != nil {
		return "", fmt.Errorf("app: key file: %w", err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("app: key file: %w", werr)
	}
	return name, nil
}

func keyLabel(kind string) string {
	switch kind {
	case keyKindPKCS12:
		return "PKCS#12-Datei (fortgeschrittenes Siegel)"
	case keyKindPKCS11:
		return "Token (qualifiziertes Siegel möglich)"
	}
	return "Kein Schlüssel eingerichtet"
}

func keyView(c signConfig, clerk model.Clerk) SigningKeyView {
	v := SigningKeyView{
		Kind: c.Kind, Label: keyLabel(c.Kind), TSAURL: c.TSA, Demo: c.Demo,
		MayEdit: clerk.Role == model.RoleAdministration,
	}
	switch c.Kind {
	case keyKindPKCS12:
		v.FileName, v.SecretLabel = c.FileName, "Passwort"
	case keyKindPKCS11:
		v.Module, v.TokenLabel, v.KeyLabel, v.SecretLabel = c.Module, c.Token, c.KeyLabel, "PIN"
	}
	if c.Demo {
		v.DemoPassword = DemoKeyPassword
	}
	return v
}

// SigningKey says which key the office signs with.
func (a *Signing) SigningKey() (SigningKeyView, error) {
	c, err := a.keys.config()
	if err != nil {
		return SigningKeyView{}, err
	}
	return keyView(c, a.current()), nil
}

func (a *Signing) mayEditKey() error {
	if a.current().Role != model.RoleAdministration {
		return &Error{Code: CodeNotAllowed, Message: "Den Signaturschlüssel richtet nur die Administration ein."}
	}
	return nil
}

// ChooseSigningKeyFile asks for a PKCS#12 file, checks that it is one, copies it into
// the data folder and makes it the office's key (administration only).
func (a *Signing) ChooseSigningKeyFile() (SigningKeyView, error) {
	if err := a.mayEditKey(); err != nil {
		return SigningKeyView{}, err
	}
	path, err := a.win.chooseOne("Schlüsseldatei (PKCS#12, .p12 oder .pfx) wählen")
	if err != nil {
		return SigningKeyView{}, err
	}
	if path == "" {
		return a.SigningKey()
	}
	return a.setKeyFile(path)
}

func (a *Signing) setKeyFile(path string) (SigningKeyView, error) {
	name := filepath.Base(path)
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return SigningKeyView{}, unreadable(name)
	}
	if st.Size() > maxKeyFile {
		return SigningKeyView{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("Die Datei „%s“ ist keine PKCS#12-Schlüsseldatei (zu groß). Es wurde nichts geändert.", name)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return SigningKeyView{}, unreadable(name)
	}
	// Without the password only the structure can be checked: a wrong password is
	// what a real key file answers to the empty one.
	if _, err := sign.LoadPKCS12(data, "", a.now()); errors.Is(err, sign.ErrBadFile) || errors.Is(err, sign.ErrNoKey) {
		return SigningKeyView{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf("Die Datei „%s“ ist keine lesbare PKCS#12-Schlüsseldatei. Es wurde nichts geändert.", name)}
	}
	file, err := a.keys.storeKeyFile(data)
	if err != nil {
		return SigningKeyView{}, &Error{Code: CodeStore, Message: "Die Schlüsseldatei konnte nicht im Datenordner abgelegt werden. Es wurde nichts geändert."}
	}
	signKeyMu.Lock()
	err = a.db.UpdateSigningKey(func(k *store.SigningKey) error {
		k.Kind, k.File, k.FileName, k.Demo = keyKindPKCS12, file, name, false
		return nil
	})
	signKeyMu.Unlock()
	if err != nil {
		return SigningKeyView{}, toError(err)
	}
	a.log.Info("signing key file set", "by", a.current().ID)
	return a.SigningKey()
}

// SaveSigningKey stores the kind of key, the token's coordinates and the timestamp
// service (administration only). Choosing "pkcs12" keeps the file chosen before.
func (a *Signing) SaveSigningKey(in SigningKeyInput) (SigningKeyView, error) {
	if err := a.mayEditKey(); err != nil {
		return SigningKeyView{}, err
	}
	cur, err := a.keys.config()
	if err != nil {
		return SigningKeyView{}, err
	}
	fields := map[string]string{}
	in.TSAURL = strings.TrimSpace(in.TSAURL)
	if in.TSAURL != "" {
		u, err := url.Parse(in.TSAURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			fields["tsaUrl"] = "Bitte eine Adresse mit http:// oder https:// angeben."
		}
	}
	switch in.Kind {
	case keyKindPKCS12:
		if cur.File == "" {
			fields["file"] = "Bitte zuerst die Schlüsseldatei wählen."
		}
	case keyKindPKCS11:
		in.Module, in.TokenLabel, in.KeyLabel = strings.TrimSpace(in.Module), strings.TrimSpace(in.TokenLabel), strings.TrimSpace(in.KeyLabel)
		if in.Module == "" {
			fields["module"] = "Bitte den Pfad der PKCS#11-Bibliothek angeben."
		} else if !filepath.IsAbs(in.Module) {
			fields["module"] = "Bitte den vollständigen Pfad angeben."
		}
		if in.TokenLabel == "" {
			fields["tokenLabel"] = "Bitte den Namen (Label) des Tokens angeben."
		}
	default:
		fields["kind"] = "Bitte die Art des Schlüssels wählen."
	}
	if len(fields) > 0 {
		return SigningKeyView{}, &Error{Code: CodeInvalid, Message: "Bitte prüfen Sie die markierten Angaben. Es wurde nichts geändert.", Fields: fields}
	}
	signKeyMu.Lock()
	err = a.db.UpdateSigningKey(func(k *store.SigningKey) error {
		k.Kind, k.TSA = in.Kind, in.TSAURL
		if in.Kind == keyKindPKCS11 {
			k.Module, k.Token, k.KeyLabel = in.Module, in.TokenLabel, in.KeyLabel
		}
		return nil
	})
	signKeyMu.Unlock()
	if err != nil {
		return SigningKeyView{}, toError(err)
	}
	a.log.Info("signing key configured", "kind", in.Kind, "by", a.current().ID)
	return a.SigningKey()
}

// TestSigningKey opens the key with the password or PIN and describes its
// certificate; nothing is stored.
func (a *Signing) TestSigningKey(secret string) (SigningKeyView, error) {
	c, err := a.keys.config()
	if err != nil {
		return SigningKeyView{}, err
	}
	s, closeKey, err := a.keys.open(c, secret, a.now())
	if err != nil {
		return SigningKeyView{}, err
	}
	defer closeKey()
	v := keyView(c, a.current())
	cert := s.Chain()[0]
	v.Subject = cert.Subject.CommonName
	if o := cert.Subject.Organization; len(o) > 0 && o[0] != cert.Subject.CommonName {
		v.Subject += " (" + o[0] + ")"
	}
	v.ValidUntil = cert.NotAfter.In(a.loc).Format(dateLayout)
	v.KeyType = keyTypeName(cert)
	return v, nil
}

func keyTypeName(cert *x509.Certificate) string {
	switch k := cert.PublicKey.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	}
	if n := cert.PublicKey; n != nil {
		if pk, ok := n.(interface{ Size() int }); ok {
			return fmt.Sprintf("RSA %d", pk.Size()*8)
		}
	}
	return cert.PublicKeyAlgorithm.String()
}

// openSigner opens the configured key with secret. The error is a German *Error that
// names the cause; the secret appears in no error and no log.
func (a keyring) open(c signConfig, secret string, now time.Time) (sign.Signer, func(), error) {
	var s sign.Signer
	closeKey := func() {}
	var err error
	switch c.Kind {
	case keyKindPKCS12:
		data, rerr := os.ReadFile(filepath.Join(a.dataDir, keyDir, filepath.Base(c.File)))
		if rerr != nil {
			return nil, nil, &Error{Code: CodeNotFound, Message: "Die Schlüsseldatei fehlt im Datenordner. Bitte wenden Sie sich an die Administration, damit sie den Schlüssel neu einrichtet. Es wurde nichts unterschrieben."}
		}
		s, err = sign.LoadPKCS12(data, secret, now)
	case keyKindPKCS11:
		var tok *sign.Token
		tok, err = sign.OpenPKCS11(sign.TokenConfig{Module: c.Module, TokenLabel: c.Token, KeyLabel: c.KeyLabel, PIN: secret}, now)
		if err == nil {
			s, closeKey = tok, func() { tok.Close() }
		}
	default:
		return nil, nil, &Error{Code: CodeNotFound, Message: "Es ist noch kein Signaturschlüssel eingerichtet. Bitte wenden Sie sich an die Administration. Es wurde nichts unterschrieben."}
	}
	if err != nil {
		return nil, nil, signError(err)
	}
	return s, closeKey, nil
}

// signError turns an error of package sign into what the clerk reads.
func signError(err error) *Error {
	msg := sign.Message(err) + " Es wurde nichts unterschrieben und nichts gespeichert."
	switch {
	case errors.Is(err, sign.ErrWrongPassword), errors.Is(err, sign.ErrWrongPIN):
		return &Error{Code: CodeInvalid, Message: msg, Fields: map[string]string{"secret": sign.Message(err)}}
	case errors.Is(err, sign.ErrTokenMissing), errors.Is(err, sign.ErrNoKey):
		return &Error{Code: CodeNotFound, Message: msg}
	}
	return &Error{Code: CodeNotAllowed, Message: msg}
}

// timestamper returns the configured timestamp service, or nil.
func timestamper(c signConfig) sign.Timestamper {
	if c.TSA == "" {
		return nil
	}
	return &sign.TSA{URL: c.TSA, Client: &http.Client{Timeout: 8 * time.Second}}
}
