package client

import (
	"context"
	"net/http"

	"github.com/ozgcloud/desktop/sync/wire"
)

// SignIn signs a clerk in on this device (wire.PathSignIn) and returns the grant. A
// refusal is a *wire.Error with wire.CodeSignIn and a Reason (its Message is German,
// for the clerk), or wire.CodeRateLimited after too many failures; a network failure
// wraps ErrOffline, and the desktop then signs the clerk in offline, if it can.
func (h *HTTP) SignIn(ctx context.Context, user, password string) (wire.SignInResponse, error) {
	return h.signIn(ctx, wire.PathSignIn, wire.SignInRequest{User: user, Password: password})
}

// Activate sets a clerk's password with an invitation code (wire.PathActivate) and
// signs the clerk in, like SignIn.
func (h *HTTP) Activate(ctx context.Context, code, password string) (wire.SignInResponse, error) {
	return h.signIn(ctx, wire.PathActivate, wire.ActivateRequest{Code: code, Password: password})
}

func (h *HTTP) signIn(ctx context.Context, path string, req any) (wire.SignInResponse, error) {
	return call(ctx, h, http.MethodPost, path, req, wire.DecodeSignInResponse, wire.MaxBodyAuth)
}

// RecordAbsence records, changes or removes an absence (wire.PathAbsences) and
// returns it as the service stored it. Refusals are as with SignIn.
func (h *HTTP) RecordAbsence(ctx context.Context, req wire.AbsenceRequest) (wire.Absence, error) {
	return call(ctx, h, http.MethodPost, wire.PathAbsences, req, wire.DecodeAbsence, wire.MaxBodyAuth)
}
