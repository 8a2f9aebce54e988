package pdf

import (
	"strconv"
)

// AppendObject appends the PDF syntax of o to b. A *Stream is written with its
// /Length set to the length of its data.
func AppendObject(b []byte, o Object) []byte {
	switch x := o.(type) {
	case nil:
		return append(b, "null"...)
	case Bool:
		return strconv.AppendBool(b, bool(x))
	case Integer:
		return strconv.AppendInt(b, int64(x), 10)
	case Real:
		return appendReal(b, float64(x))
	case Name:
		return appendName(b, string(x))
	case String:
		return appendLiteral(b, x)
	case HexString:
		return appendHex(b, x)
	case Ref:
		b = strconv.AppendInt(b, int64(x.Num), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(x.Gen), 10)
		return append(b, " R"...)
	case Array:
		b = append(b, '[')
		for i, v := range x {
			if i > 0 {
				b = append(b, ' ')
			}
			b = AppendObject(b, v)
		}
		return append(b, ']')
	case *Dict:
		b = append(b, "<<"...)
		for _, k := range x.keys {
			b = appendName(b, k)
			b = append(b, ' ')
			b = AppendObject(b, x.vals[k])
			b = append(b, ' ')
		}
		return append(b, ">>"...)
	case *Stream:
		d := x.Dict.Clone()
		d.Set("Length", Integer(len(x.Data)))
		b = AppendObject(b, d)
		b = append(b, "\nstream\n"...)
		b = append(b, x.Data...)
		return append(b, "\nendstream"...)
	case Raw:
		return append(b, x...)
	}
	panic("pdf: AppendObject: not a PDF object")
}

// appendReal writes a number without exponent, as PDF requires.
func appendReal(b []byte, f float64) []byte {
	if f == float64(int64(f)) && f < 1e15 && f > -1e15 {
		return strconv.AppendInt(b, int64(f), 10)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

func appendName(b []byte, s string) []byte {
	b = append(b, '/')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || c == '#' || isDelim(c) {
			b = append(b, '#', hexDigits[c>>4], hexDigits[c&15])
			continue
		}
		b = append(b, c)
	}
	return b
}

const hexDigits = "0123456789ABCDEF"

func appendHex(b []byte, s []byte) []byte {
	b = append(b, '<')
	for _, c := range s {
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return append(b, '>')
}

func appendLiteral(b []byte, s []byte) []byte {
	b = append(b, '(')
	for _, c := range s {
		switch c {
		case '(', ')', '\\':
			b = append(b, '\\', c)
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return append(b, ')')
}
