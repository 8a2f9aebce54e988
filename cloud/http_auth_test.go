package cloud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// invite makes an invitation code for u, as `ozgcloud-server user add` does.
func (h *hts) invite(u cloud.User) string {
	h.t.Helper()
	code, _, err := h.svc.Invite(context.Background(), u.Tenant, u.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return code
}

// post sends v as JSON to path with d's token and returns the status and body.
func (h *hts) post(d wire.EnrollResponse, path string, v any) (int, []byte) {
	h.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		h.t.Fatal(err)
	}
	return read(h.t, h.do("POST", path, d.Token, bytes.NewReader(b)))
}

// activate sets u's password (cloudtest.Password) with a new invitation code over
// HTTP, which signs u in on d.
func (h *hts) activate(d wire.EnrollResponse, u cloud.User) wire.SignInResponse {
	h.t.Helper()
	status, body := h.post(d, wire.PathActivate, wire.ActivateRequest{Code: h.invite(u), Password: cloudtest.Password})
	if status != 200 {
		h.t.Fatalf("activate %s: %d %s", u.Name, status, body)
	}
	resp, err := wire.DecodeSignInResponse(bytes.NewReader(body), wire.MaxBodyAuth)
	if err != nil {
		h.t.Fatalf("activate %s: %v", u.Name, err)
	}
	return resp
}

// signInHTTP posts a sign-in of user with password on d and returns the status, the
// error (when not 200), the Retry-After header and the answer.
func (h *hts) signInHTTP(d wire.EnrollResponse, user, password string) (int, wire.Error, string, wire.SignInResponse) {
	h.t.Helper()
	b, _ := json.Marshal(wire.SignInRequest{User: user, Password: password})
	resp := h.do("POST", wire.PathSignIn, d.Token, bytes.NewReader(b))
	if resp.StatusCode != 200 {
		status, e, retry := refusal(resp)
		return status, e, retry, wire.SignInResponse{}
	}
	defer resp.Body.Close()
	out, err := wire.DecodeSignInResponse(resp.Body, wire.MaxBodyAuth)
	if err != nil {
		h.t.Fatalf("sign-in answer: %v", err)
	}
	return 200, wire.Error{}, "", out
}

// Over HTTP: a grant that the directory's key verifies, refusals as 403 sign_in with
// the reason and German message, the lock's end as Retry-After, the directory's
// view of a deactivated user.
func TestHTTPSignIn(t *testing.T) {
	h := newHTS(t)
	status, _, _, resp := h.signInHTTP(h.devA, "anna amt", cloudtest.Password)
	if status != 200 || resp.User.ID != h.userA.ID {
		t.Fatalf("sign-in: %d %+v", status, resp)
	}
	_, body := read(t, h.do("GET", wire.PathDirectory, h.devA.Token, nil))
	dir, err := wire.DecodeDirectory(bytes.NewReader(body), wire.MaxDirectory)
	if err != nil {
		t.Fatal(err)
	}
	if dir.GrantKey == "" || dir.GrantKey != h.devA.GrantKey {
		t.Fatalf("grant key in directory %q, at enrollment %q", dir.GrantKey, h.devA.GrantKey)
	}
	pub, _ := wire.GrantKeyBytes(dir.GrantKey)
	if g, err := identity.VerifyGrant(resp.Grant, pub, h.devA.DeviceID, time.Now(), identity.MaxClockSkew); err != nil || g.UserID != h.userA.ID {
		t.Fatalf("grant: %+v %v", g, err)
	}
	var last wire.Error
	var retry string
	for range identity.MaxFailures {
		status, last, retry, _ = h.signInHTTP(h.devA, h.userA.ID, "falsch-falsch-falsch")
	}
	if status != 403 || last.Code != wire.CodeSignIn || last.Reason != wire.ReasonLocked || retry != "60" ||
		!strings.Contains(last.Message, "gesperrt bis") {
		t.Fatalf("after %d wrong passwords: %d %+v Retry-After %q", identity.MaxFailures, status, last, retry)
	}
	if status, e, _, _ := h.signInHTTP(h.devA, "niemand", cloudtest.Password); status != 403 || e.Reason != wire.ReasonPassword ||
		e.Message != "Benutzername oder Passwort ist falsch." {
		t.Errorf("unknown user: %d %+v", status, e)
	}
	if status, e, _ := refusal(h.do("POST", wire.PathSignIn, h.devA.Token, strings.NewReader(`{"user":"x","password":"y","role":"leitung"}`))); status != 400 || e.Code != wire.CodeBadRequest {
		t.Errorf("unknown field: %d %+v", status, e)
	}
	if status, _ := read(t, h.do("GET", wire.PathSignIn, h.devA.Token, nil)); status != 405 {
		t.Errorf("GET sign-in: %d", status)
	}
	if err := h.svc.Deactivate(context.Background(), htTenantA, h.userA.ID); err != nil {
		t.Fatal(err)
	}
	_, body = read(t, h.do("GET", wire.PathDirectory, h.devA.Token, nil))
	dir, _ = wire.DecodeDirectory(bytes.NewReader(body), wire.MaxDirectory)
	if len(dir.Users) != 1 || !dir.Users[0].Deactivated || dir.Users[0].GrantsNotBefore == nil {
		t.Errorf("directory after deactivation: %+v", dir.Users)
	}
}

// Failed sign-ins are limited per user and per device (429, Retry-After); a
// success gives its attempt back. Refusals are one summary line per interval, and no
// log line holds a password.
func TestHTTPSignInRateLimits(t *testing.T) {
	h, logs := limitedHTS(t, cloud.RequestLimits{SignInUserFailures: 3, SignInFailures: 6, SignInWindow: time.Hour,
		LogEvery: 200 * time.Millisecond})
	const secret = "Geheimes-Falsches-Passwort"
	var got []int
	for _, pw := range []string{secret, cloudtest.Password, secret, secret, secret, cloudtest.Password} {
		status, e, retry, _ := h.signInHTTP(h.devA, h.userA.ID, pw)
		got = append(got, status)
		if status == 429 && (e.Code != wire.CodeRateLimited || e.Reason != "signin_user" || retry != "1200") {
			t.Fatalf("user limit: %+v Retry-After %q", e, retry)
		}
	}
	if fmt.Sprint(got) != "[403 200 403 403 429 429]" {
		t.Fatalf("statuses for one user %v", got)
	}
	got = nil
	for i := range 4 {
		status, e, _, _ := h.signInHTTP(h.devA, fmt.Sprintf("jemand-%d", i), secret)
		got = append(got, status)
		if status == 429 && e.Reason != "signin_device" {
			t.Fatalf("device limit: %+v", e)
		}
	}
	// Three of the device's six failures went to Anna (the fourth attempt on her was
	// refused before it counted against the device, and given back).
	if fmt.Sprint(got) != "[403 403 403 429]" {
		t.Fatalf("statuses for one device %v", got)
	}
	if status, _, _, _ := h.signInHTTP(h.devB, "jemand", secret); status != 403 {
		t.Errorf("another device: %d", status)
	}
	waitFor(t, "the summary line", func() bool {
		return len(logs.lines("requests refused", "signin_password=")) > 0
	})
	if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), cloudtest.Password) {
		t.Fatalf("a password in the log:\n%s", logs)
	}
	if n := len(logs.lines(`route="POST /v1/auth/signin"`, "status=403")); n != 0 {
		t.Fatalf("%d access log lines for refused sign-ins:\n%s", n, logs)
	}
}

// Activation and absences over HTTP, each refusal with its reason.
func TestHTTPActivateAndAbsence(t *testing.T) {
	h := newHTS(t)
	lea, err := h.svc.AddUser(context.Background(), htTenantA, "Lea Leitung", model.RoleLeitung)
	if err != nil {
		t.Fatal(err)
	}
	code := h.invite(lea)
	status, body := h.post(h.devA, wire.PathActivate, wire.ActivateRequest{Code: code, Password: "zu kurz"})
	var e wire.Error
	_ = json.Unmarshal(body, &e)
	if status != 403 || e.Reason != wire.ReasonWeakPassword || e.Message != identity.ErrPasswordTooShort.Message {
		t.Fatalf("weak password: %d %s", status, body)
	}
	h.post(h.devA, wire.PathActivate, wire.ActivateRequest{Code: code, Password: cloudtest.Password})
	req := wire.AbsenceRequest{By: h.userA.ID, Absence: wire.Absence{Absent: lea.ID, Substitute: h.userA.ID, From: "2099-07-06", To: "2099-07-10"}}
	status, body = h.post(h.devA, wire.PathAbsences, req)
	_ = json.Unmarshal(body, &e)
	if status != 403 || e.Reason != wire.ReasonForbidden {
		t.Fatalf("Anna records Lea's absence: %d %s", status, body)
	}
	req.By = lea.ID
	status, body = h.post(h.devA, wire.PathAbsences, req)
	a, err := wire.DecodeAbsence(bytes.NewReader(body), wire.MaxBodyAuth)
	if status != 200 || err != nil || a.ID == "" || a.Absent != lea.ID {
		t.Fatalf("Lea records her absence: %d %s %v", status, body, err)
	}
	_, body = read(t, h.do("GET", wire.PathDirectory, h.devA.Token, nil))
	dir, err := wire.DecodeDirectory(bytes.NewReader(body), wire.MaxDirectory)
	if err != nil || len(dir.Absences) != 1 || dir.Absences[0] != a {
		t.Fatalf("directory: %+v %v", dir.Absences, err)
	}
	status, body = h.post(h.devB, wire.PathAbsences, wire.AbsenceRequest{By: h.userB.ID, Absence: wire.Absence{ID: a.ID}, Delete: true})
	if _, body2 := read(t, h.do("GET", wire.PathDirectory, h.devA.Token, nil)); status != 200 || !bytes.Contains(body2, []byte(a.ID)) {
		t.Fatalf("B removes A's absence: %d %s; A's directory %s", status, body, body2)
	}
}
