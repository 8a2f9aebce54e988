package sign

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"strconv"
)

// This file reads just enough PDF to sign and verify: the cross-reference
// sections (classic tables and streams, following /Prev), the trailer, and
// single objects by number, also from object streams.

// dict is a PDF dictionary with its values kept as the raw bytes of the file,
// so a rewritten object keeps everything we do not touch verbatim.
type dict struct {
	keys []string
	vals map[string][]byte
}

func (d *dict) get(k string) []byte { return d.vals[k] }

func (d *dict) set(k string, v []byte) {
	if _, ok := d.vals[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.vals[k] = v
}

func (d *dict) bytes() []byte {
	var b bytes.Buffer
	b.WriteString("<<")
	for _, k := range d.keys {
		b.WriteString("/")
		b.WriteString(k)
		b.WriteString(" ")
		b.Write(d.vals[k])
		b.WriteString("\n")
	}
	b.WriteString(">>")
	return b.Bytes()
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func skipSpace(b []byte, i int) int {
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

// token returns the end of a regular token (keyword, number, name body).
func tokenEnd(b []byte, i int) int {
	for i < len(b) && !isSpace(b[i]) && !isDelim(b[i]) {
		i++
	}
	return i
}

const maxDepth = 64

// value returns the end of the value starting at i (after spaces).
func value(b []byte, i int) (start, end int, err error) {
	return valueDepth(b, i, 0)
}

func valueDepth(b []byte, i int, depth int) (int, int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, i, fmt.Errorf("%w: unexpected end", ErrPDF)
	}
	if depth > maxDepth {
		return i, i, fmt.Errorf("%w: nesting too deep", ErrPDF)
	}
	start := i
	switch c := b[i]; {
	case c == '<' && i+1 < len(b) && b[i+1] == '<':
		i += 2
		for {
			i = skipSpace(b, i)
			if i+1 < len(b) && b[i] == '>' && b[i+1] == '>' {
				return start, i + 2, nil
			}
			if i >= len(b) || b[i] != '/' {
				return start, i, fmt.Errorf("%w: dictionary key expected at %d", ErrPDF, i)
			}
			i = tokenEnd(b, i+1)
			_, e, err := valueDepth(b, i, depth+1)
			if err != nil {
				return start, e, err
			}
			i = e
		}
	case c == '<':
		e := bytes.IndexByte(b[i:], '>')
		if e < 0 {
			return start, len(b), fmt.Errorf("%w: unterminated hex string", ErrPDF)
		}
		return start, i + e + 1, nil
	case c == '(':
		nest := 0
		for i < len(b) {
			switch b[i] {
			case '\\':
				i++
			case '(':
				nest++
			case ')':
				nest--
				if nest == 0 {
					return start, i + 1, nil
				}
			}
			i++
		}
		return start, i, fmt.Errorf("%w: unterminated string", ErrPDF)
	case c == '[':
		i++
		for {
			i = skipSpace(b, i)
			if i < len(b) && b[i] == ']' {
				return start, i + 1, nil
			}
			_, e, err := valueDepth(b, i, depth+1)
			if err != nil {
				return start, e, err
			}
			i = e
		}
	case c == '/':
		return start, tokenEnd(b, i+1), nil
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		e := tokenEnd(b, i)
		// An indirect reference "n g R" is one value.
		j := skipSpace(b, e)
		if k := tokenEnd(b, j); k > j && isUint(b[j:k]) {
			if r := skipSpace(b, k); r < len(b) && b[r] == 'R' && (r+1 == len(b) || isSpace(b[r+1]) || isDelim(b[r+1])) {
				return start, r + 1, nil
			}
		}
		return start, e, nil
	default:
		e := tokenEnd(b, i)
		if e == i {
			return start, i, fmt.Errorf("%w: unexpected %q at %d", ErrPDF, c, i)
		}
		return start, e, nil
	}
}

func isUint(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseDict parses the dictionary at i.
func parseDict(b []byte, i int) (*dict, int, error) {
	i = skipSpace(b, i)
	if i+1 >= len(b) || b[i] != '<' || b[i+1] != '<' {
		return nil, i, fmt.Errorf("%w: dictionary expected at %d", ErrPDF, i)
	}
	if _, _, err := value(b, i); err != nil {
		return nil, i, err
	}
	d := &dict{vals: map[string][]byte{}}
	i += 2
	for {
		i = skipSpace(b, i)
		if b[i] == '>' {
			return d, i + 2, nil
		}
		ke := tokenEnd(b, i+1)
		key := string(b[i+1 : ke])
		s, e, err := value(b, ke)
		if err != nil {
			return nil, e, err
		}
		d.set(key, b[s:e])
		i = e
	}
}

// ref parses "n g R".
func ref(v []byte) (int, bool) {
	f := bytes.Fields(v)
	if len(f) != 3 || !bytes.Equal(f[2], []byte("R")) || !isUint(f[1]) {
		return 0, false
	}
	n, err := strconv.Atoi(string(f[0]))
	return n, err == nil && n > 0
}

func integer(v []byte) (int64, bool) {
	n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
	return n, err == nil
}

func name(v []byte) string {
	if len(v) > 0 && v[0] == '/' {
		return string(v[1:])
	}
	return ""
}

// array returns the raw elements of an array value.
func array(v []byte) ([][]byte, error) {
	if len(v) < 2 || v[0] != '[' {
		return nil, fmt.Errorf("%w: array expected", ErrPDF)
	}
	var out [][]byte
	i := 1
	for {
		i = skipSpace(v, i)
		if i >= len(v) {
			return nil, fmt.Errorf("%w: unterminated array", ErrPDF)
		}
		if v[i] == ']' {
			return out, nil
		}
		s, e, err := value(v, i)
		if err != nil {
			return nil, err
		}
		out = append(out, v[s:e])
		i = e
	}
}

// hexString decodes <...>; odd digit counts end with an implied 0.
func hexString(v []byte) ([]byte, error) {
	if len(v) < 2 || v[0] != '<' || v[len(v)-1] != '>' {
		return nil, fmt.Errorf("%w: hex string expected", ErrPDF)
	}
	out := make([]byte, 0, len(v)/2)
	var hi byte
	half := false
	for _, c := range v[1 : len(v)-1] {
		var n byte
		switch {
		case c >= '0' && c <= '9':
			n = c - '0'
		case c >= 'a' && c <= 'f':
			n = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			n = c - 'A' + 10
		case isSpace(c):
			continue
		default:
			return nil, fmt.Errorf("%w: bad hex digit", ErrPDF)
		}
		if half {
			out = append(out, hi<<4|n)
		} else {
			hi = n
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	return out, nil
}

// literalString decodes (...) with its escapes; other values give "".
func literalString(v []byte) []byte {
	if len(v) < 2 || v[0] != '(' {
		if h, err := hexString(v); err == nil {
			return h
		}
		return nil
	}
	v = v[1 : len(v)-1]
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			out = append(out, c)
			continue
		}
		i++
		switch e := v[i]; e {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case '\r', '\n':
			if e == '\r' && i+1 < len(v) && v[i+1] == '\n' {
				i++
			}
		default:
			if e >= '0' && e <= '7' {
				n := 0
				for k := 0; k < 3 && i < len(v) && v[i] >= '0' && v[i] <= '7'; k++ {
					n = n*8 + int(v[i]-'0')
					i++
				}
				i--
				out = append(out, byte(n))
			} else {
				out = append(out, e)
			}
		}
	}
	return out
}

// readStream returns the (decoded) data of the stream object whose dictionary is d, ending at i.
func readStream(b []byte, d *dict, i int, doc *document) ([]byte, error) {
	i = skipSpace(b, i)
	if !bytes.HasPrefix(b[i:], []byte("stream")) {
		return nil, fmt.Errorf("%w: stream expected", ErrPDF)
	}
	i += len("stream")
	if i < len(b) && b[i] == '\r' {
		i++
	}
	if i < len(b) && b[i] == '\n' {
		i++
	}
	lv := d.get("Length")
	if r, ok := ref(lv); ok && doc != nil {
		v, err := doc.object(r)
		if err != nil {
			return nil, err
		}
		lv = v
	}
	n, ok := integer(lv)
	if !ok || n < 0 || n > int64(len(b)-i) {
		return nil, fmt.Errorf("%w: bad stream length", ErrPDF)
	}
	data := b[i : i+int(n)]
	switch f := d.get("Filter"); {
	case f == nil:
		return data, nil
	case name(f) == "FlateDecode" || string(bytes.TrimSpace(f)) == "[/FlateDecode]":
	default:
		return nil, fmt.Errorf("%w: unsupported filter %s", ErrPDF, f)
	}
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPDF, err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPDF, err)
	}
	parms := d.get("DecodeParms")
	if parms == nil {
		return out, nil
	}
	pd, _, err := parseDict(parms, 0)
	if err != nil {
		return out, nil
	}
	pred, _ := integer(pd.get("Predictor"))
	if pred < 10 {
		return out, nil
	}
	cols, ok := integer(pd.get("Columns"))
	if !ok {
		cols = 1
	}
	return unpredictPNG(out, int(cols))
}

// unpredictPNG undoes PNG row filters with one byte per pixel, as xref streams use.
func unpredictPNG(data []byte, cols int) ([]byte, error) {
	if cols <= 0 || cols > 1<<16 {
		return nil, fmt.Errorf("%w: bad predictor columns", ErrPDF)
	}
	row := cols + 1
	if len(data)%row != 0 {
		return nil, fmt.Errorf("%w: predictor data length", ErrPDF)
	}
	out := make([]byte, 0, len(data)/row*cols)
	prev := make([]byte, cols)
	for r := 0; r < len(data); r += row {
		cur := make([]byte, cols)
		copy(cur, data[r+1:r+row])
		for x := 0; x < cols; x++ {
			var a, c byte
			if x > 0 {
				a, c = cur[x-1], prev[x-1]
			}
			up := prev[x]
			switch data[r] {
			case 0:
			case 1:
				cur[x] += a
			case 2:
				cur[x] += up
			case 3:
				cur[x] += byte((int(a) + int(up)) / 2)
			case 4:
				cur[x] += paeth(a, up, c)
			default:
				return nil, fmt.Errorf("%w: bad PNG filter", ErrPDF)
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
