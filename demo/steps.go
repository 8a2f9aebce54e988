package demo

import (
	"time"

	"github.com/ozgcloud/desktop/model"
)

// act is an abstract clerk action in a case's plan; times and payloads are filled in
// once the whole plan is known, so that it fits between receipt and now.
type act int

const (
	aAccept act = iota
	aDiscard
	aRestore
	aAssign
	aReassign
	aStart
	aPutBack
	aComment
	aLeadComment
	aMessage
	aFollowOverdue
	aFollowToday
	aFollowFuture
	aFollowLater // added now, done by a later aFollowDone
	aFollowDone
	aDecision
	aDecide
	aReopen
	aCorrection
	aClose
	aForward
	aDeleteReq
	aExtend
)

type planned struct {
	a   act
	gap float64 // hours after the previous step
}

// statusOrder and statusWeights pick a case's final status by its age: recent cases
// are mostly new, older ones worked or closed.
var statusOrder = []model.Status{
	model.StatusNeu, model.StatusAngenommen, model.StatusInBearbeitung, model.StatusBeschieden,
	model.StatusAbgeschlossen, model.StatusVerworfen, model.StatusWeitergeleitet, model.StatusZuLoeschen,
}

var statusWeights = []struct {
	maxDays float64
	w       []float64
}{
	{3, []float64{75, 12, 8, 0, 0, 3, 2, 0}},
	{14, []float64{38, 20, 33, 3, 3, 3, 3, 0}},
	{60, []float64{18, 12, 46, 9, 10, 4, 4, 0}},
	{180, []float64{7, 7, 42, 12, 24, 5, 3, 2}},
	{1e9, []float64{2, 4, 30, 12, 33, 6, 3, 10}},
}

type planner struct {
	g    *generator
	plan []planned
}

func (p *planner) add(a act, lo, hi float64) {
	p.plan = append(p.plan, planned{a: a, gap: lo + p.g.r.Float64()*(hi-lo)})
}

// work appends the usual handling of an accepted case up to "in Bearbeitung".
func (p *planner) work(start bool, unfinished bool) {
	r := p.g.r
	p.add(aAccept, 1, 96)
	if r.chance(0.87) {
		p.add(aAssign, 0.05, 24)
	}
	if r.chance(0.3) {
		p.add(aLeadComment, 1, 48)
	}
	if start {
		p.add(aStart, 2, 240)
		if r.chance(0.04) {
			p.add(aPutBack, 24, 200)
			p.add(aStart, 24, 200)
		}
	}
	for range r.IntN(3) {
		p.add(aComment, 4, 200)
	}
	if r.chance(0.06) {
		p.add(aReassign, 24, 300)
	}
	if r.chance(0.4) {
		p.add(aMessage, 4, 200)
	}
	if r.chance(0.22) {
		p.add(aFollowLater, 2, 100)
		p.add(aFollowDone, 24, 400)
	}
	if unfinished && r.chance(0.45) {
		switch r.weighted([]float64{35, 15, 50}) {
		case 0:
			p.add(aFollowOverdue, 2, 100)
		case 1:
			p.add(aFollowToday, 2, 100)
		default:
			p.add(aFollowFuture, 2, 100)
		}
	}
}

func (p *planner) decide() {
	r := p.g.r
	p.add(aDecision, 24, 600)
	p.add(aDecide, 0.1, 4)
	if r.chance(0.05) {
		p.add(aReopen, 100, 1000)
		p.add(aCorrection, 24, 200)
		p.add(aDecide, 0.1, 4)
	}
}

// steps plans what happens to c, then turns the plan into timed steps with payloads.
func (g *generator) steps(c *model.Case, s spec) []Step {
	r := g.r
	avail := g.now.Sub(c.ReceivedAt).Hours()
	ageDays := avail / 24
	var w []float64
	for _, sw := range statusWeights {
		if ageDays < sw.maxDays {
			w = sw.w
			break
		}
	}
	status := statusOrder[r.weighted(w)]
	if avail < 2 {
		status = model.StatusNeu
	}
	p := &planner{g: g}
	switch status {
	case model.StatusNeu:
		if r.chance(0.06) {
			p.add(aDiscard, 1, 96)
			p.add(aRestore, 1, 48)
		}
		if r.chance(0.1) {
			p.add(aAssign, 0.5, 48)
		}
		if r.chance(0.15) {
			p.add(aComment, 1, 72)
		}
	case model.StatusAngenommen:
		p.work(false, true)
	case model.StatusInBearbeitung:
		p.work(true, true)
	case model.StatusBeschieden:
		p.work(true, false)
		p.decide()
	case model.StatusAbgeschlossen:
		p.work(true, false)
		if r.chance(0.8) {
			p.decide()
		}
		p.add(aClose, 24, 400)
	case model.StatusVerworfen:
		p.add(aDiscard, 1, 96)
	case model.StatusWeitergeleitet:
		if r.chance(0.5) {
			p.work(r.chance(0.5), false)
		}
		p.add(aForward, 2, 100)
	case model.StatusZuLoeschen:
		if r.chance(0.3) {
			p.add(aDiscard, 1, 96)
		} else {
			p.work(true, false)
			p.decide()
			p.add(aClose, 24, 400)
		}
		p.add(aDeleteReq, 720, 4000)
	}
	// Cases still being worked whose deadline has passed mostly got an extension.
	if (status == model.StatusAngenommen || status == model.StatusInBearbeitung) &&
		c.Deadline().Before(g.today) && r.chance(0.75) {
		p.add(aExtend, 0, 0)
	}
	if len(p.plan) == 0 {
		return nil
	}
	return g.materialize(c, s, p.plan, avail)
}

// stepper carries the state of a case while its plan becomes steps.
type stepper struct {
	g        *generator
	c        *model.Case
	s        spec
	steps    []Step
	worker   model.Clerk
	laterFUs []string
	decision string
}

func (g *generator) materialize(c *model.Case, s spec, plan []planned, avail float64) []Step {
	r := g.r
	var total float64
	for _, p := range plan {
		total += p.gap
	}
	scale := 1.0
	if limit := 0.9 * avail; total > limit {
		scale = limit / total
	}
	st := &stepper{g: g, c: c, s: s, worker: g.pickWorker()}
	prev := c.ReceivedAt
	for i, p := range plan {
		at := prev.Add(time.Duration(p.gap * scale * float64(time.Hour)))
		if p.a == aExtend {
			// An extension is granted when the deadline comes near, so late in the plan.
			at = g.now.Add(-time.Duration(r.between(1, 14*24)) * time.Hour)
		}
		at = g.officeHours(prev, at)
		if !at.After(prev) {
			at = prev.Add(time.Second)
		}
		if !at.Before(g.now) {
			// Keep every step strictly between the previous one and now.
			at = prev.Add(g.now.Sub(prev) / time.Duration(len(plan)-i+1))
		}
		at = at.Truncate(time.Second)
		if !at.After(prev) {
			at = prev.Add(time.Second)
		}
		st.do(p.a, at)
		prev = at
	}
	return st.steps
}

// officeHours moves t to working hours on its day when that keeps it after prev and
// before now; clerks do not accept applications at three in the morning.
func (g *generator) officeHours(prev, t time.Time) time.Time {
	l := t.In(g.loc)
	if h := l.Hour(); h >= 7 && h < 17 && l.Weekday() != time.Saturday && l.Weekday() != time.Sunday {
		return t
	}
	day := l
	switch l.Weekday() {
	case time.Saturday:
		day = l.AddDate(0, 0, 2)
	case time.Sunday:
		day = l.AddDate(0, 0, 1)
	}
	m := time.Date(day.Year(), day.Month(), day.Day(), 7, 30, 0, 0, g.loc).
		Add(time.Duration(g.r.IntN(9*60)) * time.Minute).UTC()
	if m.After(prev) && m.Before(g.now) {
		return m
	}
	return t
}

func (g *generator) pickWorker() model.Clerk {
	r := g.r
	if r.chance(0.12) {
		return g.lead
	}
	return g.workers[r.IntN(len(g.workers))]
}

func (st *stepper) add(actor model.Clerk, at time.Time, kind model.MutationKind, payload any) {
	st.steps = append(st.steps, Step{Actor: actor, At: at, Kind: kind, Payload: payload})
}

func (st *stepper) transition(actor model.Clerk, at time.Time, a model.Action, reason string) {
	st.add(actor, at, model.KindTransition, model.TransitionPayload{Action: a, Reason: reason})
}

func (st *stepper) do(a act, at time.Time) {
	g, r := st.g, st.g.r
	w := st.worker
	switch a {
	case aAccept:
		st.transition(w, at, model.ActionAnnehmen, "")
	case aDiscard:
		st.transition(w, at, model.ActionVerwerfen, r.pick(discardReasons))
	case aRestore:
		st.transition(w, at, model.ActionZurueckholen, "Versehentlich verworfen")
	case aAssign:
		actor := w
		if w.Role == model.RoleSachbearbeitung && r.chance(0.45) {
			actor = g.lead
		}
		st.add(actor, at, model.KindAssign, model.AssignPayload{Assignee: w.ID})
	case aReassign:
		next := g.workers[0]
		if next.ID == w.ID {
			next = g.workers[1]
		}
		st.add(g.lead, at, model.KindAssign, model.AssignPayload{Assignee: next.ID})
		st.worker = next
	case aStart:
		st.transition(w, at, model.ActionBearbeiten, "")
	case aPutBack:
		st.transition(w, at, model.ActionZurueckstellen, "Unterlagen fehlen noch")
	case aComment:
		text := r.pick(st.s.Comments)
		if r.chance(0.3) {
			text = r.pick(generalComments)
		}
		st.add(w, at, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: r.uuidV7(at), At: at, By: w.ID, Text: text}})
	case aLeadComment:
		st.add(g.lead, at, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: r.uuidV7(at), At: at, By: g.lead.ID, Text: r.pick(leadComments)}})
	case aMessage:
		st.add(w, at, model.KindMessage, model.MessagePayload{Message: st.message(at)})
	case aFollowOverdue, aFollowToday, aFollowFuture, aFollowLater:
		day := model.Day(at, g.loc)
		var due time.Time
		switch a {
		case aFollowOverdue:
			lo, hi := day.AddDate(0, 0, 1), g.today.AddDate(0, 0, -1)
			due = g.today
			if !hi.Before(lo) {
				due = lo.AddDate(0, 0, r.IntN(int(hi.Sub(lo).Hours()/24)+1))
			}
		case aFollowToday:
			due = g.today
		case aFollowFuture:
			due = g.today.AddDate(0, 0, r.between(1, 30))
		default:
			due = day.AddDate(0, 0, r.between(3, 21))
		}
		f := model.FollowUp{ID: r.uuidV7(at), Due: due, Reason: r.pick(followUpReasons), CreatedAt: at, By: w.ID}
		if a == aFollowLater {
			st.laterFUs = append(st.laterFUs, f.ID)
		}
		st.add(w, at, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: f})
	case aFollowDone:
		id := st.laterFUs[0]
		st.laterFUs = st.laterFUs[1:]
		st.add(w, at, model.KindFollowUpDone, model.FollowUpDonePayload{FollowUpID: id})
	case aDecision, aCorrection:
		signed := at
		d := model.DecisionInfo{ID: r.uuidV7(at), Template: st.s.Template, Title: st.s.Decision,
			CreatedAt: at, CreatedBy: w.ID, SignedAt: &signed}
		if a == aCorrection {
			d.Title = "Änderungsbescheid: " + st.s.Decision
			d.Supersedes = st.decision
		}
		st.decision = d.ID
		st.add(w, at, model.KindDecision, model.DecisionPayload{Decision: d})
	case aDecide:
		st.transition(w, at, model.ActionBescheiden, "")
	case aReopen:
		st.transition(w, at, model.ActionWiedereroeffnen, "Änderung des Bescheids beantragt")
	case aClose:
		st.transition(w, at, model.ActionAbschliessen, "")
	case aForward:
		st.transition(w, at, model.ActionWeiterleiten, st.s.Forward)
	case aDeleteReq:
		actor := g.lead
		if r.chance(0.3) {
			actor = g.admin
		}
		st.transition(actor, at, model.ActionLoeschenAnfordern, r.pick(deleteReasons))
	case aExtend:
		day := model.Day(at, g.loc)
		for _, f := range []struct {
			name string
			d    *time.Time
		}{{model.FieldLegalDeadline, st.c.LegalDeadline}, {model.FieldTargetDeadline, st.c.TargetDeadline}} {
			if f.d == nil || !f.d.Before(g.today) {
				continue
			}
			next := day.AddDate(0, 0, r.between(10, 45))
			if !next.After(g.today) {
				next = g.today.AddDate(0, 0, r.between(3, 30))
			}
			st.add(w, at, model.KindDeadline, model.DeadlinePayload{Field: f.name, Date: &next})
		}
	}
}

func (st *stepper) message(at time.Time) model.Message {
	g, r := st.g, st.g.r
	w := st.worker
	state := model.MessageSent
	if g.now.Sub(at) < 72*time.Hour {
		state = model.MessagePending
	}
	greet := st.s.Person.Salutation() + ",\n\n"
	sign := "\n\nMit freundlichen Grüßen\nIm Auftrag\n" + w.Name + "\n" + g.muni.Name + ", " + g.muni.OrgUnitName
	var subject, body string
	switch r.IntN(3) {
	case 0:
		subject = "Nachforderung von Unterlagen zu Ihrem Antrag"
		body = "für die Bearbeitung Ihres Antrags (" + st.c.Title + ") benötigen wir noch " + r.pick(st.s.Missing) +
			". Bitte reichen Sie die Unterlagen bis zum " + date(model.Day(at, g.loc).AddDate(0, 0, 14)) + " ein."
	case 1:
		subject = "Eingangsbestätigung"
		body = "Ihr Antrag vom " + date(st.c.ReceivedAt.In(g.loc)) + " ist bei uns eingegangen und wird bearbeitet. " +
			"Bei Rückfragen erreichen Sie mich unter " + w.Phone + "."
	default:
		subject = "Rückfrage zu Ihrem Antrag"
		body = "zu Ihrem Antrag (" + st.c.Title + ") haben wir eine Rückfrage. Bitte rufen Sie mich unter " +
			w.Phone + " an oder antworten Sie über Ihr Postfach."
	}
	return model.Message{ID: r.uuidV7(at), Direction: model.MessageOutgoing, State: state,
		Subject: subject, Body: greet + body + sign, At: at, By: w.ID}
}

var discardReasons = []string{
	"Antrag doppelt eingegangen", "Antrag vom Antragsteller zurückgezogen",
	"Testantrag ohne Inhalt", "Kein Antrag erkennbar", "Unvollständig, Antragsteller nicht erreichbar",
}

var deleteReasons = []string{
	"Aufbewahrungsfrist abgelaufen", "Löschung nach Art. 17 DSGVO verlangt",
	"Doppelter Vorgang, Daten nicht mehr erforderlich",
}

var followUpReasons = []string{
	"Frist für Nachreichung der Unterlagen", "Stellungnahme abwarten", "Zahlungseingang prüfen",
	"Rückruf Antragsteller", "Wiedervorlage nach Ortstermin", "Prüfen, ob Unterlagen eingegangen sind",
	"Bescheid vorbereiten", "Rücksprache mit Sachgebietsleitung",
}

var generalComments = []string{
	"Unterlagen vollständig.", "Antragsteller telefonisch erreicht, Unterlagen folgen.",
	"Rücksprache mit Frau Krüger gehalten.", "Akte angelegt.", "Vorgang vorerst zurückgestellt, Urlaub Antragsteller.",
	"Bitte Frist im Blick behalten.", "Gebühr in Höhe von 25,00 € festgesetzt.",
}

var leadComments = []string{
	"Bitte vorrangig bearbeiten.", "Vor Bescheiderteilung bitte Rücksprache mit mir.",
	"Fristablauf beachten!", "Bürgermeister ist informiert.", "Bitte mit dem Bauamt abstimmen.",
}
