package sign

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// rootFile is a file that exists on every Linux test machine, owned by root in
// folders only root can write: it stands in for an installed driver.
const rootFile = "/etc/passwd"

func TestModuleConfigPath(t *testing.T) {
	if runtime.GOOS == "linux" && ModuleConfigPath() != "/etc/ozgcloud/pkcs11-modules" {
		t.Fatalf("ModuleConfigPath = %q", ModuleConfigPath())
	}
	if !filepath.IsAbs(ModuleConfigPath()) {
		t.Fatalf("ModuleConfigPath %q is relative", ModuleConfigPath())
	}
}

func TestLoadModuleList(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "pkcs11-modules")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("\ufeff# Kartenleser der Kämmerei\n\n  " + rootFile + "  \r\n# " + filepath.Join(dir, "aus.so") + "\n")
	l, err := LoadModuleList(conf)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Check(rootFile); err != nil {
		t.Fatalf("listed module refused: %v", err)
	}
	if err := l.Check(filepath.Join(dir, "aus.so")); !errors.Is(err, ErrModuleNotAllowed) {
		t.Fatalf("commented-out module: %v", err)
	}
	if !slices.Contains(l.Paths(), rootFile) || slices.Contains(l.Paths(), filepath.Join(dir, "aus.so")) {
		t.Fatalf("Paths = %v", l.Paths())
	}
	for _, known := range KnownModules() {
		if !slices.Contains(l.paths, filepath.Clean(known)) {
			t.Fatalf("known module %s missing from the list", known)
		}
	}

	for _, bad := range []string{"libsofthsm2.so\n", `\\rathaus-fs\treiber\p11.dll` + "\n", "//host/share/p11.so\n", "./p11.so\n"} {
		write(bad)
		if _, err := LoadModuleList(conf); !errors.Is(err, ErrModuleConfig) {
			t.Errorf("line %q: %v", bad, err)
		}
	}

	// A list cut at the size bound could allow half a path: too large is refused.
	write(strings.Repeat("# Kommentar\n", 6000) + rootFile + "\n")
	if _, err := LoadModuleList(conf); !errors.Is(err, ErrModuleConfig) {
		t.Errorf("list of 66 KB: %v", err)
	}

	// No file: only the known drivers.
	l, err = LoadModuleList(filepath.Join(dir, "fehlt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.paths) != len(KnownModules()) {
		t.Fatalf("without a file: %d paths", len(l.paths))
	}
	if err := l.Check(rootFile); !errors.Is(err, ErrModuleNotAllowed) {
		t.Fatalf("unlisted module: %v", err)
	}
}

func TestModuleListCheck(t *testing.T) {
	open := t.TempDir()
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	userModule := filepath.Join(open, "p11.so")
	if err := os.WriteFile(userModule, []byte("\x7fELF"), 0o755); err != nil {
		t.Fatal(err)
	}
	missing := "/usr/lib/ozgcloud-test-fehlt/p11.so"
	l, err := NewModuleList(rootFile, userModule, missing)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		module string
		want   error
	}{
		{rootFile, nil},
		{rootFile + "/../passwd", nil},
		{"passwd", ErrModuleNotAllowed},
		{"../../etc/passwd", ErrModuleNotAllowed},
		{"", ErrModuleNotAllowed},
		{`\\rathaus-fs\treiber\p11.dll`, ErrModuleNotAllowed},
		{`\\?\UNC\rathaus-fs\treiber\p11.dll`, ErrModuleNotAllowed},
		{"//rathaus-fs/treiber/p11.so", ErrModuleNotAllowed},
		{"/usr/lib/other-pkcs11.so", ErrModuleNotAllowed},
		// Listed, but in a folder everyone may write to: a user could swap it.
		{userModule, ErrModuleNotAllowed},
		{missing, ErrTokenMissing},
	} {
		err := l.Check(tc.module)
		if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("Check(%q) = %v, want %v", tc.module, err, tc.want)
		}
	}
	if _, err := NewModuleList("relativ.so"); !errors.Is(err, ErrModuleConfig) {
		t.Fatalf("NewModuleList(relative) = %v", err)
	}
}

// OpenPKCS11 asks the list before anything is loaded, in every build.
func TestOpenPKCS11RefusesUnlistedModule(t *testing.T) {
	l, err := NewModuleList(rootFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, module := range []string{"/usr/lib/other-pkcs11.so", `\\rathaus-fs\treiber\p11.dll`, "p11.so"} {
		tok, err := OpenPKCS11(TokenConfig{Module: module, TokenLabel: "Rathaus", PIN: "1234", Modules: l}, testNow)
		if !errors.Is(err, ErrModuleNotAllowed) {
			if tok != nil {
				tok.Close()
			}
			t.Errorf("OpenPKCS11(%q) = %v, want ErrModuleNotAllowed", module, err)
		}
	}
}

func FuzzLoadModuleList(f *testing.F) {
	for _, s := range []string{"# Kommentar\n/usr/lib/p11.so\n", `\\host\share\p11.dll`, "relativ.so", "\ufeff/a\r\n\n", "/a\x00b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		conf := filepath.Join(t.TempDir(), "pkcs11-modules")
		if err := os.WriteFile(conf, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := LoadModuleList(conf)
		if err != nil {
			if !errors.Is(err, ErrModuleConfig) {
				t.Fatalf("LoadModuleList = %v", err)
			}
			return
		}
		for _, p := range l.paths {
			if localAbsolute(p) != nil {
				t.Fatalf("accepted %q", p)
			}
		}
	})
}
