// Command ozgcloud-desktop is the OZG-Cloud Desktop client: it opens the local case
// store and shows the clerk's UI in a Wails window.
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/ozgcloud/desktop/app"
	"github.com/ozgcloud/desktop/store"
)

//go:embed all:frontend/dist
var assets embed.FS

// errNoHome is returned when neither the environment nor the OS names a home folder.
var errNoHome = errors.New("no home folder")

func main() {
	def, err := defaultDataDir(runtime.GOOS, os.Getenv, os.UserHomeDir)
	if err != nil {
		// Without a default the clerk can still pass --data-dir.
		def = ""
	}
	dataDir := flag.String("data-dir", def, "folder of the local case store")
	demoCases := flag.Int("demo-cases", 500, "demo cases to create when the store is new")
	device := flag.String("device", "A7", "device code of this PC, unique in the municipality")
	maxMB := flag.Int("max-attachment-mb", 100, "largest attachment accepted, in MB")
	enroll := flag.String("enroll", "", "connect this PC to the OZG-Cloud before starting: URL,CODE,FINGERPRINT (see enroll.go)")
	flag.Parse()

	if *dataDir == "" {
		fmt.Fprintf(os.Stderr, "ozgcloud-desktop: no data folder (%v); pass --data-dir\n", err)
		os.Exit(2)
	}
	if *maxMB < 1 {
		fmt.Fprintln(os.Stderr, "ozgcloud-desktop: --max-attachment-mb must be at least 1")
		os.Exit(2)
	}
	if *demoCases < 0 {
		fmt.Fprintln(os.Stderr, "ozgcloud-desktop: --demo-cases must not be negative")
		os.Exit(2)
	}

	if *enroll != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		msg, err := enrollStore(ctx, store.Options{Dir: *dataDir, Device: *device, MaxAttachmentSize: int64(*maxMB) << 20}, *enroll)
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "ozgcloud-desktop: %v\n", err)
			os.Exit(1)
		}
		fmt.Println("OZG-Cloud:", msg)
	}

	a := app.New(app.Config{DataDir: *dataDir, DemoCases: *demoCases, Device: *device, MaxAttachmentSize: int64(*maxMB) << 20})

	err = wails.Run(&options.App{
		Title:     "OZG-Cloud Desktop",
		Width:     1280,
		Height:    800,
		MinWidth:  1024,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Assets:  assets,
			Handler: app.FileHandler(a),
		},
		BackgroundColour: &options.RGBA{R: 250, G: 251, B: 252, A: 255},
		OnStartup:        app.OnStartup(a),
		OnShutdown:       app.OnShutdown(a),
		Bind:             []any{a},
		DragAndDrop:      &options.DragAndDrop{EnableFileDrop: true},
		Linux:            &linux.Options{ProgramName: "ozgcloud-desktop"},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ozgcloud-desktop: %v\n", err)
		os.Exit(1)
	}
}

// defaultDataDir returns the OS's per-user data folder for the app: XDG_DATA_HOME (or
// ~/.local/share) on Linux and other Unixes, %APPDATA% on Windows, Application Support
// on macOS. It returns errNoHome when none can be found.
func defaultDataDir(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	switch goos {
	case "windows":
		if d := getenv("APPDATA"); d != "" {
			return filepath.Join(d, "OZG-Cloud Desktop"), nil
		}
		h, err := home()
		if err != nil || h == "" {
			return "", fmt.Errorf("data dir: %%APPDATA%% unset: %w", errNoHome)
		}
		return filepath.Join(h, "AppData", "Roaming", "OZG-Cloud Desktop"), nil
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
