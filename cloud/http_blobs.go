package cloud

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/sync/wire"
)

// blobPath reads the {sha} and, when the route has one, the {index} of a chunk path.
func blobPath(r *http.Request, withIndex bool) (string, int, error) {
	sha := r.PathValue("sha")
	if len(sha) != 64 || strings.ToLower(sha) != sha {
		return "", 0, badRequest("Der Hashwert im Pfad ist kein SHA-256 in Kleinbuchstaben (path needs a lower-case hex SHA-256).")
	}
	if _, err := hex.DecodeString(sha); err != nil {
		return "", 0, badRequest("Der Hashwert im Pfad ist kein SHA-256 in Kleinbuchstaben (path needs a lower-case hex SHA-256).")
	}
	if !withIndex {
		return sha, 0, nil
	}
	n, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || n < 0 || strconv.Itoa(n) != r.PathValue("index") {
		return "", 0, badRequest("Die Nummer des Teilstücks ist ungültig (chunk index must be a non-negative integer).")
	}
	return sha, n, nil
}

func (h *handler) missing(w http.ResponseWriter, r *http.Request, d Device) {
	sha, _, err := blobPath(r, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	serveJSON(h, w, r, bodySpec{max: wire.MaxBodySmall, inMemory: true, tenant: d.Tenant}, wire.DecodeMissingChunks,
		func(req wire.MissingChunksRequest) (wire.MissingChunksResponse, error) {
			if req.SHA256 != sha {
				return wire.MissingChunksResponse{}, badRequest("Der Hashwert im Pfad und im Inhalt unterscheiden sich (sha256 in path and body differ).")
			}
			resp, err := h.s.MissingChunks(r.Context(), d, req)
			if resp.Missing == nil {
				resp.Missing = []int{}
			}
			return resp, err
		})
}

func (h *handler) putChunk(w http.ResponseWriter, r *http.Request, d Device) {
	sha, index, err := blobPath(r, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, done, err := h.body(w, r, bodySpec{max: wire.ChunkSize, inMemory: true, tenant: d.Tenant})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer done()
	data, err := io.ReadAll(io.LimitReader(b, wire.ChunkSize+1))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(data) > wire.ChunkSize {
		h.fail(w, r, tooLarge("Ein Teilstück ist höchstens 1 MiB groß (chunk over wire.ChunkSize)."))
		return
	}
	if err := h.s.PutChunk(r.Context(), d, sha, index, data); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// getChunk serves one chunk; http.ServeContent answers Range and conditional
// requests, so an interrupted download resumes inside the chunk.
func (h *handler) getChunk(w http.ResponseWriter, r *http.Request, d Device) {
	sha, index, err := blobPath(r, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data, err := h.s.Chunk(r.Context(), d, sha, index)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/octet-stream")
	// Blobs are content-addressed: a chunk of a hash never changes.
	hd.Set("ETag", `"`+sha+"-"+strconv.Itoa(index)+`"`)
	hd.Set("Cache-Control", "private, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}
