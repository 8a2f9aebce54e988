// Package zone marks files the app writes for viewing or saving as coming from the
// internet (the Windows "Mark of the Web"), so that Office opens them in Protected
// View and SmartScreen checks programs.
package zone

import "strings"

// Internet is the zone of files from strangers (URLZONE_INTERNET).
const Internet = 3

// identifier is the Zone.Identifier stream Windows writes for a download; host,
// when known, names where the file came from (an e-mail domain, the intake
// service), without user data.
func identifier(host string) []byte {
	var b strings.Builder
	b.WriteString("[ZoneTransfer]\r\nZoneId=3\r\n")
	if h := strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e {
			return -1
		}
		return r
	}, host); h != "" {
		b.WriteString("HostUrl=about:internet\r\nReferrerUrl=" + h + "\r\n")
	}
	return []byte(b.String())
}
