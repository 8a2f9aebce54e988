package model

import (
	"fmt"
	"time"
)

// CaseType describes a kind of application and how its file numbers look.
type CaseType struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Prefix   string   `json:"prefix"` // first part of the file number
	LeikaIDs []string `json:"leikaIds,omitempty"`
	// DeadlineDays is the usual processing time; the target deadline is set from it.
	DeadlineDays int `json:"deadlineDays"`
}

// CaseTypes are the application types the desktop knows out of the box.
var CaseTypes = []CaseType{
	{Code: "GEWERBE", Name: "Gewerbeanmeldung", Prefix: "GEW", LeikaIDs: []string{"99050012104000"}, DeadlineDays: 14},
	{Code: "BAU", Name: "Bauantrag", Prefix: "BAU", LeikaIDs: []string{"99009001001000"}, DeadlineDays: 90},
	{Code: "HUND", Name: "Hundesteuer-Anmeldung", Prefix: "HST", LeikaIDs: []string{"99009002001000"}, DeadlineDays: 30},
	{Code: "SONDERNUTZUNG", Name: "Sondernutzungserlaubnis", Prefix: "SNE", LeikaIDs: []string{"99108019000000"}, DeadlineDays: 30},
	{Code: "WOHNGELD", Name: "Wohngeld", Prefix: "WOG", LeikaIDs: []string{"99124001000000"}, DeadlineDays: 60},
	{Code: "MELDE", Name: "Meldebescheinigung", Prefix: "MEB", LeikaIDs: []string{"99115002000000"}, DeadlineDays: 7},
	{Code: "SONSTIGES", Name: "Sonstiges Anliegen", Prefix: "ALG", DeadlineDays: 30},
}

// CaseTypeByCode returns the case type with the code.
func CaseTypeByCode(code string) (CaseType, bool) {
	for _, t := range CaseTypes {
		if t.Code == code {
			return t, true
		}
	}
	return CaseType{}, false
}

// FileNumber formats a file number (Aktenzeichen) as PREFIX-YEAR-SEQ-DEVICE, for
// example BAU-2026-0042-A7. The device code is unique within the municipality and seq
// counts per prefix, year and device, so PCs working offline never collide.
func FileNumber(prefix string, year int, seq uint64, device string) string {
	return fmt.Sprintf("%s-%04d-%04d-%s", prefix, year, seq, device)
}

// ValidDeviceCode reports whether s can be the device component of a file number: 1
// to 8 upper-case letters or digits (no dash, which separates the components).
func ValidDeviceCode(s string) bool {
	if len(s) == 0 || len(s) > 8 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// TargetDeadline returns the target deadline (a stored civil date) for a case of type
// t received at the instant received: DeadlineDays calendar days after the receipt
// date in Berlin.
func (t CaseType) TargetDeadline(received time.Time) time.Time {
	return AddDays(DateOf(received), t.DeadlineDays)
}
