package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// ErrPlainHTTP: an http:// address that is not a loopback IP address written as
// such. Over plain HTTP the device token and every case would travel in clear
// text, so it is allowed only for a test server on this PC; "localhost" is not
// enough, since a name can resolve elsewhere.
var ErrPlainHTTP = errors.New("client: http:// only to a loopback IP address (127.0.0.1, ::1); use https://")

// plainAllowed reports whether host (without port) is a loopback IP literal:
// 127.0.0.0/8 or ::1.
func plainAllowed(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// dialLoopback is the dialer of plain-HTTP transports: whatever the URL said, it
// connects only to a loopback IP address.
func dialLoopback(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !plainAllowed(host) {
		return nil, fmt.Errorf("%w: dial %s", ErrPlainHTTP, addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// checkRedirect refuses a redirect to plain HTTP anywhere but loopback, which
// would carry the request (and on the same host its headers) in clear text.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "https" && !plainAllowed(req.URL.Hostname()) {
		return fmt.Errorf("%w: redirect to %s", ErrPlainHTTP, req.URL.Redacted())
	}
	if len(via) >= 10 {
		return errors.New("client: stopped after 10 redirects")
	}
	return nil
}
