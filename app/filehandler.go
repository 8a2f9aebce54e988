package app

import (
	"errors"
	"mime"
	"net/http"
	"os"

	"github.com/ozgcloud/desktop/filekind"
	"github.com/ozgcloud/desktop/model"
)

// FileHandler serves attachments to the UI's inline preview at /files/{case}/{file}:
// only PDFs and PNG, JPEG and GIF images, under the media type their content shows
// (never the one the sender declared), with nosniff and a sandbox policy, so that
// nothing served can run in the app's page. Everything else is 403. main passes it
// to the Wails asset server; it serves nothing else.
func FileHandler(a *Attachments) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /files/{case}/{file}", func(w http.ResponseWriter, r *http.Request) {
		// Nothing of a case before a clerk signed in, nor while the window is locked.
		if _, err := a.me(); err != nil {
			http.Error(w, "Bitte melden Sie sich an.", http.StatusForbidden)
			return
		}
		j, err := a.files.judge(r.PathValue("case"), r.PathValue("file"))
		if e := (*Error)(nil); errors.As(err, &e) && e.Code != CodeNotFound {
			http.Error(w, e.Message, http.StatusForbidden) // say a quarantined file, for one
			return
		}
		if err != nil {
			http.Error(w, "Datei nicht gefunden", http.StatusNotFound)
			return
		}
		inline := j.kind.InlineType()
		if inline == "" || j.kind.Verdict == filekind.Dangerous || j.kind.Verdict == filekind.Suspicious {
			http.Error(w, "Diese Datei wird nicht in der Vorschau gezeigt.", http.StatusForbidden)
			return
		}
		f, err := os.Open(j.blob)
		if err != nil {
			http.Error(w, "Datei nicht lesbar", http.StatusNotFound)
			return
		}
		defer f.Close()
		h := w.Header()
		h.Set("Content-Type", inline)
		h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": model.CleanFileName(j.at.Name, "")}))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "sandbox")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Cache-Control", "private, max-age=31536000, immutable")
		http.ServeContent(w, r, "", j.at.AddedAt, f)
	})
	return mux
}
