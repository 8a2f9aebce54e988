// Command ozgcloud-desktop is the OZG-Cloud Desktop client: it opens the local case
// store and shows the clerk's UI in a Wails window. This file is the only place that
// wires things together: the store, the app's services bound to the window, and the
// long-running parts, which run with one context from the window's start to its end.
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/ozgcloud/desktop/app"
	"github.com/ozgcloud/desktop/clamav"
	"github.com/ozgcloud/desktop/datadir"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/session"
	"github.com/ozgcloud/desktop/store"
)

//go:embed all:frontend/dist
var assets embed.FS

// errNoHome is returned when neither the environment nor the OS names a home folder.
var errNoHome = errors.New("no home folder")

// config is what the flags say.
type config struct {
	dataDir           string
	demo              bool  // a demo store: Gemeinde Musterhausen, its clerks and demoCases cases
	demoCases         int   // cases of a new demo store
	demoSeed          int64 // 0 = 1
	device            string
	maxAttachmentSize int64
	enroll            string        // URL,CODE,FINGERPRINT; see enroll.go
	idleLock          time.Duration // 0 = the administration's setting; for tests
	clamd             string        // the virus scanner: auto, off, a socket path or a loopback address (clamav.Configure)
	now               func() time.Time
	log               *slog.Logger
}

// parseFlags reads the command line; the error is for the terminal (exit 2).
func parseFlags(args []string, defaultDir string, out io.Writer) (config, error) {
	fs := flag.NewFlagSet("ozgcloud-desktop", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg := config{}
	fs.StringVar(&cfg.dataDir, "data-dir", defaultDir, "folder of the local case store")
	fs.BoolVar(&cfg.demo, "demo", false, "a demo store: a new data folder gets Gemeinde Musterhausen, its clerks, a demo key and --demo-cases cases")
	fs.IntVar(&cfg.demoCases, "demo-cases", 500, "demo cases in a new demo store (with --demo)")
	fs.StringVar(&cfg.device, "device", "A7", "device code of this PC, unique in the municipality")
	maxMB := fs.Int("max-attachment-mb", 100, "largest attachment accepted, in MB")
	fs.StringVar(&cfg.enroll, "enroll", "", "connect this PC to the OZG-Cloud before starting: URL,CODE,FINGERPRINT (see enroll.go)")
	idle := fs.Int("idle-lock-seconds", 0, "for tests: lock the window after this many seconds without input instead of the administration's time")
	fs.StringVar(&cfg.clamd, "clamd", clamav.SettingAuto, "virus scanner for incoming files: auto (the installed ClamAV's clamd), off, clamd's socket path, or 127.0.0.1:PORT")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	demoCasesSet := false
	fs.Visit(func(f *flag.Flag) { demoCasesSet = demoCasesSet || f.Name == "demo-cases" })
	switch {
	case fs.NArg() > 0:
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case cfg.dataDir == "":
		return cfg, errors.New("no data folder: pass --data-dir")
	case *maxMB < 1:
		return cfg, errors.New("--max-attachment-mb must be at least 1")
	case demoCasesSet && !cfg.demo:
		return cfg, errors.New("--demo-cases makes cases only in a demo store: add --demo")
	case cfg.demoCases < 0:
		return cfg, errors.New("--demo-cases must not be negative")
	case *idle < 0:
		return cfg, errors.New("--idle-lock-seconds must not be negative")
	}
	cfg.idleLock = time.Duration(*idle) * time.Second
	cfg.maxAttachmentSize = int64(*maxMB) << 20
	return cfg, nil
}

func main() {
	def, derr := defaultDataDir(runtime.GOOS, os.Getenv, os.UserHomeDir)
	cfg, err := parseFlags(os.Args[1:], def, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		if derr != nil {
			err = fmt.Errorf("%w (%v)", err, derr)
		}
		fmt.Fprintf(os.Stderr, "ozgcloud-desktop: %v\n", err)
		os.Exit(2)
	}
	cfg.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	cfg.now = time.Now
	if runtime.GOOS == "windows" && cfg.dataDir == def {
		moveRoamingStore(os.Getenv("APPDATA"), cfg.dataDir, cfg.log) // datadir.go
	}

	var d *desktop
	if generatingBindings {
		// wails generate module runs this binary only to read the bound services.
		d = &desktop{win: &app.Window{}, bind: services(app.Env{Window: &app.Window{}}).bind}
	} else {
		d = open(cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	err = wails.Run(&options.App{
		Title:     "OZG-Cloud Desktop",
		Width:     1280,
		Height:    800,
		MinWidth:  1024,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Assets:  assets,
			Handler: d.files,
		},
		BackgroundColour: &options.RGBA{R: 250, G: 251, B: 252, A: 255},
		OnStartup: func(wctx context.Context) {
			app.AttachWails(d.win, wctx)
			d.start(ctx, &wg)
		},
		OnShutdown: func(context.Context) {
			cancel()
			wg.Wait()
			d.close()
		},
		Bind:        d.bind,
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true},
		Linux:       &linux.Options{ProgramName: "ozgcloud-desktop"},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ozgcloud-desktop: %v\n", err)
		os.Exit(1)
	}
}

// desktop is everything main wires for one window: the store, the services bound to
// the window, the handler of the attachments' inline preview, and the long-running
// parts.
type desktop struct {
	db      *store.DB // nil when the store could not be opened
	win     *app.Window
	bind    []any
	files   http.Handler
	runners []func(context.Context) error
	log     *slog.Logger
}

// open opens (and with --demo on a new folder fills, with --enroll connects) the store
// and wires the desktop. It never fails: when the store cannot be opened, the window
// shows only why (the Desk's Session says it) and nothing else is bound.
func open(cfg config) *desktop {
	win := &app.Window{}
	db, err := openStore(cfg)
	if err != nil {
		cfg.log.Error("store not opened", "err", err)
		return &desktop{win: win, bind: []any{app.NewFatalDesk(cfg.dataDir, err)}, log: cfg.log}
	}
	// The Desk asks the sync runner whether the OZG-Cloud is reachable; the runner is
	// made after it, before anything runs.
	var s wired
	desk := session.New(session.Options{
		DB: db, Remote: app.SignInRemote(db), Online: func() bool { return s.syncRunner.Online() },
		IdleLock: cfg.idleLock, Now: cfg.now, Log: cfg.log, OnChange: app.SessionEvents(win),
	})
	env := app.Env{DB: db, Desk: desk, Window: win, DataDir: cfg.dataDir, Now: cfg.now, Log: cfg.log}
	clamd, clamdErr := scanner(cfg)
	env.Scan = app.NewScan(env, clamd, clamdErr)
	s = services(env)
	// Subscribed now, before the window can write anything.
	forwarder := app.NewChangeForwarder(db, win)
	engineFeed := db.Subscribe()
	notifyEngine := func(ctx context.Context) error {
		return engineFeed.Run(ctx, func(c store.Change) {
			// A local write queued mutations: push them now, not at the next poll.
			if c.Outbox {
				s.syncRunner.Notify()
			}
		})
	}
	return &desktop{
		db: db, win: win, bind: s.bind, files: app.FileHandler(s.attachments), log: cfg.log,
		runners: []func(context.Context) error{
			forwarder.Run, notifyEngine, s.intake.Run, s.syncRunner.Run, app.NewFollowUpWatcher(env).Run, desk.Run, env.Scan.Run,
		},
	}
}

// scanner returns the virus scanner the --clamd setting names, nil when there is
// none, or the error of a setting that names none that can be used (then files stay
// "nicht geprüft").
func scanner(cfg config) (*clamav.Scanner, error) {
	s, err := clamav.Configure(cfg.clamd, runtime.GOOS, os.Getenv, os.ReadFile)
	if err != nil {
		cfg.log.Error("virus scanner setting names no usable clamd", "err", err)
		return nil, err
	}
	if s == nil {
		cfg.log.Info("no virus scanner (ClamAV) on this PC")
	} else {
		cfg.log.Info("virus scanner", "socket", s.Socket, "tcp", s.TCP)
	}
	return s, nil
}

// wired is the services of one store.
type wired struct {
	bind        []any // bound to the window, in this order
	attachments *app.Attachments
	intake      *app.MailIntake
	syncRunner  *app.SyncRunner
}

func services(env app.Env) wired {
	w := wired{attachments: app.NewAttachments(env), intake: app.NewMailIntake(env), syncRunner: app.NewSyncRunner(env)}
	w.bind = []any{
		app.NewDesk(env), app.NewUsers(env), app.NewSubstitution(env, w.syncRunner.SendAbsences),
		app.NewCases(env), w.attachments, app.NewLetters(env), app.NewDecisions(env),
		app.NewSigning(env), app.NewPrinting(env), app.NewMailbox(env, w.intake), app.NewSync(env, w.syncRunner),
	}
	return w
}

// openStore opens the store in cfg.dataDir; with --demo a new store becomes the demo
// municipality, and with --enroll the PC is connected before the window opens.
func openStore(cfg config) (*store.DB, error) {
	// Made, or checked (a real folder of this user, for nobody else) before use.
	if err := datadir.Prepare(cfg.dataDir, cfg.log); err != nil {
		return nil, err
	}
	_, statErr := os.Stat(filepath.Join(cfg.dataDir, store.FileName))
	fresh := errors.Is(statErr, os.ErrNotExist)
	db, err := store.Open(store.Options{
		Dir: cfg.dataDir, Device: cfg.device, Now: cfg.now, MaxAttachmentSize: cfg.maxAttachmentSize, Logger: cfg.log,
	})
	if err != nil {
		return nil, err
	}
	if cfg.demo && fresh {
		seed := cfg.demoSeed
		if seed == 0 {
			seed = 1
		}
		start := time.Now()
		if err := demo.Seed(db, cfg.demoCases, seed, cfg.now()); err != nil {
			db.Close()
			return nil, fmt.Errorf("demo data: %w", err)
		}
		if err := demo.SeedPasswords(db, identity.DefaultParams); err != nil {
			db.Close()
			return nil, fmt.Errorf("demo data: %w", err)
		}
		cfg.log.Info("demo data created", "cases", cfg.demoCases, "took", time.Since(start))
	}
	if cfg.enroll != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		msg, err := enrollStore(ctx, db, cfg.enroll)
		cancel()
		if err != nil {
			db.Close()
			return nil, err
		}
		fmt.Println("OZG-Cloud:", msg)
	}
	return db, nil
}

// start runs the long-running parts with ctx; wg waits for them.
func (d *desktop) start(ctx context.Context, wg *sync.WaitGroup) {
	for _, run := range d.runners {
		wg.Go(func() {
			if err := run(ctx); err != nil {
				d.log.Error("stopped", "err", err)
			}
		})
	}
}

// close closes the store once everything that used it has stopped.
func (d *desktop) close() {
	if d.db != nil {
		if err := d.db.Close(); err != nil {
			d.log.Error("close store", "err", err)
		}
	}
}

// defaultDataDir returns the OS's per-user data folder for the app: XDG_DATA_HOME (or
// ~/.local/share) on Linux and other Unixes, %LOCALAPPDATA% on Windows (not the
// roaming %APPDATA%, which roaming profiles copy between PCs: see datadir.go),
// Application Support on macOS. It returns errNoHome when none can be found.
func defaultDataDir(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	switch goos {
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "OZG-Cloud Desktop"), nil
		}
		h, err := home()
		if err != nil || h == "" {
			return "", fmt.Errorf("data dir: %%LOCALAPPDATA%% unset: %w", errNoHome)
		}
		return filepath.Join(h, "AppData", "Local", "OZG-Cloud Desktop"), nil
	case "darwin":
		h, err := home()
		if err != nil || h == "" {
			return "", fmt.Errorf("data dir: %w", errNoHome)
		}
		return filepath.Join(h, "Library", "Application Support", "OZG-Cloud Desktop"), nil
	default:
		// XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "ozgcloud-desktop"), nil
		}
		h, err := home()
		if err != nil || h == "" {
			return "", fmt.Errorf("data dir: $HOME unset: %w", errNoHome)
		}
		return filepath.Join(h, ".local", "share", "ozgcloud-desktop"), nil
	}
}
