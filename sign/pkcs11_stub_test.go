//go:build !cgo

package sign

import (
	"errors"
	"testing"
)

func TestPKCS11NeedsCgo(t *testing.T) {
	_, err := OpenPKCS11(TokenConfig{TokenLabel: "Rathaus"}, testNow)
	if !errors.Is(err, ErrNoPKCS11Support) {
		t.Fatalf("OpenPKCS11 without cgo = %v", err)
	}
}
