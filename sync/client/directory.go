package client

import (
	"context"
	"io"
	"net/http"

	"github.com/ozgcloud/desktop/sync/wire"
)

// Directory is the optional part of a Remote that lists the tenant's clerks and org
// units (wire.PathDirectory). It is not in Remote, so in-process fakes need not
// have it; *HTTP implements it.
type Directory interface {
	Directory(ctx context.Context) (wire.DirectoryResponse, error)
}

var _ Directory = (*HTTP)(nil)

// Directory fetches the tenant's clerks and org units. An older server without the
// path answers a *wire.Error with wire.CodeNotFound.
func (h *HTTP) Directory(ctx context.Context) (wire.DirectoryResponse, error) {
	var resp wire.DirectoryResponse
	err := h.do(ctx, http.MethodGet, wire.PathDirectory, nil, nil, func(r io.Reader) error {
		var err error
		resp, err = wire.DecodeDirectory(r, wire.MaxDirectory)
		return err
	})
	return resp, err
}
