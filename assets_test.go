package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// directives parses a Content-Security-Policy into its directives' source lists.
func directives(policy string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[f[0]] = f[1:]
		}
	}
	return out
}

// TestPagePolicy: the page served with main's asset options (Wails wraps its asset
// handler, the page and /files/ in their Middleware) carries the strict policy: scripts, styles, images, workers and connections only
// from the app, no eval or inline script, no objects, no frames, no form or base
// elsewhere; the preview's files keep their sandbox; index.html has no inline script.
func TestPagePolicy(t *testing.T) {
	files := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "sandbox")
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7"))
	})
	opts := assetOptions(files)
	if opts.Middleware == nil || opts.Assets == nil {
		t.Fatal("main serves the page without its policy")
	}
	// What Wails does with the options, without a web view: the built UI, else the
	// handler, all inside the middleware.
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/files/") {
			opts.Handler.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html>"))
	})
	srv := opts.Middleware(page)
	for _, path := range []string{"/", "/index.html", "/wails/runtime.js"} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		policy := rec.Header().Get("Content-Security-Policy")
		d := directives(policy)
		want := map[string]string{
			"default-src": "'none'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self'",
			"connect-src": "'self'", "worker-src": "'self'", "font-src": "'self'", "object-src": "'none'",
			"frame-src": "'none'", "child-src": "'none'", "frame-ancestors": "'none'", "base-uri": "'none'", "form-action": "'none'",
		}
		for k, v := range want {
			if got := strings.Join(d[k], " "); got != v {
				t.Errorf("%s: %s is %q, want %q (policy %q)", path, k, got, v, policy)
			}
		}
		if strings.Contains(policy, "unsafe") || strings.Contains(policy, "*") || strings.Contains(policy, "data:") || strings.Contains(policy, "blob:") {
			t.Errorf("%s: policy allows more than the app: %q", path, policy)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/files/c/f", nil))
	if p := rec.Header().Get("Content-Security-Policy"); p != "sandbox" {
		t.Errorf("/files/: policy %q, want sandbox", p)
	}

	html, err := os.ReadFile("frontend/index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range regexp.MustCompile(`(?is)<script[^>]*>`).FindAllString(string(html), -1) {
		if !strings.Contains(tag, "src=") {
			t.Errorf("inline script in index.html: %s", tag)
		}
	}
	if regexp.MustCompile(`(?i)\son[a-z]+=`).Match(html) {
		t.Error("an inline event handler in index.html")
	}
}
