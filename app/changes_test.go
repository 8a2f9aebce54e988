package app

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// nextChanges waits for the n-th "cases:changed" event, checks that no other follows
// within a moment, and returns its cases.
func nextChanges(t *testing.T, rt *fakeRuntime, n int) []CaseChange {
	t.Helper()
	eventually(t, "cases:changed", func() bool { return rt.count(EventCasesChanged) >= n })
	time.Sleep(100 * time.Millisecond)
	got := rt.payloads(EventCasesChanged)
	if len(got) != n {
		t.Fatalf("%d cases:changed events, want %d: %+v", len(got), n, got)
	}
	cs, ok := got[n-1].([]CaseChange)
	if !ok {
		t.Fatalf("payload %T", got[n-1])
	}
	return cs
}

func changeIDs(cs []CaseChange) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	slices.Sort(ids)
	return ids
}

// TestOneEventPerChange: a clerk's action, a case entered by hand and a mail import
// each make exactly one "cases:changed" event naming the cases written, with the
// revision the returned CaseDetail has; so the UI, which compares revisions, does not
// load again what the action returned.
func TestOneEventPerChange(t *testing.T) {
	a, rt, _ := mailApp(t)
	n := rt.count(EventCasesChanged)

	d := mustCase(t, a, postInput)
	n++
	if got := nextChanges(t, rt, n); !slices.Equal(got, []CaseChange{{ID: d.ID, Revision: d.Revision}}) || d.Revision == "" {
		t.Errorf("create: %+v, returned revision %q", got, d.Revision)
	}
	d, err := a.AddComment(d.ID, "Chipnummer nachgefragt")
	if err != nil {
		t.Fatal(err)
	}
	n++
	if got := nextChanges(t, rt, n); !slices.Equal(got, []CaseChange{{ID: d.ID, Revision: d.Revision}}) {
		t.Errorf("comment: %+v, returned revision %q", got, d.Revision)
	}
	if _, err := a.Transition(d.ID, "bescheiden", ""); err == nil {
		t.Fatal("refused transition went through")
	}
	if _, err := a.SwitchClerk(a.current().ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if rt.count(EventCasesChanged) != n {
		t.Errorf("a refused action or a clerk switch emitted cases:changed")
	}

	// Three mails fetched in one check are one transaction, one event.
	host, port := memMailbox(t)
	appendMail(t, port,
		mailText("Erika Mustermann <erika@example.org>", "Antrag auf Hundesteuerbefreiung", "Anbei mein Antrag."),
		mailText("Max Muster <max@example.org>", "Sondernutzung", "Ich möchte einen Stand aufstellen."),
		mailText("Käthe Jäger <kaethe@example.org>", "Wohngeld", "Anbei meine Unterlagen."))
	before := a.db.List(index.Query{}).Total
	if _, err := a.SaveMailSettings(MailSettingsInput{Host: host, Port: port, TLS: "none", User: "amt", Password: "geheim-123"}); err != nil {
		t.Fatal(err)
	}
	n++
	got := nextChanges(t, rt, n)
	if len(got) != 3 || a.db.List(index.Query{}).Total != before+3 {
		t.Fatalf("mail import: %+v", got)
	}
	for _, c := range got {
		if cd, err := a.GetCase(c.ID); err != nil || cd.Channel != "EMAIL" || cd.Revision != c.Revision {
			t.Errorf("mail case %+v: %+v %v", c, cd, err)
		}
	}
}

// TestPulledPageOneEventAndLocalWritePushedAtOnce: on desktops whose engines poll only
// once an hour, a local write is pushed at once (the change feed wakes the engine, not
// its timer), an online application (intake at the central service) and the case
// made on the other desktop each arrive as one pulled page and one event there.
func TestPulledPageOneEventAndLocalWritePushedAtOnce(t *testing.T) {
	e := newCloudEnv(t)
	a, _ := e.desktopPolling(e.anna.ID, time.Hour)
	b, rtB := e.desktopPolling(e.bernd.ID, time.Hour)
	eventually(t, "B settled", func() bool { s, _ := b.SyncStatus(); return !s.Syncing && s.Pending == 0 })
	time.Sleep(200 * time.Millisecond)
	n := rtB.count(EventCasesChanged)

	// A's case: pushed without waiting for the poll, pulled by B on the server's poke.
	d := mustCase(t, a, postInput)
	eventually(t, "A's case pushed", func() bool { s, _ := a.SyncStatus(); return s.Pending == 0 })
	n++
	if got := nextChanges(t, rtB, n); !slices.Equal(changeIDs(got), []string{d.ID}) {
		t.Errorf("B got %+v for A's new case", got)
	}
	bd, err := b.GetCase(d.ID)
	if err != nil || bd.Revision != rtB.payloads(EventCasesChanged)[n-1].([]CaseChange)[0].Revision {
		t.Errorf("B's case %+v %v", bd.Revision, err)
	}

	// An online application arrives through the central service's intake.
	cred, _, err := e.svc.AddIntakeCredential(context.Background(), "t-muster")
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := e.svc.Intake(context.Background(), cred, cloud.Submission{
		TransactionID: "tx-1", ZustaendigeStelle: "ou-1", Name: "Gewerbeanmeldung",
		Form: []model.FormField{{Name: "name", Label: "Name", Value: "Jörg Schäfer"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	n++
	if got := nextChanges(t, rtB, n); !slices.Equal(changeIDs(got), []string{res.CaseID}) {
		t.Errorf("B got %+v for the online application %s", got, res.CaseID)
	}
}
