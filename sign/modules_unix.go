//go:build unix

package sign

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// adminOnly checks that path (after symbolic links) and every folder above it
// belong to root and are not writable by group or others, so that no user can
// put their own library where a listed module is expected.
func adminOnly(path string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("resolve: %w", err)
	}
	for p := real; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("stat: %w", err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok || st.Uid != 0 {
			return fmt.Errorf("%s is not owned by root", p)
		}
		if fi.Mode().Perm()&0o022 != 0 {
			return fmt.Errorf("%s is writable by group or others", p)
		}
		if parent := filepath.Dir(p); parent == p {
			return nil
		}
	}
}
