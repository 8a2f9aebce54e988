package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Issue 17: the device token and every case would travel in clear text over
// http://, so plain HTTP is only for a test server on this PC, by IP address.
func TestDialPlainHTTPOnlyToLoopbackIP(t *testing.T) {
	for _, tc := range []struct {
		server string
		ok     bool
	}{
		{"http://127.0.0.1:8443", true},
		{"http://127.8.9.10:8443", true},
		{"http://[::1]:8443", true},
		{"http://[::ffff:127.0.0.1]:8443", true},
		{"https://localhost:8443", true},
		{"https://ozgcloud.landkreis.example", true},
		{"https://10.0.0.5:8443", true},
		{"http://localhost:8443", false},
		{"http://LOCALHOST", false},
		{"http://10.0.0.5:8443", false},
		{"http://192.168.1.20", false},
		{"http://[::ffff:10.0.0.1]:8443", false},
		{"http://[fe80::1%25eth0]:8443", false},
		{"http://127.0.0.1.nip.io:8443", false},
		{"http://ozgcloud.landkreis.example", false},
		{"http://0.0.0.0:8443", false},
	} {
		_, err := Dial(tc.server, "token", TLS{})
		if tc.ok != (err == nil) || (!tc.ok && !errors.Is(err, ErrPlainHTTP)) {
			t.Errorf("Dial(%q) = %v, want ok=%v", tc.server, err, tc.ok)
		}
		if !tc.ok {
			if _, _, err := Enroll(context.Background(), tc.server, "ABCD-EFGH", TLS{}); !errors.Is(err, ErrPlainHTTP) {
				t.Errorf("Enroll(%q) = %v", tc.server, err)
			}
		}
	}
}

// The dialer checks again, whatever the URL said: a name, a redirect.
func TestPlainHTTPDialerRefusesNames(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "nein", http.StatusTeapot)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	h, err := Dial(srv.URL, "geheimes-token", TLS{})
	if err != nil {
		t.Fatal(err)
	}
	h.base.Host = "localhost:" + port // resolves to the same server, by name
	_, err = h.Changes(context.Background(), 0, 1)
	if !errors.Is(err, ErrPlainHTTP) || errors.Is(err, ErrOffline) {
		t.Fatalf("Changes over http://localhost = %v, want ErrPlainHTTP", err)
	}
	if hits.Load() != 0 {
		t.Fatalf("the server got %d requests", hits.Load())
	}
	if _, err := dialLoopback(context.Background(), "tcp", "10.0.0.5:80"); !errors.Is(err, ErrPlainHTTP) {
		t.Fatalf("dialLoopback(10.0.0.5) = %v", err)
	}
	c, err := dialLoopback(context.Background(), "tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatalf("dialLoopback(loopback) = %v", err)
	}
	c.Close()
}

func TestRedirectToPlainHTTPRefused(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer target.Close()
	_, port, _ := net.SplitHostPort(target.Listener.Addr().String())
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+port+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	h, err := Dial(srv.URL, "geheimes-token", TLS{Fingerprint: CertFingerprint(srv.Certificate())})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Changes(context.Background(), 0, 1)
	if !errors.Is(err, ErrPlainHTTP) || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("Changes with a redirect to http://localhost = %v", err)
	}
	if hits.Load() != 0 {
		t.Fatalf("the plain-HTTP target got %d requests", hits.Load())
	}
}
