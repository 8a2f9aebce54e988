package index

import (
	"slices"
	"strings"
)

const (
	// denseMin: a posting list longer than this turns into a bitset. At 100,000 rows
	// a bitset is 12.5 KB, the size of a 3,200-entry list; it makes adding and
	// removing a slot O(1) and ORing a very common token word-wise.
	denseMin = 2048
	// chunkMax bounds a dictionary chunk, so inserting a new token moves at most this
	// many entries instead of the whole sorted dictionary.
	chunkMax = 1024
)

// posting holds the slots of the rows that have one token.
type posting struct {
	tok  string
	list []uint32 // sorted, while sparse
	bits bitset   // non-nil once dense
	n    int
}

func (p *posting) add(s uint32) {
	if p.bits != nil {
		if !p.bits.has(s) {
			p.bits.set(s)
			p.n++
		}
		return
	}
	i, found := slices.BinarySearch(p.list, s)
	if found {
		return
	}
	p.list = slices.Insert(p.list, i, s)
	p.n++
	if p.n > denseMin {
		p.densify()
	}
}

func (p *posting) densify() {
	var b bitset
	if len(p.list) > 0 {
		b = make(bitset, int(p.list[len(p.list)-1]>>6)+1)
	}
	for _, s := range p.list {
		b.set(s)
	}
	if b == nil {
		b = bitset{}
	}
	p.bits, p.list = b, nil
}

func (p *posting) remove(s uint32) {
	if p.bits != nil {
		if p.bits.has(s) {
			p.bits.unset(s)
			p.n--
		}
		return
	}
	if i, found := slices.BinarySearch(p.list, s); found {
		p.list = slices.Delete(p.list, i, i+1)
		p.n--
	}
}

// orInto adds the posting's slots to dst, which must cover every slot.
func (p *posting) orInto(dst bitset) {
	if p.bits != nil {
		dst.or(p.bits)
		return
	}
	for _, s := range p.list {
		dst[s>>6] |= 1 << (s & 63)
	}
}

// dict maps tokens to postings and keeps the tokens sorted, in chunks, so that a
// prefix is a contiguous run.
type dict struct {
	byTok  map[string]uint32 // token -> index in posts
	posts  []posting
	chunks [][]uint32 // indexes into posts, sorted by token
}

func (d *dict) tok(i uint32) string { return d.posts[i].tok }

// search returns the position of the first token >= t.
func (d *dict) search(t string) (ci, i int) {
	lo, hi := 0, len(d.chunks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		c := d.chunks[m]
		if d.tok(c[len(c)-1]) < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(d.chunks) {
		return lo, 0
	}
	c := d.chunks[lo]
	i, _ = slices.BinarySearchFunc(c, t, func(e uint32, t string) int { return strings.Compare(d.tok(e), t) })
	return lo, i
}

// posting returns the posting of t, creating it if create is set; nil otherwise.
func (d *dict) posting(t string, create bool) *posting {
	if i, ok := d.byTok[t]; ok {
		return &d.posts[i]
	}
	if !create {
		return nil
	}
	// Tokens may be substrings of a whole unmarshalled row; a copy keeps only the
	// token alive once the row is replaced.
	t = strings.Clone(t)
	idx := uint32(len(d.posts))
	d.posts = append(d.posts, posting{tok: t})
	d.byTok[t] = idx
	if len(d.chunks) == 0 {
		d.chunks = [][]uint32{{idx}}
		return &d.posts[idx]
	}
	ci, i := d.search(t)
	if ci == len(d.chunks) {
		ci = len(d.chunks) - 1
		i = len(d.chunks[ci])
	}
	c := slices.Insert(d.chunks[ci], i, idx)
	if len(c) > chunkMax {
		half := len(c) / 2
		right := slices.Clone(c[half:])
		d.chunks[ci] = slices.Clip(c[:half])
		d.chunks = slices.Insert(d.chunks, ci+1, right)
	} else {
		d.chunks[ci] = c
	}
	return &d.posts[idx]
}

// prefix calls fn with every posting whose token starts with p.
func (d *dict) prefix(p string, fn func(*posting)) {
	ci, i := d.search(p)
	for ; ci < len(d.chunks); ci, i = ci+1, 0 {
		c := d.chunks[ci]
		for ; i < len(c); i++ {
			e := &d.posts[c[i]]
			if !strings.HasPrefix(e.tok, p) {
				return
			}
			if e.n > 0 {
				fn(e)
			}
		}
	}
}

// build replaces the dictionary with the tokens of rows; slots of dead rows have nil
// tokens. Tokens without rows are dropped.
func (d *dict) build(rows []Row, live bitset) {
	// Pass 1 numbers the tokens in first-seen order and counts their rows; ids
	// remembers each row's token numbers so pass 2 needs no map.
	byTok := make(map[string]uint32, max(len(d.byTok), len(rows)))
	var toks []string
	var counts []uint32
	n := 0
	for s := range rows {
		if live.has(uint32(s)) {
			n += len(rows[s].Tokens)
		}
	}
	ids := make([]uint32, 0, n)
	per := make([]uint32, len(rows)) // how many of ids belong to each slot
	for s := range rows {
		if !live.has(uint32(s)) {
			continue
		}
		ts := distinct(rows[s].Tokens)
		per[s] = uint32(len(ts))
		for _, t := range ts {
			i, ok := byTok[t]
			if !ok {
				i = uint32(len(toks))
				toks = append(toks, t)
				counts = append(counts, 0)
				byTok[t] = i
			}
			counts[i]++
			ids = append(ids, i)
		}
	}
	// Lay the postings out in token order, so a prefix reads them in sequence.
	type tokEntry struct {
		tok string
		i   uint32
	}
	sorted := make([]tokEntry, len(toks))
	for i, t := range toks {
		sorted[i] = tokEntry{t, uint32(i)}
	}
	slices.SortFunc(sorted, func(a, b tokEntry) int { return strings.Compare(a.tok, b.tok) })
	perm := make([]uint32, len(toks))
	for p, e := range sorted {
		perm[p] = e.i
	}
	pos := make([]uint32, len(toks)) // first-seen number -> place in posts
	arenaLen := 0
	for p, i := range perm {
		pos[i] = uint32(p)
		byTok[toks[i]] = uint32(p)
		if c := counts[i]; c <= denseMin {
			arenaLen += int(c)
		}
	}
	// One arena holds every sparse list; each list's capacity ends at its own end,
	// so a later add reallocates it instead of overwriting its neighbour.
	arena := make([]uint32, arenaLen)
	posts := make([]posting, len(toks), headroom(len(toks))) // new tokens append without copying all
	off := 0
	for p, i := range perm {
		c := int(counts[i])
		posts[p] = posting{tok: toks[i], n: c}
		if c > denseMin {
			posts[p].bits = make(bitset, (headroom(len(rows))+63)/64)
		} else {
			posts[p].list = arena[off : off : off+c]
			off += c
		}
	}
	k := 0
	for s := range rows {
		m := int(per[s])
		for _, i := range ids[k : k+m] {
			p := &posts[pos[i]]
			if p.bits != nil {
				p.bits[s>>6] |= 1 << (uint(s) & 63)
			} else {
				p.list = append(p.list, uint32(s))
			}
		}
		k += m
	}
	d.byTok, d.posts, d.chunks = byTok, posts, nil
	for p := 0; p < len(posts); p += chunkMax / 2 {
		c := make([]uint32, 0, chunkMax/2)
		for i := p; i < min(p+chunkMax/2, len(posts)); i++ {
			c = append(c, uint32(i))
		}
		d.chunks = append(d.chunks, c)
	}
}
