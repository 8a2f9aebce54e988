package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ozgcloud/desktop/cloud"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var sf storeFlags
	fs := newFlags("serve", &sf)
	addr := fs.String("addr", "127.0.0.1:8443", "address to listen on (host:port)")
	insecure := fs.Bool("insecure-loopback", false, "serve plain HTTP; only on a loopback address, for tests and demos")
	certPath := fs.String("cert", "", "TLS certificate (PEM); default the one init recorded")
	keyPath := fs.String("key", "", "its private key (PEM)")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	grace := fs.Duration("shutdown-timeout", 10*time.Second, "how long running requests may finish after SIGTERM")
	var lim cloud.Limits
	fs.Int64Var(&lim.IntakeFormData, "intake-max-formdata", 0, "bytes of an intake formData part (0: default)")
	fs.Int64Var(&lim.IntakeRepresentation, "intake-max-representation", 0, "bytes of an intake representation (0: default)")
	fs.Int64Var(&lim.IntakeAttachment, "intake-max-attachment", 0, "bytes of one intake attachment (0: default)")
	fs.IntVar(&lim.IntakeAttachments, "intake-max-attachments", 0, "attachments per intake (0: default)")
	fs.Int64Var(&lim.IntakeTotal, "intake-max-total", 0, "bytes of a whole intake body (0: default)")
	var so cloud.ServerOptions
	var rl cloud.RequestLimits
	requestFlags(fs, &so, &rl)
	var bg backgroundFlags
	bg.add(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("%w: --log-level %q", errUsage, *level)
	}
	if (*certPath == "") != (*keyPath == "") {
		return fmt.Errorf("%w: --cert and --key go together", errUsage)
	}

	var tlsConf *tls.Config
	if *insecure {
		if !loopbackAddr(*addr) {
			return fmt.Errorf("%w: --insecure-loopback serves plain HTTP only on a loopback address (127.0.0.1, ::1, localhost), not %q", errUsage, *addr)
		}
	} else {
		cp, kp := *certPath, *keyPath
		if cp == "" {
			if sf.data == "" {
				return fmt.Errorf("%w: serve needs --data DIR (made by init) or --cert and --key", errUsage)
			}
			cfg, err := readConfig(sf.data)
			if err != nil {
				return err
			}
			cp, kp = cfg.Cert, cfg.Key
		}
		cert, err := loadCert(cp, kp)
		if err != nil {
			return err
		}
		tlsConf = cloud.ServerTLS(cert)
	}

	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lvl}))
	st, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	closeStore := sync.OnceValue(st.Close)
	defer closeStore()

	tmp, err := spoolDir(sf.data)
	if err != nil {
		return err
	}
	svc := cloud.New(st, cloud.Options{Logger: log, Limits: lim})
	// An installation from before sign-in gets its grant key now, before a device
	// asks for it.
	if _, err := svc.GrantPublicKey(ctx); err != nil {
		return err
	}
	stopBackground := startBackground(ctx, bg, sf, svc, log)
	defer stopBackground()
	done := make(chan struct{})
	so.TLS, so.Logger = tlsConf, log
	srv := cloud.NewServer(cloud.NewHandler(svc, cloud.HandlerOptions{Logger: log, Limits: lim, TempDir: tmp, Done: done, Requests: rl}), so)
	srv.RegisterOnShutdown(func() { close(done) })

	tcp, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	ln := cloud.Listen(tcp, so)
	scheme := "https"
	if *insecure {
		// localhost may resolve to more than a loopback address; check what we got.
		if ip := tcp.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
			ln.Close()
			return fmt.Errorf("%w: %s is not a loopback address", errUsage, ln.Addr())
		}
		scheme = "http"
	}

	sig, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		if tlsConf != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	url := scheme + "://" + ln.Addr().String()
	log.Info("serving", slog.String("url", url), slog.Bool("tls", tlsConf != nil), slog.String("storage", storageName(sf)))
	fmt.Fprintf(stdout, "OZG-Cloud-Server erreichbar unter %s\n", url)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-sig.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown: requests cut off", slog.String("error", err.Error()))
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	stopBackground()
	if err := closeStore(); err != nil {
		return fmt.Errorf("close storage: %w", err)
	}
	log.Info("stopped")
	return nil
}

func storageName(sf storeFlags) string {
	if sf.postgres != "" {
		return "postgres"
	}
	return "bbolt"
}

// loopbackAddr reports whether host:port names a loopback interface.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// spoolDir is where intake parts wait until the service has stored them: inside the
// data folder (same disk, same permissions as the data), emptied at start, since a
// file left there belongs to a request that died with the previous process.
func spoolDir(data string) (string, error) {
	if data == "" {
		return os.TempDir(), nil
	}
	dir := filepath.Join(data, "tmp")
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("clear %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	return dir, nil
}

// requestFlags defines the flags of the connection and request limits (README,
// "Limits of the central service"); 0 keeps a default, -1 turns a limit off.
func requestFlags(fs *flag.FlagSet, so *cloud.ServerOptions, rl *cloud.RequestLimits) {
	fs.IntVar(&so.MaxConns, "max-conns", 0, fmt.Sprintf("open connections in all (0: %d, -1: no limit)", cloud.DefaultMaxConns))
	fs.IntVar(&so.MaxConnsPerAddr, "max-conns-per-addr", 0, fmt.Sprintf("open connections of one address, IPv6 by /64 (0: %d, -1: no limit; a reverse proxy in front is one address)", cloud.DefaultMaxConnsPerAddr))
	d := cloud.DefaultRequestLimits()
	fs.IntVar(&rl.PerDevice, "max-requests-per-device", 0, fmt.Sprintf("requests of one device or intake credential at once, event streams apart (0: %d, -1: no limit)", d.PerDevice))
	fs.IntVar(&rl.PerAddr, "max-anonymous-per-addr", 0, fmt.Sprintf("requests without a token (enrollment, verification) of one address at once (0: %d, -1: no limit)", d.PerAddr))
	fs.IntVar(&rl.Bodies, "max-bodies", 0, fmt.Sprintf("request bodies read at once (0: %d, -1: no limit)", d.Bodies))
	fs.Int64Var(&rl.BodyMemory, "body-memory", 0, fmt.Sprintf("bytes all request bodies may hold in memory together, one tenant half of it (0: %d, -1: no limit)", d.BodyMemory))
	fs.Int64Var(&rl.TenantUploadRate, "tenant-upload-rate", 0, fmt.Sprintf("bytes per second of request bodies of one tenant, inflated, after a burst of as many (0: %d, -1: no limit)", d.TenantUploadRate))
	fs.IntVar(&rl.GzipRatio, "gzip-max-ratio", 0, fmt.Sprintf("inflated bytes per compressed byte of a gzip body beyond 1 MiB (0: %d, -1: no limit)", d.GzipRatio))
	fs.Int64Var(&rl.MinUploadRate, "min-upload-rate", 0, fmt.Sprintf("bytes per second a request body must average after %s (0: %d, -1: no limit)", d.BodyGrace, d.MinUploadRate))
	fs.IntVar(&rl.Streams, "max-streams", 0, fmt.Sprintf("event streams in all (0: %d, -1: no limit)", d.Streams))
	fs.IntVar(&rl.StreamsPerDevice, "max-streams-per-device", 0, fmt.Sprintf("event streams of one device; a new one ends its oldest (0: %d, -1: no limit)", d.StreamsPerDevice))
	fs.IntVar(&rl.EnrollFailures, "enroll-failures", 0, fmt.Sprintf("failed enrollments one address may make per %s (0: %d, -1: no limit)", d.EnrollWindow, d.EnrollFailures))
	fs.IntVar(&rl.VerifyMisses, "verify-misses", 0, fmt.Sprintf("verifications of unknown codes one address may make per %s (0: %d, -1: no limit)", d.VerifyWindow, d.VerifyMisses))
	fs.IntVar(&rl.SignInFailures, "signin-failures", 0, fmt.Sprintf("failed sign-ins and activations one device may make per %s (0: %d, -1: no limit)", d.SignInWindow, d.SignInFailures))
	fs.IntVar(&rl.SignInUserFailures, "signin-user-failures", 0, fmt.Sprintf("failed sign-ins that may name one user per %s, whatever the device (0: %d, -1: no limit)", d.SignInWindow, d.SignInUserFailures))
}
