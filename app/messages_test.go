package app

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestEverySignErrorWorded: every sentinel error of package sign has its own German
// sentence in signMessages (the names are read from sign's source, so a new error
// without words fails), also when wrapped.
func TestEverySignErrorWorded(t *testing.T) {
	var declared []string
	for _, f := range []string{"../sign/sign.go", "../sign/keyfile.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`(?m)^\s*(?:var )?(Err\w+)\s+= errors\.New`).FindAllStringSubmatch(string(src), -1) {
			declared = append(declared, m[1])
		}
	}
	catalog, err := os.ReadFile("messages.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(declared) < 15 {
		t.Fatalf("read only %v from package sign", declared)
	}
	for _, name := range declared {
		if !strings.Contains(string(catalog), "{sign."+name+", ") {
			t.Errorf("sign.%s has no German sentence in signMessages", name)
		}
	}
	generic := signMessage(errors.New("x"))
	for _, m := range signMessages {
		if got := signMessage(fmt.Errorf("open key: %w", m.err)); got != m.msg || got == generic {
			t.Errorf("%v wrapped is worded %q", m.err, got)
		}
	}
}
