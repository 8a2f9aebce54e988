package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/ozgcloud/desktop/model"
)

// history gives case states that a log would hold: each with one more comment and
// history entry than the last.
func history(n int) []model.Case {
	c := model.Case{ID: "case-1", Status: model.StatusNeu, HistoryHead: model.HistoryHead{Seq: 1, Hash: "h1"}}
	out := []model.Case{c}
	for i := 2; i <= n; i++ {
		c.Comments = append(c.Comments[:len(c.Comments):len(c.Comments)], model.Comment{ID: fmt.Sprint("k", i), Text: "Notiz"})
		c.Version++
		c.HistoryHead = model.HistoryHead{Seq: uint64(i), Hash: fmt.Sprint("h", i)}
		out = append(out, c)
	}
	return out
}

// logOf is the log of those states: the first whole, then patches.
func logOf(t *testing.T, states []model.Case) []Change {
	t.Helper()
	var out []Change
	for i := range states {
		ch := Change{Seq: uint64(i + 1), CaseID: "case-1", Mutations: []string{fmt.Sprint("dev:", i+1)}, Tx: uint64(i + 1)}
		if i == 0 {
			ch.Case = &states[0]
		} else {
			p, err := model.Diff(&states[i-1], &states[i])
			if err != nil {
				t.Fatal(err)
			}
			ch.Patch = &p
		}
		out = append(out, ch)
	}
	return out
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMerge(t *testing.T) {
	states := history(6)
	log := logOf(t, states)
	before := jsonOf(t, log)

	// From the creation on: the whole last state, every mutation, the last Seq and Tx.
	m, err := Merge(log)
	if err != nil {
		t.Fatal(err)
	}
	if m.Case == nil || m.Patch != nil || jsonOf(t, *m.Case) != jsonOf(t, states[5]) || len(m.Mutations) != 6 || m.Seq != 6 || m.Tx != 6 {
		t.Fatalf("merged from the creation: %s", jsonOf(t, m))
	}
	// From a later cursor: one patch from the state there to the last.
	m, err = Merge(log[2:])
	if err != nil {
		t.Fatal(err)
	}
	got := states[1]
	if m.Patch == nil || model.ApplyPatch(&got, *m.Patch) != nil || jsonOf(t, got) != jsonOf(t, states[5]) {
		t.Fatalf("merged patch gives %s", jsonOf(t, got))
	}
	if len(m.Patch.Comments) != 4 {
		t.Fatalf("merged patch carries %d comments, want the 4 appended", len(m.Patch.Comments))
	}
	if jsonOf(t, log) != before {
		t.Fatal("Merge changed the entries it was given")
	}
	// Entries that do not follow one another, or of two cases, do not merge.
	for name, chs := range map[string][]Change{
		"gap":        {log[1], log[3]},
		"two cases":  {log[1], {Seq: 9, CaseID: "case-2", Patch: log[2].Patch}},
		"no content": {log[1], {Seq: 9, CaseID: "case-1"}},
		"empty":      nil,
	} {
		if _, err := Merge(chs); !errors.Is(err, ErrChange) {
			t.Errorf("%s: %v, want ErrChange", name, err)
		}
	}
}

// Sums stay beside their mutations when entries from before protocol 4 (without
// sums) and later ones are merged.
func TestMergeSums(t *testing.T) {
	log := logOf(t, history(4))
	log[1].Sums = []string{"s2"}
	log[3].Sums = []string{"s4"}
	log[2].Mutations = append(log[2].Mutations, "dev:3b")
	m, err := Merge(log)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Sums) != len(m.Mutations) || m.Sums[1] != "s2" || m.Sums[4] != "s4" || m.Sums[0] != "" || m.Sums[2] != "" {
		t.Errorf("mutations %v with sums %q", m.Mutations, m.Sums)
	}
	if m, _ := Merge(logOf(t, history(3))); m.Sums != nil {
		t.Errorf("entries without sums merge to sums %q", m.Sums)
	}
}
