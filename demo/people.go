package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/model"
)

// rng wraps the seeded generator with the few draws the demo needs.
type rng struct{ *rand.Rand }

func (r rng) pick(list []string) string { return list[r.IntN(len(list))] }

func (r rng) chance(p float64) bool { return r.Float64() < p }

// between returns an int in [lo, hi].
func (r rng) between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// weighted returns the index chosen by weights (which need not sum to one).
func (r rng) weighted(weights []float64) int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	x := r.Float64() * sum
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (r rng) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// person is a natural person of the demo.
type person struct {
	First, Last string
	Female      bool
	Born        time.Time
	Street      string
	Place       place
	Email       string
	Phone       string
}

func (p person) Name() string { return p.First + " " + p.Last }

// Salutation returns the opening of a letter to p.
func (p person) Salutation() string {
	if p.Female {
		return "Sehr geehrte Frau " + p.Last
	}
	return "Sehr geehrter Herr " + p.Last
}

func (r rng) street() string {
	s := r.pick(streets)
	n := strconv.Itoa(r.between(1, 120))
	if r.chance(0.08) {
		n += string(rune('a' + r.IntN(3)))
	}
	return s + " " + n
}

// person draws a person aged between minAge and maxAge on day now; localShare is the
// chance that they live in Musterhausen.
func (r rng) person(now time.Time, minAge, maxAge int, localShare float64) person {
	p := person{Female: r.chance(0.5), Last: r.pick(surnames)}
	if p.Female {
		p.First = r.pick(femaleNames)
	} else {
		p.First = r.pick(maleNames)
	}
	if r.chance(0.06) {
		// A double first name now and then, as on many German ID cards.
		if p.Female {
			p.First += "-" + r.pick(femaleNames)
		} else {
			p.First += " " + r.pick(maleNames)
		}
	}
	age := r.between(minAge, maxAge)
	p.Born = time.Date(now.Year()-age, time.Month(r.between(1, 12)), r.between(1, 28), 0, 0, 0, 0, time.UTC)
	p.Street = r.street()
	p.Place = homeTown
	if !r.chance(localShare) {
		p.Place = nearby[r.IntN(len(nearby))]
	}
	p.Email = r.email(p.First, p.Last)
	p.Phone = r.phone()
	return p
}

func (r rng) email(first, last string) string {
	f, l := mailFold(first), mailFold(last)
	var local string
	switch r.IntN(5) {
	case 0:
		local = f + "." + l
	case 1:
		local = f[:1] + "." + l
	case 2:
		local = f + "_" + l + strconv.Itoa(r.between(60, 99))
	case 3:
		local = l + "." + f
	default:
		local = f + "." + l + strconv.Itoa(r.between(1, 99))
	}
	return local + "@" + r.pick(mailDomains)
}

func (r rng) phone() string {
	if r.chance(0.5) {
		return "01" + r.pick([]string{"51", "52", "57", "60", "70", "71", "76"}) + " " + r.digits(8)
	}
	return "04321 " + r.digits(5)
}

// mailFold turns a name into the ASCII form people use in e-mail addresses.
func mailFold(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch c {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß':
			b.WriteString("ss")
		case 'é', 'è':
			b.WriteByte('e')
		case 'á', 'à':
			b.WriteByte('a')
		case 'í':
			b.WriteByte('i')
		case ' ':
			b.WriteByte('-')
		default:
			if c < 0x80 {
				b.WriteRune(c)
			}
		}
	}
	return b.String()
}

// applicant makes the case's applicant from p; withEmail is false for some counter and
// post applications.
func (p person) applicant(withEmail bool) model.Applicant {
	a := model.Applicant{Name: p.Name(), Street: p.Street, PostalCode: p.Place.PostalCode, City: p.Place.City, Phone: p.Phone}
	if withEmail {
		a.Email = p.Email
	}
	return a
}

// company draws a business name for a trade of the person's surname.
func (r rng) company(t trade, last string) string {
	return fmt.Sprintf(r.pick(t.Names), last)
}

func date(t time.Time) string { return t.Format("02.01.2006") }

// euro formats cents the German way: 1.234,56 €.
func euro(cents int) string {
	s := strconv.Itoa(cents / 100)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s,%02d €", b.String(), cents%100)
}

// uuidV7 returns a UUIDv7 string for time t with random bits from r, so demo IDs are
// deterministic for a seed yet sort by time like real ones.
func (r rng) uuidV7(t time.Time) string {
	var u [16]byte
	ms := uint64(t.UnixMilli())
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	a, b := r.Uint64(), r.Uint64()
	u[6], u[7] = byte(a>>8), byte(a)
	for i := range 8 {
		u[8+i] = byte(b >> (8 * i))
	}
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexd[c>>4], hexd[c&15])
	}
	return string(out)
}
