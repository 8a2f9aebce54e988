package zone

import (
	"testing"
)

func TestIdentifier(t *testing.T) {
	if got := string(identifier("")); got != "[ZoneTransfer]\r\nZoneId=3\r\n" {
		t.Fatalf("identifier = %q", got)
	}
	// A host with line breaks cannot add keys of its own.
	if got := string(identifier("mail.example\r\nZoneId=0")); got != "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=about:internet\r\nReferrerUrl=mail.exampleZoneId=0\r\n" {
		t.Fatalf("identifier = %q", got)
	}
}
