package main

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/app"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/store"
)

func TestDefaultDataDir(t *testing.T) {
	noHome := func() (string, error) { return "", errors.New("unset") }
	home := func() (string, error) { return "/home/ute", nil }
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name   string
		goos   string
		env    map[string]string
		home   func() (string, error)
		want   string
		wantNo bool
	}{
		{"linux xdg", "linux", map[string]string{"XDG_DATA_HOME": "/data"}, home, filepath.Join("/data", "ozgcloud-desktop"), false},
		{"linux relative xdg ignored", "linux", map[string]string{"XDG_DATA_HOME": "rel"}, home, filepath.Join("/home/ute", ".local", "share", "ozgcloud-desktop"), false},
		{"linux home", "linux", nil, home, filepath.Join("/home/ute", ".local", "share", "ozgcloud-desktop"), false},
		{"linux nothing", "linux", nil, noHome, "", true},
		{"windows local appdata", "windows", map[string]string{"APPDATA": `C:\Users\ute\AppData\Roaming`, "LOCALAPPDATA": `C:\Users\ute\AppData\Local`}, noHome, filepath.Join(`C:\Users\ute\AppData\Local`, "OZG-Cloud Desktop"), false},
		{"windows home", "windows", map[string]string{"APPDATA": `C:\Users\ute\AppData\Roaming`}, home, filepath.Join("/home/ute", "AppData", "Local", "OZG-Cloud Desktop"), false},
		{"windows nothing", "windows", map[string]string{"APPDATA": `C:\Users\ute\AppData\Roaming`}, noHome, "", true},
		{"darwin", "darwin", nil, home, filepath.Join("/home/ute", "Library", "Application Support", "OZG-Cloud Desktop"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := defaultDataDir(tt.goos, env(tt.env), tt.home)
			if tt.wantNo {
				if !errors.Is(err, errNoHome) {
					t.Fatalf("err = %v, want errNoHome", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func quietConfig(t *testing.T, dir string) config {
	t.Helper()
	return config{dataDir: dir, device: "A7", now: time.Now, log: slog.New(slog.DiscardHandler)}
}

// bound returns the service of type T that d binds to the window.
func bound[T any](t *testing.T, d *desktop) T {
	t.Helper()
	for _, s := range d.bind {
		if v, ok := s.(T); ok {
			return v
		}
	}
	var zero T
	t.Fatalf("%T is not bound", zero)
	return zero
}

// TestProductionStartHasNoDemo: without --demo a new data folder gets no cases, no
// clerks, no municipality and no signing key, also after the window asked for the
// session and the key; the session asks to connect the PC. --demo-cases alone is
// refused.
func TestProductionStartHasNoDemo(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"--data-dir", dir}, "", io.Discard)
	if err != nil || cfg.demo {
		t.Fatalf("flags %+v %v", cfg, err)
	}
	cfg.log, cfg.now = slog.New(slog.DiscardHandler), time.Now
	d := open(cfg)
	defer d.close()
	if d.db == nil {
		t.Fatal("store not opened")
	}
	s, err := bound[*app.Desk](t, d).Session()
	if err != nil || !s.NeedsSetup || s.Demo || len(s.Clerks) != 0 || s.Fatal != "" {
		t.Fatalf("session %+v %v", s, err)
	}
	// Nobody is signed in: the window's methods refuse; the first start offers to
	// connect the PC or to make its first administrator.
	var uiErr *app.Error
	if _, err := bound[*app.Signing](t, d).SigningKey(); !errors.As(err, &uiErr) || uiErr.Code != app.CodeNotSignedIn {
		t.Fatalf("signing key before sign-in: %v", err)
	}
	if _, err := bound[*app.Decisions](t, d).DecisionEditor("none"); err == nil {
		t.Fatal("decision editor of a missing case")
	}
	if n := d.db.CaseCount(); n != 0 {
		t.Errorf("%d cases in a production store", n)
	}
	if clerks, _ := d.db.Clerks(); len(clerks) != 0 {
		t.Errorf("clerks %+v", clerks)
	}
	if _, err := d.db.Municipality(); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("municipality: %v", err)
	}
	if k, _ := d.db.SigningKey(); k != (store.SigningKey{}) {
		t.Errorf("signing key %+v", k)
	}
	if files, _ := os.ReadDir(filepath.Join(dir, "schluessel")); len(files) != 0 {
		t.Errorf("key files %v", files)
	}

	if _, err := parseFlags([]string{"--data-dir", dir, "--demo-cases", "20"}, "", io.Discard); err == nil || !strings.Contains(err.Error(), "--demo") {
		t.Errorf("--demo-cases without --demo: %v", err)
	}
	if _, err := parseFlags([]string{"--data-dir", dir, "--idle-lock-seconds", "-1"}, "", io.Discard); err == nil {
		t.Error("a negative idle time was taken")
	}
}

// TestDemoStart: --demo fills a new folder with the demo municipality, its clerks and
// the cases asked for; a second start on the same folder adds nothing.
func TestDemoStart(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"--data-dir", dir, "--demo", "--demo-cases", "7", "--idle-lock-seconds", "3"}, "", io.Discard)
	if err != nil || !cfg.demo || cfg.demoCases != 7 || cfg.idleLock != 3*time.Second {
		t.Fatalf("flags %+v %v", cfg, err)
	}
	cfg.log, cfg.now = slog.New(slog.DiscardHandler), time.Now
	d := open(cfg)
	desk := bound[*app.Desk](t, d)
	s, err := desk.Session()
	if err != nil || !s.Demo || s.NeedsSetup || s.SignedIn || len(s.SignInClerks) != 4 || s.DemoPassword != demo.Password ||
		s.IdleLockSeconds != 3 || s.Municipality != "Gemeinde Musterhausen" {
		t.Fatalf("session %+v %v", s, err)
	}
	// The demo clerks sign in with the documented password.
	if s, err = desk.SignIn(demo.ClerkSachbearbeitung1, demo.Password); err != nil || len(s.Clerks) != 4 {
		t.Fatalf("sign-in %+v %v", s, err)
	}
	if n := d.db.CaseCount(); n != 7 {
		t.Errorf("%d demo cases, want 7", n)
	}
	if k, err := d.db.SigningKey(); err != nil || k.Kind != store.KeyPKCS12 || !k.Demo {
		t.Errorf("demo key %+v %v", k, err)
	} else if _, err := os.Stat(filepath.Join(dir, "schluessel", k.File)); err != nil {
		t.Errorf("demo key file: %v", err)
	}
	d.close()
	d = open(cfg)
	defer d.close()
	if n := d.db.CaseCount(); n != 7 {
		t.Errorf("%d cases after the second start, want 7", n)
	}
}

// TestSecondInstanceAndCorruptStoreAreFatal: a second window on the same folder, or a
// damaged store file, shows only why it cannot start; nothing else is bound and the
// file is not changed.
func TestSecondInstanceAndCorruptStoreAreFatal(t *testing.T) {
	dir := t.TempDir()
	first := open(quietConfig(t, dir))
	defer first.close()
	second := open(quietConfig(t, dir))
	if second.db != nil || len(second.bind) != 1 || len(second.runners) != 0 {
		t.Fatalf("second instance binds %d services", len(second.bind))
	}
	s, err := bound[*app.Desk](t, second).Session()
	if err != nil || !strings.Contains(s.Fatal, "läuft bereits") {
		t.Fatalf("second instance: %q %v", s.Fatal, err)
	}

	dir = t.TempDir()
	path := filepath.Join(dir, store.FileName)
	garbage := []byte(strings.Repeat("kein bbolt ", 1000))
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := quietConfig(t, dir)
	cfg.demo, cfg.demoCases = true, 10
	broken := open(cfg)
	s, _ = bound[*app.Desk](t, broken).Session()
	if !strings.Contains(s.Fatal, "beschädigt") || !strings.Contains(s.Fatal, path) {
		t.Errorf("corrupt store message %q does not name the file", s.Fatal)
	}
	if b, _ := os.ReadFile(path); string(b) != string(garbage) {
		t.Error("the corrupt store file was changed")
	}
}

// TestUnsafeDataFolderIsFatal: a data folder that is a link to somewhere else is not
// used: the window shows only why, in German, and nothing is created where it points.
func TestUnsafeDataFolderIsFatal(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "elsewhere")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "ozgcloud-desktop")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	d := open(quietConfig(t, link))
	defer d.close()
	if d.db != nil || len(d.bind) != 1 || len(d.runners) != 0 {
		t.Fatalf("a linked data folder was opened: %d services bound", len(d.bind))
	}
	s, err := bound[*app.Desk](t, d).Session()
	if err != nil || !strings.Contains(s.Fatal, "Verknüpfung") || !strings.Contains(s.Fatal, link) {
		t.Fatalf("message %q %v does not say that the folder is a link", s.Fatal, err)
	}
	if _, err := os.Stat(filepath.Join(target, store.FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a store was made behind the link: %v", err)
	}
}
