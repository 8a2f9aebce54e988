package client

import (
	"context"
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
	return call(ctx, h, http.MethodGet, wire.PathDirectory, nil, wire.DecodeDirectory, wire.MaxDirectory)
}
