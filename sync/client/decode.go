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
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return wire.ChangesResponse{}, fmt.Errorf("wire: read changes: %w", err)
	}
	if int64(len(b)) > max {
		return wire.ChangesResponse{}, fmt.Errorf("%w: changes over %d bytes", wire.ErrTooLarge, max)
	}
	start, end, elems, ok := splitChanges(b)
	if !ok || len(elems) < 64 {
		// Small pages, and anything odd, take the plain path with its exact errors.
		return wire.DecodeChanges(bytes.NewReader(b), max)
	}
	// The object with an empty array checks the top level strictly.
	rest := make([]byte, 0, len(b)-(end-start)+2)
	rest = append(rest, b[:start]...)
	rest = append(rest, "[]"...)
	rest = append(rest, b[end:]...)
	var page wire.ChangesResponse
	if err := strict(rest, &page); err != nil {
		return wire.ChangesResponse{}, fmt.Errorf("%w: changes: %v", wire.ErrDecode, err)
	}
	page.Changes = make([]wire.Change, len(elems))
	errs := make([]error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for g := range errs {
		wg.Go(func() {
			for i := g; i < len(elems); i += len(errs) {
				if err := strict(b[elems[i][0]:elems[i][1]], &page.Changes[i]); err != nil {
					errs[g] = fmt.Errorf("change %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return wire.ChangesResponse{}, fmt.Errorf("%w: changes: %v", wire.ErrDecode, err)
	}
	if err := page.Validate(); err != nil {
		return wire.ChangesResponse{}, err
	}
	return page, nil
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
