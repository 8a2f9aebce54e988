package model

// Role gates what a clerk may do.
type Role string

const (
	RoleSachbearbeitung Role = "sachbearbeitung"
	RoleLeitung         Role = "leitung"
	RoleAdministration  Role = "administration"
)

// Roles lists every role.
var Roles = []Role{RoleSachbearbeitung, RoleLeitung, RoleAdministration}

var roleLabels = map[Role]string{
	RoleSachbearbeitung: "Sachbearbeitung",
	RoleLeitung:         "Sachgebietsleitung",
	RoleAdministration:  "Administration",
}

// Label returns the German name of the role.
func (r Role) Label() string { return labelOf(roleLabels, r) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleLabels[r]; return ok }

// Clerk is a person who works cases on this device.
type Clerk struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Role    Role   `json:"role"`
	OrgUnit string `json:"orgUnit"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
}

// MayAssignOthers reports whether the clerk may assign a case to someone else.
// Everyone may take a case for themselves; handing work to others is for leadership
// and for clerks releasing a case they hold (checked by the caller).
func (c Clerk) MayAssignOthers() bool {
	return c.Role == RoleLeitung || c.Role == RoleAdministration
}
