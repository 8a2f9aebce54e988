package wire

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
)

func sampleDirectory() DirectoryResponse {
	return DirectoryResponse{
		Users: []DirectoryUser{
			{ID: "u-1", Name: "Anna Becker", Role: model.RoleSachbearbeitung},
			{ID: "u-2", Name: "Jonas Vogel", Role: model.RoleAdministration, Deactivated: true, GrantsNotBefore: &t1},
			{ID: "u-3", Name: "Erika Muster", Role: model.RoleSachbearbeitung, GrantsNotBefore: &t0},
		},
		OrgUnits: []DirectoryOrgUnit{{ID: "0815", Name: "Bürgerbüro"}},
		Absences: []Absence{{ID: "urlaub-1", Absent: "u-1", Substitute: "u-3", From: "2026-07-06", To: "2026-07-17"}},
		GrantKey: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
	}
}

func TestDirectoryGolden(t *testing.T) {
	golden(t, "directory.json", sampleDirectory())
	f, err := os.Open("testdata/directory.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := DecodeDirectory(f, MaxDirectory)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, sampleDirectory()) {
		t.Errorf("got %+v", d)
	}
}

func TestDirectoryRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		want error
	}{
		"no id":         {`{"users":[{"id":"","name":"A","role":"leitung"}],"orgUnits":[]}`, ErrMissing},
		"no name":       {`{"users":[{"id":"u","name":"","role":"leitung"}],"orgUnits":[]}`, ErrMissing},
		"bad role":      {`{"users":[{"id":"u","name":"A","role":"chef"}],"orgUnits":[]}`, ErrDecode},
		"unit no name":  {`{"users":[],"orgUnits":[{"id":"1","name":""}]}`, ErrMissing},
		"bad key":       {`{"users":[],"orgUnits":[],"grantKey":"AAAA"}`, ErrDecode},
		"bad absence":   {`{"users":[],"orgUnits":[],"absences":[{"id":"a","absent":"u","substitute":"v","from":"2026-7-6","to":"2026-07-07"}]}`, ErrDecode},
		"absence no id": {`{"users":[],"orgUnits":[],"absences":[{"id":"","absent":"u","substitute":"v","from":"2026-07-06","to":"2026-07-07"}]}`, ErrMissing},
		"unknown":       {`{"users":[],"orgUnits":[],"x":1}`, ErrDecode},
		"too large":     {`{"users":[],"orgUnits":[]}` + strings.Repeat(" ", 100), ErrTooLarge},
	} {
		max := int64(MaxDirectory)
		if name == "too large" {
			max = 50
		}
		if _, err := DecodeDirectory(strings.NewReader(tc.body), max); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
}
