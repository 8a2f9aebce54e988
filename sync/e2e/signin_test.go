package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// syncOnce runs one round of d's engine and returns its error.
func syncOnce(t testing.TB, d *desktop) error {
	t.Helper()
	c, err := client.ForStore(d.db, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.Sync(ctx)
}

func mustSyncOnce(t testing.TB, d *desktop) {
	t.Helper()
	if err := syncOnce(t, d); err != nil {
		t.Fatalf("sync %s: %v", d.id.DeviceCode, err)
	}
}

// rejection returns the reason the service gave for the rejected mutation of kind
// on caseID, or "" when it was not rejected.
func rejection(t testing.TB, d *desktop, caseID string, kind model.MutationKind) string {
	t.Helper()
	rs, err := d.db.Rejections()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Mutation.CaseID == caseID && r.Mutation.Kind == kind {
			return r.Reason
		}
	}
	return ""
}

func comment(t testing.TB, d *desktop, by model.Clerk, caseID, text string) model.Case {
	t.Helper()
	c, err := d.db.Do(by, caseID, model.KindComment, model.CommentPayload{Comment: model.Comment{
		ID: "k-" + text, At: time.Now().UTC(), By: by.ID, Text: text}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// hasComment reports whether c has a comment with text.
func hasComment(c model.Case, text string) bool {
	for _, k := range c.Comments {
		if k.Text == text {
			return true
		}
	}
	return false
}

// TestSignInDecidesWhoActed runs issue 10's cases against the real server binary:
// the service applies a desktop's mutation only for a clerk it signed in on that
// desktop, whatever user ID the desktop sends; the Leitung's ID forged on a desktop
// where only a Sachbearbeitung clerk signed in is rejected (the finding: on the
// server before sign-in this deletion request was applied); work done offline under
// a valid grant is applied under that clerk when pushed later; after a deactivation
// or a device revocation (while the server runs) nothing more is applied.
func TestSignInDecidesWhoActed(t *testing.T) {
	srv, clerks := newCloudServer(t, testClerks)
	leitung, becker, schulz := clerks[0], clerks[1], clerks[2]
	codeA, codeB := srv.enrollCode(), srv.enrollCode()
	srv.start()
	a := enrollDesktop(t, srv, "", "A1", codeA, clerks)
	b := enrollDesktop(t, srv, "", "B1", codeB, clerks)
	a.signIn(t, srv, becker) // only Becker ever signs in on A
	b.signIn(t, srv, schulz)
	b.signIn(t, srv, leitung)

	// Becker's own work on A is applied.
	c, err := a.db.Create(becker, newCase(nil, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Do(becker, c.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionVerwerfen}); err != nil {
		t.Fatal(err)
	}
	mustSyncOnce(t, a)
	mustSyncOnce(t, b)
	onB, err := b.db.Case(c.ID)
	if err != nil || onB.Status != model.StatusVerworfen {
		t.Fatalf("Becker's work on B: %+v %v", onB.Status, err)
	}
	hist, _ := b.db.History(c.ID)
	if len(hist) != 2 || hist[1].By != becker.ID || hist[1].ByName != becker.Name {
		t.Fatalf("history names %+v", hist)
	}

	// Schulz never signed in on A; the Leitung's ID is forged there for a deletion
	// request (A's store knows her as Leitung, so it lets the request through).
	comment(t, a, schulz, c.ID, "von Schulz auf A")
	if _, err := a.db.Do(leitung, c.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionLoeschenAnfordern}); err != nil {
		t.Fatal(err)
	}
	mustSyncOnce(t, a)
	if r := rejection(t, a, c.ID, model.KindComment); r != schulz.Name+" war auf diesem PC nicht angemeldet." {
		t.Errorf("Schulz's comment on A: rejection %q", r)
	}
	if r := rejection(t, a, c.ID, model.KindTransition); r != leitung.Name+" war auf diesem PC nicht angemeldet." {
		t.Errorf("forged Leitung on A: rejection %q", r)
	}
	mustSyncOnce(t, b)
	if onB, _ := b.db.Case(c.ID); onB.Status != model.StatusVerworfen || len(onB.Comments) != 0 {
		t.Fatalf("the service applied A's forged work: status %s, %d comments", onB.Status, len(onB.Comments))
	}
	// Signed in on B, the Leitung may.
	if _, err := b.db.Do(leitung, c.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionLoeschenAnfordern}); err != nil {
		t.Fatal(err)
	}
	mustSyncOnce(t, b)
	if onB, _ := b.db.Case(c.ID); onB.Status != model.StatusZuLoeschen {
		t.Fatalf("the Leitung's deletion request from B: %s", onB.Status)
	}

	// Offline: the server is down; Becker signs in on A with the grant A holds and
	// works; the work is applied under her name once the server is back.
	grant := a.signIn(t, srv, becker)
	key := a.grantKey(t)
	srv.stop()
	pub, err := wire.GrantKeyBytes(key)
	if err != nil {
		t.Fatal(err)
	}
	if g, err := identity.VerifyGrant(grant.Grant, pub, a.id.DeviceID, time.Now(), identity.MaxClockSkew); err != nil || g.UserID != becker.ID {
		t.Fatalf("offline sign-in with the grant on A: %+v %v", g, err)
	}
	c2, err := a.db.Create(becker, newCase(nil, 2))
	if err != nil {
		t.Fatal(err)
	}
	comment(t, a, becker, c2.ID, "offline geschrieben")
	if err := syncOnce(t, a); !errors.Is(err, client.ErrOffline) {
		t.Fatalf("sync with the server down: %v", err)
	}
	srv.start()
	mustSyncOnce(t, a)
	mustSyncOnce(t, b)
	onB, err = b.db.Case(c2.ID)
	if err != nil || !hasComment(onB, "offline geschrieben") {
		t.Fatalf("offline work on B: %v %+v", err, onB.Comments)
	}
	hist, _ = b.db.History(c2.ID)
	for _, e := range hist {
		if e.By != becker.ID || e.ByName != becker.Name {
			t.Errorf("offline work's history names %s (%s)", e.ByName, e.By)
		}
	}

	// Deactivated while the server runs: Becker's next push is rejected.
	if out := srv.run("user", "deactivate", "--tenant", tenantID, becker.ID); !strings.Contains(out, "deaktiviert") {
		t.Fatalf("deactivate: %s", out)
	}
	comment(t, a, becker, c2.ID, "nach der Deaktivierung")
	mustSyncOnce(t, a)
	if r := rejection(t, a, c2.ID, model.KindComment); !strings.Contains(r, "deaktiviert") {
		t.Errorf("Becker after her deactivation: rejection %q", r)
	}

	// B revoked while the server runs: its next push is refused whole, nothing of it
	// is applied.
	comment(t, b, schulz, c2.ID, "nach der Sperre")
	if out := srv.run("device", "revoke", "--id", b.id.DeviceID); !strings.Contains(out, "gesperrt") {
		t.Fatalf("device revoke: %s", out)
	}
	var we *wire.Error
	if err := syncOnce(t, b); !errors.As(err, &we) || we.Code != wire.CodeUnauthorized {
		t.Fatalf("sync of the revoked B: %v", err)
	}
	mustSyncOnce(t, a)
	onA, err := a.db.Case(c2.ID)
	if err != nil || hasComment(onA, "nach der Sperre") || hasComment(onA, "nach der Deaktivierung") {
		t.Fatalf("the service holds work after deactivation or revocation: %v %+v", err, onA.Comments)
	}
	srv.stop()
}

// grantKey returns the key the service signs grants with, as the directory
// publishes it.
func (d *desktop) grantKey(t testing.TB) string {
	t.Helper()
	r, err := client.Dial(d.id.Server, d.id.Token, client.TLS{Fingerprint: d.id.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := r.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dir.GrantKey
}
