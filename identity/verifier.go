package identity

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the Argon2id cost parameters of a password verifier. They are stored in
// the verifier itself, so raising them later re-hashes each password at its owner's
// next successful sign-in (see VerifyPassword).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes; 1 keeps a sign-in on one core
	SaltLen uint32 // bytes of random salt per verifier
	KeyLen  uint32 // bytes of hash
}

// DefaultParams are the parameters new verifiers get: OWASP's minimum for Argon2id
// (19 MiB, 2 passes, 1 lane) raised to 32 MiB, which keeps one sign-in well under
// 300 ms on a shared 2-core machine (BenchmarkSignIn; figures in the commit message).
var DefaultParams = Params{Memory: 32 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds for parameters we write and read. A verifier from a damaged or hostile store
// must not make a sign-in allocate gigabytes or run for minutes.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 32
	maxThreads = 16
	minSalt    = 8
	maxSalt    = 64
	minKey     = 16
	maxKey     = 64
)

const phcPrefix = "$argon2id$v=19$"

// b64 is the PHC string format's base64: standard alphabet, no padding. Strict, so a
// verifier has exactly one spelling.
var b64 = base64.RawStdEncoding.Strict()

// decodeCanonical decodes s and refuses any spelling other than the one enc writes:
// the decoder skips \r and \n even when strict.
func decodeCanonical(enc *base64.Encoding, s string) ([]byte, error) {
	b, err := enc.DecodeString(s)
	if err == nil && enc.EncodedLen(len(b)) != len(s) {
		err = errors.New("line breaks in base64")
	}
	return b, err
}

func (p Params) check() error {
	switch {
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("threads %d outside 1..%d", p.Threads, maxThreads)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		// Argon2 needs 8 KiB per lane; x/crypto would raise a smaller value silently.
		return fmt.Errorf("memory %d KiB outside %d..%d", p.Memory, 8*uint32(p.Threads), maxMemory)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time %d outside 1..%d", p.Time, maxTime)
	case p.SaltLen < minSalt || p.SaltLen > maxSalt:
		return fmt.Errorf("salt of %d bytes outside %d..%d", p.SaltLen, minSalt, maxSalt)
	case p.KeyLen < minKey || p.KeyLen > maxKey:
		return fmt.Errorf("hash of %d bytes outside %d..%d", p.KeyLen, minKey, maxKey)
	}
	return nil
}

// HashPassword returns a new verifier for password in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash) with a fresh salt from rand. It does not
// apply the password rules (CheckPassword does); it fails only for parameters out of
// bounds or a failing rand.
func HashPassword(password string, p Params, rand io.Reader) (string, error) {
	if err := p.check(); err != nil {
		return "", fmt.Errorf("identity: hash password: %s", err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return "", fmt.Errorf("identity: hash password: salt: %w", err)
	}
	v := verifier{p, salt, argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)}
	return v.String(), nil
}

// VerifyPassword checks password against a stored verifier. On success, upgrade
// reports whether the verifier was made with parameters other than current, so the
// caller should store HashPassword(password, current, …) in its place. The error wraps
// ErrWrongPassword or ErrMalformedVerifier. The comparison takes constant time.
func VerifyPassword(verifier, password string, current Params) (upgrade bool, err error) {
	v, err := parseVerifier(verifier)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), v.salt, v.params.Time, v.params.Memory, v.params.Threads, v.params.KeyLen)
	if subtle.ConstantTimeCompare(got, v.hash) != 1 {
		return false, ErrWrongPassword
	}
	return v.params != current, nil
}

// VerifyUnknown does the work of VerifyPassword with current parameters and returns
// ErrWrongPassword, so that a sign-in for an unknown user name takes as long as one
// with a wrong password and does not tell which names exist.
func VerifyUnknown(password string, current Params) error {
	if current.check() == nil {
		argon2.IDKey([]byte(password), make([]byte, current.SaltLen), current.Time, current.Memory, current.Threads, current.KeyLen)
	}
	return ErrWrongPassword
}

type verifier struct {
	params Params
	salt   []byte
	hash   []byte
}

func (v verifier) String() string {
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", phcPrefix, v.params.Memory, v.params.Time, v.params.Threads,
		b64.EncodeToString(v.salt), b64.EncodeToString(v.hash))
}

// parseVerifier reads the PHC string format strictly: one spelling per verifier (no
// optional fields, no leading zeros, no padding), parameters within bounds. The error
// wraps ErrMalformedVerifier and never quotes the verifier.
func parseVerifier(s string) (verifier, error) {
	fail := func(what string) (verifier, error) {
		return verifier{}, fmt.Errorf("%w: %s", ErrMalformedVerifier, what)
	}
	rest, ok := strings.CutPrefix(s, phcPrefix)
	if !ok {
		return fail("not an Argon2id verifier of version 19")
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return fail("want parameters, salt and hash")
	}
	var v verifier
	var threads uint32
	for i, field := range strings.Split(parts[0], ",") {
		name, val, _ := strings.Cut(field, "=")
		dst := []*uint32{&v.params.Memory, &v.params.Time, &threads}
		if i >= len(dst) || name != "mtp"[i:i+1] {
			return fail("parameters must be m=…,t=…,p=…")
		}
		n, ok := parseDecimal(val)
		if !ok {
			return fail("parameter " + name + " is not a plain decimal number")
		}
		*dst[i] = n
	}
	if threads > maxThreads {
		return fail("too many threads")
	}
	v.params.Threads = uint8(threads)
	var err error
	if v.salt, err = decodeCanonical(b64, parts[1]); err != nil {
		return fail("salt is not base64")
	}
	if v.hash, err = decodeCanonical(b64, parts[2]); err != nil {
		return fail("hash is not base64")
	}
	v.params.SaltLen, v.params.KeyLen = uint32(len(v.salt)), uint32(len(v.hash))
	if err := v.params.check(); err != nil {
		return fail(err.Error())
	}
	return v, nil
}

// parseDecimal accepts 1 to 9 decimal digits without sign or leading zero, so every
// number has one spelling and none overflows uint32.
func parseDecimal(s string) (uint32, bool) {
	if len(s) == 0 || len(s) > 9 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}
