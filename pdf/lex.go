package pdf

import (
	"bytes"
	"fmt"
	"strconv"
)

// maxDepth bounds the nesting of arrays and dictionaries; real files stay far below.
const maxDepth = 64

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

// skipSpace passes over white space and comments.
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

// tokenEnd returns the end of the regular token (keyword, number, name body) at i.
func tokenEnd(b []byte, i int) int {
	for i < len(b) && !isSpace(b[i]) && !isDelim(b[i]) {
		i++
	}
	return i
}

func errAt(i int, format string, args ...any) error {
	return fmt.Errorf("%w: offset %d: %s", ErrMalformed, i, fmt.Sprintf(format, args...))
}

// Parse parses the one object at the start of b (after white space) and returns it
// with the offset after it. It reads direct objects only: "n g obj" and streams are
// the business of File.
func Parse(b []byte) (Object, int, error) {
	return parse(b, 0, 0)
}

func parse(b []byte, i, depth int) (Object, int, error) {
	if depth > maxDepth {
		return nil, i, errAt(i, "nested too deeply")
	}
	i = skipSpace(b, i)
	if i >= len(b) {
		return nil, i, errAt(i, "unexpected end")
	}
	switch c := b[i]; {
	case c == '/':
		j := tokenEnd(b, i+1)
		return Name(decodeName(b[i+1 : j])), j, nil
	case c == '(':
		return literal(b, i)
	case c == '<' && i+1 < len(b) && b[i+1] == '<':
		return parseDict(b, i+2, depth)
	case c == '<':
		j := bytes.IndexByte(b[i:], '>')
		if j < 0 {
			return nil, i, errAt(i, "unterminated hex string")
		}
		h, err := decodeHex(b[i+1 : i+j])
		if err != nil {
			return nil, i, errAt(i, "%v", err)
		}
		return HexString(h), i + j + 1, nil
	case c == '[':
		var a Array
		i++
		for {
			i = skipSpace(b, i)
			if i < len(b) && b[i] == ']' {
				return a, i + 1, nil
			}
			v, j, err := parse(b, i, depth+1)
			if err != nil {
				return nil, j, err
			}
			a = append(a, v)
			i = j
		}
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return number(b, i)
	default:
		j := tokenEnd(b, i)
		switch string(b[i:j]) {
		case "true":
			return Bool(true), j, nil
		case "false":
			return Bool(false), j, nil
		case "null":
			return nil, j, nil
		}
		return nil, i, errAt(i, "unexpected %q", b[i:min(j+1, len(b), i+16)])
	}
}

func parseDict(b []byte, i, depth int) (Object, int, error) {
	d := &Dict{vals: map[string]Object{}}
	for {
		i = skipSpace(b, i)
		if i+1 < len(b) && b[i] == '>' && b[i+1] == '>' {
			return d, i + 2, nil
		}
		if i >= len(b) || b[i] != '/' {
			return nil, i, errAt(i, "dictionary key expected")
		}
		j := tokenEnd(b, i+1)
		key := decodeName(b[i+1 : j])
		v, j, err := parse(b, j, depth+1)
		if err != nil {
			return nil, j, err
		}
		// A null value is the same as no entry.
		if v != nil {
			d.Set(key, v)
		}
		i = j
	}
}

// number reads an integer, a real or a reference "n g R".
func number(b []byte, i int) (Object, int, error) {
	j := tokenEnd(b, i)
	tok := b[i:j]
	n, err := strconv.ParseInt(string(tok), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(tok), 64)
		if ferr != nil || bytes.ContainsAny(tok, "eExXpPnN_") {
			return nil, i, errAt(i, "bad number %q", tok[:min(len(tok), 16)])
		}
		return Real(f), j, nil
	}
	if n >= 0 && n <= 1<<31 && isDigits(tok) {
		k := skipSpace(b, j)
		l := tokenEnd(b, k)
		if l > k && isDigits(b[k:l]) && l-k <= 5 {
			m := skipSpace(b, l)
			if m < len(b) && b[m] == 'R' && (m+1 == len(b) || isSpace(b[m+1]) || isDelim(b[m+1])) {
				g, _ := strconv.Atoi(string(b[k:l]))
				return Ref{int(n), g}, m + 1, nil
			}
		}
	}
	return Integer(n), j, nil
}

func isDigits(b []byte) bool {
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

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeName resolves #xx escapes.
func decodeName(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			hi, ok1 := unhex(b[i+1])
			lo, ok2 := unhex(b[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

// decodeHex decodes the digits of a hex string; white space is ignored and an odd
// count ends with an implied 0.
func decodeHex(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b)/2)
	var hi byte
	half := false
	for _, c := range b {
		if isSpace(c) {
			continue
		}
		n, ok := unhex(c)
		if !ok {
			return nil, fmt.Errorf("bad hex digit %q", c)
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

// literal decodes the string "(...)" at b[i] with its escapes and balanced parentheses.
func literal(b []byte, i int) (Object, int, error) {
	out := []byte{}
	nest := 0
	for j := i; j < len(b); j++ {
		c := b[j]
		switch c {
		case '(':
			nest++
			if nest == 1 {
				continue
			}
		case ')':
			nest--
			if nest == 0 {
				return String(out), j + 1, nil
			}
		case '\\':
			j++
			if j == len(b) {
				break
			}
			switch e := b[j]; e {
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
			case '\r':
				if j+1 < len(b) && b[j+1] == '\n' {
					j++
				}
			case '\n':
			default:
				if e >= '0' && e <= '7' {
					n := 0
					for k := 0; k < 3 && j < len(b) && b[j] >= '0' && b[j] <= '7'; k++ {
						n = n*8 + int(b[j]-'0')
						j++
					}
					j--
					out = append(out, byte(n))
				} else {
					out = append(out, e)
				}
			}
			continue
		}
		out = append(out, c)
	}
	return nil, i, errAt(i, "unterminated string")
}
