package boltstore

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/cloud"
)

// fences implements cloud.Fences and cloud.FileNumbers for a tenantTx, which
// embeds it: the store's incarnation per device, the sums of consumed mutations, and
// the file-number index that PutCaseHead keeps.
type fences struct{ t *tenantTx }

func (f fences) DeviceHolder(deviceID string) (uint64, string, error) {
	seq, err := f.t.DeviceSeq(deviceID)
	if err != nil {
		return 0, "", err
	}
	b := f.t.bucket(tHolders)
	if b == nil {
		return seq, "", nil
	}
	return seq, string(b.Get([]byte(deviceID))), nil
}

func (f fences) SetDeviceHolder(deviceID, incarnation string) error {
	b, err := f.t.wbucket(tHolders)
	if err != nil {
		return err
	}
	return b.Put([]byte(deviceID), []byte(incarnation))
}

func (f fences) MutationSums(deviceID string, first, last uint64) ([]string, error) {
	if last < first {
		return nil, nil
	}
	if last-first >= 1<<16 {
		return nil, fmt.Errorf("boltstore: mutation sums %d..%d: too many", first, last)
	}
	out := make([]string, last-first+1)
	b := f.t.bucket(tSums)
	if b != nil {
		b = b.Bucket([]byte(deviceID))
	}
	if b == nil {
		return out, nil
	}
	c := b.Cursor()
	for k, v := c.Seek(u64(first)); k != nil && readU64(k) <= last; k, v = c.Next() {
		out[readU64(k)-first] = string(v)
	}
	return out, nil
}

func (f fences) PutMutationSum(deviceID string, seq uint64, sum string) error {
	b, err := f.t.wbucket(tSums)
	if err != nil {
		return err
	}
	dev, err := b.CreateBucketIfNotExists([]byte(deviceID))
	if err != nil {
		return fmt.Errorf("boltstore: sums of device %s: %w", deviceID, err)
	}
	// Seqs only grow.
	dev.FillPercent = appendFill
	return dev.Put(u64(seq), []byte(sum))
}

// fileNumberKey is file number 0x00 case ID: a number may have several cases (a
// duplicate stored before the service checked), each once.
func fileNumberKey(fileNumber, caseID string) []byte {
	return tenantKey(fileNumber, caseID)
}

// indexFileNumber moves the case's entry in the file-number index from the number
// its head had to c's.
func (f fences) indexFileNumber(caseID, fileNumber string) error {
	idx, err := f.t.wbucket(tFileNo)
	if err != nil {
		return err
	}
	byCase, err := f.t.wbucket(tCaseFileNo)
	if err != nil {
		return err
	}
	old := byCase.Get([]byte(caseID))
	if old != nil && string(old) == fileNumber {
		return nil
	}
	if old != nil {
		if err := idx.Delete(fileNumberKey(string(old), caseID)); err != nil {
			return err
		}
	}
	if err := idx.Put(fileNumberKey(fileNumber, caseID), nil); err != nil {
		return err
	}
	return byCase.Put([]byte(caseID), []byte(fileNumber))
}

func (f fences) CasesByFileNumber(fileNumber string) ([]string, error) {
	b := f.t.bucket(tFileNo)
	if b == nil {
		return nil, nil
	}
	prefix := fileNumberKey(fileNumber, "")
	var out []string
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, string(k[len(prefix):]))
	}
	return out, nil
}

func (f fences) FileNumberDuplicates() ([]cloud.FileNumberCases, error) {
	b := f.t.bucket(tFileNo)
	if b == nil {
		return nil, nil
	}
	var out []cloud.FileNumberCases
	var cur cloud.FileNumberCases
	flush := func() {
		if len(cur.Cases) > 1 {
			out = append(out, cur)
		}
	}
	err := b.ForEach(func(k, _ []byte) error {
		i := bytes.IndexByte(k, 0)
		if i < 0 {
			return fmt.Errorf("boltstore: file-number index key %q without a case", k)
		}
		fn, id := string(k[:i]), string(k[i+1:])
		if fn != cur.FileNumber {
			flush()
			cur = cloud.FileNumberCases{FileNumber: fn}
		}
		cur.Cases = append(cur.Cases, id)
		return nil
	})
	flush()
	return out, err
}

// indexFileNumbers builds the file-number index of a tenant whose cases were
// stored before it existed, a batch of migrateBatch cases per call; done reports
// that every head is in it.
func indexFileNumbers(b *bolt.Bucket) (done bool, err error) {
	for _, name := range tenantBuckets {
		if _, err := b.CreateBucketIfNotExists(name); err != nil {
			return false, err
		}
	}
	t := &tenantTx{b: b}
	t.fences = fences{t}
	byCase := b.Bucket(tCaseFileNo)
	n := 0
	err = b.Bucket(tHeads).ForEach(func(k, v []byte) error {
		if byCase.Get(k) != nil {
			return nil
		}
		if n++; n > migrateBatch {
			return errBatchFull
		}
		var h struct {
			FileNumber string `json:"fileNumber"`
		}
		if err := jsonUnmarshal(v, &h); err != nil {
			return fmt.Errorf("decode head %s: %w", k, err)
		}
		return t.indexFileNumber(string(k), h.FileNumber)
	})
	if err == errBatchFull {
		return false, nil
	}
	return err == nil, err
}
