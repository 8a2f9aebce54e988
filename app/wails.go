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

func (r wailsRuntime) Confirm(title, message string) (bool, error) {
	answer, err := wruntime.MessageDialog(r.ctx, wruntime.MessageDialogOptions{
		Type: wruntime.QuestionDialog, Title: title, Message: message, DefaultButton: "No",
	})
	return answer == "Yes", err
}

// AttachWails attaches the Wails window of ctx (Wails' OnStartup context) to w and
// takes files dropped onto it (main sets DragAndDrop.EnableFileDrop). Wails delivers
// a drop's paths as a message that the page could also send, so a drop is added only
// after the clerk confirmed it in a native dialog (Attachments.AddDroppedFiles).
func AttachWails(w *Window, ctx context.Context) {
	w.Attach(wailsRuntime{ctx: ctx})
	wruntime.OnFileDrop(ctx, func(_, _ int, paths []string) { w.Dropped(paths) })
}
