package cloud

import (
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ozgcloud/desktop/cloud/limit"
)

// ServerOptions configure NewServer and Listen; zero fields take defaults, -1 turns
// a connection limit off.
type ServerOptions struct {
	// TLS is the server's TLS configuration (ServerTLS); nil serves plain HTTP.
	TLS    *tls.Config
	Logger *slog.Logger
	// MaxConns bounds the open connections (default 4096), MaxConnsPerAddr those of
	// one address (default 256; a reverse proxy in front is one address).
	MaxConns, MaxConnsPerAddr int
	// HeaderTimeout bounds the TLS handshake and the request head (default 10 s),
	// IdleTimeout a kept-alive connection without a request (default 2 min).
	HeaderTimeout, IdleTimeout time.Duration
	// LogEvery is the interval of the line that counts refused connections
	// (default 1 min).
	LogEvery time.Duration
}

// Defaults of ServerOptions.
const (
	DefaultMaxConns        = 4096
	DefaultMaxConnsPerAddr = 256
	// maxHeaderBytes bounds a request's head: ours are a few hundred bytes, and
	// every slow connection may hold this much while it trickles in.
	maxHeaderBytes = 16 << 10
)

func (o ServerOptions) withDefaults() ServerOptions {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	orDefault(&o.MaxConns, DefaultMaxConns)
	orDefault(&o.MaxConnsPerAddr, DefaultMaxConnsPerAddr)
	orDefault(&o.HeaderTimeout, 10*time.Second)
	orDefault(&o.IdleTimeout, 2*time.Minute)
	orDefault(&o.LogEvery, time.Minute)
	return o
}

// NewServer returns the http.Server of the central service for h. It has no read
// or write timeout, since event streams stay open for hours: the handler gives each
// body and answer a deadline of its own (RequestLimits).
func NewServer(h http.Handler, o ServerOptions) *http.Server {
	o = o.withDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: o.HeaderTimeout, // also bounds the TLS handshake
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		TLSConfig:         o.TLS,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
	}
}

// Listen wraps ln so that it hands out at most MaxConns connections, and at most
// MaxConnsPerAddr to one address; refused connections are counted in one log line
// per interval.
func Listen(ln net.Listener, o ServerOptions) *limit.Listener {
	o = o.withDefaults()
	refused := limit.NewTally(o.Logger, "connections refused", o.LogEvery)
	return limit.NewListener(ln, limit.ListenerOptions{Max: o.MaxConns, PerAddr: o.MaxConnsPerAddr, Refused: refused.Add})
}

// ServerTLS returns the TLS configuration of the central service: TLS 1.3, or TLS
// 1.2 with forward secrecy and AEAD ciphers only (no CBC, no SHA-1, no RSA key
// exchange). Go picks the highest version both sides speak, so TLS 1.3 is
// preferred; its suites are all AEAD and not configurable.
func ServerTLS(certs ...tls.Certificate) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: certs,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
	}
}
