package app

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sign"
	"github.com/ozgcloud/desktop/store"
)

// The office's signing key is a store setting (store.SigningKey); a PKCS#12 file is
// copied into the data folder's sign.KeyFolder. Passwords and PINs are never stored.
const (
	keyKindPKCS12 = store.KeyPKCS12
	keyKindPKCS11 = store.KeyPKCS11
)

// signKeyMu serialises changes of the key configuration.
var signKeyMu sync.Mutex

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
	db     *store.DB
	folder string // the key files' folder
	// modules reads the PKCS#11 modules this PC may load, fixed at installation
	// outside the app (sign.ModuleConfigPath); read at each use, so that an
	// administrator's change needs no restart.
	modules func() (sign.ModuleList, error)
}

func newKeyring(e Env) keyring {
	k := keyring{db: e.DB, folder: filepath.Join(e.DataDir, sign.KeyFolder), modules: e.Modules}
	if k.modules == nil {
		k.modules = func() (sign.ModuleList, error) { return sign.LoadModuleList(sign.ModuleConfigPath()) }
	}
	return k
}

// config returns the stored configuration, with Demo only for a demo key file that
// is in use: the flag belongs to the file, so switching to a token and back keeps it.
func (a keyring) config() (store.SigningKey, error) {
	c, err := a.db.SigningKey()
	if err != nil {
		return store.SigningKey{}, toError(err)
	}
	c.Demo = c.Demo && c.Kind == keyKindPKCS12
	return c, nil
}

func keyView(c store.SigningKey, clerk model.Clerk) SigningKeyView {
	v := SigningKeyView{
		Kind: c.Kind, Label: keyLabel(c.Kind), TSAURL: c.TSA, TSARoots: c.TSARootsName, Demo: c.Demo,
		MayEdit: clerk.Role == model.RoleAdministration,
	}
	switch c.Kind {
	case keyKindPKCS12:
		v.FileName, v.SecretLabel = c.FileName, labelPassword
	case keyKindPKCS11:
		v.Module, v.TokenLabel, v.KeyLabel, v.SecretLabel = c.Module, c.Token, c.KeyLabel, labelPIN
	}
	if c.Demo {
		v.DemoPassword = demo.KeyPassword
	}
	return v
}

// SigningKey says which key the office signs with.
func (a *Signing) SigningKey() (SigningKeyView, error) {
	if _, err := a.me(); err != nil {
		return SigningKeyView{}, err
	}
	c, err := a.keys.config()
	if err != nil {
		return SigningKeyView{}, err
	}
	return keyView(c, a.current()), nil
}

func (a *Signing) mayEditKey() error {
	_, err := a.admin(msgKeyAdminOnly)
	return err
}

// ChooseSigningKeyFile asks for a PKCS#12 file, checks that it is one, copies it into
// the data folder and makes it the office's key (administration only).
func (a *Signing) ChooseSigningKeyFile() (SigningKeyView, error) {
	if err := a.mayEditKey(); err != nil {
		return SigningKeyView{}, err
	}
	path, err := a.win.chooseOne(titleChooseKeyFile)
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
	data, err := sign.ReadPKCS12File(path)
	switch {
	case errors.Is(err, sign.ErrTooLarge):
		return SigningKeyView{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf(msgKeyFileTooLarge, name)}
	case errors.Is(err, sign.ErrBadFile), errors.Is(err, sign.ErrNoKey):
		return SigningKeyView{}, &Error{Code: CodeInvalid, Message: fmt.Sprintf(msgKeyFileBad, name)}
	case err != nil:
		return SigningKeyView{}, unreadable(name)
	}
	file, err := sign.StoreKeyFile(a.keys.folder, data)
	if err != nil {
		return SigningKeyView{}, &Error{Code: CodeStore, Message: msgKeyFileNotStored}
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
			fields["tsaUrl"] = fieldTSAURL
		}
	}
	switch in.Kind {
	case keyKindPKCS12:
		if cur.File == "" {
			fields["file"] = fieldKeyFileFirst
		}
	case keyKindPKCS11:
		in.TokenLabel, in.KeyLabel = strings.TrimSpace(in.TokenLabel), strings.TrimSpace(in.KeyLabel)
		if msg := a.keys.checkModule(in.Module); msg != "" {
			fields["module"] = msg
		}
		if in.TokenLabel == "" {
			fields["tokenLabel"] = fieldTokenLabel
		}
	default:
		fields["kind"] = fieldKeyKind
	}
	if len(fields) > 0 {
		return SigningKeyView{}, &Error{Code: CodeInvalid, Message: msgCheckFieldsNothingChanged, Fields: fields}
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

// SigningModules lists the PKCS#11 modules installed on this PC that the list fixed
// at installation allows, for the settings' choice (administration only). The page
// chooses one of them; it never names a library itself.
func (a *Signing) SigningModules() ([]Option, error) {
	if err := a.mayEditKey(); err != nil {
		return nil, err
	}
	l, err := a.keys.modules()
	if err != nil {
		a.log.Warn("PKCS#11 module list unreadable", "err", err)
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf(msgModuleListBad, sign.ModuleConfigPath())}
	}
	out := []Option{}
	for _, p := range l.Paths() {
		out = append(out, Option{Value: p, Label: p})
	}
	return out, nil
}

// checkModule says in German why module may not be chosen, or "" when it is on the
// installation's list and installed where only administrators can change it.
func (a keyring) checkModule(module string) string {
	if module == "" {
		return fieldModule
	}
	l, err := a.modules()
	if err != nil {
		return fmt.Sprintf(msgModuleListBad, sign.ModuleConfigPath())
	}
	switch err := l.Check(module); {
	case err == nil:
		return ""
	case errors.Is(err, sign.ErrTokenMissing):
		return fieldModuleMissing
	default:
		return fmt.Sprintf(fieldModuleNotListed, sign.ModuleConfigPath())
	}
}

// TestSigningKey opens the key with the password or PIN and describes its
// certificate; nothing is stored.
func (a *Signing) TestSigningKey(secret string) (SigningKeyView, error) {
	if _, err := a.me(); err != nil {
		return SigningKeyView{}, err
	}
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
	h := sign.Describe(s)
	v.Subject, v.KeyType, v.ValidUntil = h.Subject, h.KeyType, h.NotAfter.In(a.loc).Format(dateLayout)
	return v, nil
}

// open opens the configured key with secret. The error is a German *Error that names
// the cause; the secret appears in no error and no log.
func (a keyring) open(c store.SigningKey, secret string, now time.Time) (sign.Signer, func(), error) {
	var s sign.Signer
	closeKey := func() {}
	var err error
	switch c.Kind {
	case keyKindPKCS12:
		data, rerr := sign.ReadKeyFile(a.folder, c.File)
		if rerr != nil {
			return nil, nil, &Error{Code: CodeNotFound, Message: msgKeyFileMissing}
		}
		s, err = sign.LoadPKCS12(data, secret, now)
	case keyKindPKCS11:
		// A module stored before the list existed, or by an older version, is
		// checked again: sign refuses whatever is not on the list.
		l, lerr := a.modules()
		if lerr != nil {
			return nil, nil, &Error{Code: CodeNotAllowed, Message: fmt.Sprintf(msgModuleListBad, sign.ModuleConfigPath())}
		}
		var tok *sign.Token
		tok, err = sign.OpenPKCS11(sign.TokenConfig{Module: c.Module, TokenLabel: c.Token, KeyLabel: c.KeyLabel, PIN: secret, Modules: l}, now)
		if err == nil {
			s, closeKey = tok, func() { tok.Close() }
		}
	default:
		return nil, nil, &Error{Code: CodeNotFound, Message: msgNoKey}
	}
	if err != nil {
		return nil, nil, signError(err)
	}
	return s, closeKey, nil
}

// signError turns an error of package sign into what the clerk reads.
func signError(err error) *Error {
	msg := fmt.Sprintf(msgNothingSignedNorSaved, signMessage(err))
	switch {
	case errors.Is(err, sign.ErrWrongPassword), errors.Is(err, sign.ErrWrongPIN):
		return &Error{Code: CodeInvalid, Message: msg, Fields: map[string]string{"secret": signMessage(err)}}
	case errors.Is(err, sign.ErrTokenMissing), errors.Is(err, sign.ErrNoKey):
		return &Error{Code: CodeNotFound, Message: msg}
	}
	return &Error{Code: CodeNotAllowed, Message: msg}
}

// timestamper returns the configured timestamp service, or nil. Its tokens must
// chain to the TSA certificate or CA the administration chose; without one, to the
// system's roots, so that a token signed by anyone on the way (the request goes over
// plain HTTP as a rule) is refused and the letter is signed without a timestamp
// rather than claiming one.
//
// The token's time is checked against the PC's real clock (sign's default), which
// is what the service answers by.
func timestamper(c store.SigningKey) sign.Timestamper {
	if c.TSA == "" {
		return nil
	}
	t := &sign.TSA{URL: c.TSA, Client: &http.Client{Timeout: 8 * time.Second}}
	if c.TSARoots != "" {
		t.Roots = x509.NewCertPool()
		t.Roots.AppendCertsFromPEM([]byte(c.TSARoots))
	} else if pool, err := x509.SystemCertPool(); err == nil {
		t.Roots = pool
	} else {
		t.Roots = x509.NewCertPool() // trusts nothing: never "mit Zeitstempel" unchecked
	}
	return t
}

// ChooseTSACertificate asks for the timestamp service's certificate or its CA (PEM)
// in the native dialog and keeps its certificates in the store; tokens must then
// chain to it (administration only).
func (a *Signing) ChooseTSACertificate() (SigningKeyView, error) {
	if err := a.mayEditKey(); err != nil {
		return SigningKeyView{}, err
	}
	path, err := a.win.chooseOne(titleChooseTSACert)
	if err != nil || path == "" {
		if err != nil {
			return SigningKeyView{}, err
		}
		return a.SigningKey()
	}
	text, msg := readCAFile(path)
	if msg != "" {
		return SigningKeyView{}, &Error{Code: CodeInvalid, Message: msg, Fields: map[string]string{"tsaRoots": msg}}
	}
	return a.setTSARoots(text, filepath.Base(path))
}

// ClearTSACertificate goes back to the system's roots for the timestamp service
// (administration only).
func (a *Signing) ClearTSACertificate() (SigningKeyView, error) {
	if err := a.mayEditKey(); err != nil {
		return SigningKeyView{}, err
	}
	return a.setTSARoots("", "")
}

func (a *Signing) setTSARoots(pemText, name string) (SigningKeyView, error) {
	signKeyMu.Lock()
	err := a.db.UpdateSigningKey(func(k *store.SigningKey) error {
		k.TSARoots, k.TSARootsName = pemText, name
		return nil
	})
	signKeyMu.Unlock()
	if err != nil {
		return SigningKeyView{}, toError(err)
	}
	a.log.Info("timestamp service certificate set", "own", pemText != "", "by", a.current().ID)
	return a.SigningKey()
}
