package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Settings are what this PC keeps besides the cases: the tenant's org units, the
// idle lock, the mailbox, the signing key and decision drafts. They are
// local: no mutation, never in the outbox, never synced. Each has its typed methods
// here and in settings_letters.go; the keys are listed in keys.go. A change of
// several keys is one transaction.

// Keys of the settings bucket (see keys.go).
const (
	keyOrgUnits     = "sync_orgunits"
	keyIdleLock     = "session.idle_lock"
	keyMail         = "mail.settings"
	keyMailImported = "mail.imported.today"
	keySignKind     = "sign.kind"
	keySignFile     = "sign.p12.file"
	keySignFileName = "sign.p12.name"
	keySignModule   = "sign.pkcs11.module"
	keySignToken    = "sign.pkcs11.token"
	keySignKeyLabel = "sign.pkcs11.key"
	keySignTSA      = "sign.tsa"
	keySignTSARoots = "sign.tsa.roots"
	keySignTSAName  = "sign.tsa.roots.name"
	keySignDemo     = "sign.demo"
	keyLetterhead   = "letters.letterhead"
	keyTemplates    = "letters.templates"
	keyRemedies     = "letters.remedies"
	keyDraftPrefix  = "decision.draft."
)

// viewSettings runs fn on the settings bucket in a read transaction.
func (db *DB) viewSettings(what string, fn func(b *bolt.Bucket) error) error {
	if err := db.bolt.View(func(tx *bolt.Tx) error { return fn(tx.Bucket(bucketSettings)) }); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// updateSettings runs fn on the settings bucket in one fsynced write transaction:
// every key fn puts or deletes is written together, or none is.
func (db *DB) updateSettings(what string, fn func(b *bolt.Bucket) error) error {
	return db.updateBucket(bucketSettings, what, fn)
}

// updateBucket runs fn on the bucket named name in one write transaction under the
// store's write lock; what names the operation in the error.
func (db *DB) updateBucket(name []byte, what string, fn func(b *bolt.Bucket) error) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket(name)) }); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// getJSON decodes key into v and says whether it was there. An empty value counts as
// missing: versions before the typed settings wrote "" instead of deleting.
func getJSON(b *bolt.Bucket, key string, v any) (bool, error) {
	raw := b.Get([]byte(key))
	if len(raw) == 0 {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put([]byte(key), raw)
}

// OrgUnit is an org unit (zuständige Stelle) of the tenant, from the central
// service's directory.
type OrgUnit struct {
	ID   string `json:"value"`
	Name string `json:"label"`
}

// OrgUnits returns the tenant's org units as the last directory fetch gave them;
// empty before the first.
func (db *DB) OrgUnits() ([]OrgUnit, error) {
	out := []OrgUnit{}
	err := db.viewSettings("org units", func(b *bolt.Bucket) error {
		_, err := getJSON(b, keyOrgUnits, &out)
		return err
	})
	return out, err
}

// SetOrgUnits keeps the tenant's org units; it writes nothing when they are the same.
func (db *DB) SetOrgUnits(units []OrgUnit) error {
	if units == nil {
		units = []OrgUnit{}
	}
	raw, err := json.Marshal(units)
	if err != nil {
		return fmt.Errorf("store: set org units: %w", err)
	}
	var same bool
	if err := db.viewSettings("org units", func(b *bolt.Bucket) error {
		same = string(b.Get([]byte(keyOrgUnits))) == string(raw)
		return nil
	}); err != nil || same {
		return err
	}
	return db.updateSettings("set org units", func(b *bolt.Bucket) error {
		return b.Put([]byte(keyOrgUnits), raw)
	})
}

// MailSettings is the mailbox the e-mail intake watches. It holds the password: never
// log it, never hand it to the UI.
type MailSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	TLS      string `json:"tls"`
	User     string `json:"user"`
	Password string `json:"password"`
	Folder   string `json:"folder"`
	CAFile   string `json:"caFile,omitempty"` // where the PEM came from, for the form
	CAPEM    string `json:"caPem,omitempty"`  // the CA certificates themselves
}

// Configured says whether a mailbox is set up.
func (s MailSettings) Configured() bool { return s.Host != "" && s.User != "" }

// MailSettings returns the mailbox; the zero value when none is set up.
func (db *DB) MailSettings() (MailSettings, error) {
	var s MailSettings
	err := db.viewSettings("mail settings", func(b *bolt.Bucket) error {
		_, err := getJSON(b, keyMail, &s)
		return err
	})
	return s, err
}

// SetMailSettings stores the mailbox.
func (db *DB) SetMailSettings(s MailSettings) error {
	return db.updateSettings("set mail settings", func(b *bolt.Bucket) error {
		return putJSON(b, keyMail, s)
	})
}

// DeleteMailSettings removes the mailbox. The import ledger stays, so a mailbox set
// up again imports nothing twice.
func (db *DB) DeleteMailSettings() error {
	return db.updateSettings("delete mail settings", func(b *bolt.Bucket) error {
		return b.Delete([]byte(keyMail))
	})
}

// MailImported returns how many mails the intake imported on day (YYYY-MM-DD in the
// office's zone) as last stored; day is "" when nothing was stored yet.
func (db *DB) MailImported() (day string, n int, err error) {
	err = db.viewSettings("mails imported", func(b *bolt.Bucket) error {
		d, count, ok := strings.Cut(string(b.Get([]byte(keyMailImported))), " ")
		v, cerr := strconv.Atoi(count)
		if ok && cerr == nil && v >= 0 {
			day, n = d, v
		}
		return nil
	})
	return day, n, err
}

// SetMailImported keeps the number of mails imported on day.
func (db *DB) SetMailImported(day string, n int) error {
	return db.updateSettings("set mails imported", func(b *bolt.Bucket) error {
		return b.Put([]byte(keyMailImported), []byte(day+" "+strconv.Itoa(n)))
	})
}

// Kinds of signing key.
const (
	KeyPKCS12 = "pkcs12" // a PKCS#12 file copied into the data folder
	KeyPKCS11 = "pkcs11" // a token (smart card, HSM)
)

// SigningKey is the office's signing key as the administration set it up. Passwords
// and PINs are never stored.
type SigningKey struct {
	Kind     string // KeyPKCS12, KeyPKCS11 or "" when none is set up
	File     string // the PKCS#12 file's name in the data folder's key folder
	FileName string // the name the administration chose it under
	Module   string // the PKCS#11 library
	Token    string // the token's label
	KeyLabel string // the key's label on the token; "" = the only key
	TSA      string // the RFC 3161 timestamp service, "" = none
	// TSARoots is the PEM of the timestamp service's certificate or CA, as the
	// administration chose it; "" = the system's roots. TSARootsName is the file's
	// name, for the form.
	TSARoots, TSARootsName string
	// Demo: File is the throw-away key of a demo store. It belongs to the file, so
	// switching to a token and back keeps it.
	Demo bool
}

func (k *SigningKey) fields() []struct {
	key string
	val *string
} {
	return []struct {
		key string
		val *string
	}{
		{keySignKind, &k.Kind}, {keySignFile, &k.File}, {keySignFileName, &k.FileName},
		{keySignModule, &k.Module}, {keySignToken, &k.Token}, {keySignKeyLabel, &k.KeyLabel},
		{keySignTSA, &k.TSA}, {keySignTSARoots, &k.TSARoots}, {keySignTSAName, &k.TSARootsName},
	}
}

func readSigningKey(b *bolt.Bucket) SigningKey {
	var k SigningKey
	for _, f := range k.fields() {
		*f.val = string(b.Get([]byte(f.key)))
	}
	k.Demo = string(b.Get([]byte(keySignDemo))) == "1"
	return k
}

// SigningKey returns the key configuration; Kind is "" when none is set up.
func (db *DB) SigningKey() (SigningKey, error) {
	var k SigningKey
	err := db.viewSettings("signing key", func(b *bolt.Bucket) error {
		k = readSigningKey(b)
		return nil
	})
	return k, err
}

// UpdateSigningKey changes the key configuration in one transaction: fn gets the
// stored one and changes it; an error from fn writes nothing and is returned.
func (db *DB) UpdateSigningKey(fn func(k *SigningKey) error) error {
	return db.updateSettings("update signing key", func(b *bolt.Bucket) error {
		k := readSigningKey(b)
		if err := fn(&k); err != nil {
			return err
		}
		for _, f := range k.fields() {
			if err := putOrDelete(b, f.key, *f.val); err != nil {
				return err
			}
		}
		demo := ""
		if k.Demo {
			demo = "1"
		}
		return putOrDelete(b, keySignDemo, demo)
	})
}

func putOrDelete(b *bolt.Bucket, key, val string) error {
	if val == "" {
		return b.Delete([]byte(key))
	}
	return b.Put([]byte(key), []byte(val))
}
