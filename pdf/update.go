package pdf

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strconv"
)

// Update is an incremental update: objects added or replaced after the end of a
// file, with a cross-reference section of the same kind as the file's newest one
// (a table or a stream) whose /Prev points at it. The original bytes stay as they
// are, so signatures over them stay valid.
type Update struct {
	f     *File
	order []Ref
	objs  map[int]Object
	next  int
	at    map[int]int
}

// NewUpdate starts an update of f. It fails with ErrMalformed when the trailer has no
// usable /Size, and with ErrUnsupported for a file that was repaired by scanning
// (its /Prev would point at a broken section).
func (f *File) NewUpdate() (*Update, error) {
	if f.repaired {
		return nil, fmt.Errorf("%w: update of a damaged file", ErrUnsupported)
	}
	size := f.Size()
	if size <= 0 {
		return nil, fmt.Errorf("%w: bad trailer /Size", ErrMalformed)
	}
	// A /Size too small must not make a new object replace an old one.
	for n := range f.xref {
		size = max(size, n+1)
	}
	return &Update{f: f, objs: map[int]Object{}, next: size}, nil
}

// Alloc returns the reference of a new object.
func (u *Update) Alloc() Ref {
	u.next++
	return Ref{u.next - 1, 0}
}

// Set writes o as object r in the update: a new object from Alloc, or a new version
// of an object of the file (with its generation number).
func (u *Update) Set(r Ref, o Object) {
	if _, ok := u.objs[r.Num]; !ok {
		u.order = append(u.order, r)
	}
	u.objs[r.Num] = o
}

// Offset returns where the body of object r (after "n g obj\n") begins in the
// output of the last call to Bytes, -1 when r was not in it.
func (u *Update) Offset(r Ref) int {
	if o, ok := u.at[r.Num]; ok {
		return o
	}
	return -1
}

// Bytes returns the file with the update appended. The trailer keeps /Root, /Info
// and /ID of the file; a file without /ID gets one made from its SHA-256, as
// PDF/A and PAdES want.
func (u *Update) Bytes() []byte {
	data := u.f.data
	size := len(data) + 4096
	for _, o := range u.objs {
		if r, ok := o.(Raw); ok {
			size += len(r) // a signature's reserved /Contents, say
		}
	}
	out := make([]byte, 0, size)
	out = append(out, data...)
	if len(data) > 0 && data[len(data)-1] != '\n' && data[len(data)-1] != '\r' {
		out = append(out, '\n')
	}
	u.at = map[int]int{}
	offsets := map[int]int{}
	gens := map[int]int{}
	for _, r := range u.order {
		offsets[r.Num] = len(out)
		gens[r.Num] = r.Gen
		out = strconv.AppendInt(out, int64(r.Num), 10)
		out = append(out, ' ')
		out = strconv.AppendInt(out, int64(r.Gen), 10)
		out = append(out, " obj\n"...)
		u.at[r.Num] = len(out)
		out = AppendObject(out, u.objs[r.Num])
		out = append(out, "\nendobj\n"...)
	}
	return u.appendXref(out, offsets, gens)
}

func (u *Update) appendXref(out []byte, offsets, gens map[int]int) []byte {
	f := u.f
	size := u.next
	xrefPos := len(out)
	if f.xrefStream {
		offsets[size] = xrefPos
		gens[size] = 0
		size++
	}
	nums := make([]int, 0, len(offsets))
	for n := range offsets {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	var index [][2]int // first, count
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		index = append(index, [2]int{nums[i], j - i + 1})
		i = j + 1
	}
	tr := &Dict{}
	if f.xrefStream {
		tr.Set("Type", Name("XRef"))
	}
	tr.Set("Size", Integer(size))
	tr.Set("Root", f.trailer.Get("Root"))
	if v := f.trailer.Get("Info"); v != nil {
		tr.Set("Info", v)
	}
	if v := f.trailer.Get("ID"); v != nil {
		tr.Set("ID", v)
	} else {
		sum := sha256.Sum256(f.data)
		tr.Set("ID", Array{HexString(sum[:16]), HexString(sum[:16])})
	}
	tr.Set("Prev", Integer(f.startxref))

	if !f.xrefStream {
		out = append(out, "xref\n"...)
		k := 0
		for _, ix := range index {
			out = strconv.AppendInt(out, int64(ix[0]), 10)
			out = append(out, ' ')
			out = strconv.AppendInt(out, int64(ix[1]), 10)
			out = append(out, '\n')
			for ; ix[1] > 0; ix[1]-- {
				out = appendOffset(out, offsets[nums[k]])
				out = append(out, fmt.Sprintf(" %05d n\r\n", gens[nums[k]])...)
				k++
			}
		}
		out = append(out, "trailer\n"...)
		out = AppendObject(out, tr)
	} else {
		// Rows of type 1: 1 byte type, 4 bytes offset, 2 bytes generation, unfiltered.
		rows := make([]byte, 0, 7*len(nums))
		for _, n := range nums {
			o, g := offsets[n], gens[n]
			rows = append(rows, 1, byte(o>>24), byte(o>>16), byte(o>>8), byte(o), byte(g>>8), byte(g))
		}
		ix := make(Array, 0, 2*len(index))
		for _, x := range index {
			ix = append(ix, Integer(x[0]), Integer(x[1]))
		}
		tr.Set("W", Array{Integer(1), Integer(4), Integer(2)})
		tr.Set("Index", ix)
		out = strconv.AppendInt(out, int64(u.next), 10)
		out = append(out, " 0 obj\n"...)
		out = AppendObject(out, &Stream{Dict: tr, Data: rows})
		out = append(out, "\nendobj"...)
	}
	out = append(out, "\nstartxref\n"...)
	out = strconv.AppendInt(out, int64(xrefPos), 10)
	return append(out, "\n%%EOF\n"...)
}
