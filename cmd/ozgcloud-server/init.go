package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/pgstore"
)

func cmdInit(ctx context.Context, args []string, out io.Writer) error {
	var sf storeFlags
	fset := newFlags("init", &sf)
	certPath := fset.String("cert", "", "TLS certificate (PEM) to use instead of a self-signed one")
	keyPath := fset.String("key", "", "its private key (PEM)")
	hosts := fset.String("hosts", "", "extra DNS names or IP addresses for the self-signed certificate, comma-separated")
	if err := parse(fset, args); err != nil {
		return err
	}
	if sf.data == "" {
		return fmt.Errorf("%w: init needs --data DIR", errUsage)
	}
	if (*certPath == "") != (*keyPath == "") {
		return fmt.Errorf("%w: --cert and --key go together", errUsage)
	}
	dir, err := filepath.Abs(sf.data)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, configFile)); err == nil {
		return fmt.Errorf("%s is already set up (%s exists)", dir, configFile)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}

	// The storage first: a wrong PostgreSQL URL should fail before files are made.
	var st cloud.Storage
	if sf.postgres != "" {
		if st, err = pgstore.Open(ctx, sf.postgres); err != nil {
			return err
		}
		fmt.Fprintln(out, "Speicher: PostgreSQL (Schema angelegt)")
	} else {
		path := filepath.Join(dir, dbFile)
		if st, err = boltstore.Open(path); err != nil {
			return err
		}
		fmt.Fprintf(out, "Speicher: %s\n", path)
	}
	// The key that signs grants stays in the storage, with everything else the
	// service keeps.
	_, err = cloud.New(st, cloud.Options{Logger: slog.New(slog.DiscardHandler)}).GrantPublicKey(ctx)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Schlüssel für Anmeldeberechtigungen (Ed25519): angelegt")

	var cfg config
	var der []byte
	if *certPath != "" {
		c, err := loadCert(*certPath, *keyPath)
		if err != nil {
			return err
		}
		der = c.Certificate[0]
		if cfg.Cert, err = filepath.Abs(*certPath); err != nil {
			return err
		}
		if cfg.Key, err = filepath.Abs(*keyPath); err != nil {
			return err
		}
	} else {
		tlsDir := filepath.Join(dir, "tls")
		if err := os.MkdirAll(tlsDir, 0o700); err != nil {
			return fmt.Errorf("create tls folder: %w", err)
		}
		cfg.Cert, cfg.Key = filepath.Join(tlsDir, "cert.pem"), filepath.Join(tlsDir, "key.pem")
		var extra []string
		if *hosts != "" {
			extra = strings.Split(*hosts, ",")
		}
		if der, err = selfSigned(cfg.Cert, cfg.Key, extra, time.Now(), rand.Reader); err != nil {
			return err
		}
	}
	if err := writeConfig(dir, cfg); err != nil {
		return fmt.Errorf("write %s: %w", configFile, err)
	}
	fmt.Fprintf(out, "Datenordner: %s\n", dir)
	fmt.Fprintf(out, "TLS-Zertifikat: %s\n", cfg.Cert)
	// Last, so a script can take it as the last word.
	fmt.Fprintf(out, "SHA-256-Fingerabdruck des Zertifikats: %s\n", Fingerprint(der))
	return nil
}
