package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/ozgcloud/desktop/sync/wire"
)

// decodeChanges reads a page of changes like wire.DecodeChanges (bounded, one object,
// no unknown fields, nothing after it, validated) but decodes the changes on every
// core: decoding JSON is the largest cost of an initial sync, and a page holds
// thousands of independent changes. The bytes are split at the changes array's
// top-level elements by a scanner that only tracks strings and nesting; each element
// and the rest of the object then go through encoding/json's strict decoding, so
// anything the scanner lets through that is not valid JSON is still refused.
func decodeChanges(r io.Reader, max int64) (wire.ChangesResponse, error) {
	page, _, err := decodePage(r, max, false)
	return page, err
}

// decodePage is decodeChanges; with raw it also returns, for each change, the JSON of
// its case exactly as received (nil where it cannot be told apart safely), so the
// store can keep those bytes instead of encoding every case again. The raw values
// are copies, not parts of the reused read buffer.
func decodePage(r io.Reader, max int64, raw bool) (wire.ChangesResponse, [][]byte, error) {
	// A page is tens of MB; reading each into a fresh, growing slice cost more than
	// its transfer (zeroing, page faults, garbage). The buffer is reused: nothing
	// decoded refers to it, encoding/json copies strings and raw values, and
	// rawCases copies too.
	var buf *bytes.Buffer
	select {
	case buf = <-pageBuf:
	default:
		buf = new(bytes.Buffer)
	}
	var more bool
	defer func() {
		// Kept only while more pages follow: an initial sync reuses it, an idle
		// desktop does not hold it.
		if more {
			buf.Reset()
			select {
			case pageBuf <- buf:
			default:
			}
		}
	}()
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		return wire.ChangesResponse{}, nil, fmt.Errorf("wire: read changes: %w", err)
	}
	b := buf.Bytes()
	if int64(len(b)) > max {
		return wire.ChangesResponse{}, nil, fmt.Errorf("%w: changes over %d bytes", wire.ErrTooLarge, max)
	}
	start, end, elems, ok := splitChanges(b)
	if !ok || len(elems) < 64 {
		// Small pages, and anything odd, take the plain path with its exact errors.
		page, err := wire.DecodeChanges(bytes.NewReader(b), max)
		return page, nil, err
	}
	// The object with an empty array checks the top level strictly.
	rest := make([]byte, 0, len(b)-(end-start)+2)
	rest = append(rest, b[:start]...)
	rest = append(rest, "[]"...)
	rest = append(rest, b[end:]...)
	var page wire.ChangesResponse
	if err := strict(rest, &page); err != nil {
		return wire.ChangesResponse{}, nil, fmt.Errorf("%w: changes: %v", wire.ErrDecode, err)
	}
	page.Changes = make([]wire.Change, len(elems))
	errs := make([]error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for g := range errs {
		wg.Go(func() {
			// One decoder per worker reads its elements as a stream of values: a
			// decoder per element allocated and filled a buffer of its own each time.
			// The spans are balanced objects, so each value is exactly one span.
			dec := json.NewDecoder(&spanReader{b: b, spans: elems, next: g, step: len(errs)})
			dec.DisallowUnknownFields()
			var read int64
			for i := g; i < len(elems); i += len(errs) {
				if err := dec.Decode(&page.Changes[i]); err != nil {
					errs[g] = fmt.Errorf("change %d: %v", i, err)
					return
				}
				read += int64(elems[i][1] - elems[i][0])
				if dec.InputOffset() != read {
					errs[g] = fmt.Errorf("change %d: data after the value", i)
					return
				}
			}
			if _, err := dec.Token(); !errors.Is(err, io.EOF) {
				errs[g] = errors.New("data after the changes")
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return wire.ChangesResponse{}, nil, fmt.Errorf("%w: changes: %v", wire.ErrDecode, err)
	}
	if err := page.Validate(); err != nil {
		return wire.ChangesResponse{}, nil, err
	}
	more = page.More
	if !raw {
		return page, nil, nil
	}
	return page, rawCases(b, elems), nil
}

// rawCases copies the "case" value of each element. An element whose case
// encoding/json might have read from another key too (a repeated "case", a key with
// escapes or folding to "case") gets nil: its case is encoded again. Each value is
// a small allocation of its own: one slice for the page was a large one, fresh from
// the OS every page, and cost more in page faults than the copying.
func rawCases(b []byte, elems [][2]int) [][]byte {
	out := make([][]byte, len(elems))
	for i, e := range elems {
		if s, end, ok := caseSpan(b, e[0], e[1]); ok {
			out[i] = bytes.Clone(b[s:end])
		}
	}
	return out
}

// caseSpan returns the span of the value of the key "case" in the object b[i:end]
// (already decoded strictly, so well-formed).
func caseSpan(b []byte, i, end int) (int, int, bool) {
	b = b[:end]
	i = skipSpace(b, i+1)
	start, stop := -1, -1
	for i < len(b) && b[i] == '"' {
		kEnd := skipString(b, i)
		if kEnd < 0 {
			return 0, 0, false
		}
		key := b[i+1 : kEnd-1]
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, 0, false
		}
		i = skipSpace(b, i+1)
		e := skipValue(b, i)
		if e < 0 {
			return 0, 0, false
		}
		switch {
		case string(key) == "case":
			if start >= 0 {
				return 0, 0, false
			}
			start, stop = i, e
		case bytes.EqualFold(key, []byte("case")) || !plainKey(key):
			return 0, 0, false
		}
		i = skipSpace(b, e)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return start, stop, start >= 0
}

// plainKey reports whether a key is printable ASCII without escapes, so that
// encoding/json matches it to a field only by ASCII case folding.
func plainKey(k []byte) bool {
	for _, c := range k {
		if c < 0x20 || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// pageBuf holds the read buffer of the last page between pages. Not a sync.Pool:
// the many collections of an initial sync empty a pool between two pages.
var pageBuf = make(chan *bytes.Buffer, 1)

// spanReader reads the spans first, first+step, first+2*step ... of b one after
// another, as one stream.
type spanReader struct {
	b          []byte
	spans      [][2]int
	next, step int
	off        int // read offset within spans[next]
}

func (r *spanReader) Read(p []byte) (int, error) {
	for r.next < len(r.spans) {
		s := r.spans[r.next]
		if n := copy(p, r.b[s[0]+r.off:s[1]]); n > 0 {
			r.off += n
			return n, nil
		}
		r.next += r.step
		r.off = 0
	}
	return 0, io.EOF
}

// strict decodes one JSON value with no unknown fields and nothing after it.
func strict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the value")
	}
	return nil
}

// splitChanges finds the array of the top-level key "changes" in b and the spans of
// its elements. ok is false when b is not an object with such an array of objects.
func splitChanges(b []byte) (start, end int, elems [][2]int, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return 0, 0, nil, false
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return 0, 0, nil, false
		}
		kEnd := skipString(b, i)
		if kEnd < 0 {
			return 0, 0, nil, false
		}
		key := b[i+1 : kEnd-1]
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, 0, nil, false
		}
		i = skipSpace(b, i+1)
		if string(key) == "changes" {
			if i >= len(b) || b[i] != '[' {
				return 0, 0, nil, false
			}
			start = i
			i = skipSpace(b, i+1)
			for i < len(b) && b[i] != ']' {
				if b[i] != '{' {
					return 0, 0, nil, false
				}
				e := skipValue(b, i)
				if e < 0 {
					return 0, 0, nil, false
				}
				elems = append(elems, [2]int{i, e})
				i = skipSpace(b, e)
				if i < len(b) && b[i] == ',' {
					i = skipSpace(b, i+1)
				}
			}
			if i >= len(b) {
				return 0, 0, nil, false
			}
			return start, i + 1, elems, true
		}
		e := skipValue(b, i)
		if e < 0 {
			return 0, 0, nil, false
		}
		i = skipSpace(b, e)
		if i >= len(b) || b[i] != ',' {
			return 0, 0, nil, false
		}
		i++
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] (a quote), or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the value starting at b[i], or -1. Scalars end at
// the next delimiter; objects and arrays at their matching bracket.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e := skipString(b, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\t' && b[j] != '\r' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
