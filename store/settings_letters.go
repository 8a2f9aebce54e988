package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Letters is what the administration set up for decision letters. Nothing stored
// means the defaults: the letterhead made from the municipality, the shipped
// templates, the default remedy (Widerspruch at the authority). The letterhead is
// kept as the JSON of package decision's Letterhead, which owns its fields; the
// templates and remedies are the stored shapes of decision's Template and Remedy.
type Letters struct {
	Letterhead json.RawMessage // JSON of decision.Letterhead; nil: made from the municipality
	// Templates are the changed ones by ID; a shipped template not in it is used as
	// shipped.
	Templates map[string]LetterTemplate
	// Remedies by case type prefix (model.CaseType.Prefix); a type without one gets
	// the default.
	Remedies map[string]Remedy
}

// LetterTemplate is a template of the office's, with its text blocks.
type LetterTemplate struct {
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	Blocks []LetterBlock `json:"blocks"`
}

// LetterBlock is one text block of a template, placeholders kept.
type LetterBlock struct {
	Kind  string `json:"kind"`
	Title string `json:"title,omitempty"`
	Text  string `json:"text"`
}

// Remedy is the legal remedy of a case type: its kind, where to lodge it and the
// time limit.
type Remedy struct {
	Kind    string `json:"kind"`
	Body    string `json:"body"`
	Address string `json:"address"`
	Period  string `json:"period,omitempty"`
}

func readLetters(b *bolt.Bucket) (Letters, error) {
	l := Letters{Templates: map[string]LetterTemplate{}, Remedies: map[string]Remedy{}}
	if _, err := getJSON(b, keyLetterhead, &l.Letterhead); err != nil {
		return Letters{}, err
	}
	if _, err := getJSON(b, keyTemplates, &l.Templates); err != nil {
		return Letters{}, err
	}
	if _, err := getJSON(b, keyRemedies, &l.Remedies); err != nil {
		return Letters{}, err
	}
	return l, nil
}

// Letters returns the letter configuration; its maps are never nil.
func (db *DB) Letters() (Letters, error) {
	var l Letters
	err := db.viewSettings("letters", func(b *bolt.Bucket) error {
		var err error
		l, err = readLetters(b)
		return err
	})
	return l, err
}

// UpdateLetters changes the letter configuration in one transaction: fn gets the
// stored one and changes it; an error from fn writes nothing and is returned.
// Empty parts are deleted, so they read as the defaults again.
func (db *DB) UpdateLetters(fn func(l *Letters) error) error {
	return db.updateSettings("update letters", func(b *bolt.Bucket) error {
		l, err := readLetters(b)
		if err != nil {
			return err
		}
		if err := fn(&l); err != nil {
			return err
		}
		for _, p := range []struct {
			key   string
			empty bool
			val   any
		}{
			{keyLetterhead, len(l.Letterhead) == 0, l.Letterhead},
			{keyTemplates, len(l.Templates) == 0, l.Templates},
			{keyRemedies, len(l.Remedies) == 0, l.Remedies},
		} {
			if p.empty {
				err = b.Delete([]byte(p.key))
			} else {
				err = putJSON(b, p.key, p.val)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// DecisionDraft is a decision a clerk is writing for a case on this PC, kept until it
// is signed or discarded. It is no mutation and never syncs.
type DecisionDraft struct {
	TemplateID   string `json:"templateId"`
	TemplateName string `json:"templateName"`
	// Fee: the fee part is in the letter; FeeAmount is euros as typed ("25,00"),
	// FeeDue a date YYYY-MM-DD.
	Fee       bool         `json:"fee"`
	FeeAmount string       `json:"feeAmount"`
	FeeDue    string       `json:"feeDue"`
	Values    []DraftValue `json:"values"`
	Blocks    []DraftBlock `json:"blocks"`
	// Supersedes is the signed decision this one will replace ("" for none).
	Supersedes      string    `json:"supersedes"`
	SupersedesTitle string    `json:"supersedesTitle"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// DraftValue is the text the clerk typed for a placeholder the case cannot fill.
type DraftValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// DraftBlock is one text block of the draft, placeholders kept.
type DraftBlock struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// draftKey is the settings key of clerk's draft for the case.
func draftKey(clerkID, caseID string) string { return keyDraftPrefix + clerkID + "/" + caseID }

// Draft returns clerk's draft of the case, or an error wrapping ErrNotFound when the
// clerk has none. Drafts are per clerk: two clerks on one PC never see each other's.
func (db *DB) Draft(clerkID, caseID string) (DecisionDraft, error) {
	var d DecisionDraft
	err := db.viewSettings("draft of case "+caseID, func(b *bolt.Bucket) error {
		ok, err := getJSON(b, draftKey(clerkID, caseID), &d)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return err
	})
	return d, err
}

// PutDraft keeps clerk's draft of the case, replacing the one before.
func (db *DB) PutDraft(clerkID, caseID string, d DecisionDraft) error {
	if caseID == "" || clerkID == "" {
		return fmt.Errorf("store: put draft: no case or clerk ID")
	}
	return db.updateSettings("put draft of case "+caseID, func(b *bolt.Bucket) error {
		return putJSON(b, draftKey(clerkID, caseID), d)
	})
}

// DeleteDraft removes clerk's draft of the case; without one it does nothing.
func (db *DB) DeleteDraft(clerkID, caseID string) error {
	return db.updateSettings("delete draft of case "+caseID, func(b *bolt.Bucket) error {
		return b.Delete([]byte(draftKey(clerkID, caseID)))
	})
}

// moveLegacyDrafts gives each draft that a version before sign-in kept per case
// ("decision.draft." + case ID) to the clerk the case is assigned to, who alone could
// write a decision for it; a draft of a case without an assignee or that is gone is
// dropped, an empty one too.
func moveLegacyDrafts(tx *bolt.Tx) error {
	settings, cases := tx.Bucket(bucketSettings), tx.Bucket(bucketCases)
	type move struct{ from, to string }
	var moves []move
	c := settings.Cursor()
	prefix := []byte(keyDraftPrefix)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		caseID := string(k[len(prefix):])
		if strings.Contains(caseID, "/") {
			continue
		}
		m := move{from: string(k)}
		if c, err := getCase(cases, caseID); err == nil && c.Assignee != "" && len(settings.Get(k)) > 0 {
			m.to = draftKey(c.Assignee, caseID)
		}
		moves = append(moves, m)
	}
	for _, m := range moves {
		if m.to != "" {
			if err := settings.Put([]byte(m.to), bytes.Clone(settings.Get([]byte(m.from)))); err != nil {
				return err
			}
		}
		if err := settings.Delete([]byte(m.from)); err != nil {
			return err
		}
	}
	return nil
}
