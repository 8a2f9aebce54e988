package index

import (
	"math"
	"math/bits"
	"slices"

	"github.com/ozgcloud/desktop/model"
)

const (
	// DefaultLimit is the page size when Query.Limit is 0 or less.
	DefaultLimit = 50
	// MaxLimit caps Query.Limit.
	MaxLimit = 500
)

// Query asks for one page of rows; all its conditions must hold (AND).
type Query struct {
	// Text is free text: every word must be the prefix of some token of the row,
	// compared after Fold. A hyphenated word ("BAU-2026-00") is matched whole.
	Text        string
	Statuses    []model.Status // any of; empty = all
	Assignee    string         // "mine": only this clerk's rows; "" = no restriction
	Unassigned  bool
	Overdue     bool // Row.Overdue(Today)
	FollowUpDue bool // Row.FollowUpDue(Today)
	Today       int32
	// Sort "" (or an unknown key) means received, newest first, and ignores Desc.
	Sort   SortKey
	Desc   bool
	Offset int
	Limit  int // 0 = DefaultLimit; at most MaxLimit

	// AlsoAssignees, with Assignee, adds these clerks' rows: the absent clerks a
	// substitute stands in for ("Meine Vorgänge" in Vertretung).
	AlsoAssignees []string
}

// Page is one page of rows and the number of all rows matching the query.
type Page struct {
	Total int
	Rows  []Row // copies without Tokens, which the list does not show
}

// Query returns the page of rows that match q, in q's order.
func (x *Index) Query(q Query) Page {
	x.mu.RLock()
	defer x.mu.RUnlock()

	kind, ok := kindOf(q.Sort)
	desc := q.Desc
	if !ok {
		kind, desc = byReceived, true
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	offset := max(q.Offset, 0)

	cand, filtered := x.filter(&q)
	total := x.n
	if filtered {
		total = cand.count()
	}
	p := Page{Total: total}
	if offset >= total {
		return p
	}
	want := min(limit, total-offset)
	p.Rows = make([]Row, 0, want)
	if filtered && total <= sortFewMax {
		for _, s := range x.sortFew(cand, kind, desc)[offset : offset+want] {
			p.Rows = append(p.Rows, x.listRow(s))
		}
		return p
	}

	ord := x.orders[kind]
	// Segments of ord in walking order: descending walks each backwards, and keeps
	// rows without a value (from noneFrom on) at the end.
	type seg struct{ lo, hi int }
	segs := []seg{{0, len(ord)}}
	if desc {
		if nf := x.noneFrom(kind); nf < len(ord) {
			segs = []seg{{0, nf}, {nf, len(ord)}}
		}
	}
	skip := offset
	for _, sg := range segs {
		if !filtered && skip >= sg.hi-sg.lo {
			skip -= sg.hi - sg.lo
			continue
		}
		for k := sg.lo; k < sg.hi; k++ {
			i := k
			if desc {
				i = sg.hi - 1 - (k - sg.lo)
			}
			s := ord[i]
			if filtered && cand[s>>6]&(1<<(s&63)) == 0 {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			p.Rows = append(p.Rows, x.listRow(s))
			if len(p.Rows) == want {
				return p
			}
		}
	}
	return p
}

// sortFewMax: up to this many matches, sorting them beats walking a whole order.
const sortFewMax = 512

// sortFew returns the slots in cand sorted as kind's order walked in direction desc.
func (x *Index) sortFew(cand bitset, kind sortKind, desc bool) []uint32 {
	var slots []uint32
	for w, word := range cand {
		for word != 0 {
			slots = append(slots, uint32(w*64+bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	slices.SortFunc(slots, func(a, b uint32) int {
		ka, kb := &x.keys[a], &x.keys[b]
		c := compareKeys(kind, ka, kb)
		if desc && isNone(kind, ka) == isNone(kind, kb) {
			c = -c
		}
		return c
	})
	return slots
}

// listRow returns the row in slot s as the list shows it: a copy without tokens.
func (x *Index) listRow(s uint32) Row {
	r := x.rows[s]
	r.Tokens = nil
	return r
}

// filter returns the slots that match q's conditions; filtered is false when q has
// none, and cand is nil then.
func (x *Index) filter(q *Query) (cand bitset, filtered bool) {
	nw := (len(x.rows) + 63) / 64
	// restrict ANDs o into cand; the first condition copies, so shared sets stay.
	restrict := func(o bitset) {
		if !filtered {
			cand, filtered = copyOf(o, nw), true
			return
		}
		cand.and(o)
	}
	if ws := QueryWords(q.Text); len(ws) > 0 {
		cand, filtered = x.match(ws, nw), true
	}
	if len(q.Statuses) > 0 {
		st := make(bitset, nw)
		for _, s := range q.Statuses {
			if b := x.status[s]; b != nil {
				st.or(*b)
			}
		}
		restrict(st)
	}
	if q.Assignee != "" {
		var b bitset
		if p := x.assignee[q.Assignee]; p != nil {
			b = *p
		}
		if len(q.AlsoAssignees) > 0 {
			b = copyOf(b, nw)
			for _, a := range q.AlsoAssignees {
				if p := x.assignee[a]; p != nil {
					b.or(*p)
				}
			}
		}
		restrict(b)
	}
	if q.Unassigned {
		restrict(x.unassigned)
	}
	if q.Overdue || q.FollowUpDue {
		if !filtered {
			restrict(x.live)
		}
		if q.Overdue {
			keepBelow(cand, x.overdueKey, q.Today)
		}
		if q.FollowUpDue {
			// The sentinel MaxInt32 (no follow-up) must stay out even then.
			keepBelow(cand, x.followKey, int32(min(int64(q.Today)+1, math.MaxInt32)))
		}
	}
	return cand, filtered
}

// keepBelow removes from cand every slot whose column value is not below limit. It
// reads the column in sequence, 64 values per word, without branching on values.
func keepBelow(cand bitset, col []int32, limit int32) {
	for w, word := range cand {
		if word == 0 {
			continue
		}
		base := w * 64
		if bits.OnesCount64(word) <= 4 { // sparse: look only at the set bits
			for v := word; v != 0; v &= v - 1 {
				t := bits.TrailingZeros64(v)
				if col[base+t] >= limit {
					word &^= 1 << uint(t)
				}
			}
			cand[w] = word
			continue
		}
		vals := col[base:min(base+64, len(col))]
		var m uint64
		for j, v := range vals {
			var bit uint64
			if v < limit {
				bit = 1
			}
			m |= bit << uint(j)
		}
		cand[w] = word & m
	}
}

// match returns the slots whose tokens have every word as a prefix.
func (x *Index) match(ws []string, nw int) bitset {
	cand := make(bitset, nw)
	x.dict.prefix(ws[0], func(p *posting) { p.orInto(cand) })
	var word bitset
	for _, w := range ws[1:] {
		if cand.empty() {
			break
		}
		if word == nil {
			word = make(bitset, nw)
		} else {
			clear(word)
		}
		x.dict.prefix(w, func(p *posting) { p.orInto(word) })
		cand.and(word)
	}
	return cand
}
