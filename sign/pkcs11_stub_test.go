//go:build !cgo

package sign

import (
	"errors"
	"testing"
)

func TestPKCS11NeedsCgo(t *testing.T) {
	l, err := NewModuleList(rootFile)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenPKCS11(TokenConfig{Module: rootFile, TokenLabel: "Rathaus", Modules: l}, testNow)
	if !errors.Is(err, ErrNoPKCS11Support) {
		t.Fatalf("OpenPKCS11 without cgo = %v", err)
	}
}
