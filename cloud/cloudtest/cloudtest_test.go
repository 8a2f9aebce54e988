package cloudtest

import (
	"testing"

	"github.com/ozgcloud/desktop/identity"
)

// TestPasswordFitsEveryUserID: user IDs are random UUIDs, and CheckPassword refuses
// a password that holds a part of the user's ID of four letters or more. A run of
// hex letters between digits ("-affe-") that the password spells would refuse
// Password for one user in a few thousand and fail a random test run (the sim's
// seed 683 once did), so no such run may be a part of it.
func TestPasswordFitsEveryUserID(t *testing.T) {
	const hex = "abcdef"
	var runs func(prefix string, n int)
	checked := 0
	runs = func(prefix string, n int) {
		if len(prefix) == n {
			id := "01931c2e-" + prefix + "-7d31-8c4b-0123456789ab"
			if err := identity.CheckPassword(Password, "Anna Becker", id); err != nil {
				t.Fatalf("Password refused for user ID %s: %v", id, err)
			}
			checked++
			return
		}
		for _, c := range hex {
			runs(prefix+string(c), n)
		}
	}
	for n := 4; n <= 6; n++ {
		runs("", n)
	}
	if checked != 6*6*6*6+6*6*6*6*6+6*6*6*6*6*6 {
		t.Fatalf("checked %d IDs", checked)
	}
}
