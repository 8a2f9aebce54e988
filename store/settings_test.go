package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ozgcloud/desktop/model"
)

// commits returns the ID of the last committed write transaction.
func commits(t *testing.T, db *DB) int {
	t.Helper()
	var id int
	if err := db.bolt.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}

func settingKeys(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range dump(t, db) {
		if name, ok := strings.CutPrefix(k, "settings/"); ok {
			out[name] = v
		}
	}
	return out
}

func TestSettingsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db, _ := openTest(t, dir)
	if d, err := db.IdleLock(); err != nil || d != DefaultIdleLock {
		t.Fatalf("idle lock of a new store %s %v", d, err)
	}
	if u, err := db.OrgUnits(); err != nil || u == nil || len(u) != 0 {
		t.Fatalf("org units of a new store %#v %v", u, err)
	}
	if s, err := db.MailSettings(); err != nil || s.Configured() {
		t.Fatalf("mail of a new store %+v %v", s, err)
	}
	if k, err := db.SigningKey(); err != nil || k != (SigningKey{}) {
		t.Fatalf("signing key of a new store %+v %v", k, err)
	}
	if l, err := db.Letters(); err != nil || l.Letterhead != nil || l.Templates == nil || l.Remedies == nil {
		t.Fatalf("letters of a new store %+v %v", l, err)
	}
	if _, err := db.Draft("c-anna", "c1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("draft of a new store: %v", err)
	}

	units := []OrgUnit{{ID: "ou-1", Name: "Bürgerbüro"}}
	mail := MailSettings{Host: "imap.example", Port: 993, TLS: "tls", User: "u", Password: "p", Folder: "INBOX", CAFile: "/x.pem", CAPEM: "PEM"}
	key := SigningKey{Kind: KeyPKCS11, File: "siegel-1.p12", FileName: "a.p12", Module: "/lib/p11.so", Token: "T", KeyLabel: "K", TSA: "http://tsa", Demo: true}
	lh := json.RawMessage(`{"authority":"Gemeinde X","street":"Weg 1","postalCode":"12345","city":"X","logo":"AQI="}`)
	draft := DecisionDraft{TemplateID: "ablehnung", TemplateName: "Ablehnung", Fee: true, FeeAmount: "25,00", FeeDue: "2026-12-28",
		Values: []DraftValue{{Name: "ablehnungsgrund", Value: "zu spät"}}, Blocks: []DraftBlock{{Kind: "tenor", Title: "T", Text: "{{ablehnungsgrund}}"}},
		UpdatedAt: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
	for _, err := range []error{
		db.SetIdleLock(90 * time.Second), db.SetOrgUnits(units), db.SetMailSettings(mail), db.SetMailImported("2026-11-28", 7),
		db.UpdateSigningKey(func(k *SigningKey) error { *k = key; return nil }),
		db.UpdateLetters(func(l *Letters) error {
			l.Letterhead = lh
			l.Templates["ablehnung"] = LetterTemplate{ID: "ablehnung", Name: "Eigene Ablehnung"}
			l.Remedies["BAU"] = Remedy{Kind: "KLAGE", Body: "Schleswig-Holsteinisches Verwaltungsgericht"}
			return nil
		}),
		db.PutDraft("c-anna", "c1", draft),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db, _ = openTest(t, dir)
	defer db.Close()
	if d, _ := db.IdleLock(); d != 90*time.Second {
		t.Errorf("idle lock %s", d)
	}
	if u, _ := db.OrgUnits(); !reflect.DeepEqual(u, units) {
		t.Errorf("org units %+v", u)
	}
	if s, _ := db.MailSettings(); s != mail {
		t.Errorf("mail %+v", s)
	}
	if day, n, _ := db.MailImported(); day != "2026-11-28" || n != 7 {
		t.Errorf("imported %s %d", day, n)
	}
	if k, _ := db.SigningKey(); k != key {
		t.Errorf("signing key %+v", k)
	}
	l, err := db.Letters()
	if err != nil || string(l.Letterhead) != string(lh) || l.Templates["ablehnung"].Name != "Eigene Ablehnung" || l.Remedies["BAU"].Kind != "KLAGE" {
		t.Errorf("letters %+v %v", l, err)
	}
	if d, err := db.Draft("c-anna", "c1"); err != nil || !reflect.DeepEqual(d, draft) {
		t.Errorf("draft %+v %v", d, err)
	}
	// Drafts are per clerk: Bernd on the same PC has none of Anna's.
	if _, err := db.Draft("c-bernd", "c1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another clerk's draft: %v", err)
	}
}

// TestSettingsOfOlderVersions: a store written by the versions that kept the settings
// as strings in the app reads the same through the typed methods (the keys did not
// change), including "" for a discarded draft. A draft of the versions before
// sign-in, kept per case, becomes the draft of the clerk the case is assigned to when
// the store is opened (only they could write a decision for it).
func TestSettingsOfOlderVersions(t *testing.T) {
	dir := t.TempDir()
	db, _ := openTest(t, dir)
	setupTest(t, db)
	c, err := db.Create(clerkAnna, newTestCase("BAU", "Erika Muster", testNow))
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, db, clerkAnna, c.ID, model.KindAssign, model.AssignPayload{Assignee: clerkBernd.ID})
	unassigned, err := db.Create(clerkAnna, newTestCase("BAU", "Max Muster", testNow))
	if err != nil {
		t.Fatal(err)
	}
	draft := `{"caseId":"` + c.ID + `","templateId":"ablehnung","templateName":"Ablehnung","fee":false,"feeAmount":"","feeDue":"",` +
		`"values":[{"name":"ablehnungsgrund","label":"Grund der Ablehnung","value":"verspätet","multiline":true}],` +
		`"blocks":[{"kind":"tenor","label":"Entscheidung (Tenor)","title":"","text":"{{ablehnungsgrund}}"}],` +
		`"supersedes":"","supersedesTitle":"","updatedAt":"2026-11-28T11:00:00+01:00"}`
	old := map[string]string{
		"current_clerk":                   "c-bernd",
		"sync_orgunits":                   `[{"value":"ou-1","label":"Bürgerbüro"}]`,
		"mail.settings":                   `{"host":"imap.example","port":143,"tls":"starttls","user":"u","password":"geheim","folder":"Antraege"}`,
		"mail.imported.today":             "2026-11-27 12",
		"sign.kind":                       "pkcs12",
		"sign.p12.file":                   "siegel-0011223344556677.p12",
		"sign.p12.name":                   "demo-siegel.p12",
		"sign.tsa":                        "",
		"sign.demo":                       "1",
		"letters.letterhead":              `{"authority":"Gemeinde Musterhausen","street":"Rathausplatz 1","postalCode":"12345","city":"Musterhausen","iban":"DE02 1203 0000 0000 2020 51"}`,
		"letters.templates":               `{"bewilligung":{"id":"bewilligung","name":"Bewilligung (eigene)","blocks":[{"kind":"tenor","text":"Ja."}]}}`,
		"letters.remedies":                `{"BAU":{"kind":"KLAGE","body":"Verwaltungsgericht Schleswig","address":"Brockdorff-Rantzau-Straße 13, 24837 Schleswig"}}`,
		"decision.draft." + c.ID:          draft,
		"decision.draft." + unassigned.ID: draft,
		"decision.draft.c2":               "",
	}
	if err := db.bolt.Update(func(tx *bolt.Tx) error {
		for k, v := range old {
			if err := tx.Bucket(bucketSettings).Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		// A store of a version before sign-in has no users bucket.
		return tx.DeleteBucket(bucketUsers)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, _ = openTest(t, dir)
	defer db.Close()
	if u, _ := db.OrgUnits(); len(u) != 1 || u[0] != (OrgUnit{ID: "ou-1", Name: "Bürgerbüro"}) {
		t.Errorf("org units %+v", u)
	}
	if s, _ := db.MailSettings(); s.Host != "imap.example" || s.Port != 143 || s.Password != "geheim" || s.Folder != "Antraege" {
		t.Errorf("mail %+v", s)
	}
	if day, n, _ := db.MailImported(); day != "2026-11-27" || n != 12 {
		t.Errorf("imported %s %d", day, n)
	}
	if k, _ := db.SigningKey(); k != (SigningKey{Kind: KeyPKCS12, File: "siegel-0011223344556677.p12", FileName: "demo-siegel.p12", Demo: true}) {
		t.Errorf("signing key %+v", k)
	}
	l, err := db.Letters()
	if err != nil || !strings.Contains(string(l.Letterhead), `"iban":"DE02 1203 0000 0000 2020 51"`) || l.Templates["bewilligung"].Blocks[0].Text != "Ja." ||
		l.Remedies["BAU"].Body != "Verwaltungsgericht Schleswig" {
		t.Errorf("letters %+v %v", l, err)
	}
	d, err := db.Draft(clerkBernd.ID, c.ID)
	if err != nil || d.TemplateID != "ablehnung" || d.Values[0] != (DraftValue{Name: "ablehnungsgrund", Value: "verspätet"}) ||
		d.Blocks[0].Text != "{{ablehnungsgrund}}" || !d.UpdatedAt.Equal(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("draft %+v %v", d, err)
	}
	if _, err := db.Draft(clerkAnna.ID, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the draft went to another clerk than the assignee: %v", err)
	}
	keys := settingKeys(t, db)
	for _, k := range []string{"decision.draft." + c.ID, "decision.draft." + unassigned.ID, "decision.draft.c2"} {
		if _, ok := keys[k]; ok {
			t.Errorf("old draft key %s left", k)
		}
	}
	if _, ok := keys["decision.draft."+clerkBernd.ID+"/"+c.ID]; !ok || len(keys) != 13 {
		t.Errorf("settings after the move: %v", keys)
	}
}

// TestSettingChangesAreOneTransaction: a change of several keys commits once, and a
// refused change writes nothing.
func TestSettingChangesAreOneTransaction(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	before := commits(t, db)
	if err := db.UpdateSigningKey(func(k *SigningKey) error {
		*k = SigningKey{Kind: KeyPKCS12, File: "f.p12", FileName: "mein.p12", TSA: "http://tsa", Demo: true}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := commits(t, db) - before; n != 1 {
		t.Errorf("%d commits for one key change of five settings", n)
	}
	keys := settingKeys(t, db)
	if len(keys) != 5 || keys["sign.demo"] != "1" || keys["sign.p12.name"] != "mein.p12" {
		t.Errorf("stored %v", keys)
	}
	refused := errors.New("refused")
	err := db.UpdateSigningKey(func(k *SigningKey) error {
		k.Kind, k.Module, k.Token = KeyPKCS11, "/lib/p11.so", "T"
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("refused change: %v", err)
	}
	if k, _ := db.SigningKey(); k.Kind != KeyPKCS12 || k.Module != "" {
		t.Errorf("a refused change was written: %+v", k)
	}
	// Switching to a token keeps the file and its demo flag; clearing a field deletes
	// its key.
	if err := db.UpdateSigningKey(func(k *SigningKey) error {
		k.Kind, k.Module, k.Token, k.TSA = KeyPKCS11, "/lib/p11.so", "T", ""
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	keys = settingKeys(t, db)
	if _, ok := keys["sign.tsa"]; ok || keys["sign.demo"] != "1" || keys["sign.p12.file"] != "f.p12" || keys["sign.kind"] != "pkcs11" {
		t.Errorf("stored %v", keys)
	}

	before = commits(t, db)
	if err := db.UpdateLetters(func(l *Letters) error {
		l.Letterhead = json.RawMessage(`{"authority":"A"}`)
		l.Templates["x"] = LetterTemplate{ID: "x"}
		l.Remedies["BAU"] = Remedy{Body: "B"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := commits(t, db) - before; n != 1 {
		t.Errorf("%d commits for one letter change of three settings", n)
	}
	if err := db.UpdateLetters(func(l *Letters) error {
		l.Letterhead = nil
		delete(l.Templates, "x")
		delete(l.Remedies, "BAU")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if keys := settingKeys(t, db); len(keys) != 6 {
		t.Errorf("letters back to the defaults left keys: %v", keys)
	}
}

// TestDraftDeleted: a discarded draft leaves no key behind.
func TestDraftDeleted(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	if err := db.PutDraft("c-anna", "c1", DecisionDraft{TemplateID: "bewilligung"}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteDraft("c-anna", "c1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Draft("c-anna", "c1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted draft: %v", err)
	}
	if keys := settingKeys(t, db); len(keys) != 0 {
		t.Errorf("settings after deleting the draft: %v", keys)
	}
	if err := db.DeleteDraft("c-anna", "c1"); err != nil {
		t.Errorf("deleting a missing draft: %v", err)
	}
	if err := db.PutDraft("c-anna", "", DecisionDraft{}); err == nil {
		t.Error("draft without a case ID stored")
	}
}

// TestOrgUnitsUnchangedWriteNothing: the directory is fetched every few seconds; the
// same org units must not cost a commit each time.
func TestOrgUnitsUnchangedWriteNothing(t *testing.T) {
	db, _ := openTest(t, "")
	defer db.Close()
	units := []OrgUnit{{ID: "ou-1", Name: "Bürgerbüro"}}
	if err := db.SetOrgUnits(units); err != nil {
		t.Fatal(err)
	}
	before := commits(t, db)
	if err := db.SetOrgUnits(units); err != nil {
		t.Fatal(err)
	}
	if n := commits(t, db) - before; n != 0 {
		t.Errorf("%d commits for unchanged org units", n)
	}
}
