package model

import (
	"errors"
	"testing"
	"time"
)

func chain(n int) ([]HistoryEntry, HistoryHead) {
	var head HistoryHead
	var es []HistoryEntry
	for i := 0; i < n; i++ {
		e := HistoryEntry{CaseID: "c1", At: time.Date(2026, 11, 1, 8, i, 0, 0, time.UTC), By: "anna", Kind: "comment.add", Summary: "Kommentar"}
		head = e.Seal(head)
		es = append(es, e)
	}
	return es, head
}

func TestVerifyHistory(t *testing.T) {
	good, head := chain(5)
	if err := VerifyHistory(good, head); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	tamper := map[string]func([]HistoryEntry) ([]HistoryEntry, HistoryHead){
		"edited summary": func(es []HistoryEntry) ([]HistoryEntry, HistoryHead) {
			es[2].Summary = "Nichts passiert"
			return es, head
		},
		"edited author and rehashed": func(es []HistoryEntry) ([]HistoryEntry, HistoryHead) {
			es[1].By = "someone"
			es[1].Hash = es[1].ComputeHash()
			return es, head
		},
		"middle removed": func(es []HistoryEntry) ([]HistoryEntry, HistoryHead) {
			return append(es[:2], es[3:]...), head
		},
		"last removed": func(es []HistoryEntry) ([]HistoryEntry, HistoryHead) {
			return es[:4], head
		},
		"first removed": func(es []HistoryEntry) ([]HistoryEntry, HistoryHead) {
			return es[1:], head
		},
	}
	for name, f := range tamper {
		es := append([]HistoryEntry(nil), good...)
		es, h := f(es)
		if err := VerifyHistory(es, h); !errors.Is(err, ErrHistoryBroken) {
			t.Errorf("%s: got %v, want ErrHistoryBroken", name, err)
		}
	}
}
