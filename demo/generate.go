package demo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
	_ "time/tzdata" // the demo's dates are Berlin dates on every OS

	"github.com/ozgcloud/desktop/model"
)

// Case is one generated application: the case as it arrived (status NEU, no file
// number; the store assigns it), its form as a PDF, and what the clerks did with it.
type Case struct {
	Case           model.Case
	Representation []byte
	// RepresentationID is the attachment ID the representation gets when seeded.
	RepresentationID string
	Steps            []Step
}

// Step is one clerk action on a generated case, in time order; Payload is one of the
// model.*Payload types, to be applied with model.Apply.
type Step struct {
	Actor   model.Clerk
	At      time.Time
	Kind    model.MutationKind
	Payload any
}

// ErrCount reports a negative number of cases.
var ErrCount = errors.New("demo: negative number of cases")

// Generate makes n demo cases received during the year before now and calls yield for
// each, oldest first. The same seed, n and now give the same cases. It stops at and
// returns yield's first error, wrapped.
func Generate(seed int64, n int, now time.Time, yield func(Case) error) error {
	if n < 0 {
		return fmt.Errorf("%w: %d", ErrCount, n)
	}
	g := newGenerator(seed, now)
	for i := range n {
		if err := yield(g.next(i, n)); err != nil {
			return fmt.Errorf("demo: case %d: %w", i, err)
		}
	}
	return nil
}

type generator struct {
	r       rng
	now     time.Time
	today   time.Time
	loc     *time.Location
	muni    Municipality
	workers []model.Clerk // Sachbearbeitung
	lead    model.Clerk
	admin   model.Clerk
	pdf     pdfWriter
}

func newGenerator(seed int64, now time.Time) *generator {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		// Unreachable with time/tzdata linked in; UTC keeps the demo usable anyway.
		loc = time.UTC
	}
	now = now.Round(0).UTC().Truncate(time.Second)
	g := &generator{
		r:     rng{rand.New(rand.NewPCG(uint64(seed), 0x6d75737465726861))},
		now:   now,
		today: model.Day(now, loc),
		loc:   loc,
		muni:  Musterhausen(),
	}
	for _, c := range Clerks() {
		switch c.Role {
		case model.RoleSachbearbeitung:
			g.workers = append(g.workers, c)
		case model.RoleLeitung:
			g.lead = c
		case model.RoleAdministration:
			g.admin = c
		}
	}
	return g
}

// typeWeights: how often each of model.CaseTypes occurs, by code.
var typeWeights = map[string]float64{
	"GEWERBE": 18, "BAU": 10, "HUND": 14, "SONDERNUTZUNG": 12, "WOHNGELD": 12, "MELDE": 30, "SONSTIGES": 4,
}

func (g *generator) caseType() model.CaseType {
	w := make([]float64, len(model.CaseTypes))
	for i, t := range model.CaseTypes {
		w[i] = typeWeights[t.Code]
		if w[i] == 0 {
			w[i] = 1
		}
	}
	return model.CaseTypes[g.r.weighted(w)]
}

// received spreads the cases over the year before now, denser towards now (a backlog
// of recent work), in ascending order of i.
func (g *generator) received(i, n int) time.Time {
	u := (float64(i) + g.r.Float64()) / float64(n)
	age := time.Duration(float64(365*24*time.Hour) * math.Pow(1-u, 1.3))
	if age < time.Minute {
		age = time.Minute
	}
	return g.now.Add(-age).Truncate(time.Second)
}

var channelWeights = []float64{68, 12, 12, 8}
var channels = []model.Channel{model.ChannelOnline, model.ChannelEmail, model.ChannelCounter, model.ChannelPost}

func (g *generator) next(i, n int) Case {
	r := g.r
	received := g.received(i, n)
	ct := g.caseType()
	ch := channels[r.weighted(channelWeights)]
	if ch == model.ChannelCounter {
		// Counter applications come in during opening hours.
		d := received.In(g.loc)
		t := time.Date(d.Year(), d.Month(), d.Day(), r.between(8, 15), r.IntN(60), r.IntN(60), 0, g.loc).UTC()
		if t.Before(g.now) {
			received = t
		}
	}
	p := r.person(received, 19, 86, 0.75)
	form, ok := forms[ct.Code]
	if !ok {
		form = rng.sonstiges
	}
	s := form(r, received, p)
	a := s.Applicant
	switch ch {
	case model.ChannelOnline:
		a.Postfach = g.postfach()
	case model.ChannelCounter, model.ChannelPost:
		if r.chance(0.5) {
			a.Email = ""
		}
	}
	target := ct.TargetDeadline(received)
	c := model.Case{
		ID:             r.uuidV7(received),
		Tenant:         g.muni.Tenant,
		OrgUnit:        g.muni.OrgUnit,
		Type:           ct.Code,
		LeikaIDs:       append([]string(nil), ct.LeikaIDs...),
		Title:          s.Title,
		ReceivedAt:     received,
		Channel:        ch,
		Applicant:      a,
		Form:           s.Form,
		Status:         model.StatusNeu,
		LegalDeadline:  s.Legal,
		TargetDeadline: &target,
	}
	out := Case{Case: c, RepresentationID: r.uuidV7(received)}
	out.Representation = g.representation(&c, ct)
	out.Steps = g.steps(&c, s)
	return out
}

func (g *generator) postfach() *model.Postfach {
	r := g.r
	types := []string{"BUND_ID", "BUND_ID", "BAYERN_ID", "OSI"}
	levels := []string{"STORK-QAA-Level-1", "STORK-QAA-Level-3", "STORK-QAA-Level-4"}
	id := r.uuidV7(time.Unix(int64(r.Uint32()), 0))
	return &model.Postfach{Type: r.pick(types), Identifier: id, TrustLevel: r.pick(levels)}
}

func (g *generator) representation(c *model.Case, ct model.CaseType) []byte {
	a := c.Applicant
	recv := c.ReceivedAt.In(g.loc)
	lines := []pdfLine{
		{Text: "Antragsteller/in", Bold: true},
		{Text: a.Name, Indent: 1},
		{Text: a.Street + ", " + a.PostalCode + " " + a.City, Indent: 1},
	}
	if a.Email != "" {
		lines = append(lines, pdfLine{Text: "E-Mail: " + a.Email, Indent: 1})
	}
	if a.Phone != "" {
		lines = append(lines, pdfLine{Text: "Telefon: " + a.Phone, Indent: 1})
	}
	if a.Postfach != nil {
		lines = append(lines, pdfLine{Text: "Postfach: " + postfachLabel(a.Postfach.Type) + " (" + a.Postfach.TrustLevel + ")", Indent: 1})
	}
	lines = formLines(lines, c.Form, 0)
	return g.pdf.render(pdfDoc{
		Title: "Antrag: " + ct.Name,
		Header: []string{
			g.muni.Name + " – " + g.muni.OrgUnitName + ", " + g.muni.Street + ", " + g.muni.PostalCode + " " + g.muni.City,
			"Betreff: " + c.Title,
			"Eingegangen am " + recv.Format("02.01.2006 um 15:04 Uhr") + " (" + c.Channel.Label() + ")",
		},
		Lines:   lines,
		Footer:  "Antragsdaten, erzeugt von OZG-Cloud Desktop (Demodaten)",
		Created: c.ReceivedAt,
	})
}

func postfachLabel(t string) string {
	switch t {
	case "BUND_ID":
		return "BundID"
	case "BAYERN_ID":
		return "BayernID"
	case "OSI":
		return "Servicekonto (OSI)"
	}
	return t
}
