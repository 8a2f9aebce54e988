package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// ErrMailEntry is returned for a ledger entry that lacks its folder's UIDVALIDITY,
// its UID or its hash.
var ErrMailEntry = errors.New("store: mail ledger entry incomplete")

// MailEntry records that one mail of the mailbox became (part of) a case. The JSON
// is the same as mail.Entry's.
type MailEntry struct {
	Folder   string    `json:"folder"`
	Validity uint32    `json:"validity"` // the folder's UIDVALIDITY
	UID      uint32    `json:"uid"`
	SHA256   string    `json:"sha256"` // hex, of the raw message
	CaseID   string    `json:"caseId"`
	At       time.Time `json:"at"`
}

func (e MailEntry) valid() error {
	if e.Validity == 0 || e.UID == 0 || !validSHA(e.SHA256) {
		return fmt.Errorf("%w: folder %q validity %d uid %d", ErrMailEntry, e.Folder, e.Validity, e.UID)
	}
	return nil
}

// MailImport is one mail to commit: either New, a case entered like Create, or
// Message, an incoming message added to the existing case CaseID. Entry is recorded
// in the mail ledger in the same transaction; its CaseID is filled in.
type MailImport struct {
	New     *model.Case
	CaseID  string
	Message model.Message
	Entry   MailEntry
}

func mailUIDKey(folder string, validity, uid uint32) []byte {
	k := make([]byte, 0, 1+len(folder)+1+8)
	k = append(k, 'u')
	k = append(k, folder...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint32(k, validity)
	return binary.BigEndian.AppendUint32(k, uid)
}

func mailHashKey(sha string) []byte { return append([]byte{'h'}, sha...) }

// ImportMail commits one mail: the new case (Create semantics: ID, file number,
// outbox) or the incoming message on an existing case (like Do with
// model.KindMessage), and its ledger entry, in one fsynced transaction. So a crash
// before the mail is moved away in the mailbox finds the entry on restart and
// imports nothing twice. A mail whose UID or content is already in the ledger is not
// imported again; ImportMail then returns the case it went to. Empty IDs of the
// message and of attachments are assigned, as are empty AddedAt and AddedBy.
func (db *DB) ImportMail(actor model.Clerk, in MailImport) (string, error) {
	ids, err := db.ImportMails(actor, []MailImport{in})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// ImportMails commits several mails as ImportMail does each, all in one fsynced
// transaction, and returns the case each went to, in order. One mail that cannot be
// committed fails the whole batch, and nothing of it is written.
func (db *DB) ImportMails(actor model.Clerk, ins []MailImport) ([]string, error) {
	for _, in := range ins {
		if err := in.Entry.valid(); err != nil {
			return nil, err
		}
		if (in.New == nil) == (in.CaseID == "") {
			return nil, fmt.Errorf("store: import mail: %w: either a new case or a case ID", model.ErrUnknownAction)
		}
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	ids := make([]string, len(ins))
	var rows []index.Row
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		rows = rows[:0]
		for i, in := range ins {
			id, row, err := db.importMailTx(tx, actor, in)
			if err != nil {
				return err
			}
			ids[i] = id
			if row != nil {
				rows = append(rows, *row)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: import mail: %w", err)
	}
	if len(rows) > 0 {
		db.indexRows(rows, false)
	}
	return ids, nil
}

// importMailTx writes one mail; row is nil when the ledger already had it.
func (db *DB) importMailTx(tx *bolt.Tx, actor model.Clerk, in MailImport) (caseID string, row *index.Row, err error) {
	ledger := tx.Bucket(bucketMailLedger)
	e := in.Entry
	if prev, ok, err := ledgerGet(ledger, mailUIDKey(e.Folder, e.Validity, e.UID)); err != nil || ok {
		return prev.CaseID, nil, err
	}
	if prev, ok, err := ledgerGet(ledger, mailHashKey(e.SHA256)); err != nil || ok {
		e.CaseID = prev.CaseID
		return prev.CaseID, nil, ledgerPut(ledger, e)
	}
	w := db.newWriter(tx)
	at := db.now().UTC()
	var (
		old *model.Case
		m   model.Mutation
	)
	if in.New != nil {
		c := *in.New
		c.Attachments, err = db.fillAttachments(c.Attachments, at, actor.ID)
		if err != nil {
			return "", nil, err
		}
		if err := db.prepareNew(w, &c); err != nil {
			return "", nil, err
		}
		m, err = model.NewMutation(c.ID, model.KindCreate, model.CreatePayload{Case: c})
	} else {
		if old, err = w.getCase(in.CaseID); err != nil {
			return "", nil, err
		}
		msg := in.Message
		if msg.ID == "" {
			if msg.ID, err = db.newID(); err != nil {
				return "", nil, err
			}
		}
		if msg.At.IsZero() {
			msg.At = at
		}
		if msg.Attachments, err = db.fillAttachments(msg.Attachments, at, actor.ID); err != nil {
			return "", nil, err
		}
		m, err = model.NewMutation(in.CaseID, model.KindMessage, model.MessagePayload{Message: msg})
	}
	if err != nil {
		return "", nil, err
	}
	m.At = at
	m.User = actor.ID
	db.stamp(w, &m)
	next, err := w.step(old, m, actor)
	if err != nil {
		return "", nil, err
	}
	r, err := w.finish(old, &next)
	if err != nil {
		return "", nil, err
	}
	if err := w.appendOutbox(m); err != nil {
		return "", nil, err
	}
	e.CaseID = next.ID
	return next.ID, &r, ledgerPut(ledger, e)
}

func (db *DB) fillAttachments(in []model.Attachment, at time.Time, by string) ([]model.Attachment, error) {
	if len(in) == 0 {
		return in, nil
	}
	out := append([]model.Attachment(nil), in...)
	for i := range out {
		if out[i].ID == "" {
			id, err := db.newID()
			if err != nil {
				return nil, err
			}
			out[i].ID = id
		}
		if out[i].AddedAt.IsZero() {
			out[i].AddedAt = at
		}
		if out[i].AddedBy == "" {
			out[i].AddedBy = by
		}
	}
	return out, nil
}

// RecordMail adds e to the mail ledger; recording it again changes nothing, and the
// first entry of a hash stays the one MailLedgerByHash returns.
func (db *DB) RecordMail(e MailEntry) error {
	if err := e.valid(); err != nil {
		return err
	}
	// The importer records each entry again after ImportMail committed it; a read
	// spares that second fsync.
	if prev, ok, err := db.MailLedgerByUID(e.Folder, e.Validity, e.UID); err == nil && ok && prev.CaseID == e.CaseID {
		return nil
	}
	return db.updateBucket(bucketMailLedger, "record mail", func(b *bolt.Bucket) error {
		return ledgerPut(b, e)
	})
}

// MailLedgerByUID returns the ledger entry of the mail with that UID.
func (db *DB) MailLedgerByUID(folder string, validity, uid uint32) (MailEntry, bool, error) {
	return db.ledgerLookup(mailUIDKey(folder, validity, uid))
}

// MailLedgerByHash returns the first ledger entry of a mail with that content.
func (db *DB) MailLedgerByHash(sha string) (MailEntry, bool, error) {
	return db.ledgerLookup(mailHashKey(sha))
}

func (db *DB) ledgerLookup(k []byte) (MailEntry, bool, error) {
	var (
		e  MailEntry
		ok bool
	)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		e, ok, err = ledgerGet(tx.Bucket(bucketMailLedger), k)
		return err
	})
	if err != nil {
		return MailEntry{}, false, fmt.Errorf("store: mail ledger: %w", err)
	}
	return e, ok, nil
}

func ledgerGet(b *bolt.Bucket, k []byte) (MailEntry, bool, error) {
	v := b.Get(k)
	if v == nil {
		return MailEntry{}, false, nil
	}
	var e MailEntry
	if err := json.Unmarshal(v, &e); err != nil {
		return MailEntry{}, false, fmt.Errorf("decode mail ledger entry: %w", err)
	}
	return e, true, nil
}

func ledgerPut(b *bolt.Bucket, e MailEntry) error {
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode mail ledger entry: %w", err)
	}
	if err := b.Put(mailUIDKey(e.Folder, e.Validity, e.UID), v); err != nil {
		return fmt.Errorf("put mail ledger entry: %w", err)
	}
	hk := mailHashKey(e.SHA256)
	if b.Get(hk) != nil {
		return nil
	}
	if err := b.Put(hk, v); err != nil {
		return fmt.Errorf("put mail ledger entry: %w", err)
	}
	return nil
}
