package main

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/ozgcloud/desktop/cloud"
)

// Windows has no owner-only Unix socket permissions (AF_UNIX files take the
// folder's ACL), so the server offers no admin socket there: with bbolt, stop the
// server for administration, or use PostgreSQL. Not tested (see README).

func adminSocketPath(data string) string { return "" }

type adminSocket struct{}

func listenAdmin(string, *cloud.Service, *slog.Logger) (*adminSocket, error) {
	return nil, errors.New("admin socket: not available on Windows; stop the server for administration or use PostgreSQL")
}

func (*adminSocket) Run(ctx context.Context) error { return nil }

func callAdmin(context.Context, string, []string, io.Writer) (bool, error) { return false, nil }
