package app

import (
	"strings"
	"testing"
)

// TestDevPolicy: only `wails dev` widens the policy, and only for Vite's inline
// styles and its reload socket on this machine; scripts stay the app's own.
func TestDevPolicy(t *testing.T) {
	prod, dev := PagePolicy(false), PagePolicy(true)
	if strings.Contains(prod, "unsafe") || strings.Contains(prod, "ws:") {
		t.Errorf("production policy widened: %q", prod)
	}
	if !strings.Contains(dev, "style-src 'self' 'unsafe-inline'") || !strings.Contains(dev, "connect-src 'self' ws://localhost:*") {
		t.Errorf("dev policy: %q", dev)
	}
	if !strings.Contains(dev, "script-src 'self';") || strings.Contains(dev, "unsafe-eval") {
		t.Errorf("dev policy lets other scripts run: %q", dev)
	}
}
