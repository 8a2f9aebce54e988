// Package client is the desktop's sync engine: it pushes the store's outbox to the
// central service, pulls the tenant's change log into the store, moves attachments in
// chunks both ways, and reports its state for the status bar.
package client

import (
	"context"
	"errors"

	"github.com/ozgcloud/desktop/sync/wire"
)

// Remote is the central service as the engine uses it. *HTTP implements it over the
// network; tests use in-process fakes.
type Remote interface {
	Push(ctx context.Context, req wire.PushRequest) (wire.PushResponse, error)
	Changes(ctx context.Context, cursor uint64, limit int) (wire.ChangesResponse, error)
	// Events returns the tenant's latest change seq whenever it grows (see
	// wire.EventSeq); the channel is closed when the stream ends.
	Events(ctx context.Context) (<-chan uint64, error)
	MissingChunks(ctx context.Context, req wire.MissingChunksRequest) (wire.MissingChunksResponse, error)
	PutChunk(ctx context.Context, sha string, index int, data []byte) error
	Chunk(ctx context.Context, sha string, index int) ([]byte, error)
}

// Errors of the engine and the HTTP remote.
var (
	// ErrOffline: the central service could not be reached (network, DNS, TLS
	// handshake timeout, connection dropped mid-answer). Always retried.
	ErrOffline = errors.New("client: central service unreachable")
	// ErrFingerprint: the server's certificate is not the one the clerk confirmed.
	ErrFingerprint = errors.New("client: server certificate does not match the confirmed fingerprint")
	// ErrProtocol: the server answered something the protocol does not allow (a
	// page not after the cursor, a push answer that does not advance, a chunk of the
	// wrong size or content).
	ErrProtocol = errors.New("client: server broke the protocol")
	// ErrState: the store's sync state could not be read (Status.LastErr).
	ErrState = errors.New("client: sync state unreadable")
)

// offlineError marks a transport failure; errors.Is(err, ErrOffline) holds.
type offlineError struct{ err error }

func (e *offlineError) Error() string        { return "client: offline: " + e.err.Error() }
func (e *offlineError) Unwrap() error        { return e.err }
func (e *offlineError) Is(target error) bool { return target == ErrOffline }

// Retryable reports whether the same request may succeed later without anything
// changing on this PC: transport failures and the server's transient errors.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, ErrOffline) {
		return true
	}
	var we *wire.Error
	if errors.As(err, &we) {
		return we.Code.Retryable()
	}
	return false
}
