package cloud

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/ozgcloud/desktop/sync/wire"
)

// signInBackend is what the sign-in endpoints need beyond backend; like
// directoryBackend it is separate so the handler tests' fake need not grow, and a
// backend without it answers 404.
type signInBackend interface {
	SignIn(ctx context.Context, d Device, user, password string) (wire.SignInResponse, error)
	Activate(ctx context.Context, d Device, code, password string) (wire.SignInResponse, error)
	RecordAbsence(ctx context.Context, d Device, req wire.AbsenceRequest) (wire.Absence, error)
}

var _ signInBackend = (*Service)(nil)

// signIn answers wire.PathSignIn. The device's allowance of failed attempts is taken
// before the body is read, the user's once it names one; both are given back when
// the sign-in succeeds, so only failures count. Refusals are counted in the summary
// line of refused requests, never logged one by one, and nothing logs the password.
func (h *handler) signIn(w http.ResponseWriter, r *http.Request, d Device) {
	serveAuth(h, w, r, d, "sign-in", wire.DecodeSignIn, func(sb signInBackend, req wire.SignInRequest, giveBack func()) (wire.SignInResponse, error) {
		userKey := d.Tenant + "/" + strings.ToLower(strings.TrimSpace(req.User))
		if err := attemptKey(h.g.signInU, userKey, "signin_user", "sign-in"); err != nil {
			giveBack()
			return wire.SignInResponse{}, err
		}
		resp, err := sb.SignIn(r.Context(), d, req.User, req.Password)
		if err == nil {
			h.g.signInU.Give(userKey)
		}
		return resp, err
	})
}

// activate answers wire.PathActivate, with the device's allowance of failures as in
// signIn.
func (h *handler) activate(w http.ResponseWriter, r *http.Request, d Device) {
	serveAuth(h, w, r, d, "activation", wire.DecodeActivate, func(sb signInBackend, req wire.ActivateRequest, _ func()) (wire.SignInResponse, error) {
		return sb.Activate(r.Context(), d, req.Code, req.Password)
	})
}

// absence answers wire.PathAbsences.
func (h *handler) absence(w http.ResponseWriter, r *http.Request, d Device) {
	serveAuth(h, w, r, d, "", wire.DecodeAbsenceRequest, func(sb signInBackend, req wire.AbsenceRequest, _ func()) (wire.Absence, error) {
		return sb.RecordAbsence(r.Context(), d, req)
	})
}

// serveAuth answers a sign-in endpoint: ErrNotFound for a backend without sign-in;
// with attempt (what is attempted, for the refusal) it first takes one of the
// device's allowance of failed attempts, which it gives back when call succeeds (call
// may give it back earlier with giveBack). The body is read with dec, at most
// wire.MaxBodyAuth, in memory and counted against the device's tenant. A
// *SignInError of call is answered in public (signInRefusal).
func serveAuth[T, R any](h *handler, w http.ResponseWriter, r *http.Request, d Device, attempt string,
	dec func(io.Reader, int64) (T, error), call func(sb signInBackend, req T, giveBack func()) (R, error)) {
	sb, ok := h.s.(signInBackend)
	if !ok {
		h.fail(w, r, ErrNotFound)
		return
	}
	giveBack := func() {}
	if attempt != "" {
		devKey := "device:" + d.ID
		if err := attemptKey(h.g.signIn, devKey, "signin_device", attempt); err != nil {
			h.fail(w, r, err)
			return
		}
		giveBack = func() { h.g.signIn.Give(devKey) }
	}
	req, done, err := decodeBody(h, w, r, bodySpec{max: wire.MaxBodyAuth, inMemory: true, tenant: d.Tenant}, dec)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	done()
	resp, err := call(sb, req, giveBack)
	if err == nil {
		giveBack()
	}
	h.reply(w, r, resp, signInRefusal(err))
}

// signInRefusal makes a *SignInError public (its German message and reason, the
// wait of a lock as Retry-After) and counted in the summary line instead of logged.
func signInRefusal(err error) error {
	var se *SignInError
	if !errors.As(err, &se) {
		return err
	}
	return &publicError{kind: se, msg: se.Message, reason: se.Reason, retry: se.Retry, count: "signin_" + se.Reason}
}
