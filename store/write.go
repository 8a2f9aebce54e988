package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// Do applies one clerk action to a case in one fsynced transaction: the case, its
// history entry, every index and the outbox entry are written together, or nothing
// is. It returns the changed case. Errors from model.Apply (model.ErrNotAllowedNow,
// model.ErrRoleNotPermitted, *model.ValidationError, ...) are wrapped unchanged;
// ErrNotFound when there is no such case. Use Create for model.KindCreate.
//
// An attachment's name is cleaned with model.CleanFileName here, so whichever path
// added the file (dialog, drag and drop, a path), a name from a stranger cannot
// disguise the file; the outbox carries the cleaned name.
func (db *DB) Do(actor model.Clerk, caseID string, kind model.MutationKind, payload any) (model.Case, error) {
	return db.do(actor, "", caseID, kind, payload)
}

// DoFor is Do by a substitute acting for the absent clerk owner (Vertretung): the
// mutation names owner in OnBehalfOf, the history entry says "X in Vertretung für
// Y", and the model lets actor act as the holder of owner's cases. Whether an
// absence backs it is for the caller to check before, and for the central service
// again when it is pushed.
func (db *DB) DoFor(actor model.Clerk, owner, caseID string, kind model.MutationKind, payload any) (model.Case, error) {
	return db.do(actor, owner, caseID, kind, payload)
}

func (db *DB) do(actor model.Clerk, owner, caseID string, kind model.MutationKind, payload any) (model.Case, error) {
	if kind == model.KindCreate {
		return model.Case{}, fmt.Errorf("store: %s on case %s: %w (use Create)", kind, caseID, model.ErrUnknownAction)
	}
	if p, ok := payload.(model.AttachmentPayload); ok && p.Attachment.Name != "" {
		p.Attachment.Name = model.CleanFileName(p.Attachment.Name, "Anlage")
		payload = p
	}
	m, err := model.NewMutation(caseID, kind, payload)
	if err != nil {
		return model.Case{}, fmt.Errorf("store: %s on case %s: %w", kind, caseID, err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	var (
		out model.Case
		row index.Row
	)
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		w := db.newWriter(tx)
		old, err := w.getCase(caseID)
		if err != nil {
			return err
		}
		if tx.Bucket(bucketNotAccepted).Get([]byte(caseID)) != nil {
			return ErrNotAccepted
		}
		m.At = db.now().UTC()
		m.User, m.OnBehalfOf = actor.ID, owner
		m.Base = baseVersions(old, m)
		db.stamp(w, &m)
		next, err := w.step(old, m, actor)
		if err != nil {
			return err
		}
		if row, err = w.finish(old, &next); err != nil {
			return err
		}
		out = next
		return w.appendOutbox(m)
	})
	if err != nil {
		return model.Case{}, fmt.Errorf("store: %s on case %s: %w", kind, caseID, err)
	}
	db.indexRows([]index.Row{row}, false)
	return out, nil
}

// Create adds a case entered on this device, like Do with model.KindCreate. It
// assigns the ID (UUIDv7) when empty; the file number from the counter of the case
// type's prefix, the year received (in Location) and this device when empty; Tenant
// and OrgUnit from the municipality when empty; status NEU when empty; the target
// deadline from the case type when nil. Errors: *model.ValidationError for bad input,
// ErrExists, ErrDuplicateFileNumber.
func (db *DB) Create(actor model.Clerk, c model.Case) (model.Case, error) {
	out, err := db.writeCase(func(w *writer) (model.Case, index.Row, error) { return db.create(w, actor, c) })
	if err != nil {
		return model.Case{}, fmt.Errorf("store: create case: %w", err)
	}
	return out, nil
}

// writeCase runs fn, which writes one case, in a write transaction, and indexes
// the case's row after the commit.
func (db *DB) writeCase(fn func(w *writer) (model.Case, index.Row, error)) (model.Case, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	var (
		out model.Case
		row index.Row
	)
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		var err error
		out, row, err = fn(db.newWriter(tx))
		return err
	})
	if err != nil {
		return model.Case{}, err
	}
	db.indexRows([]index.Row{row}, false)
	return out, nil
}

// create is Create inside a write transaction.
func (db *DB) create(w *writer, actor model.Clerk, c model.Case) (model.Case, index.Row, error) {
	if err := db.prepareNew(w, &c); err != nil {
		return model.Case{}, index.Row{}, err
	}
	m, err := model.NewMutation(c.ID, model.KindCreate, model.CreatePayload{Case: c})
	if err != nil {
		return model.Case{}, index.Row{}, err
	}
	m.At = db.now().UTC()
	m.User = actor.ID
	db.stamp(w, &m)
	next, err := w.step(nil, m, actor)
	if err != nil {
		return model.Case{}, index.Row{}, err
	}
	row, err := w.finish(nil, &next)
	if err != nil {
		return model.Case{}, index.Row{}, err
	}
	return next, row, w.appendOutbox(m)
}

// prepareNew fills in what Create assigns and validates the case before a file
// number is drawn, so a refused case uses none and the clerk sees only real errors.
func (db *DB) prepareNew(w *writer, c *model.Case) error {
	if c.ID == "" {
		id, err := db.newID()
		if err != nil {
			return err
		}
		c.ID = id
	} else if w.cases.Get([]byte(c.ID)) != nil {
		return fmt.Errorf("%w: %s", ErrExists, c.ID)
	}
	m := w.municipality()
	c.FillDefaults(m.Tenant, m.OrgUnit)
	t, _ := model.CaseTypeByCode(c.Type)
	// The history chain starts with the create entry, whatever the caller passed.
	c.HistoryHead = model.HistoryHead{}
	c.Version = 0
	probe := *c
	if probe.FileNumber == "" {
		probe.FileNumber = "-"
	}
	if err := model.ValidateNew(&probe); err != nil {
		return err
	}
	if c.FileNumber != "" {
		if id := w.fileno.Get([]byte(c.FileNumber)); id != nil {
			return fmt.Errorf("%w: %s", ErrDuplicateFileNumber, c.FileNumber)
		}
		// A number of this device's pattern given by the caller (a case restored or
		// re-entered) raises the counter, so the device never hands it out again.
		if prefix, year, seq, device, ok := parseFileNumber(c.FileNumber); ok && device == db.device {
			key := counterKey(prefix, year, device)
			if readU64(w.counters.Get(key)) < seq {
				return w.counters.Put(key, u64(seq))
			}
		}
		return nil
	}
	year := c.ReceivedAt.In(db.loc).Year()
	key := counterKey(t.Prefix, year, db.device)
	seq := readU64(w.counters.Get(key))
	for {
		seq++
		c.FileNumber = model.FileNumber(t.Prefix, year, seq, db.device)
		// A number can be taken only if the counter was lost (a restored backup);
		// skipping it keeps numbers unique anyway.
		if w.fileno.Get([]byte(c.FileNumber)) == nil {
			break
		}
	}
	return w.counters.Put(key, u64(seq))
}

// stamp gives m the next outbox seq and its ID.
func (db *DB) stamp(w *writer, m *model.Mutation) {
	seq := readU64(w.meta.Get(metaOutboxSeq)) + 1
	m.Seq = seq
	m.Device = db.deviceID
	m.ID = db.deviceID + ":" + strconv.FormatUint(seq, 10)
}

// baseVersions returns the versions of the scalar fields m's kind touches, as the case
// has them before m.
func baseVersions(c *model.Case, m model.Mutation) map[string]uint64 {
	var field string
	switch m.Kind {
	case model.KindTransition:
		field = model.FieldStatus
	case model.KindAssign:
		field = model.FieldAssignee
	case model.KindDeadline:
		var p model.DeadlinePayload
		if json.Unmarshal(m.Payload, &p) != nil || p.Field == "" {
			return nil
		}
		field = p.Field
	default:
		return nil
	}
	return map[string]uint64{field: c.Versions[field]}
}

// writer holds one write transaction's buckets and a cache of clerk names. What it
// writes to cases goes on the change feed when the transaction commits.
type writer struct {
	tx                                                    *bolt.Tx
	meta, cases, history, outbox, rows, fileno, followups *bolt.Bucket
	counters, clerks                                      *bolt.Bucket
	names                                                 map[string]string
	muni                                                  *Municipality
	changes                                               *changeSet // nil: published nowhere
	// keepDuplicates is set while the service's cases are applied (and the indexes
	// rebuilt from stored ones): a file number another case here holds is kept,
	// listed in duplicates, instead of refusing the page.
	keepDuplicates bool
	duplicates     []string
}

// newWriter returns a writer of tx, a write transaction of db's (the caller holds
// db.mu), whose case writes are published on the change feed when tx commits. Every
// write path that changes cases uses it.
func (db *DB) newWriter(tx *bolt.Tx) *writer {
	w := newIndexWriter(tx)
	w.changes = db.changeSet(tx)
	return w
}

// newIndexWriter returns a writer that publishes nothing: for rebuilding indexes
// while the store opens, when nothing can have subscribed yet.
func newIndexWriter(tx *bolt.Tx) *writer {
	return &writer{
		tx:        tx,
		meta:      tx.Bucket(bucketMeta),
		cases:     tx.Bucket(bucketCases),
		history:   tx.Bucket(bucketHistory),
		outbox:    tx.Bucket(bucketOutbox),
		rows:      tx.Bucket(bucketRows),
		fileno:    tx.Bucket(bucketFileNo),
		followups: tx.Bucket(bucketFollowUps),
		counters:  tx.Bucket(bucketCounters),
		clerks:    tx.Bucket(bucketClerks),
		names:     map[string]string{},
	}
}

func (w *writer) getCase(id string) (*model.Case, error) {
	return getCase(w.cases, id)
}

func getCase(b *bolt.Bucket, id string) (*model.Case, error) {
	v := b.Get([]byte(id))
	if v == nil {
		return nil, fmt.Errorf("%w: case %s", ErrNotFound, id)
	}
	var c model.Case
	if err := json.Unmarshal(v, &c); err != nil {
		return nil, fmt.Errorf("decode case %s: %w", id, err)
	}
	return &c, nil
}

func (w *writer) municipality() Municipality {
	if w.muni == nil {
		m, _ := readMunicipality(w.meta)
		w.muni = &m
	}
	return *w.muni
}

// clerkName returns the clerk's display name; a clerk this store does not know yet
// (assigned on another device) shows as their ID.
func (w *writer) clerkName(id string) string {
	return clerkNameCached(w.clerks, w.names, id)
}

func clerkNameCached(b *bolt.Bucket, names map[string]string, id string) string {
	if id == "" {
		return ""
	}
	if n, ok := names[id]; ok {
		return n
	}
	name := id
	if v := b.Get([]byte(id)); v != nil {
		var c model.Clerk
		if json.Unmarshal(v, &c) == nil && c.Name != "" {
			name = c.Name
		}
	}
	names[id] = name
	return name
}

// step applies m by actor to a copy of old (nil for a create) and appends the sealed
// history entry. The case itself is written by finish.
func (w *writer) step(old *model.Case, m model.Mutation, actor model.Clerk) (model.Case, error) {
	if err := w.keepBase(old, m.CaseID); err != nil {
		return model.Case{}, err
	}
	next, h, err := applyStep(old, m, actor, w.clerkName)
	if err != nil {
		return model.Case{}, err
	}
	if err := w.history.Put(h.k, h.v); err != nil {
		return model.Case{}, fmt.Errorf("put history entry: %w", err)
	}
	return next, nil
}

// kv is a key and value to put.
type kv struct{ k, v []byte }

// applyStep applies m by actor to a copy of old (nil for a create) and returns the
// changed case and its sealed history entry, encoded. It does no I/O, so Import runs
// it in parallel.
func applyStep(old *model.Case, m model.Mutation, actor model.Clerk, name func(string) string) (model.Case, kv, error) {
	var next model.Case
	if old != nil {
		next = *old
	}
	summary, err := model.Apply(&next, m, actor)
	if err != nil {
		return model.Case{}, kv{}, err
	}
	if m.Kind == model.KindAssign && next.Assignee != "" {
		// The model names the clerk by ID; the store knows the name.
		summary = "Zugewiesen an " + name(next.Assignee)
	}
	byName := actor.Name
	if m.OnBehalfOf != "" {
		byName = identity.InSubstitution(actor.Name, name(m.OnBehalfOf))
	}
	e := model.HistoryEntry{
		CaseID:   next.ID,
		At:       m.At,
		By:       actor.ID,
		ByName:   byName,
		Kind:     string(m.Kind),
		Summary:  summary,
		Mutation: m.ID,
	}
	next.HistoryHead = e.Seal(next.HistoryHead)
	b, err := json.Marshal(e)
	if err != nil {
		return model.Case{}, kv{}, fmt.Errorf("encode history entry: %w", err)
	}
	return next, kv{historyKey(next.ID, e.Seq), b}, nil
}

// finish writes c and updates every index from old (nil when c is new) to c.
func (w *writer) finish(old, c *model.Case) (index.Row, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return index.Row{}, fmt.Errorf("encode case %s: %w", c.ID, err)
	}
	if err := w.cases.Put([]byte(c.ID), b); err != nil {
		return index.Row{}, fmt.Errorf("put case %s: %w", c.ID, err)
	}
	return w.putIndexes(old, c)
}

// derived is what the indexes hold for a case, encoded.
type derived struct {
	row       index.Row
	rowVal    []byte
	followUps map[string][]byte // followups key -> value of each open follow-up
}

// derive computes the index entries of c; it does no I/O.
func derive(c *model.Case, assigneeName string) (derived, error) {
	d := derived{row: index.RowOf(c, assigneeName)}
	var err error
	if d.rowVal, err = d.row.MarshalBinary(); err != nil {
		return d, fmt.Errorf("encode row %s: %w", c.ID, err)
	}
	for k, f := range openFollowUps(c) {
		b, err := json.Marshal(f)
		if err != nil {
			return d, fmt.Errorf("encode follow-up: %w", err)
		}
		if d.followUps == nil {
			d.followUps = map[string][]byte{}
		}
		d.followUps[k] = b
	}
	return d, nil
}

// putIndexes brings rows, fileno and followups from old (nil when c is new) to c.
func (w *writer) putIndexes(old, c *model.Case) (index.Row, error) {
	d, err := derive(c, w.clerkName(c.Assignee))
	if err != nil {
		return index.Row{}, err
	}
	return d.row, w.putDerived(old, c, d)
}

func (w *writer) putDerived(old, c *model.Case, d derived) error {
	w.changes.add(c.ID, c.HistoryHead)
	// Most actions (comments, messages) leave the row as it was; not rewriting it
	// spares the commit a page.
	if old == nil || !bytes.Equal(w.rows.Get([]byte(c.ID)), d.rowVal) {
		if err := w.rows.Put([]byte(c.ID), d.rowVal); err != nil {
			return fmt.Errorf("put row %s: %w", c.ID, err)
		}
	}
	if old == nil || old.FileNumber != c.FileNumber {
		if old != nil && old.FileNumber != "" && string(w.fileno.Get([]byte(old.FileNumber))) == c.ID {
			if err := w.fileno.Delete([]byte(old.FileNumber)); err != nil {
				return err
			}
		}
		if id := w.fileno.Get([]byte(c.FileNumber)); id != nil && string(id) != c.ID {
			if !w.keepDuplicates {
				return fmt.Errorf("%w: %s", ErrDuplicateFileNumber, c.FileNumber)
			}
			if local, err := w.madeHereOnly(id); err != nil || local {
				// Not a duplicate at the service: see madeHereOnly.
				if err == nil {
					err = w.fileno.Put([]byte(c.FileNumber), []byte(c.ID))
				}
				if err != nil {
					return fmt.Errorf("put file number %s: %w", c.FileNumber, err)
				}
				return w.putFollowUps(old, d)
			}
			// The service holds two cases with one number (stored before it
			// checked, or copied data folders): both are kept here, the first
			// stays the one found by the number, and the clerk is told.
			w.duplicates = append(w.duplicates, c.FileNumber)
			return w.putFollowUps(old, d)
		}
		if err := w.fileno.Put([]byte(c.FileNumber), []byte(c.ID)); err != nil {
			return fmt.Errorf("put file number %s: %w", c.FileNumber, err)
		}
	}
	return w.putFollowUps(old, d)
}

// putFollowUps brings the followups index from old's open follow-ups to d's.
func (w *writer) putFollowUps(old *model.Case, d derived) error {
	for k := range openFollowUps(old) {
		if _, ok := d.followUps[k]; !ok {
			if err := w.followups.Delete([]byte(k)); err != nil {
				return err
			}
		}
	}
	was := openFollowUps(old)
	for k, v := range d.followUps {
		if _, ok := was[k]; ok {
			continue
		}
		if err := w.followups.Put([]byte(k), v); err != nil {
			return fmt.Errorf("put follow-up: %w", err)
		}
	}
	return nil
}

// openFollowUps returns the followups keys of c's open follow-ups.
func openFollowUps(c *model.Case) map[string]model.FollowUp {
	if c == nil {
		return nil
	}
	var out map[string]model.FollowUp
	for _, f := range c.FollowUps {
		if !f.Open() {
			continue
		}
		if out == nil {
			out = map[string]model.FollowUp{}
		}
		out[string(followUpKey(index.DayNumber(f.Due), c.ID, f.ID))] = f
	}
	return out
}

func (w *writer) appendOutbox(m model.Mutation) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode mutation: %w", err)
	}
	if err := w.outbox.Put(u64(m.Seq), b); err != nil {
		return fmt.Errorf("put outbox %d: %w", m.Seq, err)
	}
	if w.changes != nil {
		w.changes.outbox = true
	}
	return w.meta.Put(metaOutboxSeq, u64(m.Seq))
}
