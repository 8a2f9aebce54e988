package index

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/ozgcloud/desktop/model"
)

// SortKey names a column the case list sorts by. Every order breaks ties by
// FileNumber, then ID, so paging never repeats or skips a row. Desc reverses the
// whole order, tie-breaks included, except that rows without a value (no deadline,
// unassigned) come last in both directions.
type SortKey string

const (
	SortFileNumber SortKey = "fileNumber"
	// SortApplicant sorts by the folded applicant name (Müller as mueller).
	SortApplicant SortKey = "applicant"
	// SortType sorts by the folded German type name.
	SortType     SortKey = "type"
	SortReceived SortKey = "received"
	// SortStatus sorts by lifecycle order (model.Statuses); unknown statuses last.
	SortStatus SortKey = "status"
	// SortAssignee sorts by the folded clerk name, unassigned last.
	SortAssignee SortKey = "assignee"
	// SortDeadline sorts by deadline, rows without one last.
	SortDeadline SortKey = "deadline"
)

// SortKeys lists every sort key.
var SortKeys = []SortKey{SortFileNumber, SortApplicant, SortType, SortReceived, SortStatus, SortAssignee, SortDeadline}

type sortKind int

const (
	byFile sortKind = iota
	byApplicant
	byType
	byReceived
	byStatus
	byAssignee
	byDeadline
	numSorts
)

func kindOf(k SortKey) (sortKind, bool) {
	switch k {
	case SortFileNumber:
		return byFile, true
	case SortApplicant:
		return byApplicant, true
	case SortType:
		return byType, true
	case SortReceived:
		return byReceived, true
	case SortStatus:
		return byStatus, true
	case SortAssignee:
		return byAssignee, true
	case SortDeadline:
		return byDeadline, true
	}
	return 0, false
}

// skey holds what the orders compare for one slot, precomputed so that comparing
// never folds.
type skey struct {
	file, id  string
	applicant string // Fold(Applicant)
	typ       string // Fold(TypeName) + "\x00" + Type
	assignee  string // Fold(AssigneeName) + "\x00" + Assignee; "" when unassigned
	received  int64
	deadline  int32 // 0 = none
	status    uint8
}

func statusRank(s model.Status) uint8 {
	for i, t := range model.Statuses {
		if t == s {
			return uint8(i)
		}
	}
	return uint8(len(model.Statuses))
}

func keyOf(r *Row) skey {
	k := skey{
		file:      r.FileNumber,
		id:        r.ID,
		applicant: Fold(r.Applicant),
		typ:       Fold(r.TypeName) + "\x00" + r.Type,
		received:  r.ReceivedAt,
		deadline:  r.Deadline,
		status:    statusRank(r.Status),
	}
	if r.Assignee != "" {
		k.assignee = Fold(r.AssigneeName) + "\x00" + r.Assignee
	}
	return k
}

// compareKeys orders a and b by kind, ties broken by file number and ID.
func compareKeys(kind sortKind, a, b *skey) int {
	c := 0
	switch kind {
	case byApplicant:
		c = strings.Compare(a.applicant, b.applicant)
	case byType:
		c = strings.Compare(a.typ, b.typ)
	case byReceived:
		c = cmp.Compare(a.received, b.received)
	case byStatus:
		c = cmp.Compare(a.status, b.status)
	case byAssignee:
		c = noneLast(a.assignee == "", b.assignee == "")
		if c == 0 {
			c = strings.Compare(a.assignee, b.assignee)
		}
	case byDeadline:
		c = noneLast(a.deadline == 0, b.deadline == 0)
		if c == 0 {
			c = cmp.Compare(a.deadline, b.deadline)
		}
	}
	if c != 0 {
		return c
	}
	if c = strings.Compare(a.file, b.file); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

func noneLast(aNone, bNone bool) int {
	switch {
	case aNone == bNone:
		return 0
	case aNone:
		return 1
	}
	return -1
}

// isNone reports whether the key has no value for kind (it sorts last either way).
func isNone(kind sortKind, k *skey) bool {
	switch kind {
	case byAssignee:
		return k.assignee == ""
	case byDeadline:
		return k.deadline == 0
	}
	return false
}

// sameSort reports whether a and b sit at the same place in kind's order.
func sameSort(kind sortKind, a, b *skey) bool {
	return compareKeys(kind, a, b) == 0
}

// locate returns the position of k in ord, or where it would go.
func (x *Index) locate(kind sortKind, ord []uint32, k *skey) int {
	lo, hi := 0, len(ord)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if compareKeys(kind, &x.keys[ord[m]], k) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// orderInsert adds slot with key k to kind's order.
func (x *Index) orderInsert(kind sortKind, slot uint32, k *skey) {
	ord := x.orders[kind]
	x.orders[kind] = slices.Insert(ord, x.locate(kind, ord, k), slot)
}

// orderRemove removes slot, whose key in x.keys is current, from kind's order.
func (x *Index) orderRemove(kind sortKind, slot uint32) {
	ord := x.orders[kind]
	i := x.locate(kind, ord, &x.keys[slot])
	if i < len(ord) && ord[i] == slot {
		x.orders[kind] = slices.Delete(ord, i, i+1)
	}
}

// orderMove moves slot, whose key in x.keys is still the old one, to where key nk
// belongs, shifting only the entries between the two places.
func (x *Index) orderMove(kind sortKind, slot uint32, nk *skey) {
	ord := x.orders[kind]
	i := x.locate(kind, ord, &x.keys[slot])
	if i >= len(ord) || ord[i] != slot {
		x.orderInsert(kind, slot, nk)
		return
	}
	// Binary search over ord without position i.
	lo, hi := 0, len(ord)-1
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		p := m
		if m >= i {
			p++
		}
		if compareKeys(kind, &x.keys[ord[p]], nk) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	j := lo
	switch {
	case j < i:
		copy(ord[j+1:i+1], ord[j:i])
	case j > i:
		copy(ord[i:j], ord[i+1:j+1])
	}
	ord[j] = slot
}

// sortOrder rebuilds kind's order from every live slot; it is the slow path of
// SetAssigneeName. PutMany uses sortAll.
func (x *Index) sortOrder(kind sortKind) {
	ord := x.orders[kind][:0]
	for s := range x.keys {
		if x.live.has(uint32(s)) {
			ord = append(ord, uint32(s))
		}
	}
	slices.SortFunc(ord, func(a, b uint32) int { return compareKeys(kind, &x.keys[a], &x.keys[b]) })
	x.orders[kind] = ord
}

// numEntry is what sortAll sorts: a number standing for the key beside the slot, so
// sorting reads memory in sequence, and the rank of (file number, ID) as the
// tie-break, so ties compare integers instead of strings. The resulting order is
// compareKeys' order.
type numEntry struct {
	v          int64
	rank, slot uint32
}

// sortAll rebuilds every order from the live slots, using both cores.
func (x *Index) sortAll() {
	type fileEntry struct {
		file, id string
		slot     uint32
	}
	fs := make([]fileEntry, 0, x.n)
	for s := range x.keys {
		if x.live.has(uint32(s)) {
			fs = append(fs, fileEntry{x.keys[s].file, x.keys[s].id, uint32(s)})
		}
	}
	slices.SortFunc(fs, func(a, b fileEntry) int {
		if c := strings.Compare(a.file, b.file); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	x.setOrder(byFile, len(fs), func(i int) uint32 { return fs[i].slot })
	var wg sync.WaitGroup
	for k := byFile + 1; k < numSorts; k++ {
		wg.Go(func() { x.sortByRank(k) })
	}
	wg.Wait()
}

// sortByRank sorts kind's order, starting from the file-number order.
func (x *Index) sortByRank(kind sortKind) {
	file := x.orders[byFile]
	es := make([]numEntry, len(file))
	switch kind {
	case byApplicant, byType, byAssignee:
		// Values repeat (names, and types and clerks far more): sort the distinct
		// ones once and sort the rows by their place.
		ids := map[string]int64{}
		var vals []string
		for i, s := range file {
			v := x.keys[s].str(kind)
			id, ok := ids[v]
			if !ok {
				id = int64(len(vals))
				ids[v] = id
				vals = append(vals, v)
			}
			es[i] = numEntry{v: id, rank: uint32(i), slot: s}
		}
		perm := make([]int, len(vals))
		for i := range perm {
			perm[i] = i
		}
		slices.SortFunc(perm, func(a, b int) int { return strings.Compare(vals[a], vals[b]) })
		place := make([]int64, len(vals))
		for p, i := range perm {
			place[i] = int64(p)
			if kind == byAssignee && vals[i] == "" { // unassigned: last
				place[i] = math.MaxInt64
			}
		}
		for i := range es {
			es[i].v = place[es[i].v]
		}
	default:
		for i, s := range file {
			k := &x.keys[s]
			e := numEntry{rank: uint32(i), slot: s}
			switch kind {
			case byReceived:
				e.v = k.received
			case byStatus:
				e.v = int64(k.status)
			case byDeadline:
				e.v = int64(k.deadline)
				if k.deadline == 0 {
					e.v = math.MaxInt64
				}
			}
			es[i] = e
		}
	}
	slices.SortFunc(es, func(a, b numEntry) int { return cmp.Or(cmp.Compare(a.v, b.v), cmp.Compare(a.rank, b.rank)) })
	x.setOrder(kind, len(es), func(i int) uint32 { return es[i].slot })
}

// setOrder makes kind's order the slots of n sorted entries, reusing its array.
func (x *Index) setOrder(kind sortKind, n int, slot func(i int) uint32) {
	ord := slices.Grow(x.orders[kind][:0], headroom(n))
	for i := range n {
		ord = append(ord, slot(i))
	}
	x.orders[kind] = ord
}

// str returns the string key of kind: applicant, type or assignee.
func (k *skey) str(kind sortKind) string {
	switch kind {
	case byApplicant:
		return k.applicant
	case byType:
		return k.typ
	}
	return k.assignee
}

// noneFrom returns where the rows without a value start in kind's order.
func (x *Index) noneFrom(kind sortKind) int {
	ord := x.orders[kind]
	switch kind {
	case byAssignee, byDeadline:
	default:
		return len(ord)
	}
	lo, hi := 0, len(ord)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if isNone(kind, &x.keys[ord[m]]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}
