package app

import (
	"bytes"
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/sign"
)

// What is signed is what was shown: the signed PDF is the preview's bytes plus the
// signature's incremental update; a preview the page makes up, a draft changed since
// the preview, a new letterhead and a new day are refused with CodeStale and sign
// nothing; after a new preview, signing signs that one (issue 17).
func TestSignExactlyThePreview(t *testing.T) {
	a, _, c := decisionApp(t)
	d, err := a.StartDecision(c.ID, "bewilligung")
	if err != nil {
		t.Fatal(err)
	}
	d.Fee = false
	p, err := a.UpdateDecisionDraft(d)
	if err != nil || p.Problem != "" || p.ID == "" {
		t.Fatalf("preview %+v %v", p.Problem, err)
	}
	stale := func(what string, d DecisionDraft, id string) {
		t.Helper()
		blobs := blobCount(t, a)
		_, err := a.SignDecision(d, id, demo.KeyPassword)
		if e := uiError(t, err); e.Code != CodeStale || e.Message != msgPreviewOutdated {
			t.Fatalf("%s: %+v", what, e)
		}
		if blobCount(t, a) != blobs {
			t.Fatalf("%s: a blob was stored", what)
		}
		if cd, _ := a.GetCase(c.ID); len(cd.Decisions) != 0 {
			t.Fatalf("%s: a decision was recorded", what)
		}
	}
	stale("no preview named", d, "")
	stale("a preview the page made up", d, strings.Repeat("0", 64))
	changed := d
	changed.Blocks = append([]DecisionBlock(nil), d.Blocks...)
	changed.Blocks[0].Text += " Geändert nach der Vorschau."
	stale("draft changed since the preview", changed, p.ID)

	// The letterhead changed since the preview.
	me := a.current().ID
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	lh := goodLetterhead(t)
	if _, err := a.SaveLetterhead(lh); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SwitchClerk(me); err != nil {
		t.Fatal(err)
	}
	stale("letterhead changed since the preview", d, p.ID)

	// A new preview, then a new day before signing: the letter's date changed.
	p, err = a.UpdateDecisionDraft(d)
	if err != nil || p.ID == "" {
		t.Fatal(err)
	}
	for range 24 * 12 { // a day on, the clerk at work all along (no idle lock)
		a.clock.Add(5 * time.Minute)
		a.Touch()
	}
	stale("the date changed since the preview", d, p.ID)

	p, err = a.UpdateDecisionDraft(d)
	if err != nil || p.ID == "" {
		t.Fatal(err)
	}
	shown, _ := base64.StdEncoding.DecodeString(p.PDF)
	res, err := a.SignDecision(d, p.ID, demo.KeyPassword)
	if err != nil {
		t.Fatal(err)
	}
	if res.VerificationCode != p.VerificationCode {
		t.Errorf("verification code %s, the preview showed %s", res.VerificationCode, p.VerificationCode)
	}
	stored, _ := a.db.Case(c.ID)
	path, _ := a.db.BlobPath(stored.Decisions[0].Document.SHA256)
	signed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, shown) || len(signed) <= len(shown) {
		t.Fatalf("the signed PDF (%d bytes) does not begin with the %d bytes of the preview", len(signed), len(shown))
	}
	infos, err := sign.Verify(signed)
	if err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].WholeDocument {
		t.Fatalf("Verify = %+v %v", infos, err)
	}
	// A preview is signed once.
	if _, err := a.SignDecision(d, p.ID, demo.KeyPassword); err == nil {
		t.Fatal("the same preview was signed twice")
	}
}
