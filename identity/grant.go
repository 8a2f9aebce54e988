package identity

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ozgcloud/desktop/model"
)

// DefaultOfflinePeriod is how long a grant lasts when the tenant sets no offline
// period: a clerk who signed in online may sign in on that PC offline for two weeks.
const DefaultOfflinePeriod = 14 * 24 * time.Hour

// MaxClockSkew is how far a PC's clock may be off the service's. A grant issued
// further in the future than this is refused (ErrGrantFromFuture), and a mutation
// stamped up to this long before its grant was issued is still covered.
const MaxClockSkew = 5 * time.Minute

// Grant says that the central service signed a user in on a device: the user may act
// on that device from IssuedAt until Expires, online or offline. The service signs it
// with its Ed25519 key (Sign); the device keeps the token and both sides check it with
// VerifyGrant. The role is the service's at issue time, for the desktop's own checks
// while offline; the service itself always asks its registry.
type Grant struct {
	ID       string // random, 32 hex digits; the key for revoking one grant
	Tenant   string
	UserID   string
	Role     model.Role
	DeviceID string
	IssuedAt time.Time // UTC, whole seconds
	Expires  time.Time // UTC, whole seconds; the grant is valid before this instant
}

// NewGrant returns a grant for userID on deviceID issued at now and valid for
// offline (DefaultOfflinePeriod when zero or negative), with a fresh ID from rand.
// Its times are UTC whole seconds, as the encoding keeps them.
func NewGrant(tenant, userID string, role model.Role, deviceID string, now time.Time, offline time.Duration, rand io.Reader) (Grant, error) {
	if offline <= 0 {
		offline = DefaultOfflinePeriod
	}
	id := make([]byte, 16)
	if _, err := io.ReadFull(rand, id); err != nil {
		return Grant{}, fmt.Errorf("identity: new grant: id: %w", err)
	}
	issued := now.UTC().Truncate(time.Second)
	g := Grant{ID: hex.EncodeToString(id), Tenant: tenant, UserID: userID, Role: role, DeviceID: deviceID,
		IssuedAt: issued, Expires: issued.Add(offline.Truncate(time.Second))}
	if err := g.check(); err != nil {
		return Grant{}, fmt.Errorf("identity: new grant: %w", err)
	}
	return g, nil
}

// Covers reports whether the grant lets userID act on deviceID at the instant at
// (a mutation's time): the user and device match and at lies in
// [IssuedAt − MaxClockSkew, Expires). The skew allows for a PC clock slightly behind
// the service's. Covers does not check the signature (VerifyGrant did) nor revocation
// (Revocations.Authorize does).
func (g Grant) Covers(userID, deviceID string, at time.Time) bool {
	return g.UserID == userID && g.DeviceID == deviceID &&
		!at.Before(g.IssuedAt.Add(-MaxClockSkew)) && at.Before(g.Expires)
}

// Sign returns the grant's token: its one canonical encoding followed by the Ed25519
// signature of it, in URL-safe base64. It fails for a grant that NewGrant would not
// make (empty or unprintable fields, fields over 255 bytes, an unknown role, times not
// whole UTC seconds, Expires not after IssuedAt).
func (g Grant) Sign(key ed25519.PrivateKey) (string, error) {
	if len(key) != ed25519.PrivateKeySize {
		return "", fmt.Errorf("identity: sign grant: private key of %d bytes", len(key))
	}
	payload, err := g.encode()
	if err != nil {
		return "", fmt.Errorf("identity: sign grant: %w", err)
	}
	return tokenEncoding.EncodeToString(append(payload, ed25519.Sign(key, payload)...)), nil
}

// VerifyGrant decodes token and checks that the service's key signed it, that it is
// for deviceID, that it was not issued more than skew after now (a PC clock behind the
// service's, or a forged time) and that it has not expired at now. The error wraps
// ErrGrantMalformed, ErrGrantSignature, ErrGrantWrongDevice, ErrGrantFromFuture or
// ErrGrantExpired. With the last three the signature was good and the grant is
// returned too, so the caller can say when it expired.
func VerifyGrant(token string, pub ed25519.PublicKey, deviceID string, now time.Time, skew time.Duration) (Grant, error) {
	if len(pub) != ed25519.PublicKeySize {
		return Grant{}, fmt.Errorf("identity: verify grant: public key of %d bytes", len(pub))
	}
	g, payload, sig, err := decodeGrant(token)
	if err != nil {
		return Grant{}, err
	}
	if !ed25519.Verify(pub, payload, sig) {
		return Grant{}, ErrGrantSignature
	}
	switch {
	case g.DeviceID != deviceID:
		return g, fmt.Errorf("%w: grant %s is for device %s", ErrGrantWrongDevice, g.ID, g.DeviceID)
	case g.IssuedAt.After(now.Add(skew)):
		return g, fmt.Errorf("%w: grant %s issued at %s, clock says %s", ErrGrantFromFuture, g.ID,
			g.IssuedAt.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	case !now.Before(g.Expires):
		return g, fmt.Errorf("%w: grant %s expired at %s", ErrGrantExpired, g.ID, g.Expires.Format(time.RFC3339))
	}
	return g, nil
}

// The encoding: grantMagic, then ID, Tenant, UserID, Role and DeviceID each as one
// length byte and that many bytes, then IssuedAt and Expires as big-endian Unix
// seconds, then (in a token) the 64-byte signature. Every grant has exactly one
// encoding and decoding refuses everything else, so a token round-trips byte for byte.
var grantMagic = []byte("OZGG\x01")

var tokenEncoding = base64.RawURLEncoding.Strict()

const maxTokenLen = 2048 // far above the largest encoding (5 + 5×256 + 16 + 64 bytes)

var errGrantField = errors.New("field empty, over 255 bytes or not printable text")

func (g Grant) fields() []string {
	return []string{g.ID, g.Tenant, g.UserID, string(g.Role), g.DeviceID}
}

func (g Grant) check() error {
	names := []string{"id", "tenant", "user", "role", "device"}
	for i, f := range g.fields() {
		if len(f) == 0 || len(f) > 255 || !printable(f) {
			return fmt.Errorf("%s: %w", names[i], errGrantField)
		}
	}
	switch {
	case !g.Role.Valid():
		return fmt.Errorf("unknown role %q", g.Role)
	case !wholeUTCSecond(g.IssuedAt) || !wholeUTCSecond(g.Expires):
		return errors.New("times must be whole seconds in UTC")
	case !g.Expires.After(g.IssuedAt):
		return errors.New("expires before it was issued")
	}
	return nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// wholeUTCSecond reports whether t is what decoding makes of its Unix seconds: UTC,
// no fraction, between 1970 and 9999.
func wholeUTCSecond(t time.Time) bool {
	return t.Location() == time.UTC && t.Nanosecond() == 0 && t.Unix() >= 0 && t.Year() <= 9999
}

func (g Grant) encode() ([]byte, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	b := append([]byte(nil), grantMagic...)
	for _, f := range g.fields() {
		b = append(append(b, byte(len(f))), f...)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(g.IssuedAt.Unix()))
	return binary.BigEndian.AppendUint64(b, uint64(g.Expires.Unix())), nil
}

// decodeGrant splits a token into the grant, the signed bytes and the signature. The
// error wraps ErrGrantMalformed and does not quote the token.
func decodeGrant(token string) (g Grant, payload, sig []byte, err error) {
	fail := func(what string) (Grant, []byte, []byte, error) {
		return Grant{}, nil, nil, fmt.Errorf("%w: %s", ErrGrantMalformed, what)
	}
	if len(token) > maxTokenLen {
		return fail("too long")
	}
	raw, err := decodeCanonical(tokenEncoding, token)
	if err != nil {
		return fail("not base64url")
	}
	if len(raw) < len(grantMagic)+ed25519.SignatureSize || string(raw[:len(grantMagic)]) != string(grantMagic) {
		return fail("not a grant of version 1")
	}
	payload, sig = raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	rest := payload[len(grantMagic):]
	var f [5]string
	for i := range f {
		if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
			return fail("cut short")
		}
		f[i], rest = string(rest[1:1+int(rest[0])]), rest[1+int(rest[0]):]
	}
	if len(rest) != 16 {
		return fail("times missing or trailing bytes")
	}
	g = Grant{ID: f[0], Tenant: f[1], UserID: f[2], Role: model.Role(f[3]), DeviceID: f[4],
		IssuedAt: time.Unix(int64(binary.BigEndian.Uint64(rest)), 0).UTC(),
		Expires:  time.Unix(int64(binary.BigEndian.Uint64(rest[8:])), 0).UTC()}
	if err := g.check(); err != nil {
		return fail(err.Error())
	}
	return g, payload, sig, nil
}
