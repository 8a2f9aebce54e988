package store

import (
	"encoding/json"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/identity"
)

// Absence is an absence with a substitute (Vertretung) as this PC knows it: from the
// OZG-Cloud's directory, or recorded here. On a PC connected to the OZG-Cloud an
// absence recorded here is Pending until the service has recorded it (the sync sends
// it when online); Refused holds the service's German reason when it refused it.
type Absence struct {
	identity.Absence
	By      string `json:"by"`                // who recorded it here
	Pending bool   `json:"pending,omitempty"` // to be sent to the OZG-Cloud
	Delete  bool   `json:"delete,omitempty"`  // with Pending: its removal is to be sent
	Refused string `json:"refused,omitempty"`
}

// Absences returns the absences this PC knows, by first day, then ID.
func (db *DB) Absences() ([]Absence, error) {
	out, err := readAll[Absence](db, bucketAbsences, "absence")
	if err != nil {
		return nil, fmt.Errorf("store: absences: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].From.Equal(out[j].From) {
			return out[i].From.Before(out[j].From)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// PutAbsence records an absence here (or replaces the one with its ID). The caller
// has checked it with identity.CheckAbsence against the others.
func (db *DB) PutAbsence(a Absence) error {
	if a.ID == "" {
		return fmt.Errorf("store: put absence: no ID")
	}
	return db.updateAbsences("put absence "+a.ID, func(b *bolt.Bucket) error {
		return putJSON(b, a.ID, a)
	})
}

// DeleteAbsence removes the absence id here, whatever its state.
func (db *DB) DeleteAbsence(id string) error {
	return db.updateAbsences("delete absence "+id, func(b *bolt.Bucket) error {
		return b.Delete([]byte(id))
	})
}

// SetDirectoryAbsences replaces the absences the OZG-Cloud had recorded with those
// of its directory; absences still to be sent, and refused ones the clerk has not
// removed yet, stay.
func (db *DB) SetDirectoryAbsences(list []identity.Absence) error {
	return db.updateAbsences("directory absences", func(b *bolt.Bucket) error {
		var drop [][]byte
		if err := b.ForEach(func(k, v []byte) error {
			var a Absence
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("decode absence %s: %w", k, err)
			}
			if !a.Pending && a.Refused == "" {
				drop = append(drop, k)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range drop {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		for _, x := range list {
			var old Absence
			if ok, err := getJSON(b, x.ID, &old); err != nil || (ok && (old.Pending || old.Refused != "")) {
				continue // what was done here wins until the service has answered it
			}
			if err := putJSON(b, x.ID, Absence{Absence: x}); err != nil {
				return err
			}
		}
		return nil
	})
}

// AbsenceSent records the service's answer to a pending absence: stored is the
// absence as the service recorded it, or nil when it was removed; refused, when not
// "", is the service's reason for refusing it, and the absence stays listed with it.
func (db *DB) AbsenceSent(id string, stored *identity.Absence, refused string) error {
	return db.updateAbsences("absence sent "+id, func(b *bolt.Bucket) error {
		var a Absence
		ok, err := getJSON(b, id, &a)
		switch {
		case err != nil || !ok:
			return err
		case refused != "":
			a.Pending, a.Refused = false, refused
			return putJSON(b, id, a)
		case stored == nil:
			return b.Delete([]byte(id))
		}
		a.Absence, a.Pending, a.Delete, a.Refused = *stored, false, false, ""
		return putJSON(b, id, a)
	})
}

func (db *DB) updateAbsences(what string, fn func(b *bolt.Bucket) error) error {
	return db.updateBucket(bucketAbsences, what, fn)
}
