package store

import (
	"encoding/json"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// Municipality is the authority this desktop works for.
type Municipality struct {
	Name        string `json:"name"`
	Tenant      string `json:"tenant"`
	OrgUnit     string `json:"orgUnit"`
	OrgUnitName string `json:"orgUnitName"`
	Street      string `json:"street"`
	PostalCode  string `json:"postalCode"`
	City        string `json:"city"`
	// Contact and bank details: the default letterhead of decisions until the
	// administration saves its own.
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	BankName string `json:"bankName,omitempty"`
	IBAN     string `json:"iban,omitempty"`
	BIC      string `json:"bic,omitempty"`
	Demo     bool   `json:"demo"`
}

// Municipality returns the municipality, or an error wrapping ErrNotFound before
// SetMunicipality was called.
func (db *DB) Municipality() (Municipality, error) {
	m, err := view(db, "municipality", func(tx *bolt.Tx) (Municipality, error) { return readMunicipality(tx.Bucket(bucketMeta)) })
	if err != nil {
		return Municipality{}, err
	}
	return m, nil
}

func readMunicipality(meta *bolt.Bucket) (Municipality, error) {
	var m Municipality
	ok, err := getJSON(meta, string(metaMunicipality), &m)
	if err == nil && !ok {
		err = ErrNotFound
	}
	return m, err
}

// SetMunicipality stores the municipality.
func (db *DB) SetMunicipality(m Municipality) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("store: set municipality: %w", err)
	}
	return db.updateBucket(bucketMeta, "set municipality", func(meta *bolt.Bucket) error {
		return meta.Put(metaMunicipality, b)
	})
}

// Clerks returns every clerk, sorted by name.
func (db *DB) Clerks() ([]model.Clerk, error) {
	out, err := readAll[model.Clerk](db, bucketClerks, "clerk")
	if err != nil {
		return nil, fmt.Errorf("store: clerks: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return index.Fold(out[i].Name) < index.Fold(out[j].Name)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Clerk returns the clerk with id, or an error wrapping ErrNotFound.
func (db *DB) Clerk(id string) (model.Clerk, error) {
	var c model.Clerk
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketClerks).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		return json.Unmarshal(v, &c)
	})
	if err != nil {
		return model.Clerk{}, fmt.Errorf("store: clerk %s: %w", id, err)
	}
	return c, nil
}

// PutClerk adds or replaces a clerk. When the name shown for the clerk's cases
// changes, their list rows change in the same transaction, and the cases go on the
// change feed (with a zero head: the cases themselves did not change). Errors: a
// *model.ValidationError for a missing ID or name or an unknown role.
func (db *DB) PutClerk(c model.Clerk) error {
	b, err := encodeClerk("put clerk", c)
	if err != nil {
		return err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	renamed := false
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		clerks := tx.Bucket(bucketClerks)
		shown := clerkNameCached(clerks, map[string]string{}, c.ID)
		if err := clerks.Put([]byte(c.ID), b); err != nil {
			return err
		}
		if shown == c.Name {
			return nil
		}
		renamed = true
		ids, err := renameInRows(tx.Bucket(bucketRows), c.ID, c.Name)
		cs := db.changeSet(tx)
		for _, id := range ids {
			cs.add(id, model.HistoryHead{})
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: put clerk %s: %w", c.ID, err)
	}
	if renamed {
		db.index().SetAssigneeName(c.ID, c.Name)
	}
	return nil
}

// encodeClerk checks c with validClerk and encodes it; what names the operation in
// the error.
func encodeClerk(what string, c model.Clerk) ([]byte, error) {
	if err := validClerk(c); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("store: %s %s: %w", what, c.ID, err)
	}
	return b, nil
}

// validClerk returns a *model.ValidationError for a missing ID or name or an unknown
// role.
func validClerk(c model.Clerk) error {
	errs := map[string]string{}
	if c.ID == "" {
		errs["id"] = "Die Kennung fehlt."
	}
	if c.Name == "" {
		errs["name"] = "Bitte einen Namen angeben."
	}
	if !c.Role.Valid() {
		errs["role"] = "Bitte eine Rolle wählen."
	}
	if len(errs) > 0 {
		return &model.ValidationError{Fields: errs}
	}
	return nil
}

// renameInRows sets the assignee name in every row of the clerk's cases and returns
// their IDs.
func renameInRows(rows *bolt.Bucket, clerkID, name string) ([]string, error) {
	var changed []index.Row
	if err := rows.ForEach(func(k, v []byte) error {
		var r index.Row
		if err := r.UnmarshalBinary(v); err != nil {
			return fmt.Errorf("row %s: %w", k, err)
		}
		if r.Assignee == clerkID && r.AssigneeName != name {
			r.AssigneeName = name
			changed = append(changed, r)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(changed))
	for _, r := range changed {
		b, err := r.MarshalBinary()
		if err != nil {
			return nil, err
		}
		if err := rows.Put([]byte(r.ID), b); err != nil {
			return nil, err
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}
