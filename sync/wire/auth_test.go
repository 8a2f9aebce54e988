package wire

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
)

func sampleSignIn() SignInResponse {
	return SignInResponse{
		User:    DirectoryUser{ID: "u-1", Name: "Anna Becker", Role: model.RoleSachbearbeitung},
		Grant:   "T1pHRwEgMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYLbXVzdGVyc3RhZHQD",
		Expires: t1,
	}
}

func sampleAbsenceRequest() AbsenceRequest {
	return AbsenceRequest{By: "u-1", Absence: Absence{ID: "urlaub-1", Absent: "u-1", Substitute: "u-3", From: "2026-07-06", To: "2026-07-17"}}
}

func TestAuthGolden(t *testing.T) {
	golden(t, "signin.json", sampleSignIn())
	golden(t, "absence.json", sampleAbsenceRequest())
	b, err := os.ReadFile("testdata/signin.json")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeSignInResponse(bytes.NewReader(b), MaxBodyAuth); err != nil || !reflect.DeepEqual(got, sampleSignIn()) {
		t.Errorf("signin.json decodes to %+v, %v", got, err)
	}
	b, err = os.ReadFile("testdata/absence.json")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeAbsenceRequest(bytes.NewReader(b), MaxBodyAuth); err != nil || !reflect.DeepEqual(got, sampleAbsenceRequest()) {
		t.Errorf("absence.json decodes to %+v, %v", got, err)
	}
}

func TestAuthRequestsRefused(t *testing.T) {
	long := strings.Repeat("x", 300)
	for name, tc := range map[string]struct {
		body string
		dec  func(string) error
		want error
	}{
		"sign-in no user":       {`{"user":"","password":"p"}`, signIn, ErrMissing},
		"sign-in no password":   {`{"user":"u","password":""}`, signIn, ErrMissing},
		"sign-in long user":     {`{"user":"` + long + `","password":"p"}`, signIn, ErrDecode},
		"sign-in control user":  {`{"user":"a\u0000b","password":"p"}`, signIn, ErrDecode},
		"sign-in long password": {`{"user":"u","password":"` + strings.Repeat("p", 1025) + `"}`, signIn, ErrDecode},
		"sign-in extra field":   {`{"user":"u","password":"p","role":"leitung"}`, signIn, ErrDecode},
		"sign-in too large":     {`{"user":"u","password":"` + strings.Repeat("p", MaxBodyAuth) + `"}`, signIn, ErrTooLarge},
		"activate no code":      {`{"code":"","password":"p"}`, activate, ErrMissing},
		"activate no password":  {`{"code":"ABCD","password":""}`, activate, ErrMissing},
		"absence no by":         {`{"absence":{"absent":"u","substitute":"v","from":"2026-07-06","to":"2026-07-06"},"by":""}`, absence, ErrMissing},
		"absence no absent":     {`{"absence":{"absent":"","substitute":"v","from":"2026-07-06","to":"2026-07-06"},"by":"u"}`, absence, ErrMissing},
		"absence bad date":      {`{"absence":{"absent":"u","substitute":"v","from":"06.07.2026","to":"2026-07-06"},"by":"u"}`, absence, ErrDecode},
		"absence date not zero": {`{"absence":{"absent":"u","substitute":"v","from":"2026-07-6","to":"2026-07-06"},"by":"u"}`, absence, ErrDecode},
		"absence reversed":      {`{"absence":{"absent":"u","substitute":"v","from":"2026-07-07","to":"2026-07-06"},"by":"u"}`, absence, ErrDecode},
		"absence delete no id":  {`{"absence":{"id":""},"delete":true,"by":"u"}`, absence, ErrMissing},
		"response no grant":     {`{"user":{"id":"u","name":"A","role":"leitung"},"grant":"","expires":"2026-01-01T00:00:00Z"}`, signInResp, ErrMissing},
		"response bad role":     {`{"user":{"id":"u","name":"A","role":"chef"},"grant":"g","expires":"2026-01-01T00:00:00Z"}`, signInResp, ErrDecode},
		"response no expiry":    {`{"user":{"id":"u","name":"A","role":"leitung"},"grant":"g","expires":"0001-01-01T00:00:00Z"}`, signInResp, ErrMissing},
	} {
		if err := tc.dec(tc.body); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
	// A removal needs only the ID; a new absence may leave it to the service.
	for _, ok := range []string{
		`{"absence":{"id":"a1","absent":"","substitute":"","from":"","to":""},"delete":true,"by":"u"}`,
		`{"absence":{"id":"","absent":"u","substitute":"v","from":"2026-07-06","to":"2026-07-06"},"by":"u"}`,
	} {
		if err := absence(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func signIn(s string) error {
	_, err := DecodeSignIn(strings.NewReader(s), MaxBodyAuth)
	return err
}

func activate(s string) error {
	_, err := DecodeActivate(strings.NewReader(s), MaxBodyAuth)
	return err
}

func absence(s string) error {
	_, err := DecodeAbsenceRequest(strings.NewReader(s), MaxBodyAuth)
	return err
}

func signInResp(s string) error {
	_, err := DecodeSignInResponse(strings.NewReader(s), MaxBodyAuth)
	return err
}
