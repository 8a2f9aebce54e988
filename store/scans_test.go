package store

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

func TestScanVerdicts(t *testing.T) {
	dir := t.TempDir()
	db, _ := openTest(t, dir)
	var shas []string
	for _, s := range []string{"sauber", "befallen", "nicht geprüft", "zu groß", "neu"} {
		sha, _, err := db.PutBlob(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		shas = append(shas, sha)
	}
	at := time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)
	for i, v := range []model.ScanVerdict{
		{State: model.ScanClean, At: at},
		{State: model.ScanInfected, Signature: "Win.Test.EICAR_HDB-1", At: at},
		{State: model.ScanUnchecked, At: at},
		{State: model.ScanUnchecked, TooLarge: true, At: at},
	} {
		if err := db.SetScanVerdict(shas[i], v); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetScanVerdict("../x", model.ScanVerdict{}); err == nil {
		t.Fatal("a verdict on a bad hash was taken")
	}
	got, err := db.ScanVerdicts(shas...)
	if err != nil || len(got) != 4 || got[shas[1]].Signature != "Win.Test.EICAR_HDB-1" || !got[shas[1]].At.Equal(at) {
		t.Fatalf("ScanVerdicts = %+v, %v", got, err)
	}
	flagged, err := db.FlaggedScans()
	if err != nil || len(flagged) != 3 || flagged[shas[0]].State != "" {
		t.Fatalf("FlaggedScans = %+v, %v", flagged, err)
	}
	un, err := db.UnscannedBlobs(false)
	if want := []string{shas[2], shas[4]}; err != nil || !sameSet(un, want) {
		t.Fatalf("UnscannedBlobs(false) = %v, %v; want %v", un, err, want)
	}
	un, err = db.UnscannedBlobs(true)
	if want := []string{shas[2], shas[3], shas[4]}; err != nil || !sameSet(un, want) {
		t.Fatalf("UnscannedBlobs(true) = %v, %v; want %v", un, err, want)
	}
	// A verdict outlives a restart.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, _ = openTest(t, dir)
	defer db.Close()
	if got, err := db.ScanVerdicts(shas[1]); err != nil || got[shas[1]].State != model.ScanInfected {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
