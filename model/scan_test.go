package model

import "testing"

func TestOpenable(t *testing.T) {
	for _, tc := range []struct {
		v               ScanVerdict
		known, scanning bool
		want            bool
	}{
		{ScanVerdict{}, false, false, true},
		{ScanVerdict{}, false, true, false},
		{ScanVerdict{State: ScanClean}, true, true, true},
		{ScanVerdict{State: ScanClean}, true, false, true},
		{ScanVerdict{State: ScanInfected, Signature: "X"}, true, true, false},
		{ScanVerdict{State: ScanInfected, Signature: "X"}, true, false, false},
		{ScanVerdict{State: ScanUnchecked}, true, true, false},
		{ScanVerdict{State: ScanUnchecked}, true, false, false},
		{ScanVerdict{State: "bogus"}, true, true, false},
	} {
		if got := Openable(tc.v, tc.known, tc.scanning); got != tc.want {
			t.Errorf("Openable(%+v, %v, %v) = %v", tc.v, tc.known, tc.scanning, got)
		}
	}
}
