package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/sign"
	"github.com/ozgcloud/desktop/store"
)

// A module path the page sends that is not on the installation's list is refused
// with a German field message, and nothing is stored (issue 17).
func TestSigningModuleOutsideListRefused(t *testing.T) {
	a, _, _ := decisionApp(t)
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	evil := filepath.Join(dir, "evil.so")
	os.WriteFile(evil, []byte("not a library"), 0o755)
	a.Signing.keys.modules = func() (sign.ModuleList, error) { return sign.NewModuleList("/usr/lib/softhsm/libsofthsm2.so") }

	for _, m := range []string{evil, `\\host\share\x.dll`, "//host/share/x.so", "libsofthsm2.so", ""} {
		_, err := a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS11, Module: m, TokenLabel: "Rathaus"})
		e := uiError(t, err)
		if e.Fields["module"] == "" {
			t.Errorf("module %q: no field message: %+v", m, e)
		}
	}
	_, err := a.SaveSigningKey(SigningKeyInput{Kind: keyKindPKCS11, Module: evil, TokenLabel: "Rathaus"})
	if e := uiError(t, err); !strings.Contains(e.Fields["module"], "nicht freigegeben") || !strings.Contains(e.Fields["module"], sign.ModuleConfigPath()) {
		t.Errorf("message for a module outside the list: %q", e.Fields["module"])
	}
	k, err := a.db.SigningKey()
	if err != nil || k.Kind != keyKindPKCS12 || k.Module != "" {
		t.Fatalf("a refused module changed the key: %+v %v", k, err)
	}
}

// The settings' choice lists only the installed modules of the list.
func TestSigningModulesListed(t *testing.T) {
	a, _, _ := decisionApp(t)
	if _, err := a.SwitchClerk(demo.ClerkAdministration); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	there := filepath.Join(dir, "token.so")
	os.WriteFile(there, []byte("x"), 0o755)
	a.Signing.keys.modules = func() (sign.ModuleList, error) {
		return sign.NewModuleList(there, filepath.Join(dir, "missing.so"))
	}
	got, err := a.SigningModules()
	if err != nil || len(got) != 1 || got[0].Value != there {
		t.Fatalf("modules %+v %v", got, err)
	}
	if _, err := a.SwitchClerk(demo.ClerkSachbearbeitung1); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SigningModules(); uiError(t, err).Code != CodeNotAllowed {
		t.Fatalf("a clerk listed the modules: %v", err)
	}
}

// A module stored before the list existed is not loaded by "Schlüssel prüfen".
func TestSigningStoredModuleOutsideListNotOpened(t *testing.T) {
	a, _, _ := decisionApp(t)
	evil := filepath.Join(t.TempDir(), "evil.so")
	os.WriteFile(evil, []byte("not a library"), 0o755)
	a.Signing.keys.modules = func() (sign.ModuleList, error) { return sign.NewModuleList("/usr/lib/softhsm/libsofthsm2.so") }
	if err := a.db.UpdateSigningKey(func(k *store.SigningKey) error {
		k.Kind, k.Module, k.Token = keyKindPKCS11, evil, "Rathaus"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err := a.TestSigningKey("1234")
	if e := uiError(t, err); !strings.Contains(e.Message, "nicht freigegeben") {
		t.Fatalf("stored module outside the list: %+v", e)
	}
}
