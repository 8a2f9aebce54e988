package wire

import (
	"errors"
	"testing"
)

func TestSeqEvent(t *testing.T) {
	if got, want := FormatSeqEvent(42), "event: seq\ndata: 42\n\n"; got != want {
		t.Fatalf("FormatSeqEvent = %q, want %q", got, want)
	}
	if n, err := ParseSeqEvent("42"); err != nil || n != 42 {
		t.Fatalf("ParseSeqEvent = %d, %v", n, err)
	}
	for _, bad := range []string{"", "-1", "x", "1.5"} {
		if _, err := ParseSeqEvent(bad); !errors.Is(err, ErrDecode) {
			t.Errorf("ParseSeqEvent(%q) = %v, want ErrDecode", bad, err)
		}
	}
}
