package decision

import (
	"errors"
	"fmt"
	"strings"
)

// RemedyKind is the legal remedy against a decision: an objection to the authority
// (Widerspruch, § 70 VwGO), an action at the administrative court (Klage, § 74 VwGO)
// where the Land has abolished the objection for the matter, or, in Bayern's
// fakultatives Widerspruchsverfahren (Art. 15 Abs. 1 AGVwGO), the choice of both.
type RemedyKind string

const (
	RemedyWiderspruch RemedyKind = "WIDERSPRUCH"
	RemedyKlage       RemedyKind = "KLAGE"
	RemedyWahl        RemedyKind = "WIDERSPRUCH_ODER_KLAGE"
	// RemedyUnset marks a matrix entry the administration must fill in: Fill refuses
	// it (ErrRemedyUnset) rather than print an instruction nobody checked, since a
	// wrong one extends the period to a year (§ 58 (2) VwGO).
	RemedyUnset RemedyKind = "OFFEN"
)

// Sentinel errors of remedies and the matrix; the app words them for the clerk.
var (
	ErrRemedy      = errors.New("decision: invalid remedy")
	ErrRemedyUnset = errors.New("decision: remedy not configured")
	ErrLand        = errors.New("decision: unknown Land")
)

// PeriodOneMonth is the only period the letters print: one month after notification
// for both the objection (§ 70 (1) VwGO) and the action (§ 74 (1) VwGO).
const PeriodOneMonth = "eines Monats"

// Office is an authority or a court as a remedy names it. Dative holds the name with
// its article in the dative ("der Gemeinde Musterhausen", "dem Amt Süderbrarup",
// "dem Schleswig-Holsteinischen Verwaltungsgericht"), so that "bei " + Dative is
// grammatical for any name; empty means derived from Name where the first word
// allows (DativeOf).
type Office struct {
	Name    string `json:"name"`
	Dative  string `json:"dative,omitempty"`
	Address string `json:"address"` // "Brockdorff-Rantzau-Straße 13, 24837 Schleswig"
}

// dative returns the name in the dative with its article.
func (o Office) dative() (string, error) {
	if o.Dative != "" {
		return o.Dative, nil
	}
	if d, ok := DativeOf(o.Name); ok {
		return d, nil
	}
	return "", fmt.Errorf("%w: no dative form of %q: set it with its article", ErrRemedy, o.Name)
}

// articles gives the dative article by the first word of a name.
var articles = map[string]string{
	"Gemeinde": "der", "Stadt": "der", "Hansestadt": "der", "Kreisstadt": "der", "Landeshauptstadt": "der",
	"Marktgemeinde": "der", "Verbandsgemeinde": "der", "Samtgemeinde": "der", "Verwaltungsgemeinschaft": "der",
	"Große": "der", "Stadtverwaltung": "der", "Gemeindeverwaltung": "der", "Amtsverwaltung": "der",
	"Amt": "dem", "Markt": "dem", "Landratsamt": "dem", "Bürgermeisteramt": "dem", "Kreis": "dem",
	"Landkreis": "dem", "Ordnungsamt": "dem", "Bauamt": "dem", "Verwaltungsgericht": "dem",
}

// DativeOf returns "der Gemeinde X" for "Gemeinde X", "dem Amt X" for "Amt X" and so
// on; false where the first word does not tell the article (adjectives as in
// "Schleswig-Holsteinisches Verwaltungsgericht" change their ending too).
func DativeOf(name string) (string, bool) {
	name = strings.TrimSpace(name)
	first, rest, _ := strings.Cut(name, " ")
	if a, ok := articles[first]; ok {
		return a + " " + name, true
	}
	// A neuter noun after a strong adjective: "Bayerisches Verwaltungsgericht
	// München" is "dem Bayerischen Verwaltungsgericht München".
	noun, _, _ := strings.Cut(rest, " ")
	if adj, ok := strings.CutSuffix(first, "es"); ok && adj != "" &&
		(strings.HasSuffix(noun, "gericht") || strings.HasSuffix(noun, "amt")) {
		return "dem " + adj + "en " + rest, true
	}
	return "", false
}

// Remedy is what the legal-remedy instructions (§ 37 (6) VwVfG, § 58 VwGO) must name:
// the remedy, where to lodge it with its seat, and the time limit.
type Remedy struct {
	Kind RemedyKind `json:"kind"`
	// Body is where the remedy is lodged: the authority for a Widerspruch (also for
	// the choice), the court for a Klage; Dative as in Office.
	Body    string `json:"body"`
	Dative  string `json:"dative,omitempty"`
	Address string `json:"address"`
	// Court is the administrative court of the choice (RemedyWahl).
	Court *Office `json:"court,omitempty"`
	// Period is the time limit as it reads in "innerhalb ___ nach Bekanntgabe"; only
	// PeriodOneMonth, and empty means that too.
	Period string `json:"period,omitempty"`
	// Electronic names the authority's accepted electronic channels for a
	// Widerspruch ("über das Postfach ... mit qualifizierter elektronischer
	// Signatur"); empty prints the general rule.
	Electronic string `json:"electronic,omitempty"`
	// Notes follow the instructions, one paragraph each (the Land's usual hints).
	Notes []string `json:"notes,omitempty"`
}

func (r Remedy) office() Office { return Office{Name: r.Body, Dative: r.Dative, Address: r.Address} }

// Validate checks the remedy is complete and its period one month; errors wrap
// ErrRemedy or, for a matrix entry left open, ErrRemedyUnset.
func (r Remedy) Validate() error {
	switch r.Kind {
	case RemedyUnset:
		return ErrRemedyUnset
	case RemedyWiderspruch, RemedyKlage, RemedyWahl:
	default:
		return fmt.Errorf("%w: kind %q", ErrRemedy, r.Kind)
	}
	if p := strings.TrimSpace(r.Period); p != "" && p != PeriodOneMonth {
		return fmt.Errorf("%w: period %q: the period is one month (%q)", ErrRemedy, r.Period, PeriodOneMonth)
	}
	offices := []Office{r.office()}
	if r.Kind == RemedyWahl {
		if r.Court == nil {
			return fmt.Errorf("%w: the choice of Widerspruch or Klage needs a court", ErrRemedy)
		}
		offices = append(offices, *r.Court)
	}
	for _, o := range offices {
		if strings.TrimSpace(o.Name) == "" || strings.TrimSpace(o.Address) == "" {
			return fmt.Errorf("%w: %s without name or address", ErrRemedy, r.Kind)
		}
		if _, err := o.dative(); err != nil {
			return err
		}
	}
	if r.Kind == RemedyKlage && !strings.Contains(strings.ToLower(r.Body), "gericht") {
		return fmt.Errorf("%w: a Klage is lodged at a court, not at %q", ErrRemedy, r.Body)
	}
	return nil
}

// Text returns the instructions as they appear in the letter, in the default
// wording; an invalid remedy gives "" (Fill then reports the placeholder missing).
func (r Remedy) Text() string {
	s, err := r.TextWith(DefaultRemedyWording())
	if err != nil {
		return ""
	}
	return s
}

// TextWith returns the instructions in wording w (its empty sentences in the
// default wording), or the error of Validate.
func (r Remedy) TextWith(w RemedyWording) (string, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	w = w.withDefaults()
	body, _ := r.office().dative() // Validate checked
	v := map[string]string{"frist": PeriodOneMonth, "stelle": body, "stelle.anschrift": r.Address}
	if r.Electronic != "" {
		v["elektronisch"] = r.Electronic
	}
	elec := w.Electronic
	if r.Electronic == "" {
		elec = w.ElectronicGeneral
	}
	var parts []string
	switch r.Kind {
	case RemedyWiderspruch:
		parts = []string{w.Widerspruch, elec}
	case RemedyKlage:
		v["gericht"], v["gericht.anschrift"] = body, r.Address
		parts = []string{w.Klage, w.KlageForm}
	case RemedyWahl:
		v["gericht"], _ = r.Court.dative()
		v["gericht.anschrift"] = r.Court.Address
		parts = []string{w.Wahl, w.Widerspruch2, elec, w.Klage2, w.KlageForm}
	}
	var out []string
	for _, p := range parts {
		s, err := expand(p, v, nil)
		if err != nil {
			return "", fmt.Errorf("%w: wording: %w", ErrRemedy, err)
		}
		out = append(out, s)
	}
	text := strings.Join(out, " ")
	if r.Kind == RemedyWahl {
		text = out[0] + "\n\n" + out[1] + " " + out[2] + "\n\n" + strings.Join(out[3:], " ")
	}
	for _, n := range r.Notes {
		text += "\n\n" + n
	}
	return text, nil
}

// RemedyWording holds the sentences of the instructions, with the placeholders
// {{frist}}, {{stelle}} (dative with article), {{stelle.anschrift}}, {{gericht}},
// {{gericht.anschrift}} and {{elektronisch}}. The administration may edit them; the
// defaults follow §§ 70, 74, 81, 55a and 55d VwGO.
type RemedyWording struct {
	Widerspruch       string `json:"widerspruch"`
	Electronic        string `json:"electronic"`        // with {{elektronisch}}
	ElectronicGeneral string `json:"electronicGeneral"` // without a configured channel
	Klage             string `json:"klage"`
	KlageForm         string `json:"klageForm"`
	Wahl              string `json:"wahl"`
	Widerspruch2      string `json:"widerspruch2"` // the objection within the choice
	Klage2            string `json:"klage2"`       // the action within the choice
}

// withDefaults fills w's empty sentences from the default wording, so a matrix
// stored before a sentence existed still prints every part.
func (w RemedyWording) withDefaults() RemedyWording {
	d := DefaultRemedyWording()
	for _, f := range []struct{ got, def *string }{
		{&w.Widerspruch, &d.Widerspruch}, {&w.Electronic, &d.Electronic}, {&w.ElectronicGeneral, &d.ElectronicGeneral},
		{&w.Klage, &d.Klage}, {&w.KlageForm, &d.KlageForm}, {&w.Wahl, &d.Wahl}, {&w.Widerspruch2, &d.Widerspruch2}, {&w.Klage2, &d.Klage2},
	} {
		if strings.TrimSpace(*f.got) == "" {
			*f.got = *f.def
		}
	}
	return w
}

// DefaultRemedyWording returns the shipped sentences.
func DefaultRemedyWording() RemedyWording {
	return RemedyWording{
		Widerspruch: "Gegen diesen Bescheid kann innerhalb {{frist}} nach Bekanntgabe Widerspruch erhoben werden. " +
			"Der Widerspruch ist schriftlich, in elektronischer Form oder zur Niederschrift bei {{stelle}}, {{stelle.anschrift}}, einzulegen.",
		Electronic: "Elektronisch kann der Widerspruch {{elektronisch}} eingelegt werden; eine einfache E-Mail genügt nicht.",
		ElectronicGeneral: "Die elektronische Form verlangt ein elektronisches Dokument mit qualifizierter elektronischer Signatur " +
			"oder einen anderen für den Ersatz der Schriftform zugelassenen Weg; eine einfache E-Mail genügt nicht.",
		Klage: "Gegen diesen Bescheid kann innerhalb {{frist}} nach Bekanntgabe Klage bei {{gericht}}, {{gericht.anschrift}}, erhoben werden.",
		KlageForm: "Sie ist schriftlich, zur Niederschrift des Urkundsbeamten der Geschäftsstelle des Gerichts oder " +
			"elektronisch nach Maßgabe der §§ 55a und 55d VwGO zu erheben; eine einfache E-Mail genügt nicht. " +
			"Rechtsanwälte, Behörden und juristische Personen des öffentlichen Rechts müssen die Klage als elektronisches Dokument einreichen (§ 55d VwGO).",
		Wahl:         "Gegen diesen Bescheid kann innerhalb {{frist}} nach Bekanntgabe nach Ihrer Wahl entweder Widerspruch eingelegt oder unmittelbar Klage erhoben werden.",
		Widerspruch2: "Wenn Sie Widerspruch einlegen: Der Widerspruch ist schriftlich, in elektronischer Form oder zur Niederschrift bei {{stelle}}, {{stelle.anschrift}}, einzulegen.",
		Klage2:       "Wenn Sie unmittelbar Klage erheben: Die Klage ist bei {{gericht}}, {{gericht.anschrift}}, zu erheben.",
	}
}
