package app

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/demo"
)

// screenMethods are the only bound methods the window may call before a clerk signs
// in and while it is locked: the sign-in and lock screens'.
var screenMethods = []string{"Session", "SignIn", "Activate", "SetUpLocal", "Unlock", "Lock", "SignOut", "Touch"}

// callAll calls every bound method of a's services but the screens' with zero
// arguments and returns the error code each answered with ("" for none).
func callAll(t *testing.T, a *App) map[string]string {
	t.Helper()
	codes := map[string]string{}
	v := reflect.ValueOf(a).Elem()
	for _, s := range boundServices() {
		svc := v.FieldByName(reflect.TypeOf(s).Elem().Name())
		typ := svc.Type()
		for i := range typ.NumMethod() {
			m := typ.Method(i)
			if slices.Contains(screenMethods, m.Name) {
				continue
			}
			args := make([]reflect.Value, m.Type.NumIn()-1)
			for j := range args {
				args[j] = reflect.Zero(m.Type.In(j + 1))
			}
			out := svc.Method(i).Call(args)
			err, _ := out[len(out)-1].Interface().(error)
			if err == nil {
				codes[m.Name] = ""
				continue
			}
			codes[m.Name] = uiError(t, err).Code
		}
	}
	return codes
}

// TestEveryMethodNeedsSignIn: before a clerk signs in, and while the window is locked,
// every bound method but the sign-in and lock screens' refuses, and those give
// nothing of the cases; so does the inline preview of files.
func TestEveryMethodNeedsSignIn(t *testing.T) {
	a, _ := newApp(t, 5)
	page, err := a.ListCases(ListQuery{Limit: 1})
	if err != nil || len(page.Rows) != 1 {
		t.Fatal(err)
	}
	file := page.Rows[0].ID
	d, _ := a.GetCase(file)
	srv := httptest.NewServer(FileHandler(a.Attachments))
	defer srv.Close()
	preview := srv.URL + d.Representation.URL
	if res, err := http.Get(preview); err != nil || res.StatusCode != 200 {
		t.Fatalf("preview while signed in: %v %v", res, err)
	}

	for _, state := range []struct{ name, code string }{{"signed out", CodeNotSignedIn}, {"locked", CodeLocked}} {
		if state.code == CodeNotSignedIn {
			a.SignOut()
		} else {
			a.SwitchClerk(demo.ClerkSachbearbeitung1)
			a.Lock()
		}
		codes := callAll(t, a)
		if len(codes) != 87-len(screenMethods) {
			t.Errorf("%s: %d methods called", state.name, len(codes))
		}
		for name, code := range codes {
			if code != state.code {
				t.Errorf("%s: %s answered %q, want %s", state.name, name, code, state.code)
			}
		}
		s, err := a.Session()
		if err != nil || len(s.Clerks) != 0 || len(s.StandsInFor) != 0 || s.MayAssignOthers {
			t.Errorf("%s: session %+v %v", state.name, s, err)
		}
		if res, err := http.Get(preview); err != nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: preview %v %v", state.name, res, err)
		}
		if err := a.Touch(); err != nil {
			t.Errorf("%s: touch %v", state.name, err)
		}
	}
}

// TestSignInScreen: a demo store opens on the sign-in screen with its clerks and the
// demo password; a wrong password says so, five lock the clerk on this PC for a
// minute with the time in the message; the right one signs in.
func TestSignInScreen(t *testing.T) {
	a, rt := newApp(t, 2)
	a.SignOut()
	s, err := a.Session()
	if err != nil || s.SignedIn || s.Locked || !s.Demo || s.DemoPassword != demo.Password || len(s.SignInClerks) != 4 || s.Clerk.ID != "" {
		t.Fatalf("session before sign-in %+v %v", s, err)
	}
	if _, err := a.SignIn("", ""); uiError(t, err).Fields["user"] == "" || uiError(t, err).Fields["password"] == "" {
		t.Fatalf("empty sign-in: %v", err)
	}
	_, err = a.SignIn("Thomas Schulz", "Falsches-Passwort-1")
	if e := uiError(t, err); e.Code != CodeSignIn || e.Message != "Das Passwort ist falsch." || e.Fields["password"] == "" {
		t.Fatalf("wrong password: %+v", e)
	}
	if _, err := a.SignIn("Niemand", demo.Password); uiError(t, err).Fields["user"] == "" {
		t.Fatalf("unknown user: %v", err)
	}
	for range 3 {
		a.SignIn("thomas schulz", "Falsches-Passwort-1")
	}
	_, err = a.SignIn(demo.ClerkSachbearbeitung2, "Falsches-Passwort-1")
	// now is 10:00 UTC, 11:00 in Berlin.
	if e := uiError(t, err); !strings.Contains(e.Message, "gesperrt bis 11:01 Uhr (noch 1 Minute)") {
		t.Fatalf("fifth wrong password: %+v", e)
	}
	if _, err := a.SignIn(demo.ClerkSachbearbeitung2, demo.Password); !strings.Contains(uiError(t, err).Message, "gesperrt bis") {
		t.Fatalf("the right password during the lock: %v", err)
	}
	a.clock.Add(time.Minute)
	n := rt.count(EventSessionChanged)
	s, err = a.SignIn("Thomas Schulz", demo.Password)
	if err != nil || !s.SignedIn || s.Clerk.ID != demo.ClerkSachbearbeitung2 || len(s.Clerks) != 4 || s.IdleLockSeconds != 600 {
		t.Fatalf("sign-in %+v %v", s, err)
	}
	if rt.count(EventSessionChanged) <= n {
		t.Error("no session:changed event")
	}
	if s, _ := a.SignOut(); s.SignedIn || s.Clerk.ID != "" {
		t.Errorf("after Abmelden %+v", s)
	}
}

// TestIdleLockKeepsTheClerk: after the idle time the window locks; only the same
// clerk's password unlocks it, and the work goes on where it was; "Anderer Benutzer"
// signs out. The administration sets the time.
func TestIdleLockKeepsTheClerk(t *testing.T) {
	a, rt := newApp(t, 2)
	page, _ := a.ListCases(ListQuery{Limit: 1})
	a.clock.Add(9 * time.Minute)
	a.Touch()
	a.clock.Add(9 * time.Minute)
	if _, err := a.GetCase(page.Rows[0].ID); err != nil {
		t.Fatalf("9 minutes after input: %v", err)
	}
	n := rt.count(EventSessionChanged)
	a.clock.Add(time.Minute)
	if _, err := a.GetCase(page.Rows[0].ID); uiError(t, err).Code != CodeLocked {
		t.Fatalf("10 minutes after input: %v", err)
	}
	s, _ := a.Session()
	if !s.Locked || !s.SignedIn || s.Clerk.ID != demo.ClerkSachbearbeitung1 || !strings.Contains(s.LockReason, "gesperrt") {
		t.Fatalf("locked session %+v", s)
	}
	if rt.count(EventSessionChanged) <= n {
		t.Error("no session:changed event for the lock")
	}
	if _, err := a.Unlock("Falsches-Passwort-1"); uiError(t, err).Fields["password"] == "" {
		t.Fatalf("unlock with a wrong password: %v", err)
	}
	if s, err := a.Unlock(demo.Password); err != nil || s.Locked {
		t.Fatalf("unlock: %+v %v", s, err)
	}
	if _, err := a.GetCase(page.Rows[0].ID); err != nil {
		t.Fatalf("after unlock: %v", err)
	}

	// The administration sets 2 minutes.
	if _, err := a.SetIdleLock(2); uiError(t, err).Code != CodeNotAllowed {
		t.Fatalf("a clerk sets the idle time: %v", err)
	}
	a.SwitchClerk(demo.ClerkAdministration)
	if _, err := a.SetIdleLock(0); uiError(t, err).Fields["minutes"] == "" {
		t.Fatalf("0 minutes: %v", err)
	}
	if v, err := a.SetIdleLock(2); err != nil || v.IdleLockMinutes != 2 {
		t.Fatalf("2 minutes: %+v %v", v, err)
	}
	a.clock.Add(2 * time.Minute)
	if s, _ := a.Session(); !s.Locked || s.IdleLockSeconds != 120 {
		t.Fatalf("after 2 minutes %+v", s)
	}
	if s, _ := a.SignOut(); s.SignedIn || s.Locked {
		t.Fatalf("anderer Benutzer %+v", s)
	}
}

// TestDraftsPerClerk: a decision draft is the clerk's: another clerk on the same PC
// does not see it, and it waits for its author.
func TestDraftsPerClerk(t *testing.T) {
	a, _, c := decisionApp(t)
	d, err := a.StartDecision(c.ID, "ablehnung")
	if err != nil {
		t.Fatal(err)
	}
	setValue(&d, "ablehnungsgrund", "Unterlagen fehlen.")
	if _, err := a.UpdateDecisionDraft(d); err != nil {
		t.Fatal(err)
	}
	// Schulz stands in for Becker: he may make decisions on her case, but her draft
	// stays hers.
	a.RecordAbsence(AbsenceInput{Substitute: demo.ClerkSachbearbeitung2, From: "2026-11-28", To: "2026-11-30"})
	a.SwitchClerk(demo.ClerkSachbearbeitung2)
	st, err := a.DecisionEditor(c.ID)
	if err != nil || !st.MayDecide || st.Draft.TemplateID != "" {
		t.Fatalf("the substitute's editor: %+v %v", st.Draft, err)
	}
	a.SwitchClerk(demo.ClerkSachbearbeitung1)
	st, err = a.DecisionEditor(c.ID)
	if err != nil || st.Draft.TemplateID != "ablehnung" || st.Draft.Values[0].Value != "Unterlagen fehlen." {
		t.Fatalf("the author's editor: %+v %v", st.Draft, err)
	}
}

// TestSubstitution: Becker records her absence with Schulz as substitute. During it
// Schulz finds her cases in "Meine Vorgänge" marked "Vertretung für Martina Becker"
// and her due follow-ups among his own, and acts on them as substitute; no chain
// passes them on; afterwards they are hers alone again, untouched.
func TestSubstitution(t *testing.T) {
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	c := mustCase(t, a, postInput)
	for _, step := range []func() (CaseDetail, error){
		func() (CaseDetail, error) { return a.Transition(c.ID, "annehmen", "") },
		func() (CaseDetail, error) { return a.Assign(c.ID, demo.ClerkSachbearbeitung1) },
		func() (CaseDetail, error) { return a.AddFollowUp(c.ID, "2026-11-28", "Rückruf") },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	other := mustCase(t, a, postInput)

	// Only the absent clerk herself or the Leitung records an absence.
	if _, err := a.RecordAbsence(AbsenceInput{Absent: demo.ClerkSachbearbeitung2, Substitute: demo.ClerkLeitung, From: "2026-11-28", To: "2026-11-28"}); uiError(t, err).Code != CodeNotAllowed {
		t.Fatalf("recording someone else's absence: %v", err)
	}
	for _, in := range []AbsenceInput{
		{Substitute: demo.ClerkSachbearbeitung1, From: "2026-11-28", To: "2026-11-30"}, // herself
		{Substitute: "niemand", From: "2026-11-28", To: "2026-11-30"},
		{Substitute: demo.ClerkSachbearbeitung2, From: "28.11.2026", To: "2026-11-30"},
		{Substitute: demo.ClerkSachbearbeitung2, From: "2026-11-30", To: "2026-11-28"},
	} {
		if _, err := a.RecordAbsence(in); uiError(t, err).Code != CodeInvalid {
			t.Errorf("absence %+v: %v", in, err)
		}
	}
	v, err := a.RecordAbsence(AbsenceInput{Substitute: demo.ClerkSachbearbeitung2, From: "2026-11-28", To: "2026-11-30"})
	if err != nil || len(v.Absences) != 1 || !v.Absences[0].Now || v.Absences[0].SubstituteName != "Thomas Schulz" || v.Absences[0].State != "" {
		t.Fatalf("absence %+v %v", v, err)
	}
	if _, err := a.RecordAbsence(AbsenceInput{Substitute: demo.ClerkLeitung, From: "2026-11-30", To: "2026-12-02"}); uiError(t, err).Code != CodeInvalid {
		t.Fatalf("an overlapping absence: %v", err)
	}

	a.SwitchClerk(demo.ClerkSachbearbeitung2)
	s, _ := a.Session()
	if len(s.StandsInFor) != 1 || s.StandsInFor[0].Name != "Martina Becker" {
		t.Fatalf("stands in for %+v", s.StandsInFor)
	}
	mine, err := a.ListCases(ListQuery{Filters: []string{"mine"}})
	if err != nil || mine.Total != 1 || mine.Rows[0].ID != c.ID || mine.Rows[0].Substitute != "Vertretung für Martina Becker" {
		t.Fatalf("Meine Vorgänge %+v %v", mine, err)
	}
	if counts, _ := a.Counts(); counts.Mine != 1 {
		t.Errorf("counts %+v", counts)
	}
	if due, _ := a.DueFollowUps(false); len(due) != 1 || due[0].CaseID != c.ID {
		t.Errorf("due %+v", due)
	}
	got, err := a.AddComment(c.ID, "Rückruf erledigt")
	if err != nil || got.Substitute != "Vertretung für Martina Becker" {
		t.Fatalf("comment as substitute %+v %v", got.Substitute, err)
	}
	if got.History[0].By != "Thomas Schulz in Vertretung für Martina Becker" {
		t.Errorf("history names %q", got.History[0].By)
	}
	// As her substitute he may hand her case on, as she could.
	if _, err := a.Assign(c.ID, demo.ClerkSachbearbeitung1); err != nil {
		t.Errorf("assign as substitute: %v", err)
	}
	if d, _ := a.GetCase(other.ID); d.Substitute != "" {
		t.Errorf("an unassigned case marked %q", d.Substitute)
	}

	// Schulz is away too and names Krüger: she does not get Becker's cases (no chain).
	a.SwitchClerk(demo.ClerkLeitung)
	if _, err := a.RecordAbsence(AbsenceInput{Absent: demo.ClerkSachbearbeitung2, Substitute: demo.ClerkLeitung, From: "2026-11-28", To: "2026-11-28"}); err != nil {
		t.Fatalf("the Leitung records Schulz's absence: %v", err)
	}
	if mine, _ := a.ListCases(ListQuery{Filters: []string{"mine"}}); mine.Total != 0 {
		t.Errorf("a chained substitution: %+v", mine.Rows)
	}

	// After the absence the case is Becker's alone again, untouched.
	a.clock.Add(3 * 24 * time.Hour)
	a.SwitchClerk(demo.ClerkSachbearbeitung2)
	if mine, _ := a.ListCases(ListQuery{Filters: []string{"mine"}}); mine.Total != 0 {
		t.Errorf("after the absence: %+v", mine.Rows)
	}
	if _, err := a.AddComment(c.ID, "noch einer"); err != nil {
		t.Fatal(err) // anyone may comment, in their own name
	}
	d, _ := a.GetCase(c.ID)
	if d.Assignee != demo.ClerkSachbearbeitung1 || d.Substitute != "" || d.History[0].By != "Thomas Schulz" {
		t.Errorf("after the absence: assignee %s, %q, history %q", d.Assignee, d.Substitute, d.History[0].By)
	}
	if _, err := a.Transition(c.ID, "bearbeiten", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Assign(c.ID, demo.ClerkLeitung); uiError(t, err).Code != CodeNotAllowed {
		t.Errorf("handed on a case held by someone else after the absence: %v", err)
	}
}
