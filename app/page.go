package app

import (
	"net/http"
	"strings"
)

// The window's page runs the app's own scripts only: no inline script, no eval, no
// plugin, no frame, nothing loaded or sent elsewhere. A file from a stranger that
// reached the page (a pdf.js flaw, an HTML file served by mistake) could otherwise
// call every bound method. Wails' runtime and IPC scripts are files of the app's own
// origin (/wails/runtime.js, /wails/ipc.js); the desktop IPC is a message channel of
// the web view, not a connection, so 'self' covers it.

// pageDirectives is the policy of the production window.
var pageDirectives = [][2]string{
	{"default-src", "'none'"},
	{"script-src", "'self'"},
	{"style-src", "'self'"},
	{"img-src", "'self'"},
	{"font-src", "'self'"},
	{"connect-src", "'self'"},
	{"worker-src", "'self'"},
	{"object-src", "'none'"},
	{"frame-src", "'none'"},
	{"child-src", "'none'"},
	{"frame-ancestors", "'none'"},
	{"base-uri", "'none'"},
	{"form-action", "'none'"},
}

// devDirectives widen the policy under `wails dev` only: Vite and Wails' dev
// overlay insert <style> elements, Vite's reload channel is a WebSocket to its own
// port and the dev IPC one to the dev server.
var devDirectives = map[string]string{
	"style-src":   "'self' 'unsafe-inline'",
	"connect-src": "'self' ws://localhost:* ws://127.0.0.1:*",
}

// PagePolicy returns the Content-Security-Policy of the app's page; dev is true in
// builds for `wails dev` (build tag dev).
func PagePolicy(dev bool) string {
	parts := make([]string, 0, len(pageDirectives))
	for _, d := range pageDirectives {
		v := d[1]
		if w, ok := devDirectives[d[0]]; ok && dev {
			v = w
		}
		parts = append(parts, d[0]+" "+v)
	}
	return strings.Join(parts, "; ")
}

// PageSecurity is the Wails asset server's middleware: every response of the app's
// origin carries the page's policy (the file handler replaces it with its sandbox),
// nosniff and no referrer.
func PageSecurity(next http.Handler) http.Handler {
	policy := PagePolicy(devServer)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", policy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
