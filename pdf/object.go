package pdf

import (
	"strconv"
	"unicode/utf16"
)

// Object is one PDF value: nil (null), Bool, Integer, Real, Name, String, HexString,
// Ref, Array, *Dict, *Stream, or Raw (written verbatim, never parsed).
type Object any

type (
	// Bool is true or false.
	Bool bool
	// Integer is a whole number.
	Integer int64
	// Real is a number with a fraction.
	Real float64
	// Name is a name without its slash, with #xx escapes decoded.
	Name string
	// String is a literal string "(...)", decoded.
	String []byte
	// HexString is a hexadecimal string "<...>", decoded; it is written as hex again.
	HexString []byte
	// Array is a PDF array.
	Array []Object
	// Raw is written as it is; callers use it for bytes they lay out themselves.
	Raw []byte
)

// Ref is an indirect reference "Num Gen R".
type Ref struct{ Num, Gen int }

// Stream is a stream object: its dictionary and its data as stored (still encoded).
type Stream struct {
	Dict *Dict
	Data []byte
}

// Dict is a dictionary that keeps its keys in the order they were set, so that
// written files are deterministic and read like their source.
type Dict struct {
	keys []string
	vals map[string]Object
}

// NewDict returns a dictionary with the pairs key, value, key, value...; keys are
// strings (names without the slash).
func NewDict(pairs ...any) *Dict {
	d := &Dict{vals: make(map[string]Object, len(pairs)/2)}
	for i := 0; i+1 < len(pairs); i += 2 {
		d.Set(pairs[i].(string), pairs[i+1])
	}
	return d
}

// Get returns the value of key, nil when absent (which PDF reads as null).
func (d *Dict) Get(key string) Object {
	if d == nil {
		return nil
	}
	return d.vals[key]
}

// Set sets key to v; a new key goes to the end.
func (d *Dict) Set(key string, v Object) {
	if d.vals == nil {
		d.vals = map[string]Object{}
	}
	if _, ok := d.vals[key]; !ok {
		d.keys = append(d.keys, key)
	}
	d.vals[key] = v
}

// Delete removes key.
func (d *Dict) Delete(key string) {
	if _, ok := d.vals[key]; !ok {
		return
	}
	delete(d.vals, key)
	for i, k := range d.keys {
		if k == key {
			d.keys = append(d.keys[:i:i], d.keys[i+1:]...)
			return
		}
	}
}

// Keys returns the keys in order; the caller must not change the slice.
func (d *Dict) Keys() []string {
	if d == nil {
		return nil
	}
	return d.keys
}

// Clone returns a shallow copy: values are shared, keys are not.
func (d *Dict) Clone() *Dict {
	c := &Dict{keys: append([]string(nil), d.keys...), vals: make(map[string]Object, len(d.vals))}
	for k, v := range d.vals {
		c.vals[k] = v
	}
	return c
}

// Name returns the value of key as a name, "" when it is not one.
func (d *Dict) Name(key string) Name {
	n, _ := d.Get(key).(Name)
	return n
}

// Int returns the value of key as an integer.
func (d *Dict) Int(key string) (int64, bool) {
	n, ok := d.Get(key).(Integer)
	return int64(n), ok
}

// Ref returns the value of key as a reference.
func (d *Dict) Ref(key string) (Ref, bool) {
	r, ok := d.Get(key).(Ref)
	return r, ok
}

// Text returns the bytes of a literal or hex string, nil for anything else.
func Text(o Object) []byte {
	switch s := o.(type) {
	case String:
		return s
	case HexString:
		return s
	}
	return nil
}

func (r Ref) String() string { return strconv.Itoa(r.Num) + " " + strconv.Itoa(r.Gen) + " R" }

// TextString encodes s as a PDF text string: a literal string when s is printable
// ASCII, else UTF-16BE with a byte order mark, which every reader understands.
func TextString(s string) Object {
	for _, r := range s {
		if r >= 0x80 || r < 0x20 {
			u := utf16.Encode([]rune(s))
			b := make([]byte, 2, 2+2*len(u))
			b[0], b[1] = 0xFE, 0xFF
			for _, c := range u {
				b = append(b, byte(c>>8), byte(c))
			}
			return HexString(b)
		}
	}
	return String(s)
}
