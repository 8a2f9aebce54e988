package index

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// ErrCorruptRow is returned by Row.UnmarshalBinary for bytes that are not a row.
var ErrCorruptRow = errors.New("index: corrupt row")

// rowVersion is the first byte of a marshalled row.
const rowVersion = 1

// Row is what the case list shows and filters, sorts and searches on for one case.
type Row struct {
	ID           string
	FileNumber   string
	Applicant    string // applicant name as shown
	Type         string // model.CaseType code
	TypeName     string // German name of the type
	ReceivedAt   int64  // unix seconds
	Status       model.Status
	Assignee     string // clerk ID, "" = unassigned
	AssigneeName string // clerk's name (sort by it)
	Deadline     int32  // DayNumber of c.Deadline(), 0 = none
	NextFollowUp int32  // DayNumber of c.NextFollowUp(), 0 = none
	Finished     bool   // c.Finished(): overdue does not apply
	// Tokens are the folded search tokens from Tokens: applicant name, address and
	// e-mail, file number, type name and every form value.
	Tokens []string
}

// RowOf derives the row of a case; assigneeName is the clerk's display name ("" if none).
func RowOf(c *model.Case, assigneeName string) Row {
	typeName := c.Type
	if t, ok := model.CaseTypeByCode(c.Type); ok {
		typeName = t.Name
	}
	r := Row{
		ID:         c.ID,
		FileNumber: c.FileNumber,
		Applicant:  c.Applicant.Name,
		Type:       c.Type,
		TypeName:   typeName,
		Status:     c.Status,
		Assignee:   c.Assignee,
		Finished:   c.Finished(),
	}
	if !c.ReceivedAt.IsZero() {
		r.ReceivedAt = c.ReceivedAt.Unix()
	}
	if c.Assignee != "" {
		r.AssigneeName = assigneeName
	}
	if d := c.Deadline(); d != nil {
		r.Deadline = DayNumber(*d)
	}
	if d := c.NextFollowUp(); d != nil {
		r.NextFollowUp = DayNumber(*d)
	}
	a := c.Applicant
	t := newTokenizer()
	defer t.release()
	for _, p := range [...]string{a.Name, a.Street, a.PostalCode, a.City, a.Email, c.FileNumber, typeName} {
		t.add(p)
	}
	addFormValues(t, c.Form)
	r.Tokens = t.tokens()
	return r
}

func addFormValues(t *tokenizer, fields []model.FormField) {
	for _, f := range fields {
		t.add(f.Value)
		addFormValues(t, f.Items)
	}
}

// Overdue reports whether the row is unfinished and its deadline lies before today.
func (r Row) Overdue(today int32) bool {
	return !r.Finished && r.Deadline != 0 && r.Deadline < today
}

// FollowUpDue reports whether the row's next open follow-up is due on or before today.
func (r Row) FollowUpDue(today int32) bool {
	return r.NextFollowUp != 0 && r.NextFollowUp <= today
}

// Equal reports whether r and o hold the same values (nil and empty Tokens are equal).
func (r Row) Equal(o Row) bool {
	return r.ID == o.ID && r.FileNumber == o.FileNumber && r.Applicant == o.Applicant &&
		r.Type == o.Type && r.TypeName == o.TypeName && r.ReceivedAt == o.ReceivedAt &&
		r.Status == o.Status && r.Assignee == o.Assignee && r.AssigneeName == o.AssigneeName &&
		r.Deadline == o.Deadline && r.NextFollowUp == o.NextFollowUp && r.Finished == o.Finished &&
		slices.Equal(r.Tokens, o.Tokens)
}

// DayNumber returns the days since 1970-01-01 of t's UTC date, or 0 for the zero time.
func DayNumber(t time.Time) int32 {
	if t.IsZero() {
		return 0
	}
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return int32(d)
}

// DayTime returns midnight UTC of day d, the inverse of DayNumber; the zero time for 0.
func DayTime(d int32) time.Time {
	if d == 0 {
		return time.Time{}
	}
	return time.Unix(int64(d)*86400, 0).UTC()
}

// MarshalBinary encodes the row: a version byte, then the fields in declaration
// order as uvarint-prefixed strings and varints, a flag byte and the tokens.
func (r Row) MarshalBinary() ([]byte, error) {
	n := 1 + 8*binary.MaxVarintLen64 + 1 + len(r.ID) + len(r.FileNumber) + len(r.Applicant) +
		len(r.Type) + len(r.TypeName) + len(r.Status) + len(r.Assignee) + len(r.AssigneeName)
	for _, t := range r.Tokens {
		n += len(t) + 2
	}
	b := make([]byte, 0, n)
	b = append(b, rowVersion)
	for _, s := range []string{r.ID, r.FileNumber, r.Applicant, r.Type, r.TypeName} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, r.ReceivedAt)
	for _, s := range []string{string(r.Status), r.Assignee, r.AssigneeName} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, int64(r.Deadline))
	b = binary.AppendVarint(b, int64(r.NextFollowUp))
	var flags byte
	if r.Finished {
		flags |= 1
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(r.Tokens)))
	for _, t := range r.Tokens {
		b = appendString(b, t)
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// UnmarshalBinary decodes a row written by MarshalBinary. It returns an error wrapping
// ErrCorruptRow for an unknown version, truncated or trailing bytes, or values out of
// range, and leaves r unchanged then.
func (r *Row) UnmarshalBinary(b []byte) error {
	if len(b) == 0 || b[0] != rowVersion {
		return ErrCorruptRow
	}
	// One string holds every field's bytes: one allocation per row instead of one per
	// token, which matters when the store loads 100,000 rows at start.
	d := decoder{s: string(b), off: 1}
	var o Row
	o.ID = d.str()
	o.FileNumber = d.str()
	o.Applicant = d.str()
	o.Type = d.str()
	o.TypeName = d.str()
	o.ReceivedAt = d.varint()
	o.Status = model.Status(d.str())
	o.Assignee = d.str()
	o.AssigneeName = d.str()
	o.Deadline = d.int32()
	o.NextFollowUp = d.int32()
	switch f := d.byte(); f {
	case 0:
	case 1:
		o.Finished = true
	default:
		d.fail()
	}
	n := d.uvarint()
	if n > uint64(len(d.s)-d.off) { // every token takes at least its length byte
		d.fail()
	}
	if !d.bad && n > 0 {
		o.Tokens = make([]string, n)
		for i := range o.Tokens {
			o.Tokens[i] = d.str()
		}
	}
	if d.bad || d.off != len(d.s) {
		return ErrCorruptRow
	}
	*r = o
	return nil
}

// decoder reads from s and remembers the first failure, so UnmarshalBinary checks once.
type decoder struct {
	s   string
	off int
	bad bool
}

func (d *decoder) fail() { d.bad, d.off = true, len(d.s) }

func (d *decoder) byte() byte {
	if d.off >= len(d.s) {
		d.fail()
		return 0
	}
	c := d.s[d.off]
	d.off++
	return c
}

func (d *decoder) uvarint() uint64 {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c := d.byte()
		if d.bad {
			return 0
		}
		if shift == 63 && c > 1 {
			d.fail()
			return 0
		}
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
	d.fail()
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) int32() int32 {
	x := d.varint()
	if x < math.MinInt32 || x > math.MaxInt32 {
		d.fail()
		return 0
	}
	return int32(x)
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.s)-d.off) {
		d.fail()
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}
