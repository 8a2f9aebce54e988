package app

// Types of the users of this PC and of substitution (Vertretung).

// UserView is a user of this PC as the administration sees it: never a password or
// a verifier.
type UserView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	RoleLabel string `json:"roleLabel"`
	// State says in German whether the user may sign in, waits for the first
	// password, is locked after wrong passwords or deactivated.
	State       string `json:"state"`
	Deactivated bool   `json:"deactivated"`
}

// UsersView is the administration's screen of this PC's users.
type UsersView struct {
	Users []UserView `json:"users"`
	// Managed: the administration adds, resets and deactivates users here (a PC not
	// connected); on a connected PC the OZG-Cloud does.
	Managed         bool     `json:"managed"`
	Roles           []Option `json:"roles"`
	IdleLockMinutes int      `json:"idleLockMinutes"`
}

// InvitationView is a one-time invitation code for a user, shown once: the user sets
// their password with it.
type InvitationView struct {
	User    UserView `json:"user"`
	Code    string   `json:"code"`
	Expires string   `json:"expires"` // German date and time
}

// AbsenceInput records an absence: the absent clerk (empty: the clerk signed in),
// the substitute and the first and last day away (YYYY-MM-DD).
type AbsenceInput struct {
	Absent     string `json:"absent"`
	Substitute string `json:"substitute"`
	From       string `json:"from"`
	To         string `json:"to"`
}

// AbsenceView is an absence as "Vertretung" lists it.
type AbsenceView struct {
	ID             string `json:"id"`
	Absent         string `json:"absent"`
	AbsentName     string `json:"absentName"`
	Substitute     string `json:"substitute"`
	SubstituteName string `json:"substituteName"`
	From           string `json:"from"` // YYYY-MM-DD
	To             string `json:"to"`
	// Now: the absence covers today.
	Now bool `json:"now"`
	// State says in German what the OZG-Cloud made of it: "" when it has it, that it
	// is still to be sent, or why it refused it.
	State     string `json:"state"`
	Refused   bool   `json:"refused"`
	MayDelete bool   `json:"mayDelete"`
}

// SubstitutionView is the screen "Vertretung": the absences and who may be named.
type SubstitutionView struct {
	Absences []AbsenceView `json:"absences"`
	// Clerks are the active clerks who may be absent or stand in.
	Clerks []ClerkView `json:"clerks"`
	// MayRecordForOthers: the Leitung records absences of anyone; others their own.
	MayRecordForOthers bool `json:"mayRecordForOthers"`
}
