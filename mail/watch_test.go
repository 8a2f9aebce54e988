package mail

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWatcherDovecot(t *testing.T) {
	s := needDovecot(t)
	cfg := s.config(t, TLSNone)
	raw := rawClient(t, cfg)
	statuses := make(chan Status, 16)
	store := &nullStore{}
	w := &Watcher{
		Config:   cfg,
		Importer: &Importer{Ledger: NewMemLedger(), Commit: store, Folder: "INBOX", TempDir: t.TempDir()},
		Status:   func(s Status) { statuses <- s },
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	if s := <-statuses; s.Err != nil || s.Imported != 0 {
		t.Fatalf("first check: %+v", s)
	}
	sent := time.Now()
	appendMails(t, raw, "INBOX", nil, corpus(t, "thunderbird.eml")...)
	select {
	case s := <-statuses:
		if s.Err != nil || s.Imported != 1 {
			t.Fatalf("after new mail: %+v", s)
		}
		// IDLE itself must report within 2 s (TestDovecotIdle); this includes the
		// import, on a machine that may be busy with other tests.
		if d := time.Since(sent); d > 4*time.Second {
			t.Fatalf("new mail imported after %s", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("new mail not imported")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
}

func TestWatcherBacksOff(t *testing.T) {
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	statuses := make(chan Status, 16)
	w := &Watcher{
		Config:   Config{Host: "127.0.0.1", Port: port, TLS: TLSNone, Timeout: time.Second},
		Importer: &Importer{Ledger: NewMemLedger(), Commit: &nullStore{}, Folder: "INBOX", TempDir: t.TempDir()},
		Status:   func(s Status) { statuses <- s },
		Rand:     func() float64 { return 0 },
	}
	if d := w.backoff(1); d != time.Second {
		t.Fatalf("first backoff %s", d)
	}
	if d := w.backoff(30); d != 150*time.Second {
		t.Fatalf("largest backoff %s", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	s := <-statuses
	if !errors.Is(s.Err, ErrUnreachable) {
		t.Fatalf("status %+v", s)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not stop while backing off")
	}
}
