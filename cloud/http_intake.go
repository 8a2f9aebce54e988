package cloud

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// intake accepts an online application from a form server (see ParseIntake). The
// credential is checked before a byte of the body is read, and the spooled files are
// removed whatever happens: the Service has copied them into the tenant's blobs when
// it returns without error, and must store nothing when it returns one.
func (h *handler) intake(w http.ResponseWriter, r *http.Request) {
	cred, err := byBearer(r, h.s.AuthenticateIntake)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if rec, ok := w.(*recorder); ok {
		rec.tenant = cred.Tenant
	}
	leave, ok := h.g.requests.Enter("intake:" + cred.ID)
	if !ok {
		h.fail(w, r, busy("requests_per_credential", "too many submissions of this form server at once"))
		return
	}
	defer leave()
	q, err := h.s.intakeQuota(r.Context(), cred.Tenant)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lim := intakeLimits(h.limits, q)
	// Parts are spooled to temp files as they arrive, so the body is not charged
	// to the memory budget.
	b, done, err := h.body(w, r, bodySpec{max: lim.IntakeTotal, tenant: cred.Tenant})
	if err != nil {
		h.fail(w, r, quotaRefusal(err, h.limits, q))
		return
	}
	defer done()
	sub, err := ParseIntake(b, r.Header.Get("Content-Type"), lim, h.tempDir)
	if err != nil {
		h.fail(w, r, quotaRefusal(err, h.limits, q))
		return
	}
	defer sub.Remove()
	resp, created, err := h.s.Intake(r.Context(), cred, sub)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if !created {
		// A retry of a transaction already taken: same case, nothing new made.
		status = http.StatusOK
	}
	h.writeJSON(w, r, status, resp)
}

// verify answers whether a signed decision with the code exists. It needs no token:
// whoever holds the printed decision may ask.
func (h *handler) verify(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if code == "" || len(code) > 100 || strings.ContainsFunc(code, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		h.fail(w, r, badRequest("Der Prüfcode ist ungültig (invalid verification code)."))
		return
	}
	// Codes are unguessable, but a guesser should not get to try many: each
	// address may ask for a number of unknown codes per window.
	addr, err := attempt(h.g.verify, r, "verify", "verification")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	resp, err := h.s.Verify(r.Context(), code)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if resp.Found {
		h.g.verify.Give(addr)
	}
	h.writeJSON(w, r, http.StatusOK, resp)
}

// intakeLimits narrows the server's intake limits to the tenant's quota: the whole
// body (decompressed) to MaxIntake, each file to MaxAttachment.
func intakeLimits(lim Limits, q Quota) Limits {
	lim.IntakeTotal = min(lim.IntakeTotal, q.MaxIntake)
	lim.IntakeAttachment = min(lim.IntakeAttachment, q.MaxAttachment)
	lim.IntakeRepresentation = min(lim.IntakeRepresentation, q.MaxAttachment)
	return lim
}

// quotaRefusal turns a limit the tenant's quota set (see intakeLimits) into a
// *QuotaError; the server's own limits stay too_large.
func quotaRefusal(err error, lim Limits, q Quota) error {
	var pub *publicError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb), errors.As(err, &pub) && (pub.reason == "intake" || pub.reason == "body" || pub.reason == "decompressed"):
		if q.MaxIntake <= lim.IntakeTotal {
			return &QuotaError{Reason: "intake", Message: fmt.Sprintf(
				"Der Online-Antrag ist größer, als die Gemeinde annimmt (höchstens %s mit allen Anlagen).", FormatBytes(q.MaxIntake))}
		}
	case errors.As(err, &pub) && pub.reason == "attachment":
		if q.MaxAttachment <= min(lim.IntakeAttachment, lim.IntakeRepresentation) {
			return &QuotaError{Reason: "attachment", Message: fmt.Sprintf(
				"Eine Datei des Online-Antrags ist größer, als die Gemeinde annimmt (höchstens %s).", FormatBytes(q.MaxAttachment))}
		}
	}
	return err
}
