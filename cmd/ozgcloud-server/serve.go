package main

import (
	"context"
	"crypto/tls"
	"errors"
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
		tlsConf = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
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
	stopBackground := startBackground(ctx, bg, sf, svc, log)
	defer stopBackground()
	done := make(chan struct{})
	srv := &http.Server{
		Handler: cloud.NewHandler(svc, cloud.HandlerOptions{Logger: log, Limits: lim, TempDir: tmp, Done: done}),
		// No write timeout: event streams stay open for hours and set their own
		// deadline per write; slow bodies are bounded by their size limits.
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		TLSConfig:         tlsConf,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(func() { close(done) })

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	scheme := "https"
	if *insecure {
		// localhost may resolve to more than a loopback address; check what we got.
		if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
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
