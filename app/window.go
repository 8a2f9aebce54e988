package app

import (
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Window is the desktop window as the services see it. Until main attaches the
// window's runtime, events go nowhere and file dialogs choose nothing.
type Window struct {
	mu    sync.Mutex
	rt    Runtime
	drop  fileDrop // the clerk's last drop onto the window, until a service takes it
	drops int
	now   func() time.Time // nil = time.Now
}

// fileDrop is files dropped onto the window, as Wails delivered their paths to Go.
type fileDrop struct {
	id    string
	paths []string
	at    time.Time
}

// dropLife is how long a drop waits for the page to say which case it is for.
const dropLife = 2 * time.Minute

// Attach makes rt the window's runtime.
func (w *Window) Attach(rt Runtime) {
	w.mu.Lock()
	w.rt = rt
	w.mu.Unlock()
}

func (w *Window) runtime() Runtime {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rt
}

func (w *Window) clock() time.Time {
	if w.now != nil {
		return w.now()
	}
	return time.Now()
}

// Emit sends an event to the UI.
func (w *Window) Emit(event string, data ...any) {
	if rt := w.runtime(); rt != nil {
		rt.Emit(event, data...)
	}
}

// OpenFiles asks the clerk for files with the OS dialog; nil when cancelled.
func (w *Window) OpenFiles(title string) ([]string, error) {
	if rt := w.runtime(); rt != nil {
		return rt.OpenFiles(title)
	}
	return nil, nil
}

// SaveFile asks the clerk where to save a file, proposing name, with the OS
// dialog; "" when cancelled.
func (w *Window) SaveFile(title, name string) (string, error) {
	if rt := w.runtime(); rt != nil {
		return rt.SaveFile(title, name)
	}
	return "", nil
}

// confirm asks the clerk in a native dialog; false without a window.
func (w *Window) confirm(title, message string) (bool, error) {
	if rt := w.runtime(); rt != nil {
		return rt.Confirm(title, message)
	}
	return false, nil
}

// chooseOne asks for one file; "" when cancelled. The error is the German *Error of
// a dialog that could not be opened.
func (w *Window) chooseOne(title string) (string, error) {
	paths, err := w.OpenFiles(title)
	if err != nil {
		return "", &Error{Code: CodeUnreadable, Message: msgDialogFailed}
	}
	if len(paths) == 0 {
		return "", nil
	}
	return paths[0], nil
}

// Dropped takes files dropped onto the window (Wails' OnFileDrop, wired in wails.go),
// keeps their paths on the Go side and tells the page their names and the drop's
// number (EventFilesDropped); the page answers with the case they are for
// (Attachments.AddDroppedFiles). A newer drop replaces an older one.
func (w *Window) Dropped(paths []string) {
	if len(paths) == 0 {
		return
	}
	w.mu.Lock()
	w.drops++
	d := fileDrop{id: strconv.Itoa(w.drops), paths: append([]string(nil), paths...), at: w.clock()}
	w.drop = d
	w.mu.Unlock()
	names := make([]string, 0, len(paths))
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	w.Emit(EventFilesDropped, FileDrop{ID: d.id, Names: names})
}

// takeDrop returns the paths of the drop id and forgets them; nil when there is no
// such drop, it was taken already or it is older than dropLife.
func (w *Window) takeDrop(id string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := w.drop
	if d.id == "" || d.id != id || w.clock().Sub(d.at) > dropLife {
		return nil
	}
	w.drop = fileDrop{}
	return d.paths
}

// FileDrop is the payload of EventFilesDropped: which drop, and the files' names
// (never their paths) for the page to show.
type FileDrop struct {
	ID    string   `json:"id"`
	Names []string `json:"names"`
}
