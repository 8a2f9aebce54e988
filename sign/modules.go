package sign

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Errors of the PKCS#11 module list.
var (
	// ErrModuleNotAllowed: the module is not on the list fixed at installation, is
	// a relative or network (UNC) path, or lies where a user could replace it.
	ErrModuleNotAllowed = errors.New("sign: PKCS#11 module not allowed")
	// ErrModuleConfig: the administrator's list has a line that is not an
	// absolute local path.
	ErrModuleConfig = errors.New("sign: bad PKCS#11 module list")
)

// maxModuleConfig bounds the administrator's list file.
const maxModuleConfig = 64 << 10

// ModuleConfigPath is where the administrator (or the installer) lists the PKCS#11
// modules this PC may load, one absolute path a line, "#" comments. It lies outside
// the data folder, where only administrators can write:
//   - Windows: %ProgramData%\OZG-Cloud\pkcs11-modules.txt
//   - macOS: /Library/Application Support/OZG-Cloud/pkcs11-modules
//   - Linux and others: /etc/ozgcloud/pkcs11-modules
func ModuleConfigPath() string {
	switch runtime.GOOS {
	case "windows":
		base := os.Getenv("ProgramData")
		if base == "" || isNetworkPath(base) || !filepath.IsAbs(base) {
			base = `C:\ProgramData`
		}
		return filepath.Join(base, "OZG-Cloud", "pkcs11-modules.txt")
	case "darwin":
		return "/Library/Application Support/OZG-Cloud/pkcs11-modules"
	}
	return "/etc/ozgcloud/pkcs11-modules"
}

// KnownModules returns the usual install locations of common token drivers
// (OpenSC, SafeNet eToken, Thales IDPrime, cryptovision, CardOS, YubiKey, SoftHSM)
// on this operating system. They are allowed without being listed.
func KnownModules() []string {
	switch runtime.GOOS {
	case "windows":
		sys := filepath.Join(envOr("SystemRoot", `C:\Windows`), "System32")
		pf := envOr("ProgramFiles", `C:\Program Files`)
		return []string{
			filepath.Join(sys, "opensc-pkcs11.dll"), filepath.Join(pf, "OpenSC Project", "OpenSC", "pkcs11", "opensc-pkcs11.dll"),
			filepath.Join(sys, "eTPKCS11.dll"), filepath.Join(sys, "IDPrimePKCS11.dll"), filepath.Join(sys, "cvP11.dll"),
			filepath.Join(sys, "siecap11.dll"), filepath.Join(pf, "Yubico", "Yubico PIV Tool", "bin", "libykcs11.dll"),
			filepath.Join(pf, "SoftHSM2", "lib", "softhsm2-x64.dll"),
		}
	case "darwin":
		return []string{
			"/Library/OpenSC/lib/opensc-pkcs11.so", "/usr/local/lib/libeTPkcs11.dylib",
			"/usr/local/lib/libIDPrimePKCS11.dylib", "/usr/local/lib/libykcs11.dylib",
		}
	}
	var out []string
	for _, dir := range []string{"/usr/lib", "/usr/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"} {
		out = append(out,
			dir+"/opensc-pkcs11.so", dir+"/pkcs11/opensc-pkcs11.so", dir+"/libeTPkcs11.so", dir+"/libeToken.so",
			dir+"/libIDPrimePKCS11.so", dir+"/libcvP11.so", dir+"/libsiecap11.so", dir+"/libykcs11.so",
			dir+"/softhsm/libsofthsm2.so")
	}
	return out
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" && filepath.IsAbs(v) && !isNetworkPath(v) {
		return v
	}
	return def
}

// ModuleList is the set of PKCS#11 modules this PC may load. The zero value is
// "not loaded yet": OpenPKCS11 then reads ModuleConfigPath and KnownModules.
type ModuleList struct {
	paths  []string
	loaded bool
}

// NewModuleList returns a list of exactly these paths; each must be an absolute
// local path. Errors wrap ErrModuleConfig.
func NewModuleList(paths ...string) (ModuleList, error) {
	l := ModuleList{loaded: true}
	for _, p := range paths {
		if err := localAbsolute(p); err != nil {
			return ModuleList{}, fmt.Errorf("%w: %q: %v", ErrModuleConfig, p, err)
		}
		l.paths = append(l.paths, filepath.Clean(p))
	}
	return l, nil
}

// LoadModuleList reads the administrator's list at path (see ModuleConfigPath) and
// adds KnownModules. A missing file is no error: then only the known drivers are
// allowed. A line that is not an absolute local path is (ErrModuleConfig), so that
// a typo does not pass unnoticed.
func LoadModuleList(path string) (ModuleList, error) {
	l, err := NewModuleList(KnownModules()...)
	if err != nil {
		return ModuleList{}, err
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return ModuleList{}, fmt.Errorf("sign: read PKCS#11 module list %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxModuleConfig+1))
	if err != nil {
		return ModuleList{}, fmt.Errorf("sign: read PKCS#11 module list %s: %w", path, err)
	}
	if len(data) > maxModuleConfig {
		return ModuleList{}, fmt.Errorf("%w: %s is larger than %d bytes", ErrModuleConfig, path, maxModuleConfig)
	}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := localAbsolute(line); err != nil {
			return ModuleList{}, fmt.Errorf("%w: %s line %d: %v", ErrModuleConfig, path, n+1, err)
		}
		l.paths = append(l.paths, filepath.Clean(line))
	}
	return l, nil
}

// Paths returns the allowed paths that exist on this PC, for the settings' choice.
func (l ModuleList) Paths() []string {
	var out []string
	for _, p := range l.paths {
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// Check returns nil when module may be loaded: an absolute local path on the
// list, whose file and folders only administrators can change (checked on Unix;
// on Windows the list's folders are those of installed programs). Errors wrap
// ErrModuleNotAllowed, or ErrTokenMissing when a listed module is not installed.
func (l ModuleList) Check(module string) error {
	if err := localAbsolute(module); err != nil {
		return fmt.Errorf("%w: %q: %v", ErrModuleNotAllowed, module, err)
	}
	clean := filepath.Clean(module)
	listed := false
	for _, p := range l.paths {
		if samePath(p, clean) {
			listed = true
			break
		}
	}
	if !listed {
		return fmt.Errorf("%w: %q is not on the list (%s)", ErrModuleNotAllowed, module, ModuleConfigPath())
	}
	if err := adminOnly(clean); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: module %q not installed", ErrTokenMissing, module)
	} else if err != nil {
		return fmt.Errorf("%w: %q: %v", ErrModuleNotAllowed, module, err)
	}
	return nil
}

func samePath(a, b string) bool {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// localAbsolute refuses relative paths and, on every system, paths that Windows
// would fetch from the network or a device (\\host\share, //host/share, \\?\,
// \\.\): loading one sends the user's credentials to another host and runs its code.
func localAbsolute(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case isNetworkPath(p):
		return errors.New("network or device path")
	case strings.ContainsRune(p, 0):
		return errors.New("NUL in path")
	case !filepath.IsAbs(p):
		return errors.New("not an absolute path")
	}
	return nil
}

func isNetworkPath(p string) bool {
	return len(p) >= 2 && (p[0] == '\\' || p[0] == '/') && (p[1] == '\\' || p[1] == '/')
}

// checkModule is OpenPKCS11's gate: cfg.Modules, or when that is the zero value the
// list at ModuleConfigPath with KnownModules. Errors wrap ErrModuleNotAllowed or
// ErrModuleConfig.
func checkModule(cfg TokenConfig) error {
	l := cfg.Modules
	if !l.loaded {
		var err error
		if l, err = LoadModuleList(ModuleConfigPath()); err != nil {
			return fmt.Errorf("sign: open token %q: %w", cfg.TokenLabel, err)
		}
	}
	if err := l.Check(cfg.Module); err != nil {
		return fmt.Errorf("sign: open token %q: %w", cfg.TokenLabel, err)
	}
	return nil
}
