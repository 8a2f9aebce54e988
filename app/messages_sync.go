package app

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// The German of the sync with the OZG-Cloud: the errors of the engine and of
// connecting the PC, as the status bar and "Mit OZG-Cloud verbinden" show them. The
// central service's own messages (wire.Error.Message) are German and data-free by the
// protocol; they are shown where no code says more. See messages.go.

const (
	msgSyncFingerprint     = "Das Zertifikat des Servers stimmt nicht mit dem bestätigten Fingerabdruck überein. Die Verbindung wurde aus Sicherheitsgründen nicht aufgebaut. Bitte verständigen Sie die Administration."
	msgSyncUntrusted       = "Dem Zertifikat des Servers wird nicht vertraut. Die Verbindung wurde aus Sicherheitsgründen nicht aufgebaut."
	msgSyncUnauthorized    = "Dieser PC ist bei der OZG-Cloud nicht (mehr) angemeldet. Bitte wenden Sie sich an die Administration."
	msgSyncEnrollment      = "Der Anmeldecode ist unbekannt, schon benutzt oder abgelaufen. Bitte lassen Sie sich einen neuen geben."
	msgSyncDisturbed       = "Die OZG-Cloud ist gerade gestört. Ihre Änderungen sind gespeichert; es wird später erneut versucht."
	msgSyncRefused         = "Die OZG-Cloud hat die Anfrage abgelehnt."
	msgSyncNoServer        = "Der Server der OZG-Cloud wurde nicht gefunden. Bitte prüfen Sie die Adresse und die Internetverbindung."
	msgSyncOffline         = "Keine Verbindung zur OZG-Cloud. Ihre Änderungen sind gespeichert und werden übertragen, sobald die Verbindung wieder besteht."
	msgSyncChainBroken     = "Die empfangene Historie eines Vorgangs ist nicht schlüssig; die Änderungen wurden nicht übernommen. Bitte verständigen Sie die Administration."
	msgSyncDuplicate       = "Ein empfangener Vorgang hat ein Aktenzeichen, das auf diesem PC schon vergeben ist. Bitte verständigen Sie die Administration."
	msgSyncUnreadable      = "Die Antwort der OZG-Cloud war nicht verständlich. Es wird später erneut versucht; bleibt der Fehler, verständigen Sie bitte die Administration."
	msgSyncStateUnreadable = "Der Stand der Synchronisierung konnte nicht gelesen werden."
	msgSyncFailed          = "Die Synchronisierung ist fehlgeschlagen. Es wird später erneut versucht."
)

// syncMessage says an error of the sync engine or of connecting the PC in German; it
// never holds citizens' data: local errors are described, not quoted.
func syncMessage(err error) string {
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
	case errors.Is(err, client.ErrFingerprint):
		return msgSyncFingerprint
	case errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		return msgSyncUntrusted
	case errors.As(err, &we):
		switch we.Code {
		case wire.CodeUnauthorized:
			return msgSyncUnauthorized
		case wire.CodeEnrollment:
			return msgSyncEnrollment
		case wire.CodeUnavailable, wire.CodeInternal:
			return msgSyncDisturbed
		}
		if we.Message != "" {
			return we.Message
		}
		return msgSyncRefused
	case errors.As(err, &dns):
		return msgSyncNoServer
	case errors.Is(err, client.ErrOffline), errors.As(err, &ue):
		return msgSyncOffline
	case errors.Is(err, store.ErrChainBroken):
		return msgSyncChainBroken
	case errors.Is(err, store.ErrDuplicateFileNumber):
		return msgSyncDuplicate
	case errors.Is(err, store.ErrNotEnrolled):
		return msgNotEnrolled
	case errors.Is(err, client.ErrProtocol), errors.Is(err, wire.ErrDecode), errors.Is(err, wire.ErrTooLarge):
		return msgSyncUnreadable
	case errors.Is(err, client.ErrState):
		return msgSyncStateUnreadable
	}
	return msgSyncFailed
}

// The note after a restored or copied data folder, a restored OZG-Cloud or a
// duplicate file number, by the kind the store keeps (store.NoticeKind).
var syncNotices = map[store.NoticeKind]string{
	store.NoticeRestored: "Dieser PC arbeitet mit einem Datenstand aus einer Sicherung (oder einer Kopie). " +
		"Ihre Änderungen seit der Sicherung sind erhalten und wurden neu an die OZG-Cloud übertragen; es ist nichts verloren gegangen.",
	store.NoticeServiceRestored: "Die OZG-Cloud wurde aus einer Sicherung wiederhergestellt. Dieser PC hat alle Vorgänge neu geladen " +
		"und Ihre Änderungen, die dort fehlten, erneut übertragen; es ist nichts verloren gegangen.",
	store.NoticeCopied: "Die Daten dieses PCs wurden auf einen anderen PC kopiert. Dieser PC ist deshalb als eigenes Gerät neu angemeldet worden; " +
		"Ihre Änderungen sind erhalten und wurden unter der neuen Anmeldung übertragen.",
	store.NoticeDuplicate: "In der OZG-Cloud tragen mehrere Vorgänge dasselbe Aktenzeichen%s. Alle sind auf diesem PC vorhanden; " +
		"bitte wenden Sie sich an die Administration, damit sie die Aktenzeichen bereinigt.",
}

// msgSyncNoticeOther words a note of a kind this version does not know (a store
// written by a newer one).
const msgSyncNoticeOther = "Bei der Synchronisierung mit der OZG-Cloud ist etwas Besonderes geschehen. Bitte verständigen Sie die Administration."

// syncNoticeText says the store's note of kind in German, "" for none; detail
// names the file numbers of a duplicate.
func syncNoticeText(kind store.NoticeKind, detail string) string {
	if kind == "" {
		return ""
	}
	text, ok := syncNotices[kind]
	if !ok {
		return msgSyncNoticeOther
	}
	if kind == store.NoticeDuplicate {
		if detail != "" {
			detail = " (" + detail + ")"
		}
		text = fmt.Sprintf(text, detail)
	}
	return text
}
