package index

import (
	"fmt"
	"testing"

	"github.com/ozgcloud/desktop/model"
)

var (
	benchIndex *Index
	benchToday = DayNumber(genToday)
)

func loadedIndex(b *testing.B) *Index {
	b.Helper()
	if benchIndex == nil {
		rows := bigData()
		benchIndex = New()
		benchIndex.PutMany(rows)
	}
	return benchIndex
}

// BenchmarkQueryFirstPage asks for the first page of 50 for every sort key, both
// directions, with each quick filter.
func BenchmarkQueryFirstPage(b *testing.B) {
	x := loadedIndex(b)
	filters := []struct {
		name string
		q    Query
	}{
		{"all", Query{}},
		{"status", Query{Statuses: []model.Status{model.StatusNeu, model.StatusAngenommen}}},
		{"mine", Query{Assignee: "clerk-2"}},
		{"unassigned", Query{Unassigned: true}},
		{"overdue", Query{Overdue: true}},
		{"followup", Query{FollowUpDue: true}},
		{"mine+overdue", Query{Assignee: "clerk-2", Overdue: true}},
		{"rare", Query{Statuses: []model.Status{model.StatusZuLoeschen}, Assignee: "clerk-3", FollowUpDue: true}},
		{"search+status", Query{Text: "müll", Statuses: []model.Status{model.StatusInBearbeitung}}},
	}
	for _, f := range filters {
		for _, k := range SortKeys {
			for _, desc := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s", f.name, k)
				if desc {
					name += "-desc"
				}
				q := f.q
				q.Sort, q.Desc, q.Today, q.Limit = k, desc, benchToday, 50
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						if p := x.Query(q); len(p.Rows) == 0 {
							b.Fatal("empty page")
						}
					}
				})
			}
		}
	}
}

// BenchmarkSearchPrefix runs 4-letter prefix searches, rare and very common ones,
// sorted by received date (the default).
func BenchmarkSearchPrefix(b *testing.B) {
	x := loadedIndex(b)
	for _, text := range []string{"stra", "2026", "gmx", "hans", "schm", "müll", "mull", "lüde", "bau-", "0042", "bello", "möps", "anna müll", "zzzz"} {
		q := Query{Text: text, Today: benchToday}
		total := x.Query(q).Total
		b.Run(fmt.Sprintf("%s(%d)", text, total), func(b *testing.B) {
			for b.Loop() {
				x.Query(q)
			}
		})
	}
}

// BenchmarkPut replaces rows of a loaded index with changed status, assignee and
// applicant, and inserts new rows.
func BenchmarkPut(b *testing.B) {
	x := loadedIndex(b)
	rows := bigData()
	b.Run("replace-status", func(b *testing.B) {
		i := 0
		for b.Loop() {
			r := rows[(i*7919)%len(rows)]
			r.Status = genStatuses[i%len(genStatuses)]
			r.Assignee = genClerks[i%len(genClerks)].ID
			r.AssigneeName = genClerks[i%len(genClerks)].Name
			x.Put(r)
			i++
		}
	})
	b.Run("replace-applicant", func(b *testing.B) {
		i := 0
		for b.Loop() {
			r := rows[(i*7919)%len(rows)]
			r.Applicant = genSurnames[i%len(genSurnames)] + " " + genFirst[i%len(genFirst)]
			r.Tokens = Tokens(r.Applicant, r.FileNumber, r.TypeName)
			x.Put(r)
			i++
		}
	})
	extra := genRows(b.N+1000, 7)
	b.Run("insert", func(b *testing.B) {
		i := 0
		for b.Loop() {
			r := extra[i%len(extra)]
			r.ID = fmt.Sprintf("new-%d", i)
			x.Put(r)
			i++
		}
	})
	// Leave the shared index as loaded for other benchmarks.
	benchIndex = nil
}

// BenchmarkPutMany bulk-loads 100,000 rows into an empty index.
func BenchmarkPutMany(b *testing.B) {
	rows := bigData()
	for b.Loop() {
		New().PutMany(rows)
	}
}
