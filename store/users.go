package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
)

// LocalUser is what this PC keeps to sign a clerk in: an Argon2id verifier, never a
// password; the lockout of this PC; the grant the OZG-Cloud issued this PC for the
// clerk (a PC connected to it); and the invitation of a PC that is not connected,
// whose administration creates its users here. It is local: never synced.
type LocalUser struct {
	// Verifier is identity.HashPassword's string; "" = no password on this PC yet.
	Verifier string           `json:"verifier,omitempty"`
	Lockout  identity.Lockout `json:"lockout,omitzero"`
	// Grant is the token of the clerk's grant on this PC, issued by the service at
	// GrantIssued (its clock) until GrantExpires. On a connected PC the verifier came
	// with the grant: the service's GrantsNotBefore voids both.
	Grant        string    `json:"grant,omitempty"`
	GrantIssued  time.Time `json:"grantIssued,omitzero"`
	GrantExpires time.Time `json:"grantExpires,omitzero"`
	// Invitation is the one-time code of a PC that is not connected (only its hash).
	Invitation *identity.Invitation `json:"invitation,omitempty"`
	// Deactivated is when the administration (here or at the OZG-Cloud) ended the
	// account; zero while it is active.
	Deactivated time.Time `json:"deactivated,omitzero"`
}

// Active reports whether the user may sign in at all.
func (u LocalUser) Active() bool { return u.Deactivated.IsZero() }

// LocalUser returns what this PC keeps of the clerk id; the zero LocalUser when it
// keeps nothing.
func (db *DB) LocalUser(id string) (LocalUser, error) {
	var u LocalUser
	err := db.bolt.View(func(tx *bolt.Tx) error {
		_, err := readUser(tx.Bucket(bucketUsers), id, &u)
		return err
	})
	if err != nil {
		return LocalUser{}, fmt.Errorf("store: local user %s: %w", id, err)
	}
	return u, nil
}

func readUser(b *bolt.Bucket, id string, u *LocalUser) (bool, error) {
	v := b.Get([]byte(id))
	if v == nil {
		return false, nil
	}
	return true, json.Unmarshal(v, u)
}

// LocalUsers returns what this PC keeps of each clerk, by clerk ID.
func (db *DB) LocalUsers() (map[string]LocalUser, error) {
	out := map[string]LocalUser{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			var u LocalUser
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("decode user %s: %w", k, err)
			}
			out[string(k)] = u
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: local users: %w", err)
	}
	return out, nil
}

// UpdateLocalUser changes what this PC keeps of the clerk id in one transaction: fn
// gets the stored record (the zero one when there is none) and changes it; an error
// from fn writes nothing and is returned. The clerk must exist (ErrNotFound).
func (db *DB) UpdateLocalUser(id string, fn func(u *LocalUser) error) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketClerks).Get([]byte(id)) == nil {
			return ErrNotFound
		}
		return updateUser(tx.Bucket(bucketUsers), id, fn)
	})
	if err != nil {
		return fmt.Errorf("store: update local user %s: %w", id, err)
	}
	return nil
}

func updateUser(b *bolt.Bucket, id string, fn func(u *LocalUser) error) error {
	var u LocalUser
	if _, err := readUser(b, id, &u); err != nil {
		return fmt.Errorf("decode user %s: %w", id, err)
	}
	if err := fn(&u); err != nil {
		return err
	}
	v, err := json.Marshal(u)
	if err != nil {
		return err
	}
	return b.Put([]byte(id), v)
}

// AddLocalUser adds a clerk and what this PC keeps to sign them in, in one
// transaction: the local administration's new user. ErrExists when the clerk ID is
// taken; a *model.ValidationError as PutClerk.
func (db *DB) AddLocalUser(c model.Clerk, u LocalUser) error {
	b, err := encodeClerk("add local user", c)
	if err != nil {
		return err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		clerks := tx.Bucket(bucketClerks)
		if clerks.Get([]byte(c.ID)) != nil {
			return ErrExists
		}
		if err := clerks.Put([]byte(c.ID), b); err != nil {
			return err
		}
		return updateUser(tx.Bucket(bucketUsers), c.ID, func(x *LocalUser) error { *x = u; return nil })
	})
	if err != nil {
		return fmt.Errorf("store: add local user %s: %w", c.ID, err)
	}
	return nil
}

// GrantKey returns the OZG-Cloud's public key for grants (base64, as the service
// publishes it); "" before enrollment or from a service without one.
func (db *DB) GrantKey() (string, error) {
	id, err := db.SyncIdentity()
	if err != nil {
		return "", err
	}
	return id.GrantKey, nil
}

// SetGrantKey keeps the OZG-Cloud's public key for grants (from its directory); it
// writes nothing when the key is the same. ErrNotEnrolled before enrollment.
func (db *DB) SetGrantKey(key string) error {
	if old, err := db.GrantKey(); err != nil || old == key {
		return err
	}
	return db.updateBucket(bucketSync, "set grant key", func(sb *bolt.Bucket) error {
		id, err := readIdentity(sb)
		if err != nil || id.GrantKey == key {
			return err
		}
		id.GrantKey = key
		b, err := json.Marshal(id)
		if err != nil {
			return err
		}
		return sb.Put(syncIdentity, b)
	})
}

// DefaultIdleLock is how long the window stays open without input before it locks,
// unless the administration sets another time.
const DefaultIdleLock = 10 * time.Minute

// IdleLock returns the time without input after which the window locks.
func (db *DB) IdleLock() (time.Duration, error) {
	d := DefaultIdleLock
	err := db.viewSettings("idle lock", func(b *bolt.Bucket) error {
		var secs int64
		ok, err := getJSON(b, keyIdleLock, &secs)
		if ok && secs > 0 {
			d = time.Duration(secs) * time.Second
		}
		return err
	})
	return d, err
}

// SetIdleLock keeps the time without input after which the window locks; zero or
// less is back to DefaultIdleLock. It keeps whole seconds.
func (db *DB) SetIdleLock(d time.Duration) error {
	return db.updateSettings("set idle lock", func(b *bolt.Bucket) error {
		if d <= 0 {
			return b.Delete([]byte(keyIdleLock))
		}
		return putJSON(b, keyIdleLock, int64(d/time.Second))
	})
}
