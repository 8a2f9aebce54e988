package app

import (
	"errors"
	"fmt"

	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/session"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

// The German of signing in, locking, the users of this PC and substitution. The
// OZG-Cloud's own refusals (wire.Error.Message) are German and are shown as they
// are, but for too many attempts, which we word ourselves. See messages.go.

const (
	msgNotSignedIn        = "Bitte melden Sie sich an."
	msgScreenLocked       = "Der Bildschirm ist gesperrt. Bitte geben Sie Ihr Passwort ein."
	msgUnknownUser        = "Diesen Benutzernamen gibt es auf diesem PC nicht. Bitte prüfen Sie die Schreibweise oder wählen Sie Ihren Namen aus der Liste."
	msgNoPassword         = "Für diesen Benutzer ist auf diesem PC noch kein Passwort gesetzt. Bitte setzen Sie es mit dem Einladungscode der Administration („Einladungscode einlösen“)."
	msgNeverOnline        = "Die OZG-Cloud ist gerade nicht erreichbar, und Sie haben sich an diesem PC noch nie angemeldet, während er mit ihr verbunden war (oder die Administration hat Ihre Anmeldung beendet). Ohne Verbindung ist eine Anmeldung erst danach möglich. Bitte melden Sie sich an, sobald der PC wieder mit der OZG-Cloud verbunden ist."
	msgGrantExpired       = "Ihre Offline-Anmeldung an diesem PC ist am %s abgelaufen, und die OZG-Cloud ist gerade nicht erreichbar. Bitte melden Sie sich an, sobald der PC wieder mit der OZG-Cloud verbunden ist. Bereits erledigte Arbeit bleibt gespeichert und wird dann übertragen."
	msgClock              = "Die Uhr dieses PCs weicht um mehr als 5 Minuten von der Uhr der OZG-Cloud ab (dieser PC zeigt %s). Bitte lassen Sie Datum und Uhrzeit des PCs korrigieren; bis dahin ist keine Anmeldung möglich."
	msgGrantInvalid       = "Die Anmeldedaten der OZG-Cloud auf diesem PC sind ungültig. Bitte melden Sie sich an, während der PC mit der OZG-Cloud verbunden ist."
	msgDeactivated        = "Dieses Benutzerkonto wurde von der Administration deaktiviert."
	msgNeedsConnection    = "Einen Einladungscode der OZG-Cloud kann dieser PC nur einlösen, während er mit der OZG-Cloud verbunden ist. Bitte versuchen Sie es später erneut."
	msgOtherClerk         = "Entsperren kann nur die angemeldete Person. Wer selbst arbeiten möchte, wählt „Anderer Benutzer“."
	msgRateLimited        = "Zu viele fehlgeschlagene Anmeldeversuche an diesem PC oder für diesen Benutzer. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."
	msgSignInRefused      = "Die OZG-Cloud hat die Anmeldung abgelehnt."
	msgHasClerks          = "Dieser PC ist bereits eingerichtet. Bitte melden Sie sich an."
	msgNameMissing        = "Bitte geben Sie einen Namen an."
	msgNameTaken          = "Diesen Namen trägt schon ein anderer Benutzer dieses PCs; Benutzer melden sich mit ihrem Namen an."
	msgBadRole            = "Bitte wählen Sie eine Rolle."
	msgDeactivateSelf     = "Sie können Ihr eigenes Benutzerkonto nicht deaktivieren."
	msgUsersAdminOnly     = "Die Benutzer dieses PCs verwaltet nur die Administration."
	msgUsersOfCloud       = "Dieser PC ist mit der OZG-Cloud verbunden: Seine Benutzer verwaltet die Administration der OZG-Cloud (ozgcloud-server user add, reset-password, deactivate)."
	msgIdleLockRange      = "Bitte geben Sie eine Zeit zwischen 1 und 240 Minuten an."
	msgLockIdle           = "Der Bildschirm wurde gesperrt, weil eine Weile nichts eingegeben wurde."
	msgLockManual         = "Der Bildschirm ist gesperrt."
	msgLockGrant          = "Ihre Anmeldung bei der OZG-Cloud ist abgelaufen. Bitte geben Sie Ihr Passwort erneut ein; Ihre Eingaben bleiben erhalten."
	msgLockRevoked        = "Die Administration hat Ihre Anmeldung beendet (etwa mit einem neuen Passwort). Bitte melden Sie sich neu an, während der PC mit der OZG-Cloud verbunden ist."
	msgNoticeDeactivated  = "Sie wurden abgemeldet: Ihr Benutzerkonto wurde von der Administration deaktiviert."
	msgAbsenceNotAllowed  = "Eine Abwesenheit können nur die abwesende Person selbst und die Leitung eintragen."
	msgAbsenceSubstitute  = "Die Vertretung muss eine andere aktive Person dieses PCs sein."
	msgAbsenceNotFound    = "Diese Abwesenheit gibt es nicht mehr."
	msgAbsenceRefused     = "Von der OZG-Cloud abgelehnt: %s"
	msgAbsencePending     = "Wird an die OZG-Cloud übertragen."
	msgAbsenceDeleting    = "Wird in der OZG-Cloud gelöscht."
	msgNotAccepted        = "Die OZG-Cloud hat diesen Vorgang nicht angenommen. Er kann nur erneut eingereicht oder verworfen werden."
	msgNotAcceptedPending = "Zu diesem Vorgang sind noch Änderungen unterwegs zur OZG-Cloud. Bitte warten Sie, bis sie übertragen sind, und verwerfen Sie ihn dann."
	msgUserActive         = "aktiv"
	msgUserDeactivated    = "deaktiviert seit %s"
	msgUserInvited        = "wartet auf das erste Passwort (Einladungscode gültig bis %s)"
	msgUserNoPassword     = "kein Passwort: bitte einen neuen Einladungscode erstellen"
	msgUserNeverHere      = "hat sich an diesem PC noch nicht angemeldet"
	msgUserGrant          = "an diesem PC angemeldet gewesen; ohne Verbindung anmelden bis %s"
	fieldRequired         = "Bitte ausfüllen."
	fieldPassword         = "Bitte geben Sie Ihr Passwort ein."
	fmtSubstitute         = "Vertretung für %s"
)

// lockReasonText says why the window is locked.
func lockReasonText(reason string) string {
	switch reason {
	case session.LockIdle:
		return msgLockIdle
	case session.LockManual:
		return msgLockManual
	case session.LockGrant:
		return msgLockGrant
	case session.LockRevoked:
		return msgLockRevoked
	}
	return ""
}

// noticeText says why the PC signed the last clerk out.
func noticeText(notice string) string {
	if notice == session.NoticeDeactivated {
		return msgNoticeDeactivated
	}
	return ""
}

// signInError says in German why a sign-in, an activation or an unlock failed, and
// marks the field it concerns.
func (a base) signInError(err error) error {
	field := func(name, msg string) error {
		return &Error{Code: CodeSignIn, Message: msg, Fields: map[string]string{name: msg}}
	}
	var (
		locked  *identity.LockedError
		expired *session.ExpiredError
		refused *session.RefusedError
		rule    *identity.Error
	)
	switch {
	case errors.As(err, &locked):
		return &Error{Code: CodeSignIn, Message: locked.German(a.now(), a.loc)}
	case errors.As(err, &refused):
		msg := refused.Wire.Message
		if refused.Wire.Code == wire.CodeRateLimited {
			msg = msgRateLimited
		} else if msg == "" {
			msg = msgSignInRefused
		}
		return &Error{Code: CodeSignIn, Message: msg}
	case errors.As(err, &expired):
		return &Error{Code: CodeSignIn, Message: fmt.Sprintf(msgGrantExpired, expired.At.In(a.loc).Format(layoutDateTimeGerman))}
	case errors.Is(err, identity.ErrWrongPassword):
		return field("password", identity.ErrWrongPassword.Message)
	case errors.Is(err, identity.ErrInvitationMalformed), errors.Is(err, identity.ErrInvitationWrong),
		errors.Is(err, identity.ErrInvitationUsed), errors.Is(err, identity.ErrInvitationExpired):
		errors.As(err, &rule)
		return field("code", rule.Message)
	case errors.As(err, &rule):
		return field("password", rule.Message)
	case errors.Is(err, session.ErrUnknownUser):
		return field("user", msgUnknownUser)
	case errors.Is(err, session.ErrNameMissing):
		return field("name", msgNameMissing)
	}
	for _, m := range []struct {
		err error
		msg string
	}{
		{session.ErrNoPassword, msgNoPassword},
		{session.ErrNeverOnline, msgNeverOnline},
		{session.ErrGrantInvalid, msgGrantInvalid},
		{session.ErrDeactivated, msgDeactivated},
		{session.ErrNeedsConnection, msgNeedsConnection},
		{session.ErrOtherClerk, msgOtherClerk},
		{session.ErrHasClerks, msgHasClerks},
	} {
		if errors.Is(err, m.err) {
			return &Error{Code: CodeSignIn, Message: m.msg}
		}
	}
	if errors.Is(err, session.ErrClock) {
		return &Error{Code: CodeSignIn, Message: fmt.Sprintf(msgClock, a.now().In(a.loc).Format(layoutDateTimeGerman))}
	}
	a.log.Error("sign-in failed", "err", err)
	return toError(err)
}

// usersError says an error of the local administration of users in German.
func usersError(err error) error {
	for _, m := range []struct {
		err   error
		field string
		msg   string
	}{
		{session.ErrNameMissing, "name", msgNameMissing},
		{session.ErrNameTaken, "name", msgNameTaken},
		{session.ErrBadRole, "role", msgBadRole},
		{session.ErrSelf, "", msgDeactivateSelf},
		{session.ErrNotAdmin, "", msgUsersAdminOnly},
		{session.ErrConnected, "", msgUsersOfCloud},
		{session.ErrDeactivated, "", msgDeactivated},
	} {
		if errors.Is(err, m.err) {
			e := &Error{Code: CodeNotAllowed, Message: m.msg}
			if m.field != "" {
				e.Code, e.Fields = CodeInvalid, map[string]string{m.field: m.msg}
			}
			return e
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: CodeNotFound, Message: msgUnknownClerk}
	}
	return toError(err)
}
