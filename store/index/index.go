// Package index is the in-memory list and search index of the case store: paging,
// sorting, filtering and German prefix search over one Row per case.
package index

import (
	"math"
	"slices"
	"sync"

	"github.com/ozgcloud/desktop/model"
)

// Index holds rows in slots; sort orders, filter bitsets and the token dictionary
// refer to rows by slot. It is safe for concurrent use.
type Index struct {
	mu   sync.RWMutex
	rows []Row  // by slot; a freed slot holds the zero Row
	keys []skey // by slot
	byID map[string]uint32
	free []uint32
	live bitset
	n    int

	// overdueKey is the deadline of an unfinished row with one, else MaxInt32, so
	// "overdue on today" is one comparison: overdueKey < today.
	overdueKey []int32
	// followKey is NextFollowUp or MaxInt32: "due" is followKey <= today.
	followKey  []int32
	status     map[model.Status]*bitset
	assignee   map[string]*bitset
	unassigned bitset

	orders [numSorts][]uint32
	dict   dict
}

// New returns an empty index.
func New() *Index {
	return &Index{
		byID:     map[string]uint32{},
		status:   map[model.Status]*bitset{},
		assignee: map[string]*bitset{},
		dict:     dict{byTok: map[string]uint32{}},
	}
}

// Len returns the number of rows.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.n
}

// Get returns a copy of the row with the ID.
func (x *Index) Get(id string) (Row, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s, ok := x.byID[id]
	if !ok {
		return Row{}, false
	}
	r := x.rows[s]
	r.Tokens = slices.Clone(r.Tokens)
	return r, true
}

// PutMany inserts or replaces every row (a later row wins over an earlier one with
// the same ID) and rebuilds the sort orders and the dictionary once; it is the bulk
// load at Open. Fewer rows than 1/64 of the index go in one by one, as with Put.
// The index keeps the rows' Tokens: callers must not change them.
func (x *Index) PutMany(rows []Row) {
	x.mu.Lock()
	defer x.mu.Unlock()
	// A few rows into a big index: putting them one by one (about 0.1 ms each)
	// beats rebuilding everything (about 4 microseconds per row held).
	if len(rows) <= x.n/64 {
		for _, r := range rows {
			x.put(r)
		}
		return
	}
	if len(x.byID) == 0 {
		x.byID = make(map[string]uint32, len(rows))
	}
	// Headroom for the cases added after the load, so that the next Puts do not
	// copy every row to grow the slices.
	more := headroom(len(x.rows) + len(rows))
	x.rows = slices.Grow(x.rows, more)
	x.keys = slices.Grow(x.keys, more)
	x.overdueKey = slices.Grow(x.overdueKey, more)
	x.followKey = slices.Grow(x.followKey, more)
	touched := make([]uint32, len(rows))
	for i := range rows {
		r := rows[i]
		s, ok := x.byID[r.ID]
		if !ok {
			s = x.alloc(r.ID)
		} else {
			x.unsetFilters(s)
		}
		x.rows[s] = r
		x.setFilters(s)
		touched[i] = s
	}
	// The dictionary needs only the rows; it builds on one core while the other
	// computes the sort keys and sorts.
	var wg sync.WaitGroup
	wg.Go(func() { x.dict.build(x.rows, x.live) })
	for _, s := range touched {
		x.keys[s] = keyOf(&x.rows[s])
	}
	x.sortAll()
	wg.Wait()
}

// headroom returns the capacity to reserve for n slots when building at once.
func headroom(n int) int { return n + n/8 + 1024 }

// Put inserts r, or replaces the row with r's ID. The index keeps r.Tokens: callers
// must not change them.
func (x *Index) Put(r Row) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.put(r)
}

func (x *Index) put(r Row) {
	s, ok := x.byID[r.ID]
	if !ok {
		s = x.alloc(r.ID)
		x.rows[s] = r
		x.keys[s] = keyOf(&x.rows[s])
		x.setFilters(s)
		for _, t := range r.Tokens {
			x.dict.posting(t, true).add(s)
		}
		for k := range numSorts {
			x.orderInsert(k, s, &x.keys[s])
		}
		return
	}
	old := x.rows[s]
	nk := keyOf(&r)
	x.unsetFilters(s)
	x.retoken(s, old.Tokens, r.Tokens)
	for k := range numSorts {
		if !sameSort(k, &x.keys[s], &nk) {
			x.orderMove(k, s, &nk)
		}
	}
	x.rows[s] = r
	x.keys[s] = nk
	x.setFilters(s)
}

// Delete removes the row with the ID, if there is one.
func (x *Index) Delete(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	s, ok := x.byID[id]
	if !ok {
		return
	}
	for k := range numSorts {
		x.orderRemove(k, s)
	}
	for _, t := range x.rows[s].Tokens {
		if p := x.dict.posting(t, false); p != nil {
			p.remove(s)
		}
	}
	x.unsetFilters(s)
	x.live.unset(s)
	x.rows[s] = Row{}
	x.keys[s] = skey{}
	delete(x.byID, id)
	x.free = append(x.free, s)
	x.n--
}

// SetAssigneeName changes the shown name of a clerk in every row assigned to them.
func (x *Index) SetAssigneeName(clerkID, name string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	b := x.assignee[clerkID]
	if clerkID == "" || b == nil {
		return
	}
	changed := false
	for s := range x.rows {
		if b.has(uint32(s)) && x.rows[s].AssigneeName != name {
			x.rows[s].AssigneeName = name
			x.keys[s] = keyOf(&x.rows[s])
			changed = true
		}
	}
	if changed {
		x.sortOrder(byAssignee)
	}
}

// alloc returns a slot for a new row with the ID, reusing a freed one if any.
func (x *Index) alloc(id string) uint32 {
	var s uint32
	if n := len(x.free); n > 0 {
		s = x.free[n-1]
		x.free = x.free[:n-1]
	} else {
		s = uint32(len(x.rows))
		x.rows = append(x.rows, Row{})
		x.keys = append(x.keys, skey{})
		x.overdueKey = append(x.overdueKey, math.MaxInt32)
		x.followKey = append(x.followKey, math.MaxInt32)
	}
	x.byID[id] = s
	x.live.set(s)
	x.n++
	return s
}

// setFilters records slot s's row in the filter bitsets and columns.
func (x *Index) setFilters(s uint32) {
	r := &x.rows[s]
	b := x.status[r.Status]
	if b == nil {
		b = new(bitset)
		x.status[r.Status] = b
	}
	b.set(s)
	if r.Assignee == "" {
		x.unassigned.set(s)
	} else {
		b := x.assignee[r.Assignee]
		if b == nil {
			b = new(bitset)
			x.assignee[r.Assignee] = b
		}
		b.set(s)
	}
	x.overdueKey[s] = math.MaxInt32
	if !r.Finished && r.Deadline != 0 {
		x.overdueKey[s] = r.Deadline
	}
	x.followKey[s] = math.MaxInt32
	if r.NextFollowUp != 0 {
		x.followKey[s] = r.NextFollowUp
	}
}

// unsetFilters removes slot s's current row from the filter bitsets and columns.
func (x *Index) unsetFilters(s uint32) {
	r := &x.rows[s]
	if b := x.status[r.Status]; b != nil {
		b.unset(s)
	}
	if r.Assignee == "" {
		x.unassigned.unset(s)
	} else if b := x.assignee[r.Assignee]; b != nil {
		b.unset(s)
	}
	x.overdueKey[s] = math.MaxInt32
	x.followKey[s] = math.MaxInt32
}

// retoken moves slot s from the postings of old tokens to those of new ones,
// touching only the tokens that differ.
func (x *Index) retoken(s uint32, old, cur []string) {
	old, cur = distinct(old), distinct(cur)
	i, j := 0, 0
	for i < len(old) || j < len(cur) {
		switch {
		case j == len(cur) || (i < len(old) && old[i] < cur[j]):
			if p := x.dict.posting(old[i], false); p != nil {
				p.remove(s)
			}
			i++
		case i == len(old) || cur[j] < old[i]:
			x.dict.posting(cur[j], true).add(s)
			j++
		default:
			i++
			j++
		}
	}
}

// distinct returns ts sorted without repeats; the tokens of Tokens already are.
func distinct(ts []string) []string {
	for i := 1; i < len(ts); i++ {
		if ts[i-1] >= ts[i] {
			return slices.Compact(slices.Sorted(slices.Values(ts)))
		}
	}
	return ts
}

// Counts are the numbers beside the quick filters, each counted as Query would.
type Counts struct {
	All, Mine, Unassigned, Overdue, FollowUpDue int
	// ByStatus holds every status of model.Statuses (zero included) and any other
	// status a row has.
	ByStatus map[model.Status]int
}

// Counts returns the numbers for the clerk assignee ("" for none) on day today.
func (x *Index) Counts(assignee string, today int32) Counts {
	x.mu.RLock()
	defer x.mu.RUnlock()
	c := Counts{All: x.n, Unassigned: x.unassigned.count(), ByStatus: map[model.Status]int{}}
	if b := x.assignee[assignee]; assignee != "" && b != nil {
		c.Mine = b.count()
	}
	for _, s := range model.Statuses {
		c.ByStatus[s] = 0
	}
	for s, b := range x.status {
		if n := b.count(); n > 0 || s.Valid() {
			c.ByStatus[s] = n
		}
	}
	for s, k := range x.overdueKey {
		if k < today && x.live.has(uint32(s)) {
			c.Overdue++
		}
	}
	for s, k := range x.followKey {
		if k <= today && x.live.has(uint32(s)) {
			c.FollowUpDue++
		}
	}
	return c
}
