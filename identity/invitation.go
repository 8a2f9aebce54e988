package identity

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

// InvitationValidity is how long an invitation code lasts unless the caller says
// otherwise: long enough for the administration to hand it over in person or by
// letter.
const InvitationValidity = 7 * 24 * time.Hour

// codeAlphabet has 32 characters, none that is easily confused with another when read
// aloud or from paper (no I, O, 0, 1). 32 divides 256, so a random byte modulo 32
// picks each character with the same chance.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

const codeLen = 16 // 80 bits

// Invitation is the stored side of a one-time code with which a user sets their
// password, the first time or after a reset. Only the code's hash is kept: the code
// itself is shown once to the administration. The codes carry 80 random bits, so a
// plain SHA-256 suffices; a slow hash would add nothing.
type Invitation struct {
	UserID  string    `json:"userId"`
	Hash    string    `json:"hash"` // InvitationHash of the code
	Expires time.Time `json:"expires"`
	Used    time.Time `json:"used,omitzero"` // when it was redeemed; zero while unused
}

// NewInvitation returns a new code for userID, such as "ABCD-EFGH-JKLM-NPQR", and the
// invitation to store, valid from now for valid (InvitationValidity when zero or
// negative). It fails only if rand does.
func NewInvitation(userID string, now time.Time, valid time.Duration, rand io.Reader) (string, Invitation, error) {
	if valid <= 0 {
		valid = InvitationValidity
	}
	b := make([]byte, codeLen)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", Invitation{}, fmt.Errorf("identity: new invitation: %w", err)
	}
	var code strings.Builder
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			code.WriteByte('-')
		}
		code.WriteByte(codeAlphabet[int(x)%len(codeAlphabet)])
	}
	h, _ := InvitationHash(code.String())
	return code.String(), Invitation{UserID: userID, Hash: h, Expires: now.Add(valid)}, nil
}

// InvitationHash returns the hash under which a code is stored, so a store can find an
// invitation by the code a user typed. Case, blanks and dashes do not matter. The
// error is ErrInvitationMalformed for anything but 16 characters of the code alphabet.
func InvitationHash(code string) (string, error) {
	norm := strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
	if len(norm) != codeLen || strings.Trim(norm, codeAlphabet) != "" {
		return "", ErrInvitationMalformed
	}
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:]), nil
}

// Redeem checks code against the invitation at now and, if it is right, unused and not
// expired, marks it used; the caller stores the invitation in the same transaction as
// the new password verifier. The error is ErrInvitationMalformed,
// ErrInvitationWrong, ErrInvitationUsed or ErrInvitationExpired, in that order: a
// wrong code learns nothing of the invitation's state.
func (inv *Invitation) Redeem(code string, now time.Time) error {
	h, err := InvitationHash(code)
	if err != nil {
		return err
	}
	switch {
	case subtle.ConstantTimeCompare([]byte(h), []byte(inv.Hash)) != 1:
		return ErrInvitationWrong
	case !inv.Used.IsZero():
		return ErrInvitationUsed
	case !now.Before(inv.Expires):
		return ErrInvitationExpired
	}
	inv.Used = now
	return nil
}
