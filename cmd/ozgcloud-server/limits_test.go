package main

import (
	"crypto/tls"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 11, finding 9 (TLS): TLS 1.2 accepted CBC suites with SHA-1. Now only AEAD
// suites with forward secrecy, and TLS 1.3 when the client speaks it.
func TestServeTLSOnlyAEAD(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ok(t, "init", "--data", data)
	srv := startServer(t, "--data", data, "--addr", "127.0.0.1:0")
	host := strings.TrimPrefix(srv.url, "https://")
	dial := func(c *tls.Config) (*tls.ConnectionState, error) {
		c.InsecureSkipVerify = true // the suites are under test, not the certificate
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", host, c)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		st := conn.ConnectionState()
		return &st, nil
	}
	for _, suite := range []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_RSA_WITH_AES_128_GCM_SHA256, // no forward secrecy
	} {
		if st, err := dial(&tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{suite}}); err == nil {
			t.Errorf("TLS 1.2 handshake with %s accepted (%s)", tls.CipherSuiteName(suite), tls.CipherSuiteName(st.CipherSuite))
		}
	}
	st, err := dial(&tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}})
	if err != nil {
		t.Fatalf("TLS 1.2 with AES-GCM refused: %v", err)
	}
	if st, err = dial(&tls.Config{}); err != nil || st.Version != tls.VersionTLS13 {
		t.Fatalf("default handshake: %v, version %x", err, st.Version)
	}
	if _, err := dial(&tls.Config{MaxVersion: tls.VersionTLS11}); err == nil {
		t.Error("TLS 1.1 accepted")
	}
}

// Issue 11, finding 2 (connections): the number of connections was not limited.
// Now --max-conns and --max-conns-per-addr; a connection over the limit is closed
// before TLS.
func TestServeConnectionLimit(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ok(t, "init", "--data", data)
	srv := startServer(t, "--data", data, "--addr", "127.0.0.1:0", "--max-conns-per-addr", "5")
	host := strings.TrimPrefix(srv.url, "https://")
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for range 5 {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	// The five are idle in their TLS handshake; a sixth is closed at once.
	time.Sleep(200 * time.Millisecond)
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", host, &tls.Config{InsecureSkipVerify: true})
	if err == nil {
		conn.Close()
		t.Fatal("a sixth connection from one address was served")
	}
	held[0].Close()
	held = held[1:]
	// Its place is free again (the server notices the close at once).
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", host, &tls.Config{InsecureSkipVerify: true})
		if err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a freed place was not given again: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
