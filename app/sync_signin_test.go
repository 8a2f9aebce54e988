package app

import (
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/identity"
)

// TestOfflineSignInWorkPushedLater: against the real service. Anna signed in on
// desktop A while it was online; cut off, she signs in there with the grant A keeps
// and works; once A is back, her work is applied under her name and reaches B.
// Bernd, who never signed in on A, cannot sign in there while it is cut off.
func TestOfflineSignInWorkPushedLater(t *testing.T) {
	e := newCloudEnv(t)
	a, _ := e.desktop(e.anna.ID)
	b, _ := e.desktop(e.bernd.ID)
	a.SignOut()
	e.setOffline(a, true)

	_, err := a.SignIn(e.bernd.ID, cloudtest.Password)
	if e := uiError(t, err); e.Code != CodeSignIn || !strings.Contains(e.Message, "noch nie angemeldet") {
		t.Fatalf("offline sign-in of a clerk who never signed in on A: %+v", e)
	}
	if _, err := a.SignIn("Anna Schmidt", "Falsches-Passwort-1"); uiError(t, err).Fields["password"] == "" {
		t.Fatalf("offline sign-in with a wrong password: %v", err)
	}
	s, err := a.SignIn("Anna Schmidt", cloudtest.Password)
	if err != nil || !s.Offline || s.Clerk.ID != e.anna.ID || s.GrantExpires == "" {
		t.Fatalf("offline sign-in: %+v %v", s, err)
	}
	d := mustCase(t, a, postInput)
	if _, err := a.AddComment(d.ID, "offline geschrieben"); err != nil {
		t.Fatal(err)
	}
	e.setOffline(a, false)
	eventually(t, "pushed and on B", func() bool {
		c, err := b.GetCase(d.ID)
		return err == nil && len(c.Comments) == 1
	})
	c, _ := b.GetCase(d.ID)
	if c.Comments[0].By != "Anna Schmidt" || c.History[0].By != "Anna Schmidt" {
		t.Errorf("on B by %q, history %q", c.Comments[0].By, c.History[0].By)
	}
	if r, _ := a.RejectedChanges(); len(r) != 0 {
		t.Errorf("rejected %+v", r)
	}
}

// TestNotAcceptedCaseResubmitted: Anna's grant ends while A is cut off and she
// finishes a new case; the service refuses it when A is back. The case stays on A,
// marked with the reason, unchangeable; Anna, signed in online again, submits it
// again in her name (after giving her password again: online, the ended grant asks
// for it), and it is applied and reaches B: no work lost, A holds what
// the service holds.
func TestNotAcceptedCaseResubmitted(t *testing.T) {
	e := newCloudEnv(t)
	a, _ := e.desktop(e.anna.ID)
	b, _ := e.desktop(e.bernd.ID)
	e.setOffline(a, true)
	eventually(t, "A offline", func() bool { return !a.syncr.Online() })
	later := identity.DefaultOfflinePeriod + time.Hour
	for _, c := range []*testClock{e.clock, a.clock, b.clock} {
		c.Add(later)
	}
	// Idle all that time: the window locked; cut off, her local password unlocks it
	// although the grant ended, so she can finish.
	if s, _ := a.Session(); !s.Locked {
		t.Fatalf("not locked after two weeks %+v", s)
	}
	if _, err := a.Unlock(cloudtest.Password); err != nil {
		t.Fatal(err)
	}
	d := mustCase(t, a, postInput)
	e.setOffline(a, false)
	// Online again, the next action asks for her password (the grant ended).
	eventually(t, "locked for the password", func() bool {
		_, err := a.Counts()
		return err != nil && uiError(t, err).Code == CodeLocked
	})
	if s, _ := a.Session(); !strings.Contains(s.LockReason, "abgelaufen") {
		t.Fatalf("lock reason %q", s.LockReason)
	}
	if s, err := a.Unlock(cloudtest.Password); err != nil || s.Offline {
		t.Fatalf("unlock online %+v %v", s, err)
	}
	var rej []RejectedView
	eventually(t, "creation refused", func() bool { rej, _ = a.RejectedChanges(); return len(rej) == 1 })
	if !strings.Contains(rej[0].Reason, "nicht angemeldet") {
		t.Fatalf("reason %q", rej[0].Reason)
	}
	got, err := a.GetCase(d.ID)
	if err != nil || !strings.Contains(got.NotAccepted, "nicht angemeldet") || len(got.Actions) != 0 {
		t.Fatalf("the case on A %+v %v", got.NotAccepted, err)
	}
	if page, _ := a.ListCases(ListQuery{Search: d.FileNumber}); page.Total != 1 || !page.Rows[0].NotAccepted {
		t.Fatalf("the list row %+v", page.Rows)
	}
	if _, err := a.AddComment(d.ID, "noch etwas"); uiError(t, err).Code != CodeNotAllowed {
		t.Fatalf("a change to a case not accepted: %v", err)
	}
	if _, err := b.Unlock(cloudtest.Password); err != nil { // Bernd is back at B too
		t.Fatal(err)
	}
	again, err := a.ResubmitCase(d.ID)
	if err != nil || again.NotAccepted != "" {
		t.Fatalf("resubmit %+v %v", again.NotAccepted, err)
	}
	eventually(t, "resubmitted case on B", func() bool { _, err := b.GetCase(d.ID); return err == nil })
	eventually(t, "A settled", func() bool { s, _ := a.SyncStatus(); return s.Pending == 0 })
	if c, _ := b.GetCase(d.ID); c.History[0].By != "Anna Schmidt" || c.FileNumber != d.FileNumber {
		t.Errorf("on B: %+v", c.History)
	}
}
