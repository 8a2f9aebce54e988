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

func (r wailsRuntime) SaveFile(title, name string) (string, error) {
	return wruntime.SaveFileDialog(r.ctx, wruntime.SaveDialogOptions{Title: title, DefaultFilename: name})
}

// AttachWails attaches the Wails window of ctx (Wails' OnStartup context) to w.
func AttachWails(w *Window, ctx context.Context) { w.Attach(wailsRuntime{ctx: ctx}) }
