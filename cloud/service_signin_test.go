package cloud_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// reason returns the reason of a sign-in refusal, failing the test for anything else.
func reason(t *testing.T, err error) *cloud.SignInError {
	t.Helper()
	var se *cloud.SignInError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a *cloud.SignInError", err)
	}
	return se
}

// fresh enrolls a device of tenant on which nobody signed in.
func (e *env) fresh(tenant string) cloud.Device {
	e.t.Helper()
	return e.enroll(tenant)
}

// signIn signs u in on d with cloudtest.Password.
func (e *env) signIn(d cloud.Device, u cloud.User) wire.SignInResponse {
	e.t.Helper()
	resp, err := e.svc.SignIn(e.ctx, d, u.ID, cloudtest.Password)
	if err != nil {
		e.t.Fatalf("sign in %s: %v", u.Name, err)
	}
	return resp
}

func rejectedWith(t *testing.T, r wire.PushResponse, i int, want string) {
	t.Helper()
	if res := r.Results[i]; res.Status != wire.StatusRejected || !strings.Contains(res.Reason, want) {
		t.Fatalf("result %d: %+v, want rejected with %q", i, res, want)
	}
}

// The service applies a mutation only for a user it signed in on the pushing device,
// whatever user ID the device sends.
func TestPushNeedsGrantOfTheDevice(t *testing.T) {
	e := newEnv(t)
	pc := e.fresh(tenantA)
	e.signIn(pc, e.anna)
	r := e.push(pc, e.create(pc, e.anna, "c-1"),
		e.mut(pc, e.ben, "c-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", At: e.now, By: e.ben.ID, Text: "Ben war nie hier"}}, nil))
	if r.Results[0].Status != wire.StatusApplied {
		t.Fatalf("anna's create: %+v", r.Results[0])
	}
	rejectedWith(t, r, 1, "Ben Bau war auf diesem PC nicht angemeldet.")
	c := e.serviceCase(tenantA, "c-1")
	if len(c.Comments) != 0 {
		t.Errorf("ben's comment was applied: %+v", c.Comments)
	}
	hist := check(e.historyOf(tenantA, "c-1"))
	if len(hist) != 1 || hist[0].By != e.anna.ID || hist[0].ByName != "Anna Amt" {
		t.Errorf("history: %+v", hist)
	}
}

// The finding of issue 10: a deletion request refused for the Sachbearbeitung clerk
// was applied when the same device sent it with the Leitung's user ID.
func TestPushForgedLeitungRejected(t *testing.T) {
	e := newEnv(t)
	pc := e.fresh(tenantA)
	e.signIn(pc, e.anna)
	r := e.push(pc, e.create(pc, e.anna, "c-1"),
		e.mut(pc, e.anna, "c-1", model.KindTransition, model.TransitionPayload{Action: model.ActionVerwerfen}, nil),
		e.mut(pc, e.anna, "c-1", model.KindTransition, model.TransitionPayload{Action: model.ActionLoeschenAnfordern}, nil),
		e.mut(pc, e.lea, "c-1", model.KindTransition, model.TransitionPayload{Action: model.ActionLoeschenAnfordern}, nil))
	if got := statuses(r); got[0] != wire.StatusApplied || got[1] != wire.StatusApplied {
		t.Fatalf("set-up: %+v", r)
	}
	rejectedWith(t, r, 2, "Anna Amt darf das nicht (Rolle Sachbearbeitung).")
	rejectedWith(t, r, 3, "Lea Leitung war auf diesem PC nicht angemeldet.")
	if s := e.serviceCase(tenantA, "c-1").Status; s != model.StatusVerworfen {
		t.Errorf("status %s, want VERWORFEN", s)
	}
	// Signed in on that PC, the Leitung may.
	e.signIn(pc, e.lea)
	r = e.push(pc, e.mut(pc, e.lea, "c-1", model.KindTransition, model.TransitionPayload{Action: model.ActionLoeschenAnfordern}, nil))
	if r.Results[0].Status != wire.StatusApplied || e.serviceCase(tenantA, "c-1").Status != model.StatusZuLoeschen {
		t.Fatalf("the Leitung signed in: %+v", r)
	}
}

// Work done offline under a valid grant is applied when it is pushed later, after
// the grant expired; work stamped after the grant's end is not.
func TestPushOfflineWorkAfterGrantExpired(t *testing.T) {
	e := newEnv(t)
	pc := e.fresh(tenantA)
	g := e.signIn(pc, e.anna)
	if want := e.now.Truncate(time.Second).Add(identity.DefaultOfflinePeriod); !g.Expires.Equal(want) {
		t.Fatalf("grant expires %s, want %s", g.Expires, want)
	}
	e.now = g.Expires.Add(-time.Hour)
	inside := e.create(pc, e.anna, "c-1")
	e.now = g.Expires.Add(time.Hour)
	outside := e.mut(pc, e.anna, "c-1", model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen}, nil)
	e.now = g.Expires.Add(5 * 24 * time.Hour) // the PC comes back online
	r := e.push(pc, inside, outside)
	if r.Results[0].Status != wire.StatusApplied {
		t.Fatalf("offline work inside the grant: %+v", r.Results[0])
	}
	rejectedWith(t, r, 1, "Anna Amt war auf diesem PC nicht angemeldet.")
}

// Deactivation ends the user's grants at once, also for work done before it.
func TestPushAfterDeactivationRejected(t *testing.T) {
	e := newEnv(t)
	early := e.create(e.a1, e.anna, "c-1")
	if err := e.svc.Deactivate(e.ctx, tenantA, e.anna.ID); err != nil {
		t.Fatal(err)
	}
	r := e.push(e.a1, early)
	rejectedWith(t, r, 0, "Anna Amt war auf diesem PC nicht angemeldet: Das Benutzerkonto wurde von der Administration deaktiviert.")
	_, err := e.svc.SignIn(e.ctx, e.a1, e.anna.ID, cloudtest.Password)
	if se := reason(t, err); se.Reason != wire.ReasonDeactivated {
		t.Errorf("sign-in of a deactivated user: %+v", se)
	}
	if _, _, err := e.svc.Invite(e.ctx, tenantA, e.anna.ID); !errors.Is(err, cloud.ErrDeactivated) {
		t.Errorf("invite a deactivated user: %v", err)
	}
	// Ben on the same PC is untouched.
	if r := e.push(e.a1, e.create(e.a1, e.ben, "c-2")); r.Results[0].Status != wire.StatusApplied {
		t.Errorf("ben after anna's deactivation: %+v", r)
	}
}

// A push that authenticated before its device was revoked is judged with the
// revocation: the device's grants end at once.
func TestPushOfRevokedDeviceRejected(t *testing.T) {
	e := newEnv(t)
	m := e.create(e.a1, e.anna, "c-1")
	if _, err := e.svc.RevokeDevice(e.ctx, e.a1.ID); err != nil {
		t.Fatal(err)
	}
	r := e.push(e.a1, m) // e.a1 as authenticated before the revocation
	rejectedWith(t, r, 0, "Die Anmeldung wurde von der Administration beendet.")
	if _, err := e.svc.SignIn(e.ctx, e.a1, e.anna.ID, cloudtest.Password); !errors.Is(err, cloud.ErrUnauthorized) {
		t.Errorf("sign-in on a revoked device: %v", err)
	}
}

// A password reset voids the old password and ends the grants issued before it; the
// new password from the new code works.
func TestPasswordReset(t *testing.T) {
	e := newEnv(t)
	before := e.create(e.a1, e.anna, "c-1")
	e.now = e.now.Add(time.Minute)
	code, expires, err := e.svc.Invite(e.ctx, tenantA, e.anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !expires.Equal(e.now.Add(identity.InvitationValidity)) {
		t.Errorf("code expires %s", expires)
	}
	rejectedWith(t, e.push(e.a1, before), 0, "Die Anmeldung wurde von der Administration beendet.")
	_, err = e.svc.SignIn(e.ctx, e.a1, e.anna.ID, cloudtest.Password)
	if se := reason(t, err); se.Reason != wire.ReasonNoPassword {
		t.Errorf("old password after the reset: %+v", se)
	}
	if _, err := e.svc.Activate(e.ctx, e.a2, code, "Neues-Passwort-Sommerwiese"); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.SignIn(e.ctx, e.a1, e.anna.ID, cloudtest.Password)
	if se := reason(t, err); se.Reason != wire.ReasonPassword {
		t.Errorf("old password after the new one was set: %+v", se)
	}
	if _, err := e.svc.SignIn(e.ctx, e.a1, e.anna.ID, "Neues-Passwort-Sommerwiese"); err != nil {
		t.Fatal(err)
	}
	if r := e.push(e.a1, e.create(e.a1, e.anna, "c-2")); r.Results[0].Status != wire.StatusApplied {
		t.Errorf("after signing in again: %+v", r)
	}
}

// Five wrong passwords lock the user at the service, whichever PCs sent them; while
// locked even the right password is refused; a minute later it works.
func TestSignInLockout(t *testing.T) {
	e := newEnv(t)
	for i, d := range []cloud.Device{e.a1, e.a2, e.a1, e.a2} {
		_, err := e.svc.SignIn(e.ctx, d, e.anna.ID, "falsch-falsch-falsch")
		if se := reason(t, err); se.Reason != wire.ReasonPassword || se.Message != "Benutzername oder Passwort ist falsch." {
			t.Fatalf("wrong password %d: %+v", i+1, se)
		}
	}
	_, err := e.svc.SignIn(e.ctx, e.a2, "anna amt", "falsch-falsch-falsch")
	se := reason(t, err)
	if se.Reason != wire.ReasonLocked || se.Retry != time.Minute {
		t.Fatalf("fifth wrong password: %+v", se)
	}
	// 09:00 UTC is 10:00 in Berlin (CET).
	if want := "gesperrt bis 10:01 Uhr (noch 1 Minute)."; !strings.HasSuffix(se.Message, want) {
		t.Errorf("message %q, want it to end %q", se.Message, want)
	}
	_, err = e.svc.SignIn(e.ctx, e.a1, e.anna.ID, cloudtest.Password)
	if se := reason(t, err); se.Reason != wire.ReasonLocked {
		t.Fatalf("right password while locked: %+v", se)
	}
	e.now = e.now.Add(time.Minute)
	if _, err := e.svc.SignIn(e.ctx, e.a1, e.anna.ID, cloudtest.Password); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// Ben was never locked.
	e.signIn(e.a1, e.ben)
}

// An unknown user gets the answer of a wrong password; a user without a password is
// told to use the invitation code; names match case-insensitively, IDs exactly.
func TestSignInNames(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.SignIn(e.ctx, e.a1, "Niemand Hier", cloudtest.Password)
	if se := reason(t, err); se.Reason != wire.ReasonPassword || se.Message != "Benutzername oder Passwort ist falsch." {
		t.Errorf("unknown user: %+v", se)
	}
	nina := check(e.svc.AddUser(e.ctx, tenantA, "Nina Neu", model.RoleSachbearbeitung))
	_, err = e.svc.SignIn(e.ctx, e.a1, nina.ID, cloudtest.Password)
	if se := reason(t, err); se.Reason != wire.ReasonNoPassword || !strings.Contains(se.Message, "Einladungscode") {
		t.Errorf("user without a password: %+v", se)
	}
	resp, err := e.svc.SignIn(e.ctx, e.a1, "  LEA leitung ", cloudtest.Password)
	if err != nil || resp.User.ID != e.lea.ID || resp.User.Role != model.RoleLeitung || resp.User.Name != "Lea Leitung" {
		t.Fatalf("sign-in by name: %+v %v", resp, err)
	}
	if err := resp.Validate(); err != nil {
		t.Error(err)
	}
}

// The grant is signed with the service's key, which the directory publishes and
// which survives a restart of the service.
func TestGrantSignedWithPublishedKey(t *testing.T) {
	e := newEnv(t)
	resp := e.signIn(e.a1, e.anna)
	key := check(e.svc.GrantPublicKey(e.ctx))
	pub := check(wire.GrantKeyBytes(key))
	g, err := identity.VerifyGrant(resp.Grant, ed25519.PublicKey(pub), e.a1.ID, e.now, identity.MaxClockSkew)
	if err != nil || g.UserID != e.anna.ID || g.Tenant != tenantA || g.Role != model.RoleSachbearbeitung || !g.Expires.Equal(resp.Expires) {
		t.Fatalf("grant %+v: %v", g, err)
	}
	if _, err := identity.VerifyGrant(resp.Grant, ed25519.PublicKey(pub), e.a2.ID, e.now, identity.MaxClockSkew); !errors.Is(err, identity.ErrGrantWrongDevice) {
		t.Errorf("grant on another device: %v", err)
	}
	again := cloud.New(e.store, cloud.Options{Now: func() time.Time { return e.now }})
	if k := check(again.GrantPublicKey(e.ctx)); k != key {
		t.Errorf("key after a restart %s, before %s", k, key)
	}
	if _, err := base64.StdEncoding.DecodeString(key); err != nil {
		t.Error(err)
	}
}

// A clerk who signs in every day keeps one grant window per PC; after a gap longer
// than the offline period a new window begins, and the gap is not covered.
func TestGrantWindows(t *testing.T) {
	e := newEnv(t)
	pc := e.fresh(tenantA)
	first := e.signIn(pc, e.anna)
	for range 3 {
		e.now = e.now.Add(24 * time.Hour)
		e.signIn(pc, e.anna)
	}
	last := e.signIn(pc, e.anna)
	windows := e.grants(pc)
	if len(windows) != 1 || !windows[0].IssuedAt.Equal(first.Expires.Add(-identity.DefaultOfflinePeriod)) || !windows[0].Expires.Equal(last.Expires) {
		t.Fatalf("windows after daily sign-ins: %+v", windows)
	}
	gap := last.Expires.Add(24 * time.Hour)
	e.now = gap.Add(24 * time.Hour)
	e.signIn(pc, e.anna)
	if windows = e.grants(pc); len(windows) != 2 {
		t.Fatalf("windows after a gap: %+v", windows)
	}
	e.now = gap
	m := e.create(pc, e.anna, "c-1")
	e.now = gap.Add(48 * time.Hour)
	rejectedWith(t, e.push(pc, m), 0, "war auf diesem PC nicht angemeldet")
}

func (e *env) grants(d cloud.Device) []cloud.Grant {
	e.t.Helper()
	var out []cloud.Grant
	err := e.store.Registry(e.ctx, func(r cloud.RegistryTx) error {
		var err error
		out, err = r.Grants(d.Tenant, d.ID)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// The tenant's offline period sets how long its grants last.
func TestTenantOfflineDays(t *testing.T) {
	e := newEnv(t)
	if err := e.svc.SetOfflineDays(e.ctx, tenantA, 3); err != nil {
		t.Fatal(err)
	}
	if g := e.signIn(e.a1, e.anna); !g.Expires.Equal(e.now.Add(3 * 24 * time.Hour)) {
		t.Errorf("grant expires %s", g.Expires)
	}
	if g := e.signIn(e.b1, e.bruno); !g.Expires.Equal(e.now.Add(identity.DefaultOfflinePeriod)) {
		t.Errorf("tenant B's grant expires %s", g.Expires)
	}
	for _, bad := range []int{-1, cloud.MaxOfflineDays + 1} {
		if err := e.svc.SetOfflineDays(e.ctx, tenantA, bad); !errors.Is(err, cloud.ErrBadRequest) {
			t.Errorf("%d days: %v", bad, err)
		}
	}
	if err := e.svc.SetOfflineDays(e.ctx, "nirgendwo", 3); !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("unknown tenant: %v", err)
	}
}

// Activation with an invitation code: the password rules answer in German and leave
// the code unused; a used, expired, malformed or other tenant's code is refused.
func TestActivate(t *testing.T) {
	e := newEnv(t)
	nina := check(e.svc.AddUser(e.ctx, tenantA, "Nina Neu", model.RoleSachbearbeitung))
	code, _ := check2(e.svc.Invite(e.ctx, tenantA, nina.ID))
	for pw, want := range map[string]string{
		"kurz":                "mindestens 10 Zeichen",
		"Sommer2026!":         "zu leicht zu erraten",
		"Nina-Neu-im-Rathaus": "Namen oder Benutzernamen",
	} {
		_, err := e.svc.Activate(e.ctx, e.a1, code, pw)
		if se := reason(t, err); se.Reason != wire.ReasonWeakPassword || !strings.Contains(se.Message, want) {
			t.Errorf("password %q: %+v", pw, se)
		}
	}
	_, err := e.svc.Activate(e.ctx, e.b1, code, cloudtest.Password)
	if se := reason(t, err); se.Reason != wire.ReasonInvitation || se.Message != identity.ErrInvitationWrong.Message {
		t.Errorf("tenant B with A's code: %+v", se)
	}
	resp, err := e.svc.Activate(e.ctx, e.a1, strings.ToLower(code), cloudtest.Password)
	if err != nil || resp.User.ID != nina.ID {
		t.Fatalf("activation: %+v %v", resp, err)
	}
	if r := e.push(e.a1, e.create(e.a1, nina, "c-1")); r.Results[0].Status != wire.StatusApplied {
		t.Errorf("push after activation: %+v", r)
	}
	_, err = e.svc.Activate(e.ctx, e.a2, code, "Ein-anderes-Passwort-42")
	if se := reason(t, err); se.Reason != wire.ReasonInvitation || se.Message != identity.ErrInvitationUsed.Message {
		t.Errorf("code used twice: %+v", se)
	}
	_, err = e.svc.Activate(e.ctx, e.a2, "ABC", cloudtest.Password)
	if se := reason(t, err); se.Message != identity.ErrInvitationMalformed.Message {
		t.Errorf("malformed code: %+v", se)
	}
	code, _ = check2(e.svc.Invite(e.ctx, tenantA, nina.ID))
	e.now = e.now.Add(identity.InvitationValidity)
	_, err = e.svc.Activate(e.ctx, e.a1, code, cloudtest.Password)
	if se := reason(t, err); se.Message != identity.ErrInvitationExpired.Message {
		t.Errorf("expired code: %+v", se)
	}
}

// A verifier made with older parameters is replaced at the next sign-in.
func TestSignInUpgradesVerifier(t *testing.T) {
	e := newEnv(t)
	stronger := cloudtest.CheapParams
	stronger.Time = 3
	svc := cloud.New(e.store, cloud.Options{Now: func() time.Time { return e.now }, Password: stronger})
	if _, err := svc.SignIn(e.ctx, e.a1, e.anna.ID, cloudtest.Password); err != nil {
		t.Fatal(err)
	}
	users := check(svc.Users(e.ctx, tenantA))
	for _, u := range users {
		if want := u.ID == e.anna.ID; strings.Contains(u.Verifier, ",t=3,") != want {
			t.Errorf("%s: verifier %.30s…", u.Name, u.Verifier)
		}
	}
	if _, err := svc.SignIn(e.ctx, e.a1, e.anna.ID, cloudtest.Password); err != nil {
		t.Fatalf("sign-in with the new verifier: %v", err)
	}
}

func (e *env) historyOf(tenant, caseID string) ([]model.HistoryEntry, error) {
	var out []model.HistoryEntry
	err := e.store.View(e.ctx, tenant, func(tx cloud.TenantTx) error {
		var err error
		out, err = tx.History(caseID)
		return err
	})
	return out, err
}
