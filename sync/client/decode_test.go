package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// pageJSON returns a page of n changes with strings that tempt a naive splitter;
// every tenth carries a patch instead of the case.
func pageJSON(t testing.TB, n int) []byte {
	t.Helper()
	p := wire.ChangesResponse{More: n > 0}
	for i := 1; i <= n; i++ {
		c := newCase(fmt.Sprintf(`Jürgen "Klammer" {[}] \ Köhler %d`, i))
		c.ID, c.FileNumber = fmt.Sprintf("case-%d", i), fmt.Sprintf("BAU-2026-%04d-S1", i)
		e := model.HistoryEntry{CaseID: c.ID, Summary: `Kommentar: "]}," \"`, By: "system"}
		c.HistoryHead = e.Seal(model.HistoryHead{})
		ch := wire.Change{Seq: uint64(i), CaseID: c.ID, Case: &c, History: []model.HistoryEntry{e}}
		if i%10 == 3 {
			ch.Case, ch.Patch = nil, &model.CasePatch{Comments: []model.Comment{{ID: "k", Text: `"case": {"id": "x"}`}}}
		}
		p.Changes = append(p.Changes, ch)
		p.Cursor = uint64(i)
	}
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeChangesMatchesWire(t *testing.T) {
	for _, n := range []int{0, 3, 200} {
		b := pageJSON(t, n)
		want, err := wire.DecodeChanges(bytes.NewReader(b), maxChanges)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeChanges(bytes.NewReader(b), maxChanges)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%d changes: parallel decoding differs", n)
		}
	}
	good := pageJSON(t, 100)
	for name, b := range map[string][]byte{
		"unknown top-level field": bytes.Replace(good, []byte(`"more": true`), []byte(`"more": true, "x": 1`), 1),
		"unknown change field":    bytes.Replace(good, []byte(`"caseId": "case-50"`), []byte(`"caseId": "case-50", "y": 2`), 1),
		"broken element":          bytes.Replace(good, []byte(`"seq": 60,`), []byte(`"seq": 60,,`), 1),
		"data after":              append(bytes.Clone(good), []byte(" {}")...),
		"cursor mismatch":         bytes.Replace(good, []byte(`"cursor": 100`), []byte(`"cursor": 99`), 1),
		"truncated":               good[:len(good)-10],
	} {
		_, err := decodeChanges(bytes.NewReader(b), maxChanges)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		_, werr := wire.DecodeChanges(bytes.NewReader(b), maxChanges)
		if werr == nil {
			t.Errorf("%s: wire accepts what we refuse: %v", name, err)
		}
		if !errors.Is(err, wire.ErrDecode) && !errors.Is(err, wire.ErrCursor) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := decodeChanges(bytes.NewReader(good), int64(len(good)-1)); !errors.Is(err, wire.ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}

func FuzzDecodeChanges(f *testing.F) {
	f.Add(pageJSON(f, 70))
	f.Add([]byte(`{"changes":[],"cursor":0,"more":false}`))
	f.Add([]byte(strings.Repeat(`{"changes":[{"seq":1},`, 3)))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeChanges(bytes.NewReader(b), 1<<20)
		want, werr := wire.DecodeChanges(bytes.NewReader(b), 1<<20)
		if (err == nil) != (werr == nil) {
			t.Fatalf("parallel %v, wire %v", err, werr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatal("results differ")
		}
	})
}

// TestDecodePageRawCases: the case JSON handed to the store decodes to the case the
// page carries, and is withheld wherever encoding/json could have read the case from
// another key as well.
func TestDecodePageRawCases(t *testing.T) {
	good := pageJSON(t, 100)
	page, raw, err := decodePage(bytes.NewReader(good), maxChanges, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != len(page.Changes) {
		t.Fatalf("%d raw cases for %d changes", len(raw), len(page.Changes))
	}
	for i, r := range raw {
		if page.Changes[i].Case == nil {
			if r != nil {
				t.Fatalf("change %d carries a patch, yet a raw case: %s", i, r)
			}
			continue
		}
		var c model.Case
		if err := json.Unmarshal(r, &c); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		if !reflect.DeepEqual(c, *page.Changes[i].Case) {
			t.Fatalf("change %d: raw case differs from the decoded one", i)
		}
	}
	for name, b := range map[string][]byte{
		"repeated case": bytes.Replace(good, []byte(`"caseId": "case-50",`), []byte(`"caseId": "case-50", "case": {"id": "case-50"},`), 1),
		"folded key":    bytes.Replace(good, []byte(`"caseId": "case-50",`), []byte(`"caseId": "case-50", "CASE": {"id": "case-50"},`), 1),
		"escaped key":   bytes.Replace(good, []byte(`"caseId": "case-50",`), []byte(`"caseId": "case-50", "c\u0061se": {"id": "case-50"},`), 1),
	} {
		page, raw, err := decodePage(bytes.NewReader(b), maxChanges, true)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if raw[49] != nil {
			t.Errorf("%s: raw case kept", name)
		}
		if raw[48] == nil || raw[50] == nil {
			t.Errorf("%s: neighbours lost their raw case", name)
		}
		want, err := wire.DecodeChanges(bytes.NewReader(b), maxChanges)
		if err != nil || !reflect.DeepEqual(page, want) {
			t.Errorf("%s: page differs from wire's (%v)", name, err)
		}
	}
}
