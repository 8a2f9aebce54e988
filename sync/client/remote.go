// Package client is the desktop's sync engine: it pushes the store's outbox to the
// central service, pulls the tenant's change log into the store, moves attachments in
// chunks both ways, and reports its state for the status bar.
package client

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/url"

	"github.com/ozgcloud/desktop/store"
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

// Message returns the German sentence the status bar shows for a sync error. It never
// contains citizens' data: server messages are German and data-free by contract, and
// local errors are described, not quoted.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var (
		we  *wire.Error
		ua  x509.UnknownAuthorityError
		hn  x509.HostnameError
		ci  x509.CertificateInvalidError
		ue  *url.Error
		dns *net.DNSError
	)
	switch {
	case errors.Is(err, ErrFingerprint):
		return "Das Zertifikat des Servers stimmt nicht mit dem bestätigten Fingerabdruck überein. Die Verbindung wurde aus Sicherheitsgründen nicht aufgebaut. Bitte verständigen Sie die Administration."
	case errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		return "Dem Zertifikat des Servers wird nicht vertraut. Die Verbindung wurde aus Sicherheitsgründen nicht aufgebaut."
	case errors.As(err, &we):
		switch we.Code {
		case wire.CodeUnauthorized:
			return "Dieser PC ist bei der OZG-Cloud nicht (mehr) angemeldet. Bitte wenden Sie sich an die Administration."
		case wire.CodeEnrollment:
			return "Der Anmeldecode ist unbekannt, schon benutzt oder abgelaufen. Bitte lassen Sie sich einen neuen geben."
		case wire.CodeUnavailable, wire.CodeInternal:
			return "Die OZG-Cloud ist gerade gestört. Ihre Änderungen sind gespeichert; es wird später erneut versucht."
		}
		if we.Message != "" {
			return we.Message
		}
		return "Die OZG-Cloud hat die Anfrage abgelehnt."
	case errors.As(err, &dns):
		return "Der Server der OZG-Cloud wurde nicht gefunden. Bitte prüfen Sie die Adresse und die Internetverbindung."
	case errors.Is(err, ErrOffline), errors.As(err, &ue):
		return "Keine Verbindung zur OZG-Cloud. Ihre Änderungen sind gespeichert und werden übertragen, sobald die Verbindung wieder besteht."
	case errors.Is(err, store.ErrChainBroken):
		return "Die empfangene Historie eines Vorgangs ist nicht schlüssig; die Änderungen wurden nicht übernommen. Bitte verständigen Sie die Administration."
	case errors.Is(err, store.ErrDuplicateFileNumber):
		return "Ein empfangener Vorgang hat ein Aktenzeichen, das auf diesem PC schon vergeben ist. Bitte verständigen Sie die Administration."
	case errors.Is(err, store.ErrNotEnrolled):
		return "Dieser PC ist noch nicht mit der OZG-Cloud verbunden."
	case errors.Is(err, ErrProtocol), errors.Is(err, wire.ErrDecode), errors.Is(err, wire.ErrTooLarge):
		return "Die Antwort der OZG-Cloud war nicht verständlich. Es wird später erneut versucht; bleibt der Fehler, verständigen Sie bitte die Administration."
	}
	return "Die Synchronisierung ist fehlgeschlagen. Es wird später erneut versucht."
}
