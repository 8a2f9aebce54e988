package demo

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/ozgcloud/desktop/sign"
	"github.com/ozgcloud/desktop/store"
)

// KeyPassword is the password of a demo store's signing key, shown in the demo's
// window so that a demo can sign out of the box.
const KeyPassword = "demo"

// SeedKey makes a throw-away seal certificate for authority, valid for five years
// from now, and makes it the office's key of db, marked as a demo key (the window says
// "Demo-Schlüssel, nicht für echte Bescheide").
func SeedKey(db *store.DB, authority string, now time.Time) error {
	p12, err := sign.NewSealP12("Demo-Siegel "+authority+" (nicht für echte Bescheide)", authority+" (Demo)",
		now.Add(-24*time.Hour), now.AddDate(5, 0, 0), KeyPassword)
	if err != nil {
		return fmt.Errorf("demo: key: %w", err)
	}
	file, err := sign.StoreKeyFile(filepath.Join(db.Dir(), sign.KeyFolder), p12)
	if err != nil {
		return fmt.Errorf("demo: key: %w", err)
	}
	if err := db.UpdateSigningKey(func(k *store.SigningKey) error {
		*k = store.SigningKey{Kind: store.KeyPKCS12, File: file, FileName: "demo-siegel.p12", Demo: true}
		return nil
	}); err != nil {
		return fmt.Errorf("demo: key: %w", err)
	}
	return nil
}
