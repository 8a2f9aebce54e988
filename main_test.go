package main

import (
	"errors"
	"path/filepath"
	"testing"
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
		{"windows appdata", "windows", map[string]string{"APPDATA": `C:\Users\ute\AppData\Roaming`}, noHome, filepath.Join(`C:\Users\ute\AppData\Roaming`, "OZG-Cloud Desktop"), false},
		{"windows nothing", "windows", nil, noHome, "", true},
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
