package index

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/ozgcloud/desktop/model"
)

func ids(p Page) []string {
	out := []string{}
	for _, r := range p.Rows {
		out = append(out, r.ID)
	}
	return out
}

func searchRows() []Row {
	mk := func(id, applicant, file, typ, typeName string, more ...string) Row {
		return Row{ID: id, Applicant: applicant, FileNumber: file, Type: typ, TypeName: typeName,
			Status: model.StatusNeu, Tokens: Tokens(append([]string{applicant, file, typeName}, more...)...)}
	}
	return []Row{
		mk("a", "Jürgen Müller", "BAU-2026-0042-A7", "BAU", "Bauantrag", "Lange Straße 5", "jm@web.de"),
		mk("b", "Hans Mueller", "GEW-2026-0001-B2", "GEWERBE", "Gewerbeanmeldung", "Hauptstraße 1"),
		mk("c", "Anna Muller", "BAU-2025-0042-C9", "BAU", "Bauantrag", "Am Markt 3"),
		mk("d", "Öztürk GmbH", "HST-2026-0100-A7", "HUND", "Hundesteuer-Anmeldung", "Käthe"),
		mk("e", "Zoë Weiß", "MEB-2026-0007-A7", "MELDE", "Meldebescheinigung", "Straße der Einheit 2"),
	}
}

func TestSearch(t *testing.T) {
	x := New()
	x.PutMany(searchRows())
	tests := []struct {
		text string
		want []string
	}{
		{"Müller", []string{"a", "b"}},
		{"mueller", []string{"a", "b"}},
		{"MÜLLER", []string{"a", "b"}},
		{"muller", []string{"a", "c"}},
		{"Mu\u0308ller", []string{"a", "b"}},
		// Prefixes as the clerk types.
		{"m", []string{"a", "b", "c", "e"}},
		{"mu", []string{"a", "b", "c"}},
		{"mül", []string{"a", "b"}},
		{"müll", []string{"a", "b"}},
		{"muell", []string{"a", "b"}},
		{"mull", []string{"a", "c"}},
		{"Straße", []string{"a", "e"}},
		{"strasse", []string{"a", "e"}},
		{"STRA", []string{"a", "e"}},
		{"weiss", []string{"e"}},
		{"Weiß", []string{"e"}},
		{"zoe", []string{"e"}},
		{"oztu", []string{"d"}},
		{"käthe", []string{"d"}},
		{"kathe", []string{"d"}},
		// File numbers whole, by prefix and by parts.
		{"BAU-2026-0042-A7", []string{"a"}},
		{"bau-2026-0042-a7", []string{"a"}},
		{"bau-2026", []string{"a"}},
		{"BAU-", []string{"a", "c"}},
		{"bau", []string{"a", "c"}},
		{"0042", []string{"a", "c"}},
		{"004", []string{"a", "c"}},
		{"a7", []string{"a", "d", "e"}},
		{"2025", []string{"c"}},
		// Several words: all must match.
		{"müller bau", []string{"a"}},
		{"anna mu", []string{"c"}},
		{"jürgen bauantrag", []string{"a"}},
		{"jürgen gewerbe", nil},
		{"bau 2026", []string{"a"}},
		{"hundesteuer-an", []string{"d"}},
		{"anmeldung", []string{"d"}},
		{"jm@web.de", []string{"a"}},
		// No match.
		{"xyz", nil},
		{"müllerin", nil},
		{"bau-2027", nil},
		// No words: no restriction.
		{"", []string{"a", "b", "c", "d", "e"}},
		{" ?! ", []string{"a", "b", "c", "d", "e"}},
	}
	for _, tt := range tests {
		p := x.Query(Query{Text: tt.text, Sort: SortApplicant})
		got := ids(p)
		slices.Sort(got)
		if tt.want == nil {
			tt.want = []string{}
		}
		if !slices.Equal(got, tt.want) || p.Total != len(tt.want) {
			t.Errorf("search %q = %v (total %d), want %v", tt.text, got, p.Total, tt.want)
		}
	}
}

// sortRows have ties in every key and rows without assignee or deadline.
func sortRows() []Row {
	return []Row{
		{ID: "1", FileNumber: "F-2", Applicant: "Müller", Type: "BAU", TypeName: "Bauantrag", ReceivedAt: 300, Status: model.StatusAngenommen, Assignee: "c2", AssigneeName: "Björn", NextFollowUp: 60},
		{ID: "2", FileNumber: "F-1", Applicant: "mueller", Type: "GEWERBE", TypeName: "Gewerbeanmeldung", ReceivedAt: 100, Status: model.StatusNeu, Deadline: 50, NextFollowUp: 61, Tokens: Tokens("mueller")},
		{ID: "3", FileNumber: "F-1", Applicant: "Abel", Type: "BAU", TypeName: "Bauantrag", ReceivedAt: 100, Status: model.StatusNeu, Assignee: "c1", AssigneeName: "Anke", Deadline: 50, Finished: true},
		{ID: "4", FileNumber: "F-3", Applicant: "Zander", Type: "HUND", TypeName: "Hundesteuer-Anmeldung", ReceivedAt: 200, Status: "X", Assignee: "c1", AssigneeName: "Anke", Deadline: 10},
		{ID: "5", FileNumber: "F-0", Applicant: "Öztürk", Type: "BAU", TypeName: "Bauantrag", ReceivedAt: 300, Status: model.StatusAbgeschlossen, NextFollowUp: 30, Finished: true},
	}
}

func TestSortOrders(t *testing.T) {
	rows := sortRows()
	x := New()
	x.PutMany(rows)
	tests := []struct {
		key       SortKey
		asc, desc []string
	}{
		{SortFileNumber, []string{"5", "2", "3", "1", "4"}, []string{"4", "1", "3", "2", "5"}},
		{SortApplicant, []string{"3", "2", "1", "5", "4"}, []string{"4", "5", "1", "2", "3"}},
		{SortType, []string{"5", "3", "1", "2", "4"}, []string{"4", "2", "1", "3", "5"}},
		{SortReceived, []string{"2", "3", "4", "5", "1"}, []string{"1", "5", "4", "3", "2"}},
		{SortStatus, []string{"2", "3", "1", "5", "4"}, []string{"4", "5", "1", "3", "2"}},
		// Unassigned and no deadline last in both directions.
		{SortAssignee, []string{"3", "4", "1", "5", "2"}, []string{"1", "4", "3", "2", "5"}},
		{SortDeadline, []string{"4", "2", "3", "5", "1"}, []string{"3", "2", "4", "1", "5"}},
		// Default: received, newest first, Desc ignored.
		{"", []string{"1", "5", "4", "3", "2"}, []string{"1", "5", "4", "3", "2"}},
		{"bogus", []string{"1", "5", "4", "3", "2"}, []string{"1", "5", "4", "3", "2"}},
	}
	// Build the same index row by row too: Put must keep the orders as PutMany builds them.
	y := New()
	for _, r := range rows {
		y.Put(r)
	}
	for _, tt := range tests {
		for _, desc := range []bool{false, true} {
			want := tt.asc
			if desc {
				want = tt.desc
			}
			q := Query{Sort: tt.key, Desc: desc}
			for name, ix := range map[string]*Index{"PutMany": x, "Put": y} {
				if got := ids(ix.Query(q)); !slices.Equal(got, want) {
					t.Errorf("%s: sort %q desc=%v = %v, want %v", name, tt.key, desc, got, want)
				}
			}
			if got := ids(refQuery(rows, q)); !slices.Equal(got, want) {
				t.Errorf("reference: sort %q desc=%v = %v, want %v", tt.key, desc, got, want)
			}
		}
	}
}

func TestFilters(t *testing.T) {
	rows := sortRows()
	x := New()
	x.PutMany(rows)
	neu := model.StatusNeu
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"none", Query{}, []string{"5", "2", "3", "1", "4"}},
		{"status", Query{Statuses: []model.Status{neu}}, []string{"2", "3"}},
		{"two statuses", Query{Statuses: []model.Status{neu, model.StatusAbgeschlossen}}, []string{"5", "2", "3"}},
		{"unknown status", Query{Statuses: []model.Status{"X"}}, []string{"4"}},
		{"status nobody has", Query{Statuses: []model.Status{model.StatusZuLoeschen}}, []string{}},
		{"mine", Query{Assignee: "c1"}, []string{"3", "4"}},
		{"mine, unknown clerk", Query{Assignee: "c9"}, []string{}},
		{"mine and a substitution", Query{Assignee: "c1", AlsoAssignees: []string{"c2"}}, []string{"3", "1", "4"}},
		{"mine (none) and a substitution", Query{Assignee: "c9", AlsoAssignees: []string{"c2", "c8"}}, []string{"1"}},
		{"a substitution and overdue", Query{Assignee: "c2", AlsoAssignees: []string{"c1"}, Overdue: true, Today: 60}, []string{"4"}},
		{"unassigned", Query{Unassigned: true}, []string{"5", "2"}},
		{"overdue skips finished and no deadline", Query{Overdue: true, Today: 60}, []string{"2", "4"}},
		{"overdue is strict", Query{Overdue: true, Today: 50}, []string{"4"}},
		{"follow-up due includes today", Query{FollowUpDue: true, Today: 60}, []string{"5", "1"}},
		{"mine and overdue", Query{Assignee: "c1", Overdue: true, Today: 60}, []string{"4"}},
		{"unassigned and follow-up", Query{Unassigned: true, FollowUpDue: true, Today: 60}, []string{"5"}},
		{"status and unassigned", Query{Statuses: []model.Status{neu}, Unassigned: true}, []string{"2"}},
		{"mine and unassigned", Query{Assignee: "c1", Unassigned: true}, []string{}},
		{"text and filters", Query{Text: "mü", Unassigned: true, Overdue: true, Today: 60}, []string{"2"}},
	}
	for _, tt := range tests {
		tt.q.Sort = SortFileNumber
		p := x.Query(tt.q)
		if got := ids(p); !slices.Equal(got, tt.want) || p.Total != len(tt.want) {
			t.Errorf("%s: %v (total %d), want %v", tt.name, got, p.Total, tt.want)
		}
		if ref := refQuery(rows, tt.q); !reflect.DeepEqual(ids(ref), tt.want) {
			t.Errorf("%s: reference gives %v", tt.name, ids(ref))
		}
	}
}

// TestQueryMatchesReference runs random queries against random rows, changed by
// random Puts, PutManys and Deletes, and compares every page and count with the
// brute-force reference.
func TestQueryMatchesReference(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 1))
			x := New()
			ref := map[string]Row{}
			next := 0
			newRow := func() Row {
				next++
				return randRow(r, fmt.Sprintf("id-%03d", next))
			}
			var bulk []Row
			for range 150 + r.IntN(150) {
				row := newRow()
				bulk = append(bulk, row)
				ref[row.ID] = row
			}
			x.PutMany(bulk)
			for step := range 300 {
				switch op := r.IntN(10); {
				case op < 4:
					row := newRow()
					x.Put(row)
					ref[row.ID] = row
				case op < 7 && len(ref) > 0:
					id := slices.Sorted(maps.Keys(ref))[r.IntN(len(ref))]
					row := randRow(r, id)
					x.Put(row)
					ref[id] = row
				case op < 9 && len(ref) > 0:
					id := slices.Sorted(maps.Keys(ref))[r.IntN(len(ref))]
					x.Delete(id)
					delete(ref, id)
				default: // a second bulk load: replaces some, adds some
					var more []Row
					for _, id := range slices.Sorted(maps.Keys(ref)) {
						if r.IntN(5) == 0 {
							more = append(more, randRow(r, id))
						}
					}
					for range r.IntN(20) {
						more = append(more, newRow())
					}
					x.PutMany(more)
					for _, row := range more {
						ref[row.ID] = row
					}
				}
				rows := slices.Collect(maps.Values(ref))
				if x.Len() != len(rows) {
					t.Fatalf("step %d: Len %d, want %d", step, x.Len(), len(rows))
				}
				checkOrders(t, x)
				for range 5 {
					q := randQuery(r)
					got, want := x.Query(q), refQuery(rows, q)
					if !reflect.DeepEqual(ids(got), ids(want)) || got.Total != want.Total {
						t.Fatalf("step %d: query %+v\n got %s\nwant %s", step, q, describe(got), describe(want))
					}
					for i := range got.Rows {
						if !got.Rows[i].Equal(want.Rows[i]) {
							t.Fatalf("step %d: row %d differs: %+v != %+v", step, i, got.Rows[i], want.Rows[i])
						}
					}
				}
				clerk := randClerks[r.IntN(len(randClerks))].id
				today := 100 + int32(r.IntN(12))
				if got, want := x.Counts(clerk, today), refCounts(rows, clerk, today); !reflect.DeepEqual(got, want) {
					t.Fatalf("step %d: Counts(%q, %d) = %+v, want %+v", step, clerk, today, got, want)
				}
			}
			for id, want := range ref {
				if got, ok := x.Get(id); !ok || !got.Equal(want) {
					t.Fatalf("Get(%q) = %+v, %v; want %+v", id, got, ok, want)
				}
			}
		})
	}
}

// checkOrders verifies that every order holds each live slot once, sorted.
func checkOrders(t *testing.T, x *Index) {
	t.Helper()
	x.mu.RLock()
	defer x.mu.RUnlock()
	for k := range numSorts {
		ord := x.orders[k]
		if len(ord) != x.n {
			t.Fatalf("order %d has %d slots, want %d", k, len(ord), x.n)
		}
		for i := 1; i < len(ord); i++ {
			if compareKeys(k, &x.keys[ord[i-1]], &x.keys[ord[i]]) >= 0 {
				t.Fatalf("order %d not sorted at %d", k, i)
			}
		}
	}
}

func TestPagingNeverRepeatsOrSkips(t *testing.T) {
	rows := genRows(500, 5)
	x := New()
	x.PutMany(rows)
	for _, k := range SortKeys {
		for _, desc := range []bool{false, true} {
			q := Query{Sort: k, Desc: desc, Limit: 7, Statuses: []model.Status{model.StatusNeu, model.StatusInBearbeitung}}
			want := refQuery(rows, Query{Sort: k, Desc: desc, Limit: MaxLimit, Statuses: q.Statuses})
			var got []string
			for q.Offset = 0; ; q.Offset += q.Limit {
				p := x.Query(q)
				if p.Total != want.Total {
					t.Fatalf("%s desc=%v: total %d, want %d", k, desc, p.Total, want.Total)
				}
				if len(p.Rows) == 0 {
					break
				}
				got = append(got, ids(p)...)
			}
			if !slices.Equal(got, ids(want)) {
				t.Errorf("%s desc=%v: pages give %d rows, differ from the reference", k, desc, len(got))
			}
		}
	}
}

func TestPutReplaces(t *testing.T) {
	rows := searchRows()
	x := New()
	x.PutMany(rows)
	neu := Query{Statuses: []model.Status{model.StatusNeu}}
	accepted := Query{Statuses: []model.Status{model.StatusAngenommen}}
	if n := x.Query(neu).Total; n != 5 {
		t.Fatalf("NEU before: %d", n)
	}

	// A status change moves the row between filters.
	a := rows[0]
	a.Status = model.StatusAngenommen
	x.Put(a)
	if got := ids(x.Query(accepted)); !slices.Equal(got, []string{"a"}) {
		t.Errorf("ANGENOMMEN after accept: %v", got)
	}
	if n := x.Query(neu).Total; n != 4 {
		t.Errorf("NEU after accept: %d, want 4", n)
	}

	// Renaming the applicant changes what finds the row.
	a.Applicant = "Jürgen Schröder"
	a.Tokens = Tokens(a.Applicant, a.FileNumber, a.TypeName)
	x.Put(a)
	if got := ids(x.Query(Query{Text: "müller"})); !slices.Equal(got, []string{"b"}) {
		t.Errorf("müller after rename: %v", got)
	}
	if got := ids(x.Query(Query{Text: "schrod"})); !slices.Equal(got, []string{"a"}) {
		t.Errorf("schrod after rename: %v", got)
	}
	// Lange Straße is gone from a's tokens.
	if got := ids(x.Query(Query{Text: "lange"})); len(got) != 0 {
		t.Errorf("lange after rename: %v", got)
	}
	if got, _ := x.Get("a"); !got.Equal(a) {
		t.Errorf("Get after Put: %+v", got)
	}
	if x.Len() != 5 {
		t.Errorf("Len after replacing: %d", x.Len())
	}

	// Assignment moves the row between mine and unassigned, and in the assignee order.
	a.Assignee, a.AssigneeName = "c1", "Anke"
	x.Put(a)
	if got := ids(x.Query(Query{Assignee: "c1"})); !slices.Equal(got, []string{"a"}) {
		t.Errorf("mine after assign: %v", got)
	}
	if n := x.Query(Query{Unassigned: true}).Total; n != 4 {
		t.Errorf("unassigned after assign: %d", n)
	}
	if got := ids(x.Query(Query{Sort: SortAssignee, Limit: 1})); !slices.Equal(got, []string{"a"}) {
		t.Errorf("first by assignee: %v", got)
	}
}

func TestDelete(t *testing.T) {
	rows := searchRows()
	x := New()
	x.PutMany(rows)
	x.Delete("a")
	x.Delete("a")       // twice: no effect
	x.Delete("missing") // unknown: no effect
	if x.Len() != 4 {
		t.Fatalf("Len = %d, want 4", x.Len())
	}
	if _, ok := x.Get("a"); ok {
		t.Error("Get finds a deleted row")
	}
	if got := ids(x.Query(Query{Text: "müller"})); !slices.Equal(got, []string{"b"}) {
		t.Errorf("search after delete: %v", got)
	}
	for _, k := range SortKeys {
		if p := x.Query(Query{Sort: k}); p.Total != 4 || slices.Contains(ids(p), "a") {
			t.Errorf("sort %s after delete: %v", k, ids(p))
		}
	}
	if c := x.Counts("", 0); c.All != 4 || c.ByStatus[model.StatusNeu] != 4 {
		t.Errorf("counts after delete: %+v", c)
	}
	// The freed slot is reused by the next row, which must not inherit anything.
	n := Row{ID: "n", FileNumber: "ALG-2026-0001-A7", Applicant: "Neu", Status: model.StatusAngenommen, Tokens: Tokens("Neu")}
	x.Put(n)
	if got := ids(x.Query(Query{Text: "jürgen"})); len(got) != 0 {
		t.Errorf("new row found by the deleted row's token: %v", got)
	}
	if got := ids(x.Query(Query{Text: "neu"})); !slices.Equal(got, []string{"n"}) {
		t.Errorf("new row: %v", got)
	}
	checkOrders(t, x)
}

func TestCounts(t *testing.T) {
	x := New()
	x.PutMany(sortRows())
	got := x.Counts("c1", 60)
	want := Counts{
		All: 5, Mine: 2, Unassigned: 2, Overdue: 2, FollowUpDue: 2,
		ByStatus: map[model.Status]int{
			model.StatusNeu: 2, model.StatusAngenommen: 1, model.StatusAbgeschlossen: 1, "X": 1,
			model.StatusInBearbeitung: 0, model.StatusBeschieden: 0, model.StatusWeitergeleitet: 0,
			model.StatusVerworfen: 0, model.StatusZuLoeschen: 0,
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Counts = %+v\nwant %+v", got, want)
	}
	if c := x.Counts("", 60); c.Mine != 0 {
		t.Errorf("Mine without a clerk = %d", c.Mine)
	}
	if c := New().Counts("c1", 60); c.All != 0 || len(c.ByStatus) != len(model.Statuses) {
		t.Errorf("empty Counts = %+v", c)
	}
}

func TestSetAssigneeName(t *testing.T) {
	rows := sortRows()
	x := New()
	x.PutMany(rows)
	x.SetAssigneeName("c1", "Zacharias")
	for i := range rows {
		if rows[i].Assignee == "c1" {
			rows[i].AssigneeName = "Zacharias"
		}
	}
	q := Query{Sort: SortAssignee}
	if got, want := ids(x.Query(q)), ids(refQuery(rows, q)); !slices.Equal(got, want) {
		t.Errorf("by assignee after rename: %v, want %v", got, want)
	}
	if r, _ := x.Get("3"); r.AssigneeName != "Zacharias" {
		t.Errorf("row 3 assignee name %q", r.AssigneeName)
	}
	x.SetAssigneeName("nobody", "X") // no rows: no effect
	checkOrders(t, x)
}

func TestQueryPageCopies(t *testing.T) {
	x := New()
	x.PutMany(searchRows())
	p := x.Query(Query{Sort: SortFileNumber})
	p.Rows[0].Applicant = "changed"
	if r, _ := x.Get(p.Rows[0].ID); r.Applicant == "changed" {
		t.Error("a page row shares memory with the index")
	}
	if p.Rows[1].Tokens != nil {
		t.Error("page rows carry tokens")
	}
	g, _ := x.Get("a")
	g.Tokens[0] = "changed"
	if r, _ := x.Get("a"); r.Tokens[0] == "changed" {
		t.Error("Get shares tokens with the index")
	}
}

func TestLimits(t *testing.T) {
	x := New()
	x.PutMany(genRows(700, 11))
	for _, tt := range []struct{ limit, offset, want int }{
		{0, 0, DefaultLimit}, {-1, 0, DefaultLimit}, {10, 0, 10}, {1000, 0, MaxLimit},
		{50, 690, 10}, {50, 700, 0}, {50, 5000, 0}, {10, -3, 10},
	} {
		p := x.Query(Query{Limit: tt.limit, Offset: tt.offset})
		if len(p.Rows) != tt.want || p.Total != 700 {
			t.Errorf("limit %d offset %d: %d rows, total %d; want %d", tt.limit, tt.offset, len(p.Rows), p.Total, tt.want)
		}
	}
}

// TestConcurrentReadersAndWriter runs queries while a writer puts and deletes; run
// with -race.
func TestConcurrentReadersAndWriter(t *testing.T) {
	rows := genRows(2000, 13)
	x := New()
	x.PutMany(rows[:1000])
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		defer close(done)
		for i, r := range rows[1000:] {
			x.Put(r)
			old := rows[i]
			old.Status = model.StatusAbgeschlossen
			x.Put(old)
			if i%10 == 0 {
				x.Delete(rows[i+1].ID)
			}
			if i%100 == 0 {
				x.SetAssigneeName(genClerks[0].ID, fmt.Sprint("Anke ", i))
			}
		}
	})
	for g := range 3 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 2))
			for {
				select {
				case <-done:
					return
				default:
				}
				q := Query{Text: []string{"", "mü", "stra", "bau"}[r.IntN(4)], Sort: SortKeys[r.IntN(len(SortKeys))], Desc: r.IntN(2) == 0, Overdue: r.IntN(3) == 0, Today: DayNumber(genToday)}
				p := x.Query(q)
				if len(p.Rows) > DefaultLimit || len(p.Rows) > p.Total {
					t.Errorf("page of %d rows, total %d", len(p.Rows), p.Total)
					return
				}
				x.Counts(genClerks[1].ID, q.Today)
				x.Get(rows[r.IntN(len(rows))].ID)
				x.Len()
			}
		})
	}
	wg.Wait()
	checkOrders(t, x)
}

// TestPutManyIntoLoadedIndex covers both ways PutMany merges into a loaded index: a
// few rows go in one by one, many rows rebuild everything.
func TestPutManyIntoLoadedIndex(t *testing.T) {
	for _, batch := range []int{5, 300} {
		t.Run(fmt.Sprint(batch), func(t *testing.T) {
			rows := genRows(1000, 17)
			x := New()
			x.PutMany(rows)
			r := rand.New(rand.NewPCG(uint64(batch), 3))
			var more []Row
			for i := range batch {
				if i%2 == 0 { // replace an existing row
					j := r.IntN(len(rows))
					row := randRow(r, rows[j].ID)
					rows[j] = row
					more = append(more, row)
				} else {
					row := randRow(r, fmt.Sprintf("more-%d", i))
					rows = append(rows, row)
					more = append(more, row)
				}
			}
			x.PutMany(more)
			checkOrders(t, x)
			for _, k := range SortKeys {
				for _, desc := range []bool{false, true} {
					for _, text := range []string{"", "mü", "bau"} {
						q := Query{Sort: k, Desc: desc, Text: text, Limit: MaxLimit}
						if got, want := x.Query(q), refQuery(rows, q); !reflect.DeepEqual(ids(got), ids(want)) || got.Total != want.Total {
							t.Fatalf("%+v: got %s\nwant %s", q, describe(got), describe(want))
						}
					}
				}
			}
		})
	}
}
