// Package demo generates the demo municipality "Gemeinde Musterhausen", its clerks and
// realistic, deterministic demo cases, and seeds them into a store.
package demo

import "github.com/ozgcloud/desktop/model"

// Municipality is the authority the demo store belongs to.
type Municipality struct {
	Name, Tenant, OrgUnit, OrgUnitName, Street, PostalCode, City string
	// Contact and bank details for the letterhead of decisions, so the demo's fee
	// decisions can be made without the administration filling them in first.
	Phone, Email, BankName, IBAN, BIC string
}

// DeviceCode is the device component of the demo store's file numbers.
const DeviceCode = "A7"

// Musterhausen returns the demo municipality.
func Musterhausen() Municipality {
	return Municipality{
		Name:        "Gemeinde Musterhausen",
		Tenant:      "musterhausen",
		OrgUnit:     "musterhausen-ordnungsamt",
		OrgUnitName: "Bürgerbüro und Ordnungsamt",
		Street:      "Rathausplatz 1",
		PostalCode:  "12345",
		City:        "Musterhausen",
		Phone:       "04321 123-0",
		Email:       "buergerbuero@musterhausen.example",
		BankName:    "Sparkasse Musterhausen",
		IBAN:        "DE02 1203 0000 0000 2020 51",
		BIC:         "BYLADEM1001",
	}
}

// Clerk IDs of the demo, for tests and scripts.
const (
	ClerkSachbearbeitung1 = "mbecker"
	ClerkSachbearbeitung2 = "tschulz"
	ClerkLeitung          = "akrueger"
	ClerkAdministration   = "jwagner"
)

// Clerks returns the four demo clerks: two Sachbearbeitung, one Sachgebietsleitung,
// one Administration.
func Clerks() []model.Clerk {
	ou := Musterhausen().OrgUnit
	return []model.Clerk{
		{ID: ClerkSachbearbeitung1, Name: "Martina Becker", Role: model.RoleSachbearbeitung, OrgUnit: ou,
			Email: "m.becker@musterhausen.de", Phone: "04321 9876-21"},
		{ID: ClerkSachbearbeitung2, Name: "Thomas Schulz", Role: model.RoleSachbearbeitung, OrgUnit: ou,
			Email: "t.schulz@musterhausen.de", Phone: "04321 9876-22"},
		{ID: ClerkLeitung, Name: "Andrea Krüger", Role: model.RoleLeitung, OrgUnit: ou,
			Email: "a.krueger@musterhausen.de", Phone: "04321 9876-20"},
		{ID: ClerkAdministration, Name: "Jens Wagner", Role: model.RoleAdministration, OrgUnit: ou,
			Email: "j.wagner@musterhausen.de", Phone: "04321 9876-10"},
	}
}

// System is the actor that takes in online and e-mail applications.
func System() model.Clerk {
	return model.Clerk{ID: "system", Name: "Posteingang (System)", Role: model.RoleAdministration,
		OrgUnit: Musterhausen().OrgUnit}
}
