package demo

import (
	"crypto/rand"
	"fmt"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/store"
)

// Password is the password of every demo clerk, documented in the README and shown
// on the sign-in screen of a demo store (and only there). make demo-sync sets the
// same one at its OZG-Cloud.
const Password = "Musterhausen-Demo-2026"

// SeedPasswords gives the demo clerks of a demo store verifiers of Password, made
// with the Argon2id parameters p (identity.DefaultParams for the app; tests take
// cheap ones). Only verifiers are stored, as for every other user.
func SeedPasswords(db *store.DB, p identity.Params) error {
	for _, c := range Clerks() {
		v, err := identity.HashPassword(Password, p, rand.Reader)
		if err != nil {
			return fmt.Errorf("demo: password of %s: %w", c.ID, err)
		}
		if err := db.UpdateLocalUser(c.ID, func(u *store.LocalUser) error {
			u.Verifier = v
			return nil
		}); err != nil {
			return fmt.Errorf("demo: password of %s: %w", c.ID, err)
		}
	}
	return nil
}
