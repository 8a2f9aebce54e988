package mail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
)

// tlsConfig trusts the CA file of cfg, or the system's CAs without one.
func tlsConfig(cfg Config) (*tls.Config, error) {
	t := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.CAFile == "" {
		return t, nil
	}
	pem, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		return nil, fail(ErrConfig, ReasonCAUnreadable, cfg.CAFile, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fail(ErrConfig, ReasonCANoPEM, cfg.CAFile, nil)
	}
	t.RootCAs = pool
	return t, nil
}

func isCertError(err error) bool {
	var (
		ua  x509.UnknownAuthorityError
		ci  x509.CertificateInvalidError
		he  x509.HostnameError
		cve *tls.CertificateVerificationError
	)
	return errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &he) || errors.As(err, &cve)
}

func tlsError(err error, addr string) error {
	if isCertError(err) {
		return fail(ErrCertificate, ReasonCertificate, addr, err)
	}
	return fail(ErrUnreachable, ReasonNoTLS, addr, err)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
