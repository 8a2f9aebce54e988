package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// HistoryEntry records one change to a case: who, when, what. Each entry's Hash covers
// its content and the previous entry's hash, so an edited or removed entry breaks the
// chain.
type HistoryEntry struct {
	CaseID   string    `json:"caseId"`
	Seq      uint64    `json:"seq"` // 1, 2, 3 ... within the case
	At       time.Time `json:"at"`
	By       string    `json:"by"`                 // clerk ID, or "system"
	ByName   string    `json:"byName"`             // the name as it was then
	Kind     string    `json:"kind"`               // the mutation kind
	Summary  string    `json:"summary"`            // German, for the clerk
	Mutation string    `json:"mutation,omitempty"` // the mutation ID
	PrevHash string    `json:"prevHash"`
	Hash     string    `json:"hash"`
}

// HistoryHead anchors a case's history chain: the last entry's seq and hash.
type HistoryHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// ErrHistoryBroken reports a history chain that does not verify.
var ErrHistoryBroken = errors.New("model: history chain broken")

// ComputeHash returns the hex SHA-256 over the entry's content (all fields but Hash),
// chained to PrevHash.
func (e HistoryEntry) ComputeHash() string {
	e.Hash = ""
	e.At = e.At.UTC()
	b, err := json.Marshal(e)
	if err != nil {
		// A struct of strings, ints and a time always marshals.
		panic(fmt.Sprintf("model: marshal history entry: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Seal sets PrevHash and Seq from head, computes Hash, and returns the new head.
func (e *HistoryEntry) Seal(head HistoryHead) HistoryHead {
	e.Seq = head.Seq + 1
	e.PrevHash = head.Hash
	e.Hash = e.ComputeHash()
	return HistoryHead{Seq: e.Seq, Hash: e.Hash}
}

// VerifyHistory checks that entries form an unbroken chain from the first entry to
// head. The error wraps ErrHistoryBroken and names the first bad entry.
func VerifyHistory(entries []HistoryEntry, head HistoryHead) error {
	prev := HistoryHead{}
	for _, e := range entries {
		if e.Seq != prev.Seq+1 {
			return fmt.Errorf("%w: entry %d missing before %d", ErrHistoryBroken, prev.Seq+1, e.Seq)
		}
		if e.PrevHash != prev.Hash {
			return fmt.Errorf("%w: entry %d does not follow entry %d", ErrHistoryBroken, e.Seq, prev.Seq)
		}
		if e.ComputeHash() != e.Hash {
			return fmt.Errorf("%w: entry %d was altered", ErrHistoryBroken, e.Seq)
		}
		prev = HistoryHead{Seq: e.Seq, Hash: e.Hash}
	}
	if prev != head {
		return fmt.Errorf("%w: the chain ends at entry %d, the case expects %d", ErrHistoryBroken, prev.Seq, head.Seq)
	}
	return nil
}
