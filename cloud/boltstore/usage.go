package boltstore

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/cloud"
)

// addStored moves the tenant's stored-bytes counter by delta, in the transaction of
// the chunk write that caused it.
func (t *tenantTx) addStored(delta int64) error {
	if delta == 0 {
		return nil
	}
	meta, err := t.wbucket(tMeta)
	if err != nil {
		return err
	}
	n := int64(readU64(meta.Get(metaStoredBytes))) + delta
	if n < 0 {
		return fmt.Errorf("boltstore: tenant %s: stored bytes would be %d", t.tenant, n)
	}
	return meta.Put(metaStoredBytes, u64(uint64(n)))
}

func (t *tenantTx) StoredBytes() (int64, error) {
	meta := t.bucket(tMeta)
	if meta == nil {
		return 0, nil
	}
	return int64(readU64(meta.Get(metaStoredBytes))), nil
}

func (t *tenantTx) DeleteChunk(sha string, index int) error {
	b, k, err := t.chunkSlot(sha, index)
	if err != nil {
		return err
	}
	old := b.Get(k)
	if old == nil {
		return nil
	}
	n := len(old)
	if err := b.Delete(k); err != nil {
		return err
	}
	return t.addStored(-int64(n))
}

func (t *tenantTx) StoredChunks(sha string) ([]int, error) {
	prefix, err := shaKey(sha)
	if err != nil {
		return nil, err
	}
	b := t.bucket(tChunks)
	if b == nil {
		return nil, nil
	}
	var out []int
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, int(binary.BigEndian.Uint32(k[32:])))
	}
	return out, nil
}

// BlobsWithChunk seeks from blob to blob instead of reading every chunk key.
func (t *tenantTx) BlobsWithChunk(index int) ([]string, error) {
	if index < 0 {
		return nil, fmt.Errorf("boltstore: bad chunk index %d", index)
	}
	b := t.bucket(tChunks)
	if b == nil {
		return nil, nil
	}
	var out []string
	c := b.Cursor()
	for k, _ := c.First(); k != nil; {
		if len(k) < 32 {
			k, _ = c.Next()
			continue
		}
		sha := bytes.Clone(k[:32])
		want := binary.BigEndian.AppendUint32(bytes.Clone(sha), uint32(index))
		if got, _ := c.Seek(want); bytes.Equal(got, want) {
			out = append(out, hex.EncodeToString(sha))
		}
		next := nextPrefix(sha)
		if next == nil {
			break
		}
		k, _ = c.Seek(next)
	}
	return out, nil
}

// nextPrefix is the smallest key after every key that starts with p (nil: none).
func nextPrefix(p []byte) []byte {
	n := bytes.Clone(p)
	for i := len(n) - 1; i >= 0; i-- {
		if n[i]++; n[i] != 0 {
			return n
		}
	}
	return nil
}

func (t *tenantTx) Quota() (cloud.Quota, error) {
	var q cloud.Quota
	meta := t.bucket(tMeta)
	if meta == nil {
		return q, nil
	}
	v := meta.Get(metaQuota)
	if v == nil {
		return q, nil
	}
	if err := json.Unmarshal(v, &q); err != nil {
		return q, fmt.Errorf("boltstore: quota of %s: %w", t.tenant, err)
	}
	return q, nil
}

func (t *tenantTx) SetQuota(q cloud.Quota) error {
	meta, err := t.wbucket(tMeta)
	if err != nil {
		return err
	}
	return putJSON(meta, metaQuota, q)
}

// countStoredBytes writes the stored-bytes counter of every tenant that has none
// (made before the counter existed). Only value lengths are read: a chunk's bytes
// stay on their overflow pages.
func countStoredBytes(tx *bolt.Tx) error {
	return tx.Bucket(bucketTenants).ForEachBucket(func(name []byte) error {
		tb := tx.Bucket(bucketTenants).Bucket(name)
		meta := tb.Bucket(tMeta)
		if meta == nil || meta.Get(metaStoredBytes) != nil {
			return nil
		}
		var n uint64
		if chunks := tb.Bucket(tChunks); chunks != nil {
			c := chunks.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				n += uint64(len(v))
			}
		}
		return meta.Put(metaStoredBytes, u64(n))
	})
}
