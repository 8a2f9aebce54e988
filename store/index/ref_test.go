package index

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/ozgcloud/desktop/model"
)

// refQuery is the brute-force reference for Index.Query: filter every row, sort with
// the documented rules, cut the page.
func refQuery(rows []Row, q Query) Page {
	var hits []Row
	for _, r := range rows {
		if refMatch(r, q) {
			hits = append(hits, r)
		}
	}
	key, desc := q.Sort, q.Desc
	if _, ok := kindOf(key); !ok {
		key, desc = SortReceived, true
	}
	slices.SortFunc(hits, func(a, b Row) int { return refCompare(key, desc, a, b) })
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	offset := max(q.Offset, 0)
	p := Page{Total: len(hits)}
	if offset < len(hits) {
		for _, r := range hits[offset:min(offset+limit, len(hits))] {
			r.Tokens = nil
			p.Rows = append(p.Rows, r)
		}
	}
	return p
}

func refMatch(r Row, q Query) bool {
	for _, w := range QueryWords(q.Text) {
		if !slices.ContainsFunc(r.Tokens, func(t string) bool { return strings.HasPrefix(t, w) }) {
			return false
		}
	}
	if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, r.Status) {
		return false
	}
	if q.Assignee != "" && r.Assignee != q.Assignee && !slices.Contains(q.AlsoAssignees, r.Assignee) {
		return false
	}
	if q.Unassigned && r.Assignee != "" {
		return false
	}
	if q.Overdue && !r.Overdue(q.Today) {
		return false
	}
	if q.FollowUpDue && !r.FollowUpDue(q.Today) {
		return false
	}
	return true
}

// refCompare: rows without a value sort last in both directions; otherwise desc
// reverses the whole comparison including the FileNumber, ID tie-break.
func refCompare(key SortKey, desc bool, a, b Row) int {
	Fold := refFold
	aNone, bNone := refNone(key, a), refNone(key, b)
	if aNone != bNone {
		if aNone {
			return 1
		}
		return -1
	}
	c := 0
	switch key {
	case SortApplicant:
		c = strings.Compare(Fold(a.Applicant), Fold(b.Applicant))
	case SortType:
		c = cmp.Or(strings.Compare(Fold(a.TypeName), Fold(b.TypeName)), strings.Compare(a.Type, b.Type))
	case SortReceived:
		c = cmp.Compare(a.ReceivedAt, b.ReceivedAt)
	case SortStatus:
		c = cmp.Compare(refStatusPos(a.Status), refStatusPos(b.Status))
	case SortAssignee:
		if !aNone {
			c = cmp.Or(strings.Compare(Fold(a.AssigneeName), Fold(b.AssigneeName)), strings.Compare(a.Assignee, b.Assignee))
		}
	case SortDeadline:
		c = cmp.Compare(a.Deadline, b.Deadline)
	}
	c = cmp.Or(c, strings.Compare(a.FileNumber, b.FileNumber), strings.Compare(a.ID, b.ID))
	if desc {
		c = -c
	}
	return c
}

// refFold memoizes Fold: the reference sorts call it for every comparison.
var refFoldCache = map[string]string{}

func refFold(s string) string {
	f, ok := refFoldCache[s]
	if !ok {
		f = Fold(s)
		refFoldCache[s] = f
	}
	return f
}

func refNone(key SortKey, r Row) bool {
	switch key {
	case SortAssignee:
		return r.Assignee == ""
	case SortDeadline:
		return r.Deadline == 0
	}
	return false
}

func refStatusPos(s model.Status) int {
	if i := slices.Index(model.Statuses, s); i >= 0 {
		return i
	}
	return len(model.Statuses)
}

func refCounts(rows []Row, assignee string, today int32) Counts {
	c := Counts{All: len(rows), ByStatus: map[model.Status]int{}}
	for _, s := range model.Statuses {
		c.ByStatus[s] = 0
	}
	for _, r := range rows {
		c.ByStatus[r.Status]++
		if assignee != "" && r.Assignee == assignee {
			c.Mine++
		}
		if r.Assignee == "" {
			c.Unassigned++
		}
		if r.Overdue(today) {
			c.Overdue++
		}
		if r.FollowUpDue(today) {
			c.FollowUpDue++
		}
	}
	return c
}

// Random rows from small pools, so that every sort key has many ties and the
// umlaut variants meet.
var (
	randApplicants = []string{"Müller", "Mueller", "Muller", "MÜLLER", "Jürgen Schmidt", "Straßen AG", "", "Öztürk", "ölmann", "Zoë Weiß"}
	randFiles      = []string{"BAU-2026-0001-A7", "BAU-2026-0002-A7", "GEW-2025-0001-B2", "HST-2026-0010-C9", "MEB-2026-0100-A7", "ALG-2026-0001-A7"}
	randClerks     = []struct{ id, name string }{{"", ""}, {"c1", "Anke Jürgensen"}, {"c2", "Björn Petersen"}, {"c3", ""}, {"c4", "anke jurgensen"}}
	randWords      = []string{"Bello", "Dackel", "Käthe", "Kathe", "Lange Straße", "Einfamilienhaus", ""}
	randStatuses   = append(slices.Clone(model.Statuses), "UNBEKANNT")
)

func randRow(r *rand.Rand, id string) Row {
	t := model.CaseTypes[r.IntN(len(model.CaseTypes))]
	typeName := t.Name
	if r.IntN(10) == 0 {
		t.Code, typeName = "NEU_TYP", "Gewerbeanmeldung" // same name, other code
	}
	cl := randClerks[r.IntN(len(randClerks))]
	row := Row{
		ID:           id,
		FileNumber:   randFiles[r.IntN(len(randFiles))],
		Applicant:    randApplicants[r.IntN(len(randApplicants))],
		Type:         t.Code,
		TypeName:     typeName,
		ReceivedAt:   int64(r.IntN(5)) * 86400,
		Status:       randStatuses[r.IntN(len(randStatuses))],
		Assignee:     cl.id,
		AssigneeName: cl.name,
		Finished:     r.IntN(3) == 0,
	}
	if r.IntN(3) > 0 {
		row.Deadline = 100 + int32(r.IntN(10))
	}
	if r.IntN(2) == 0 {
		row.NextFollowUp = 100 + int32(r.IntN(10))
	}
	row.Tokens = Tokens(row.Applicant, row.FileNumber, row.TypeName, randWords[r.IntN(len(randWords))])
	return row
}

var randTexts = []string{"", "mü", "mu", "mue", "muller", "MÜLLER", "str", "strasse", "bau-2026-00", "bau-", "0001", "zzz", "mü bau", "jurg schm", "kath", "käthe", "gewerbe", "hundesteuer-an", "a7"}

func randQuery(r *rand.Rand) Query {
	q := Query{Today: 100 + int32(r.IntN(12)), Desc: r.IntN(2) == 0}
	if r.IntN(2) == 0 {
		q.Text = randTexts[r.IntN(len(randTexts))]
	}
	for _, s := range randStatuses {
		if r.IntN(6) == 0 {
			q.Statuses = append(q.Statuses, s)
		}
	}
	if r.IntN(4) == 0 {
		q.Assignee = randClerks[r.IntN(len(randClerks))].id
	}
	q.Unassigned = r.IntN(6) == 0
	q.Overdue = r.IntN(4) == 0
	q.FollowUpDue = r.IntN(4) == 0
	keys := append(slices.Clone(SortKeys), "", "bogus")
	q.Sort = keys[r.IntN(len(keys))]
	switch r.IntN(4) {
	case 0:
		q.Offset = r.IntN(300)
	case 1:
		q.Offset = -1
	}
	limits := []int{0, -5, 1, 7, 50, 1000}
	q.Limit = limits[r.IntN(len(limits))]
	return q
}

func describe(p Page) string {
	var b strings.Builder
	fmt.Fprintf(&b, "total %d:", p.Total)
	for _, r := range p.Rows {
		b.WriteString(" " + r.ID)
	}
	return b.String()
}
