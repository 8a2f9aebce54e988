package app

import (
	"context"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// This is the one file of the app that imports Wails: it adapts the window's runtime
// to the Runtime interface, so everything else runs in tests without a window.

type wailsRuntime struct{ ctx context.Context }

func (r wailsRuntime) Emit(event string, data ...any) { wruntime.EventsEmit(r.ctx, event, data...) }

func (r wailsRuntime) OpenFiles(title string) ([]string, error) {
	return wruntime.OpenMultipleFilesDialog(r.ctx, wruntime.OpenDialogOptions{Title: title})
}

// OnStartup returns the Wails OnStartup hook that attaches the window to a.
func OnStartup(a *App) func(ctx context.Context) {
	return func(ctx context.Context) { Start(a, wailsRuntime{ctx: ctx}) }
}

// OnShutdown returns the Wails OnShutdown hook that stops a and closes its store.
func OnShutdown(a *App) func(ctx context.Context) {
	return func(context.Context) { Stop(a) }
}
