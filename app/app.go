// Package app is the API the desktop UI calls: thin methods that turn UI requests into
// store reads and clerk actions, and store and model errors into German messages.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// Config is what main passes in from flags.
type Config struct {
	DataDir           string
	DemoCases         int    // cases made when the store is new; 0 = none
	DemoSeed          int64  // seed of the demo data; 0 = 1
	Device            string // device code for file numbers
	MaxAttachmentSize int64  // 0 = the store's default (100 MB)
	Now               func() time.Time
	Logger            *slog.Logger
}

// Runtime is what the app needs of the desktop window; main's adapter (wails.go)
// implements it, tests use a fake.
type Runtime interface {
	Emit(event string, data ...any)
	OpenFiles(title string) ([]string, error)
}

// App is the API bound to the UI. Its methods are in api.go.
type App struct {
	cfg   Config
	db    *store.DB
	fatal string
	log   *slog.Logger
	now   func() time.Time
	loc   *time.Location

	mu    sync.Mutex
	clerk model.Clerk
	rt    Runtime

	notify   func(title, body string) error
	openPath func(path string) error

	stop     context.CancelFunc
	watchers sync.WaitGroup

	intake mailIntake // the e-mail intake (mail.go)
	syncr  syncRunner // the sync with the OZG-Cloud (sync.go)
}

// New opens (and on first start fills) the store in cfg.DataDir. It never fails: when
// the store cannot be opened the App answers every call with the reason, and the UI
// shows it (Session().Fatal).
func New(cfg Config) *App {
	a := &App{cfg: cfg, log: cfg.Logger, now: cfg.Now, notify: desktopNotify, openPath: openInOS, rt: nopRuntime{}}
	if a.log == nil {
		a.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if a.now == nil {
		a.now = time.Now
	}
	if err := a.open(); err != nil {
		a.fatal = fatalMessage(err, cfg.DataDir)
		a.log.Error("store not opened", "err", err)
	}
	return a
}

func (a *App) open() error {
	if err := os.MkdirAll(a.cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("app: create data folder: %w", err)
	}
	_, statErr := os.Stat(filepath.Join(a.cfg.DataDir, store.FileName))
	fresh := errors.Is(statErr, os.ErrNotExist)
	db, err := store.Open(store.Options{
		Dir: a.cfg.DataDir, Device: a.cfg.Device, Now: a.now,
		MaxAttachmentSize: a.cfg.MaxAttachmentSize, Logger: a.log,
	})
	if err != nil {
		return err
	}
	a.db, a.loc = db, db.Location()
	if fresh && a.cfg.DemoCases > 0 {
		seed := a.cfg.DemoSeed
		if seed == 0 {
			seed = 1
		}
		start := time.Now()
		if err := demo.Seed(db, a.cfg.DemoCases, seed, a.now()); err != nil {
			return fmt.Errorf("app: demo data: %w", err)
		}
		a.log.Info("demo data created", "cases", a.cfg.DemoCases, "took", time.Since(start))
	}
	return a.loadClerk()
}

// loadClerk picks the clerk the app starts as: the one chosen last, else the first
// Sachbearbeitung clerk, else the first one.
func (a *App) loadClerk() error {
	clerks, err := a.db.Clerks()
	if err != nil {
		return fmt.Errorf("app: clerks: %w", err)
	}
	if len(clerks) == 0 {
		return nil
	}
	id, err := a.db.CurrentClerk()
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	pick := clerks[0]
	for _, c := range clerks {
		if c.Role == model.RoleSachbearbeitung {
			pick = c
			break
		}
	}
	for _, c := range clerks {
		if c.ID == id {
			pick = c
		}
	}
	a.mu.Lock()
	a.clerk = pick
	a.mu.Unlock()
	return nil
}

// Start attaches the window's runtime and starts the follow-up and mail watchers; main calls it
// from Wails' OnStartup (see wails.go).
func Start(a *App, rt Runtime) {
	a.mu.Lock()
	a.rt = rt
	a.mu.Unlock()
	if a.db == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.stop = cancel
	// Subscribed before anything runs, so no change is missed.
	ui, engine := a.db.Subscribe(), a.db.Subscribe()
	a.watchers.Go(func() { a.forwardChanges(ctx, ui) })
	a.watchers.Go(func() {
		_ = engine.Run(ctx, func(c store.Change) {
			// A local write queued mutations: push them now, not at the next poll.
			if c.Outbox {
				a.syncNotify()
			}
		})
	})
	a.watchers.Add(1)
	go func() {
		defer a.watchers.Done()
		a.watchFollowUps(ctx, time.Minute)
	}()
	a.watchers.Add(1)
	go func() {
		defer a.watchers.Done()
		a.runMail(ctx)
	}()
	a.watchers.Add(1)
	go func() {
		defer a.watchers.Done()
		a.runSync(ctx)
	}()
}

// Stop ends the watchers and closes the store.
func Stop(a *App) {
	if a.stop != nil {
		a.stop()
	}
	a.watchers.Wait()
	if a.db != nil {
		if err := a.db.Close(); err != nil {
			a.log.Error("close store", "err", err)
		}
	}
}

func (a *App) current() model.Clerk {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.clerk
}

func (a *App) runtime() Runtime {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rt
}

func (a *App) today() time.Time { return model.Day(a.now(), a.loc) }

func (a *App) ready() error {
	if a.db == nil {
		return &Error{Code: CodeFatal, Message: a.fatal}
	}
	return nil
}

type nopRuntime struct{}

func (nopRuntime) Emit(string, ...any)                {}
func (nopRuntime) OpenFiles(string) ([]string, error) { return nil, nil }
