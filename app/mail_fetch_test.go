package app

import (
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/store/index"
)

// Mails the server could not hand out (here: larger than the limit) are listed with
// the reason; later checks leave them out, and "Erneut versuchen" on one fetches
// only that one.
func TestMailUnfetchedListedAndRetriedOneByOne(t *testing.T) {
	a, _, logs := mailApp(t)
	host, port := memMailbox(t)
	casesBefore := a.db.List(index.Query{}).Total
	big := strings.Repeat("Eine sehr lange Zeile im Anhang.\r\n", 400)
	a.intake.mu.Lock()
	a.intake.maxSize = 4 << 10
	a.intake.mu.Unlock()
	appendMail(t, port,
		mailText("Erika Mustermann <erika@example.org>", "Antrag klein", "Kurz."),
		mailText("Max Muster <max@example.org>", "Antrag gross eins", big),
		mailText("Max Muster <max@example.org>", "Antrag gross zwei", big))
	if _, err := a.SaveMailSettings(MailSettingsInput{Host: host, Port: port, TLS: "none", User: "amt", Password: "geheim-123"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first check", func() bool { s, _ := a.MailStatus(); return s.LastCheck != "" }, logs)
	fails, err := a.MailFailures()
	if err != nil || len(fails) != 2 || fails[0].UID != 2 || fails[1].UID != 3 {
		t.Fatalf("failures %+v %v", fails, err)
	}
	for _, f := range fails {
		if !strings.Contains(f.Reason, "größer als die Grenze") || !strings.Contains(f.Reason, "Erneut versuchen") || f.Attempts != 1 {
			t.Fatalf("failure %+v", f)
		}
	}
	if s, _ := a.MailStatus(); s.State != "ok" || s.ImportedToday != 1 || s.Failed != 2 {
		t.Fatalf("status %+v", s)
	}

	// Later checks leave them out: a new mail comes in, the two stay listed, untried.
	time.Sleep(300 * time.Millisecond)
	appendMail(t, port, mailText("Jana Neu <jana@example.org>", "Anmeldung", "Bitte."))
	eventually(t, "the new mail", func() bool { return a.db.List(index.Query{}).Total == casesBefore+2 }, logs)
	if fails, _ := a.MailFailures(); len(fails) != 2 || fails[0].Attempts != 1 || fails[1].Attempts != 1 {
		t.Fatalf("failures after a check %+v", fails)
	}

	// The limit is lifted; retrying mail 3 fetches only mail 3.
	a.intake.mu.Lock()
	a.intake.maxSize = 0
	a.intake.mu.Unlock()
	if _, err := a.RetryMail(3); err != nil {
		t.Fatal(err)
	}
	eventually(t, "mail 3", func() bool { return a.db.List(index.Query{}).Total == casesBefore+3 }, logs)
	eventually(t, "the list without mail 3", func() bool { f, _ := a.MailFailures(); return len(f) == 1 }, logs)
	if fails, _ := a.MailFailures(); fails[0].UID != 2 || fails[0].Attempts != 1 || fails[0].Retrying {
		t.Fatalf("failures after retrying mail 3 %+v", fails)
	}
	if _, err := a.RetryAllMail(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "mail 2", func() bool { f, _ := a.MailFailures(); return len(f) == 0 }, logs)
	if got := a.db.List(index.Query{}).Total; got != casesBefore+4 {
		t.Fatalf("%d cases, want %d", got, casesBefore+4)
	}
}
