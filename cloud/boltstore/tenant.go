package boltstore

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// tenantTx is bound to one tenant's bucket. b is nil in a View of a tenant that has
// never written anything; every read then finds nothing. verify is the registry's
// verification index, the one global bucket a tenant transaction writes (nil in a
// View).
type tenantTx struct {
	tenant string
	b      *bolt.Bucket
	verify *bolt.Bucket
	marks  cloud.ChangeMarks // of the changes this transaction appends
	// epoch is what AppendEpoch set; epochDone that the epochs bucket says it for
	// the changes this transaction appends.
	epoch     string
	epochDone bool
	fences
}

var _ cloud.TenantTx = (*tenantTx)(nil)

func newTenantTx(tenant string, b, verify *bolt.Bucket) *tenantTx {
	t := &tenantTx{tenant: tenant, b: b, verify: verify}
	t.fences = fences{t}
	return t
}

func (t *tenantTx) Tenant() string { return t.tenant }

// bucket returns the named sub-bucket, or nil when the tenant has none.
func (t *tenantTx) bucket(name []byte) *bolt.Bucket {
	if t.b == nil {
		return nil
	}
	return t.b.Bucket(name)
}

// wbucket returns the named sub-bucket for a write.
func (t *tenantTx) wbucket(name []byte) (*bolt.Bucket, error) {
	b := t.bucket(name)
	if b == nil || !b.Writable() {
		return nil, fmt.Errorf("boltstore: tenant %s: %w", t.tenant, berrors.ErrTxNotWritable)
	}
	return b, nil
}

func notFound(what, id string) error {
	return fmt.Errorf("boltstore: %s %s: %w", what, id, cloud.ErrNotFound)
}

func (t *tenantTx) CaseHead(id string) (model.Case, error) {
	return get[model.Case](t.bucket(tHeads), []byte(id), "case")
}

func (t *tenantTx) PutCaseHead(c model.Case) error {
	b, err := t.wbucket(tHeads)
	if err != nil {
		return err
	}
	if c.ID == "" {
		return fmt.Errorf("boltstore: put case: empty id")
	}
	if err := cloud.CheckHead(c); err != nil {
		return fmt.Errorf("boltstore: put case: %w", err)
	}
	if err := t.indexFileNumber(c.ID, c.FileNumber); err != nil {
		return fmt.Errorf("boltstore: put case %s: file number: %w", c.ID, err)
	}
	return putJSON(b, []byte(c.ID), c)
}

func historyKey(caseID string, seq uint64) []byte {
	k := make([]byte, 0, len(caseID)+9)
	k = append(k, caseID...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

func (t *tenantTx) History(caseID string) ([]model.HistoryEntry, error) {
	b := t.bucket(tHistory)
	if b == nil {
		return nil, nil
	}
	return all[model.HistoryEntry](b, historyKey(caseID, 0)[:len(caseID)+1], nil)
}

func (t *tenantTx) AppendHistory(caseID string, entries []model.HistoryEntry) error {
	b, err := t.wbucket(tHistory)
	if err != nil {
		return err
	}
	// Entries are appended: full pages instead of half-full ones after each split.
	b.FillPercent = appendFill
	for _, e := range entries {
		if e.CaseID != caseID || e.Seq == 0 {
			return fmt.Errorf("boltstore: history entry %d of case %q filed under %s", e.Seq, e.CaseID, caseID)
		}
		if err := putJSON(b, historyKey(caseID, e.Seq), e); err != nil {
			return err
		}
	}
	return nil
}

func (t *tenantTx) AppendChange(ch wire.Change) (uint64, error) {
	b, err := t.wbucket(tLog)
	if err != nil {
		return 0, err
	}
	idx, err := t.wbucket(tCaseLog)
	if err != nil {
		return 0, err
	}
	if ch.CaseID == "" || len(ch.CaseID) > maxCaseID {
		return 0, fmt.Errorf("boltstore: append change: case id of %d bytes", len(ch.CaseID))
	}
	meta := t.bucket(tMeta)
	seq, mark := t.marks.Next(&ch, readU64(meta.Get(metaLastChange)))
	if err := t.markEpoch(seq); err != nil {
		return 0, err
	}
	data, err := json.Marshal(ch)
	if err != nil {
		return 0, fmt.Errorf("boltstore: encode change of case %s: %w", ch.CaseID, err)
	}
	b.FillPercent, idx.FillPercent = appendFill, appendFill
	if err := b.Put(u64(seq), logValue(mark, ch.CaseID, data)); err != nil {
		return 0, fmt.Errorf("boltstore: put change %d: %w", seq, err)
	}
	if err := idx.Put(historyKey(ch.CaseID, seq), nil); err != nil {
		return 0, fmt.Errorf("boltstore: index change %d: %w", seq, err)
	}
	if err := meta.Put(metaLastChange, u64(seq)); err != nil {
		return 0, err
	}
	return seq, nil
}

// appendFill is the fill percent of buckets whose keys only grow (the log, and the
// history of the newest cases): bbolt's default of a half-full page after each split
// doubled the size of the log.
const appendFill = 1.0

// maxCaseID bounds a case ID so its length fits the log value's prefix.
const maxCaseID = 1<<16 - 1

// logValue is a log entry as stored: u64(tx) ++ u16(len(case id)) ++ case id ++ the
// change's JSON, so a page is built without decoding the JSON.
func logValue(tx uint64, caseID string, data []byte) []byte {
	v := make([]byte, 0, 10+len(caseID)+len(data))
	v = binary.BigEndian.AppendUint64(v, tx)
	v = binary.BigEndian.AppendUint16(v, uint16(len(caseID)))
	v = append(v, caseID...)
	return append(v, data...)
}

// parseLog splits a stored log value (logValue); the JSON points into v.
func parseLog(seq uint64, v []byte) (cloud.RawChange, error) {
	if len(v) < 10 {
		return cloud.RawChange{}, fmt.Errorf("boltstore: change %d is cut short", seq)
	}
	n := int(binary.BigEndian.Uint16(v[8:10]))
	if len(v) < 10+n {
		return cloud.RawChange{}, fmt.Errorf("boltstore: change %d is cut short", seq)
	}
	return cloud.RawChange{Seq: seq, Tx: readU64(v[:8]), CaseID: string(v[10 : 10+n]), JSON: v[10+n:]}, nil
}

func (t *tenantTx) AppendEpoch(epoch string) {
	if epoch != t.epoch {
		t.epoch, t.epochDone = epoch, false
	}
}

// markEpoch starts a run of t.epoch at seq in the epochs bucket unless the run
// before it has that epoch.
func (t *tenantTx) markEpoch(seq uint64) error {
	if t.epochDone {
		return nil
	}
	b, err := t.wbucket(tEpochs)
	if err != nil {
		return err
	}
	t.epochDone = true
	if _, v := b.Cursor().Last(); string(v) == t.epoch {
		return nil
	}
	return b.Put(u64(seq), []byte(t.epoch))
}

// epochs walks the runs of the epochs bucket along ascending seqs.
type epochs struct {
	c        *bolt.Cursor
	cur      string
	nextFrom uint64 // the first seq of the next run; 0: none
}

func (t *tenantTx) epochsFrom(seq uint64) *epochs {
	e := &epochs{}
	b := t.bucket(tEpochs)
	if b == nil || seq == math.MaxUint64 {
		return e
	}
	e.c = b.Cursor()
	// The run of seq starts at the greatest key up to seq; the next one after it.
	k, v := e.c.Seek(u64(seq + 1))
	if k == nil {
		k, v = e.c.Last()
	} else {
		e.nextFrom = readU64(k)
		k, v = e.c.Prev()
	}
	if k != nil {
		e.cur = string(v)
	}
	return e
}

// at returns the epoch of seq; seqs come in ascending order.
func (e *epochs) at(seq uint64) string {
	for e.nextFrom != 0 && seq >= e.nextFrom {
		k, v := e.c.Seek(u64(e.nextFrom))
		e.cur = string(v)
		e.nextFrom = 0
		if k != nil {
			if nk, _ := e.c.Next(); nk != nil {
				e.nextFrom = readU64(nk)
			}
		}
	}
	return e.cur
}

// EachChange hands out the log's entries as stored; JSON points into bbolt's memory
// map, valid while the transaction runs, which a page built in the View copies
// anyway.
func (t *tenantTx) EachChange(after uint64, limit int, fn func(cloud.RawChange) (bool, error)) error {
	b := t.bucket(tLog)
	if b == nil || limit <= 0 || after == math.MaxUint64 {
		return nil
	}
	ep := t.epochsFrom(after + 1)
	c := b.Cursor()
	n := 0
	for k, v := c.Seek(u64(after + 1)); k != nil && n < limit; k, v = c.Next() {
		rc, err := parseLog(readU64(k), v)
		if err != nil {
			return err
		}
		rc.Epoch = ep.at(rc.Seq)
		more, err := fn(rc)
		if err != nil || !more {
			return err
		}
		n++
	}
	return nil
}

func (t *tenantTx) CaseChanges(caseID string) ([]wire.Change, error) {
	idx, b := t.bucket(tCaseLog), t.bucket(tLog)
	if idx == nil || b == nil {
		return nil, nil
	}
	prefix := historyKey(caseID, 0)[:len(caseID)+1]
	var out []wire.Change
	c := idx.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != len(prefix)+8 {
			continue // another case whose ID continues this one's
		}
		seq := readU64(k[len(prefix):])
		rc, err := parseLog(seq, b.Get(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		var ch wire.Change
		if err := json.Unmarshal(rc.JSON, &ch); err != nil {
			return nil, fmt.Errorf("boltstore: decode change %d: %w", seq, err)
		}
		out = append(out, ch)
	}
	return out, nil
}

func (t *tenantTx) LastChange() (uint64, error) {
	b := t.bucket(tMeta)
	if b == nil {
		return 0, nil
	}
	return readU64(b.Get(metaLastChange)), nil
}

func (t *tenantTx) DeviceSeq(deviceID string) (uint64, error) {
	b := t.bucket(tDevSeq)
	if b == nil {
		return 0, nil
	}
	return readU64(b.Get([]byte(deviceID))), nil
}

func (t *tenantTx) SetDeviceSeq(deviceID string, seq uint64) error {
	b, err := t.wbucket(tDevSeq)
	if err != nil {
		return err
	}
	return b.Put([]byte(deviceID), u64(seq))
}

func (t *tenantTx) PutConflict(c wire.Conflict) error {
	b, err := t.wbucket(tConflicts)
	if err != nil {
		return err
	}
	if c.ID == "" || c.CaseID == "" {
		return fmt.Errorf("boltstore: put conflict: id and case required")
	}
	var old wire.Conflict
	if getJSON(b, []byte(c.ID), &old, "conflict") == nil && old.CaseID != c.CaseID {
		if err := t.bucket(tCaseConflicts).Delete(tenantKey(old.CaseID, old.ID)); err != nil {
			return err
		}
	}
	if err := t.bucket(tCaseConflicts).Put(tenantKey(c.CaseID, c.ID), nil); err != nil {
		return err
	}
	return putJSON(b, []byte(c.ID), c)
}

func (t *tenantTx) Conflict(id string) (wire.Conflict, error) {
	return get[wire.Conflict](t.bucket(tConflicts), []byte(id), "conflict")
}

func (t *tenantTx) Conflicts(caseID string) ([]wire.Conflict, error) {
	b := t.bucket(tConflicts)
	if b == nil {
		return nil, nil
	}
	if caseID == "" {
		return all[wire.Conflict](b, nil, nil)
	}
	var out []wire.Conflict
	prefix := tenantKey(caseID, "")
	c := t.bucket(tCaseConflicts).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		var cf wire.Conflict
		if err := getJSON(b, k[len(prefix):], &cf, "conflict"); err != nil {
			return nil, err
		}
		out = append(out, cf)
	}
	return out, nil
}

func (t *tenantTx) IntakeCase(transactionID string) (string, error) {
	b := t.bucket(tIntakes)
	if b == nil {
		return "", notFound("intake", transactionID)
	}
	id := b.Get([]byte(transactionID))
	if id == nil {
		return "", notFound("intake", transactionID)
	}
	return string(id), nil
}

func (t *tenantTx) PutIntake(transactionID, caseID string) error {
	b, err := t.wbucket(tIntakes)
	if err != nil {
		return err
	}
	return b.Put([]byte(transactionID), []byte(caseID))
}

func shaKey(sha string) ([]byte, error) {
	raw, err := hex.DecodeString(sha)
	if err != nil || len(raw) != 32 {
		return nil, fmt.Errorf("boltstore: bad sha256 %q", sha)
	}
	return raw, nil
}

func chunkKey(sha string, index int) ([]byte, error) {
	k, err := shaKey(sha)
	if err != nil {
		return nil, err
	}
	if index < 0 {
		return nil, fmt.Errorf("boltstore: bad chunk index %d", index)
	}
	return binary.BigEndian.AppendUint32(k, uint32(index)), nil
}

// chunkSlot returns the bucket of chunks, for writing, and the key of a slot.
func (t *tenantTx) chunkSlot(sha string, index int) (*bolt.Bucket, []byte, error) {
	b, err := t.wbucket(tChunks)
	if err != nil {
		return nil, nil, err
	}
	k, err := chunkKey(sha, index)
	return b, k, err
}

func (t *tenantTx) PutChunk(sha string, index int, data []byte) error {
	b, k, err := t.chunkSlot(sha, index)
	if err != nil {
		return err
	}
	if b.Get(k) != nil {
		return nil
	}
	// bbolt keeps the slice until the commit; the caller may reuse it at once.
	if err := b.Put(k, clone(data)); err != nil {
		return err
	}
	return t.addStored(int64(len(data)))
}

// ReplaceChunk overwrites a chunk slot; the service keeps a blob's announced chunk
// list in a slot of its own and replaces it when a device announces another.
func (t *tenantTx) ReplaceChunk(sha string, index int, data []byte) error {
	b, k, err := t.chunkSlot(sha, index)
	if err != nil {
		return err
	}
	before := len(b.Get(k))
	if err := b.Put(k, clone(data)); err != nil {
		return err
	}
	return t.addStored(int64(len(data) - before))
}

func (t *tenantTx) Chunk(sha string, index int) ([]byte, error) {
	k, err := chunkKey(sha, index)
	if err != nil {
		return nil, err
	}
	b := t.bucket(tChunks)
	if b == nil {
		return nil, notFound("chunk", sha)
	}
	v := b.Get(k)
	if v == nil {
		return nil, fmt.Errorf("boltstore: chunk %d of %s: %w", index, sha, cloud.ErrNotFound)
	}
	return clone(v), nil
}

func (t *tenantTx) HasChunk(sha string, index int) (bool, error) {
	k, err := chunkKey(sha, index)
	if err != nil {
		return false, err
	}
	b := t.bucket(tChunks)
	return b != nil && b.Get(k) != nil, nil
}

func (t *tenantTx) PutBlob(sha string, size int64, chunks int) error {
	b, err := t.wbucket(tBlobs)
	if err != nil {
		return err
	}
	k, err := shaKey(sha)
	if err != nil {
		return err
	}
	v := binary.BigEndian.AppendUint64(nil, uint64(size))
	return b.Put(k, binary.BigEndian.AppendUint32(v, uint32(chunks)))
}

func (t *tenantTx) Blob(sha string) (int64, int, error) {
	k, err := shaKey(sha)
	if err != nil {
		return 0, 0, err
	}
	b := t.bucket(tBlobs)
	if b == nil {
		return 0, 0, notFound("blob", sha)
	}
	v := b.Get(k)
	if len(v) != 12 {
		return 0, 0, notFound("blob", sha)
	}
	return int64(binary.BigEndian.Uint64(v)), int(binary.BigEndian.Uint32(v[8:])), nil
}

func (t *tenantTx) PutVerification(v cloud.Verification) error {
	if t.verify == nil || !t.verify.Writable() {
		return fmt.Errorf("boltstore: put verification: %w", berrors.ErrTxNotWritable)
	}
	// The index is global; the tenant is the transaction's, whatever the caller says,
	// and a code of another tenant is never overwritten.
	v.Tenant = t.tenant
	var old cloud.Verification
	if getJSON(t.verify, []byte(v.Code), &old, "verification") == nil && old.Tenant != t.tenant {
		return fmt.Errorf("boltstore: verification code %s: %w", v.Code, cloud.ErrExists)
	}
	return putJSON(t.verify, []byte(v.Code), v)
}
