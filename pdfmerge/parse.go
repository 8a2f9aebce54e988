package pdfmerge

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

// The object model keeps every token as it was written, so copying an object
// changes nothing but its references.
type (
	name   string // without the slash, as written (#xx escapes kept)
	number string // as written: "12", "-0.5"
	raw    []byte // a literal "(...)" or hex "<...>" string, delimiters included
	ref    struct{ num, gen int }
	array  []object
	stream struct {
		dict *dict
		data []byte // as stored, still encoded
	}
	keyword string // true, false, null
	object  any
)

// dict keeps its keys in the order they were written.
type dict struct {
	keys []string
	vals map[string]object
}

func newDict() *dict { return &dict{vals: map[string]object{}} }

func (d *dict) get(k string) object {
	if d == nil {
		return nil
	}
	return d.vals[k]
}

func (d *dict) set(k string, v object) {
	if _, ok := d.vals[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.vals[k] = v
}

func (d *dict) del(k string) {
	if _, ok := d.vals[k]; !ok {
		return
	}
	delete(d.vals, k)
	for i, x := range d.keys {
		if x == k {
			d.keys = append(d.keys[:i:i], d.keys[i+1:]...)
			break
		}
	}
}

func (d *dict) clone() *dict {
	c := &dict{keys: append([]string(nil), d.keys...), vals: make(map[string]object, len(d.vals))}
	for k, v := range d.vals {
		c.vals[k] = v
	}
	return c
}

const maxDepth = 64

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

// skip passes over white space and comments.
func skip(b []byte, i int) int {
	for i < len(b) {
		switch {
		case isSpace(b[i]):
			i++
		case b[i] == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		default:
			return i
		}
	}
	return i
}

func tokenEnd(b []byte, i int) int {
	for i < len(b) && !isSpace(b[i]) && !isDelim(b[i]) {
		i++
	}
	return i
}

func errAt(i int, format string, args ...any) error {
	return fmt.Errorf("%w: offset %d: %s", ErrPDF, i, fmt.Sprintf(format, args...))
}

// parse reads one object at b[i:] and returns it with the offset after it.
func parse(b []byte, i, depth int) (object, int, error) {
	if depth > maxDepth {
		return nil, i, errAt(i, "nested too deeply")
	}
	i = skip(b, i)
	if i >= len(b) {
		return nil, i, errAt(i, "unexpected end")
	}
	switch c := b[i]; {
	case c == '/':
		j := tokenEnd(b, i+1)
		return name(b[i+1 : j]), j, nil
	case c == '(':
		j, err := literalEnd(b, i)
		if err != nil {
			return nil, i, err
		}
		return raw(b[i:j]), j, nil
	case c == '<' && i+1 < len(b) && b[i+1] == '<':
		d := newDict()
		i += 2
		for {
			i = skip(b, i)
			if i+1 < len(b) && b[i] == '>' && b[i+1] == '>' {
				return d, i + 2, nil
			}
			k, j, err := parse(b, i, depth+1)
			if err != nil {
				return nil, i, err
			}
			kn, ok := k.(name)
			if !ok {
				return nil, i, errAt(i, "dictionary key is not a name")
			}
			v, j, err := parse(b, j, depth+1)
			if err != nil {
				return nil, i, err
			}
			d.set(string(kn), v)
			i = j
		}
	case c == '<':
		j := bytes.IndexByte(b[i:], '>')
		if j < 0 {
			return nil, i, errAt(i, "unterminated hex string")
		}
		return raw(b[i : i+j+1]), i + j + 1, nil
	case c == '[':
		var a array
		i++
		for {
			i = skip(b, i)
			if i < len(b) && b[i] == ']' {
				return a, i + 1, nil
			}
			v, j, err := parse(b, i, depth+1)
			if err != nil {
				return nil, i, err
			}
			a = append(a, v)
			i = j
		}
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		j := tokenEnd(b, i)
		tok := string(b[i:j])
		// "num gen R" is a reference.
		if n, err := strconv.Atoi(tok); err == nil && n >= 0 {
			k := skip(b, j)
			l := tokenEnd(b, k)
			if g, err := strconv.Atoi(string(b[k:l])); err == nil && g >= 0 {
				m := skip(b, l)
				if m < len(b) && b[m] == 'R' && (m+1 == len(b) || isSpace(b[m+1]) || isDelim(b[m+1])) {
					return ref{n, g}, m + 1, nil
				}
			}
		}
		if _, err := strconv.ParseFloat(tok, 64); err != nil {
			return nil, i, errAt(i, "bad number %q", tok)
		}
		return number(tok), j, nil
	default:
		j := tokenEnd(b, i)
		switch kw := string(b[i:j]); kw {
		case "true", "false", "null":
			return keyword(kw), j, nil
		}
		return nil, i, errAt(i, "unexpected %q", b[i:min(j+1, len(b))])
	}
}

// literalEnd returns the offset after the literal string starting at b[i] == '('.
func literalEnd(b []byte, i int) (int, error) {
	nest := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '(':
			nest++
		case ')':
			nest--
			if nest == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, errAt(i, "unterminated string")
}

var objHeader = regexp.MustCompile(`^(\d+)\s+(\d+)\s+obj\b`)

// readObject reads the indirect object num at off; lengthOf resolves an indirect
// stream /Length.
func readObject(b []byte, off int64, num int, lengthOf func(object) (int, bool)) (object, error) {
	if off < 0 || off >= int64(len(b)) {
		return nil, errAt(int(off), "object %d out of range", num)
	}
	i := int(off)
	m := objHeader.FindSubmatchIndex(b[i:min(len(b), i+64)])
	if m == nil {
		return nil, errAt(i, "no object header for %d", num)
	}
	if n, _ := strconv.Atoi(string(b[i+m[2] : i+m[3]])); n != num {
		return nil, errAt(i, "object %d found where %d was expected", n, num)
	}
	v, j, err := parse(b, i+m[1], 0)
	if err != nil {
		return nil, err
	}
	d, ok := v.(*dict)
	if !ok {
		return v, nil
	}
	j = skip(b, j)
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
	if n, ok := lengthOf(d.get("Length")); ok && n >= 0 && j+n <= len(b) {
		k := skip(b, j+n)
		if bytes.HasPrefix(b[k:], []byte("endstream")) {
			return &stream{dict: d, data: b[j : j+n]}, nil
		}
	}
	k := bytes.Index(b[j:], []byte("endstream"))
	if k < 0 {
		return nil, errAt(j, "stream of object %d without endstream", num)
	}
	data := b[j : j+k]
	data = bytes.TrimSuffix(data, []byte("\n"))
	data = bytes.TrimSuffix(data, []byte("\r"))
	return &stream{dict: d, data: data}, nil
}
