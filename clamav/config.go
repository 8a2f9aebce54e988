package clamav

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrConfig: the scanner setting or clamd's configuration names no usable socket.
var ErrConfig = errors.New("clamav: no usable clamd address")

// Default places of clamd's configuration file, where the packages put it: Debian's
// clamav-daemon and ClamAV's Windows installer (under %ProgramFiles%).
const (
	DebianConfig  = "/etc/clamav/clamd.conf"
	DebianSocket  = "/var/run/clamav/clamd.ctl"
	windowsConfig = `ClamAV\clamd.conf`
)

// Setting values of Configure besides a socket path or a loopback address.
const (
	SettingAuto = "auto" // the installed clamd's, or off when none is installed
	SettingOff  = "off"
)

// Configure returns the scanner a setting names, or nil when scanning is off:
//   - "off": nil;
//   - "" or "auto": the socket of the clamd installed on this PC, read from its
//     configuration file (DebianConfig; on Windows %ProgramFiles%\ClamAV\clamd.conf),
//     nil when there is none;
//   - an absolute path: clamd's unix socket;
//   - "127.0.0.1:3310": a loopback TCP address (ClamAV for Windows).
//
// readFile reads a file (os.ReadFile); a missing configuration file means off, one
// that cannot be used is ErrConfig.
func Configure(setting, goos string, getenv func(string) string, readFile func(string) ([]byte, error)) (*Scanner, error) {
	setting = strings.TrimSpace(setting)
	switch {
	case setting == SettingOff:
		return nil, nil
	case setting == "" || setting == SettingAuto:
		path := DebianConfig
		if goos == "windows" {
			pf := getenv("ProgramFiles")
			if pf == "" {
				return nil, nil
			}
			path = pf + `\` + windowsConfig
		}
		conf, err := readFile(path)
		if err != nil {
			return nil, nil // not installed
		}
		s, err := ParseConfig(conf)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if s.Socket == "" && s.TCP == "" {
			if goos == "windows" {
				return nil, fmt.Errorf("%s: %w: neither LocalSocket nor TCPSocket", path, ErrConfig)
			}
			s.Socket = DebianSocket
		}
		return s, nil
	case filepath.IsAbs(setting) || strings.HasPrefix(setting, "/"):
		return &Scanner{Socket: setting}, nil
	}
	host, port, err := net.SplitHostPort(setting)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() || !validPort(port) {
		return nil, fmt.Errorf("%w: %q is neither an absolute socket path nor a loopback IP address with port", ErrConfig, setting)
	}
	return &Scanner{TCP: setting}, nil
}

// ParseConfig reads clamd.conf's LocalSocket, TCPSocket and TCPAddr (the first
// loopback one; "localhost" means 127.0.0.1, it is not looked up). A TCPAddr that is
// not a loopback address is ErrConfig: files never leave the PC.
func ParseConfig(conf []byte) (*Scanner, error) {
	var socket, port string
	var addrs []string
	sc := bufio.NewScanner(bytes.NewReader(conf))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		val = strings.Trim(strings.TrimSpace(val), `"`)
		switch key {
		case "LocalSocket":
			socket = val
		case "TCPSocket":
			port = val
		case "TCPAddr":
			addrs = append(addrs, val)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: read clamd.conf: %v", ErrConfig, err)
	}
	if socket != "" {
		return &Scanner{Socket: socket}, nil
	}
	if port == "" {
		return &Scanner{}, nil
	}
	if !validPort(port) {
		return nil, fmt.Errorf("%w: TCPSocket %q", ErrConfig, port)
	}
	if len(addrs) == 0 {
		addrs = []string{"127.0.0.1"} // clamd listens on every address then
	}
	for _, a := range addrs {
		if a == "localhost" {
			a = "127.0.0.1"
		}
		if ip := net.ParseIP(a); ip != nil && ip.IsLoopback() {
			return &Scanner{TCP: net.JoinHostPort(ip.String(), port)}, nil
		}
	}
	return nil, fmt.Errorf("%w: TCPAddr %q is not this PC", ErrConfig, addrs)
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536 && strconv.Itoa(n) == p
}
