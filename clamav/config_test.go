package clamav

import (
	"errors"
	"io/fs"
	"net"
	"strings"
	"testing"
)

func TestConfigure(t *testing.T) {
	files := map[string]string{
		DebianConfig:                         "# Debian\nLocalSocket /var/run/clamav/clamd.ctl\nFixStaleSocket true\n",
		`C:\Program Files\ClamAV\clamd.conf`: "TCPSocket 3310\nTCPAddr localhost\n",
	}
	read := func(m map[string]string) func(string) ([]byte, error) {
		return func(p string) ([]byte, error) {
			if s, ok := m[p]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		}
	}
	env := func(k string) string {
		if k == "ProgramFiles" {
			return `C:\Program Files`
		}
		return ""
	}
	for _, tc := range []struct {
		setting, goos string
		files         map[string]string
		want          *Scanner
		err           error
	}{
		{"", "linux", files, &Scanner{Socket: DebianSocket}, nil},
		{"auto", "linux", files, &Scanner{Socket: DebianSocket}, nil},
		{"auto", "linux", nil, nil, nil}, // not installed: off
		{"auto", "linux", map[string]string{DebianConfig: "User clamav\n"}, &Scanner{Socket: DebianSocket}, nil},
		{"auto", "windows", files, &Scanner{TCP: "127.0.0.1:3310"}, nil},
		{"auto", "windows", nil, nil, nil},
		{"auto", "windows", map[string]string{`C:\Program Files\ClamAV\clamd.conf`: "LogFile x\n"}, nil, ErrConfig},
		{"off", "linux", files, nil, nil},
		{"/run/clamd.sock", "linux", nil, &Scanner{Socket: "/run/clamd.sock"}, nil},
		{"127.0.0.1:3310", "windows", nil, &Scanner{TCP: "127.0.0.1:3310"}, nil},
		{"[::1]:3310", "linux", nil, &Scanner{TCP: "[::1]:3310"}, nil},
		{"10.0.0.5:3310", "linux", nil, nil, ErrConfig},
		{"localhost:3310", "linux", nil, nil, ErrConfig},
		{"127.0.0.1:0", "linux", nil, nil, ErrConfig},
		{"clamd.sock", "linux", nil, nil, ErrConfig},
	} {
		got, err := Configure(tc.setting, tc.goos, env, read(tc.files))
		if (tc.err == nil) != (err == nil) || (tc.err != nil && !errors.Is(err, tc.err)) {
			t.Errorf("Configure(%q, %s) error %v, want %v", tc.setting, tc.goos, err, tc.err)
			continue
		}
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("Configure(%q, %s) = %+v, want %+v", tc.setting, tc.goos, got, tc.want)
		}
	}
}

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		conf string
		want Scanner
		err  bool
	}{
		{"LocalSocket /tmp/c.sock\nTCPSocket 3310\n", Scanner{Socket: "/tmp/c.sock"}, false},
		{"#LocalSocket /tmp/c.sock\nTCPSocket 3310\n", Scanner{TCP: "127.0.0.1:3310"}, false},
		{"TCPSocket 3310\nTCPAddr 192.168.1.4\nTCPAddr ::1\n", Scanner{TCP: "[::1]:3310"}, false},
		{"TCPSocket 3310\nTCPAddr 192.168.1.4\n", Scanner{}, true},
		{"TCPSocket x\n", Scanner{}, true},
		{"", Scanner{}, false},
	} {
		got, err := ParseConfig([]byte(tc.conf))
		if (err != nil) != tc.err || (err == nil && *got != tc.want) {
			t.Errorf("ParseConfig(%q) = %+v, %v", tc.conf, got, err)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{"LocalSocket /x\n", "TCPSocket 3310\nTCPAddr localhost\n", "TCPSocket 1\nTCPAddr 10.1.1.1\n", "#\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, conf string) {
		s, err := ParseConfig([]byte(conf))
		if err != nil {
			return
		}
		// Never an address off this PC.
		if s.TCP != "" {
			host, _, err := net.SplitHostPort(s.TCP)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				t.Fatalf("ParseConfig(%q) = %+v", conf, s)
			}
		}
		if s.Socket != "" && strings.ContainsRune(s.Socket, '\n') {
			t.Fatalf("socket with a newline: %q", s.Socket)
		}
	})
}
