package pdf

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
)

// busy marks an object being read, so that a stream whose /Length refers to
// itself ends instead of recursing.
type busy struct{}

// Object returns indirect object num: a *Stream for a stream, the value otherwise.
// An object the cross-reference sections do not list, or list as free, is nil (null),
// as the PDF specification says.
func (f *File) Object(num int) (Object, error) {
	if v, ok := f.cache[num]; ok {
		if _, loop := v.(busy); loop {
			return nil, fmt.Errorf("%w: object %d refers to itself", ErrMalformed, num)
		}
		return v, nil
	}
	e, ok := f.xref[num]
	if !ok || e.free {
		return nil, nil
	}
	f.cache[num] = busy{}
	var v Object
	var err error
	if e.inStm {
		v, err = f.fromObjStm(int(e.offset), e.index, num)
	} else {
		v, err = f.objectAt(e.offset, num)
	}
	if err != nil {
		delete(f.cache, num)
		return nil, fmt.Errorf("object %d: %w", num, err)
	}
	f.cache[num] = v
	return v, nil
}

func (f *File) objectAt(off int64, num int) (Object, error) {
	if off < 0 || off >= int64(len(f.data)) {
		return nil, fmt.Errorf("%w: offset %d out of range", ErrMalformed, off)
	}
	n, _, pos, err := objectHeader(f.data, int(off))
	if err != nil {
		return nil, err
	}
	if n != num {
		return nil, fmt.Errorf("%w: found object %d at its offset", ErrMalformed, n)
	}
	return f.streamAt(pos, num)
}

// streamAt parses the value at pos and, when a dictionary is followed by "stream",
// the stream's data. num is the object's number, -1 when /Length must be direct.
func (f *File) streamAt(pos, num int) (Object, error) {
	b := f.data
	v, j, err := parse(b, pos, 0)
	if err != nil {
		return nil, err
	}
	d, ok := v.(*Dict)
	if !ok {
		return v, nil
	}
	j = skipSpace(b, j)
	if !bytes.HasPrefix(b[j:], []byte("stream")) {
		return v, nil
	}
	j += len("stream")
	if j < len(b) && b[j] == '\r' {
		j++
	}
	if j < len(b) && b[j] == '\n' {
		j++
	}
	// Trust /Length when "endstream" follows it; else search for the keyword.
	lv := d.Get("Length")
	if _, ok := lv.(Ref); ok && num >= 0 {
		lv, _ = f.Resolve(lv)
	}
	if n, ok := lv.(Integer); ok && n >= 0 && n <= Integer(len(b)-j) {
		k := skipSpace(b, j+int(n))
		if bytes.HasPrefix(b[k:], []byte("endstream")) {
			return &Stream{Dict: d, Data: b[j : j+int(n) : j+int(n)]}, nil
		}
	}
	k := bytes.Index(b[j:], []byte("endstream"))
	if k < 0 {
		return nil, errAt(j, "stream without endstream")
	}
	data := bytes.TrimSuffix(b[j:j+k], []byte("\n"))
	data = bytes.TrimSuffix(data, []byte("\r"))
	return &Stream{Dict: d, Data: data[:len(data):len(data)]}, nil
}

// Resolve follows an indirect reference; other values come back unchanged.
func (f *File) Resolve(o Object) (Object, error) {
	for range maxChain {
		r, ok := o.(Ref)
		if !ok {
			return o, nil
		}
		var err error
		if o, err = f.Object(r.Num); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: reference chain too long", ErrMalformed)
}

// Dict resolves o and returns it as a dictionary (a stream's dictionary for a
// stream); an error wrapping ErrMalformed when it is neither.
func (f *File) Dict(o Object) (*Dict, error) {
	v, err := f.Resolve(o)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case *Dict:
		return x, nil
	case *Stream:
		return x.Dict, nil
	}
	return nil, fmt.Errorf("%w: dictionary expected, found %T", ErrMalformed, v)
}

// Array resolves o and returns it as an array; nil (null) gives an empty array.
func (f *File) Array(o Object) (Array, error) {
	v, err := f.Resolve(o)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case Array:
		return x, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("%w: array expected, found %T", ErrMalformed, v)
}

// objStream is a decoded object stream with the offsets of its objects.
type objStream struct {
	data    []byte
	nums    []int
	offsets []int
}

func (f *File) fromObjStm(stm, index, num int) (Object, error) {
	os, ok := f.objstm[stm]
	if !ok {
		if e := f.xref[stm]; e.inStm {
			return nil, fmt.Errorf("%w: object stream %d inside an object stream", ErrMalformed, stm)
		}
		v, err := f.Object(stm)
		if err != nil {
			return nil, err
		}
		s, ok := v.(*Stream)
		if !ok {
			return nil, fmt.Errorf("%w: object stream %d is not a stream", ErrMalformed, stm)
		}
		if os, err = f.readObjStm(s); err != nil {
			return nil, fmt.Errorf("object stream %d: %w", stm, err)
		}
		f.objstm[stm] = os
	}
	if index < 0 || index >= len(os.nums) || os.nums[index] != num {
		return nil, fmt.Errorf("%w: not at index %d of object stream %d", ErrMalformed, index, stm)
	}
	v, _, err := parse(os.data, os.offsets[index], 0)
	return v, err
}

func (f *File) readObjStm(s *Stream) (*objStream, error) {
	data, err := f.Decode(s)
	if err != nil {
		return nil, err
	}
	first, ok1 := s.Dict.Int("First")
	n, ok2 := s.Dict.Int("N")
	if !ok1 || !ok2 || first < 0 || first > int64(len(data)) || n < 0 || n > int64(len(data))/2 {
		return nil, fmt.Errorf("%w: bad /First or /N", ErrMalformed)
	}
	os := &objStream{data: data, nums: make([]int, n), offsets: make([]int, n)}
	i := 0
	for k := range int(n) {
		var pair [2]int
		for x := range pair {
			i = skipSpace(data, i)
			e := tokenEnd(data, i)
			v, err := strconv.Atoi(string(data[i:e]))
			if err != nil || v < 0 || int64(v) > int64(len(data)) {
				return nil, fmt.Errorf("%w: bad header", ErrMalformed)
			}
			pair[x] = v
			i = e
		}
		if first+int64(pair[1]) >= int64(len(data)) {
			return nil, fmt.Errorf("%w: offset out of range", ErrMalformed)
		}
		os.nums[k], os.offsets[k] = pair[0], int(first)+pair[1]
	}
	return os, nil
}

// scan finds every "num gen obj" in the file; a later definition wins, as in an
// incremental update. The trailer is the last one written, else one naming the
// last catalog found.
func (f *File) scan() error {
	b := f.data
	f.xref = map[int]entry{}
	f.cache = map[int]Object{}
	f.trailer = nil
	for i := 0; ; {
		k := bytes.Index(b[i:], []byte("obj"))
		if k < 0 {
			break
		}
		at := i + k
		i = at + 3
		if i < len(b) && !isSpace(b[i]) && !isDelim(b[i]) {
			continue
		}
		start, ok := headerStart(b, at)
		if !ok {
			continue
		}
		num, gen, _, err := objectHeader(b, start)
		if err != nil || num >= maxObjects {
			continue
		}
		f.xref[num] = entry{offset: int64(start), gen: gen}
	}
	if t := bytes.LastIndex(b, []byte("trailer")); t >= 0 {
		if v, _, err := parse(b, t+len("trailer"), 0); err == nil {
			if d, ok := v.(*Dict); ok {
				if _, ok := d.Ref("Root"); ok {
					f.trailer = d
					return nil
				}
			}
		}
	}
	nums := make([]int, 0, len(f.xref))
	for n := range f.xref {
		nums = append(nums, n)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(nums)))
	for _, n := range nums {
		if d, err := f.Dict(Ref{n, 0}); err == nil && d.Name("Type") == "Catalog" {
			f.trailer = NewDict("Root", Ref{n, f.xref[n].gen}, "Size", Integer(nums[0]+1))
			return nil
		}
	}
	return fmt.Errorf("%w: no trailer and no catalog", ErrMalformed)
}

// headerStart returns the start of "num gen" before the keyword "obj" at i.
func headerStart(b []byte, i int) (int, bool) {
	j := i
	for n := 0; n < 2; n++ {
		sp := j
		for j > 0 && isSpace(b[j-1]) {
			j--
		}
		if j == sp {
			return 0, false
		}
		d := j
		for j > 0 && b[j-1] >= '0' && b[j-1] <= '9' {
			j--
		}
		if j == d || d-j > 10 {
			return 0, false
		}
	}
	return j, j == 0 || isSpace(b[j-1]) || isDelim(b[j-1])
}
