package model

import "time"

// ScanState is what this PC's virus scanner said about a file's content.
type ScanState string

const (
	// ScanClean: the scanner found nothing.
	ScanClean ScanState = "clean"
	// ScanInfected: a finding. The file is quarantined: kept, never opened or shown.
	ScanInfected ScanState = "infected"
	// ScanUnchecked ("nicht geprüft"): the scanner was down, too slow, or the file
	// larger than it takes; it is scanned again and stays closed until then.
	ScanUnchecked ScanState = "unchecked"
)

// ScanVerdict is the scan of one content (the blob of an attachment, by its
// SHA-256) on this PC. Attachments with the same bytes share it.
type ScanVerdict struct {
	State     ScanState `json:"state"`
	Signature string    `json:"signature,omitempty"` // the finding's name, when infected
	TooLarge  bool      `json:"tooLarge,omitempty"`  // unchecked because the scanner's limit is below the file's size
	At        time.Time `json:"at"`
}

// Openable reports whether a file may be opened in the OS viewer or shown to the
// page, given its verdict (known false: none yet) and whether this PC has a
// scanner: only clean content, or content never scanned on a PC without a scanner.
// A finding never, a failed scan never, and content a configured scanner has not
// looked at yet neither.
func Openable(v ScanVerdict, known, scanning bool) bool {
	if !known {
		return !scanning
	}
	return v.State == ScanClean
}
