package decision

import "fmt"

// RemedyKind is the legal remedy against a decision: an objection to the authority
// (Widerspruch, § 70 VwGO) or, where the Land has abolished that step for the case
// type, an action at the administrative court (Klage, § 74 VwGO).
type RemedyKind string

const (
	RemedyWiderspruch RemedyKind = "WIDERSPRUCH"
	RemedyKlage       RemedyKind = "KLAGE"
)

// Remedy is what the legal-remedy instructions (§ 37 (6) VwVfG, § 58 VwGO) must name:
// the remedy, where to lodge it with its seat, and the time limit.
type Remedy struct {
	Kind RemedyKind `json:"kind"`
	// Body is the authority or the court, "Verwaltungsgericht Schleswig".
	Body    string `json:"body"`
	Address string `json:"address"` // its seat, "Brockdorff-Rantzau-Straße 13, 24837 Schleswig"
	// Period is the time limit as it reads in "innerhalb ___ nach Bekanntgabe";
	// empty means "eines Monats".
	Period string `json:"period,omitempty"`
}

// Text returns the instructions as they appear in the letter.
func (r Remedy) Text() string {
	period := r.Period
	if period == "" {
		period = "eines Monats"
	}
	if r.Kind == RemedyKlage {
		return fmt.Sprintf("Gegen diesen Bescheid kann innerhalb %s nach Bekanntgabe Klage bei dem %s, %s, erhoben werden. "+
			"Die Klage ist schriftlich oder zur Niederschrift des Urkundsbeamten der Geschäftsstelle des Gerichts zu erheben.",
			period, r.Body, r.Address)
	}
	return fmt.Sprintf("Gegen diesen Bescheid kann innerhalb %s nach Bekanntgabe Widerspruch erhoben werden. "+
		"Der Widerspruch ist schriftlich oder zur Niederschrift bei %s, %s, einzulegen.", period, r.Body, r.Address)
}
