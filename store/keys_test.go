package store

import (
	"bytes"
	"testing"
)

func FuzzHistoryKey(f *testing.F) {
	f.Add("01900000-0000-7000-8000-00000000000a", uint64(1))
	f.Add("", uint64(0))
	f.Fuzz(func(t *testing.T, id string, seq uint64) {
		if bytes.IndexByte([]byte(id), 0) >= 0 {
			return // case IDs never hold 0x00
		}
		k := historyKey(id, seq)
		gotID, gotSeq, ok := parseHistoryKey(k)
		if !ok || gotID != id || gotSeq != seq || !bytes.HasPrefix(k, historyPrefix(id)) {
			t.Fatalf("%q %d -> %q %d %v", id, seq, gotID, gotSeq, ok)
		}
		parseHistoryKey([]byte(id)) // must not panic on anything
	})
}

func FuzzFollowUpKey(f *testing.F) {
	f.Add(int32(20522), "case", "f1")
	f.Add(int32(-5), "", "")
	f.Fuzz(func(t *testing.T, day int32, caseID, fid string) {
		if bytes.IndexByte([]byte(caseID), 0) >= 0 {
			return
		}
		k := followUpKey(day, caseID, fid)
		d, c, id, ok := parseFollowUpKey(k)
		if !ok || d != day || c != caseID || id != fid {
			t.Fatalf("round trip: %d %q %q", d, c, id)
		}
		// Earlier days sort first, negative ones included.
		if day > -1<<31 && bytes.Compare(followUpKey(day-1, caseID, fid), k) >= 0 {
			t.Fatalf("day %d does not sort before %d", day-1, day)
		}
		parseFollowUpKey([]byte(caseID))
	})
}

func FuzzParseMeta(f *testing.F) {
	f.Add(make([]byte, 80))
	f.Add([]byte("hello"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseMeta(b) // must not panic
		parseFileNumber(string(b))
	})
}

func TestParseFileNumber(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"BAU-2026-0042-A7", true},
		{"BAU-2026-12345-A7", true},
		{"BAU-2026-A7", false},
		{"BAU-x-0001-A7", false},
		{"", false},
	} {
		p, y, s, d, ok := parseFileNumber(tc.in)
		if ok != tc.ok {
			t.Errorf("%q: ok %v", tc.in, ok)
		}
		if ok && tc.in == "BAU-2026-0042-A7" && (p != "BAU" || y != 2026 || s != 42 || d != "A7") {
			t.Errorf("%q: %s %d %d %s", tc.in, p, y, s, d)
		}
	}
}
